//! [`SocketEvents`]: the receiving side of one session, for the caller's own loop.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Receiver;

use crate::runtime::backlog::Backlog;
use crate::socket_mode::SocketEvent;
use crate::{RecvTimeoutError, TryRecvError};

/// The stream of [`SocketEvent`]s of one session, from `start` to the final
/// `Disconnected`. Clones share one queue: each event goes to exactly one receiver.
///
/// ```no_run
/// # fn main() -> Result<(), slack_rtm::Error> {
/// use slack_rtm::socket_mode::{SocketEvent, SocketModeClient};
/// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap()).build()?;
/// client.start()?;
/// for event in client.events() {
///     if let SocketEvent::Request(req) = event {
///         println!("{} {}", req.kind().as_str(), req.envelope_id());
///         req.ack()?; // events are acked on arrival under AckPolicy::Auto: then a no-op
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SocketEvents {
    rx: Receiver<SocketEvent>,
    backlog: Arc<Backlog>,
}

impl SocketEvents {
    pub(crate) fn new(rx: Receiver<SocketEvent>, backlog: Arc<Backlog>) -> Self {
        Self { rx, backlog }
    }

    fn took(&self, event: SocketEvent) -> SocketEvent {
        self.backlog.consumed(self.rx.len());
        event
    }

    /// Blocks until the next event; `None` once the session has ended.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap()).build()?;
    /// client.start()?;
    /// let events = client.events();
    /// while let Some(event) = events.recv() {
    ///     println!("{event:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn recv(&self) -> Option<SocketEvent> {
        self.rx.recv().ok().map(|e| self.took(e))
    }

    /// Waits at most `timeout` for the next event.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap()).build()?;
    /// client.start()?;
    /// let events = client.events();
    /// use std::time::Duration;
    /// use slack_rtm::RecvTimeoutError;
    /// match events.recv_timeout(Duration::from_secs(1)) {
    ///     Ok(event) => println!("{event:?}"),
    ///     Err(RecvTimeoutError::Timeout) => println!("nothing yet"),
    ///     Err(_) => println!("the session has ended"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`] when nothing came, [`RecvTimeoutError::Ended`] after
    /// the last event of the session.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<SocketEvent, RecvTimeoutError> {
        self.rx
            .recv_timeout(timeout)
            .map(|e| self.took(e))
            .map_err(|e| match e {
                crossbeam_channel::RecvTimeoutError::Timeout => RecvTimeoutError::Timeout,
                crossbeam_channel::RecvTimeoutError::Disconnected => RecvTimeoutError::Ended,
            })
    }

    /// Takes the next event if one is waiting.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap()).build()?;
    /// client.start()?;
    /// let events = client.events();
    /// use slack_rtm::TryRecvError;
    /// match events.try_recv() {
    ///     Ok(event) => println!("{event:?}"),
    ///     Err(TryRecvError::Empty) => println!("nothing waiting"),
    ///     Err(_) => println!("the session has ended"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] when none is waiting, [`TryRecvError::Ended`] after the
    /// last event of the session.
    pub fn try_recv(&self) -> Result<SocketEvent, TryRecvError> {
        self.rx
            .try_recv()
            .map(|e| self.took(e))
            .map_err(|e| match e {
                crossbeam_channel::TryRecvError::Empty => TryRecvError::Empty,
                crossbeam_channel::TryRecvError::Disconnected => TryRecvError::Ended,
            })
    }

    /// Events waiting to be received.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap()).build()?;
    /// client.start()?;
    /// let events = client.events();
    /// println!("{} events waiting", events.len());
    /// # Ok(()) }
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// True when no event is waiting.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap()).build()?;
    /// client.start()?;
    /// let events = client.events();
    /// if events.is_empty() {
    ///     println!("caught up");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rx.is_empty()
    }
}

impl fmt::Debug for SocketEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketEvents")
            .field("waiting", &self.rx.len())
            .finish()
    }
}

/// A blocking iterator that ends with the session.
impl Iterator for SocketEvents {
    type Item = SocketEvent;
    fn next(&mut self) -> Option<SocketEvent> {
        self.recv()
    }
}
