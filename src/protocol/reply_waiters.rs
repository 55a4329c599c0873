//! [`ReplyWaiters`]: the senders blocked until the reply whose `reply_to` matches their id.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;

use crate::error::{Error, NoReplyCause};
use crate::events::event::Reply;

/// How one send ends: a reply (`None` for frames that expect none), or an error.
pub(crate) type Outcome = Result<Option<Reply>, Error>;

struct Waiter {
    tx: Sender<Outcome>,
    /// The connection the frame was written on.
    generation: u64,
}

/// Frame ids awaiting a reply, each with a one-shot to wake its sender.
#[derive(Default)]
pub(crate) struct ReplyWaiters {
    map: Mutex<HashMap<u64, Waiter>>,
    /// Waiters failed by [`fail_before`](ReplyWaiters::fail_before): each is a send that
    /// ended without a reply (part of `Stats::sends_failed`).
    failed: AtomicU64,
}

/// A one-shot channel for one [`Outcome`].
pub(crate) fn oneshot() -> (Sender<Outcome>, Receiver<Outcome>) {
    crossbeam_channel::bounded(1)
}

impl ReplyWaiters {
    /// Registers `id`, written on connection `generation`; the outcome goes to `tx`.
    pub(crate) fn register(&self, id: u64, generation: u64, tx: Sender<Outcome>) {
        self.map.lock().insert(id, Waiter { tx, generation });
    }

    /// Delivers an outcome to the waiter for `id`. False when nobody waits for it any more
    /// (it timed out, or the id is not ours).
    pub(crate) fn resolve(&self, id: u64, outcome: Outcome) -> bool {
        let waiter = self.map.lock().remove(&id);
        match waiter {
            Some(w) => {
                // The receiver may have just timed out; then the outcome is dropped.
                let _ = w.tx.try_send(outcome);
                true
            }
            None => false,
        }
    }

    /// Forgets `id` (its sender stopped waiting). True if it was still registered: then
    /// nobody else will decide its outcome; false when a reply or a failure already took
    /// it (its outcome is in, or about to be in, the sender's channel).
    pub(crate) fn cancel(&self, id: u64) -> bool {
        self.map.lock().remove(&id).is_some()
    }

    /// Fails every waiter whose frame was written on a connection older than `generation`.
    pub(crate) fn fail_before(&self, generation: u64, cause: NoReplyCause) -> usize {
        let failed: Vec<(u64, Waiter)> = {
            let mut map = self.map.lock();
            let ids: Vec<u64> = map
                .iter()
                .filter(|(_, w)| w.generation < generation)
                .map(|(id, _)| *id)
                .collect();
            ids.into_iter()
                .filter_map(|id| map.remove(&id).map(|w| (id, w)))
                .collect()
        };
        let n = failed.len();
        self.failed
            .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
        for (id, w) in failed {
            let _ = w.tx.try_send(Err(Error::NoReplyReceived { id, cause }));
        }
        n
    }

    /// Fails every waiter.
    pub(crate) fn fail_all(&self, cause: NoReplyCause) -> usize {
        self.fail_before(u64::MAX, cause)
    }

    /// How many sends wait for a reply.
    pub(crate) fn len(&self) -> usize {
        self.map.lock().len()
    }

    /// How many waiters were failed so far (connection lost, session ended).
    pub(crate) fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: u64) -> Reply {
        Reply {
            reply_to: id,
            ts: None,
            text: None,
            data: serde_json::Value::Null,
        }
    }

    #[test]
    fn replies_in_any_order_reach_their_own_waiter() {
        let w = ReplyWaiters::default();
        let (t1, r1) = oneshot();
        let (t2, r2) = oneshot();
        w.register(1, 0, t1);
        w.register(2, 0, t2);
        assert!(w.resolve(2, Ok(Some(reply(2)))));
        assert!(w.resolve(1, Ok(Some(reply(1)))));
        assert_eq!(r1.try_recv().unwrap().unwrap().unwrap().reply_to, 1);
        assert_eq!(r2.try_recv().unwrap().unwrap().unwrap().reply_to, 2);
        assert!(
            !w.resolve(1, Ok(None)),
            "a second reply to the same id is not delivered"
        );
    }

    #[test]
    fn failing_older_connections_spares_the_current_one() {
        let w = ReplyWaiters::default();
        let (t1, r1) = oneshot();
        let (t2, r2) = oneshot();
        w.register(1, 1, t1);
        w.register(2, 2, t2);
        assert_eq!(w.fail_before(2, NoReplyCause::ConnectionLost), 1);
        assert!(matches!(
            r1.try_recv().unwrap(),
            Err(Error::NoReplyReceived {
                id: 1,
                cause: NoReplyCause::ConnectionLost
            })
        ));
        assert!(r2.try_recv().is_err());
        assert_eq!(w.len(), 1);
        assert_eq!(w.failed(), 1, "the failed waiter is counted once");
        w.fail_all(NoReplyCause::Disconnected);
        assert_eq!(w.failed(), 2);
    }

    #[test]
    fn a_late_reply_after_cancel_is_dropped() {
        let w = ReplyWaiters::default();
        let (t, _r) = oneshot();
        w.register(5, 0, t);
        assert!(w.cancel(5), "the first cancel removes the waiter");
        assert!(
            !w.cancel(5),
            "a second finds nothing: someone else owns the outcome"
        );
        assert!(!w.resolve(5, Ok(None)));
        assert_eq!(w.len(), 0);
    }
}
