//! Lenient parsing of users, conversations and bots from JSON: missing fields default,
//! wrong types are as good as missing.

use serde_json::Value;

use super::entries::{Bot, Conversation, ConversationKind, User};

/// A non-empty string field.
pub(super) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str().filter(|s| !s.is_empty())
}

pub(super) fn owned(v: &Value, key: &str) -> Option<String> {
    text(v, key).map(str::to_owned)
}

/// A boolean field: `true`/`false`, `"true"`/`"false"`, `1`/`0` (the docs show
/// `"is_group": "true"`).
pub(super) fn flag(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_u64()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn is(v: &Value, key: &str) -> bool {
    flag(v, key).unwrap_or(false)
}

/// An id given as a string, or as an object with an `id` (older payloads).
pub(super) fn id_of(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s),
        obj @ Value::Object(_) => text(obj, "id"),
        _ => None,
    }
}

pub(super) fn parse_user(v: &Value) -> Option<User> {
    let profile = v.get("profile").filter(|p| p.is_object());
    let from_profile = |key| profile.and_then(|p| owned(p, key));
    Some(User {
        id: owned(v, "id")?,
        name: owned(v, "name").unwrap_or_default(),
        real_name: owned(v, "real_name").or_else(|| from_profile("real_name")),
        display_name: from_profile("display_name"),
        team_id: owned(v, "team_id").or_else(|| from_profile("team")),
        is_bot: is(v, "is_bot"),
        is_app_user: is(v, "is_app_user"),
        deleted: is(v, "deleted"),
        is_admin: is(v, "is_admin"),
        is_owner: is(v, "is_owner"),
        is_restricted: is(v, "is_restricted"),
        is_ultra_restricted: is(v, "is_ultra_restricted"),
    })
}

/// A conversation object; its own flags decide the kind, then `hint` (where it came from),
/// then the id's first letter.
pub(super) fn parse_conversation(
    v: &Value,
    hint: Option<ConversationKind>,
) -> Option<Conversation> {
    use ConversationKind as K;
    let id = owned(v, "id")?;
    let kind = if is(v, "is_im") {
        K::Im
    } else if is(v, "is_mpim") {
        K::Mpim
    } else if is(v, "is_private") || is(v, "is_group") {
        K::Private
    } else if is(v, "is_channel") {
        K::Channel
    } else if let Some(hint) = hint {
        hint
    } else {
        match id.as_bytes().first() {
            Some(b'D') => K::Im,
            Some(b'G') => K::Private,
            _ => K::Channel,
        }
    };
    Some(Conversation {
        kind,
        name: if kind == K::Im {
            None
        } else {
            owned(v, "name")
        },
        user: if kind == K::Im {
            owned(v, "user")
        } else {
            None
        },
        is_archived: is(v, "is_archived"),
        is_general: is(v, "is_general"),
        is_member: flag(v, "is_member"),
        is_open: flag(v, "is_open"),
        id,
    })
}

pub(super) fn parse_bot(v: &Value) -> Option<Bot> {
    Some(Bot {
        id: owned(v, "id")?,
        name: owned(v, "name").unwrap_or_default(),
        app_id: owned(v, "app_id"),
        user_id: owned(v, "user_id"),
        deleted: is(v, "deleted"),
    })
}
