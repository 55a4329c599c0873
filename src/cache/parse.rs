//! Reading events' fields leniently (missing fields default, wrong types are as good as
//! missing); users, conversations and bots are read by the shared model's parser.

use serde::Deserialize;
use serde_json::Value;

use super::entries::{Bot, Conversation, User};
use crate::model::{self, ConversationKind};

/// A non-empty string field.
pub(super) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str().filter(|s| !s.is_empty())
}

pub(super) fn owned(v: &Value, key: &str) -> Option<String> {
    text(v, key).map(str::to_owned)
}

/// An id given as a string, or as an object with an `id` (older payloads).
pub(super) fn id_of(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s),
        obj @ Value::Object(_) => text(obj, "id"),
        _ => None,
    }
}

/// A user object, read by the shared model's lenient parser; `None` without an id.
pub(super) fn parse_user(v: &Value) -> Option<User> {
    User::from_model(&model::User::deserialize(v).ok()?)
}

/// A conversation object; its own flags decide the kind, then `hint` (where it came from),
/// then the id's first letter.
pub(super) fn parse_conversation(
    v: &Value,
    hint: Option<ConversationKind>,
) -> Option<Conversation> {
    Conversation::from_model(&model::Conversation::deserialize(v).ok()?, hint)
}

pub(super) fn parse_bot(v: &Value) -> Option<Bot> {
    Bot::from_model(&model::Bot::deserialize(v).ok()?)
}
