//! [`Outbox`]: the frames waiting to be written, in order, and the decision of what goes
//! out next given whether the client is ready and what the rate limit allows. Pure: the
//! caller passes the clock and does the writing.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Sender;
use parking_lot::Mutex;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::protocol::rate_limit::TokenBucket;
use crate::protocol::reply_waiters::Outcome;

/// Where a queued frame is: still queued, written with an id, or given up by its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Queued,
    Sent(u64),
    Cancelled,
}

/// A frame queued until the client is ready and the rate limit lets it go.
pub(crate) struct Queued {
    pub(crate) kind: String,
    pub(crate) body: Map<String, Value>,
    pub(crate) await_reply: bool,
    pub(crate) tx: Sender<Outcome>,
    pub(crate) slot: Arc<Mutex<Slot>>,
}

impl Queued {
    fn cancelled(&self) -> bool {
        *self.slot.lock() == Slot::Cancelled
    }

    /// Whether this frame takes a rate-limit token (typing indicators have their own limit).
    pub(crate) fn rate_limited(&self) -> bool {
        rate_limited(&self.kind)
    }
}

/// Whether a frame of type `kind` counts against the outgoing rate limit.
pub(crate) fn rate_limited(kind: &str) -> bool {
    kind != "typing"
}

/// What to do next with the queue.
pub(crate) enum Next {
    /// Write this frame now (its token, if it needs one, is taken).
    Write(Queued),
    /// The rate limit allows the next frame at this instant.
    WaitUntil(Instant),
    /// The client is not ready: wait until it is.
    NotReady,
    /// Nothing is queued.
    Empty,
}

/// The queue of frames waiting to be written, bounded by `capacity`.
pub(crate) struct Outbox {
    queue: VecDeque<Queued>,
    capacity: usize,
}

impl Outbox {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            queue: VecDeque::new(),
            capacity,
        }
    }

    /// Appends a frame.
    ///
    /// # Errors
    /// [`Error::QueueFull`] when `capacity` frames already wait.
    pub(crate) fn push(&mut self, item: Queued) -> Result<(), Error> {
        if self.queue.len() >= self.capacity {
            return Err(Error::QueueFull {
                capacity: self.capacity,
            });
        }
        self.queue.push_back(item);
        Ok(())
    }

    /// Puts a frame back at the head (its write could not happen after all).
    pub(crate) fn push_front(&mut self, item: Queued) {
        self.queue.push_front(item);
    }

    /// Decides what goes out next at `now`: skips frames their callers gave up, then hands
    /// out the head if the client is `ready` and `bucket` (if any) has a token for it.
    pub(crate) fn next(
        &mut self,
        ready: bool,
        bucket: Option<&mut TokenBucket>,
        now: Instant,
    ) -> Next {
        while self.queue.front().is_some_and(Queued::cancelled) {
            self.queue.pop_front();
        }
        let Some(head) = self.queue.front() else {
            return Next::Empty;
        };
        if !ready {
            return Next::NotReady;
        }
        if head.rate_limited() {
            if let Some(bucket) = bucket {
                if let Err(wait) = bucket.take(now) {
                    return Next::WaitUntil(now + wait);
                }
            }
        }
        match self.queue.pop_front() {
            Some(item) => Next::Write(item),
            None => Next::Empty,
        }
    }

    /// Takes every queued frame out (to fail them).
    pub(crate) fn drain(&mut self) -> Vec<Queued> {
        self.queue.drain(..).collect()
    }

    /// How many frames wait (including ones given up but not yet skipped).
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rate_limit::RateLimit;
    use crate::protocol::reply_waiters::oneshot;
    use std::time::Duration;

    fn frame(kind: &str) -> (Queued, Arc<Mutex<Slot>>) {
        let (tx, _rx) = oneshot();
        let slot = Arc::new(Mutex::new(Slot::Queued));
        let q = Queued {
            kind: kind.into(),
            body: Map::new(),
            await_reply: false,
            tx,
            slot: slot.clone(),
        };
        (q, slot)
    }

    fn kind_of(next: Next) -> String {
        match next {
            Next::Write(q) => q.kind,
            Next::WaitUntil(_) => "wait".into(),
            Next::NotReady => "not ready".into(),
            Next::Empty => "empty".into(),
        }
    }

    #[test]
    fn frames_wait_while_the_client_is_not_ready_and_then_go_in_order() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(10);
        outbox.push(frame("a").0).unwrap();
        outbox.push(frame("b").0).unwrap();
        assert_eq!(kind_of(outbox.next(false, None, t0)), "not ready");
        assert_eq!(outbox.len(), 2);
        assert_eq!(kind_of(outbox.next(true, None, t0)), "a");
        assert_eq!(kind_of(outbox.next(true, None, t0)), "b");
        assert_eq!(kind_of(outbox.next(true, None, t0)), "empty");
    }

    #[test]
    fn a_burst_goes_at_once_then_the_rate_limit_paces_the_rest() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(RateLimit::default(), t0);
        let mut outbox = Outbox::new(100);
        for _ in 0..8 {
            outbox.push(frame("message").0).unwrap();
        }
        for _ in 0..5 {
            assert_eq!(kind_of(outbox.next(true, Some(&mut bucket), t0)), "message");
        }
        let Next::WaitUntil(at) = outbox.next(true, Some(&mut bucket), t0) else {
            panic!("the sixth frame must wait");
        };
        assert!(at > t0 && at <= t0 + Duration::from_secs(1), "{at:?}");
        assert_eq!(outbox.len(), 3, "a paced frame stays queued");
        assert_eq!(kind_of(outbox.next(true, Some(&mut bucket), at)), "message");
    }

    #[test]
    fn typing_indicators_take_no_rate_limit_token() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(
            RateLimit {
                per_second: 1.0,
                burst: 1,
            },
            t0,
        );
        let mut outbox = Outbox::new(10);
        outbox.push(frame("message").0).unwrap();
        outbox.push(frame("typing").0).unwrap();
        assert_eq!(kind_of(outbox.next(true, Some(&mut bucket), t0)), "message");
        assert_eq!(kind_of(outbox.next(true, Some(&mut bucket), t0)), "typing");
    }

    #[test]
    fn frames_given_up_by_their_caller_are_skipped() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(10);
        let (a, slot_a) = frame("a");
        outbox.push(a).unwrap();
        outbox.push(frame("b").0).unwrap();
        *slot_a.lock() = Slot::Cancelled;
        assert_eq!(kind_of(outbox.next(true, None, t0)), "b");
    }

    #[test]
    fn a_full_queue_refuses_more() {
        let mut outbox = Outbox::new(1);
        outbox.push(frame("a").0).unwrap();
        assert!(matches!(
            outbox.push(frame("b").0),
            Err(Error::QueueFull { capacity: 1 })
        ));
    }
}
