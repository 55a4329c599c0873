//! [`Backlog`]: the bound on Slack events waiting for a slow consumer, and what happens
//! when it is reached ([`SlowConsumerPolicy`]).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::net::waker::Waker;

/// What the reader does when `event_queue_capacity` Slack events wait unconsumed.
/// Lifecycle events are never dropped and never wait.
///
/// ```
/// use slack_rtm::SlowConsumerPolicy;
/// assert_eq!(SlowConsumerPolicy::default(), SlowConsumerPolicy::DropNewest);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SlowConsumerPolicy {
    /// Drop new Slack events while the queue is full, and tell the consumer how many with
    /// an [`Event::EventsDropped`](crate::Event::EventsDropped) once there is room again.
    /// Replies and pongs are still read, so sends and the keepalive keep working even if
    /// nobody reads the events (the default).
    #[default]
    DropNewest,
    /// Stop reading the socket until the consumer catches up: nothing is dropped, but
    /// replies wait too, and Slack may close a connection that stays blocked for long. The
    /// keepalive does not count the pause against the link.
    Backpressure,
}

/// Shared between the reader (producer) and [`Events`](crate::Events) (consumers).
#[derive(Debug)]
pub(crate) struct Backlog {
    pub(crate) capacity: usize,
    /// Signalled by a consumer when a waiting reader may continue.
    pub(crate) space: Waker,
    /// True while the reader waits for room.
    pub(crate) reader_waiting: AtomicBool,
}

impl Backlog {
    pub(crate) fn new(capacity: usize) -> std::io::Result<Self> {
        Ok(Self {
            capacity,
            space: Waker::new()?,
            reader_waiting: AtomicBool::new(false),
        })
    }

    /// Called by a consumer after taking an event, with the queue's length.
    pub(crate) fn consumed(&self, queued: usize) {
        if self.reader_waiting.load(Ordering::SeqCst) && queued <= self.capacity / 2 {
            self.space.wake();
        }
    }
}
