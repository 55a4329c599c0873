//! The send path's I/O: [`Outgoing`] (the outgoing queue, the rate limit and the typing
//! throttle), the writing of queued frames on the current connection, and [`Ticket`], a
//! caller's wait for the outcome. Every send goes through the queue; what goes out next,
//! what a failed write means and how long a caller waits are decided by
//! [`crate::protocol::outbox`].
//!
//! Who writes: the thread that queued a frame tries to write the queue itself (no thread
//! hop on the common path); if another thread is writing, or the rate limit or readiness
//! holds the queue back, the reader thread is woken and takes over (at `hello`, and at the
//! instant the rate limit names).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use parking_lot::Mutex;
use serde_json::{Map, Value};

use crate::config::MAX_FRAME_BYTES;
use crate::error::{Error, NoReplyCause, Result, TimeoutKind};
use crate::events::event::Reply;
use crate::protocol::deadline::after;
use crate::protocol::lifecycle::State;
use crate::protocol::outbox::{
    self, after_failed_write, waiting, FailedWrite, Next, Outbox, Queued, Slot, Waiting,
};
use crate::protocol::rate_limit::{RateLimit, TokenBucket, TypingThrottle};
use crate::protocol::reply_waiters::{oneshot, Outcome};
use crate::runtime::shared::Shared;

/// The sending side's state: what waits to be written and the limits on writing.
pub(crate) struct Outgoing {
    outbox: Mutex<Outbox>,
    /// Held by the one thread writing queued frames (keeps them in order).
    writer: Mutex<()>,
    bucket: Option<Mutex<TokenBucket>>,
    typing: Mutex<TypingThrottle>,
}

impl Outgoing {
    pub(crate) fn new(capacity: usize, rate_limit: Option<RateLimit>) -> Self {
        Self {
            outbox: Mutex::new(Outbox::new(capacity)),
            writer: Mutex::new(()),
            bucket: rate_limit.map(|limit| Mutex::new(TokenBucket::new(limit, Instant::now()))),
            typing: Mutex::new(TypingThrottle::default()),
        }
    }
}

/// Whether a send may wait for a session that has not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Before {
    /// Fail at once with `SendWhileDisconnected` unless a session is running.
    Session,
    /// Queue even before `start` (`add_outgoing_event`).
    Start,
}

/// One queued send, as its caller sees it.
pub(crate) struct Ticket {
    pub(crate) id: u64,
    rx: Receiver<Outcome>,
    pub(crate) slot: Arc<Mutex<Slot>>,
    queue_deadline: Instant,
    /// Wakes a caller waiting while its frame is queued (see `Queued::left_queue`).
    left_queue: Receiver<()>,
}

impl Shared {
    /// Queues `{"id", "type": kind, ...body}` (within `queue_timeout`) and tries to write the
    /// queue now.
    ///
    /// # Errors
    /// `SendWhileDisconnected` (no session and `before` is `Session`), `FrameTooLarge`,
    /// `InvalidArgument`, `QueueFull`: nothing was queued.
    pub(crate) fn submit(
        &self,
        kind: &str,
        body: Map<String, Value>,
        await_reply: bool,
        before: Before,
    ) -> Result<Ticket> {
        if before == Before::Session
            && matches!(self.state(), State::Disconnected | State::Disconnecting)
        {
            self.count_failed();
            return Err(Error::SendWhileDisconnected);
        }
        let id = self.next_id();
        // A frame refused for what it holds is the caller's argument error, not a failed
        // send: not counted.
        let text = encode_frame(id, kind, body)?;
        let queue_deadline = after(Instant::now(), self.config.queue_timeout);
        let (tx, rx) = oneshot();
        let (left_queue, left_queue_rx) = crossbeam_channel::bounded(1);
        let slot = Arc::new(Mutex::new(Slot::Queued));
        let pushed = self.outgoing.outbox.lock().push(
            Queued {
                id,
                kind: kind.into(),
                text,
                rate_limited: outbox::rate_limited(kind),
                await_reply,
                deadline: queue_deadline,
                tx,
                slot: slot.clone(),
                left_queue,
            },
            before == Before::Session,
        );
        if let Err(e) = pushed {
            self.count_failed();
            return Err(e);
        }
        self.write_queue(Some(&slot));
        Ok(Ticket {
            id,
            rx,
            slot,
            queue_deadline,
            left_queue: left_queue_rx,
        })
    }

    /// Writes queued frames on the reader thread (at `hello`, when woken, and when the rate
    /// limit allows): returns when to try again if the rate limit holds the queue back.
    pub(crate) fn flush_outbox(&self) -> Option<Instant> {
        self.outbox_waker.drain();
        self.write_queue(None)
    }

    /// Writes queued frames in order while the client is ready and the rate limit allows.
    /// A caller (`own` = its frame) stops once its own frame is out; the reader writes on
    /// until the queue is empty or held back. Returns when the rate limit allows the next.
    fn write_queue(&self, own: Option<&Arc<Mutex<Slot>>>) -> Option<Instant> {
        let Some(writing) = self.outgoing.writer.try_lock() else {
            // Another thread is writing; it hands over to the reader if it leaves frames.
            return None;
        };
        // (when the rate limit allows the next, whether the queue was found empty)
        let (again, emptied) = loop {
            if own.is_some_and(|s| *s.lock() != Slot::Queued) {
                break (None, false);
            }
            let ready = self.state() == State::Ready;
            let next = {
                let mut q = self.outgoing.outbox.lock();
                let mut bucket = self.outgoing.bucket.as_ref().map(|b| b.lock());
                q.next(ready, bucket.as_deref_mut(), Instant::now())
            };
            match next {
                Next::Write(item) => {
                    if !self.write_one(item) {
                        break (None, false);
                    }
                }
                Next::Expired(item) => {
                    log::debug!("frame {} waited longer than queue_timeout", item.id);
                    self.finish(&item, Err(Error::Timeout(TimeoutKind::Queue)));
                }
                Next::WaitUntil(at) => break (Some(at), false),
                Next::NotReady => break (None, false),
                Next::Empty => break (None, true),
            }
        };
        drop(writing);
        // Frames left for later go to the reader: a caller always hands over; the reader
        // wakes itself only for frames queued while it was writing (it flushes again at
        // `hello` and at the instant it returns).
        if (own.is_some() || emptied) && self.outbox_len() > 0 {
            self.outbox_waker.wake();
        }
        again
    }

    /// Writes one frame. False when the queue must stop (the connection is gone or failed).
    fn write_one(&self, item: Queued) -> bool {
        let mut slot = item.slot.lock();
        let detached = match *slot {
            Slot::Queued => false,
            Slot::Detached => true,
            Slot::Sent { .. } | Slot::Cancelled => return true,
        };
        let await_reply = item.await_reply && !detached;
        let conn = match self.connection() {
            Some(conn) if self.state() == State::Ready => conn,
            _ => {
                drop(slot);
                self.outgoing.outbox.lock().push_front(item);
                return false;
            }
        };
        if await_reply {
            self.waiters
                .register(item.id, conn.generation, item.tx.clone());
        }
        let write_deadline = after(Instant::now(), self.config.write_timeout);
        match conn.send_frame(item.text.clone(), write_deadline) {
            Ok(()) => {
                log::trace!("sent {} frame {}", item.kind, item.id);
                *slot = Slot::Sent {
                    id: item.id,
                    at: Instant::now(),
                };
                // Its caller may be waiting for the queue deadline: the reply deadline
                // runs from now.
                let _ = item.left_queue.try_send(());
                if !await_reply {
                    self.counters.sent_unacked.fetch_add(1, Ordering::Relaxed);
                    let _ = item.tx.try_send(Ok(None));
                }
                true
            }
            Err(failure) => {
                let _ = self.waiters.cancel(item.id);
                // End this connection whatever happened, so that what is still buffered
                // for it can never go out later (the reader reconnects).
                log::debug!("frame {} could not be written: {}", item.id, failure.error);
                conn.kill(failure.error.clone());
                let verdict =
                    after_failed_write(failure.later_frames, item.deadline, Instant::now());
                match verdict {
                    FailedWrite::Requeue => {
                        drop(slot);
                        self.outgoing.outbox.lock().push_front(item);
                    }
                    FailedWrite::NothingSent => {
                        *slot = Slot::Cancelled;
                        self.count_failed();
                        let _ = item.tx.try_send(Err(Error::Timeout(TimeoutKind::Queue)));
                    }
                    FailedWrite::MayHaveBeenSent => {
                        *slot = Slot::Cancelled;
                        self.count_failed();
                        let _ = item.tx.try_send(Err(Error::NoReplyReceived {
                            id: item.id,
                            cause: NoReplyCause::WriteUnfinished,
                        }));
                    }
                }
                false
            }
        }
    }

    /// Whether a typing indicator may go to `channel` now (at most one per 3 s).
    pub(crate) fn typing_allowed(&self, channel: &str) -> bool {
        self.outgoing.typing.lock().allow(channel, Instant::now())
    }

    /// Fails every queued frame: the session ended, nothing of them was sent. (`_cause` is
    /// in the `disconnected` event; a queued send says only that it was not sent.)
    pub(crate) fn fail_outbox(&self, _cause: &Error) {
        let items = self.outgoing.outbox.lock().close();
        for item in items {
            self.finish(&item, Err(Error::SendWhileDisconnected));
        }
    }

    /// A session starts: sends that need one are accepted again (see `Outbox::close`).
    pub(crate) fn open_outbox(&self) {
        self.outgoing.outbox.lock().open();
    }

    /// Frames waiting to be written (withdrawn ones are purged as they are withdrawn).
    pub(crate) fn outbox_len(&self) -> usize {
        self.outgoing.outbox.lock().len()
    }

    /// Ends an unwritten frame with the failure `outcome`, unless its caller already gave
    /// up; counts it in `sends_failed` whether or not anyone still waits for it.
    fn finish(&self, item: &Queued, outcome: Outcome) {
        let mut slot = item.slot.lock();
        if matches!(*slot, Slot::Queued | Slot::Detached) {
            *slot = Slot::Cancelled;
            self.count_failed();
            let _ = item.tx.try_send(outcome);
        }
    }

    /// Counts one send that ended in a failure (every failure is counted once, where it
    /// is decided: here, in the sender, by a caller's withdrawal, or by the reply waiters).
    pub(crate) fn count_failed(&self) {
        self.counters.sends_failed.fetch_add(1, Ordering::Relaxed);
    }

    /// `Stats::sends_failed`: the failures counted here plus the reply waiters' own.
    pub(crate) fn sends_failed(&self) -> u64 {
        self.counters
            .sends_failed
            .load(Ordering::Relaxed)
            .saturating_add(self.waiters.failed())
    }
}

impl Ticket {
    /// Waits for the outcome: while queued until the queue deadline, once written until
    /// `reply_timeout` after the write; never past `give_up` (then the error is
    /// `on_give_up` if the frame was still queued).
    pub(crate) fn wait(
        &self,
        shared: &Shared,
        give_up: Option<Instant>,
        on_give_up: Error,
    ) -> Result<Option<Reply>> {
        // Until the frame leaves the queue, a wait also ends when it does.
        let mut queued = true;
        loop {
            let now = Instant::now();
            let slot = *self.slot.lock();
            let decision = match give_up {
                Some(end) if now >= end => match slot {
                    Slot::Queued => Waiting::Withdraw,
                    Slot::Sent { id, .. } => Waiting::Unanswered(id),
                    Slot::Cancelled | Slot::Detached => Waiting::Finished,
                },
                _ => waiting(slot, self.queue_deadline, shared.config.reply_timeout, now),
            };
            match decision {
                Waiting::Until(t) => {
                    let t = give_up.map_or(t, |g| g.min(t));
                    queued &= slot == Slot::Queued;
                    if queued {
                        // Written by another thread (the reader at hello, or a sender
                        // that held the writer lock), it is told here: its reply wait
                        // starts at the write.
                        crossbeam_channel::select! {
                            recv(self.rx) -> outcome => {
                                if let Ok(outcome) = outcome {
                                    return outcome;
                                }
                            }
                            recv(self.left_queue) -> left => queued = left.is_ok(),
                            default(t.saturating_duration_since(now)) => {}
                        }
                    } else if let Ok(outcome) = self.rx.recv_deadline(t) {
                        return outcome;
                    }
                }
                Waiting::Withdraw => {
                    let withdrawn = {
                        let mut slot = self.slot.lock();
                        let queued = *slot == Slot::Queued;
                        if queued {
                            *slot = Slot::Cancelled;
                        }
                        queued
                    };
                    if withdrawn {
                        // Out of the queue now, so that it neither counts as waiting nor
                        // holds its text until it would have reached the head. (The slot
                        // lock is released first: the queue locks slots under its lock.)
                        shared.outgoing.outbox.lock().purge_withdrawn();
                        shared.count_failed();
                        return Err(match give_up {
                            Some(end) if now >= end => on_give_up,
                            _ => Error::Timeout(TimeoutKind::Queue),
                        });
                    }
                }
                Waiting::Unanswered(id) => {
                    if shared.waiters.cancel(id) {
                        shared.count_failed();
                        return Err(Error::NoReplyReceived {
                            id,
                            cause: NoReplyCause::TimedOut,
                        });
                    }
                    // A reply or a failure took the waiter first (and counted itself):
                    // its outcome is in the channel or about to be (the one second only
                    // bounds a broken promise; the send follows the removal at once).
                    return self.rx.recv_timeout(Duration::from_secs(1)).unwrap_or(Err(
                        Error::NoReplyReceived {
                            id,
                            cause: NoReplyCause::TimedOut,
                        },
                    ));
                }
                Waiting::Finished => {
                    return self.rx.try_recv().unwrap_or_else(|_| {
                        shared.count_failed();
                        Err(Error::Shutdown)
                    });
                }
            }
        }
    }

    /// The outcome if it is already known, without waiting.
    pub(crate) fn try_get(&self) -> Option<Outcome> {
        self.rx.try_recv().ok()
    }

    /// Stops waiting for the outcome: a queued frame still goes out, without registering
    /// for a reply; a written one's reply waiter is released.
    pub(crate) fn release(&self, shared: &Shared) {
        let mut slot = self.slot.lock();
        match *slot {
            Slot::Queued => *slot = Slot::Detached,
            Slot::Sent { id, .. } => {
                shared.waiters.cancel(id);
            }
            Slot::Cancelled | Slot::Detached => {}
        }
    }
}

/// Serializes one client frame; refuses frames over the protocol's 16 KB limit.
pub(crate) fn encode_frame(id: u64, kind: &str, mut body: Map<String, Value>) -> Result<String> {
    body.insert("id".into(), Value::from(id));
    body.insert("type".into(), Value::from(kind));
    let text = serde_json::to_string(&Value::Object(body))
        .map_err(|e| Error::InvalidArgument(format!("the frame cannot be serialized: {e}")))?;
    if text.len() > MAX_FRAME_BYTES {
        return Err(Error::FrameTooLarge {
            size: text.len(),
            limit: MAX_FRAME_BYTES,
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_over_16_kb_are_refused_locally() {
        let mut body = Map::new();
        body.insert("text".into(), Value::from("x".repeat(MAX_FRAME_BYTES)));
        assert!(matches!(
            encode_frame(1, "message", body),
            Err(Error::FrameTooLarge {
                limit: MAX_FRAME_BYTES,
                ..
            })
        ));
    }

    #[test]
    fn id_and_type_cannot_be_overridden_by_the_body() {
        let mut body = Map::new();
        body.insert("id".into(), Value::from(99));
        body.insert("type".into(), Value::from("ping"));
        let v: Value = serde_json::from_str(&encode_frame(3, "message", body).unwrap()).unwrap();
        assert_eq!(
            (v["id"].as_u64(), v["type"].as_str()),
            (Some(3), Some("message"))
        );
    }
}
