//! [`RtmClient`]: the cloneable handle — start, send, receive, disconnect.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use parking_lot::Mutex;
use serde_json::{Map, Value};

#[cfg(feature = "workspace-cache")]
use crate::cache::WorkspaceCache;
use crate::config::{Builder, Config, LongTextPolicy, MAX_TEXT_CHARS};
use crate::error::{Error, Result, TimeoutKind};
use crate::events::event::{ConnectInfo, Event, Reply};
use crate::events::stream::Events;
use crate::protocol::lifecycle::State;
use crate::rtm::handlers::{HandlerError, HandlerOutcome, Handlers};
use crate::rtm::protocol::RtmProtocol;
use crate::runtime::engine::Engine;
use crate::runtime::sender::{Before, Ticket};
use crate::runtime::session::SessionHandle;
use crate::runtime::session_slot::SessionSlot;
use crate::runtime::shared::Shared;
use crate::runtime::transport::Transport;
use crate::stats::Stats;

/// A Slack RTM client.
///
/// Cheap to clone (an `Arc` inside); every method takes `&self` and may be called from any
/// thread, including from inside a handler. When the last clone is dropped the client
/// disconnects and joins its threads.
///
/// # Threads
/// [`start`](Self::start) spawns two threads: the **reader** (connects, reads every frame,
/// routes replies to their senders and events to the event stream, reconnects) and the
/// **keepalive** (pings a quiet link). Your code never runs on them: events reach you through
/// [`events`](Self::events) or through handlers that [`run`](Self::run) calls on *your*
/// thread, so a handler can call [`send_message`](Self::send_message) without deadlock.
///
/// ```no_run
/// use slack_rtm::{Event, RtmClient};
///
/// # fn main() -> Result<(), slack_rtm::Error> {
/// let client = RtmClient::builder(std::env::var("SLACK_BOT_TOKEN").unwrap()).build()?;
/// client.on("message", |client, event| {
///     let Some(msg) = event.as_slack() else { return };
///     let v = msg.json().unwrap_or_default();
///     if v["text"] == "ping" && v.get("subtype").is_none() {
///         let channel = v["channel"].as_str().unwrap_or_default();
///         match client.send_message(channel, "pong") {
///             Ok(reply) => println!("sent at {:?}", reply.ts),
///             Err(e) => eprintln!("not sent: {e}"),
///         }
///     }
/// });
/// client.start()?;
/// client.run()?; // dispatches until disconnected
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RtmClient {
    inner: Arc<Inner>,
}

struct Inner {
    /// The session and the event channel (runtime/session_slot.rs); first, so that
    /// dropping the last handle stops the session before anything else.
    slot: SessionSlot<Event>,
    shared: Arc<Shared>,
    engine: Engine<RtmProtocol>,
    handlers: Mutex<Handlers>,
    /// The opt-in workspace cache (also held by the protocol, which feeds it).
    #[cfg(feature = "workspace-cache")]
    cache: Option<Arc<WorkspaceCache>>,
}

/// A frame queued by [`RtmClient::add_outgoing_event`]; wait on it for the outcome.
///
/// ```no_run
/// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
/// use std::time::Duration;
/// let pending = client.add_outgoing_event(true, "message",
///     serde_json::json!({"channel": "C123", "text": "queued until ready"}))?;
/// let reply = pending.wait(Duration::from_secs(30))?;
/// assert!(reply.is_some());
/// # Ok(()) }
/// ```
#[must_use = "a PendingSend tells whether the frame was delivered"]
pub struct PendingSend {
    ticket: Ticket,
    shared: Arc<Shared>,
}

impl PendingSend {
    /// Waits up to `timeout` for the outcome: `Some(reply)` when a reply was awaited,
    /// `None` when the frame was written and no reply was asked for. The frame's own
    /// limits apply too: `queue_timeout` while it is queued, `reply_timeout` once it is
    /// written (`Duration::MAX` waits just as long as they allow).
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// use std::time::Duration;
    /// let pending = client.add_outgoing_event(true, "message",
    ///     serde_json::json!({"channel": "C123", "text": "hi"}))?;
    /// match pending.wait(Duration::from_secs(30)) {
    ///     Ok(reply) => println!("acknowledged: {reply:?}"),
    ///     Err(e) => eprintln!("not confirmed: {e}"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The send's error; [`Error::Timeout`] ([`TimeoutKind::Wait`]) if it was still queued
    /// at `timeout` (it is then withdrawn and never sent), or ([`TimeoutKind::Queue`]) at
    /// its `queue_timeout`; [`Error::NoReplyReceived`] if it was written but not answered
    /// in time.
    pub fn wait(self, timeout: Duration) -> Result<Option<Reply>> {
        let give_up = Instant::now().checked_add(timeout);
        self.ticket
            .wait(&self.shared, give_up, Error::Timeout(TimeoutKind::Wait))
    }

    /// The outcome if it is already known, without waiting.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// let pending = client
    ///     .add_outgoing_event(false, "typing", serde_json::json!({"channel": "C1"}))
    ///     .unwrap();
    /// assert!(pending.try_get().is_none()); // not started: still queued
    /// ```
    pub fn try_get(&self) -> Option<Result<Option<Reply>>> {
        self.ticket.try_get()
    }
}

/// Dropping a `PendingSend` stops waiting for the outcome (fire and forget): a frame still
/// queued is sent all the same, and no reply waiter stays registered for it. (To withdraw
/// a queued frame, let [`PendingSend::wait`] time out.)
impl Drop for PendingSend {
    fn drop(&mut self) {
        self.ticket.release(&self.shared);
    }
}

impl fmt::Debug for PendingSend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingSend")
            .field("id", &self.ticket.id)
            .field("slot", &*self.ticket.slot.lock())
            .finish()
    }
}

impl fmt::Debug for RtmClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RtmClient")
            .field("state", &self.state())
            .field("config", &self.inner.shared.config)
            .finish()
    }
}

// The builder is defined with the settings it fills (config.rs); building the client is
// the client's part, so the settings never import it.
impl Builder {
    /// Checks the settings and creates the client (not yet connected: call
    /// [`RtmClient::start`](crate::RtmClient::start)).
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert!(!client.connected());
    /// // Durations beyond a day, like rates slower than one frame per 1,000 s, are refused.
    /// let err = slack_rtm::RtmClient::builder("xoxb-...")
    ///     .reply_timeout(Duration::MAX)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("reply_timeout"));
    /// ```
    ///
    /// # Errors
    /// [`Error::KeepAliveConfig`] when `server_pong_timeout` is not shorter than
    /// `client_ping_timeout`; [`Error::Config`] for other invalid settings (an empty token,
    /// a zero timeout or one over a day, a rate limit outside
    /// 0.001–1,000,000 frames/s, a malformed URL, an unreadable CA or identity).
    pub fn build(self) -> Result<RtmClient> {
        RtmClient::from_config(self.build_config()?)
    }
}

impl RtmClient {
    /// Starts building a client for `token` (a bot token, `xoxb-…`).
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert!(!client.authenticated());
    /// ```
    pub fn builder(token: impl Into<String>) -> Builder {
        Builder::new(token)
    }

    pub(crate) fn from_config(config: Config) -> Result<Self> {
        let transport = Arc::new(Transport::new(config.clone())?);
        let shared = Arc::new(Shared::new(config)?);
        #[cfg(feature = "workspace-cache")]
        let cache = shared
            .config
            .workspace_cache
            .map(|c| Arc::new(WorkspaceCache::new(c, shared.web.clone())));
        let protocol = Arc::new(RtmProtocol::new(
            shared.clone(),
            #[cfg(feature = "workspace-cache")]
            cache.clone(),
        ));
        let engine = Engine {
            settings: Arc::new(protocol.settings()),
            protocol,
            transport,
            status: shared.life.clone(),
            links: shared.links.clone(),
            counters: shared.counters.clone(),
            backlog: shared.backlog.clone(),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                slot: SessionSlot::new(),
                shared,
                engine,
                handlers: Mutex::new(Handlers::default()),
                #[cfg(feature = "workspace-cache")]
                cache,
            }),
        })
    }

    /// The settings this client was built with.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert!(client.config().auto_reconnect);
    /// ```
    pub fn config(&self) -> &Config {
        &self.inner.shared.config
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    /// Connects and blocks until the client is **ready** (Slack said `hello`); returns what
    /// `rtm.connect` (or `rtm.start`) returned. Calling it while already started waits for
    /// (or returns) the current connection.
    ///
    /// Transient failures are retried per the retry policy until `start_timeout`; fatal
    /// ones (`invalid_auth`, `not_authed`, …) return at once.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build()?;
    /// let info = client.start()?;
    /// println!("I am {} ({})", info.self_name, info.self_id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with Slack's error string, [`Error::Http`], [`Error::Websocket`],
    /// or [`Error::StartTimeout`] (carrying the last attempt's error). A session this call
    /// started is stopped on failure, and its final `Disconnected` carries the same error;
    /// one that was already running keeps trying.
    pub fn start(&self) -> Result<Arc<ConnectInfo>> {
        let shared = &self.inner.shared;
        let deadline =
            crate::protocol::deadline::after(Instant::now(), shared.config.start_timeout);
        let (number, spawned) = self.inner.slot.start(|tx| self.spawn_session(tx))?;
        match shared
            .life
            .wait_ready(number, deadline)
            .and_then(|()| shared.info().ok_or(Error::Shutdown))
        {
            Ok(info) => Ok(info),
            // A session this call started and that did not become ready is stopped (its
            // last event then says why); one that was already running (perhaps
            // reconnecting) is left alone.
            Err(e) if spawned || !matches!(e, Error::StartTimeout { .. }) => {
                self.stop_session(Some(e.clone()));
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    fn spawn_session(&self, events: Sender<Event>) -> Result<SessionHandle> {
        self.inner.shared.open_outbox();
        self.inner.engine.spawn(events)
    }

    /// Ends the session: a clean close, `disconnecting` then `disconnected` (without an
    /// error), pending sends fail, the event stream ends, and both threads are joined before
    /// it returns. Safe from any state, twice in a row, and from inside a handler.
    ///
    /// It returns within a moment in every state: a dial or a Web API call in progress is
    /// woken and abandoned.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// client.disconnect();
    /// client.disconnect();
    /// ```
    pub fn disconnect(&self) {
        self.stop_session(None);
    }

    /// Stops the session, if any, with `reason` as its final error.
    fn stop_session(&self, reason: Option<Error>) {
        self.inner.slot.stop(reason);
    }

    /// Drops the current connection and connects again now, keeping handlers, the event
    /// stream and the outgoing queue (the v3 client's `reconnect()`): for a watchdog that
    /// wants to reset a connection it distrusts. Sends awaiting a reply get the same
    /// treatment as in any reconnect (their replies are awaited for
    /// `reply_ack_on_reconnect_timeout` on the new connection). During a backoff pause it
    /// cuts the pause short, never the attempt budget (at most 5 attempts in any 10 s and
    /// 10 in any minute). It does not wait for the new connection:
    /// watch for [`Event::Ready`].
    ///
    /// ```no_run
    /// # fn watchdog(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// if client.stats().last_ping_rtt.is_none() {
    ///     client.reconnect()?;
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::SendWhileDisconnected`] when the client is not started.
    pub fn reconnect(&self) -> Result<()> {
        self.inner.slot.reconnect()
    }

    /// Sends `text` to the conversation `channel` (an ID such as `C123`) and blocks until
    /// Slack acknowledges it (Node: `sendMessage(text, conversationId)`; here the channel
    /// comes first, as in [`PostMessage::new`](crate::web::PostMessage::new) and every
    /// other call of the crate).
    ///
    /// The frame goes through the outgoing queue: while the client is connecting or
    /// reconnecting it waits there for `hello`, and a burst is paced by the rate limit,
    /// both within `queue_timeout`. Writing it may take up to `write_timeout` (a peer that
    /// stops reading); once it is written, the reply is awaited for `reply_timeout`. So the
    /// call returns within `queue_timeout + write_timeout + reply_timeout`.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) {
    /// match client.send_message("C123", "Hello <@U123>") {
    ///     Ok(reply) => println!("posted, ts {:?}", reply.ts),
    ///     Err(e) if e.code() == slack_rtm::ErrorCode::SendMessagePlatformError => {
    ///         eprintln!("Slack refused it: {e}")
    ///     }
    ///     Err(e) => eprintln!("not confirmed: {e}"),
    /// }
    /// # }
    /// ```
    ///
    /// # Errors
    /// Nothing was sent: [`Error::SendWhileDisconnected`] (not started, or the session
    /// ended while it was queued), [`Error::FrameTooLarge`], [`Error::TextTooLong`],
    /// [`Error::QueueFull`], [`Error::Timeout`] ([`TimeoutKind::Queue`]: still queued at
    /// `queue_timeout`). Slack refused it: [`Error::Platform`] (`ok: false`). Written but
    /// not confirmed (it may have been posted): [`Error::NoReplyReceived`].
    pub fn send_message(&self, channel: &str, text: &str) -> Result<Reply> {
        if self.inner.shared.config.long_text == LongTextPolicy::Reject {
            let chars = text.chars().count();
            if chars > MAX_TEXT_CHARS {
                return Err(Error::TextTooLong {
                    chars,
                    limit: MAX_TEXT_CHARS,
                });
            }
        }
        let mut body = Map::new();
        body.insert("channel".into(), Value::from(channel));
        body.insert("text".into(), Value::from(text));
        self.send_and_wait("message", body)
    }

    fn send_and_wait(&self, kind: &str, body: Map<String, Value>) -> Result<Reply> {
        let shared = &self.inner.shared;
        shared
            .submit(kind, body, true, Before::Session)
            .and_then(|ticket| {
                let outcome = ticket.wait(shared, None, Error::Timeout(TimeoutKind::Queue));
                ticket.release(shared);
                outcome
            })
            .and_then(|reply| {
                reply.ok_or_else(|| {
                    // Every other failure is counted where it is decided (the sender, the
                    // reply waiters, the wait); this one is decided here.
                    shared.count_failed();
                    Error::Protocol("an empty reply".into())
                })
            })
    }

    /// Sends a frame of any type without waiting for a reply; returns its id once the
    /// frame is written (Node: `send`). Like every send it waits in the outgoing queue for
    /// the client to be ready and for the rate limit, within `queue_timeout`.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// let id = client.send("typing", serde_json::json!({"channel": "C123"}))?;
    /// assert!(id > 0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Nothing was sent: [`Error::SendWhileDisconnected`], [`Error::FrameTooLarge`],
    /// [`Error::InvalidArgument`], [`Error::QueueFull`], [`Error::Timeout`]
    /// ([`TimeoutKind::Queue`]). It may have been sent: [`Error::NoReplyReceived`]
    /// ([`NoReplyCause::WriteUnfinished`](crate::NoReplyCause::WriteUnfinished)).
    pub fn send(&self, kind: &str, body: Value) -> Result<u64> {
        let shared = &self.inner.shared;
        shared
            .submit(kind, to_map(body)?, false, Before::Session)
            .and_then(|ticket| {
                let outcome = ticket.wait(shared, None, Error::Timeout(TimeoutKind::Queue));
                outcome.map(|_| ticket.id)
            })
    }

    /// Queues a frame of any type, even before [`start`](Self::start), and returns at once
    /// (Node: `addOutgoingEvent`). With `await_reply`, the [`PendingSend`] resolves with
    /// Slack's reply; otherwise once the frame is written. Queued frames are sent in order,
    /// within `queue_timeout`; dropping the `PendingSend` still sends the frame.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// // Not started yet: the frame waits in the queue.
    /// let pending = client
    ///     .add_outgoing_event(false, "typing", serde_json::json!({"channel": "C1"}))
    ///     .unwrap();
    /// assert_eq!(client.stats().queued, 1);
    /// assert!(pending.try_get().is_none());
    /// ```
    ///
    /// To send any frame and block for its reply (a thread reply, say), wait on it with no
    /// deadline of your own: the frame's `queue_timeout` and `reply_timeout` still bound it.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// use std::time::Duration;
    /// let body = serde_json::json!({"channel": "C123", "text": "hi", "thread_ts": "1.000001"});
    /// let reply = client.add_outgoing_event(true, "message", body)?.wait(Duration::MAX)?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::QueueFull`] when `outgoing_queue_capacity` frames already wait;
    /// [`Error::InvalidArgument`] when `body` is not an object. Later failures come through
    /// [`PendingSend::wait`].
    pub fn add_outgoing_event(
        &self,
        await_reply: bool,
        kind: &str,
        body: Value,
    ) -> Result<PendingSend> {
        let shared = &self.inner.shared;
        let ticket = shared.submit(kind, to_map(body)?, await_reply, Before::Start)?;
        Ok(PendingSend {
            ticket,
            shared: shared.clone(),
        })
    }

    /// Shows "typing…" in a conversation (Node: `sendTyping`). Slack sends no reply.
    /// The protocol allows one indicator per channel every 3 s: a call within 3 s of the
    /// last one to the same channel returns `Ok` without sending (the indicator is showing).
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// client.send_typing("C123")?;
    /// client.send_message("C123", "thinking done")?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn send_typing(&self, channel: &str) -> Result<()> {
        if let Some(e) = self.state().send_error() {
            return Err(e);
        }
        if !self.inner.shared.typing_allowed(channel) {
            return Ok(());
        }
        self.send("typing", serde_json::json!({ "channel": channel }))
            .map(|_| ())
    }

    /// Subscribes to presence changes of exactly these users, replacing any earlier list
    /// (Node: `subscribePresence`).
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// client.subscribe_presence(["U1", "U2"])?; // replaces any earlier list
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn subscribe_presence<I, S>(&self, user_ids: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = user_ids.into_iter().map(Into::into).collect();
        self.send("presence_sub", serde_json::json!({ "ids": ids }))
            .map(|_| ())
    }

    /// Asks for the current presence of up to 500 users; answers come as
    /// `presence_change` events.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// client.presence_query(["U1"])?; // answered by presence_change events
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`send`](Self::send); [`Error::InvalidArgument`] for more than 500 ids.
    pub fn presence_query<I, S>(&self, user_ids: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = user_ids.into_iter().map(Into::into).collect();
        if ids.len() > 500 {
            return Err(Error::InvalidArgument(format!(
                "presence_query takes at most 500 ids, got {}",
                ids.len()
            )));
        }
        self.send("presence_query", serde_json::json!({ "ids": ids }))
            .map(|_| ())
    }

    /// The lifecycle state.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert_eq!(client.state(), slack_rtm::State::Disconnected);
    /// ```
    pub fn state(&self) -> State {
        self.inner.shared.state()
    }

    /// Whether the websocket is open (Node: `connected`).
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert!(!client.connected());
    /// ```
    pub fn connected(&self) -> bool {
        self.state().is_connected()
    }

    /// Whether `rtm.connect` succeeded for the current connection (Node: `authenticated`).
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert!(!client.authenticated());
    /// ```
    pub fn authenticated(&self) -> bool {
        self.state().is_authenticated()
    }

    /// The connected user's id, once authenticated (Node: `activeUserId`).
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert_eq!(client.active_user_id(), None); // known once authenticated
    /// ```
    pub fn active_user_id(&self) -> Option<String> {
        self.inner.shared.info().map(|i| i.self_id.clone())
    }

    /// The workspace's id, once authenticated (Node: `activeTeamId`).
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// assert_eq!(client.active_team_id(), None);
    /// ```
    pub fn active_team_id(&self) -> Option<String> {
        self.inner.shared.info().map(|i| i.team_id.clone())
    }

    /// The workspace cache, when [`Config::workspace_cache`] is set (feature
    /// `workspace-cache`).
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...")
    ///     .workspace_cache(Some(slack_rtm::CacheConfig::default()))
    ///     .build()
    ///     .unwrap();
    /// assert!(client.cache().is_some());
    /// ```
    #[cfg(feature = "workspace-cache")]
    pub fn cache(&self) -> Option<&WorkspaceCache> {
        self.inner.cache.as_deref()
    }

    /// A snapshot of counters and queue depths.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// let stats = client.stats();
    /// assert_eq!((stats.sends_acked, stats.queued), (0, 0));
    /// ```
    pub fn stats(&self) -> Stats {
        let shared = &self.inner.shared;
        let events_waiting = self.inner.slot.waiting();
        let mut stats = shared.counters.snapshot(
            shared.state(),
            shared.waiters.len(),
            shared.outbox_len(),
            events_waiting,
        );
        stats.sends_failed = shared.sends_failed();
        stats
    }

    /// The event stream of the current session, for your own loop; between sessions (before
    /// [`start`](Self::start), or after [`disconnect`](Self::disconnect)), the stream of the
    /// next one. Take it **before** `start()` to see every event of the session, from
    /// `connecting` on; taken later, it still delivers everything not yet received.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// let events = client.events(); // before start(): every event of the next session
    /// assert!(events.recv_timeout(Duration::from_millis(1)).is_err());
    /// ```
    pub fn events(&self) -> Events {
        // Between sessions: the next session's stream, once the last one's events have
        // all been received.
        Events::new(
            self.inner.slot.receiver(),
            self.inner.shared.backlog.clone(),
        )
    }

    /// Registers a closure for events named `name` (see [`Event::name`]): a Slack type
    /// (`"message"`), a type and subtype (`"message::channel_purpose"`), `"slack_event"`
    /// for every Slack event, or a lifecycle name (`"ready"`, `"disconnected"`, …).
    /// Closures run on the thread that calls [`run`](Self::run). A name the crate does not
    /// know (a typo such as `"mesage"`) is logged once at WARN; it still fires if Slack
    /// sends that type. For typed payloads use [`on_message`](Self::on_message) and
    /// [`on_typed`](Self::on_typed). A closure may return `()` or a [`HandlerResult`](crate::HandlerResult)
    /// (see [`on_handler_error`](Self::on_handler_error)).
    ///
    /// Avoid capturing a clone of the client in the closure (use the `&RtmClient`
    /// argument): a captured clone keeps the client alive until `run` returns.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// client.on("message::me_message", |_client, event| println!("/me: {event:?}"));
    /// client.on("disconnected", |_client, event| eprintln!("gone: {event:?}"));
    /// ```
    pub fn on<F, R>(&self, name: &str, mut handler: F)
    where
        F: FnMut(&RtmClient, &Event) -> R + Send + 'static,
        R: HandlerOutcome,
    {
        self.inner
            .handlers
            .lock()
            .add(name, Box::new(move |c, e| handler(c, e).into_result()));
    }

    /// Registers a closure for every event (the catch-all).
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// client.on_any(|_client, event| log::debug!("{}", event.name()));
    /// ```
    pub fn on_any<F, R>(&self, mut handler: F)
    where
        F: FnMut(&RtmClient, &Event) -> R + Send + 'static,
        R: HandlerOutcome,
    {
        self.inner
            .handlers
            .lock()
            .add_any(Box::new(move |c, e| handler(c, e).into_result()));
    }

    /// Registers a closure for every Slack event, parsed into a
    /// [`TypedEvent`](crate::typed::TypedEvent) (unknown types and payloads that do not
    /// fit come as `TypedEvent::Other`). The event is parsed once for all typed handlers.
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// client.on_typed(|_client, event| {
    ///     if let TypedEvent::ReactionAdded(r) = event {
    ///         println!("{} reacted with {}", r.user, r.reaction);
    ///     }
    /// });
    /// ```
    pub fn on_typed<F, R>(&self, mut handler: F)
    where
        F: FnMut(&RtmClient, &crate::typed::TypedEvent) -> R + Send + 'static,
        R: HandlerOutcome,
    {
        self.inner
            .handlers
            .lock()
            .add_typed(Box::new(move |c, e| handler(c, e).into_result()));
    }

    /// Registers a closure for `message` events, typed
    /// ([`typed::Message`](crate::typed::Message), every subtype: see
    /// [`Message::kind`](crate::typed::Message::kind)). It may return a
    /// [`HandlerResult`](crate::HandlerResult): an error is logged at WARN and given to the
    /// [`on_handler_error`](Self::on_handler_error) hook, and `run()` goes on.
    ///
    /// ```
    /// use slack_rtm::typed::MessageKind;
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// client.on_message(|client, msg| -> slack_rtm::HandlerResult {
    ///     if let (MessageKind::Plain, Some("ping"), Some(channel)) =
    ///         (msg.kind(), msg.text.as_deref(), msg.channel.as_deref())
    ///     {
    ///         client.send_message(channel, "pong")?;
    ///     }
    ///     Ok(())
    /// });
    /// ```
    pub fn on_message<F, R>(&self, mut handler: F)
    where
        F: FnMut(&RtmClient, &crate::typed::Message) -> R + Send + 'static,
        R: HandlerOutcome,
    {
        self.inner
            .handlers
            .lock()
            .add_message(Box::new(move |c, m| handler(c, m).into_result()));
    }

    /// Sets the hook that receives the errors handlers return, with the name of the event
    /// being handled (replacing any earlier hook). Errors are logged at WARN either way.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// client.on_handler_error(|_client, event, error| eprintln!("{event} handler: {error}"));
    /// ```
    pub fn on_handler_error<F>(&self, hook: F)
    where
        F: FnMut(&RtmClient, &str, &HandlerError) + Send + 'static,
    {
        self.inner.handlers.lock().set_error_hook(Box::new(hook));
    }

    /// Dispatches events to the registered closures on this thread until the session ends.
    /// Returns `Ok(())` after a requested disconnect, or the error that ended the session.
    /// Called before [`start`](Self::start), it waits for a session to begin (from another
    /// thread) — it is the bot's main loop and blocks for as long as the bot runs.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build()?;
    /// client.on("hello", |_, _| println!("connected"));
    /// client.start()?;
    /// client.run()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// A handler's panic propagates out of `run` (the event it was handling is consumed).
    /// The handlers stay registered and the session keeps running: call `run` again to
    /// go on dispatching.
    ///
    /// # Errors
    /// The error of the final `disconnected` event.
    pub fn run(&self) -> Result<()> {
        self.run_on(self.events())
    }

    /// [`run`](Self::run) on a stream taken earlier: the test kit takes it on the thread
    /// that started the session, so a disconnect that comes before the bot's thread gets
    /// going still ends that thread's loop (a stream taken after it would be the next
    /// session's, and wait for one).
    pub(crate) fn run_on(&self, events: Events) -> Result<()> {
        // Put back on every exit, a panicking handler's unwinding included.
        let mut running = Running {
            client: self,
            handlers: std::mem::take(&mut *self.inner.handlers.lock()),
        };
        let mut last = None;
        while let Some(event) = events.recv() {
            if let Event::Disconnected(e) = &event {
                last = Some(e.clone());
            }
            running.handlers.dispatch(self, &event);
        }
        drop(running);
        match last.flatten() {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}

/// The handlers `run` dispatches; put back when `run` ends, even by a handler's panic.
struct Running<'a> {
    client: &'a RtmClient,
    handlers: Handlers,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let mut registered = self.client.inner.handlers.lock();
        let added = std::mem::take(&mut *registered);
        let mut handlers = std::mem::take(&mut self.handlers);
        handlers.merge(added);
        *registered = handlers;
    }
}

fn to_map(body: Value) -> Result<Map<String, Value>> {
    match body {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        _ => Err(Error::InvalidArgument(
            "a frame body must be a JSON object".into(),
        )),
    }
}
