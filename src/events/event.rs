//! What the client delivers: [`Event`] (Slack events and lifecycle changes),
//! [`SlackEvent`] (one RTM event with its raw JSON), [`ConnectInfo`] and [`Reply`].

use std::borrow::Cow;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tungstenite::Utf8Bytes;

use super::connect_body::ConnectBody;
use crate::error::Error;

/// One thing that happened: an RTM event from Slack, or a change in the client's
/// lifecycle (the Node client's lifecycle events).
///
/// [`Event::name`] gives the name a handler is registered under with
/// [`RtmClient::on`](crate::RtmClient::on).
///
/// ```
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::Event;
///
/// let slack = FakeSlack::start()?;
/// let client = slack.client()?;
/// let events = client.events(); // before start(), so nothing is missed
/// client.start()?;
/// let mut seen = Vec::new();
/// for event in events.iter() {
///     seen.push(event.name().to_string());
///     if let Event::Ready = event {
///         break;
///     }
/// }
/// assert_eq!(seen.first().map(String::as_str), Some("connecting"));
/// assert!(seen.iter().any(|n| n == "authenticated"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// The client is calling `rtm.connect` / `rtm.start` (Node: `connecting`).
    Connecting,
    /// `rtm.connect` / `rtm.start` succeeded (Node: `authenticated`, with its data).
    Authenticated(std::sync::Arc<ConnectInfo>),
    /// The websocket is open; events start flowing (Node: `connected`).
    Connected,
    /// Slack said `hello`: sends are allowed (Node: `ready`).
    Ready,
    /// The client is closing the connection for good (Node: `disconnecting`).
    Disconnecting,
    /// The connection was lost and the client will connect again (Node: `reconnecting`).
    Reconnecting,
    /// The client is disconnected and will not reconnect; `None` when the app asked for it
    /// (Node: `disconnected`). This is the last event: the event stream ends after it.
    Disconnected(Option<Error>),
    /// A connection attempt failed; whether another follows depends on the error and
    /// `auto_reconnect` (Node: `unable_to_rtm_start`).
    UnableToStart(Error),
    /// Something went wrong that did not stop the client, such as a frame from the server
    /// that is not a JSON object (Node: `error`).
    Error(Error),
    /// An RTM event from Slack.
    Slack(SlackEvent),
    /// The consumer fell `event_queue_capacity` events behind and this many Slack events
    /// were dropped since the last report ([`SlowConsumerPolicy::DropNewest`](crate::SlowConsumerPolicy)).
    EventsDropped(u64),
}

impl Event {
    /// The name handlers use: the lifecycle names of the Node client (`connecting`,
    /// `authenticated`, `connected`, `ready`, `disconnecting`, `reconnecting`,
    /// `disconnected`, `unable_to_rtm_start`, `error`) or the Slack event's `type`.
    ///
    /// ```
    /// use slack_rtm::Event;
    /// assert_eq!(Event::Ready.name(), "ready");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            Event::Connecting => "connecting",
            Event::Authenticated(_) => "authenticated",
            Event::Connected => "connected",
            Event::Ready => "ready",
            Event::Disconnecting => "disconnecting",
            Event::Reconnecting => "reconnecting",
            Event::Disconnected(_) => "disconnected",
            Event::UnableToStart(_) => "unable_to_rtm_start",
            Event::Error(_) => "error",
            Event::EventsDropped(_) => "events_dropped",
            Event::Slack(e) => e.kind(),
        }
    }

    /// The Slack event, if this is one.
    ///
    /// ```
    /// use slack_rtm::Event;
    /// assert!(Event::Connected.as_slack().is_none());
    /// ```
    pub fn as_slack(&self) -> Option<&SlackEvent> {
        match self {
            Event::Slack(e) => Some(e),
            _ => None,
        }
    }
}

/// One RTM event as Slack sent it.
///
/// The reader thread only peeks at `type` and `subtype`; the rest of the JSON is parsed
/// where the event is consumed, with [`SlackEvent::json`] or [`SlackEvent::deserialize`].
///
/// ```
/// use slack_rtm::SlackEvent;
/// let ev = SlackEvent::from_json(r#"{"type":"message","channel":"C1","text":"hi"}"#).unwrap();
/// assert_eq!(ev.kind(), "message");
/// assert_eq!(ev.json().unwrap()["text"], "hi");
/// ```
#[derive(Clone)]
pub struct SlackEvent {
    kind: Cow<'static, str>,
    subtype: Option<Box<str>>,
    raw: Utf8Bytes,
}

impl SlackEvent {
    pub(crate) fn new(kind: Cow<'static, str>, subtype: Option<Box<str>>, raw: Utf8Bytes) -> Self {
        Self { kind, subtype, raw }
    }

    /// The event's `type` (`message`, `user_typing`, …; `"unknown"` when missing).
    ///
    /// ```
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"user_typing"}"#).unwrap();
    /// assert_eq!(ev.kind(), "user_typing");
    /// ```
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The event's `subtype`, if any (`channel_purpose`, `bot_message`, …).
    ///
    /// ```
    /// use slack_rtm::SlackEvent;
    /// let ev = SlackEvent::from_json(r#"{"type":"message","subtype":"me_message"}"#).unwrap();
    /// assert_eq!(ev.subtype(), Some("me_message"));
    /// ```
    pub fn subtype(&self) -> Option<&str> {
        self.subtype.as_deref()
    }

    /// The raw JSON text of the event, as Slack sent it.
    ///
    /// ```
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"hello"}"#).unwrap();
    /// assert_eq!(ev.raw(), r#"{"type":"hello"}"#);
    /// ```
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Parses the whole event into a [`serde_json::Value`].
    ///
    /// ```
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"message","text":"hi"}"#).unwrap();
    /// assert_eq!(ev.json().unwrap()["text"], "hi");
    /// ```
    ///
    /// # Errors
    /// A `serde_json::Error` in rare cases the reader lets through rather than drop the
    /// event, in fields the reader did not look at: a string with an escaped lone surrogate
    /// (`\udc00`, which JavaScript servers can produce), or a number beyond the range of
    /// `f64`. [`raw`](Self::raw) still has
    /// the text. (Frames that are not JSON objects, or nested deeper than 128 levels, are
    /// never delivered as events.)
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(&self.raw)
    }

    /// Deserializes the event into a type of your own.
    ///
    /// ```
    /// use slack_rtm::SlackEvent;
    /// #[derive(serde::Deserialize)]
    /// struct Typing { channel: String, user: String }
    /// let ev = SlackEvent::from_json(r#"{"type":"user_typing","channel":"C1","user":"U1"}"#).unwrap();
    /// let t: Typing = ev.deserialize().unwrap();
    /// assert_eq!((t.channel.as_str(), t.user.as_str()), ("C1", "U1"));
    /// ```
    ///
    /// # Errors
    /// A `serde_json::Error` when the event does not have the shape of `T`.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.raw)
    }
}

impl fmt::Debug for SlackEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackEvent")
            .field("kind", &self.kind)
            .field("subtype", &self.subtype)
            .field("raw", &self.raw.as_str())
            .finish()
    }
}

/// What `rtm.connect` (or `rtm.start`) returned, without the websocket URL.
///
/// The whole answer is kept as its JSON text ([`raw`](Self::raw)), parsed again only when
/// you ask ([`json`](Self::json), [`deserialize`](Self::deserialize)): its memory is the
/// size of the answer whatever its shape (an `rtm.start` snapshot of a big workspace is
/// megabytes).
///
/// ```no_run
/// # fn main() -> Result<(), slack_rtm::Error> {
/// let client = slack_rtm::RtmClient::builder("xoxb-...").build()?;
/// let info = client.start()?;
/// println!("connected as {} in {}", info.self_id, info.team_id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ConnectInfo {
    /// The connected user's id (`self.id`).
    pub self_id: String,
    /// The connected user's name (`self.name`).
    pub self_name: String,
    /// The workspace id (`team.id`).
    pub team_id: String,
    /// The workspace name (`team.name`).
    pub team_name: String,
    /// The workspace domain (`team.domain`).
    pub team_domain: String,
    /// The whole response minus `url`, as JSON text.
    raw: Box<str>,
}

impl ConnectInfo {
    /// Builds the info from a successful response body, taking the URL out of it.
    pub(crate) fn from_body(body: &str) -> Result<(ConnectInfo, String), Error> {
        let no_url = || Error::Protocol("rtm.connect returned no websocket url".into());
        let parsed = ConnectBody::parse(body).map_err(|_| no_url())?;
        let url = parsed.url.ok_or_else(no_url)?;
        let info = ConnectInfo {
            self_id: parsed.me.id.unwrap_or_default(),
            self_name: parsed.me.name.unwrap_or_default(),
            team_id: parsed.team.id.unwrap_or_default(),
            team_name: parsed.team.name.unwrap_or_default(),
            team_domain: parsed.team.domain.unwrap_or_default(),
            raw: parsed.text,
        };
        Ok((info, url))
    }

    /// Builds the info from a successful response, taking the URL out of it.
    pub(crate) fn from_response(raw: Value) -> Result<(ConnectInfo, String), Error> {
        Self::from_body(&raw.to_string())
    }

    /// The whole response without `url`, as JSON text (with `rtm.start`, the workspace
    /// snapshot).
    ///
    /// ```
    /// # fn demo(info: &slack_rtm::ConnectInfo) {
    /// assert!(info.raw().starts_with('{'));
    /// assert!(!info.raw().contains("wss://"), "the websocket URL is never kept");
    /// # }
    /// ```
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The whole response without `url`, parsed (each call parses again).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = slack_rtm::RtmClient::builder("xoxb-...")
    ///     .use_rtm_connect(false) // rtm.start: the response carries the workspace
    ///     .build()?;
    /// let info = client.start()?;
    /// let snapshot = info.json()?;
    /// println!("{} channels", snapshot["channels"].as_array().map_or(0, Vec::len));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Never for a response the client accepted, short of numbers beyond `f64`.
    pub fn json(&self) -> serde_json::Result<Value> {
        serde_json::from_str(&self.raw)
    }

    /// The whole response without `url`, into your own type (each call parses again).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// #[derive(serde::Deserialize)]
    /// struct Snapshot { users: Vec<serde_json::Value> }
    ///
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").use_rtm_connect(false).build()?;
    /// let snapshot: Snapshot = client.start()?.deserialize()?;
    /// println!("{} users", snapshot.users.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the response does not fit `T`.
    pub fn deserialize<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.raw)
    }
}

/// Slack's acknowledgement of a sent frame (Node: `RTMCallResult`).
///
/// ```
/// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
/// let reply = client.send_message("C123", "hello")?;
/// println!("posted at ts {}", reply.ts.as_deref().unwrap_or("?"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The id of the frame this answers.
    pub reply_to: u64,
    /// The message's canonical timestamp (a string: it is an id, not a float).
    pub ts: Option<String>,
    /// The text as Slack recorded it (it may differ from what was sent).
    pub text: Option<String>,
    /// The whole reply.
    pub data: Value,
}
