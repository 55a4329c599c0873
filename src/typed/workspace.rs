//! The workspace: members (`team_join`, `user_change`), bots, the team's name and domains,
//! emoji, preferences, user groups, slash commands.

use serde::Deserialize;
use serde_json::Value;

use crate::model::lenient;
pub use crate::model::{Bot, Profile, User};

/// `team_join` and `user_change`: the member's user object.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"team_join","user":{"id":"U1","name":"ada"}}"#,
/// )?;
/// let TypedEvent::TeamJoin(j) = ev.typed() else { panic!("not TeamJoin") };
/// assert_eq!((j.user.id.as_str(), j.user.name.as_str()), ("U1", "ada"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"team_rename","name":"New Team Name Inc."}"#,
/// )?;
/// let TypedEvent::TeamRename(r) = ev.typed() else { panic!("not TeamRename") };
/// assert_eq!(r.name, "New Team Name Inc.");
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TeamRename {
    /// The new workspace name.
    pub name: String,
}

/// `team_domain_change`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"team_domain_change","url":"https://my.slack.com","domain":"my"}"#,
/// )?;
/// let TypedEvent::TeamDomainChange(d) = ev.typed() else { panic!("not TeamDomainChange") };
/// assert_eq!(d.domain, "my");
/// assert_eq!(d.url.as_deref(), Some("https://my.slack.com"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"email_domain_changed","email_domain":"example.com","event_ts":"1360782804.083113"}"#,
/// )?;
/// let TypedEvent::EmailDomainChanged(e) = ev.typed() else { panic!("not EmailDomainChanged") };
/// assert_eq!(e.email_domain, "example.com");
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"bot_added","bot":{"id":"B024BE7LH","app_id":"A4H1JB4AZ","name":"hugbot"}}"#,
/// )?;
/// let TypedEvent::BotAdded(b) = ev.typed() else { panic!("not BotAdded") };
/// assert_eq!((b.bot.id.as_str(), b.bot.name.as_str()), ("B024BE7LH", "hugbot"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BotUpdate {
    /// The bot.
    pub bot: Bot,
}

/// `emoji_changed`. The `subtype` says what changed: `add` (`name`, `value`), `remove`
/// (`names`), `rename` (`old_name`, `new_name`, `value`). Without a subtype, or with an
/// unknown one, reload the list with `emoji.list`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"emoji_changed","subtype":"remove","names":["picard_facepalm"]}"#,
/// )?;
/// let TypedEvent::EmojiChanged(e) = ev.typed() else { panic!("not EmojiChanged") };
/// assert_eq!(e.subtype.as_deref(), Some("remove"));
/// assert_eq!(e.names, ["picard_facepalm"]);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"pref_change","name":"messages_theme","value":"dense"}"#,
/// )?;
/// let TypedEvent::PrefChange(p) = ev.typed() else { panic!("not PrefChange") };
/// assert_eq!(p.name, "messages_theme");
/// assert_eq!(p.value, "dense"); // any JSON value
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"subteam_created","subteam":{"id":"S0615G0KT","name":"Marketing Team","handle":"marketing-team"}}"#,
/// )?;
/// let TypedEvent::SubteamCreated(s) = ev.typed() else { panic!("not SubteamCreated") };
/// assert_eq!(s.subteam.handle.as_deref(), Some("marketing-team"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct SubteamUpdate {
    /// The user group.
    pub subteam: Subteam,
}

/// A user group.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"subteam_updated","subteam":{"id":"S1","is_usergroup":true,"users":["U1","U2"],"user_count":"2"}}"#,
/// )?;
/// let TypedEvent::SubteamUpdated(s) = ev.typed() else { panic!("not SubteamUpdated") };
/// assert_eq!(s.subteam.users, ["U1", "U2"]);
/// assert_eq!(s.subteam.user_count, Some(2));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"commands_changed","event_ts":"1361482916.000004"}"#,
/// )?;
/// let TypedEvent::CommandsChanged(c) = ev.typed() else { panic!("not CommandsChanged") };
/// assert_eq!(c.event_ts.as_deref(), Some("1361482916.000004"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CommandsChanged {
    /// When the event was dispatched.
    pub event_ts: Option<String>,
}
