//! The `message` event and what messages carry (edits, thread replies, reactions).

use serde::Deserialize;
use serde_json::Value;

use super::File;
use crate::model::lenient;

/// A `message` event of any subtype: one struct whose optional fields are filled as the
/// subtype has them; [`Message::kind`] names the subtype.
///
/// What each subtype carries, beyond `channel`, `user`, `text` and `ts`:
///
/// | subtype ([`MessageKind`]) | fields |
/// |---|---|
/// | none (`Plain`) | `edited`, `thread_ts`, `reactions`, `files`, … |
/// | `bot_message` | `bot_id`, `username`, `icons`; no `user` |
/// | `me_message` | — |
/// | `message_changed` | `hidden`; `message` = the new version, `previous_message` (optional) |
/// | `message_deleted` | `hidden`; `deleted_ts` = the ts of the removed message |
/// | `message_replied` | `hidden`; `message` = the thread parent with `reply_count`, `replies` |
/// | `thread_broadcast` | `thread_ts`; `root` = the thread parent |
/// | `channel_join` | `inviter` when invited |
/// | `channel_topic` / `channel_purpose` | `topic` / `purpose` |
/// | `channel_name` | `old_name`, `name` |
/// | `file_share` | `file` (old form) or `files`, `upload` |
///
/// Hidden messages (`hidden: true`) are history records (edits, deletions, thread
/// bookkeeping), not something a person just said.
///
/// ```
/// use slack_rtm::typed::{MessageKind, TypedEvent};
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(r#"{"type":"message","subtype":"message_changed",
///     "hidden":true,"channel":"C1","ts":"1358878755.000001",
///     "message":{"type":"message","user":"U1","text":"Hello, world!","ts":"1355517523.000005",
///                "edited":{"user":"U1","ts":"1358878755.000001"}},
///     "previous_message":{"type":"message","user":"U1","text":"Hello","ts":"1355517523.000005"}}"#)?;
/// let TypedEvent::Message(m) = ev.typed() else { panic!() };
/// assert_eq!(m.kind(), MessageKind::MessageChanged);
/// let new = m.changed_message().expect("the new version");
/// // Replace the local message whose ts is `new.ts`; the outer ts is the time of the edit.
/// assert_eq!((new.ts.as_str(), new.text.as_deref()), ("1355517523.000005", Some("Hello, world!")));
/// assert_eq!(m.previous_message.as_ref().and_then(|p| p.text.as_deref()), Some("Hello"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// The subtype, if any (see [`Message::kind`]).
    #[serde(default)]
    pub subtype: Option<String>,
    /// The channel id (absent in nested messages and in the RTM page's simplest example).
    #[serde(default)]
    pub channel: Option<String>,
    /// The author's user id (absent for `bot_message`).
    #[serde(default)]
    pub user: Option<String>,
    /// The text, in Slack's markup (`<@U123>` mentions, `<https://…|label>` links).
    #[serde(default)]
    pub text: Option<String>,
    /// The message's timestamp, unique within its channel: its id. For `message_changed`,
    /// `message_deleted` and `message_replied` it is the time of the change.
    pub ts: String,
    /// The ts of the thread's parent, for messages in a thread (the parent has its own
    /// `ts` here).
    #[serde(default)]
    pub thread_ts: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
    /// A history record rather than a new message (see the type's docs).
    #[serde(default, deserialize_with = "lenient::flag")]
    pub hidden: bool,
    /// `channel`, `group`, `im`, `mpim` or `app_home`, when Slack says.
    #[serde(default)]
    pub channel_type: Option<String>,
    /// The workspace of the author, when Slack says.
    #[serde(default)]
    pub team: Option<String>,
    /// On Enterprise Grid: the workspace the message originates from.
    #[serde(default)]
    pub source_team: Option<String>,
    /// On Enterprise Grid: the workspace of the author.
    #[serde(default)]
    pub user_team: Option<String>,
    /// The bot's id, for messages posted by a bot.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The display name a bot posted under (`bot_message`).
    #[serde(default)]
    pub username: Option<String>,
    /// Icon overrides of a `bot_message` (`{"image_64": url}` or `{"emoji": ":x:"}`).
    #[serde(default)]
    pub icons: Option<Value>,
    /// The id a client chose for the message, when sent by a Slack client.
    #[serde(default)]
    pub client_msg_id: Option<String>,
    /// Who edited the message last, and when.
    #[serde(default)]
    pub edited: Option<Edited>,
    /// The nested message: the new version (`message_changed`) or the thread parent
    /// (`message_replied`). See [`Message::changed_message`] and [`Message::thread_parent`].
    #[serde(default)]
    pub message: Option<Box<Message>>,
    /// The version before an edit (`message_changed`); Slack does not always send it.
    #[serde(default)]
    pub previous_message: Option<Box<Message>>,
    /// The ts of the deleted message (`message_deleted`).
    #[serde(default)]
    pub deleted_ts: Option<String>,
    /// A copy of the thread parent (`thread_broadcast`).
    #[serde(default)]
    pub root: Option<Box<Message>>,
    /// Replies in the thread this message starts.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub reply_count: Option<u64>,
    /// Distinct members who replied in the thread.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub reply_users_count: Option<u64>,
    /// The ts of the thread's latest reply.
    #[serde(default)]
    pub latest_reply: Option<String>,
    /// Members who replied in the thread.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub reply_users: Vec<String>,
    /// The thread's replies, oldest first (thread parents in `message_replied`).
    #[serde(default, deserialize_with = "lenient::seq")]
    pub replies: Vec<ThreadReply>,
    /// The new topic (`channel_topic`, `group_topic`).
    #[serde(default)]
    pub topic: Option<String>,
    /// The new purpose (`channel_purpose`, `group_purpose`).
    #[serde(default)]
    pub purpose: Option<String>,
    /// The new channel name (`channel_name`).
    #[serde(default)]
    pub name: Option<String>,
    /// The former channel name (`channel_name`).
    #[serde(default)]
    pub old_name: Option<String>,
    /// Who invited the member (`channel_join`, when invited).
    #[serde(default)]
    pub inviter: Option<String>,
    /// Shared files (the current `file_share` form).
    #[serde(default, deserialize_with = "lenient::seq")]
    pub files: Vec<File>,
    /// The shared file (the old `file_share` form).
    #[serde(default)]
    pub file: Option<File>,
    /// Whether the file was uploaded with the message (`file_share`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub upload: Option<bool>,
    /// Reactions on the message.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub reactions: Vec<Reaction>,
    /// Channels the message is pinned in.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub pinned_to: Vec<String>,
    /// Whether you starred (saved) it.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_starred: Option<bool>,
    /// Legacy attachments, untyped.
    #[serde(default)]
    pub attachments: Option<Value>,
    /// Block Kit blocks, untyped.
    #[serde(default)]
    pub blocks: Option<Value>,
}

impl Message {
    /// The subtype as a [`MessageKind`].
    ///
    /// ```
    /// use slack_rtm::typed::{MessageKind, TypedEvent};
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"message","subtype":"me_message","channel":"C1","ts":"1.0"}"#)?;
    /// let TypedEvent::Message(m) = ev.typed() else { panic!() };
    /// assert_eq!(m.kind(), MessageKind::MeMessage);
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn kind(&self) -> MessageKind {
        MessageKind::from_subtype(self.subtype.as_deref())
    }

    /// The new version of an edited message: `message` for `message_changed`, else `None`.
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"message","subtype":"message_changed","channel":"C1",
    ///     "ts":"2.0","message":{"type":"message","text":"fixed","ts":"1.0"}}"#)?;
    /// let TypedEvent::Message(m) = ev.typed() else { panic!() };
    /// assert_eq!(m.changed_message().and_then(|n| n.text.as_deref()), Some("fixed"));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn changed_message(&self) -> Option<&Message> {
        match self.kind() {
            MessageKind::MessageChanged => self.message.as_deref(),
            _ => None,
        }
    }

    /// The thread parent this event carries: `message` for `message_replied`, `root` for
    /// `thread_broadcast`, else `None`.
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"message","subtype":"message_replied","channel":"C1",
    ///     "ts":"3.0","message":{"type":"message","text":"parent","ts":"1.0","thread_ts":"1.0","reply_count":2}}"#)?;
    /// let TypedEvent::Message(m) = ev.typed() else { panic!() };
    /// assert_eq!(m.thread_parent().map(|p| p.ts.as_str()), Some("1.0"));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn thread_parent(&self) -> Option<&Message> {
        match self.kind() {
            MessageKind::MessageReplied => self.message.as_deref(),
            MessageKind::ThreadBroadcast => self.root.as_deref(),
            _ => None,
        }
    }

    /// Whether this is a reply inside a thread (it has a `thread_ts` other than its own
    /// `ts`).
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// let ev = slack_rtm::SlackEvent::from_json(
    ///     r#"{"type":"message","channel":"C1","text":"me too","ts":"2.0","thread_ts":"1.0"}"#,
    /// )?;
    /// let TypedEvent::Message(m) = ev.typed() else { panic!() };
    /// assert!(m.is_thread_reply());
    /// assert_eq!(m.thread_root_ts(), "1.0");
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn is_thread_reply(&self) -> bool {
        self.thread_ts.as_deref().is_some_and(|t| t != self.ts)
    }

    /// The ts to answer in this message's thread with: its `thread_ts` when it is in a
    /// thread, else its own `ts` (which starts a thread).
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// use slack_rtm::SlackEvent;
    /// let ev = SlackEvent::from_json(r#"{"type":"message","channel":"C1","text":"hi","ts":"2.0"}"#)?;
    /// let TypedEvent::Message(m) = ev.typed() else { panic!() };
    /// assert_eq!(m.thread_root_ts(), "2.0");
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn thread_root_ts(&self) -> &str {
        self.thread_ts.as_deref().unwrap_or(&self.ts)
    }
}

/// A message's subtype, for matching; [`Other`](MessageKind::Other) for subtypes not
/// listed (read [`Message::subtype`]).
///
/// [`MessageKind::from_subtype`] also works on [`SlackEvent::subtype`](crate::SlackEvent::subtype), before any parsing.
///
/// ```
/// use slack_rtm::typed::MessageKind;
/// use slack_rtm::SlackEvent;
/// let ev = SlackEvent::from_json(r#"{"type":"message","subtype":"bot_message","ts":"1.0"}"#)?;
/// assert_eq!(MessageKind::from_subtype(ev.subtype()), MessageKind::BotMessage);
/// assert_eq!(MessageKind::from_subtype(None), MessageKind::Plain);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// No subtype: a message someone wrote (thread replies included).
    Plain,
    /// `bot_message`: posted by a bot or integration.
    BotMessage,
    /// `me_message`: a `/me` message.
    MeMessage,
    /// `message_changed`: an edit (hidden).
    MessageChanged,
    /// `message_deleted`: a deletion (hidden).
    MessageDeleted,
    /// `message_replied`: a thread got a reply; carries the updated parent (hidden).
    MessageReplied,
    /// `thread_broadcast`: a thread reply also sent to the channel.
    ThreadBroadcast,
    /// `channel_join`: a member joined the channel.
    ChannelJoin,
    /// `channel_leave`: a member left the channel.
    ChannelLeave,
    /// `channel_topic`: the topic was set.
    ChannelTopic,
    /// `channel_purpose`: the purpose was set.
    ChannelPurpose,
    /// `channel_name`: the channel was renamed.
    ChannelName,
    /// `file_share`: a file was shared (no longer sent over RTM since 2018).
    FileShare,
    /// Any other subtype.
    Other,
}

impl MessageKind {
    /// The kind for a `subtype` value (`None`: no subtype).
    ///
    /// ```
    /// use slack_rtm::typed::MessageKind;
    /// assert_eq!(MessageKind::from_subtype(Some("bot_message")), MessageKind::BotMessage);
    /// assert_eq!(MessageKind::from_subtype(Some("something_new")), MessageKind::Other);
    /// ```
    pub fn from_subtype(subtype: Option<&str>) -> MessageKind {
        use MessageKind as K;
        match subtype {
            None => K::Plain,
            Some("bot_message") => K::BotMessage,
            Some("me_message") => K::MeMessage,
            Some("message_changed") => K::MessageChanged,
            Some("message_deleted") => K::MessageDeleted,
            Some("message_replied") => K::MessageReplied,
            Some("thread_broadcast") => K::ThreadBroadcast,
            Some("channel_join") => K::ChannelJoin,
            Some("channel_leave") => K::ChannelLeave,
            Some("channel_topic") => K::ChannelTopic,
            Some("channel_purpose") => K::ChannelPurpose,
            Some("channel_name") => K::ChannelName,
            Some("file_share") => K::FileShare,
            Some(_) => K::Other,
        }
    }
}

/// A message's `edited` marker.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"message","channel":"C1","user":"U1","text":"fixed","ts":"1.2","edited":{"user":"U1","ts":"1.3"}}"#,
/// )?;
/// let TypedEvent::Message(m) = ev.typed() else { panic!("not Message") };
/// let edited = m.edited.as_ref().expect("edited");
/// assert_eq!(edited.ts.as_deref(), Some("1.3"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Edited {
    /// Who edited it.
    pub user: Option<String>,
    /// When (the ts of the edit).
    pub ts: Option<String>,
}

/// One entry of a thread parent's `replies`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"message","channel":"C1","user":"U1","text":"root","ts":"1.1","replies":[{"user":"U2","ts":"1.2"}]}"#,
/// )?;
/// let TypedEvent::Message(m) = ev.typed() else { panic!("not Message") };
/// assert_eq!(m.replies[0].user.as_deref(), Some("U2"));
/// assert_eq!(m.replies[0].ts.as_deref(), Some("1.2"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ThreadReply {
    /// The reply's author.
    pub user: Option<String>,
    /// The reply's ts.
    pub ts: Option<String>,
}

/// One emoji reaction on a message.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.1","reactions":[{"name":"tada","count":2,"users":["U1","U2"]}]}"#,
/// )?;
/// let TypedEvent::Message(m) = ev.typed() else { panic!("not Message") };
/// assert_eq!(m.reactions[0].name.as_deref(), Some("tada"));
/// assert_eq!(m.reactions[0].count, Some(2));
/// assert_eq!(m.reactions[0].users, ["U1", "U2"]);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Reaction {
    /// The emoji name, without colons.
    pub name: Option<String>,
    /// How many reacted (may exceed `users.len()`: the list is truncated).
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub count: Option<u64>,
    /// Some of the users who reacted.
    #[serde(deserialize_with = "lenient::seq")]
    pub users: Vec<String>,
}
