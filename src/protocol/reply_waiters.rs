//! [`ReplyWaiters`]: the senders blocked until the reply whose `reply_to` matches their id.

use std::collections::HashMap;

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

    /// Forgets `id` (its sender stopped waiting).
    pub(crate) fn cancel(&self, id: u64) {
        self.map.lock().remove(&id);
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
    }

    #[test]
    fn a_late_reply_after_cancel_is_dropped() {
        let w = ReplyWaiters::default();
        let (t, _r) = oneshot();
        w.register(5, 0, t);
        w.cancel(5);
        assert!(!w.resolve(5, Ok(None)));
        assert_eq!(w.len(), 0);
    }
}
