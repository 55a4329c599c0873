//! [`Backlog`]: the wake-up between a reader waiting for room (backpressure) and the
//! consumers that make it. The policy itself is decided in [`crate::protocol::admission`].

use std::sync::atomic::{AtomicBool, Ordering};

use crate::events::stream::Backpressure;
use crate::net::waker::Waker;

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
}

impl Backpressure for Backlog {
    /// Called by a consumer after taking an event, with the queue's length.
    fn consumed(&self, queued: usize) {
        if self.reader_waiting.load(Ordering::SeqCst) && queued <= self.capacity / 2 {
            self.space.wake();
        }
    }
}
