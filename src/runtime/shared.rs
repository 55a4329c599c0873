//! [`Shared`]: what the RTM client's handles and its protocol share — settings, the Web
//! API, the engine's status and links, frame ids, reply waiters and the outgoing side
//! ([`Outgoing`], whose functions live in `runtime::sender`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::events::event::ConnectInfo;
use crate::net::http::WebApi;
use crate::net::waker::Waker;
use crate::protocol::lifecycle::State;
use crate::protocol::reply_waiters::ReplyWaiters;
use crate::runtime::backlog::Backlog;
use crate::runtime::links::{Link, Links};
use crate::runtime::sender::Outgoing;
use crate::runtime::status::Status;
use crate::stats::Counters;

/// Everything the RTM handles and the RTM protocol share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) web: WebApi,
    /// The engine's lifecycle state.
    pub(crate) life: Arc<Status>,
    /// The engine's open links.
    pub(crate) links: Arc<Links>,
    /// What `rtm.connect` said last.
    info: Mutex<Option<Arc<ConnectInfo>>>,
    next_id: AtomicU64,
    pub(crate) waiters: ReplyWaiters,
    /// The outgoing queue and the limits on writing (see `runtime::sender`).
    pub(crate) outgoing: Outgoing,
    pub(crate) counters: Arc<Counters>,
    pub(crate) backlog: Arc<Backlog>,
    /// Tells the reader that frames were queued for it to send.
    pub(crate) outbox_waker: Waker,
}

impl Shared {
    pub(crate) fn new(config: Config) -> Result<Self> {
        let web = WebApi::new(&config)?;
        let backlog = Arc::new(
            Backlog::new(config.event_queue_capacity)
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
        );
        let outgoing = Outgoing::new(config.outgoing_queue_capacity, config.rate_limit);
        Ok(Self {
            config,
            web,
            life: Arc::new(Status::default()),
            links: Arc::new(Links::default()),
            info: Mutex::new(None),
            next_id: AtomicU64::new(1),
            waiters: ReplyWaiters::default(),
            outgoing,
            counters: Arc::new(Counters::default()),
            backlog,
            outbox_waker: Waker::new()
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
        })
    }

    pub(crate) fn state(&self) -> State {
        self.life.state()
    }

    pub(crate) fn info(&self) -> Option<Arc<ConnectInfo>> {
        self.info.lock().clone()
    }

    pub(crate) fn set_info(&self, info: Arc<ConnectInfo>) {
        *self.info.lock() = Some(info);
    }

    /// The current connection (the newest link).
    pub(crate) fn connection(&self) -> Option<Arc<Link>> {
        self.links.newest()
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}
