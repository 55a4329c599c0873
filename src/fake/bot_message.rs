//! What the fake saw the bot post: every chat message it sent, over the websocket or
//! through `chat.postMessage`, with the answer the fake gave it.

use serde_json::Value;

/// How a [`BotMessage`] reached the fake.
///
/// ```
/// # use std::time::Duration;
/// # use slack_rtm::fake::{FakeSlack, Via};
/// # let slack = FakeSlack::start()?;
/// let client = slack.client()?;
/// client.web().call("chat.postMessage", &[("channel", FakeSlack::GENERAL_CHANNEL), ("text", "hi")])?;
/// assert_eq!(slack.next_bot_message(Duration::from_secs(5))?.via, Via::WebApi);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Via {
    /// A `message` frame on the RTM websocket (`send_message` and friends).
    Rtm,
    /// A `chat.postMessage` Web API call (`client.web().chat_post_message(..)`).
    WebApi,
}

/// The fake's answer to a [`BotMessage`].
///
/// ```
/// # use std::time::Duration;
/// # use slack_rtm::fake::{AckPolicy, FakeSlack, Outcome};
/// # let slack = FakeSlack::start()?;
/// let client = slack.client_builder().reply_timeout(Duration::from_millis(200)).build()?;
/// client.start()?;
/// slack.set_ack_policy(AckPolicy::Drop);
/// assert!(client.send_message(FakeSlack::GENERAL_CHANNEL, "lost reply").is_err());
/// let sent = slack.next_bot_message(Duration::from_secs(5))?;
/// assert!(matches!(sent.outcome, Outcome::Unacknowledged { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Accepted and recorded under `ts`. Over RTM its `{"ok":true,"reply_to":..,"ts":..}`
    /// reply has been written, or is scheduled by the [`AckPolicy`](super::AckPolicy)
    /// (`Delay`, `Reorder`, `NextConnection`); over the Web API the call was answered
    /// `ok`.
    Acknowledged {
        /// The message's timestamp: its id in the channel.
        ts: String,
    },
    /// Accepted, recorded (and echoed) under `ts`, but never acknowledged, because the
    /// [`AckPolicy`](super::AckPolicy) was `Drop`: a lost reply.
    Unacknowledged {
        /// The message's timestamp.
        ts: String,
    },
    /// Refused. Over RTM: the error reply's `error.code` and `error.msg`
    /// (`{"ok":false,"reply_to":..,"error":{..}}`, see [`codes`](super::codes)); over the
    /// Web API: no code and the `error` string (e.g. `"channel_not_found"`).
    Refused {
        /// The RTM error code (`None` for the Web API).
        code: Option<i64>,
        /// The RTM `error.msg`, or the Web API `error`.
        error: String,
    },
}

/// One chat message the bot sent to the fake, and what the fake answered.
///
/// Read them with [`FakeSlack::next_bot_message`](super::FakeSlack::next_bot_message)
/// (one after the other) or [`FakeSlack::bot_messages`](super::FakeSlack::bot_messages)
/// (all kept so far).
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{FakeSlack, Via};
///
/// let slack = FakeSlack::start()?;
/// let client = slack.client()?;
/// client.start()?;
/// client.send_message(FakeSlack::GENERAL_CHANNEL, "hello")?;
///
/// let sent = slack.next_bot_message(Duration::from_secs(5))?;
/// assert_eq!((sent.channel.as_str(), sent.text.as_str()), (FakeSlack::GENERAL_CHANNEL, "hello"));
/// assert_eq!(sent.via, Via::Rtm);
/// assert!(sent.is_acknowledged());
/// assert!(sent.ts().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BotMessage {
    /// The conversation it was sent to, as the bot wrote it (a refused one may be
    /// `"#general"` or empty).
    pub channel: String,
    /// Its text as the bot sent it (the accepted, canonical text is in the reply: links
    /// wrapped in `<...>`).
    pub text: String,
    /// The thread it replies in (`thread_ts`), if any.
    pub thread_ts: Option<String>,
    /// How it came.
    pub via: Via,
    /// What the fake answered.
    pub outcome: Outcome,
    /// Everything the bot sent: the websocket frame, or the Web API parameters as a JSON
    /// object (token left out), e.g. to look at `blocks`.
    pub raw: Value,
}

impl BotMessage {
    /// The `ts` the fake recorded it under; `None` if it was refused.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// # let client = slack.client()?;
    /// # client.start()?;
    /// let reply = client.send_message(FakeSlack::GENERAL_CHANNEL, "hi")?;
    /// let sent = slack.next_bot_message(Duration::from_secs(5))?;
    /// assert_eq!(sent.ts(), reply.ts.as_deref());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ts(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Acknowledged { ts } | Outcome::Unacknowledged { ts } => Some(ts),
            Outcome::Refused { .. } => None,
        }
    }

    /// Whether the fake acknowledged it ([`Outcome::Acknowledged`]).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// # let client = slack.client()?;
    /// # client.start()?;
    /// // Slack wants a channel id, not a name: this one is refused.
    /// assert!(client.send_message("#general", "hi").is_err());
    /// let sent = slack.next_bot_message(Duration::from_secs(5))?;
    /// assert!(!sent.is_acknowledged());
    /// assert_eq!(sent.refusal(), Some("channel_not_found"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_acknowledged(&self) -> bool {
        matches!(self.outcome, Outcome::Acknowledged { .. })
    }

    /// Why it was refused (the RTM `error.msg` or the Web API `error`); `None` if it was
    /// accepted.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// # let client = slack.client()?;
    /// # client.start()?;
    /// client.send_message(FakeSlack::GENERAL_CHANNEL, "hi")?;
    /// assert_eq!(slack.next_bot_message(Duration::from_secs(5))?.refusal(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refusal(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Refused { error, .. } => Some(error),
            _ => None,
        }
    }
}
