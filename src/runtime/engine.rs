//! [`Engine`]: the protocol-neutral machinery of one client — what persists between
//! sessions (status, links, counters, the transport) — and [`Engine::spawn`], which starts
//! a session's reader and keepalive threads for a [`Protocol`].

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Sender;

use crate::error::{Error, Result};
use crate::protocol::admission::SlowConsumerPolicy;
use crate::protocol::liveness::LivenessPolicy;
use crate::protocol::retry_policy::RetryPolicy;
use crate::runtime::backlog::Backlog;
use crate::runtime::keepalive;
use crate::runtime::links::Links;
use crate::runtime::reader::Reader;
use crate::runtime::seam::Protocol;
use crate::runtime::session::{SessionHandle, Signals};
use crate::runtime::status::Status;
use crate::runtime::transport::Transport;
use crate::stats::Counters;

/// The engine's settings (each protocol maps its own configuration to these).
#[derive(Debug, Clone)]
pub(crate) struct EngineSettings {
    /// Thread names start with it (`slack-rtm` → `slack-rtm-reader`).
    pub(crate) name: &'static str,
    /// How many links the session keeps open (a pool; RTM: 1). Each is dialed after the
    /// previous said hello (staggered) and refreshed make-before-break on its own.
    pub(crate) connections: usize,
    /// How long a new link may take to say hello.
    pub(crate) hello_timeout: Duration,
    /// How links are kept alive.
    pub(crate) liveness: LivenessPolicy,
    /// Backoff and attempt limits.
    pub(crate) retry: RetryPolicy,
    /// Whether anything but a requested reconnect is retried.
    pub(crate) auto_reconnect: bool,
    /// What happens when the event queue is full.
    pub(crate) slow_consumer: SlowConsumerPolicy,
}

/// What a client keeps between sessions.
pub(crate) struct Engine<P: Protocol> {
    pub(crate) protocol: Arc<P>,
    pub(crate) settings: Arc<EngineSettings>,
    pub(crate) transport: Arc<Transport>,
    pub(crate) status: Arc<Status>,
    pub(crate) links: Arc<Links>,
    pub(crate) counters: Arc<Counters>,
    pub(crate) backlog: Arc<Backlog>,
}

impl<P: Protocol> Engine<P> {
    /// Starts a session delivering to `items`: its reader and keepalive threads.
    ///
    /// # Errors
    /// [`Error::Internal`] when a wake-up pipe or a thread cannot be created.
    pub(crate) fn spawn(&self, items: Sender<P::Item>) -> Result<SessionHandle> {
        let signals = Arc::new(
            Signals::new()
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
        );
        let number = self.status.begin_session();
        let (ka_tx, ka_rx) = crossbeam_channel::unbounded();
        let spawn_err = |e: std::io::Error| Error::Internal(format!("cannot spawn a thread: {e}"));
        let name = self.settings.name;
        let keepalive = std::thread::Builder::new()
            .name(format!("{name}-keepalive"))
            .spawn({
                let protocol = self.protocol.clone();
                let links = self.links.clone();
                let policy = self.settings.liveness;
                let signals = signals.clone();
                move || {
                    let run =
                        AssertUnwindSafe(|| keepalive::run(&*protocol, &links, policy, ka_rx));
                    if catch_unwind(run).is_err() {
                        log::error!("the keepalive thread panicked: ending the session");
                        signals.stop(Some(thread_died("keepalive")));
                    }
                }
            });
        let keepalive = match keepalive {
            Ok(h) => h,
            Err(e) => {
                self.status.end_session(number, Some(spawn_err(e)));
                return Err(Error::Internal("cannot spawn the keepalive thread".into()));
            }
        };
        let reader = Reader::new(self, items, ka_tx, signals.clone(), number);
        let reader = match std::thread::Builder::new()
            .name(format!("{name}-reader"))
            .spawn(move || reader.run())
        {
            Ok(h) => h,
            Err(e) => {
                // The keepalive ends once its channel's sender (inside the reader) is gone.
                self.status.end_session(number, Some(spawn_err(e)));
                let _ = keepalive.join();
                return Err(Error::Internal("cannot spawn the reader thread".into()));
            }
        };
        Ok(SessionHandle {
            number,
            signals,
            links: self.links.clone(),
            reader,
            keepalive,
        })
    }
}

/// The error a session ends with when one of its threads died.
pub(crate) fn thread_died(which: &str) -> Error {
    Error::Internal(format!(
        "the {which} thread panicked; the session was ended"
    ))
}
