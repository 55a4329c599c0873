//! [`GracefulClose`]: how long [`disconnect`](crate::socket_mode::SocketModeClient::disconnect)
//! waits for the acks the app still owes before it closes the sockets. Pure: time is an
//! argument.
//!
//! From the moment `disconnect()` is called no new request is delivered (an envelope
//! that arrives is neither delivered nor acked, so Slack retries an `events_api` one
//! elsewhere); the requests already delivered may still be acked. The wait ends at the
//! first of:
//! - nothing is owed any more (every delivered request was acked, or dropped and acked
//!   bare);
//! - the grace (`disconnect_grace`) is over;
//! - every request still owed is past its ack deadline: an ack after it comes too late
//!   for Slack (an `events_api` retry went out at the deadline, a command or an
//!   interaction already showed the user an error), so waiting longer helps no one.

use std::time::{Duration, Instant};

/// The default `disconnect_grace`: Slack's ack deadline, so that by default every ack
/// that can still be on time is waited for.
pub(crate) const DEFAULT_DISCONNECT_GRACE: Duration = Duration::from_secs(3);

/// What `disconnect()` does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Wait for an ack until this moment (then ask again).
    WaitUntil(Instant),
    /// Close the sockets now; what is still owed is reported as not acked.
    Close,
}

/// One graceful close, from the moment `disconnect()` was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GracefulClose {
    grace_ends: Instant,
}

impl GracefulClose {
    /// A close that started at `now`, waiting at most `grace`.
    pub(crate) fn new(now: Instant, grace: Duration) -> Self {
        Self {
            grace_ends: crate::protocol::deadline::after(now, grace),
        }
    }

    /// When the wait ends at the latest (whatever is owed).
    pub(crate) fn grace_ends(&self) -> Instant {
        self.grace_ends
    }

    /// What to do at `now`, when the latest ack deadline among the requests still owed
    /// is `owed_until` (`None`: nothing is owed).
    pub(crate) fn next(&self, now: Instant, owed_until: Option<Instant>) -> Step {
        let Some(owed_until) = owed_until else {
            return Step::Close;
        };
        let until = owed_until.min(self.grace_ends);
        if until <= now {
            Step::Close
        } else {
            Step::WaitUntil(until)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn with_nothing_owed_the_sockets_close_at_once() {
        let t0 = Instant::now();
        let close = GracefulClose::new(t0, DEFAULT_DISCONNECT_GRACE);
        assert_eq!(close.next(t0, None), Step::Close);
    }

    #[test]
    fn an_owed_ack_is_waited_for_until_its_deadline_when_that_comes_before_the_grace_ends() {
        let t0 = Instant::now();
        let close = GracefulClose::new(t0, ms(3000));
        // Delivered 2 s before disconnect(): its deadline is 1 s away.
        let owed = t0 + ms(1000);
        assert_eq!(close.next(t0, Some(owed)), Step::WaitUntil(owed));
        assert_eq!(close.next(t0 + ms(400), Some(owed)), Step::WaitUntil(owed));
        assert_eq!(close.next(t0 + ms(1000), Some(owed)), Step::Close);
    }

    #[test]
    fn the_grace_bounds_the_wait_whatever_is_owed() {
        let t0 = Instant::now();
        let close = GracefulClose::new(t0, ms(500));
        let owed = t0 + ms(2900);
        assert_eq!(close.next(t0, Some(owed)), Step::WaitUntil(t0 + ms(500)));
        assert_eq!(
            close.next(t0 + ms(499), Some(owed)),
            Step::WaitUntil(t0 + ms(500))
        );
        assert_eq!(close.next(t0 + ms(500), Some(owed)), Step::Close);
        assert_eq!(close.grace_ends(), t0 + ms(500));
    }

    #[test]
    fn requests_already_past_their_deadline_are_not_waited_for() {
        let t0 = Instant::now();
        let close = GracefulClose::new(t0 + ms(5000), ms(3000));
        assert_eq!(close.next(t0 + ms(5000), Some(t0 + ms(3000))), Step::Close);
    }

    #[test]
    fn the_wait_ends_as_soon_as_the_last_owed_ack_is_in() {
        let t0 = Instant::now();
        let close = GracefulClose::new(t0, ms(3000));
        assert_eq!(
            close.next(t0, Some(t0 + ms(2000))),
            Step::WaitUntil(t0 + ms(2000))
        );
        // One of two acked: the other's deadline is now the latest.
        assert_eq!(
            close.next(t0 + ms(10), Some(t0 + ms(1500))),
            Step::WaitUntil(t0 + ms(1500))
        );
        assert_eq!(close.next(t0 + ms(20), None), Step::Close);
    }

    #[test]
    fn a_zero_grace_closes_at_once_like_before() {
        let t0 = Instant::now();
        let close = GracefulClose::new(t0, Duration::ZERO);
        assert_eq!(close.next(t0, Some(t0 + ms(2999))), Step::Close);
    }

    #[test]
    fn a_huge_grace_does_not_overflow_and_is_bounded_by_the_deadline() {
        let t0 = Instant::now();
        let close = GracefulClose::new(t0, Duration::MAX);
        assert_eq!(
            close.next(t0, Some(t0 + ms(3000))),
            Step::WaitUntil(t0 + ms(3000))
        );
    }
}
