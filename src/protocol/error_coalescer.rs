//! [`ErrorCoalescer`]: repeated errors from the server (malformed or binary frames) are
//! reported one by one up to a burst per interval; beyond it they are folded, and one
//! report counts them — so a flood becomes a few items a second, and no error goes
//! uncounted. Pure: the time is passed in.

use std::time::{Duration, Instant};

use crate::protocol::deadline::after;

/// The default interval.
pub(crate) const REPORT_EVERY: Duration = Duration::from_secs(1);
/// The default number of errors reported one by one per interval.
pub(crate) const BURST: u32 = 10;

/// Rate-limits error reports.
#[derive(Debug, Clone)]
pub(crate) struct ErrorCoalescer {
    every: Duration,
    burst: u32,
    /// When the current interval ends; `None` before the first error.
    window_end: Option<Instant>,
    reported: u32,
    folded: u64,
}

impl Default for ErrorCoalescer {
    fn default() -> Self {
        Self::new(REPORT_EVERY, BURST)
    }
}

impl ErrorCoalescer {
    pub(crate) fn new(every: Duration, burst: u32) -> Self {
        Self {
            every,
            burst,
            window_end: None,
            reported: 0,
            folded: 0,
        }
    }

    /// An error happened at `now`: `Some(n)` to report it now, together with `n` earlier
    /// ones that were folded and not reported yet; `None` to fold it.
    pub(crate) fn offer(&mut self, now: Instant) -> Option<u64> {
        if self.window_end.is_none_or(|end| now >= end) {
            self.window_end = Some(after(now, self.every));
            self.reported = 0;
        }
        if self.reported < self.burst {
            self.reported += 1;
            return Some(std::mem::take(&mut self.folded));
        }
        self.folded = self.folded.saturating_add(1);
        None
    }

    /// When folded errors are due to be reported, if any are waiting.
    pub(crate) fn flush_at(&self) -> Option<Instant> {
        (self.folded > 0).then_some(self.window_end).flatten()
    }

    /// The folded errors to report now (at the end of their interval), if any.
    pub(crate) fn flush(&mut self, now: Instant) -> Option<u64> {
        match self.flush_at() {
            Some(at) if now >= at => {
                self.window_end = Some(after(now, self.every));
                self.reported = 1;
                Some(std::mem::take(&mut self.folded))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_few_errors_are_each_reported_at_once() {
        let t0 = Instant::now();
        let mut c = ErrorCoalescer::default();
        for i in 0..10 {
            assert_eq!(c.offer(t0 + i * MS), Some(0));
        }
        assert_eq!(c.flush_at(), None);
    }

    #[test]
    fn a_flood_becomes_a_few_reports_a_second_that_count_every_error() {
        let t0 = Instant::now();
        let mut c = ErrorCoalescer::default();
        let (mut reports, mut counted) = (0u64, 0u64);
        // A million errors over 10 seconds, with the reader's timer checked as it goes.
        for i in 0..1_000_000u64 {
            let now = t0 + Duration::from_micros(i * 10);
            if let Some(n) = c.flush(now) {
                reports += 1;
                counted += n;
            }
            if let Some(n) = c.offer(now) {
                reports += 1;
                counted += 1 + n;
            }
        }
        if let Some(n) = c.flush(t0 + Duration::from_secs(3600)) {
            reports += 1;
            counted += n;
        }
        assert_eq!(counted, 1_000_000, "every error is counted once");
        assert!(reports <= 11 * 11, "{reports} reports");
    }

    #[test]
    fn folded_errors_are_flushed_at_the_end_of_their_interval() {
        let t0 = Instant::now();
        let mut c = ErrorCoalescer::new(Duration::from_secs(1), 2);
        assert_eq!(c.offer(t0), Some(0));
        assert_eq!(c.offer(t0), Some(0));
        assert_eq!(c.offer(t0), None);
        assert_eq!(c.offer(t0 + MS), None);
        assert_eq!(c.flush_at(), Some(t0 + Duration::from_secs(1)));
        assert_eq!(c.flush(t0 + 999 * MS), None);
        assert_eq!(c.flush(t0 + 1000 * MS), Some(2));
        assert_eq!(c.flush_at(), None);
    }

    #[test]
    fn a_new_interval_reports_what_was_folded_with_its_first_error() {
        let t0 = Instant::now();
        let mut c = ErrorCoalescer::new(Duration::from_secs(1), 1);
        assert_eq!(c.offer(t0), Some(0));
        assert_eq!(c.offer(t0), None);
        assert_eq!(c.offer(t0 + 2000 * MS), Some(1));
    }
}
