//! Playing a person in the fake workspace: what a user of Slack does that a bot sees
//! (messages in channels, threads and direct messages, typing, joining, presence).

use std::sync::Arc;

use serde_json::{json, Value};

use super::errors::Refused;
use super::shared::Shared;

/// A person in the fake workspace, made by [`FakeSlack::user`](super::FakeSlack::user).
///
/// Everything it does is pushed to the bot's open sessions as the event Slack would send,
/// with a `ts` from the same clock as the bot's own messages. It checks the conversation
/// against the fake's directory first, as Slack would: an unknown one is
/// [`Refused`] (`channel_not_found`) and nothing is sent. It is cheap to clone and can be
/// moved to another thread.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::HandlerResult;
///
/// let slack = FakeSlack::start()?;
/// let bot = slack.start_bot(|client| {
///     client.on_message(|client, msg| -> HandlerResult {
///         if let (Some("!ping"), Some(channel)) = (msg.text.as_deref(), msg.channel.as_deref()) {
///             client.send_message(channel, "pong")?;
///         }
///         Ok(())
///     });
/// })?;
///
/// let alice = slack.user("U0ALICE", "alice");
/// alice.say(FakeSlack::GENERAL_CHANNEL, "!ping")?;
/// let reply = slack.next_bot_message(Duration::from_secs(5))?;
/// assert_eq!(reply.text, "pong");
/// assert!(reply.is_acknowledged());
/// bot.stop()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FakeUser {
    shared: Arc<Shared>,
    id: String,
    name: String,
}

impl std::fmt::Debug for FakeUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeUser")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish()
    }
}

/// A message a [`FakeUser`] posted.
///
/// ```
/// # use slack_rtm::fake::FakeSlack;
/// # let slack = FakeSlack::start()?;
/// let posted = slack.user("U0ALICE", "alice").say(FakeSlack::GENERAL_CHANNEL, "hi")?;
/// assert_eq!(posted.channel, FakeSlack::GENERAL_CHANNEL);
/// assert!(posted.thread_ts.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Posted {
    /// The conversation it is in.
    pub channel: String,
    /// Its timestamp: its id in the conversation (reply in its thread with this).
    pub ts: String,
    /// The thread it is a reply in, if any.
    pub thread_ts: Option<String>,
    /// How many open sessions it was pushed to (0: no bot was connected to see it). A
    /// client between its `rtm.connect` and its connection is not counted, though it gets
    /// the message right after its `hello`.
    pub delivered: usize,
}

impl FakeUser {
    pub(crate) fn new(shared: Arc<Shared>, id: &str, name: &str) -> Self {
        Self {
            shared,
            id: id.to_owned(),
            name: name.to_owned(),
        }
    }

    /// The user id.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.user("U0ALICE", "alice").id(), "U0ALICE");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The user name.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.user("U0ALICE", "alice").name(), "alice");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The id of this person's direct-message conversation with the bot (`D...`), where
    /// [`FakeUser::dm`] posts and where the bot answers a direct message.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.user("U0ALICE", "alice").dm_channel(), "D0ALICE");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn dm_channel(&self) -> String {
        super::directory::dm_id(&self.id)
    }

    /// Posts `text` in `channel` (a known channel's or DM's id), as Slack pushes a new
    /// message to the bot: `{"type":"message","channel","user","text","ts","team"}`.
    ///
    /// # Errors
    ///
    /// [`Refused`] (`channel_not_found`) for a conversation the fake does not know;
    /// nothing is posted.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let alice = slack.user("U0ALICE", "alice");
    /// let posted = alice.say(slack_rtm::fake::FakeSlack::GENERAL_CHANNEL, "hello")?;
    /// assert_eq!(posted.delivered, 0); // no bot connected yet
    /// assert!(alice.say("#general", "hello").is_err()); // a name, not an id
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn say(&self, channel: &str, text: &str) -> Result<Posted, Refused> {
        self.post(channel, text, None)
    }

    /// Replies in the thread of the message `thread_ts` in `channel`: the event carries
    /// `thread_ts`, and, when the fake remembers the thread's parent, a hidden
    /// `message_replied` event follows with the parent's `reply_count` and `replies`.
    ///
    /// # Errors
    ///
    /// As [`FakeUser::say`].
    ///
    /// ```
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// let alice = slack.user("U0ALICE", "alice");
    /// let question = alice.say(FakeSlack::GENERAL_CHANNEL, "lunch?")?;
    /// let reply = alice.reply_in_thread(FakeSlack::GENERAL_CHANNEL, &question.ts, "anyone?")?;
    /// assert_eq!(reply.thread_ts.as_deref(), Some(question.ts.as_str()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reply_in_thread(
        &self,
        channel: &str,
        thread_ts: &str,
        text: &str,
    ) -> Result<Posted, Refused> {
        self.post(channel, text, Some(thread_ts))
    }

    /// Sends `text` to the bot as a direct message (in [`FakeUser::dm_channel`]).
    ///
    /// # Errors
    ///
    /// As [`FakeUser::say`] (this person's DM always exists).
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let alice = slack.user("U0ALICE", "alice");
    /// assert_eq!(alice.dm("psst")?.channel, alice.dm_channel());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dm(&self, text: &str) -> Result<Posted, Refused> {
        self.post(&self.dm_channel(), text, None)
    }

    /// Starts typing in `channel`: `{"type":"user_typing","channel","user"}`. Returns how
    /// many sessions it was pushed to.
    ///
    /// # Errors
    ///
    /// As [`FakeUser::say`].
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let alice = slack.user("U0ALICE", "alice");
    /// assert_eq!(alice.typing(slack_rtm::fake::FakeSlack::GENERAL_CHANNEL)?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn typing(&self, channel: &str) -> Result<usize, Refused> {
        self.known_conversation(channel)?;
        Ok(self.shared.publish(&json!({
            "type": "user_typing",
            "channel": channel,
            "user": self.id,
        })))
    }

    /// Joins the channel `channel`:
    /// `{"type":"member_joined_channel","user","channel","channel_type":"C","team"}`.
    /// Returns how many sessions it was pushed to.
    ///
    /// # Errors
    ///
    /// As [`FakeUser::say`].
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.add_channel("C0NEW", "new");
    /// assert_eq!(slack.user("U0ALICE", "alice").join("C0NEW")?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn join(&self, channel: &str) -> Result<usize, Refused> {
        self.known_conversation(channel)?;
        Ok(self.shared.publish(&json!({
            "type": "member_joined_channel",
            "user": self.id,
            "channel": channel,
            "channel_type": "C",
            "team": self.shared.settings.identity.team_id,
        })))
    }

    /// Sets this person's presence (`"active"` or `"away"`), as
    /// [`FakeSlack::set_presence`](super::FakeSlack::set_presence): sessions subscribed to
    /// them get `presence_change`.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let alice = slack.user("U0ALICE", "alice");
    /// alice.set_presence("away");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_presence(&self, presence: &str) {
        self.shared.set_presence(&self.id, presence);
    }

    fn known_conversation(&self, channel: &str) -> Result<(), Refused> {
        if self.shared.state.lock().directory.has_conversation(channel) {
            Ok(())
        } else {
            Err(Refused::channel_not_found(channel))
        }
    }

    fn post(&self, channel: &str, text: &str, thread_ts: Option<&str>) -> Result<Posted, Refused> {
        self.known_conversation(channel)?;
        let ts = self.shared.ts.next();
        let mut event = json!({
            "type": "message",
            "channel": channel,
            "user": self.id,
            "text": text,
            "ts": ts,
            "team": self.shared.settings.identity.team_id,
        });
        if let Some(thread) = thread_ts {
            event["thread_ts"] = Value::from(thread);
        }
        let delivered = super::posting::post(&self.shared, &event, true);
        Ok(Posted {
            channel: channel.to_owned(),
            ts,
            thread_ts: thread_ts.map(str::to_owned),
            delivered,
        })
    }
}
