//! [`AttemptBudget`]: a hard cap on connection attempts over sliding windows — no more than
//! 5 in any 10 s and 10 in any minute — that holds whatever the server does and whatever
//! the backoff computes. Pure: times are passed in.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::protocol::deadline::after;

/// One window: at most `attempts` starts in any `within`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) attempts: usize,
    pub(crate) within: Duration,
}

/// The default windows: 5 per 10 s, 10 per minute.
pub(crate) const DEFAULT_WINDOWS: [Window; 2] = [
    Window {
        attempts: 5,
        within: Duration::from_secs(10),
    },
    Window {
        attempts: 10,
        within: Duration::from_secs(60),
    },
];

/// The start times of the most recent attempts, enough to enforce every window.
#[derive(Debug, Clone)]
pub(crate) struct AttemptBudget {
    windows: Vec<Window>,
    recent: VecDeque<Instant>,
}

impl Default for AttemptBudget {
    fn default() -> Self {
        Self::new(&DEFAULT_WINDOWS)
    }
}

impl AttemptBudget {
    pub(crate) fn new(windows: &[Window]) -> Self {
        Self {
            windows: windows.iter().copied().filter(|w| w.attempts > 0).collect(),
            recent: VecDeque::new(),
        }
    }

    /// The earliest moment, not before `now`, at which another attempt may start.
    pub(crate) fn earliest(&self, now: Instant) -> Instant {
        let n = self.recent.len();
        self.windows
            .iter()
            .filter(|w| n >= w.attempts)
            .map(|w| after(self.recent[n - w.attempts], w.within))
            .fold(now, Instant::max)
    }

    /// Records that the last attempt's connect call was answered (or failed) at `at`: the
    /// server saw it no later than that, so the windows count it from then. Counted from
    /// its start alone, an attempt whose request reached the server late (a loaded machine,
    /// a slow proxy) would let the next ones look closer together to the server than the
    /// cap allows.
    pub(crate) fn settled(&mut self, at: Instant) {
        if let Some(last) = self.recent.back_mut() {
            *last = (*last).max(at);
        }
    }

    /// Records that an attempt started at `at`.
    pub(crate) fn record(&mut self, at: Instant) {
        self.recent.push_back(at);
        let keep = self.windows.iter().map(|w| w.attempts).max().unwrap_or(0);
        while self.recent.len() > keep {
            self.recent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_answered_late_counts_from_its_answer() {
        let t0 = Instant::now();
        let mut budget = AttemptBudget::default();
        budget.record(t0);
        budget.settled(t0 + Duration::from_secs(2));
        for i in 1..5 {
            budget.record(t0 + Duration::from_secs(2) + i * MS);
        }
        assert_eq!(budget.earliest(t0), t0 + Duration::from_secs(12));
    }

    #[test]
    fn settling_never_moves_an_attempt_earlier() {
        let t0 = Instant::now() + Duration::from_secs(5);
        let mut budget = AttemptBudget::new(&[Window {
            attempts: 1,
            within: Duration::from_secs(10),
        }]);
        budget.record(t0);
        budget.settled(t0 - Duration::from_secs(1));
        assert_eq!(budget.earliest(t0), t0 + Duration::from_secs(10));
    }

    #[test]
    fn settling_with_no_attempt_recorded_does_nothing() {
        let now = Instant::now();
        let mut budget = AttemptBudget::default();
        budget.settled(now);
        assert_eq!(budget.earliest(now), now);
    }

    const MS: Duration = Duration::from_millis(1);

    /// Attempts in the busiest window of `len` over `starts`.
    fn busiest(starts: &[Instant], len: Duration) -> usize {
        starts
            .iter()
            .map(|&a| starts.iter().filter(|&&b| b >= a && b < a + len).count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn an_eager_caller_gets_at_most_five_attempts_in_any_ten_seconds_and_ten_a_minute() {
        let t0 = Instant::now();
        let mut budget = AttemptBudget::default();
        let mut now = t0;
        let mut starts = Vec::new();
        // A caller that would retry every millisecond for ten minutes.
        while now < t0 + Duration::from_secs(600) {
            let at = budget.earliest(now);
            budget.record(at);
            starts.push(at);
            now = at + MS;
        }
        assert!(busiest(&starts, Duration::from_secs(10)) <= 5);
        assert!(busiest(&starts, Duration::from_secs(60)) <= 10);
        // ... and the budget is not stingier than it says.
        assert!(
            starts.len() >= 95,
            "{} attempts in 10 minutes",
            starts.len()
        );
    }

    #[test]
    fn the_first_attempts_are_not_delayed() {
        let t0 = Instant::now();
        let mut budget = AttemptBudget::default();
        for i in 0..5 {
            let now = t0 + i * MS;
            assert_eq!(budget.earliest(now), now);
            budget.record(now);
        }
        assert_eq!(budget.earliest(t0 + 5 * MS), t0 + Duration::from_secs(10));
    }

    #[test]
    fn an_adversarial_mix_of_delays_never_breaks_the_windows() {
        // Delays a hostile server could provoke: instant drops, tiny gaps, then bursts.
        let pattern = [
            0u64, 0, 1, 0, 3, 2000, 0, 0, 9000, 0, 0, 0, 100, 0, 20_000, 0,
        ];
        let t0 = Instant::now();
        let mut budget = AttemptBudget::default();
        let mut now = t0;
        let mut starts = Vec::new();
        for round in 0..400 {
            let at = budget.earliest(now);
            budget.record(at);
            starts.push(at);
            now = at + Duration::from_millis(pattern[round % pattern.len()]);
        }
        assert!(busiest(&starts, Duration::from_secs(10)) <= 5);
        assert!(busiest(&starts, Duration::from_secs(60)) <= 10);
    }

    #[test]
    fn an_empty_window_list_never_delays() {
        let t0 = Instant::now();
        let mut budget = AttemptBudget::new(&[]);
        for _ in 0..100 {
            budget.record(t0);
        }
        assert_eq!(budget.earliest(t0), t0);
    }
}
