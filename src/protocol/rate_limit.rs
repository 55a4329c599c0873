//! Outgoing rate limits: a token bucket for frames (Slack allows about one message per
//! second sustained) and a per-channel throttle for typing indicators (one per 3 s).
//! Pure: the caller passes the clock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The outgoing rate limit: `per_second` frames sustained, bursts of up to `burst`.
///
/// ```
/// use slack_rtm::RateLimit;
/// let limit = RateLimit::default();
/// assert_eq!((limit.per_second, limit.burst), (1.0, 5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Frames per second, sustained. Default 1.0 (the protocol's limit).
    pub per_second: f64,
    /// Frames that may go at once after a quiet spell. Default 5.
    pub burst: u32,
}

impl RateLimit {
    /// A limit of `per_second` frames sustained, with bursts of up to `burst`.
    ///
    /// ```
    /// let limit = slack_rtm::RateLimit::new(2.0, 10);
    /// assert_eq!((limit.per_second, limit.burst), (2.0, 10));
    /// ```
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self { per_second, burst }
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            per_second: 1.0,
            burst: 5,
        }
    }
}

/// A token bucket.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub(crate) fn new(limit: RateLimit, now: Instant) -> Self {
        Self {
            limit,
            tokens: f64::from(limit.burst),
            last: now,
        }
    }

    /// Takes a token now, or says how long until one is available.
    pub(crate) fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens =
            (self.tokens + elapsed * self.limit.per_second).min(f64::from(self.limit.burst));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            // Within range for every limit `build()` accepts; capped for any other.
            Err(
                Duration::try_from_secs_f64((1.0 - self.tokens) / self.limit.per_second)
                    .unwrap_or(Duration::from_secs(24 * 3600)),
            )
        }
    }
}

/// The protocol's spacing between typing indicators in one channel.
pub(crate) const TYPING_INTERVAL: Duration = Duration::from_secs(3);

/// Remembers when a typing indicator last went to each channel.
#[derive(Debug, Default)]
pub(crate) struct TypingThrottle {
    last: HashMap<String, Instant>,
}

impl TypingThrottle {
    /// True (and recorded) if a typing indicator may go to `channel` now.
    pub(crate) fn allow(&mut self, channel: &str, now: Instant) -> bool {
        if self.last.len() > 1024 {
            self.last
                .retain(|_, at| now.saturating_duration_since(*at) < TYPING_INTERVAL);
        }
        match self.last.get(channel) {
            Some(at) if now.saturating_duration_since(*at) < TYPING_INTERVAL => false,
            _ => {
                self.last.insert(channel.to_string(), now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_per_second() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(RateLimit::default(), t0);
        for _ in 0..5 {
            assert!(b.take(t0).is_ok());
        }
        let wait = b.take(t0).unwrap_err();
        assert!(
            wait <= Duration::from_secs(1) && wait > Duration::from_millis(900),
            "{wait:?}"
        );
        assert!(b.take(t0 + Duration::from_millis(1001)).is_ok());
        assert!(b.take(t0 + Duration::from_millis(1002)).is_err());
    }

    #[test]
    fn sustained_rate_never_exceeds_the_limit() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(RateLimit::default(), t0);
        let mut sent = 0;
        let mut now = t0;
        while now < t0 + Duration::from_secs(60) {
            match b.take(now) {
                Ok(()) => sent += 1,
                Err(wait) => now += wait,
            }
        }
        assert!(sent <= 60 + 5 + 1, "{sent}");
    }

    #[test]
    fn typing_is_throttled_per_channel() {
        let t0 = Instant::now();
        let mut t = TypingThrottle::default();
        assert!(t.allow("C1", t0));
        assert!(!t.allow("C1", t0 + Duration::from_secs(2)));
        assert!(t.allow("C2", t0 + Duration::from_secs(2)));
        assert!(t.allow("C1", t0 + Duration::from_secs(3)));
    }
}
