//! Scripted reply behaviour: how (and whether) the server acknowledges chat messages.

use std::time::{Duration, Instant};

/// How the server answers a valid `message` frame sent by the client.
///
/// Only the `{"ok":true,"reply_to":..}` acknowledgement of a *valid* chat message is
/// affected. Validation errors, `pong`s and the echoed `message` event (see
/// [`FakeSlackBuilder::echo_own_messages`](super::FakeSlackBuilder::echo_own_messages))
/// are never held back: the echo is broadcast as soon as the message is accepted, so under
/// [`Delay`](AckPolicy::Delay) or [`Reorder`](AckPolicy::Reorder) it arrives before the ack,
/// and under [`Drop`](AckPolicy::Drop) it arrives without one (a "lost reply").
///
/// A policy applies to messages received after it was set
/// ([`FakeSlack::set_ack_policy`](super::FakeSlack::set_ack_policy)); acks already held
/// keep their schedule.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{AckPolicy, FakeSlack};
///
/// let slack = FakeSlack::start()?;
/// slack.set_ack_policy(AckPolicy::Delay(Duration::from_millis(200)));
/// slack.set_ack_policy(AckPolicy::Error { code: 99, msg: "try later".into() });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AckPolicy {
    /// Acknowledge at once (the default).
    #[default]
    Immediate,
    /// Acknowledge after this delay. Each ack keeps its own timer, so they stay in order.
    Delay(Duration),
    /// Never acknowledge (the message is still accepted and echoed).
    Drop,
    /// Hold acks and release them newest first: as soon as two are held, both go out in
    /// reverse order; a single ack is released on its own after
    /// [`AckPolicy::REORDER_HOLD`].
    Reorder,
    /// Reject every message with `{"ok":false,"reply_to":id,"error":{"code","msg"}}`;
    /// nothing is echoed.
    Error {
        /// The `error.code` to send.
        code: i64,
        /// The `error.msg` to send.
        msg: String,
    },
    /// Hold each ack and send it on the next websocket session, right after its `hello`:
    /// the protocol's "the new connection may carry the reply to the last message sent".
    /// Pair it with [`FakeSlack::drop_connections`](crate::fake::FakeSlack::drop_connections).
    NextConnection,
}

impl AckPolicy {
    /// How long [`AckPolicy::Reorder`] holds a lone ack before releasing it.
    ///
    /// ```
    /// use std::time::Instant;
    /// use slack_rtm::fake::{AckPolicy, FakeSlack};
    ///
    /// let slack = FakeSlack::start()?;
    /// slack.add_channel("C1", "one");
    /// let client = slack.client()?;
    /// client.start()?;
    /// slack.set_ack_policy(AckPolicy::Reorder);
    /// // Nothing to swap it with: the lone ack goes out after the hold.
    /// let sent = Instant::now();
    /// client.send_message("C1", "alone")?;
    /// assert!(sent.elapsed() >= AckPolicy::REORDER_HOLD);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const REORDER_HOLD: Duration = Duration::from_millis(250);
}

/// Acks waiting to go out under [`AckPolicy::Delay`] or [`AckPolicy::Reorder`], per
/// session. Pure bookkeeping: the session thread asks it what is due and when to wake.
#[derive(Debug)]
pub(crate) struct AckQueue<T> {
    /// Delayed acks, in the order they were accepted, each with its release time.
    delayed: Vec<(Instant, T)>,
    /// Acks held for reordering, oldest first.
    held: Vec<T>,
    /// When the lone held ack (if any) is released.
    held_until: Option<Instant>,
}

impl<T> Default for AckQueue<T> {
    fn default() -> Self {
        Self {
            delayed: Vec::new(),
            held: Vec::new(),
            held_until: None,
        }
    }
}

impl<T> AckQueue<T> {
    /// Takes an ack accepted at `now` under `policy`; returns the acks to send at once,
    /// in order. [`AckPolicy::Drop`] and [`AckPolicy::Error`] are decided by the caller
    /// (there is no ack to queue); given here they send nothing.
    pub(crate) fn submit(&mut self, policy: &AckPolicy, ack: T, now: Instant) -> Vec<T> {
        match policy {
            AckPolicy::Immediate => vec![ack],
            AckPolicy::Delay(d) => {
                self.delayed
                    .push((crate::protocol::deadline::after(now, *d), ack));
                Vec::new()
            }
            AckPolicy::Reorder => {
                self.held.push(ack);
                if self.held.len() >= 2 {
                    self.held_until = None;
                    self.held.drain(..).rev().collect()
                } else {
                    self.held_until = Some(crate::protocol::deadline::after(
                        now,
                        AckPolicy::REORDER_HOLD,
                    ));
                    Vec::new()
                }
            }
            AckPolicy::Drop | AckPolicy::Error { .. } | AckPolicy::NextConnection => Vec::new(),
        }
    }

    /// Removes and returns the acks whose time has come, in release order.
    pub(crate) fn due(&mut self, now: Instant) -> Vec<T> {
        let mut out = Vec::new();
        if self.held_until.is_some_and(|t| t <= now) {
            self.held_until = None;
            out.extend(self.held.drain(..).rev());
        }
        if self.delayed.iter().any(|(t, _)| *t <= now) {
            // Stable sort: equal release times keep their arrival order.
            self.delayed.sort_by_key(|(t, _)| *t);
            let ready = self.delayed.partition_point(|(t, _)| *t <= now);
            out.extend(self.delayed.drain(..ready).map(|(_, ack)| ack));
        }
        out
    }

    /// When [`AckQueue::due`] will next have something to return.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let delayed = self.delayed.iter().map(|(t, _)| *t).min();
        match (delayed, self.held_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immediate_sends_at_once() {
        let mut q = AckQueue::default();
        assert_eq!(q.submit(&AckPolicy::Immediate, 1, Instant::now()), vec![1]);
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn delay_releases_in_order_when_due() {
        let mut q = AckQueue::default();
        let t0 = Instant::now();
        let policy = AckPolicy::Delay(Duration::from_secs(1));
        assert!(q.submit(&policy, 1, t0).is_empty());
        assert!(q
            .submit(&policy, 2, t0 + Duration::from_millis(10))
            .is_empty());
        assert_eq!(q.next_deadline(), Some(t0 + Duration::from_secs(1)));
        assert!(q.due(t0 + Duration::from_millis(999)).is_empty());
        assert_eq!(q.due(t0 + Duration::from_secs(1)), vec![1]);
        assert_eq!(q.due(t0 + Duration::from_secs(2)), vec![2]);
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn reorder_releases_pairs_newest_first() {
        let mut q = AckQueue::default();
        let t0 = Instant::now();
        assert!(q.submit(&AckPolicy::Reorder, 1, t0).is_empty());
        assert_eq!(q.submit(&AckPolicy::Reorder, 2, t0), vec![2, 1]);
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn reorder_releases_a_lone_ack_on_its_timer() {
        let mut q = AckQueue::default();
        let t0 = Instant::now();
        assert!(q.submit(&AckPolicy::Reorder, 7, t0).is_empty());
        assert_eq!(q.next_deadline(), Some(t0 + AckPolicy::REORDER_HOLD));
        assert!(q.due(t0).is_empty());
        assert_eq!(q.due(t0 + AckPolicy::REORDER_HOLD), vec![7]);
    }

    #[test]
    fn drop_and_error_queue_nothing() {
        let mut q = AckQueue::default();
        let now = Instant::now();
        assert!(q.submit(&AckPolicy::Drop, 1, now).is_empty());
        let err = AckPolicy::Error {
            code: 5,
            msg: "no".into(),
        };
        assert!(q.submit(&err, 2, now).is_empty());
        assert_eq!(q.next_deadline(), None);
    }
}
