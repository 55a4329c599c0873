//! [`Shared`]: the state the reader, the keepalive and every client handle share — the
//! lifecycle, the current connection, frame ids, reply waiters and the outgoing queue.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use parking_lot::{Condvar, Mutex};
use serde_json::{Map, Value};

use crate::cache::WorkspaceCache;
use crate::config::{ClientIdentity, Config, MAX_FRAME_BYTES};
use crate::error::{Error, Result};
use crate::events::event::{ConnectInfo, Event};
use crate::net::http::WebApi;
use crate::net::waker::Waker;
use crate::net::websocket::Connection;
use crate::protocol::lifecycle::State;
use crate::protocol::rate_limit::{TokenBucket, TypingThrottle};
use crate::protocol::reply_waiters::{Outcome, ReplyWaiters};
use crate::runtime::backlog::Backlog;
use crate::stats::Counters;

/// The lifecycle, guarded together so that waiters see consistent snapshots.
pub(crate) struct Life {
    pub(crate) state: State,
    pub(crate) info: Option<Arc<ConnectInfo>>,
    /// Incremented by every `start`.
    pub(crate) session: u64,
    /// The session that ended last and how.
    pub(crate) ended: Option<(u64, Option<Error>)>,
}

/// Where a queued frame is: still queued, written with an id, or given up by its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Queued,
    Sent(u64),
    Cancelled,
}

/// A frame queued by `add_outgoing_event` until the client is ready.
pub(crate) struct Queued {
    pub(crate) kind: String,
    pub(crate) body: Map<String, Value>,
    pub(crate) await_reply: bool,
    pub(crate) tx: Sender<Outcome>,
    pub(crate) slot: Arc<Mutex<Slot>>,
}

/// Everything the threads and the handles share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) web: WebApi,
    /// Built on the first `wss://` connection: a `ws://`-only client never initializes
    /// OpenSSL (which costs several MB of resident memory).
    tls: OnceLock<native_tls::TlsConnector>,
    life: Mutex<Life>,
    life_changed: Condvar,
    conn: Mutex<Option<Arc<Connection>>>,
    next_id: AtomicU64,
    pub(crate) waiters: ReplyWaiters,
    outbox: Mutex<VecDeque<Queued>>,
    epoch: Instant,
    last_rx: AtomicU64,
    pub(crate) counters: Counters,
    bucket: Option<Mutex<TokenBucket>>,
    pub(crate) backlog: Arc<Backlog>,
    /// True while the reader waits for a slow consumer (the keepalive then spares the link).
    pub(crate) backpressured: AtomicBool,
    /// Set by `RtmClient::reconnect`; cleared when a connection becomes ready.
    pub(crate) reconnect_requested: AtomicBool,
    /// Cuts a backoff pause short (a requested reconnect).
    pub(crate) nudge: Waker,
    /// Tells the reader that frames were queued for it to send.
    pub(crate) outbox_waker: Waker,
    /// The opt-in workspace cache.
    pub(crate) cache: Option<Arc<WorkspaceCache>>,
    typing: Mutex<TypingThrottle>,
}

impl Shared {
    pub(crate) fn new(config: Config) -> Result<Self> {
        let web = WebApi::new(&config)?;
        let cache = config
            .workspace_cache
            .map(|c| Arc::new(WorkspaceCache::new(c, web.clone())));
        if let Some(pem) = &config.tls.ca_pem {
            // Reject a bad CA at build time rather than at the first connection.
            let certs = native_tls::Certificate::stack_from_pem(pem)
                .map_err(|e| Error::Config(format!("tls.ca_pem is not valid PEM: {e}")))?;
            if certs.is_empty() {
                return Err(Error::Config("tls.ca_pem holds no certificate".into()));
            }
        }
        if let Some(identity) = &config.tls.identity {
            native_identity(identity)?;
        }
        let config_bucket = config
            .rate_limit
            .map(|limit| Mutex::new(TokenBucket::new(limit, Instant::now())));
        let backlog = Arc::new(
            Backlog::new(config.event_queue_capacity)
                .map_err(|e| Error::Config(format!("cannot create a wake-up pipe: {e}")))?,
        );
        Ok(Self {
            config,
            web,
            tls: OnceLock::new(),
            life: Mutex::new(Life {
                state: State::Disconnected,
                info: None,
                session: 0,
                ended: None,
            }),
            life_changed: Condvar::new(),
            conn: Mutex::new(None),
            next_id: AtomicU64::new(1),
            waiters: ReplyWaiters::default(),
            outbox: Mutex::new(VecDeque::new()),
            epoch: Instant::now(),
            last_rx: AtomicU64::new(0),
            counters: Counters::default(),
            bucket: config_bucket,
            backlog,
            backpressured: AtomicBool::new(false),
            reconnect_requested: AtomicBool::new(false),
            cache,
            nudge: Waker::new()
                .map_err(|e| Error::Config(format!("cannot create a wake-up pipe: {e}")))?,
            outbox_waker: Waker::new()
                .map_err(|e| Error::Config(format!("cannot create a wake-up pipe: {e}")))?,
            typing: Mutex::new(TypingThrottle::default()),
        })
    }

    // ---- lifecycle -------------------------------------------------------------------

    pub(crate) fn state(&self) -> State {
        self.life.lock().state
    }

    pub(crate) fn info(&self) -> Option<Arc<ConnectInfo>> {
        self.life.lock().info.clone()
    }

    /// Enters `state` and emits `event` (in that order, so a handler sees the new state).
    pub(crate) fn enter(&self, state: State, event: Event, tx: &Sender<Event>) {
        {
            let mut life = self.life.lock();
            life.state = state;
            if let Event::Authenticated(info) = &event {
                life.info = Some(info.clone());
            }
        }
        self.life_changed.notify_all();
        log::debug!("state: {state:?}");
        let _ = tx.send(event);
    }

    /// Starts a new session: returns its number.
    pub(crate) fn begin_session(&self) -> u64 {
        let mut life = self.life.lock();
        life.session += 1;
        life.state = State::Connecting;
        life.session
    }

    /// Records that `session` ended (state `Disconnected`), waking `start`.
    pub(crate) fn end_session(&self, session: u64, error: Option<Error>) {
        {
            let mut life = self.life.lock();
            life.state = State::Disconnected;
            life.ended = Some((session, error));
        }
        self.life_changed.notify_all();
    }

    /// Blocks until `session` is ready (its info), has ended (its error), or `deadline`.
    pub(crate) fn wait_ready(&self, session: u64, deadline: Instant) -> Result<Arc<ConnectInfo>> {
        let mut life = self.life.lock();
        loop {
            if let Some((s, err)) = &life.ended {
                if *s == session {
                    return Err(err.clone().unwrap_or(Error::Shutdown));
                }
            }
            if life.session == session && life.state == State::Ready {
                if let Some(info) = &life.info {
                    return Ok(info.clone());
                }
            }
            if self
                .life_changed
                .wait_until(&mut life, deadline)
                .timed_out()
            {
                return Err(Error::Timeout(crate::TimeoutKind::Start));
            }
        }
    }

    /// The TLS connector for `wss://`, built on first use.
    pub(crate) fn tls(&self) -> Result<&native_tls::TlsConnector> {
        if let Some(c) = self.tls.get() {
            return Ok(c);
        }
        let built = tls_connector(&self.config)?;
        Ok(self.tls.get_or_init(|| built))
    }

    // ---- the connection ----------------------------------------------------------------

    pub(crate) fn set_connection(&self, conn: Option<Arc<Connection>>) {
        *self.conn.lock() = conn;
    }

    pub(crate) fn connection(&self) -> Option<Arc<Connection>> {
        self.conn.lock().clone()
    }

    /// Notes that something arrived (or a connection opened) now.
    pub(crate) fn touch_rx(&self) {
        let nanos = self.epoch.elapsed().as_nanos() as u64;
        self.last_rx.store(nanos, Ordering::Relaxed);
    }

    /// A stamp that grows whenever something arrives.
    pub(crate) fn rx_stamp(&self) -> u64 {
        self.last_rx.load(Ordering::Relaxed)
    }

    /// How long the link has been quiet.
    pub(crate) fn quiet_for(&self) -> Duration {
        let now = self.epoch.elapsed().as_nanos() as u64;
        Duration::from_nanos(now.saturating_sub(self.rx_stamp()))
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    // ---- sending ---------------------------------------------------------------------------

    /// Writes `{"id", "type": kind, ...body}` now. With `reply`, registers it to receive the
    /// reply before writing. Returns the frame's id.
    ///
    /// # Errors
    /// `SendWhileDisconnected` / `SendWhileNotReady` by state, `FrameTooLarge`, or a write
    /// failure (then the waiter is removed).
    pub(crate) fn send_now(
        &self,
        kind: &str,
        body: Map<String, Value>,
        reply: Option<Sender<Outcome>>,
        deadline: Instant,
    ) -> Result<u64> {
        self.wait_for_rate_limit(kind, deadline)?;
        self.send_unthrottled(kind, body, reply, deadline)
    }

    /// [`send_now`](Self::send_now) without the rate limit (the caller took a token).
    fn send_unthrottled(
        &self,
        kind: &str,
        body: Map<String, Value>,
        reply: Option<Sender<Outcome>>,
        deadline: Instant,
    ) -> Result<u64> {
        let conn = {
            let life = self.life.lock();
            if let Some(e) = life.state.send_error() {
                return Err(e);
            }
            self.connection().ok_or(Error::SendWhileDisconnected)?
        };
        let id = self.next_id();
        let text = encode_frame(id, kind, body)?;
        let awaits = reply.is_some();
        if let Some(tx) = reply {
            self.waiters.register(id, conn.generation, tx);
        }
        if let Err(e) = conn.send_text(text, deadline) {
            self.waiters.cancel(id);
            return Err(e);
        }
        log::trace!("sent {kind} frame {id}");
        if !awaits {
            self.counters.sent_unacked.fetch_add(1, Ordering::Relaxed);
        }
        Ok(id)
    }

    /// Takes a rate-limit token for a frame of type `kind` now, or says how long until one
    /// is available. Typing indicators have their own limit and take none.
    fn try_token(&self, kind: &str) -> std::result::Result<(), Duration> {
        match &self.bucket {
            Some(bucket) if kind != "typing" => bucket.lock().take(Instant::now()),
            _ => Ok(()),
        }
    }

    /// Waits for the outgoing rate limit to allow one frame, within `deadline`.
    fn wait_for_rate_limit(&self, kind: &str, deadline: Instant) -> Result<()> {
        loop {
            let now = Instant::now();
            let wait = match self.try_token(kind) {
                Ok(()) => return Ok(()),
                Err(wait) => wait,
            };
            if now + wait > deadline {
                return Err(Error::Timeout(crate::TimeoutKind::RateLimit));
            }
            log::debug!("outgoing rate limit: waiting {wait:?}");
            std::thread::sleep(wait);
        }
    }

    /// Whether a typing indicator may go to `channel` now (at most one per 3 s).
    pub(crate) fn typing_allowed(&self, channel: &str) -> bool {
        self.typing.lock().allow(channel, Instant::now())
    }

    /// Queues a frame; the reader sends the queue, in order, whenever the client is ready.
    pub(crate) fn enqueue(&self, item: Queued) -> Result<()> {
        {
            let mut q = self.outbox.lock();
            if q.len() >= self.config.outgoing_queue_capacity {
                return Err(Error::QueueFull {
                    capacity: self.config.outgoing_queue_capacity,
                });
            }
            q.push_back(item);
        }
        self.outbox_waker.wake();
        Ok(())
    }

    /// Sends queued frames while the client is ready, in order, never waiting for the rate
    /// limit (this runs on the reader thread): returns when to try again if the rate limit
    /// stopped it.
    pub(crate) fn flush_outbox(&self) -> Option<Instant> {
        self.outbox_waker.drain();
        let mut q = self.outbox.lock();
        while let Some(item) = q.pop_front() {
            let mut slot = item.slot.lock();
            if *slot == Slot::Cancelled {
                continue;
            }
            if let Some(e) = self.state().send_error() {
                log::trace!("outbox waits: {e}");
                drop(slot);
                q.push_front(item);
                return None;
            }
            if let Err(wait) = self.try_token(&item.kind) {
                drop(slot);
                q.push_front(item);
                return Some(Instant::now() + wait);
            }
            let deadline = Instant::now() + self.config.reply_timeout;
            let reply = item.await_reply.then(|| item.tx.clone());
            match self.send_unthrottled(&item.kind, item.body.clone(), reply, deadline) {
                Ok(id) => {
                    *slot = Slot::Sent(id);
                    if !item.await_reply {
                        let _ = item.tx.try_send(Ok(None));
                    }
                }
                Err(Error::SendWhileDisconnected | Error::SendWhileNotReady) => {
                    drop(slot);
                    q.push_front(item);
                    return None;
                }
                Err(e) => {
                    *slot = Slot::Cancelled;
                    let _ = item.tx.try_send(Err(e));
                }
            }
        }
        None
    }

    /// Fails every queued frame with `error` (the client will not connect again).
    pub(crate) fn fail_outbox(&self, error: &Error) {
        let items: Vec<Queued> = self.outbox.lock().drain(..).collect();
        for item in items {
            *item.slot.lock() = Slot::Cancelled;
            let _ = item.tx.try_send(Err(error.clone()));
        }
    }

    pub(crate) fn outbox_len(&self) -> usize {
        self.outbox.lock().len()
    }
}

/// Serializes one client frame; refuses frames over the protocol's 16 KB limit.
pub(crate) fn encode_frame(id: u64, kind: &str, mut body: Map<String, Value>) -> Result<String> {
    body.insert("id".into(), Value::from(id));
    body.insert("type".into(), Value::from(kind));
    let text = serde_json::to_string(&Value::Object(body))
        .map_err(|e| Error::InvalidArgument(format!("the frame cannot be serialized: {e}")))?;
    if text.len() > MAX_FRAME_BYTES {
        return Err(Error::FrameTooLarge {
            size: text.len(),
            limit: MAX_FRAME_BYTES,
        });
    }
    Ok(text)
}

fn tls_connector(config: &Config) -> Result<native_tls::TlsConnector> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(pem) = &config.tls.ca_pem {
        let certs = native_tls::Certificate::stack_from_pem(pem)
            .map_err(|e| Error::Config(format!("tls.ca_pem is not valid PEM: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Config("tls.ca_pem holds no certificate".into()));
        }
        builder.disable_built_in_roots(true);
        for cert in certs {
            builder.add_root_certificate(cert);
        }
    }
    if let Some(identity) = &config.tls.identity {
        builder.identity(native_identity(identity)?);
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))
}

/// The client certificate in native-tls's form.
pub(crate) fn native_identity(identity: &ClientIdentity) -> Result<native_tls::Identity> {
    match identity {
        ClientIdentity::Pkcs12 { der, passphrase } => {
            native_tls::Identity::from_pkcs12(der, passphrase)
        }
        ClientIdentity::Pem { cert, key } => native_tls::Identity::from_pkcs8(cert, key),
    }
    .map_err(|e| Error::Config(format!("tls.identity is not usable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_over_16_kb_are_refused_locally() {
        let mut body = Map::new();
        body.insert("text".into(), Value::from("x".repeat(MAX_FRAME_BYTES)));
        assert!(matches!(
            encode_frame(1, "message", body),
            Err(Error::FrameTooLarge {
                limit: MAX_FRAME_BYTES,
                ..
            })
        ));
    }

    #[test]
    fn id_and_type_cannot_be_overridden_by_the_body() {
        let mut body = Map::new();
        body.insert("id".into(), Value::from(99));
        body.insert("type".into(), Value::from("ping"));
        let v: Value = serde_json::from_str(&encode_frame(3, "message", body).unwrap()).unwrap();
        assert_eq!(
            (v["id"].as_u64(), v["type"].as_str()),
            (Some(3), Some("message"))
        );
    }
}
