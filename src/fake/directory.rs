//! The workspace the fake server knows about: users (with presence), channels (and
//! whether the bot is a member), and each person's direct-message conversation with the
//! bot, as returned by `users.info`, `users.getPresence`, `conversations.info` and
//! `rtm.start`, and as checked wherever a request names a conversation or a user.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// A known user.
#[derive(Debug, Clone)]
struct User {
    name: String,
    is_bot: bool,
    /// `"active"` or `"away"`.
    presence: String,
}

/// A known channel.
#[derive(Debug, Clone)]
struct Channel {
    name: String,
    /// Whether the bot is a member (`is_member` in `conversations.info` and `rtm.start`).
    bot_is_member: bool,
}

/// Known users and channels, by id.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    users: BTreeMap<String, User>,
    channels: BTreeMap<String, Channel>,
    /// Direct-message conversations with the bot: DM id → the person's user id.
    ims: BTreeMap<String, String>,
}

/// The id of the direct-message conversation between the bot and `user`: `D` followed by
/// the user id without its `U`/`W` prefix (`U0ALICE` → `D0ALICE`).
pub(crate) fn dm_id(user: &str) -> String {
    format!("D{}", without_user_prefix(user))
}

/// The bot id (`B…`) of the bot user `user`, as `auth.test` reports it for a bot token:
/// `B` followed by the user id without its `U`/`W` prefix (`U0FAKEBOT` → `B0FAKEBOT`).
pub(crate) fn bot_profile_id(user: &str) -> String {
    format!("B{}", without_user_prefix(user))
}

/// A user id without its `U`/`W` prefix (the ids derived from it take another letter).
fn without_user_prefix(user: &str) -> &str {
    user.strip_prefix('U')
        .or_else(|| user.strip_prefix('W'))
        .unwrap_or(user)
}

impl Directory {
    /// Adds (or renames) a user; a new user starts `"active"`.
    pub(crate) fn add_user(&mut self, id: &str, name: &str, is_bot: bool) {
        let user = self.users.entry(id.to_owned()).or_insert_with(|| User {
            name: String::new(),
            is_bot,
            presence: "active".to_owned(),
        });
        user.name = name.to_owned();
        user.is_bot = is_bot;
        // The bot too has one, with itself: "To send a message both _as_ and _to_ the
        // authenticating user, use the correct direct message channel ID for that user"
        // (Slack's RTM docs, "Channel selection").
        self.ims.insert(dm_id(id), id.to_owned());
    }

    /// Whether `id` is a known conversation: a channel or a direct-message conversation.
    pub(crate) fn has_conversation(&self, id: &str) -> bool {
        self.channels.contains_key(id) || self.ims.contains_key(id)
    }

    /// The id of the conversation `channel` names for `chat.postMessage`, which takes an id
    /// or a channel's name (`#general` or `general`), as Slack's method docs say.
    pub(crate) fn resolve_conversation(&self, channel: &str) -> Option<String> {
        if self.has_conversation(channel) {
            return Some(channel.to_owned());
        }
        let name = channel.strip_prefix('#').unwrap_or(channel);
        self.channels
            .iter()
            .find(|(_, c)| c.name == name)
            .map(|(id, _)| id.clone())
    }

    /// Adds a channel the bot is a member of, or renames a known one (its members stay).
    pub(crate) fn add_channel(&mut self, id: &str, name: &str) {
        let channel = self.channels.entry(id.to_owned()).or_insert(Channel {
            name: String::new(),
            bot_is_member: true,
        });
        channel.name = name.to_owned();
    }

    /// Whether the bot may post in the known conversation `id`: a channel it is a member
    /// of, or a direct-message conversation (the bot is always one of its two members).
    pub(crate) fn bot_is_member(&self, id: &str) -> bool {
        self.ims.contains_key(id) || self.channels.get(id).is_some_and(|c| c.bot_is_member)
    }

    /// Puts the bot in (`true`) or takes it out of the channel `id`. Returns whether that
    /// changed anything, or `None` if `id` is not a known channel (direct-message
    /// conversations always have the bot).
    pub(crate) fn set_bot_member(&mut self, id: &str, member: bool) -> Option<bool> {
        let channel = self.channels.get_mut(id)?;
        let changed = channel.bot_is_member != member;
        channel.bot_is_member = member;
        Some(changed)
    }

    /// Sets a known user's presence. Returns whether it changed, or `None` if the user
    /// is unknown.
    pub(crate) fn set_presence(&mut self, id: &str, presence: &str) -> Option<bool> {
        let user = self.users.get_mut(id)?;
        let changed = user.presence != presence;
        user.presence = presence.to_owned();
        Some(changed)
    }

    /// A known user's presence.
    pub(crate) fn presence(&self, id: &str) -> Option<&str> {
        self.users.get(id).map(|u| u.presence.as_str())
    }

    /// The `users.info` user object for `id`.
    pub(crate) fn user_json(&self, id: &str, team_id: &str) -> Option<Value> {
        let user = self.users.get(id)?;
        Some(json!({
            "id": id,
            "team_id": team_id,
            "name": user.name,
            "deleted": false,
            "real_name": user.name,
            "tz": "UTC",
            "tz_label": "Coordinated Universal Time",
            "tz_offset": 0,
            "profile": {
                "real_name": user.name,
                "display_name": user.name,
                "real_name_normalized": user.name,
                "display_name_normalized": user.name,
                "team": team_id,
            },
            "is_admin": false,
            "is_owner": false,
            "is_primary_owner": false,
            "is_restricted": false,
            "is_ultra_restricted": false,
            "is_bot": user.is_bot,
            "is_app_user": false,
            "updated": 0,
        }))
    }

    /// The `conversations.info` object for `id`: a channel or a direct-message conversation.
    pub(crate) fn channel_json(&self, id: &str, team_id: &str) -> Option<Value> {
        if let Some(user) = self.ims.get(id) {
            return Some(im_json(id, user));
        }
        let Channel {
            name,
            bot_is_member,
        } = self.channels.get(id)?;
        Some(json!({
            "id": id,
            "name": name,
            "is_channel": true,
            "is_group": false,
            "is_im": false,
            "is_mpim": false,
            "is_private": false,
            "created": 0,
            "is_archived": false,
            "is_general": name == "general",
            "name_normalized": name,
            "is_shared": false,
            "is_org_shared": false,
            "is_ext_shared": false,
            "is_member": bot_is_member,
            "context_team_id": team_id,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }))
    }

    /// Every user object, for `rtm.start`.
    pub(crate) fn all_users_json(&self, team_id: &str) -> Vec<Value> {
        self.users
            .keys()
            .filter_map(|id| self.user_json(id, team_id))
            .collect()
    }

    /// Every direct-message conversation object, for `rtm.start`.
    pub(crate) fn all_ims_json(&self) -> Vec<Value> {
        self.ims
            .iter()
            .map(|(id, user)| im_json(id, user))
            .collect()
    }

    /// Every channel object, for `rtm.start`.
    pub(crate) fn all_channels_json(&self, team_id: &str) -> Vec<Value> {
        self.channels
            .keys()
            .filter_map(|id| self.channel_json(id, team_id))
            .collect()
    }
}

/// A direct-message conversation object, as `conversations.info` and `rtm.start` give it.
fn im_json(id: &str, user: &str) -> Value {
    json!({
        "id": id,
        "created": 0,
        "is_im": true,
        "is_org_shared": false,
        "user": user,
        "is_user_deleted": false,
        "priority": 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_and_channels_round_trip() {
        let mut d = Directory::default();
        d.add_user("U1", "alice", false);
        d.add_channel("C1", "general");
        assert_eq!(d.user_json("U1", "T1").expect("known")["name"], "alice");
        assert_eq!(
            d.channel_json("C1", "T1").expect("known")["is_general"],
            true
        );
        assert!(d.user_json("U2", "T1").is_none());
        assert!(d.channel_json("C2", "T1").is_none());
        assert_eq!(d.presence("U1"), Some("active"));
        assert_eq!(d.set_presence("U1", "away"), Some(true));
        assert_eq!(d.set_presence("U1", "away"), Some(false), "no change");
        assert_eq!(d.set_presence("U2", "away"), None);
        assert_eq!(d.presence("U1"), Some("away"));
    }

    #[test]
    fn every_person_gets_a_direct_message_conversation_and_the_bot_one_with_itself() {
        let mut d = Directory::default();
        d.add_user("U0ALICE", "alice", false);
        d.add_user("W0GRID", "grid", false);
        d.add_user("U0BOT", "bot", true);
        assert!(d.has_conversation("D0ALICE"));
        assert!(d.has_conversation("D0GRID"));
        assert!(d.has_conversation("D0BOT"));
        let im = d.channel_json("D0ALICE", "T1").expect("known");
        assert_eq!(
            (im["is_im"].clone(), im["user"].clone()),
            (json!(true), json!("U0ALICE"))
        );
        assert_eq!(d.all_ims_json().len(), 3);
    }

    #[test]
    fn the_bot_is_a_member_of_added_channels_and_dms_until_it_is_taken_out() {
        let mut d = Directory::default();
        d.add_user("U0ALICE", "alice", false);
        d.add_channel("C1", "one");
        assert!(d.bot_is_member("C1") && d.bot_is_member("D0ALICE"));
        assert_eq!(d.set_bot_member("C1", false), Some(true));
        assert_eq!(d.set_bot_member("C1", false), Some(false));
        assert!(!d.bot_is_member("C1"));
        assert!(d.has_conversation("C1"), "still a channel of the workspace");
        assert_eq!(
            d.channel_json("C1", "T1").expect("known")["is_member"],
            false
        );
        d.add_channel("C1", "renamed");
        assert!(!d.bot_is_member("C1"), "renaming keeps the members");
        assert_eq!(d.set_bot_member("D0ALICE", false), None);
        assert_eq!(d.set_bot_member("C0NOWHERE", true), None);
        assert!(!d.bot_is_member("C0NOWHERE"));
        assert_eq!(d.set_bot_member("C1", true), Some(true));
        assert!(d.bot_is_member("C1"));
    }
}
