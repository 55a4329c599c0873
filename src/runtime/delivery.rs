//! [`Delivery`]: the one way items reach the app's channel. Every item goes through the
//! [`Admission`] bound (events by `event_queue_capacity`, lifecycle items by a small
//! reserve above it, the final item always), and errors through the [`ErrorCoalescer`].

use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Sender;

use crate::protocol::admission::{Admission, Admit, Class, SlowConsumerPolicy};
use crate::protocol::error_coalescer::ErrorCoalescer;
use crate::runtime::backlog::Backlog;

/// What became of an offered item.
pub(crate) enum Offer<I> {
    /// Queued (or the app is gone).
    Sent,
    /// Dropped and counted.
    Dropped,
    /// The queue is full and the policy is to wait: here is the item back.
    Wait(I),
}

/// The sending side of the app's channel, with its bound.
pub(crate) struct Delivery<I> {
    tx: Sender<I>,
    admission: Admission,
    errors: ErrorCoalescer,
    /// The last error folded, for the report that counts it.
    last_folded: Option<crate::error::Error>,
    pub(crate) backlog: Arc<Backlog>,
}

impl<I> Delivery<I> {
    pub(crate) fn new(tx: Sender<I>, backlog: Arc<Backlog>, policy: SlowConsumerPolicy) -> Self {
        Self {
            tx,
            admission: Admission::new(backlog.capacity, policy),
            errors: ErrorCoalescer::default(),
            last_folded: None,
            backlog,
        }
    }

    /// Items waiting for the app.
    pub(crate) fn queued(&self) -> usize {
        self.tx.len()
    }

    /// Drops to report now, if any (once there is room).
    pub(crate) fn take_drop_report(&mut self) -> Option<u64> {
        self.admission.take_report(self.tx.len())
    }

    /// Offers `item` of `class`.
    pub(crate) fn offer(&mut self, class: Class, item: I) -> Offer<I> {
        match self.admission.admit(class, self.tx.len()) {
            Admit::Send => {
                let _ = self.tx.send(item);
                Offer::Sent
            }
            Admit::Drop => Offer::Dropped,
            Admit::Wait => Offer::Wait(item),
        }
    }

    /// An error at `now`: `Some((error, folded))` when it should be reported now, with how
    /// many earlier ones it also stands for.
    pub(crate) fn error(
        &mut self,
        now: Instant,
        error: crate::error::Error,
    ) -> Option<(crate::error::Error, u64)> {
        match self.errors.offer(now) {
            Some(folded) => {
                self.last_folded = None;
                Some((error, folded))
            }
            None => {
                self.last_folded = Some(error);
                None
            }
        }
    }

    /// When folded errors are due to be reported.
    pub(crate) fn errors_due_at(&self) -> Option<Instant> {
        self.errors.flush_at()
    }

    /// The report of folded errors due at `now`: the last of them, and how many more.
    pub(crate) fn flush_errors(&mut self, now: Instant) -> Option<(crate::error::Error, u64)> {
        let n = self.errors.flush(now)?;
        let last = self.last_folded.take()?;
        Some((last, n.saturating_sub(1)))
    }
}
