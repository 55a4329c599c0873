//! Checked time arithmetic: a deadline `d` after `now` never panics, however large `d` is
//! (a `Retry-After` of 2^64 s, a `Duration::MAX` timeout).

use std::time::{Duration, Instant};

/// About 30 years: later than any deadline that matters, and always representable.
const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 3600);

/// `now + d`, or a moment so far ahead that it never comes when `d` does not fit.
///
/// ```ignore
/// let later = after(now, Duration::MAX); // no panic
/// ```
pub(crate) fn after(now: Instant, d: Duration) -> Instant {
    now.checked_add(d)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}

/// The earliest of some optional deadlines.
pub(crate) fn earliest<I: IntoIterator<Item = Option<Instant>>>(deadlines: I) -> Option<Instant> {
    deadlines.into_iter().flatten().min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_duration_gives_a_far_deadline_instead_of_a_panic() {
        let now = Instant::now();
        let t = after(now, Duration::MAX);
        assert!(t > now + Duration::from_secs(365 * 24 * 3600));
        let t = after(now, Duration::from_secs(u64::MAX));
        assert!(t > now);
    }

    #[test]
    fn an_ordinary_duration_is_added_exactly() {
        let now = Instant::now();
        assert_eq!(
            after(now, Duration::from_millis(5)),
            now + Duration::from_millis(5)
        );
    }

    #[test]
    fn the_earliest_deadline_ignores_missing_ones() {
        let now = Instant::now();
        let later = now + Duration::from_secs(1);
        assert_eq!(earliest([None, Some(later), Some(now)]), Some(now));
        assert_eq!(earliest([None, None]), None);
    }
}
