//! [`AckDeadlines`]: which delivered envelopes still wait for their ack, and which of
//! them are close to (or past) Slack's 3-second deadline. Pure: time is an argument.
//!
//! Deliveries arrive in time order, so the pending envelopes sit in a queue ordered by
//! delivery; an ack removes its entry from the index and the queue front is skipped
//! lazily. [`AckDeadlines::due`] reports each envelope at most twice (held too long, then
//! missed) and [`AckDeadlines::next_deadline`] gives the reader its next timer, so no
//! polling loop is needed.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Slack's ack deadline.
pub(crate) const ACK_DEADLINE: Duration = Duration::from_secs(3);
/// When a request still held unacked is logged and counted.
pub(crate) const ACK_WARN_AFTER: Duration = Duration::from_millis(2500);

/// How an ack landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AckTiming {
    /// From delivery to the ack.
    pub(crate) latency: Duration,
    /// Past the 3-second deadline: Slack may already have retried or shown an error.
    pub(crate) late: bool,
}

/// An envelope that crossed a threshold without an ack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Overdue {
    /// Held longer than the warning threshold (2.5 s by default).
    Held(Box<str>),
    /// Past the 3-second deadline.
    Missed(Box<str>),
}

#[derive(Debug)]
struct Pending {
    delivered_at: Instant,
    /// Tells this delivery's queue entries from those of an earlier delivery of the same
    /// id that was acked.
    seq: u64,
}

/// The envelopes delivered and not acked yet.
#[derive(Debug)]
pub(crate) struct AckDeadlines {
    warn_after: Duration,
    deadline: Duration,
    pending: HashMap<Box<str>, Pending>,
    next_seq: u64,
    /// Envelopes waiting for the warning threshold, in delivery order.
    to_warn: VecDeque<(Instant, Box<str>, u64)>,
    /// Envelopes past the warning, waiting for the deadline, in delivery order.
    to_miss: VecDeque<(Instant, Box<str>, u64)>,
}

impl AckDeadlines {
    /// The warning threshold and the deadline, as configured (for messages).
    pub(crate) fn limits(&self) -> (Duration, Duration) {
        (self.warn_after, self.deadline)
    }

    pub(crate) fn new(warn_after: Duration, deadline: Duration) -> Self {
        Self {
            warn_after: warn_after.min(deadline),
            deadline,
            pending: HashMap::new(),
            next_seq: 0,
            to_warn: VecDeque::new(),
            to_miss: VecDeque::new(),
        }
    }

    /// An envelope was handed out at `now`. A second delivery of an id still pending
    /// restarts nothing (the first delivery's clock is the one Slack keeps).
    pub(crate) fn delivered(&mut self, envelope_id: &str, now: Instant) {
        if self.pending.contains_key(envelope_id) {
            return;
        }
        let id: Box<str> = Box::from(envelope_id);
        self.next_seq += 1;
        let seq = self.next_seq;
        self.pending.insert(
            id.clone(),
            Pending {
                delivered_at: now,
                seq,
            },
        );
        self.to_warn.push_back((now, id, seq));
    }

    /// The ack for `envelope_id` went out at `now`; `None` if it was not pending
    /// (never delivered, or acked before).
    pub(crate) fn acked(&mut self, envelope_id: &str, now: Instant) -> Option<AckTiming> {
        let p = self.pending.remove(envelope_id)?;
        let latency = now.saturating_duration_since(p.delivered_at);
        self.trim();
        Some(AckTiming {
            latency,
            late: latency > self.deadline,
        })
    }

    /// Forgets an envelope that will never be acked (its session is over).
    pub(crate) fn forget(&mut self, envelope_id: &str) {
        self.pending.remove(envelope_id);
        self.trim();
    }

    /// Envelopes that crossed the warning threshold or the deadline by `now`, each
    /// reported once per threshold. A missed envelope stays pending (so that its ack, if
    /// it comes, counts as late).
    pub(crate) fn due(&mut self, now: Instant) -> Vec<Overdue> {
        let mut out = Vec::new();
        while let Some((at, _, _)) = self.to_warn.front() {
            if now.saturating_duration_since(*at) < self.warn_after {
                break;
            }
            let Some((at, id, seq)) = self.to_warn.pop_front() else {
                break;
            };
            if self.is_current(&id, seq) {
                out.push(Overdue::Held(id.clone()));
                self.to_miss.push_back((at, id, seq));
            }
        }
        while let Some((at, _, _)) = self.to_miss.front() {
            if now.saturating_duration_since(*at) < self.deadline {
                break;
            }
            let Some((_, id, seq)) = self.to_miss.pop_front() else {
                break;
            };
            if self.is_current(&id, seq) {
                out.push(Overdue::Missed(id));
            }
        }
        out
    }

    /// When [`AckDeadlines::due`] next has something to report.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        self.trim();
        let warn = self
            .to_warn
            .front()
            .map(|(at, _, _)| crate::protocol::deadline::after(*at, self.warn_after));
        let miss = self
            .to_miss
            .front()
            .map(|(at, _, _)| crate::protocol::deadline::after(*at, self.deadline));
        match (warn, miss) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The latest ack deadline among the envelopes still waiting for their ack (`None`:
    /// none waits). Linear in the pending envelopes: asked once per wake-up of a
    /// graceful disconnect, never per frame.
    pub(crate) fn owed_until(&self) -> Option<Instant> {
        self.pending
            .values()
            .map(|p| p.delivered_at)
            .max()
            .map(|at| crate::protocol::deadline::after(at, self.deadline))
    }

    /// Forgets every pending envelope (the session is over: none can be acked).
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
        self.to_warn.clear();
        self.to_miss.clear();
    }

    /// Envelopes waiting for their ack.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len()
    }

    fn is_current(&self, id: &str, seq: u64) -> bool {
        self.pending.get(id).is_some_and(|p| p.seq == seq)
    }

    /// Drops entries of acked envelopes from the queue fronts.
    fn trim(&mut self) {
        while let Some((_, id, seq)) = self.to_warn.front() {
            if self.pending.get(id).is_some_and(|p| p.seq == *seq) {
                break;
            }
            self.to_warn.pop_front();
        }
        while let Some((_, id, seq)) = self.to_miss.front() {
            if self.pending.get(id).is_some_and(|p| p.seq == *seq) {
                break;
            }
            self.to_miss.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn tracker() -> AckDeadlines {
        AckDeadlines::new(ACK_WARN_AFTER, ACK_DEADLINE)
    }

    #[test]
    fn an_ack_within_the_deadline_is_on_time_and_reports_its_latency() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        assert_eq!(
            d.acked("a", t0 + ms(40)),
            Some(AckTiming {
                latency: ms(40),
                late: false
            })
        );
        assert_eq!(d.pending(), 0);
        assert_eq!(d.next_deadline(), None);
    }

    #[test]
    fn a_request_held_past_two_and_a_half_seconds_is_reported_once_then_missed_at_three() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        assert_eq!(d.next_deadline(), Some(t0 + ms(2500)));
        assert!(d.due(t0 + ms(2499)).is_empty());
        assert_eq!(d.due(t0 + ms(2500)), vec![Overdue::Held("a".into())]);
        assert!(d.due(t0 + ms(2600)).is_empty());
        assert_eq!(d.next_deadline(), Some(t0 + ms(3000)));
        assert_eq!(d.due(t0 + ms(3000)), vec![Overdue::Missed("a".into())]);
        assert!(d.due(t0 + ms(9000)).is_empty());
        assert_eq!(d.next_deadline(), None);
        // The ack that finally comes is late.
        assert_eq!(d.acked("a", t0 + ms(3500)).map(|t| t.late), Some(true));
    }

    #[test]
    fn acked_envelopes_are_never_reported() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        d.delivered("b", t0 + ms(100));
        d.acked("a", t0 + ms(10));
        assert_eq!(d.next_deadline(), Some(t0 + ms(2600)));
        assert_eq!(
            d.due(t0 + ms(5000)),
            vec![Overdue::Held("b".into()), Overdue::Missed("b".into())]
        );
    }

    #[test]
    fn a_second_ack_or_an_unknown_id_is_not_counted() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        assert!(d.acked("a", t0).is_some());
        assert!(d.acked("a", t0).is_none());
        assert!(d.acked("zz", t0).is_none());
    }

    #[test]
    fn a_redelivered_id_keeps_the_first_delivery_clock() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        d.delivered("a", t0 + ms(2000));
        assert_eq!(d.acked("a", t0 + ms(3100)).map(|t| t.late), Some(true));
    }

    #[test]
    fn deadlines_stay_in_order_when_warnings_and_deadlines_interleave() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        d.delivered("b", t0 + ms(2800));
        assert_eq!(d.due(t0 + ms(2500)), vec![Overdue::Held("a".into())]);
        assert_eq!(d.next_deadline(), Some(t0 + ms(3000)));
        assert_eq!(d.due(t0 + ms(3000)), vec![Overdue::Missed("a".into())]);
        assert_eq!(d.next_deadline(), Some(t0 + ms(5300)));
        let mut later = d.due(t0 + ms(6000));
        later.sort_by_key(|o| matches!(o, Overdue::Missed(_)));
        assert_eq!(
            later,
            vec![Overdue::Held("b".into()), Overdue::Missed("b".into())]
        );
    }

    #[test]
    fn an_id_acked_and_delivered_again_is_timed_from_its_second_delivery() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        d.acked("a", t0 + ms(1));
        d.delivered("b", t0 + ms(2));
        d.delivered("a", t0 + ms(2000));
        assert_eq!(d.due(t0 + ms(2600)), vec![Overdue::Held("b".into())]);
        assert_eq!(d.next_deadline(), Some(t0 + ms(3002)));
    }

    #[test]
    fn what_is_owed_lasts_until_the_deadline_of_the_latest_delivery_still_unacked() {
        let t0 = Instant::now();
        let mut d = tracker();
        assert_eq!(d.owed_until(), None);
        d.delivered("a", t0);
        d.delivered("b", t0 + ms(700));
        assert_eq!(d.owed_until(), Some(t0 + ms(3700)));
        d.acked("b", t0 + ms(800));
        assert_eq!(d.owed_until(), Some(t0 + ms(3000)));
        d.acked("a", t0 + ms(900));
        assert_eq!(d.owed_until(), None);
    }

    #[test]
    fn clearing_at_the_end_of_a_session_leaves_nothing_owed_and_no_timer() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        d.delivered("b", t0);
        d.clear();
        assert_eq!(
            (d.pending(), d.owed_until(), d.next_deadline()),
            (0, None, None)
        );
        assert!(d.due(t0 + ms(10_000)).is_empty());
    }

    #[test]
    fn forgotten_envelopes_leave_no_timer_behind() {
        let t0 = Instant::now();
        let mut d = tracker();
        d.delivered("a", t0);
        d.forget("a");
        assert_eq!(d.next_deadline(), None);
        assert!(d.due(t0 + ms(10_000)).is_empty());
    }
}
