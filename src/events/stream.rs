//! [`Events`]: the receiving side of one session, for the caller's own loop.

use std::fmt;
use std::time::Duration;

use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::runtime::backlog::Backlog;

use crate::events::event::Event;

/// The stream of [`Event`]s of one session (from `start` to the final `disconnected`).
///
/// Its methods never block past the session's end: once the client is disconnected (by
/// [`RtmClient::disconnect`](crate::RtmClient::disconnect), a fatal error, or dropping every client handle) the
/// remaining events are delivered, then `recv` returns `None` and iteration ends.
///
/// Clones share one queue: each event goes to exactly one receiver.
///
/// ```no_run
/// # fn main() -> Result<(), slack_rtm::Error> {
/// use slack_rtm::{Event, RtmClient};
/// let client = RtmClient::builder(std::env::var("SLACK_BOT_TOKEN").unwrap()).build()?;
/// client.start()?;
/// for event in client.events() {
///     if let Event::Slack(e) = &event {
///         println!("{}: {}", e.kind(), e.raw());
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Events {
    rx: Receiver<Event>,
    backlog: Arc<Backlog>,
}

/// Why [`Events::recv_timeout`] returned no event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecvTimeoutError {
    /// Nothing arrived within the timeout.
    Timeout,
    /// The session has ended and every event was delivered.
    Ended,
}

/// Why [`Events::try_recv`] returned no event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing is waiting right now.
    Empty,
    /// The session has ended and every event was delivered.
    Ended,
}

impl fmt::Display for RecvTimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecvTimeoutError::Timeout => "no event within the timeout",
            RecvTimeoutError::Ended => "the event stream has ended",
        })
    }
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryRecvError::Empty => "no event waiting",
            TryRecvError::Ended => "the event stream has ended",
        })
    }
}

impl std::error::Error for RecvTimeoutError {}
impl std::error::Error for TryRecvError {}

impl Events {
    pub(crate) fn new(rx: Receiver<Event>, backlog: Arc<Backlog>) -> Self {
        Self { rx, backlog }
    }

    fn took(&self, event: Event) -> Event {
        self.backlog.consumed(self.rx.len());
        event
    }

    /// Blocks until the next event; `None` once the session has ended. Waiting here is
    /// bounded by the session: `disconnect`, a fatal error or dropping the client ends it.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build()?;
    /// let events = client.events();
    /// client.start()?;
    /// while let Some(event) = events.recv() {
    ///     println!("{}", event.name());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn recv(&self) -> Option<Event> {
        self.rx.recv().ok().map(|e| self.took(e))
    }

    /// Waits at most `timeout` for the next event.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// let events = client.events(); // the next session's stream (not started here)
    /// let waited = events.recv_timeout(Duration::from_millis(10));
    /// assert_eq!(waited.unwrap_err(), slack_rtm::RecvTimeoutError::Timeout);
    /// ```
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`] when nothing came, [`RecvTimeoutError::Ended`] after
    /// the last event of the session.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Event, RecvTimeoutError> {
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
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// let events = client.events(); // the next session's stream (not started here)
    /// assert_eq!(events.try_recv().unwrap_err(), slack_rtm::TryRecvError::Empty);
    /// ```
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] when none is waiting, [`TryRecvError::Ended`] after the last
    /// event of the session.
    pub fn try_recv(&self) -> Result<Event, TryRecvError> {
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
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// let events = client.events(); // the next session's stream (not started here)
    /// assert_eq!(events.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// True when no event is waiting.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
    /// let events = client.events(); // the next session's stream (not started here)
    /// assert!(events.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rx.is_empty()
    }

    /// A blocking iterator that ends with the session.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").build()?;
    /// let events = client.events();
    /// client.start()?;
    /// for event in events.iter() {
    ///     println!("{}", event.name());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter { events: self }
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("waiting", &self.rx.len())
            .finish()
    }
}

/// Iterator over [`Events`]; see [`Events::iter`].
#[derive(Debug)]
pub struct Iter<'a> {
    events: &'a Events,
}

impl Iterator for Iter<'_> {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        self.events.recv()
    }
}

/// Owning iterator over [`Events`].
#[derive(Debug)]
pub struct IntoIter {
    events: Events,
}

impl Iterator for IntoIter {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        self.events.recv()
    }
}

impl IntoIterator for Events {
    type Item = Event;
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        IntoIter { events: self }
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = Event;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}
