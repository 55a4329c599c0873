//! What the cache holds: users, conversations and bots in a compact stored form (the
//! fields bots use most, which is what its memory bound is measured with), made from and
//! handed out as the shared [`model`](crate::model) objects.

use crate::model::{self, ConversationKind};

/// A user as stored: `real_name` is the full name (`real_name`, else
/// `profile.real_name`), `team_id` falls back to `profile.team`, empty strings are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) real_name: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) team_id: Option<String>,
    pub(crate) is_bot: bool,
    pub(crate) is_app_user: bool,
    pub(crate) deleted: bool,
    pub(crate) is_admin: bool,
    pub(crate) is_owner: bool,
    pub(crate) is_restricted: bool,
    pub(crate) is_ultra_restricted: bool,
}

/// `Some` non-empty string.
fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

impl User {
    /// The stored form; `None` without an id.
    pub(crate) fn from_model(u: &model::User) -> Option<User> {
        if u.id.is_empty() {
            return None;
        }
        let profile_team = u.profile.as_ref().and_then(|p| p.team.as_deref());
        Some(User {
            id: u.id.clone(),
            name: u.name.clone(),
            real_name: non_empty(u.full_name()),
            display_name: non_empty(u.display_name()),
            team_id: non_empty(u.team_id.as_deref()).or_else(|| non_empty(profile_team)),
            is_bot: u.is_bot,
            is_app_user: u.is_app_user,
            deleted: u.deleted,
            is_admin: u.is_admin,
            is_owner: u.is_owner,
            is_restricted: u.is_restricted,
            is_ultra_restricted: u.is_ultra_restricted,
        })
    }

    /// The shared form handed out by lookups (the display name in `profile`).
    pub(crate) fn to_model(&self) -> model::User {
        let profile = self.display_name.as_ref().map(|d| model::Profile {
            display_name: Some(d.clone()),
            ..model::Profile::default()
        });
        model::User {
            id: self.id.clone(),
            team_id: self.team_id.clone(),
            name: self.name.clone(),
            real_name: self.real_name.clone(),
            deleted: self.deleted,
            is_bot: self.is_bot,
            is_app_user: self.is_app_user,
            is_admin: self.is_admin,
            is_owner: self.is_owner,
            is_restricted: self.is_restricted,
            is_ultra_restricted: self.is_ultra_restricted,
            profile,
            ..model::User::default()
        }
    }
}

/// A conversation as stored: its kind decided once (flags, then where it came from, then
/// the id), a name only for non-DMs, a peer only for DMs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Conversation {
    pub(crate) id: String,
    pub(crate) kind: ConversationKind,
    pub(crate) name: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) is_archived: bool,
    pub(crate) is_general: bool,
    pub(crate) is_member: Option<bool>,
    pub(crate) is_open: Option<bool>,
}

impl Conversation {
    /// The stored form; `None` without an id. `hint` is where the object came from.
    pub(crate) fn from_model(
        c: &model::Conversation,
        hint: Option<ConversationKind>,
    ) -> Option<Conversation> {
        if c.id.is_empty() {
            return None;
        }
        let kind = c.kind_or(hint);
        let im = kind == ConversationKind::Im;
        Some(Conversation {
            id: c.id.clone(),
            kind,
            name: if im {
                None
            } else {
                non_empty(c.name.as_deref())
            },
            user: if im {
                non_empty(c.user.as_deref())
            } else {
                None
            },
            is_archived: c.is_archived,
            is_general: c.is_general,
            is_member: c.is_member,
            is_open: c.is_open,
        })
    }

    /// The shared form handed out by lookups: the kind as its flag.
    pub(crate) fn to_model(&self) -> model::Conversation {
        use ConversationKind as K;
        model::Conversation {
            id: self.id.clone(),
            name: self.name.clone(),
            user: self.user.clone(),
            is_channel: self.kind == K::Channel,
            is_private: self.kind == K::Private,
            is_im: self.kind == K::Im,
            is_mpim: self.kind == K::Mpim,
            is_archived: self.is_archived,
            is_general: self.is_general,
            is_member: self.is_member,
            is_open: self.is_open,
            ..model::Conversation::default()
        }
    }
}

/// A bot as stored (no icons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bot {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) app_id: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) deleted: bool,
}

impl Bot {
    /// The stored form; `None` without an id.
    pub(crate) fn from_model(b: &model::Bot) -> Option<Bot> {
        if b.id.is_empty() {
            return None;
        }
        Some(Bot {
            id: b.id.clone(),
            name: b.name.clone(),
            app_id: non_empty(b.app_id.as_deref()),
            user_id: non_empty(b.user_id.as_deref()),
            deleted: b.deleted,
        })
    }

    /// The shared form handed out by lookups.
    pub(crate) fn to_model(&self) -> model::Bot {
        model::Bot {
            id: self.id.clone(),
            name: self.name.clone(),
            app_id: self.app_id.clone(),
            user_id: self.user_id.clone(),
            deleted: self.deleted,
            ..model::Bot::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::WorkspaceCache;

    #[test]
    fn the_cache_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<WorkspaceCache>();
        assert_send_sync::<model::User>();
        assert_send_sync::<model::Conversation>();
    }

    #[test]
    fn entry_sizes_match_the_documented_memory_cost() {
        // The inline sizes the docs quote (x86-64); the heap part is measured by the
        // ignored `memory_cost_per_entry` test in tests/cache.rs.
        if cfg!(target_pointer_width = "64") {
            assert_eq!(std::mem::size_of::<User>(), 128);
            assert_eq!(std::mem::size_of::<Conversation>(), 80);
            assert_eq!(std::mem::size_of::<Bot>(), 104);
        }
    }

    #[test]
    fn stored_forms_hand_out_what_they_keep() {
        let u: model::User = serde_json::from_str(
            r#"{"id":"U1","name":"egon","profile":{"display_name":"e","real_name":"Egon","team":"T1"}}"#,
        )
        .unwrap();
        let stored = User::from_model(&u).expect("an id");
        assert_eq!(stored.team_id.as_deref(), Some("T1"));
        let back = stored.to_model();
        assert_eq!(
            (back.shown_name(), back.full_name(), back.team_id.as_deref()),
            ("e", Some("Egon"), Some("T1"))
        );
        let c: model::Conversation = serde_json::from_str(r#"{"id":"C1","name":"x"}"#).unwrap();
        let stored = Conversation::from_model(&c, Some(ConversationKind::Private)).unwrap();
        assert_eq!(stored.to_model().kind(), ConversationKind::Private);
        assert!(User::from_model(&model::User::default()).is_none());
    }
}
