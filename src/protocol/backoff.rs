//! [`Backoff`]: the delay before the next connection attempt. Pure: no I/O, no clock.

use std::time::Duration;

use crate::protocol::retry_policy::RetryPolicy;

/// Tracks consecutive failures and turns them into delays per a [`RetryPolicy`].
#[derive(Debug)]
pub(crate) struct Backoff {
    policy: RetryPolicy,
    failures: u32,
    jitter: Jitter,
}

/// The crate's source of jitter: uniform numbers in [0, 1) from a seed (xorshift64*;
/// jitter needs no more). Every randomised delay (reconnect backoff, Socket Mode's
/// `too_many_websockets` pause) draws from one of these.
#[derive(Debug, Clone)]
pub(crate) struct Jitter {
    rng: u64,
}

impl Jitter {
    pub(crate) fn new(seed: u64) -> Self {
        Self { rng: seed | 1 }
    }

    /// The next uniform number in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Backoff {
    pub(crate) fn new(policy: RetryPolicy, seed: u64) -> Self {
        Self {
            policy,
            failures: 0,
            jitter: Jitter::new(seed),
        }
    }

    /// The delay after a failed attempt, at least `floor` (a `Retry-After`), or `None` when
    /// `max_attempts` consecutive attempts have failed.
    pub(crate) fn after_failure(&mut self, floor: Option<Duration>) -> Option<Duration> {
        self.failures = self.failures.saturating_add(1);
        if let Some(max) = self.policy.max_attempts {
            if self.failures >= max {
                return None;
            }
        }
        let exp = self
            .policy
            .multiplier
            .powi(self.failures.saturating_sub(1).min(64) as i32);
        let base = self.policy.initial_backoff.as_secs_f64() * exp;
        let capped = base.min(self.policy.max_backoff.as_secs_f64());
        let jittered = capped * (1.0 - self.policy.jitter * self.jitter.unit());
        // A setting that makes the arithmetic overflow falls back to the cap, never panics.
        let delay =
            Duration::try_from_secs_f64(jittered.max(0.0)).unwrap_or(self.policy.max_backoff);
        Some(floor.map_or(delay, |f| delay.max(f)))
    }

    /// Starts over: the next failure gets `initial_backoff` again.
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
    }

    /// Consecutive failures so far.
    #[cfg(test)]
    pub(crate) fn failures(&self) -> u32 {
        self.failures
    }
}

/// A seed for jitter that differs between processes and clients.
pub(crate) fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_never_exceed_the_cap_once_capped() {
        let mut b = Backoff::new(RetryPolicy::default(), 7);
        for _ in 0..100 {
            let d = b.after_failure(None).unwrap();
            assert!(d <= RetryPolicy::default().max_backoff);
        }
        let d = b.after_failure(None).unwrap();
        let cap = RetryPolicy::default().max_backoff.as_secs_f64();
        assert!(d >= Duration::from_secs_f64(cap * 0.75), "{d:?}");
    }

    #[test]
    fn retry_after_is_a_floor() {
        let mut b = Backoff::new(RetryPolicy::default(), 1);
        assert_eq!(
            b.after_failure(Some(Duration::from_secs(45))),
            Some(Duration::from_secs(45))
        );
    }

    #[test]
    fn max_attempts_gives_up() {
        let policy = RetryPolicy {
            max_attempts: Some(2),
            ..RetryPolicy::default()
        };
        let mut b = Backoff::new(policy, 1);
        assert!(b.after_failure(None).is_some());
        assert!(b.after_failure(None).is_none());
    }

    #[test]
    fn absurd_settings_give_a_delay_instead_of_a_panic() {
        let policy = RetryPolicy {
            multiplier: f64::INFINITY,
            max_backoff: Duration::MAX,
            jitter: f64::NAN,
            ..RetryPolicy::default()
        };
        let mut b = Backoff::new(policy, 1);
        for _ in 0..100 {
            assert!(b.after_failure(None).is_some());
        }
    }

    #[test]
    fn a_reset_starts_the_delays_over() {
        let mut b = Backoff::new(RetryPolicy::default(), 1);
        for _ in 0..5 {
            b.after_failure(None);
        }
        b.reset();
        assert_eq!(b.failures(), 0);
        let d = b.after_failure(None).unwrap();
        assert!(d <= Duration::from_secs(1), "{d:?}");
    }

    #[test]
    fn jitter_is_uniform_in_the_unit_interval_and_differs_by_seed() {
        let mut a = Jitter::new(1);
        let mut b = Jitter::new(2);
        let xs: Vec<f64> = (0..1000).map(|_| a.unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.4..0.6).contains(&mean), "{mean}");
        assert_ne!(Jitter::new(1).unit(), b.unit());
        assert_eq!(
            Jitter::new(0).unit(),
            Jitter::new(1).unit(),
            "seed 0 is usable"
        );
    }

    #[test]
    fn delays_grow_with_consecutive_failures() {
        let mut b = Backoff::new(RetryPolicy::default(), 1);
        b.after_failure(None);
        let d = b.after_failure(None).unwrap();
        assert!(d >= Duration::from_millis(1500), "{d:?}");
    }
}
