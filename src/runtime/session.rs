//! [`SessionHandle`]: one started session's threads, and the [`Signals`] the handles send
//! the reader — stop (with an optional reason) and reconnect now.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use parking_lot::Mutex;

use crate::error::Error;
use crate::net::cancel::Cancel;
use crate::net::waker::Waker;
use crate::runtime::links::Links;

/// What the handles tell the reader.
pub(crate) struct Signals {
    /// Fired to end the session; also the cancellation of any dial or Web API call in
    /// progress (level-triggered, never drained).
    pub(crate) stop: Arc<Waker>,
    /// Why, when the session ends for a reason other than a requested disconnect (a
    /// `start` that timed out, a thread that died).
    stop_reason: Mutex<Option<Error>>,
    /// Cuts a backoff pause short (a requested reconnect).
    pub(crate) nudge: Waker,
    /// Set by a requested reconnect; taken when the link it retired ends.
    reconnect_requested: AtomicBool,
}

impl Signals {
    pub(crate) fn new() -> std::io::Result<Self> {
        Ok(Self {
            stop: Arc::new(Waker::new()?),
            stop_reason: Mutex::new(None),
            nudge: Waker::new()?,
            reconnect_requested: AtomicBool::new(false),
        })
    }

    /// Asks the session to end; `reason` (the first one given wins) becomes the error of
    /// its final `Disconnected`.
    pub(crate) fn stop(&self, reason: Option<Error>) {
        if let Some(reason) = reason {
            self.stop_reason.lock().get_or_insert(reason);
        }
        self.stop.wake();
    }

    /// The cancellation handle of this session's blocking calls: fired by [`stop`](Self::stop).
    pub(crate) fn cancel(&self) -> Cancel {
        Cancel::from_waker(self.stop.clone())
    }

    /// Why the session was stopped (`None`: the app asked).
    pub(crate) fn stop_reason(&self) -> Option<Error> {
        self.stop_reason.lock().clone()
    }

    pub(crate) fn request_reconnect(&self) {
        self.reconnect_requested.store(true, Ordering::SeqCst);
    }

    /// Whether a reconnect was requested (and clears it).
    pub(crate) fn take_reconnect_request(&self) -> bool {
        self.reconnect_requested.swap(false, Ordering::SeqCst)
    }

    pub(crate) fn clear_reconnect_request(&self) {
        self.reconnect_requested.store(false, Ordering::SeqCst);
    }
}

/// The threads of one session.
pub(crate) struct SessionHandle {
    pub(crate) number: u64,
    pub(crate) signals: Arc<Signals>,
    pub(crate) links: Arc<Links>,
    pub(crate) reader: JoinHandle<()>,
    pub(crate) keepalive: JoinHandle<()>,
}

impl SessionHandle {
    /// Whether the session has ended (its reader returned).
    pub(crate) fn is_finished(&self) -> bool {
        self.reader.is_finished()
    }

    /// Drops the current link and connects again now; during a backoff pause, starts the
    /// next attempt as soon as the attempt budget allows.
    pub(crate) fn reconnect(&self) {
        self.signals.request_reconnect();
        match self.links.newest() {
            Some(link) => link.retire(),
            None => self.signals.nudge.wake(),
        }
    }

    /// Ends the session (with `reason` as its final error, if given) and joins its threads
    /// (not the calling one, when a handler on an engine thread calls it).
    pub(crate) fn stop_and_join(self, reason: Option<Error>) {
        self.signals.stop(reason);
        let me = std::thread::current().id();
        for handle in [self.reader, self.keepalive] {
            if handle.thread().id() != me && handle.join().is_err() {
                log::error!("a slack-rtm thread panicked");
            }
        }
    }
}
