//! The fake's Socket Mode side: [`FakeSocketMode`], reached with
//! [`FakeSlack::socket_mode`](crate::fake::FakeSlack::socket_mode).
//!
//! It follows `socket-mode-protocol.md` strictly, and where the protocol is unknown it
//! takes the reading that is hardest on a client:
//! - **`apps.connections.open`** (on the fake's Web API): the app token (`xapp-…`,
//!   [`FakeSocketMode::DEFAULT_APP_TOKEN`]) only in `Authorization: Bearer`. A token as a
//!   form or query parameter is `invalid_auth`, a bot or user token
//!   `not_allowed_token_type`, none `not_authed`. Success gives a URL
//!   `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…` (`wss://` with TLS) that is single use
//!   and expires after the URL lifetime (10 s by default): a reused or expired ticket is
//!   refused with HTTP 401, an unknown one with 404.
//! - **`hello`** first, with `num_connections` (the sockets open now, this one included,
//!   plus scripted ghost registrations), `debug_info` and `connection_info.app_id`.
//!   Beyond 10 sockets the new one gets its `hello` (counting 11), then `disconnect`
//!   `too_many_websockets`, and is closed a second later.
//! - **Envelopes** go round robin to the sockets that said hello, sockets asked to
//!   `disconnect` included until they close (Slack does not say it stops routing to them).
//!   Envelopes pushed while no socket is open wait for one.
//! - **Acks** are matched to deliveries and recorded ([`AckRecord`]: latency, late,
//!   payload, size, frames). An ack must be one unfragmented text frame under 20 KB: one
//!   of 20 000 bytes or more is recorded as oversized, one sent in several frames
//!   (fragmented) as fragmented, and either is ignored (as if never sent: the envelope
//!   stays unacked, is retried or missed); a payload on an envelope that does not accept one is ignored;
//!   acks for unknown or empty ids are recorded as unexpected frames.
//! - **The deadline** (3 s) passes for an unacked envelope: `events_api` is redelivered
//!   with a new envelope id, the same `event_id`, `retry_attempt` 1, 2, 3 and
//!   `retry_reason: "timeout"`, at the deadline, then 1 min and 5 min later (configurable);
//!   the first retry goes out at the deadline even if a late ack is on its way. Slash
//!   commands and interactions are not redelivered: they are recorded as missed.
//! - **`disconnect`** with any reason, then the socket is closed after a grace period
//!   (10 s by default) unless the client closed it first.
//! - **Liveness**: a websocket Ping every 30 s (configurable); client pings are answered.
//! - **Faults**: 429 with or without `Retry-After`, error answers, refused upgrades,
//!   suppressed `hello`, dropped or half-open sockets, duplicate deliveries on two sockets.
//!
//! ```
//! use std::time::Duration;
//! use serde_json::json;
//! use slack_rtm::fake::FakeSlack;
//!
//! let slack = FakeSlack::start()?;
//! let sm = slack.socket_mode();
//! let open = format!("{}apps.connections.open", slack.api_url());
//! let mut reply = ureq::post(&open)
//!     .header("Authorization", format!("Bearer {}", sm.app_token()))
//!     .send_empty()
//!     .map_err(std::io::Error::other)?;
//! let body: serde_json::Value = serde_json::from_reader(reply.body_mut().as_reader())?;
//! let (mut ws, _) = tungstenite::connect(body["url"].as_str().unwrap_or_default())
//!     .map_err(std::io::Error::other)?;
//! let hello: serde_json::Value = serde_json::from_str(ws.read().map_err(std::io::Error::other)?.to_text().unwrap_or_default())?;
//! assert_eq!(hello["num_connections"], 1);
//!
//! let id = sm.push_slash_command("/deploy", "staging");
//! let envelope: serde_json::Value = serde_json::from_str(ws.read().map_err(std::io::Error::other)?.to_text().unwrap_or_default())?;
//! assert_eq!(envelope["envelope_id"], id.as_str());
//! let ack = json!({"envelope_id": id, "payload": {"text": "Deploying…"}});
//! ws.send(tungstenite::Message::text(ack.to_string())).map_err(std::io::Error::other)?;
//!
//! let ack = sm.wait_for_ack(&id, Duration::from_secs(5)).expect("acked");
//! assert!(!ack.late);
//! assert_eq!(ack.payload, Some(json!({"text": "Deploying…"})));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod blast;
mod envelopes;
mod frame_tap;
pub(crate) mod server;
mod session;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fake::shared::Shared;
pub use blast::BlastReport;
use server::{Command, Server};

/// One envelope as the fake delivered it.
///
/// ```
/// # use std::time::Duration;
/// # use serde_json::json;
/// # use slack_rtm::fake::FakeSlack;
/// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
/// # let slack = FakeSlack::start()?;
/// # let sm = slack.socket_mode();
/// # let client = SocketModeClient::builder(sm.app_token())
/// #     .slack_api_url(slack.api_url())
/// #     .no_proxy()
/// #     .build()?;
/// client.start()?;
/// let id = sm.push_event(json!({"type": "app_mention", "text": "hi"}));
/// assert!(sm.wait_for_deliveries(1, Duration::from_secs(10)));
/// let delivery = &sm.deliveries()[0];
/// assert_eq!((delivery.envelope_id.as_str(), delivery.kind.as_str()), (id.as_str(), "events_api"));
/// assert_eq!(delivery.payload_type.as_deref(), Some("event_callback"));
/// assert_eq!(delivery.retry_attempt, 0);
/// # client.disconnect();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// Its `envelope_id`.
    pub envelope_id: String,
    /// Its `type` (`events_api`, `slash_commands`, `interactive`, or a pushed one).
    pub kind: String,
    /// `payload.type`.
    pub payload_type: Option<String>,
    /// `payload.event_id` (`events_api`).
    pub event_id: Option<String>,
    /// 0 for a first delivery, 1–3 for retries.
    pub retry_attempt: u32,
    /// The session it went to (see [`FakeSocketMode::session_ids`]).
    pub session: u64,
    /// When it was handed to the session.
    pub delivered_at: Instant,
    /// Whether a valid ack came for it.
    pub acked: bool,
}

/// One ack as the fake received it.
///
/// ```
/// # use std::time::Duration;
/// # use serde_json::json;
/// # use slack_rtm::fake::FakeSlack;
/// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
/// # let slack = FakeSlack::start()?;
/// # let sm = slack.socket_mode();
/// # let client = SocketModeClient::builder(sm.app_token())
/// #     .slack_api_url(slack.api_url())
/// #     .no_proxy()
/// #     .build()?;
/// client.start()?;
/// let id = sm.push_event(json!({"type": "app_mention"}));
/// // The client acks an events_api envelope as soon as it arrives (AckPolicy::Auto).
/// let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("acked");
/// assert!(ack.counts() && !ack.late && ack.payload.is_none());
/// assert_eq!((ack.frames, ack.session), (1, ack.delivered_on));
/// # client.disconnect();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AckRecord {
    /// The envelope it acks.
    pub envelope_id: String,
    /// The session it came on.
    pub session: u64,
    /// The session the envelope went to.
    pub delivered_on: u64,
    /// From delivery to ack.
    pub latency: Duration,
    /// Later than the ack deadline (3 s by default).
    pub late: bool,
    /// The response payload, when one was sent and the envelope accepts it.
    pub payload: Option<Value>,
    /// The frame's size in bytes.
    pub bytes: usize,
    /// 20 000 bytes or more: ignored, as Slack ignores it.
    pub oversized: bool,
    /// It came as a fragmented message (more than one websocket frame): ignored, as an
    /// ack must be one unfragmented text frame.
    pub fragmented: bool,
    /// How many websocket frames it came in (1 for a proper ack).
    pub frames: u32,
    /// A payload was sent for an envelope that does not accept one (it was ignored).
    pub payload_ignored: bool,
    /// The envelope had been acked before.
    pub duplicate: bool,
}

impl AckRecord {
    /// Whether Slack would take this as the envelope's ack: the first one, under 20 KB,
    /// in one frame.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(slack.socket_mode().acks().iter().all(|a| a.counts())); // none yet
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn counts(&self) -> bool {
        !self.oversized && !self.fragmented && !self.duplicate
    }

    /// Refused for its form: 20 KB or more, or fragmented.
    fn refused(&self) -> bool {
        self.oversized || self.fragmented
    }
}

/// The Socket Mode side of a [`FakeSlack`](crate::fake::FakeSlack): script envelopes and
/// faults, observe deliveries and acks. Cheap to clone; see the [module docs](self).
///
/// ```
/// # use std::time::Duration;
/// # use serde_json::json;
/// # use slack_rtm::fake::FakeSlack;
/// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
/// # let slack = FakeSlack::start()?;
/// # let sm = slack.socket_mode();
/// # let client = SocketModeClient::builder(sm.app_token())
/// #     .slack_api_url(slack.api_url())
/// #     .no_proxy()
/// #     .build()?;
/// // Script what Slack sends, then check what the app did about it.
/// client.on_slash_command(|_request, _command| Some(json!({"text": "on it"})));
/// client.start()?;
/// let id = sm.push_slash_command("/deploy", "staging");
/// # let runner = client.clone();
/// # let run = std::thread::spawn(move || runner.run());
/// let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("acked");
/// assert_eq!(ack.payload, Some(json!({"text": "on it"})));
/// # client.disconnect();
/// # run.join().expect("run did not panic")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FakeSocketMode {
    shared: Arc<Shared>,
}

impl fmt::Debug for FakeSocketMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeSocketMode")
            .field("open_sessions", &self.open_sessions())
            .finish_non_exhaustive()
    }
}

impl FakeSocketMode {
    /// The app-level token a default server accepts for `apps.connections.open`.
    ///
    /// ```
    /// use slack_rtm::fake::FakeSlack;
    /// use slack_rtm::fake::socket_mode::FakeSocketMode;
    ///
    /// let slack = FakeSlack::start()?;
    /// assert_eq!(slack.socket_mode().app_token(), FakeSocketMode::DEFAULT_APP_TOKEN);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub const DEFAULT_APP_TOKEN: &'static str = "xapp-1-A0FAKEAPP-1-fake-app-token";
    /// The app id in `hello` and in socket URLs.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// use slack_rtm::fake::socket_mode::FakeSocketMode;
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// # let events = client.events();
    /// client.start()?;
    /// let hello = loop {
    ///     match events.recv_timeout(Duration::from_secs(10))? {
    ///         SocketEvent::Hello(hello) => break hello,
    ///         _ => {}
    ///     }
    /// };
    /// assert_eq!(hello.app_id.as_deref(), Some(FakeSocketMode::APP_ID));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const APP_ID: &'static str = "A0FAKEAPP";

    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    fn server(&self) -> &Server {
        match self.shared.socket_mode.get() {
            Some(s) => s,
            None => unreachable!("the Socket Mode server starts with the fake"),
        }
    }

    // ----- settings -----

    /// The valid app token.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(slack.socket_mode().app_token().starts_with("xapp-"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn app_token(&self) -> String {
        self.server().state.lock().app_token.clone()
    }

    /// Replaces the valid app token.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// // Rotate the app token: a client with the old one is refused, fatally.
    /// let old = sm.app_token();
    /// sm.set_app_token("xapp-1-A0FAKEAPP-2-rotated");
    /// let client = SocketModeClient::builder(old)
    ///     .slack_api_url(slack.api_url())
    ///     .no_proxy()
    ///     .build()?;
    /// assert!(client.start().is_err());
    /// assert_eq!(sm.refused_connect_calls(), ["invalid_auth"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_app_token(&self, token: impl Into<String>) {
        self.server().update(|st| st.app_token = token.into());
    }

    /// How long a socket URL stays valid. Default 10 s; `Duration::ZERO` expires every
    /// URL on arrival.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// // Every socket URL has expired by the time the client dials it.
    /// sm.set_url_ttl(Duration::ZERO);
    /// let client = SocketModeClient::builder(sm.app_token())
    ///     .slack_api_url(slack.api_url())
    ///     .no_proxy()
    ///     .start_timeout(Duration::from_millis(300))
    ///     .build()?;
    /// assert!(client.start().is_err());
    /// assert!(sm.stale_url_upgrades() >= 1);
    /// assert_eq!(sm.sessions_opened(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_url_ttl(&self, ttl: Duration) {
        self.server().update(|st| st.url_ttl = ttl);
    }

    /// The ack deadline. Default 3 s, as Slack's; shorten it to test retries quickly.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// use slack_rtm::socket_mode::AckPolicy;
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// sm.set_ack_deadline(Duration::from_millis(50));
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .ack_policy(AckPolicy::Manual)
    ///     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// let first = sm.push_event(json!({"type": "app_mention"}));
    /// let request = loop {
    ///     match events.recv_timeout(Duration::from_secs(10))? {
    ///         SocketEvent::Request(r) => break r,
    ///         _ => {}
    ///     }
    /// };
    /// // Not acked in time: Slack retries the event under a new envelope id.
    /// assert!(sm.wait_for_deliveries(2, Duration::from_secs(10)));
    /// let retry = &sm.deliveries()[1];
    /// assert_eq!((retry.retry_attempt, retry.event_id.as_deref()), (1, request.event_id()));
    /// assert_ne!(retry.envelope_id, first);
    /// # drop(request);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_ack_deadline(&self, deadline: Duration) {
        self.server().update(|st| st.ack_deadline = deadline);
    }

    /// When `events_api` retries 1, 2 and 3 go out, each after the previous delivery's
    /// deadline. Default 0 s, 1 min, 5 min.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// use slack_rtm::socket_mode::AckPolicy;
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// sm.set_ack_deadline(Duration::from_millis(20));
    /// // All three retries at once, each at the previous delivery's deadline.
    /// sm.set_retry_delays([Duration::ZERO; 3]);
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .ack_policy(AckPolicy::Manual)
    ///     .dedup(false) // hand every retry to the app
    ///     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// sm.push_event(json!({"type": "app_mention"}));
    /// assert!(sm.wait_for_deliveries(4, Duration::from_secs(10)));
    /// let attempts: Vec<u32> = sm.deliveries().iter().map(|d| d.retry_attempt).collect();
    /// assert_eq!(attempts, [0, 1, 2, 3]);
    /// # drop(events);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_retry_delays(&self, delays: [Duration; 3]) {
        self.server().update(|st| st.retry_delays = delays);
    }

    /// How long after a `disconnect` the server closes the socket. Default 10 s.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let open = format!("{}apps.connections.open", slack.api_url());
    /// # let mut answer = ureq::post(&open)
    /// #     .header("Authorization", format!("Bearer {}", sm.app_token()))
    /// #     .send_empty()?;
    /// # let body: serde_json::Value = serde_json::from_reader(answer.body_mut().as_reader())?;
    /// # let url = body["url"].as_str().unwrap_or_default().to_owned();
    /// // A client that ignores `disconnect` loses its socket at once.
    /// sm.set_disconnect_close_after(Duration::ZERO);
    /// let (mut ws, _) = tungstenite::connect(url.as_str())?;
    /// # if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
    /// #     s.set_read_timeout(Some(Duration::from_secs(10)))?;
    /// # }
    /// # let _hello = ws.read()?;
    /// assert_eq!(sm.send_disconnect("warning"), 1);
    /// assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    /// # drop(ws);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_disconnect_close_after(&self, grace: Duration) {
        self.server().update(|st| st.disconnect_close_after = grace);
    }

    /// How often the server pings each socket (sessions opened later). Default 30 s;
    /// `None` never.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let open = format!("{}apps.connections.open", slack.api_url());
    /// # let mut answer = ureq::post(&open)
    /// #     .header("Authorization", format!("Bearer {}", sm.app_token()))
    /// #     .send_empty()?;
    /// # let body: serde_json::Value = serde_json::from_reader(answer.body_mut().as_reader())?;
    /// # let url = body["url"].as_str().unwrap_or_default().to_owned();
    /// use tungstenite::Message;
    /// // Ping every 10 ms instead of every 30 s (for sockets opened from now on).
    /// sm.set_ping_interval(Some(Duration::from_millis(10)));
    /// let (mut ws, _) = tungstenite::connect(url.as_str())?;
    /// # if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
    /// #     s.set_read_timeout(Some(Duration::from_secs(10)))?;
    /// # }
    /// while !matches!(ws.read()?, Message::Ping(_)) {}
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_ping_interval(&self, every: Option<Duration>) {
        self.server().update(|st| st.ping_interval = every);
    }

    /// Whether envelopes still go to sockets asked to `disconnect`. Default true.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// // Stop routing to a socket as soon as it is asked to go: the refresh must still
    /// // deliver what comes meanwhile.
    /// sm.set_route_to_draining(false);
    /// client.start()?;
    /// sm.send_disconnect("refresh_requested");
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// let id = sm.push_event(json!({"type": "app_mention"}));
    /// assert!(sm.wait_for_ack(&id, Duration::from_secs(10)).is_some());
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_route_to_draining(&self, route: bool) {
        self.server().update(|st| st.route_to_draining = route);
    }

    // ----- envelopes -----

    /// Pushes an Events API event (wrapped in an `event_callback` with a fresh `event_id`);
    /// returns the envelope id.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let id = slack.socket_mode().push_event(serde_json::json!({"type": "app_mention", "text": "hi"}));
    /// assert!(!id.is_empty()); // delivered once a client has a socket open
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn push_event(&self, event: Value) -> String {
        let server = self.server();
        let (event_id, team, bot) = {
            let mut st = server.state.lock();
            let id = &self.shared.settings.identity;
            (st.new_event_id(), id.team_id.clone(), id.bot_id.clone())
        };
        let payload = envelopes::event_callback(event, &event_id, &team, Self::APP_ID, &bot);
        server.push("events_api", payload, false, Some(event_id))
    }

    /// Pushes a slash command run by the default user in `#general`; returns the envelope
    /// id. See [`FakeSocketMode::push_slash_command_with`] for other fields.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.on_slash_command(|_request, command| {
    ///     Some(json!({"text": format!("{} {}: done", command.command, command.text)}))
    /// });
    /// client.start()?;
    /// # let runner = client.clone();
    /// # let run = std::thread::spawn(move || runner.run());
    /// let id = sm.push_slash_command("/deploy", "staging");
    /// let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("acked");
    /// assert_eq!(ack.payload, Some(json!({"text": "/deploy staging: done"})));
    /// # client.disconnect();
    /// # run.join().expect("run did not panic")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_slash_command(&self, command: &str, text: &str) -> String {
        self.push_slash_command_with(command, text, Value::Null)
    }

    /// Pushes a slash command, `fields` (an object) replacing default form fields such as
    /// `user_id` or `channel_id`; returns the envelope id.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.on_slash_command(|_request, command| {
    ///     Some(json!({"text": format!("hi <@{}>", command.user_id)}))
    /// });
    /// client.start()?;
    /// # let runner = client.clone();
    /// # let run = std::thread::spawn(move || runner.run());
    /// let id = sm.push_slash_command_with("/hello", "", json!({"user_id": "U0CAROL"}));
    /// let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("acked");
    /// assert_eq!(ack.payload, Some(json!({"text": "hi <@U0CAROL>"})));
    /// # client.disconnect();
    /// # run.join().expect("run did not panic")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_slash_command_with(&self, command: &str, text: &str, fields: Value) -> String {
        let team = self.shared.settings.identity.team_id.clone();
        let payload = envelopes::slash_command(command, text, &fields, &team, Self::APP_ID);
        self.server().push("slash_commands", payload, true, None)
    }

    /// Pushes an interactivity payload (`block_actions`, `view_submission`, …);
    /// `accepts_response_payload` is set as Slack does (true for `view_submission` and
    /// `block_suggestion`). Returns the envelope id.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// use slack_rtm::socket_mode::InteractionKind;
    /// client.on_interaction(|_request, interaction| match interaction.kind {
    ///     InteractionKind::ViewSubmission => Some(json!({"response_action": "clear"})),
    ///     _ => None,
    /// });
    /// client.start()?;
    /// # let runner = client.clone();
    /// # let run = std::thread::spawn(move || runner.run());
    /// let id = sm.push_interactive(json!({"type": "view_submission", "view": {"id": "V1"}}));
    /// let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("acked");
    /// assert_eq!(ack.payload, Some(json!({"response_action": "clear"})));
    /// # client.disconnect();
    /// # run.join().expect("run did not panic")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_interactive(&self, payload: Value) -> String {
        let kind = payload.get("type").and_then(Value::as_str).unwrap_or("");
        let accepts = envelopes::interactive_accepts_response(kind);
        self.server().push("interactive", payload, accepts, None)
    }

    /// Pushes an envelope of any `kind` (an unknown one, say) with this payload; returns
    /// its id.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// // A type this crate does not know yet still reaches the app, and is acked.
    /// let id = sm.push_envelope("future_feature", json!({"x": 1}), false);
    /// let request = loop {
    ///     match events.recv_timeout(Duration::from_secs(10))? {
    ///         SocketEvent::Request(r) => break r,
    ///         _ => {}
    ///     }
    /// };
    /// assert_eq!(request.envelope_id(), id);
    /// assert_eq!(request.kind().as_str(), "future_feature");
    /// assert!(sm.wait_for_ack(&id, Duration::from_secs(10)).is_some());
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_envelope(
        &self,
        kind: &str,
        payload: Value,
        accepts_response_payload: bool,
    ) -> String {
        self.server()
            .push(kind, payload, accepts_response_payload, None)
    }

    /// Sends an arbitrary text frame (not tracked) to every socket that said hello;
    /// returns how many.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// // A frame that is not an envelope: the client reports it and carries on.
    /// assert_eq!(sm.push_raw("not json"), 1);
    /// let id = sm.push_event(json!({"type": "app_mention"}));
    /// assert!(sm.wait_for_ack(&id, Duration::from_secs(10)).is_some());
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_raw(&self, text: impl Into<String>) -> usize {
        let text = tungstenite::Utf8Bytes::from(text.into());
        let sessions = self.server().sessions.lock();
        sessions
            .values()
            .filter(|s| s.greeted)
            .filter(|s| s.send(Command::Text(text.clone())))
            .count()
    }

    /// The next `n` envelopes go to two sockets at once (when two are open), with the
    /// same envelope id, as Slack has been seen to do.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .pool_size(2)
    ///     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// let mut hellos = 0;
    /// while hellos < 2 {
    ///     if let SocketEvent::Hello(_) = events.recv_timeout(Duration::from_secs(10))? {
    ///         hellos += 1;
    ///     }
    /// }
    /// sm.duplicate_next(1);
    /// let id = sm.push_event(json!({"type": "app_mention"}));
    /// // The same envelope goes to both sockets: the app gets it once, and the copy
    /// // is acked and dropped by the client's dedup.
    /// let request = loop {
    ///     match events.recv_timeout(Duration::from_secs(10))? {
    ///         SocketEvent::Request(r) => break r,
    ///         _ => {}
    ///     }
    /// };
    /// assert_eq!(request.envelope_id(), id);
    /// assert!(sm.wait_for_ack(&id, Duration::from_secs(10)).is_some());
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn duplicate_next(&self, n: usize) {
        self.server().update(|st| st.duplicate_next = n);
    }

    /// Writes `n` `events_api` envelopes (about 880 bytes each, every one with its own
    /// envelope id and event id) to the newest socket that said hello, as fast as it takes
    /// them, while reading its acks; returns false when no socket is open. For benches:
    /// blasted envelopes are not in [`FakeSocketMode::deliveries`], their acks are matched
    /// by sequence number (an ack must start with `{"envelope_id":"blast-`, as a plain
    /// serde encoder writes it), and nothing is retried. Other commands to that socket
    /// wait until every envelope is written. See [`FakeSocketMode::wait_for_blast`].
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(!slack.socket_mode().blast_events(10)); // no socket yet
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn blast_events(&self, n: usize) -> bool {
        let sessions = self.server().sessions.lock();
        match sessions.values().rev().find(|s| s.greeted) {
            Some(s) => s.send(Command::Blast(n)),
            None => false,
        }
    }

    /// Blocks until the blast is fully acked (or its socket ended), and returns its
    /// report; after `timeout`, returns the report as it stands (acks missing).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// assert!(sm.blast_events(100));
    /// let report = sm.wait_for_blast(Duration::from_secs(30)).expect("a report");
    /// assert_eq!((report.written, report.acked), (100, 100));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_blast(&self, timeout: Duration) -> Option<BlastReport> {
        let server = self.server();
        if !server.wait_until(timeout, |st| st.blast_report.is_some()) {
            self.to_sessions(None, || Command::FinishBlast);
            server.wait_until(Duration::from_secs(2), |st| st.blast_report.is_some());
        }
        server.state.lock().blast_report.take()
    }

    // ----- control frames and faults -----

    /// Sends `disconnect` with `reason` (`warning`, `refresh_requested`, `link_disabled`,
    /// `too_many_websockets`, or any other) on every open socket; returns how many.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// // A refresh: the client opens a new socket before it lets the old one go.
    /// assert_eq!(sm.send_disconnect("refresh_requested"), 1);
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// assert!(sm.wait_for_open_sessions(1, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_disconnect(&self, reason: &str) -> usize {
        self.to_sessions(None, || Command::Disconnect(reason.to_owned()))
    }

    /// Sends `disconnect` with `reason` on socket `session` only; false if it is gone.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .pool_size(2)
    ///     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// let mut hellos = 0;
    /// while hellos < 2 {
    ///     if let SocketEvent::Hello(_) = events.recv_timeout(Duration::from_secs(10))? {
    ///         hellos += 1;
    ///     }
    /// }
    /// let oldest = sm.session_ids()[0];
    /// assert!(sm.send_disconnect_to(oldest, "refresh_requested"));
    /// // Replaced, make-before-break: three sockets opened in all, two open again.
    /// assert!(sm.wait_for_sessions_opened(3, Duration::from_secs(10)));
    /// assert!(sm.wait_for_open_sessions(2, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_disconnect_to(&self, session: u64, reason: &str) -> bool {
        self.to_sessions(Some(session), || Command::Disconnect(reason.to_owned())) == 1
    }

    /// Closes every socket at once, without a close frame.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let quick = slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(10));
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .retry(quick)
    /// #     .build()?;
    /// client.start()?;
    /// sm.drop_connections();
    /// // The client notices and opens a new socket.
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// assert!(sm.connect_calls() >= 2);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn drop_connections(&self) {
        self.to_sessions(None, || Command::Drop);
    }

    /// Closes every socket cleanly (close frame 1000).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let quick = slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(10));
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .retry(quick)
    /// #     .build()?;
    /// client.start()?;
    /// sm.close_connections();
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_connections(&self) {
        self.to_sessions(None, || Command::Close);
    }

    /// Makes every open socket half-open: no reads, no writes, no pings, TCP left open,
    /// until [`FakeSocketMode::drop_connections`].
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// // A half-open socket: the client's own Pings find it dead and it reconnects.
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .retry(slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(10)))
    ///     .ping_interval(Duration::from_millis(50))
    ///     .pong_timeout(Duration::from_millis(50))
    ///     .build()?;
    /// client.start()?;
    /// sm.go_silent();
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// # sm.drop_connections();
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn go_silent(&self) {
        self.to_sessions(None, || Command::Silent);
    }

    /// Answers the next `n` valid `apps.connections.open` calls with HTTP 429 and
    /// `Retry-After: retry_after_secs` (no header when `None`).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// sm.rate_limit_connect(1, Some(1));
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .retry(slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(10)))
    ///     .build()?;
    /// client.start()?; // waits out Retry-After (1 s), then connects
    /// assert_eq!(sm.connect_calls(), 2);
    /// assert_eq!(sm.refused_connect_calls(), ["ratelimited"]);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rate_limit_connect(&self, n: usize, retry_after_secs: Option<u64>) {
        self.server()
            .update(|st| st.rate_limit_connect = (n, retry_after_secs));
    }

    /// Answers the next valid `apps.connections.open` call with `{"ok":false,"error":
    /// error}` (e.g. `internal_error`, `invalid_auth`); calls queue up.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// sm.fail_connect("internal_error");
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .retry(slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(10)))
    ///     .build()?;
    /// client.start()?; // a transient error: retried
    /// assert_eq!(sm.refused_connect_calls(), ["internal_error"]);
    /// assert_eq!(sm.sessions_opened(), 1);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fail_connect(&self, error: &str) {
        self.server()
            .update(|st| st.connect_errors.push_back(error.to_owned()));
    }

    /// Refuses the next `n` websocket upgrades with HTTP `status` (408, 409, 503, …).
    /// Their URLs are not used up.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// sm.fail_upgrades(2, 503);
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .retry(slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(10))
    ///         .initial_backoff(Duration::from_millis(10)))
    ///     .build()?;
    /// client.start()?; // two refused upgrades are retried
    /// assert_eq!(sm.sessions_opened(), 1);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fail_upgrades(&self, n: usize, status: u16) {
        self.server().update(|st| st.fail_upgrades = (n, status));
    }

    /// The next `n` sockets open but never get `hello` (nor envelopes).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// sm.suppress_hello(1);
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .retry(slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(10)))
    ///     .hello_timeout(Duration::from_millis(100))
    ///     .build()?;
    /// client.start()?; // the mute socket counts as a failed attempt
    /// assert_eq!(sm.sessions_opened(), 2);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn suppress_hello(&self, n: usize) {
        self.server().update(|st| st.suppress_hello = n);
    }

    /// Counts `n` stale registrations toward `num_connections` and the 10-socket limit.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// // Two sockets of a crashed process that Slack still counts.
    /// sm.set_ghost_registrations(2);
    /// client.start()?;
    /// assert_eq!(client.stats().num_connections_reported, Some(3));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_ghost_registrations(&self, n: usize) {
        self.server().update(|st| st.ghosts = n);
    }

    // ----- observing -----

    /// `apps.connections.open` calls, refused ones included.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// assert_eq!(sm.connect_calls(), 1);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect_calls(&self) -> usize {
        self.server().state.lock().connect_calls
    }

    /// When each `apps.connections.open` call came, in order.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// sm.send_disconnect("refresh_requested");
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// let times = sm.connect_call_times();
    /// assert_eq!(times.len(), 2);
    /// assert!(times[0] <= times[1]); // for checking a client's pacing
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect_call_times(&self) -> Vec<Instant> {
        self.server().state.lock().connect_call_times.clone()
    }

    /// The error codes of refused `apps.connections.open` calls, in order.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// let client = SocketModeClient::builder("xapp-1-A0OTHER-1-not-this-fakes")
    ///     .slack_api_url(slack.api_url())
    ///     .no_proxy()
    ///     .build()?;
    /// assert!(client.start().is_err());
    /// assert_eq!(sm.refused_connect_calls(), ["invalid_auth"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refused_connect_calls(&self) -> Vec<String> {
        self.server().state.lock().refused_connect_calls.clone()
    }

    /// Sockets opened with a valid URL so far.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// client.reconnect()?;
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sessions_opened(&self) -> usize {
        self.server().state.lock().sessions_opened
    }

    /// Sockets open now.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// assert_eq!(sm.open_sessions(), 1);
    /// client.disconnect();
    /// assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_sessions(&self) -> usize {
        self.server().state.lock().open_sessions
    }

    /// The most sockets that were open at once.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// sm.send_disconnect("refresh_requested");
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// assert!(sm.wait_for_open_sessions(1, Duration::from_secs(10)));
    /// // Make-before-break: the new socket was open before the old one closed.
    /// assert_eq!(sm.max_open_sessions(), 2);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_open_sessions(&self) -> usize {
        self.server().state.lock().max_open_sessions
    }

    /// The ids of the sockets open now, oldest first.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// let ids = sm.session_ids();
    /// assert_eq!(ids.len(), 1);
    /// sm.push_event(json!({"type": "app_mention"}));
    /// assert!(sm.wait_for_deliveries(1, Duration::from_secs(10)));
    /// assert_eq!(sm.deliveries()[0].session, ids[0]);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn session_ids(&self) -> Vec<u64> {
        self.server().sessions.lock().keys().copied().collect()
    }

    /// Blocks until at least `n` sockets were opened; false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// client.reconnect()?;
    /// assert!(sm.wait_for_sessions_opened(2, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_sessions_opened(&self, n: usize, timeout: Duration) -> bool {
        self.server()
            .wait_until(timeout, |st| st.sessions_opened >= n)
    }

    /// Blocks until exactly `n` sockets are open; false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// client.disconnect();
    /// assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_open_sessions(&self, n: usize, timeout: Duration) -> bool {
        self.server()
            .wait_until(timeout, |st| st.open_sessions == n)
    }

    /// Upgrades refused because their URL was reused or expired.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let open = format!("{}apps.connections.open", slack.api_url());
    /// # let mut answer = ureq::post(&open)
    /// #     .header("Authorization", format!("Bearer {}", sm.app_token()))
    /// #     .send_empty()?;
    /// # let body: serde_json::Value = serde_json::from_reader(answer.body_mut().as_reader())?;
    /// # let url = body["url"].as_str().unwrap_or_default().to_owned();
    /// let (ws, _) = tungstenite::connect(url.as_str())?;
    /// # if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
    /// #     s.set_read_timeout(Some(Duration::from_secs(10)))?;
    /// # }
    /// // A URL is good for one socket only.
    /// assert!(tungstenite::connect(url.as_str()).is_err());
    /// assert_eq!(sm.stale_url_upgrades(), 1);
    /// # drop(ws);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stale_url_upgrades(&self) -> usize {
        self.server().state.lock().stale_url_upgrades
    }

    /// Sockets answered with `too_many_websockets` for being over the limit.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// // Eight ghosts and a pool of three: the third socket is one too many.
    /// sm.set_ghost_registrations(8);
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .pool_size(3)
    ///     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// let refused = loop {
    ///     match events.recv_timeout(Duration::from_secs(10))? {
    ///         SocketEvent::Disconnect(d) => break d,
    ///         _ => {}
    ///     }
    /// };
    /// assert_eq!(refused.reason, slack_rtm::socket_mode::DisconnectReason::TooManyWebsockets);
    /// assert_eq!(sm.too_many_refusals(), 1);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn too_many_refusals(&self) -> usize {
        self.server().state.lock().too_many_refusals
    }

    /// Websocket Pings the clients sent.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let open = format!("{}apps.connections.open", slack.api_url());
    /// # let mut answer = ureq::post(&open)
    /// #     .header("Authorization", format!("Bearer {}", sm.app_token()))
    /// #     .send_empty()?;
    /// # let body: serde_json::Value = serde_json::from_reader(answer.body_mut().as_reader())?;
    /// # let url = body["url"].as_str().unwrap_or_default().to_owned();
    /// use tungstenite::Message;
    /// let (mut ws, _) = tungstenite::connect(url.as_str())?;
    /// # if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
    /// #     s.set_read_timeout(Some(Duration::from_secs(10)))?;
    /// # }
    /// # let _hello = ws.read()?;
    /// ws.send(Message::Ping(Vec::new().into()))?;
    /// while !matches!(ws.read()?, Message::Pong(_)) {}
    /// assert_eq!(sm.client_pings(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client_pings(&self) -> usize {
        self.server().state.lock().client_pings
    }

    /// Every envelope delivered so far, in order.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// sm.push_event(json!({"type": "app_mention"}));
    /// sm.push_slash_command("/deploy", "staging");
    /// assert!(sm.wait_for_deliveries(2, Duration::from_secs(10)));
    /// let kinds: Vec<String> = sm.deliveries().into_iter().map(|d| d.kind).collect();
    /// assert_eq!(kinds, ["events_api", "slash_commands"]);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.server().state.lock().deliveries()
    }

    /// Every ack received so far, in order (oversized and duplicate ones included).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// sm.push_event(json!({"type": "app_mention"}));
    /// assert!(sm.wait_for_acks(1, Duration::from_secs(10)));
    /// let acks = sm.acks();
    /// assert_eq!(acks.len(), 1);
    /// assert!(acks[0].bytes < 20_000);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn acks(&self) -> Vec<AckRecord> {
        self.server().state.lock().acks.clone()
    }

    /// Blocks until a valid ack (not oversized, not fragmented, not a duplicate) for
    /// `envelope_id` has come, and returns it; `None` after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// let id = sm.push_slash_command("/weather", "");
    /// let request = loop {
    ///     match events.recv_timeout(Duration::from_secs(10))? {
    ///         SocketEvent::Request(r) => break r,
    ///         _ => {}
    ///     }
    /// };
    /// request.ack_with(json!({"text": "sunny"}))?;
    /// let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("acked");
    /// assert_eq!(ack.payload, Some(json!({"text": "sunny"})));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_ack(&self, envelope_id: &str, timeout: Duration) -> Option<AckRecord> {
        let find = |st: &server::State| {
            st.acks
                .iter()
                .find(|a| a.envelope_id == envelope_id && a.counts())
                .cloned()
        };
        let server = self.server();
        server.wait_until(timeout, |st| find(st).is_some());
        find(&server.state.lock())
    }

    /// Blocks until what `envelope_id` carried was acked, by an ack of that delivery or of
    /// one of Slack's retries of it; false after `timeout`. (An envelope written to a
    /// socket the client was closing is lost, and only its retry can be acked.)
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// let id = sm.push_event(json!({"type": "app_mention"}));
    /// // True even if the client was refreshing and only a retry of it could be acked.
    /// assert!(sm.wait_for_event_ack(&id, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_event_ack(&self, envelope_id: &str, timeout: Duration) -> bool {
        self.server()
            .wait_until(timeout, |st| st.logically_acked(envelope_id))
    }

    /// Blocks until `n` valid acks in all have come; false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// client.start()?;
    /// for text in ["one", "two", "three"] {
    ///     sm.push_event(json!({"type": "app_mention", "text": text}));
    /// }
    /// assert!(sm.wait_for_acks(3, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_acks(&self, n: usize, timeout: Duration) -> bool {
        self.server().wait_until(timeout, |st| {
            st.acks.iter().filter(|a| a.counts()).count() >= n
        })
    }

    /// Blocks until at least `n` acks were refused for their form (20 KB or more, or
    /// fragmented); false after `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(!slack.socket_mode().wait_for_refused_acks(1, Duration::from_millis(10)));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn wait_for_refused_acks(&self, n: usize, timeout: Duration) -> bool {
        self.server().wait_until(timeout, |st| {
            st.acks.iter().filter(|a| a.refused()).count() >= n
        })
    }

    /// Blocks until at least `n` envelopes were delivered; false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    /// #     .build()?;
    /// // Pushed before any socket is open: delivered once the client connects.
    /// sm.push_event(json!({"type": "app_mention"}));
    /// client.start()?;
    /// assert!(sm.wait_for_deliveries(1, Duration::from_secs(10)));
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_deliveries(&self, n: usize, timeout: Duration) -> bool {
        self.server()
            .wait_until(timeout, |st| st.deliveries().len() >= n)
    }

    /// Envelopes whose deadline passed without a valid ack.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let open = format!("{}apps.connections.open", slack.api_url());
    /// # let mut answer = ureq::post(&open)
    /// #     .header("Authorization", format!("Bearer {}", sm.app_token()))
    /// #     .send_empty()?;
    /// # let body: serde_json::Value = serde_json::from_reader(answer.body_mut().as_reader())?;
    /// # let url = body["url"].as_str().unwrap_or_default().to_owned();
    /// sm.set_ack_deadline(Duration::from_millis(20));
    /// // A raw socket that never acks.
    /// let (mut ws, _) = tungstenite::connect(url.as_str())?;
    /// # if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
    /// #     s.set_read_timeout(Some(Duration::from_secs(10)))?;
    /// # }
    /// # let _hello = ws.read()?;
    /// let id = sm.push_slash_command("/deploy", "staging");
    /// assert!(sm.wait_for_missed_acks(1, Duration::from_secs(10)));
    /// assert_eq!(sm.missed_acks(), [id]);
    /// # drop(ws);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn missed_acks(&self) -> Vec<String> {
        self.server().state.lock().missed()
    }

    /// Blocks until at least `n` envelopes missed their deadline; false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// use slack_rtm::socket_mode::AckPolicy;
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// sm.set_ack_deadline(Duration::from_millis(20));
    /// let client = SocketModeClient::builder(sm.app_token())
    /// #     .slack_api_url(slack.api_url())
    /// #     .no_proxy()
    ///     .ack_policy(AckPolicy::Manual)
    ///     .build()?;
    /// let events = client.events();
    /// client.start()?;
    /// let id = sm.push_slash_command("/deploy", "staging");
    /// let request = loop {
    ///     match events.recv_timeout(Duration::from_secs(10))? {
    ///         SocketEvent::Request(r) => break r,
    ///         _ => {}
    ///     }
    /// };
    /// // Held past the deadline: Slack does not retry a slash command, it counts it missed.
    /// assert!(sm.wait_for_missed_acks(1, Duration::from_secs(10)));
    /// assert_eq!(sm.missed_acks(), [id]);
    /// # drop(request);
    /// # client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_missed_acks(&self, n: usize, timeout: Duration) -> bool {
        self.server()
            .wait_until(timeout, |st| st.missed().len() >= n)
    }

    /// Blocks until at least `n` unexpected client frames came; false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let open = format!("{}apps.connections.open", slack.api_url());
    /// # let mut answer = ureq::post(&open)
    /// #     .header("Authorization", format!("Bearer {}", sm.app_token()))
    /// #     .send_empty()?;
    /// # let body: serde_json::Value = serde_json::from_reader(answer.body_mut().as_reader())?;
    /// # let url = body["url"].as_str().unwrap_or_default().to_owned();
    /// let (mut ws, _) = tungstenite::connect(url.as_str())?;
    /// # if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
    /// #     s.set_read_timeout(Some(Duration::from_secs(10)))?;
    /// # }
    /// # let _hello = ws.read()?;
    /// ws.send(tungstenite::Message::text(r#"{"envelope_id":"never-sent"}"#))?;
    /// assert!(sm.wait_for_unexpected_frames(1, Duration::from_secs(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_unexpected_frames(&self, n: usize, timeout: Duration) -> bool {
        self.server()
            .wait_until(timeout, |st| st.unexpected.len() >= n)
    }

    /// Client frames that were not valid acks (not JSON, no `envelope_id`, an empty or
    /// unknown id, binary), described without their content.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use serde_json::json;
    /// # use slack_rtm::fake::FakeSlack;
    /// # use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
    /// # let slack = FakeSlack::start()?;
    /// # let sm = slack.socket_mode();
    /// # let open = format!("{}apps.connections.open", slack.api_url());
    /// # let mut answer = ureq::post(&open)
    /// #     .header("Authorization", format!("Bearer {}", sm.app_token()))
    /// #     .send_empty()?;
    /// # let body: serde_json::Value = serde_json::from_reader(answer.body_mut().as_reader())?;
    /// # let url = body["url"].as_str().unwrap_or_default().to_owned();
    /// let (mut ws, _) = tungstenite::connect(url.as_str())?;
    /// # if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
    /// #     s.set_read_timeout(Some(Duration::from_secs(10)))?;
    /// # }
    /// # let _hello = ws.read()?;
    /// ws.send(tungstenite::Message::text("not json"))?;
    /// assert!(sm.wait_for_unexpected_frames(1, Duration::from_secs(10)));
    /// assert_eq!(sm.unexpected_frames().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unexpected_frames(&self) -> Vec<String> {
        self.server().state.lock().unexpected.clone()
    }

    fn to_sessions(&self, only: Option<u64>, make: impl Fn() -> Command) -> usize {
        let sessions = self.server().sessions.lock();
        sessions
            .iter()
            .filter(|(id, _)| only.is_none_or(|o| o == **id))
            .filter(|(_, s)| s.send(make()))
            .count()
    }
}
