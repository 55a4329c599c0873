//! The domain model: one [`User`], [`Conversation`], [`Bot`] and [`Team`], shared by the
//! typed events ([`crate::typed`]), the Web API client ([`crate::web`]) and the workspace
//! cache (`WorkspaceCache`, feature `workspace-cache`), each parsed the same lenient way.
//!
//! ```
//! use slack_rtm::model::{ConversationKind, User};
//!
//! let user: User = serde_json::from_str(
//!     r#"{"id":"U1","name":"egon","is_admin":"true","profile":{"display_name":""}}"#,
//! )?;
//! assert!(user.is_admin); // "true" as a string is accepted
//! assert_eq!(user.shown_name(), "egon"); // an empty display name does not count
//!
//! let dm: slack_rtm::model::Conversation =
//!     serde_json::from_str(r#"{"id":"D1","user":"U1"}"#)?;
//! assert_eq!(dm.kind(), ConversationKind::Im); // no flags: the id says
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Lenient by design
//! Every field is optional: a missing or `null` field is empty (`""`, `None`, `false`,
//! an empty list); a string where a number or boolean belongs is read (`"4"`, `"true"`);
//! a value of a type that makes no sense for its field is as good as missing. Only a
//! value that is not an object at all fails. Unknown fields are ignored: the objects
//! carry the fields bots use; for the rest, keep the JSON (the Web API client's
//! [`WithRaw`](crate::web::WithRaw), the event's [`raw`](crate::SlackEvent::raw)).

use serde::Deserialize;
use serde_json::Value;

pub(crate) mod lenient;

/// A member of the workspace (`users.info`, `team_join`, `user_change`, `rtm.start`'s
/// `users`).
///
/// ```
/// let user: slack_rtm::model::User = serde_json::from_str(
///     r#"{"id":"U1","name":"egon","real_name":"Egon Spengler","tz":"America/New_York"}"#,
/// )?;
/// assert_eq!((user.id.as_str(), user.name.as_str()), ("U1", "egon"));
/// assert_eq!(user.shown_name(), "Egon Spengler");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct User {
    /// The user id (`U…`, or `W…` on Enterprise Grid); empty when Slack did not say.
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    /// The home workspace.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub team_id: Option<String>,
    /// The username (handle), unique in the workspace; empty when Slack did not say.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// The full name.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub real_name: Option<String>,
    /// Deactivated.
    #[serde(deserialize_with = "lenient::flag")]
    pub deleted: bool,
    /// The time zone (`America/Los_Angeles`).
    #[serde(deserialize_with = "lenient::opt_str")]
    pub tz: Option<String>,
    /// Offset from UTC in seconds.
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub tz_offset: Option<i64>,
    /// A bot user.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_bot: bool,
    /// An app user.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_app_user: bool,
    /// A workspace admin.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_admin: bool,
    /// A workspace owner.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_owner: bool,
    /// A multi-channel guest.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_restricted: bool,
    /// A single-channel guest.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_ultra_restricted: bool,
    /// When the user object last changed (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub updated: Option<i64>,
    /// The profile.
    #[serde(deserialize_with = "lenient::opt_object")]
    pub profile: Option<Profile>,
}

impl User {
    /// The display name (`profile.display_name`), when it is set (it is often empty).
    ///
    /// ```
    /// let user: slack_rtm::model::User =
    ///     serde_json::from_str(r#"{"id":"U1","profile":{"display_name":"egon"}}"#)?;
    /// assert_eq!(user.display_name(), Some("egon"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn display_name(&self) -> Option<&str> {
        self.profile
            .as_ref()
            .and_then(|p| p.display_name.as_deref())
            .filter(|n| !n.is_empty())
    }

    /// The full name: `real_name`, else `profile.real_name`, when set.
    ///
    /// ```
    /// let user: slack_rtm::model::User =
    ///     serde_json::from_str(r#"{"id":"U1","profile":{"real_name":"Egon Spengler"}}"#)?;
    /// assert_eq!(user.full_name(), Some("Egon Spengler"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn full_name(&self) -> Option<&str> {
        let profile = self.profile.as_ref().and_then(|p| p.real_name.as_deref());
        [self.real_name.as_deref(), profile]
            .into_iter()
            .flatten()
            .find(|n| !n.is_empty())
    }

    /// The name Slack shows: the display name, else the full name, else the username.
    ///
    /// ```
    /// let user: slack_rtm::model::User =
    ///     serde_json::from_str(r#"{"id":"U1","name":"egon","profile":{"display_name":""}}"#)?;
    /// assert_eq!(user.shown_name(), "egon");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn shown_name(&self) -> &str {
        self.display_name()
            .or_else(|| self.full_name())
            .unwrap_or(&self.name)
    }
}

/// A member's profile (the common fields).
///
/// ```
/// let user: slack_rtm::model::User = serde_json::from_str(
///     r#"{"id":"U1","profile":{"status_text":"riding","status_emoji":":bike:"}}"#,
/// )?;
/// let profile = user.profile.expect("a profile");
/// assert_eq!(profile.status_emoji.as_deref(), Some(":bike:"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Profile {
    /// The full name.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub real_name: Option<String>,
    /// The display name (may be empty: then use `real_name`).
    #[serde(deserialize_with = "lenient::opt_str")]
    pub display_name: Option<String>,
    /// The email address (needs the `users:read.email` scope).
    #[serde(deserialize_with = "lenient::opt_str")]
    pub email: Option<String>,
    /// The job title.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub title: Option<String>,
    /// The status text.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub status_text: Option<String>,
    /// The status emoji (`:books:`).
    #[serde(deserialize_with = "lenient::opt_str")]
    pub status_emoji: Option<String>,
    /// When the status expires (seconds since the epoch; 0: never).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub status_expiration: Option<i64>,
    /// A 72 px avatar URL.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub image_72: Option<String>,
    /// The workspace.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub team: Option<String>,
}

/// What kind of conversation a [`Conversation`] is.
///
/// ```
/// use slack_rtm::model::ConversationKind;
/// assert_eq!(ConversationKind::Private.as_str(), "private");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConversationKind {
    /// A public channel (`C…`).
    Channel,
    /// A private channel (a "group": `G…`, or `C…` with `is_private`).
    Private,
    /// A direct message with one user (`D…`).
    Im,
    /// A group direct message (multi-party IM).
    Mpim,
}

impl ConversationKind {
    /// `"channel"`, `"private"`, `"im"` or `"mpim"`.
    ///
    /// ```
    /// use slack_rtm::model::ConversationKind;
    /// assert_eq!(ConversationKind::Im.as_str(), "im");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Channel => "channel",
            Self::Private => "private",
            Self::Im => "im",
            Self::Mpim => "mpim",
        }
    }
}

/// A channel, private channel (group), DM or group DM (`conversations.info`, the
/// `channel_*`/`group_*`/`im_*` events, `rtm.start`'s lists).
///
/// ```
/// let c: slack_rtm::model::Conversation = serde_json::from_str(
///     r#"{"id":"C1","name":"general","is_channel":true,"is_general":true,
///         "topic":{"value":"hi","creator":"U1","last_set":0}}"#,
/// )?;
/// assert_eq!(c.kind(), slack_rtm::model::ConversationKind::Channel);
/// assert_eq!(c.topic.and_then(|t| t.value).as_deref(), Some("hi"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Conversation {
    /// The id (`C…`, `G…`, `D…`); empty when Slack did not say.
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    /// The name, without `#` (none for DMs).
    #[serde(deserialize_with = "lenient::opt_str")]
    pub name: Option<String>,
    /// When it was created (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub created: Option<i64>,
    /// Who created it.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub creator: Option<String>,
    /// The other member of a DM.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub user: Option<String>,
    /// A public channel.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_channel: bool,
    /// A private channel (old style). The docs show `"true"` as a string: both are accepted.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_group: bool,
    /// A DM.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_im: bool,
    /// A group DM.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_mpim: bool,
    /// A private conversation.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_private: bool,
    /// Archived.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_archived: bool,
    /// The workspace's general channel.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_general: bool,
    /// Whether you are a member, when known.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_member: Option<bool>,
    /// Whether a DM or group DM is open, when known.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_open: Option<bool>,
    /// Shared with other workspaces (Enterprise Grid or Slack Connect).
    #[serde(deserialize_with = "lenient::flag")]
    pub is_shared: bool,
    /// Shared within the Enterprise Grid organization.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_org_shared: bool,
    /// Shared with an external organization.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_ext_shared: bool,
    /// The workspaces it is shared with: on Grid, the workspaces whose connections will
    /// each deliver its messages (see [`crate::dedup`]).
    #[serde(deserialize_with = "lenient::seq")]
    pub shared_team_ids: Vec<String>,
    /// Member ids (capped, and often absent).
    #[serde(deserialize_with = "lenient::seq")]
    pub members: Vec<String>,
    /// The topic.
    #[serde(deserialize_with = "lenient::opt_object")]
    pub topic: Option<Topic>,
    /// The purpose.
    #[serde(deserialize_with = "lenient::opt_object")]
    pub purpose: Option<Topic>,
    /// The ts of your read marker.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub last_read: Option<String>,
    /// Unread messages.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub unread_count: Option<u64>,
    /// Unread messages a client should display.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub unread_count_display: Option<u64>,
}

impl Conversation {
    /// What kind of conversation this is: from its flags (`is_im`, `is_mpim`,
    /// `is_private`/`is_group`, `is_channel`), else from its id's first letter.
    ///
    /// ```
    /// use slack_rtm::model::{Conversation, ConversationKind};
    /// let c: Conversation = serde_json::from_str(r#"{"id":"C1","is_private":true}"#)?;
    /// assert_eq!(c.kind(), ConversationKind::Private);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn kind(&self) -> ConversationKind {
        self.kind_or(None)
    }

    /// The kind from the flags, then `hint` (where the object came from), then the id.
    pub(crate) fn kind_or(&self, hint: Option<ConversationKind>) -> ConversationKind {
        use ConversationKind as K;
        if self.is_im {
            K::Im
        } else if self.is_mpim {
            K::Mpim
        } else if self.is_private || self.is_group {
            K::Private
        } else if self.is_channel {
            K::Channel
        } else if let Some(hint) = hint {
            hint
        } else {
            match self.id.as_bytes().first() {
                Some(b'D') => K::Im,
                Some(b'G') => K::Private,
                _ => K::Channel,
            }
        }
    }
}

/// A channel's topic or purpose.
///
/// ```
/// let c: slack_rtm::model::Conversation =
///     serde_json::from_str(r#"{"id":"C1","purpose":{"value":"fun","last_set":"12"}}"#)?;
/// assert_eq!(c.purpose.and_then(|p| p.last_set), Some(12));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Topic {
    /// The text.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub value: Option<String>,
    /// Who set it.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub creator: Option<String>,
    /// When (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub last_set: Option<i64>,
}

/// A bot integration (`bots` of `rtm.start`, `bot_added`, `bot_changed`).
///
/// ```
/// let bot: slack_rtm::model::Bot =
///     serde_json::from_str(r#"{"id":"B1","name":"hugbot","app_id":"A1","deleted":0}"#)?;
/// assert_eq!((bot.name.as_str(), bot.deleted), ("hugbot", false));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Bot {
    /// The bot id (`B…`); empty when Slack did not say.
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    /// The app it belongs to.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub app_id: Option<String>,
    /// The bot's user, when Slack says.
    #[serde(deserialize_with = "lenient::opt_str")]
    pub user_id: Option<String>,
    /// The name; empty when Slack did not say.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// Removed.
    #[serde(deserialize_with = "lenient::flag")]
    pub deleted: bool,
    /// Icon URLs by size (`{"image_48": url}`), untyped.
    pub icons: Option<Value>,
}

/// The workspace (`team` of the connect response, `team_rename`, `team_domain_change`,
/// `email_domain_changed`).
///
/// ```
/// let team: slack_rtm::model::Team =
///     serde_json::from_str(r#"{"id":"T1","name":"Acme","domain":"acme"}"#)?;
/// assert_eq!(team.email_domain, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Team {
    /// The workspace id (`T…`).
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    /// The workspace name.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// The domain (`example` for `example.slack.com`).
    #[serde(deserialize_with = "lenient::string")]
    pub domain: String,
    /// The email domain, when the workspace has one (only `rtm.start` says).
    #[serde(deserialize_with = "lenient::opt_str")]
    pub email_domain: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_the_wrong_type_are_as_good_as_missing() {
        let user: User = serde_json::from_str(
            r#"{"id":"U1","name":5,"real_name":{"x":1},"is_bot":"yes","profile":"none"}"#,
        )
        .unwrap();
        assert_eq!((user.name.as_str(), user.real_name), ("", None));
        assert!(!user.is_bot);
        assert_eq!(user.profile, None);
        assert!(
            serde_json::from_str::<User>(r#""U1""#).is_err(),
            "not an object"
        );
    }

    #[test]
    fn a_conversation_kind_comes_from_flags_then_hint_then_id() {
        let c = |json: &str| serde_json::from_str::<Conversation>(json).unwrap();
        use ConversationKind as K;
        assert_eq!(c(r#"{"id":"C1","is_im":true}"#).kind(), K::Im);
        assert_eq!(c(r#"{"id":"C1","is_mpim":1}"#).kind(), K::Mpim);
        assert_eq!(c(r#"{"id":"C1","is_group":"true"}"#).kind(), K::Private);
        assert_eq!(c(r#"{"id":"G1","is_channel":true}"#).kind(), K::Channel);
        assert_eq!(c(r#"{"id":"C1"}"#).kind_or(Some(K::Mpim)), K::Mpim);
        assert_eq!(c(r#"{"id":"G1"}"#).kind(), K::Private);
        assert_eq!(c(r#"{"id":"D1"}"#).kind(), K::Im);
        assert_eq!(c(r#"{"id":"C1"}"#).kind(), K::Channel);
    }

    #[test]
    fn the_shown_name_skips_empty_names() {
        let u = |json: &str| serde_json::from_str::<User>(json).unwrap();
        assert_eq!(
            u(r#"{"name":"a","real_name":"","profile":{"display_name":"","real_name":"B"}}"#)
                .shown_name(),
            "B"
        );
        assert_eq!(
            u(r#"{"name":"a","profile":{"display_name":"d"}}"#).shown_name(),
            "d"
        );
        assert_eq!(u(r#"{"name":"a"}"#).shown_name(), "a");
    }
}
