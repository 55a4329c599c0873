//! [`MessageRate`]: the RTM message rate limit as the fake enforces it, per connection.
//! Pure: the clock is an argument.
//!
//! Slack's rule (rate-limits page, and the RTM page's "Limits"): no more than one message
//! per second sustained, bursts over that allowed for short periods; beyond them the
//! client "will receive an error message as a reply", and if it goes on sending it "will
//! be disconnected". Slack gives neither the burst size nor the error's code: both are
//! the fake's own choices ([`DEFAULT_BURST`], [`codes::RATE_LIMITED`](super::codes::RATE_LIMITED)),
//! and how many refused messages in a row end the connection ([`DISCONNECT_AFTER`]).

use std::time::Instant;

use crate::protocol::rate_limit::{RateLimit, TokenBucket};

/// Messages that may go at once after a quiet spell (Slack documents none: a short burst).
pub(crate) const DEFAULT_BURST: u32 = 10;
/// Refused messages in a row, with none accepted in between, that end the connection.
pub(crate) const DISCONNECT_AFTER: u32 = 5;

/// The fake's default limit: 1 message per second sustained, bursts of [`DEFAULT_BURST`].
pub(crate) fn default_limit() -> RateLimit {
    RateLimit::new(1.0, DEFAULT_BURST)
}

/// What to do with one `message` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Within the limit.
    Accept,
    /// Over the limit: answer with the rate-limit error reply.
    Refuse,
    /// Still sending after [`DISCONNECT_AFTER`] refusals: refuse it and close.
    Disconnect,
}

/// One connection's message rate.
#[derive(Debug)]
pub(crate) struct MessageRate {
    bucket: Option<TokenBucket>,
    refused_in_a_row: u32,
}

impl MessageRate {
    /// A limit starting full at `now`; `None` enforces nothing.
    pub(crate) fn new(limit: Option<RateLimit>, now: Instant) -> Self {
        Self {
            bucket: limit.map(|l| TokenBucket::new(l, now)),
            refused_in_a_row: 0,
        }
    }

    /// The verdict for a `message` frame arriving at `now`.
    pub(crate) fn admit(&mut self, now: Instant) -> Verdict {
        let Some(bucket) = &mut self.bucket else {
            return Verdict::Accept;
        };
        if bucket.take(now).is_ok() {
            self.refused_in_a_row = 0;
            return Verdict::Accept;
        }
        self.refused_in_a_row = self.refused_in_a_row.saturating_add(1);
        if self.refused_in_a_row > DISCONNECT_AFTER {
            Verdict::Disconnect
        } else {
            Verdict::Refuse
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_goes_through_then_one_message_a_second() {
        let t0 = Instant::now();
        let mut rate = MessageRate::new(Some(default_limit()), t0);
        for _ in 0..DEFAULT_BURST {
            assert_eq!(rate.admit(t0), Verdict::Accept);
        }
        assert_eq!(rate.admit(t0), Verdict::Refuse);
        assert_eq!(rate.admit(t0 + Duration::from_secs(1)), Verdict::Accept);
        assert_eq!(rate.admit(t0 + Duration::from_secs(1)), Verdict::Refuse);
    }

    #[test]
    fn a_client_that_keeps_sending_after_refusals_is_disconnected() {
        let t0 = Instant::now();
        let mut rate = MessageRate::new(Some(RateLimit::new(1.0, 1)), t0);
        assert_eq!(rate.admit(t0), Verdict::Accept);
        for _ in 0..DISCONNECT_AFTER {
            assert_eq!(rate.admit(t0), Verdict::Refuse);
        }
        assert_eq!(rate.admit(t0), Verdict::Disconnect);
    }

    #[test]
    fn an_accepted_message_forgives_earlier_refusals() {
        let t0 = Instant::now();
        let mut rate = MessageRate::new(Some(RateLimit::new(1.0, 1)), t0);
        assert_eq!(rate.admit(t0), Verdict::Accept);
        for _ in 0..DISCONNECT_AFTER {
            assert_eq!(rate.admit(t0), Verdict::Refuse);
        }
        let later = t0 + Duration::from_secs(1);
        assert_eq!(rate.admit(later), Verdict::Accept);
        assert_eq!(rate.admit(later), Verdict::Refuse);
    }

    #[test]
    fn the_client_default_pace_never_trips_the_fake_default_limit() {
        // The client's default: bursts of 5, then 1 a second.
        let t0 = Instant::now();
        let mut client = TokenBucket::new(RateLimit::default(), t0);
        let mut fake = MessageRate::new(Some(default_limit()), t0);
        let mut now = t0;
        for _ in 0..100 {
            if let Err(wait) = client.take(now) {
                now += wait;
                assert!(client.take(now).is_ok());
            }
            assert_eq!(fake.admit(now), Verdict::Accept);
        }
    }

    #[test]
    fn no_limit_accepts_everything() {
        let t0 = Instant::now();
        let mut rate = MessageRate::new(None, t0);
        for _ in 0..1000 {
            assert_eq!(rate.admit(t0), Verdict::Accept);
        }
    }
}
