//! Channels, private channels (groups), DMs: the `channel_*`, `group_*`, `im_*` and
//! `member_*_channel` events.

use serde::Deserialize;

use crate::model::lenient;

/// `member_joined_channel` and `member_left_channel`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ChannelMembership {
    /// The member who joined or left.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// The channel id.
    #[serde(deserialize_with = "lenient::id")]
    pub channel: String,
    /// `C` (public, and every channel created after March 2021) or `G` (private).
    #[serde(default)]
    pub channel_type: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub team: Option<String>,
    /// Who added the member, when someone did (joins only).
    #[serde(default)]
    pub inviter: Option<String>,
    /// The Enterprise Grid organization, when there is one.
    #[serde(default)]
    pub enterprise: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// An event about one conversation named by its id: `channel_archive`, `channel_unarchive`,
/// `channel_deleted`, `channel_left`, and the `group_*` and `im_*` events of that shape
/// (`*_archive`, `*_unarchive`, `*_deleted`, `*_left`, `*_open`, `*_close`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConversationRef {
    /// The channel, private channel or DM id.
    #[serde(deserialize_with = "lenient::id")]
    pub channel: String,
    /// Who did it, when the event says (`channel_archive`, `*_open`, `*_close`, …).
    #[serde(default)]
    pub user: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// An event that carries the whole conversation object: `channel_created`,
/// `channel_rename`, `channel_joined`, `group_joined`, `group_rename`, `im_created`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConversationInfo {
    /// The conversation (for renames: with the new name).
    pub channel: Channel,
    /// The other member (`im_created`).
    #[serde(default)]
    pub user: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `channel_marked`, `group_marked`, `im_marked`: your read marker moved to `ts`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConversationMarked {
    /// The conversation id.
    #[serde(deserialize_with = "lenient::id")]
    pub channel: String,
    /// The ts of the last message read.
    pub ts: String,
    /// Unread messages left, when Slack says.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub unread_count: Option<u64>,
    /// Unread messages a client should display, when Slack says.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub unread_count_display: Option<u64>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `channel_history_changed`, `group_history_changed`, `im_history_changed`: bulk
/// changes to the history; reload it rather than patching.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct HistoryChanged {
    /// The conversation, when the event names it.
    #[serde(deserialize_with = "lenient::opt_id")]
    pub channel: Option<String>,
    /// The ts of the latest message affected.
    pub latest: Option<String>,
    /// The ts of the change.
    pub ts: Option<String>,
    /// When the event was dispatched.
    pub event_ts: Option<String>,
}

/// A channel, private channel (group) or DM object, as events carry it. Every field is
/// optional: the docs show it elided (`{}`) in several events.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Channel {
    /// The id (`C…`, `G…`, `D…`).
    pub id: Option<String>,
    /// The name, without `#` (none for DMs).
    pub name: Option<String>,
    /// When it was created (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub created: Option<i64>,
    /// Who created it.
    pub creator: Option<String>,
    /// The other member of a DM.
    pub user: Option<String>,
    /// A public channel.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_channel: Option<bool>,
    /// A private channel (old style). The docs show `"true"` as a string: both are accepted.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_group: Option<bool>,
    /// A DM.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_im: Option<bool>,
    /// A group DM.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_mpim: Option<bool>,
    /// A private conversation.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_private: Option<bool>,
    /// Archived.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_archived: Option<bool>,
    /// The workspace's general channel.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_general: Option<bool>,
    /// Whether you are a member.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_member: Option<bool>,
    /// Shared with other workspaces (Enterprise Grid or Slack Connect).
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_shared: Option<bool>,
    /// Shared within the Enterprise Grid organization.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_org_shared: Option<bool>,
    /// Shared with an external organization.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_ext_shared: Option<bool>,
    /// The workspaces it is shared with: on Grid, the workspaces whose connections will
    /// each deliver its messages (see [`crate::dedup`]).
    #[serde(deserialize_with = "lenient::seq")]
    pub shared_team_ids: Vec<String>,
    /// Member ids (capped, and often absent).
    #[serde(deserialize_with = "lenient::seq")]
    pub members: Vec<String>,
    /// The topic.
    pub topic: Option<Topic>,
    /// The purpose.
    pub purpose: Option<Topic>,
    /// The ts of your read marker.
    pub last_read: Option<String>,
    /// Unread messages.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub unread_count: Option<u64>,
    /// Unread messages a client should display.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub unread_count_display: Option<u64>,
}

/// A channel's topic or purpose.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Topic {
    /// The text.
    pub value: Option<String>,
    /// Who set it.
    pub creator: Option<String>,
    /// When (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub last_set: Option<i64>,
}
