//! Reactions, pins and stars, and the item each applies to.

use serde::Deserialize;
use serde_json::Value;

use crate::model::lenient;

/// What a reaction, pin or star applies to: a message (`channel`, `ts`), a file, a file
/// comment, or a channel. The docs elide it for pins and stars, so every field is optional.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"star_added","user":"U1","item":{"type":"file","file":{"id":"F1"}}}"#,
/// )?;
/// let TypedEvent::StarAdded(s) = ev.typed() else { panic!("not StarAdded") };
/// assert_eq!(s.item.kind.as_deref(), Some("file"));
/// assert_eq!(s.item.file.as_deref(), Some("F1")); // the object's id
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Item {
    /// `message`, `file`, `file_comment`, `channel`, `im` or `group`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The channel, for a message (or the channel itself).
    #[serde(deserialize_with = "lenient::opt_id")]
    pub channel: Option<String>,
    /// The message's ts.
    pub ts: Option<String>,
    /// The file id (an object's `id` when the file is given whole).
    #[serde(deserialize_with = "lenient::opt_id")]
    pub file: Option<String>,
    /// The file comment id.
    #[serde(deserialize_with = "lenient::opt_id")]
    pub file_comment: Option<String>,
    /// The message itself, when the item carries it (pins and stars), untyped.
    pub message: Option<Value>,
}

/// `reaction_added` and `reaction_removed`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"reaction_added","user":"U024BE7LH","reaction":"thumbsup","item":{"type":"message","channel":"C0G9QF9GZ","ts":"1360782400.498405"}}"#,
/// )?;
/// let TypedEvent::ReactionAdded(r) = ev.typed() else { panic!("not ReactionAdded") };
/// assert_eq!((r.user.as_str(), r.reaction.as_str()), ("U024BE7LH", "thumbsup"));
/// assert_eq!(r.item.ts.as_deref(), Some("1360782400.498405"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ReactionChange {
    /// Who reacted.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// The emoji name, without colons (`thumbsup`).
    pub reaction: String,
    /// The author of the item reacted to.
    #[serde(default)]
    pub item_user: Option<String>,
    /// What was reacted to.
    #[serde(default)]
    pub item: Item,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `pin_added` and `pin_removed`. The channel is in `channel_id` here, not `channel`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"pin_added","user":"U024BE7LH","channel_id":"C02ELGNBH","item":{}}"#,
/// )?;
/// let TypedEvent::PinAdded(p) = ev.typed() else { panic!("not PinAdded") };
/// assert_eq!(p.channel_id, "C02ELGNBH");
/// assert_eq!(p.item.kind, None); // elided in the docs
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PinChange {
    /// Who pinned or unpinned.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// The channel.
    #[serde(deserialize_with = "lenient::id")]
    pub channel_id: String,
    /// What was pinned.
    #[serde(default)]
    pub item: Item,
    /// Whether other pins remain (`pin_removed`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub has_pins: Option<bool>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `star_added` and `star_removed` (items saved for later).
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"star_removed","user":"U024BE7LH","item":{"type":"channel","channel":"C1"}}"#,
/// )?;
/// let TypedEvent::StarRemoved(s) = ev.typed() else { panic!("not StarRemoved") };
/// assert_eq!(s.user, "U024BE7LH");
/// assert_eq!(s.item.channel.as_deref(), Some("C1"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct StarChange {
    /// Who starred or unstarred.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// What was starred.
    #[serde(default)]
    pub item: Item,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}
