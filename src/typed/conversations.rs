//! Channels, private channels (groups), DMs: the `channel_*`, `group_*`, `im_*` and
//! `member_*_channel` events.

use serde::Deserialize;

use crate::model::lenient;
/// A channel, private channel (group) or DM object, as events carry it: the shared
/// [`Conversation`](crate::model::Conversation).
pub use crate::model::Conversation as Channel;
pub use crate::model::Topic;

/// `member_joined_channel` and `member_left_channel`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"member_joined_channel","user":"W06GH7XHN","channel":"C0698JE0H","channel_type":"C"}"#,
/// )?;
/// let TypedEvent::MemberJoinedChannel(m) = ev.typed() else { panic!("not MemberJoinedChannel") };
/// assert_eq!((m.user.as_str(), m.channel.as_str()), ("W06GH7XHN", "C0698JE0H"));
/// assert_eq!(m.channel_type.as_deref(), Some("C"));
/// assert_eq!(m.inviter, None);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"channel_archive","channel":"C024BE91L","user":"U024BE7LH"}"#,
/// )?;
/// let TypedEvent::ChannelArchive(c) = ev.typed() else { panic!("not ChannelArchive") };
/// assert_eq!(c.channel, "C024BE91L");
/// assert_eq!(c.user.as_deref(), Some("U024BE7LH"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"channel_created","channel":{"id":"C024BE91L","name":"fun","creator":"U024BE7LH"}}"#,
/// )?;
/// let TypedEvent::ChannelCreated(c) = ev.typed() else { panic!("not ChannelCreated") };
/// assert_eq!(c.channel.id, "C024BE91L");
/// assert_eq!(c.channel.name.as_deref(), Some("fun"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"channel_marked","channel":"C024BE91L","ts":"1401383885.000061","unread_count":"2"}"#,
/// )?;
/// let TypedEvent::ChannelMarked(m) = ev.typed() else { panic!("not ChannelMarked") };
/// assert_eq!(m.ts, "1401383885.000061");
/// assert_eq!(m.unread_count, Some(2)); // the string form is accepted
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"channel_history_changed","latest":"1358877455.000010","ts":"1361482916.000003"}"#,
/// )?;
/// let TypedEvent::ChannelHistoryChanged(h) = ev.typed() else { panic!("not ChannelHistoryChanged") };
/// assert_eq!(h.latest.as_deref(), Some("1358877455.000010"));
/// assert_eq!(h.channel, None); // the docs' example has none
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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
