//! [`SocketModeClient`]: the handle — build it from the app token, `start`, then your own
//! loop over [`events`](SocketModeClient::events) or handlers dispatched by
//! [`run`](SocketModeClient::run).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::ThreadId;
use std::time::Instant;

use parking_lot::Mutex;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::runtime::backlog::Backlog;
use crate::runtime::engine::Engine;
use crate::runtime::links::Links;
use crate::runtime::session_slot::SessionSlot;
use crate::runtime::status::Status;
use crate::runtime::transport::Transport;
use crate::socket_mode::config::{SocketModeBuilder, SocketModeSettings};
use crate::socket_mode::events::SocketEvents;
use crate::socket_mode::handlers::Handlers;
use crate::socket_mode::protocol::graceful_close::GracefulClose;
use crate::socket_mode::seam::SocketModeProtocol;
use crate::socket_mode::stats::SocketModeStats;
use crate::socket_mode::{EventsApi, Interaction, Request, SlashCommand, SocketEvent};
use crate::stats::Counters;
use crate::web::WebClient;
use crate::State;

/// A Socket Mode client: the same blocking shape as [`RtmClient`](crate::RtmClient), for
/// apps that receive events, slash commands and interactions over Socket Mode.
///
/// A reader thread and a keepalive thread own the sockets (`apps.connections.open` for
/// every connection, websocket Pings, make-before-break refreshes, reconnects within a
/// budget); requests reach your loop or your handlers through a bounded channel. Cheap to
/// clone (an `Arc` inside); dropping the last handle disconnects.
///
/// Everything the app sends goes through the Web API: [`SocketModeClient::web`] with the
/// bot token. The socket carries only Slack's requests and the app's acks.
///
/// ```no_run
/// use serde_json::json;
/// use slack_rtm::socket_mode::SocketModeClient;
/// use slack_rtm::web::PostMessage;
///
/// # fn main() -> Result<(), slack_rtm::Error> {
/// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap())
///     .bot_token(std::env::var("SLACK_BOT_TOKEN").unwrap())
///     .build()?;
/// client.on_slash_command(|_req, cmd| {
///     Some(json!({"response_type": "ephemeral", "text": format!("deploying {}", cmd.text)}))
/// });
/// let web = client.web().expect("a bot token was given");
/// client.on_events_api(move |_req, ev| {
///     if ev.kind() == "app_mention" {
///         let e = ev.event.json().unwrap_or_default();
///         let _ = web.chat_post_message(&PostMessage::new(e["channel"].as_str().unwrap_or(""), "hello!"));
///     }
/// });
/// client.start()?;
/// client.run()?; // until disconnected
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SocketModeClient {
    inner: Arc<Inner>,
}

struct Inner {
    /// First, so that dropping the last handle stops the session before anything else.
    slot: SessionSlot<SocketEvent>,
    protocol: Arc<SocketModeProtocol>,
    engine: Engine<SocketModeProtocol>,
    handlers: Mutex<Handlers>,
    web: Option<WebClient>,
    settings: Arc<SocketModeSettings>,
    /// The thread dispatching in [`SocketModeClient::run`], if any: a handler's
    /// `disconnect()` there cannot wait for acks that thread itself owes.
    run_thread: Mutex<Option<ThreadId>>,
    /// A handler called `disconnect()`: `run` finishes the close after the dispatch.
    close_after_dispatch: AtomicBool,
}

impl fmt::Debug for SocketModeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketModeClient")
            .field("state", &self.state())
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl SocketModeClient {
    /// Starts building a client for `app_token` (an app-level token, `xapp-…`, with
    /// `connections:write`).
    ///
    /// ```
    /// let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// assert!(client.web().is_none()); // no bot token given
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn builder(app_token: impl Into<String>) -> SocketModeBuilder {
        SocketModeBuilder::new(app_token.into())
    }

    pub(crate) fn from_settings(settings: SocketModeSettings) -> Result<Self> {
        let settings = Arc::new(settings);
        let web = match &settings.tuning.bot_token {
            None => None,
            Some(token) => Some(web_client(&settings, token.expose())?),
        };
        let links = Arc::new(Links::default());
        let protocol = Arc::new(SocketModeProtocol::new(settings.clone(), links.clone())?);
        let backlog = Arc::new(
            Backlog::new(settings.transport.event_queue_capacity)
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
        );
        let engine = Engine {
            settings: Arc::new(protocol.engine_settings()),
            protocol: protocol.clone(),
            transport: Arc::new(Transport::new(settings.transport.clone())?),
            status: Arc::new(Status::default()),
            links,
            counters: Arc::new(Counters::default()),
            backlog,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                slot: SessionSlot::new(),
                protocol,
                engine,
                handlers: Mutex::new(Handlers::default()),
                web,
                settings,
                run_thread: Mutex::new(None),
                close_after_dispatch: AtomicBool::new(false),
            }),
        })
    }

    /// Connects and blocks until a socket is ready (Slack said `hello`). Calling it while
    /// started waits for (or returns at once with) the current session.
    ///
    /// Transient failures are retried until `start_timeout`; fatal ones (`invalid_auth`,
    /// `not_allowed_token_type`, …) return at once.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-...").build()?;
    /// client.start()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with Slack's error string, [`Error::Http`], [`Error::Websocket`], or
    /// [`Error::StartTimeout`] (carrying the last attempt's error). A session this call
    /// started is stopped on failure.
    pub fn start(&self) -> Result<()> {
        let deadline = Instant::now() + self.inner.settings.transport.start_timeout;
        let (number, spawned) = self.inner.slot.start(|tx| self.inner.engine.spawn(tx))?;
        match self.inner.engine.status.wait_ready(number, deadline) {
            Ok(()) => Ok(()),
            Err(e) if spawned || !matches!(e, Error::StartTimeout { .. }) => {
                self.stop_session(Some(e.clone()));
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    fn stop_session(&self, reason: Option<Error>) {
        self.inner.slot.stop(reason);
    }

    /// Ends the session gracefully, then closes every socket: `Disconnecting` then
    /// `Disconnected` (without an error) are delivered, the stream ends, and both threads
    /// are joined before it returns. Safe from any state, twice, from several threads at
    /// once, and from inside a handler.
    ///
    /// The graceful part, so that a request in flight is not left to Slack's retry:
    /// 1. from the call on, no new request is delivered: an envelope that arrives is
    ///    neither delivered nor acked (counted in
    ///    [`SocketModeStats::refused_while_disconnecting`]), so Slack retries an
    ///    `events_api` one on another socket or after the next start;
    /// 2. `Disconnecting` is delivered at once: ack what you hold (from any thread);
    /// 3. the call waits for the acks of requests already delivered, until nothing is
    ///    owed, at most [`disconnect_grace`](super::SocketModeBuilder::disconnect_grace)
    ///    (default 3 s), and never past the ack deadline of the last request owed;
    /// 4. acks still buffered are written, then the sockets close. Requests still not
    ///    acked are counted in [`SocketModeStats::unacked_at_disconnect`] and logged at
    ///    WARN; they can no longer be acked.
    ///
    /// So it returns within `disconnect_grace` plus the close: writing what is buffered
    /// (at most `ack_write_timeout`) and joining the threads (a connect call or dial in
    /// progress is cancelled within milliseconds). Called by a handler inside
    /// [`run`](Self::run), it returns at once: `run` acks that handler's request,
    /// dispatches the requests already queued while the grace lasts, then finishes the
    /// close. Dropping the last handle closes at once, without the grace.
    ///
    /// ```
    /// let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// client.disconnect();
    /// client.disconnect();
    /// assert_eq!(client.stats().unacked_at_disconnect, 0);
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn disconnect(&self) {
        let inner = &self.inner;
        if *inner.run_thread.lock() == Some(std::thread::current().id()) {
            // A handler in run(): that thread acks its request once the handler returns.
            if inner.slot.is_running() {
                inner.protocol.begin_closing();
            }
            inner.close_after_dispatch.store(true, Ordering::SeqCst);
            return;
        }
        let close = GracefulClose::new(Instant::now(), inner.settings.tuning.disconnect_grace);
        self.close_gracefully(close);
    }

    /// Steps 1 to 4 of [`disconnect`](Self::disconnect), with the grace `close` counts.
    fn close_gracefully(&self, close: GracefulClose) {
        let inner = &self.inner;
        if inner.slot.is_running() {
            // The state first: whoever sees the `Disconnecting` event sees this state.
            inner.engine.status.enter(State::Disconnecting);
            // The caller that begins the close reports it; a second one only waits.
            let first = inner.protocol.begin_closing();
            let acker = &inner.protocol.acker;
            let owed = acker.awaiting();
            if first && owed > 0 {
                log::info!(
                    "disconnecting: waiting up to {:?} for the acks of {owed} request(s) delivered",
                    inner.settings.tuning.disconnect_grace
                );
            }
            let unacked = acker.wait_for_owed(&close);
            acker.flush();
            if first && unacked > 0 {
                inner.protocol.counters.unacked_at_disconnect.fetch_add(
                    u64::try_from(unacked).unwrap_or(u64::MAX),
                    Ordering::Relaxed,
                );
                log::warn!(
                    "disconnecting with {unacked} request(s) delivered and not acked (disconnect_grace {:?}): \
                     Slack retries events_api ones and shows an error for commands and interactions",
                    inner.settings.tuning.disconnect_grace
                );
            }
        }
        self.stop_session(None);
        inner.protocol.end_closing();
    }

    /// Drops every socket and connects again now (a fresh `apps.connections.open`).
    ///
    /// # Errors
    /// [`Error::SendWhileDisconnected`] when the client is not started.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::socket_mode::SocketModeClient) -> Result<(), slack_rtm::Error> {
    /// client.reconnect()?;
    /// # Ok(()) }
    /// ```
    pub fn reconnect(&self) -> Result<()> {
        self.inner.slot.reconnect()
    }

    /// The lifecycle state.
    ///
    /// ```
    /// let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// assert_eq!(client.state(), slack_rtm::State::Disconnected);
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn state(&self) -> State {
        self.inner.engine.status.state()
    }

    /// The stream of events of the current session, for your own loop; between sessions
    /// (before [`start`](Self::start), or after [`disconnect`](Self::disconnect)), the
    /// stream of the next one. Take it before `start()` to see every event of the
    /// session, from `Connecting` on.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::socket_mode::SocketModeClient) -> Result<(), slack_rtm::Error> {
    /// use slack_rtm::socket_mode::SocketEvent;
    /// for event in client.events() {
    ///     match event {
    ///         SocketEvent::Request(req) => {
    ///             if let Some(cmd) = req.slash_command() {
    ///                 req.ack_with(serde_json::json!({"text": format!("got {}", cmd.command)}))?;
    ///             }
    ///         }
    ///         SocketEvent::Disconnected(e) => println!("gone: {e:?}"),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn events(&self) -> SocketEvents {
        SocketEvents::new(
            self.inner.slot.receiver(),
            self.inner.engine.backlog.clone(),
        )
    }

    /// Handles `events_api` requests in [`run`](Self::run). Under
    /// [`AckPolicy::Auto`](super::AckPolicy::Auto) they are acked before the handler runs.
    ///
    /// ```
    /// # let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// client.on_events_api(|req, ev| println!("{} (retry {})", ev.kind(), req.retry_attempt()));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn on_events_api(&self, f: impl FnMut(&Request, &EventsApi) + Send + 'static) {
        self.inner.handlers.lock().events_api = Some(Box::new(f));
    }

    /// Handles slash commands in [`run`](Self::run); the answer (a message: `text`,
    /// `blocks`, `response_type`) goes back in the ack, `None` acks bare. Answer within
    /// 3 s; post anything slower later through `response_url` or the Web API.
    ///
    /// ```
    /// # let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// client.on_slash_command(|_req, cmd| Some(serde_json::json!({"text": format!("echo: {}", cmd.text)})));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn on_slash_command(
        &self,
        f: impl FnMut(&Request, &SlashCommand) -> Option<Value> + Send + 'static,
    ) {
        self.inner.handlers.lock().slash_command = Some(Box::new(f));
    }

    /// Handles interactions in [`run`](Self::run); the answer goes back in the ack where
    /// the interaction accepts one (`view_submission`: a `response_action`;
    /// `block_suggestion`: `options`), `None` acks bare.
    ///
    /// ```
    /// # let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// use slack_rtm::socket_mode::InteractionKind;
    /// client.on_interaction(|_req, i| match i.kind {
    ///     InteractionKind::BlockSuggestion => Some(serde_json::json!({"options": []})),
    ///     _ => None,
    /// });
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn on_interaction(
        &self,
        f: impl FnMut(&Request, &Interaction) -> Option<Value> + Send + 'static,
    ) {
        self.inner.handlers.lock().interaction = Some(Box::new(f));
    }

    /// Handles requests of types this crate does not know, in [`run`](Self::run).
    ///
    /// ```
    /// # let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// client.on_other_request(|req| { println!("new type {}", req.kind().as_str()); None });
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn on_other_request(&self, f: impl FnMut(&Request) -> Option<Value> + Send + 'static) {
        self.inner.handlers.lock().other = Some(Box::new(f));
    }

    /// Handles every event that is not a request (lifecycle, `hello`, `disconnect`,
    /// errors), in [`run`](Self::run).
    ///
    /// ```
    /// # let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// client.on_lifecycle(|ev| println!("{}", ev.name()));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn on_lifecycle(&self, f: impl FnMut(&SocketEvent) + Send + 'static) {
        self.inner.handlers.lock().lifecycle = Some(Box::new(f));
    }

    /// Dispatches events to the handlers on the calling thread until the session ends.
    /// Each request is acked with its handler's answer unless the handler acked it (a
    /// request with no handler is acked bare). A handler may call
    /// [`disconnect`](Self::disconnect), which ends the loop.
    ///
    /// # Errors
    /// The error the session ended with (`None` when the app asked to disconnect gives
    /// `Ok`), e.g. [`Error::LinkDisabled`] when Socket Mode was switched off for the app.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::socket_mode::SocketModeClient) -> Result<(), slack_rtm::Error> {
    /// client.start()?;
    /// client.run()?;
    /// # Ok(()) }
    /// ```
    pub fn run(&self) -> Result<()> {
        let events = self.events();
        let mut handlers = std::mem::take(&mut *self.inner.handlers.lock());
        let mut result = Ok(());
        let me = std::thread::current().id();
        let previous = self.inner.run_thread.lock().replace(me);
        let mut on_event = |event: SocketEvent, handlers: &mut Handlers| {
            if let SocketEvent::Disconnected(e) = &event {
                result = e.clone().map_or(Ok(()), Err);
            }
            handlers.dispatch(event);
        };
        while let Some(event) = events.recv() {
            on_event(event, &mut handlers);
            if self
                .inner
                .close_after_dispatch
                .swap(false, Ordering::SeqCst)
            {
                // A handler called disconnect(): its request is acked; what was delivered
                // before is dispatched while the grace lasts, then the close finishes.
                let grace = self.inner.settings.tuning.disconnect_grace;
                let close = GracefulClose::new(Instant::now(), grace);
                while Instant::now() < close.grace_ends() {
                    match events.try_recv() {
                        Ok(event) => on_event(event, &mut handlers),
                        Err(_) => break,
                    }
                }
                self.close_gracefully(close);
            }
        }
        *self.inner.run_thread.lock() = previous;
        // Handlers registered while running are kept over the ones that ran.
        let mut slot = self.inner.handlers.lock();
        let added = std::mem::take(&mut *slot);
        *slot = handlers;
        slot.merge(added);
        result
    }

    /// A Web API client with the bot token, sharing this client's API URL, TLS, proxy and
    /// connector settings and `http_timeout`; `None` when no bot token was given. Everything the app sends goes here
    /// (`chat.postMessage`, `views.open`, …), not through the socket.
    ///
    /// ```
    /// let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc")
    ///     .bot_token("xoxb-1-2-abc")
    ///     .build()?;
    /// assert!(client.web().is_some());
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn web(&self) -> Option<WebClient> {
        self.inner.web.clone()
    }

    /// A snapshot of the client's health.
    ///
    /// ```
    /// let client = slack_rtm::socket_mode::SocketModeClient::builder("xapp-1-A1-2-abc").build()?;
    /// assert_eq!(client.stats().acks_sent, 0);
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn stats(&self) -> SocketModeStats {
        let e = &self.inner.engine;
        let get = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
        SocketModeStats::snapshot(
            e.status.state(),
            e.links.len(),
            get(&e.counters.reconnects),
            get(&e.counters.events_dropped),
            self.inner.protocol.acker.awaiting(),
            self.inner.slot.waiting(),
            &self.inner.protocol.counters,
        )
    }
}

/// The bot's Web API client, on the same network settings (API URL, TLS, proxy,
/// connector, `http_timeout`), with the bot token.
fn web_client(settings: &SocketModeSettings, bot_token: &str) -> Result<WebClient> {
    if bot_token.is_empty()
        || bot_token
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::Config(
            "bot_token is empty or contains whitespace or control characters".into(),
        ));
    }
    let mut config = settings.transport.clone();
    config.token = crate::config::Secret::new(bot_token);
    WebClient::for_config(&config)
}
