//! Deadline arithmetic for the blocking steps of a dial or a Web API call: pure, checked,
//! time passed in.

use std::time::{Duration, Instant};

/// One total deadline over several steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deadline {
    at: Option<Instant>,
}

impl Deadline {
    /// `budget` after `now`. A budget too large to represent means "no deadline" rather
    /// than a panic.
    pub(crate) fn after(now: Instant, budget: Duration) -> Deadline {
        Deadline {
            at: now.checked_add(budget),
        }
    }

    /// When it passes (`None`: never).
    pub(crate) fn at(&self) -> Option<Instant> {
        self.at
    }

    /// The earlier of this deadline and `other`.
    pub(crate) fn min(self, other: Deadline) -> Deadline {
        let at = match (self.at, other.at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Deadline { at }
    }

    /// The time left at `now`, or `None` once it has passed. "No deadline" leaves
    /// `Duration::MAX`.
    pub(crate) fn left(&self, now: Instant) -> Option<Duration> {
        match self.at {
            None => Some(Duration::MAX),
            Some(at) => {
                let left = at.saturating_duration_since(now);
                (!left.is_zero()).then_some(left)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_shrinks_with_the_clock_and_ends_at_the_deadline() {
        let t0 = Instant::now();
        let d = Deadline::after(t0, Duration::from_secs(10));
        assert_eq!(d.left(t0), Some(Duration::from_secs(10)));
        assert_eq!(
            d.left(t0 + Duration::from_secs(4)),
            Some(Duration::from_secs(6))
        );
        assert_eq!(d.left(t0 + Duration::from_secs(10)), None);
        assert_eq!(d.left(t0 + Duration::from_secs(11)), None);
    }

    #[test]
    fn a_huge_budget_means_no_deadline_instead_of_a_panic() {
        let t0 = Instant::now();
        let d = Deadline::after(t0, Duration::MAX);
        assert_eq!(d.at(), None);
        assert_eq!(
            d.left(t0 + Duration::from_secs(1 << 30)),
            Some(Duration::MAX)
        );
    }

    #[test]
    fn the_earlier_of_two_deadlines_wins() {
        let t0 = Instant::now();
        let short = Deadline::after(t0, Duration::from_secs(1));
        let long = Deadline::after(t0, Duration::from_secs(5));
        let never = Deadline::after(t0, Duration::MAX);
        assert_eq!(short.min(long), short);
        assert_eq!(long.min(short), short);
        assert_eq!(never.min(long), long);
        assert_eq!(never.min(never), never);
    }
}
