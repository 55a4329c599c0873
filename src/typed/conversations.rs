//! Channels, private channels (groups), DMs: the `channel_*`, `group_*`, `im_*` and
//! `member_*_channel` events.

use serde::Deserialize;

use crate::model::lenient;
/// A channel, private channel (group) or DM object, as events carry it: the shared
/// [`Conversation`](crate::model::Conversation).
pub use crate::model::Conversation as Channel;
pub use crate::model::Topic;

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
