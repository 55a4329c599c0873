//! [`Outbox`]: the frames waiting to be written, in order, and the decisions of the send
//! path: what goes out next given readiness, the rate limit and each frame's queue
//! deadline; what a failed write means for its frame; and how long a caller waits for the
//! outcome. Pure: the clock is an argument; `runtime::sender` does the writing.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use parking_lot::Mutex;

use crate::error::Error;
use crate::protocol::deadline::after;
use crate::protocol::rate_limit::TokenBucket;
use crate::protocol::reply_waiters::Outcome;

/// Where a queued frame is: still queued (with or without a caller waiting for it),
/// written (with when), or finished without being written (its outcome is already in the
/// caller's channel, or the caller withdrew it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Queued,
    /// Queued, and nobody waits for its outcome any more: it is written without
    /// registering for a reply.
    Detached,
    Sent {
        id: u64,
        at: Instant,
    },
    Cancelled,
}

/// A frame waiting in the outgoing queue, already encoded with its id.
pub(crate) struct Queued {
    pub(crate) id: u64,
    /// Its `type`, for the log.
    pub(crate) kind: Box<str>,
    pub(crate) text: String,
    /// Whether it takes a rate-limit token (typing indicators have their own limit).
    pub(crate) rate_limited: bool,
    pub(crate) await_reply: bool,
    /// Past this instant it is withdrawn unwritten (`queue_timeout`).
    pub(crate) deadline: Instant,
    pub(crate) tx: Sender<Outcome>,
    pub(crate) slot: Arc<Mutex<Slot>>,
    /// Signalled when the frame is written, and closed when it leaves the queue in any
    /// way: its caller, waiting while it was queued, then reads its slot again (a frame
    /// another thread wrote is awaited `reply_timeout` from its write, not until
    /// `queue_timeout`).
    pub(crate) left_queue: Sender<()>,
}

impl Queued {
    fn cancelled(&self) -> bool {
        *self.slot.lock() == Slot::Cancelled
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
    /// This frame's queue deadline passed before it could be written: fail it, nothing
    /// was sent.
    Expired(Queued),
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
    /// Set when a session ended and its frames were failed, until the next session
    /// starts: a send that needs a session is refused instead of waiting `queue_timeout`
    /// for one that is over.
    closed: bool,
}

impl Outbox {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            queue: VecDeque::new(),
            capacity,
            closed: false,
        }
    }

    /// Appends a frame. `needs_session`: the frame must not wait for a session to start
    /// (every send but `add_outgoing_event`).
    ///
    /// # Errors
    /// [`Error::SendWhileDisconnected`] when `needs_session` and the session ended
    /// ([`close`](Self::close)); [`Error::QueueFull`] when `capacity` frames already wait.
    pub(crate) fn push(&mut self, item: Queued, needs_session: bool) -> Result<(), Error> {
        if needs_session && self.closed {
            return Err(Error::SendWhileDisconnected);
        }
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

    /// Decides what goes out next at `now`: skips frames their callers gave up, expires the
    /// head if its queue deadline passed, then hands it out if the client is `ready` and
    /// `bucket` (if any) has a token for it.
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
        if head.deadline <= now {
            return match self.queue.pop_front() {
                Some(item) => Next::Expired(item),
                None => Next::Empty,
            };
        }
        if !ready {
            return Next::NotReady;
        }
        if head.rate_limited {
            if let Some(bucket) = bucket {
                if let Err(wait) = bucket.take(now) {
                    return Next::WaitUntil(now.checked_add(wait).unwrap_or(head.deadline));
                }
            }
        }
        match self.queue.pop_front() {
            Some(item) => Next::Write(item),
            None => Next::Empty,
        }
    }

    /// The session ended: takes every queued frame out (to fail them) and refuses frames
    /// that need a session until [`open`](Self::open). (Done under one lock, so that a send
    /// racing with the end of the session is either drained or refused, never stranded.)
    pub(crate) fn close(&mut self) -> Vec<Queued> {
        self.closed = true;
        self.queue.drain(..).collect()
    }

    /// A session starts: frames that need one are accepted again.
    pub(crate) fn open(&mut self) {
        self.closed = false;
    }

    /// Removes the frames their callers withdrew (a withdrawn frame never goes out, so
    /// it must not count as waiting, nor hold its text until it reaches the head).
    pub(crate) fn purge_withdrawn(&mut self) {
        self.queue.retain(|q| !q.cancelled());
    }

    /// How many frames wait to be written. Withdrawn frames are not counted once
    /// [`purge_withdrawn`](Self::purge_withdrawn) ran (the withdrawing caller runs it).
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }
}

/// What a failed write means for its frame. The connection it failed on is ended in every
/// case, so bytes still buffered for it can never go out later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailedWrite {
    /// The frame's last bytes were still buffered: it cannot have reached Slack. It goes
    /// back to the head of the queue for the next connection (its queue deadline allows).
    Requeue,
    /// As `Requeue`, but its queue deadline has passed: fail it, nothing was sent.
    NothingSent,
    /// Frames were written after it before the failure, so it may have left whole: fail
    /// it as "may have been sent" (never resend it behind the caller's back).
    MayHaveBeenSent,
}

/// Decides what a failed write means (see [`FailedWrite`]). `later_frames`: whether frames
/// were handed to the websocket after this one before it failed.
pub(crate) fn after_failed_write(
    later_frames: bool,
    queue_deadline: Instant,
    now: Instant,
) -> FailedWrite {
    if later_frames {
        FailedWrite::MayHaveBeenSent
    } else if now < queue_deadline {
        FailedWrite::Requeue
    } else {
        FailedWrite::NothingSent
    }
}

/// What a caller waiting for a send's outcome does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// Wait for the outcome until this instant, then decide again.
    Until(Instant),
    /// The frame is still queued at its queue deadline: withdraw it (nothing was sent).
    Withdraw,
    /// The frame was written and its reply did not come within `reply_timeout`.
    Unanswered(u64),
    /// The send is finished: its outcome is in the channel.
    Finished,
}

/// Decides how long a caller keeps waiting: a queued frame until its queue deadline, a
/// written one until `reply_timeout` after it was written.
pub(crate) fn waiting(
    slot: Slot,
    queue_deadline: Instant,
    reply_timeout: Duration,
    now: Instant,
) -> Waiting {
    match slot {
        Slot::Queued if now < queue_deadline => Waiting::Until(queue_deadline),
        Slot::Queued => Waiting::Withdraw,
        Slot::Sent { id, at } => match at.checked_add(reply_timeout) {
            Some(end) if now < end => Waiting::Until(end),
            Some(_) => Waiting::Unanswered(id),
            // Beyond the clock's range: wait in long steps, it cannot be reached anyway.
            None => Waiting::Until(after(now, Duration::from_secs(3600))),
        },
        Slot::Cancelled | Slot::Detached => Waiting::Finished,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rate_limit::RateLimit;
    use crate::protocol::reply_waiters::oneshot;

    fn frame(id: u64, kind: &str, deadline: Instant) -> (Queued, Arc<Mutex<Slot>>) {
        let (tx, _rx) = oneshot();
        let slot = Arc::new(Mutex::new(Slot::Queued));
        let q = Queued {
            id,
            kind: kind.into(),
            text: kind.into(),
            rate_limited: rate_limited(kind),
            await_reply: false,
            deadline,
            tx,
            slot: slot.clone(),
            left_queue: crossbeam_channel::bounded(1).0,
        };
        (q, slot)
    }

    fn what(next: Next) -> String {
        match next {
            Next::Write(q) => format!("write {}", q.id),
            Next::Expired(q) => format!("expired {}", q.id),
            Next::WaitUntil(_) => "wait".into(),
            Next::NotReady => "not ready".into(),
            Next::Empty => "empty".into(),
        }
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn frames_wait_while_the_client_is_not_ready_and_then_go_in_order() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(10);
        outbox
            .push(frame(1, "message", t0 + MINUTE).0, true)
            .unwrap();
        outbox
            .push(frame(2, "message", t0 + MINUTE).0, true)
            .unwrap();
        assert_eq!(what(outbox.next(false, None, t0)), "not ready");
        assert_eq!(outbox.len(), 2);
        assert_eq!(what(outbox.next(true, None, t0)), "write 1");
        assert_eq!(what(outbox.next(true, None, t0)), "write 2");
        assert_eq!(what(outbox.next(true, None, t0)), "empty");
    }

    #[test]
    fn a_burst_goes_at_once_then_the_rate_limit_paces_the_rest() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(RateLimit::default(), t0);
        let mut outbox = Outbox::new(100);
        for id in 1..=8 {
            outbox
                .push(frame(id, "message", t0 + MINUTE).0, true)
                .unwrap();
        }
        for id in 1..=5 {
            assert_eq!(
                what(outbox.next(true, Some(&mut bucket), t0)),
                format!("write {id}")
            );
        }
        let Next::WaitUntil(at) = outbox.next(true, Some(&mut bucket), t0) else {
            panic!("the sixth frame must wait");
        };
        assert!(at > t0 && at <= t0 + Duration::from_secs(1), "{at:?}");
        assert_eq!(outbox.len(), 3, "a paced frame stays queued");
        assert_eq!(what(outbox.next(true, Some(&mut bucket), at)), "write 6");
    }

    #[test]
    fn fifty_sends_at_once_with_default_settings_all_go_out_within_their_queue_timeout() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(RateLimit::default(), t0);
        let mut outbox = Outbox::new(1000);
        for id in 1..=50 {
            outbox
                .push(frame(id, "message", t0 + MINUTE).0, true)
                .unwrap();
        }
        let (mut now, mut written, mut last) = (t0, 0, t0);
        loop {
            match outbox.next(true, Some(&mut bucket), now) {
                Next::Write(_) => {
                    written += 1;
                    last = now;
                }
                Next::WaitUntil(at) => now = at,
                Next::Expired(q) => panic!("frame {} expired", q.id),
                Next::NotReady => unreachable!(),
                Next::Empty => break,
            }
        }
        assert_eq!(written, 50);
        let paced = last - t0;
        assert!(
            paced >= Duration::from_secs(44) && paced <= Duration::from_secs(46),
            "{paced:?}"
        );
    }

    #[test]
    fn a_burst_longer_than_the_queue_timeout_allows_ends_in_withdrawn_frames_never_late_ones() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(RateLimit::default(), t0);
        let mut outbox = Outbox::new(1000);
        let deadline = t0 + Duration::from_secs(30);
        for id in 1..=50 {
            outbox.push(frame(id, "message", deadline).0, true).unwrap();
        }
        let (mut now, mut written, mut expired) = (t0, 0, 0);
        loop {
            match outbox.next(true, Some(&mut bucket), now) {
                Next::Write(_) => {
                    assert!(now < deadline, "written after its queue deadline");
                    written += 1;
                }
                Next::Expired(_) => expired += 1,
                Next::WaitUntil(at) => now = at,
                Next::NotReady => unreachable!(),
                Next::Empty => break,
            }
        }
        assert_eq!(written + expired, 50);
        assert!((34..=36).contains(&written), "{written}");
    }

    #[test]
    fn frames_queued_through_a_reconnect_go_out_once_ready_unless_their_deadline_passed() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(10);
        outbox
            .push(frame(1, "message", t0 + Duration::from_secs(5)).0, true)
            .unwrap();
        outbox
            .push(frame(2, "message", t0 + MINUTE).0, true)
            .unwrap();
        let later = t0 + Duration::from_secs(8);
        assert_eq!(what(outbox.next(false, None, later)), "expired 1");
        assert_eq!(what(outbox.next(false, None, later)), "not ready");
        assert_eq!(what(outbox.next(true, None, later)), "write 2");
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
        outbox
            .push(frame(1, "message", t0 + MINUTE).0, true)
            .unwrap();
        outbox
            .push(frame(2, "typing", t0 + MINUTE).0, true)
            .unwrap();
        assert_eq!(what(outbox.next(true, Some(&mut bucket), t0)), "write 1");
        assert_eq!(what(outbox.next(true, Some(&mut bucket), t0)), "write 2");
    }

    #[test]
    fn frames_given_up_by_their_caller_are_skipped() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(10);
        let (a, slot_a) = frame(1, "message", t0 + MINUTE);
        outbox.push(a, true).unwrap();
        outbox
            .push(frame(2, "message", t0 + MINUTE).0, true)
            .unwrap();
        *slot_a.lock() = Slot::Cancelled;
        assert_eq!(what(outbox.next(true, None, t0)), "write 2");
    }

    #[test]
    fn withdrawn_frames_neither_count_as_waiting_nor_take_room_once_purged() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(2);
        let (a, slot_a) = frame(1, "message", t0 + MINUTE);
        let (b, slot_b) = frame(2, "message", t0 + MINUTE);
        outbox.push(a, true).unwrap();
        outbox.push(b, true).unwrap();
        *slot_b.lock() = Slot::Cancelled;
        outbox.purge_withdrawn();
        assert_eq!(outbox.len(), 1, "only the frame still waiting counts");
        outbox
            .push(frame(3, "message", t0 + MINUTE).0, true)
            .unwrap();
        *slot_a.lock() = Slot::Cancelled;
        outbox.purge_withdrawn();
        assert_eq!(what(outbox.next(true, None, t0)), "write 3");
        assert_eq!(what(outbox.next(true, None, t0)), "empty");
    }

    #[test]
    fn a_written_frame_whose_reply_deadline_is_beyond_the_clock_keeps_waiting_without_overflow() {
        let t0 = Instant::now();
        let sent = Slot::Sent { id: 1, at: t0 };
        assert!(matches!(
            waiting(sent, t0, Duration::MAX, t0),
            Waiting::Until(t) if t > t0
        ));
    }

    #[test]
    fn after_a_session_ended_only_frames_that_may_wait_for_the_next_one_are_accepted() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(10);
        outbox
            .push(frame(1, "message", t0 + MINUTE).0, true)
            .unwrap();
        assert_eq!(
            outbox.close().len(),
            1,
            "the ended session's frames are failed"
        );
        assert!(matches!(
            outbox.push(frame(2, "message", t0 + MINUTE).0, true),
            Err(Error::SendWhileDisconnected)
        ));
        outbox
            .push(frame(3, "message", t0 + MINUTE).0, false)
            .unwrap();
        outbox.open();
        outbox
            .push(frame(4, "message", t0 + MINUTE).0, true)
            .unwrap();
        assert_eq!(what(outbox.next(true, None, t0)), "write 3");
        assert_eq!(what(outbox.next(true, None, t0)), "write 4");
    }

    #[test]
    fn a_full_queue_refuses_more() {
        let t0 = Instant::now();
        let mut outbox = Outbox::new(1);
        outbox.push(frame(1, "message", t0).0, true).unwrap();
        assert!(matches!(
            outbox.push(frame(2, "message", t0).0, true),
            Err(Error::QueueFull { capacity: 1 })
        ));
    }

    #[test]
    fn a_write_that_failed_with_its_tail_buffered_is_retried_on_the_next_connection() {
        let t0 = Instant::now();
        assert_eq!(
            after_failed_write(false, t0 + MINUTE, t0),
            FailedWrite::Requeue
        );
        assert_eq!(
            after_failed_write(false, t0, t0 + Duration::from_secs(1)),
            FailedWrite::NothingSent
        );
    }

    #[test]
    fn a_write_that_failed_after_later_frames_may_have_been_sent() {
        let t0 = Instant::now();
        assert_eq!(
            after_failed_write(true, t0 + MINUTE, t0),
            FailedWrite::MayHaveBeenSent
        );
    }

    #[test]
    fn the_reply_timer_starts_when_the_frame_is_written_not_when_it_was_queued() {
        let t0 = Instant::now();
        let reply = Duration::from_secs(10);
        let queue_deadline = t0 + MINUTE;
        assert_eq!(
            waiting(Slot::Queued, queue_deadline, reply, t0),
            Waiting::Until(queue_deadline)
        );
        let written = t0 + Duration::from_secs(40);
        let sent = Slot::Sent { id: 7, at: written };
        assert_eq!(
            waiting(sent, queue_deadline, reply, t0 + Duration::from_secs(45)),
            Waiting::Until(written + reply)
        );
        assert_eq!(
            waiting(sent, queue_deadline, reply, written + reply),
            Waiting::Unanswered(7)
        );
        assert_eq!(
            waiting(Slot::Queued, queue_deadline, reply, queue_deadline),
            Waiting::Withdraw
        );
        assert_eq!(
            waiting(Slot::Cancelled, queue_deadline, reply, t0),
            Waiting::Finished
        );
    }
}
