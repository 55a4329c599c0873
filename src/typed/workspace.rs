//! The workspace: members (`team_join`, `user_change`), bots, the team's name and domains,
//! emoji, preferences, user groups, slash commands.

use serde::Deserialize;
use serde_json::Value;

use crate::model::lenient;
pub use crate::model::{Bot, Profile, User};

/// `team_join` and `user_change`: the member's user object.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserUpdate {
    /// The member.
    pub user: User,
    /// When the user data was cached (seconds since the epoch; `user_change`).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cache_ts: Option<i64>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `team_rename`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TeamRename {
    /// The new workspace name.
    pub name: String,
}

/// `team_domain_change`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TeamDomainChange {
    /// The new workspace URL.
    #[serde(default)]
    pub url: Option<String>,
    /// The new domain.
    pub domain: String,
}

/// `email_domain_changed`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct EmailDomainChanged {
    /// The new email domain.
    pub email_domain: String,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `bot_added` and `bot_changed`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BotUpdate {
    /// The bot.
    pub bot: Bot,
}

/// `emoji_changed`. The `subtype` says what changed: `add` (`name`, `value`), `remove`
/// (`names`), `rename` (`old_name`, `new_name`, `value`). Without a subtype, or with an
/// unknown one, reload the list with `emoji.list`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct EmojiChanged {
    /// `add`, `remove` or `rename`, when Slack says.
    #[serde(default)]
    pub subtype: Option<String>,
    /// The added emoji.
    #[serde(default)]
    pub name: Option<String>,
    /// The removed emoji.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub names: Vec<String>,
    /// The image URL, or `alias:<name>` for an alias.
    #[serde(default)]
    pub value: Option<String>,
    /// The name before a rename.
    #[serde(default)]
    pub old_name: Option<String>,
    /// The name after a rename.
    #[serde(default)]
    pub new_name: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `pref_change`: one of your preferences changed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PrefChange {
    /// The preference.
    pub name: String,
    /// Its new value; the JSON type depends on the preference.
    #[serde(default)]
    pub value: Value,
}

/// `subteam_created` and `subteam_updated`: a user group.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct SubteamUpdate {
    /// The user group.
    pub subteam: Subteam,
}

/// A user group.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Subteam {
    /// The id (`S…`).
    pub id: Option<String>,
    /// The workspace.
    pub team_id: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The mention handle, without `@`.
    pub handle: Option<String>,
    /// Whether it is a user group.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_usergroup: Option<bool>,
    /// Whether it is external.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_external: Option<bool>,
    /// `admin`, `owner`, … for the automatic groups.
    pub auto_type: Option<String>,
    /// When it was created (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub date_create: Option<i64>,
    /// When it was last updated.
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub date_update: Option<i64>,
    /// When it was deleted (0: it was not).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub date_delete: Option<i64>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Who updated it last.
    pub updated_by: Option<String>,
    /// Who deleted it.
    pub deleted_by: Option<String>,
    /// Member ids (`subteam_updated`).
    #[serde(deserialize_with = "lenient::seq")]
    pub users: Vec<String>,
    /// How many members. Slack sends it as a string (`"4"`); numbers work too.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub user_count: Option<u64>,
    /// Default channels and groups, untyped.
    pub prefs: Option<Value>,
}

/// `commands_changed`: a slash command was added or changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CommandsChanged {
    /// When the event was dispatched.
    pub event_ts: Option<String>,
}
