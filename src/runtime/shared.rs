//! [`Shared`]: the state the reader, the keepalive and every client handle share — the
//! lifecycle, the current connection, frame ids, reply waiters and the outgoing side
//! ([`Outgoing`], whose functions live in `runtime::sender`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use parking_lot::{Condvar, Mutex};

use crate::cache::WorkspaceCache;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::events::event::{ConnectInfo, Event};
use crate::net::http::WebApi;
use crate::net::waker::Waker;
use crate::net::websocket::Connection;
use crate::protocol::lifecycle::State;
use crate::protocol::reply_waiters::ReplyWaiters;
use crate::runtime::backlog::Backlog;
use crate::runtime::sender::Outgoing;
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
    /// The outgoing queue and the limits on writing (see `runtime::sender`).
    pub(crate) outgoing: Outgoing,
    epoch: Instant,
    last_rx: AtomicU64,
    pub(crate) counters: Counters,
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
}

impl Shared {
    pub(crate) fn new(config: Config) -> Result<Self> {
        let web = WebApi::new(&config)?;
        let cache = config
            .workspace_cache
            .map(|c| Arc::new(WorkspaceCache::new(c, web.clone())));
        // Reject a bad CA or identity at build time rather than at the first connection.
        crate::net::tls::check(&config.tls)?;
        let backlog = Arc::new(
            Backlog::new(config.event_queue_capacity)
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
        );
        let outgoing = Outgoing::new(config.outgoing_queue_capacity, config.rate_limit);
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
            outgoing,
            epoch: Instant::now(),
            last_rx: AtomicU64::new(0),
            counters: Counters::default(),
            backlog,
            backpressured: AtomicBool::new(false),
            reconnect_requested: AtomicBool::new(false),
            cache,
            nudge: Waker::new()
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
            outbox_waker: Waker::new()
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
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
}

fn tls_connector(config: &Config) -> Result<native_tls::TlsConnector> {
    crate::net::tls::native_connector(&config.tls)
}
