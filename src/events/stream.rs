//! [`EventStream`]: the receiving side of one session, for the caller's own loop — one
//! type for every client: [`Events`] (RTM's [`Event`]s) and
//! [`SocketEvents`](crate::socket_mode::SocketEvents) (Socket Mode's
//! [`SocketEvent`](crate::socket_mode::SocketEvent)s) are this stream over their item.

use std::fmt;
use std::panic::RefUnwindSafe;
use std::time::Duration;

use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::events::event::Event;

/// The side that fills a stream's bounded queue, told each time a consumer takes an item,
/// with how many are still queued: a reader that waits for room (backpressure) is woken
/// through it. The runtime's `Backlog` (`runtime/backlog.rs`) is the one implementation;
/// the stream names only this, so that the delivered items (`events/`, which the core and
/// the runtime read) import nothing from the runtime.
pub(crate) trait Backpressure: Send + Sync + RefUnwindSafe {
    /// A consumer took an item; `queued` are left.
    fn consumed(&self, queued: usize);
}

/// The stream of one session's events (from `start` to the final `disconnected`), for
/// any client: `T` is what the client delivers. Use it by its names, [`Events`] for
/// [`RtmClient`](crate::RtmClient) and
/// [`SocketEvents`](crate::socket_mode::SocketEvents) for
/// [`SocketModeClient`](crate::socket_mode::SocketModeClient).
///
/// Its methods never block past the session's end: once the client is disconnected (by
/// `disconnect`, a fatal error, or dropping every client handle) the remaining events are
/// delivered, then `recv` returns `None` and iteration ends. Receiving makes room in the
/// client's bounded queue (a backpressured reader is woken).
///
/// Clones share one queue: each event goes to exactly one receiver.
///
/// ```no_run
/// # fn main() -> Result<(), slack_rtm::Error> {
/// use slack_rtm::{Event, EventStream, RtmClient};
/// let client = RtmClient::builder(std::env::var("SLACK_BOT_TOKEN").unwrap()).build()?;
/// client.start()?;
/// let events: EventStream<Event> = client.events(); // = slack_rtm::Events
/// for event in events {
///     if let Event::Slack(e) = &event {
///         println!("{}: {}", e.kind(), e.raw());
///     }
/// }
/// # Ok(()) }
/// ```
pub struct EventStream<T = Event> {
    rx: Receiver<T>,
    backpressure: Arc<dyn Backpressure>,
}

/// The stream of RTM [`Event`]s of one session: [`RtmClient::events`](crate::RtmClient::events).
///
/// ```no_run
/// # fn main() -> Result<(), slack_rtm::Error> {
/// use slack_rtm::{Event, Events, RtmClient};
/// let client = RtmClient::builder(std::env::var("SLACK_BOT_TOKEN").unwrap()).build()?;
/// client.start()?;
/// let events: Events = client.events();
/// for event in &events {
///     if let Event::Slack(e) = &event {
///         println!("{}: {}", e.kind(), e.raw());
///     }
/// }
/// # Ok(()) }
/// ```
pub type Events = EventStream<Event>;

// Not derived: a derive would ask `T: Clone`, which the items need not be.
impl<T> Clone for EventStream<T> {
    fn clone(&self) -> Self {
        Self {
            rx: self.rx.clone(),
            backpressure: self.backpressure.clone(),
        }
    }
}

/// Why [`EventStream::recv_timeout`] returned no event.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::{RecvTimeoutError, RtmClient};
///
/// let client = RtmClient::builder("xoxb-...").build()?;
/// let events = client.events();
/// assert_eq!(events.recv_timeout(Duration::from_millis(10)).unwrap_err(), RecvTimeoutError::Timeout);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecvTimeoutError {
    /// Nothing arrived within the timeout.
    Timeout,
    /// The session has ended and every event was delivered.
    Ended,
}

/// Why [`EventStream::try_recv`] returned no event.
///
/// ```
/// use slack_rtm::{RtmClient, TryRecvError};
///
/// let client = RtmClient::builder("xoxb-...").build()?;
/// let events = client.events();
/// assert_eq!(events.try_recv().unwrap_err(), TryRecvError::Empty); // not started: nothing yet
/// # Ok::<(), slack_rtm::Error>(())
/// ```
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

impl<T> EventStream<T> {
    pub(crate) fn new(rx: Receiver<T>, backpressure: Arc<dyn Backpressure>) -> Self {
        Self { rx, backpressure }
    }

    fn took(&self, event: T) -> T {
        self.backpressure.consumed(self.rx.len());
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
    pub fn recv(&self) -> Option<T> {
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
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
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
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
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
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { events: self }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("waiting", &self.rx.len())
            .finish()
    }
}

/// Iterator over an [`EventStream`]; see [`EventStream::iter`].
///
/// ```no_run
/// # fn demo(client: &slack_rtm::RtmClient) {
/// let events = client.events();
/// let iter: slack_rtm::Iter<'_> = events.iter();
/// for event in iter {
///     println!("{}", event.name());
/// }
/// # }
/// ```
pub struct Iter<'a, T = Event> {
    events: &'a EventStream<T>,
}

impl<T> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter").field("events", self.events).finish()
    }
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.events.recv()
    }
}

/// Owning iterator over an [`EventStream`] (`for event in client.events()`).
///
/// ```no_run
/// # fn demo(client: &slack_rtm::RtmClient) {
/// let iter: slack_rtm::IntoIter = client.events().into_iter();
/// for event in iter {
///     println!("{}", event.name());
/// }
/// # }
/// ```
pub struct IntoIter<T = Event> {
    events: EventStream<T>,
}

impl<T> fmt::Debug for IntoIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter")
            .field("events", &self.events)
            .finish()
    }
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.events.recv()
    }
}

impl<T> IntoIterator for EventStream<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        IntoIter { events: self }
    }
}

impl<'a, T> IntoIterator for &'a EventStream<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}
