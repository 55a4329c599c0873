//! [`ConnectBudget`]: how often the client may call `apps.connections.open`, a Tier 1
//! method (about one call a minute sustained, small bursts), and the `Retry-After` floor
//! Slack sets with HTTP 429. Pure: time is an argument.

use std::time::{Duration, Instant};

/// Calls allowed in a burst.
pub(crate) const DEFAULT_CONNECT_BURST: u32 = 4;
/// One more call allowed per this much time.
pub(crate) const DEFAULT_CONNECT_REFILL: Duration = Duration::from_secs(60);
/// The wait assumed when a 429 comes without `Retry-After` (protocol §2: "assume 30 s or
/// more"); the public Web API client assumes the same.
pub(crate) const MISSING_RETRY_AFTER: Duration = crate::web::MISSING_RETRY_AFTER;

/// A token bucket for the connect call.
#[derive(Debug, Clone)]
pub(crate) struct ConnectBudget {
    burst: u32,
    refill: Duration,
    tokens: u32,
    /// When the next token arrives (meaningful while `tokens < burst`).
    next_token: Instant,
    /// No call before this (`Retry-After`).
    blocked_until: Option<Instant>,
}

impl ConnectBudget {
    pub(crate) fn new(burst: u32, refill: Duration, now: Instant) -> Self {
        let burst = burst.max(1);
        Self {
            burst,
            refill: refill.max(Duration::from_millis(1)),
            tokens: burst,
            next_token: now,
            blocked_until: None,
        }
    }

    /// When a call may next be made (`now` or later).
    pub(crate) fn ready_at(&mut self, now: Instant) -> Instant {
        self.refill_to(now);
        let by_tokens = if self.tokens > 0 {
            now
        } else {
            self.next_token
        };
        match self.blocked_until {
            Some(b) if b > by_tokens => b,
            _ => by_tokens,
        }
    }

    /// Takes a token for a call at `now`; false (and nothing taken) when none is ready.
    pub(crate) fn try_take(&mut self, now: Instant) -> bool {
        if self.ready_at(now) > now {
            return false;
        }
        if self.tokens == self.burst {
            self.next_token = crate::protocol::deadline::after(now, self.refill);
        }
        self.tokens -= 1;
        true
    }

    /// Slack answered 429: no call before `retry_after` (or [`MISSING_RETRY_AFTER`]) has
    /// passed.
    pub(crate) fn rate_limited(&mut self, retry_after: Option<Duration>, now: Instant) {
        let until =
            crate::protocol::deadline::after(now, retry_after.unwrap_or(MISSING_RETRY_AFTER));
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
    }

    fn refill_to(&mut self, now: Instant) {
        while self.tokens < self.burst && now >= self.next_token {
            self.tokens += 1;
            self.next_token += self.refill;
        }
        if self.blocked_until.is_some_and(|b| now >= b) {
            self.blocked_until = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_burst_of_four_calls_then_one_a_minute() {
        let t0 = Instant::now();
        let mut b = ConnectBudget::new(4, s(60), t0);
        for _ in 0..4 {
            assert!(b.try_take(t0));
        }
        assert!(!b.try_take(t0 + s(59)));
        assert_eq!(b.ready_at(t0 + s(1)), t0 + s(60));
        assert!(b.try_take(t0 + s(60)));
        assert!(!b.try_take(t0 + s(61)));
        assert!(b.try_take(t0 + s(120)));
    }

    #[test]
    fn the_bucket_refills_to_its_burst_and_no_further() {
        let t0 = Instant::now();
        let mut b = ConnectBudget::new(2, s(60), t0);
        assert!(b.try_take(t0));
        let later = t0 + s(3600);
        assert!(b.try_take(later));
        assert!(b.try_take(later));
        assert!(!b.try_take(later));
    }

    #[test]
    fn retry_after_blocks_every_call_until_it_has_passed() {
        let t0 = Instant::now();
        let mut b = ConnectBudget::new(4, s(60), t0);
        b.rate_limited(Some(s(7)), t0);
        assert!(!b.try_take(t0 + s(6)));
        assert_eq!(b.ready_at(t0), t0 + s(7));
        assert!(b.try_take(t0 + s(7)));
    }

    #[test]
    fn a_429_without_retry_after_waits_thirty_seconds() {
        let t0 = Instant::now();
        let mut b = ConnectBudget::new(4, s(60), t0);
        b.rate_limited(None, t0);
        assert_eq!(b.ready_at(t0), t0 + s(30));
    }
}
