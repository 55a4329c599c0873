//! How long a call sits out rate limits: a pure decision (no I/O, no clock; the caller
//! says what Slack asked for and carries out the sleep).

use std::time::Duration;

/// The wait the crate assumes when Slack answers HTTP 429 (or `ratelimited`) without a
/// usable `Retry-After` header: for every [`WebClient`](super::WebClient) call, and for
/// the RTM and Socket Mode clients' own connect calls.
///
/// Slack sends `Retry-After` with every 429 and counts its rate-limit tiers per minute
/// (Tier 1: about one call a minute). A 429 without one carries no advice (it may come
/// from a proxy or gateway in between), so the client neither hammers the method nor
/// gives up at once: it assumes half of Slack's one-minute window, 30 s, as the Socket
/// Mode client does for `apps.connections.open` (a Tier 1 method whose protocol notes say
/// "if the header is missing assume 30 s or more"). A `Retry-After` Slack did send is
/// used as sent, so `Retry-After: 1` is 1 s. The assumed wait is reported as
/// [`Error::RateLimited`](crate::Error::RateLimited)'s `retry_after` when a call gives up,
/// and is slept like a sent one (within `max_retry_wait`).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(slack_rtm::web::MISSING_RETRY_AFTER, Duration::from_secs(30));
/// ```
pub const MISSING_RETRY_AFTER: Duration = crate::net::http::MISSING_RETRY_AFTER;

/// Default for [`WebClientBuilder::max_retries`](super::WebClientBuilder::max_retries).
const DEFAULT_MAX_RETRIES: u32 = 3;
/// Default for [`WebClientBuilder::max_retry_wait`](super::WebClientBuilder::max_retry_wait).
const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// How long a call sits out rate limits: at most `max_retries` sleeps, adding up to at
/// most `max_wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryLimits {
    pub(crate) max_retries: u32,
    pub(crate) max_wait: Duration,
}

impl Default for RetryLimits {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            max_wait: DEFAULT_MAX_RETRY_WAIT,
        }
    }
}

impl RetryLimits {
    /// The sleep before the next attempt, after `retries` retries that slept `waited` in
    /// all, when Slack asked for `retry_after`; `None` to give up.
    fn next_wait(&self, retries: u32, waited: Duration, retry_after: Duration) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let total = waited.checked_add(retry_after)?;
        (total <= self.max_wait).then_some(retry_after)
    }

    /// A fresh budget for one call.
    pub(crate) fn budget(self) -> RetryBudget {
        RetryBudget {
            limits: self,
            retries: 0,
            waited: Duration::ZERO,
        }
    }
}

/// One call's way through its rate limits: what has been slept so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryBudget {
    limits: RetryLimits,
    retries: u32,
    waited: Duration,
}

impl RetryBudget {
    /// Slack answered "rate limited, retry after `retry_after`": the sleep to carry out
    /// before the next attempt (and it is counted), or `None` to give up and return the
    /// rate-limit error.
    pub(crate) fn on_rate_limited(&mut self, retry_after: Duration) -> Option<Duration> {
        let wait = self
            .limits
            .next_wait(self.retries, self.waited, retry_after)?;
        self.retries += 1;
        self.waited += wait;
        Some(wait)
    }

    /// Retries decided so far.
    pub(crate) fn retries(&self) -> u32 {
        self.retries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn rate_limits_are_retried_up_to_max_retries() {
        let limits = RetryLimits::default();
        assert_eq!(limits.next_wait(0, Duration::ZERO, SEC), Some(SEC));
        assert_eq!(limits.next_wait(2, 2 * SEC, SEC), Some(SEC));
        assert_eq!(limits.next_wait(3, 3 * SEC, SEC), None);
    }

    #[test]
    fn a_retry_after_beyond_the_wait_budget_is_not_waited_for() {
        let limits = RetryLimits {
            max_retries: 10,
            max_wait: 30 * SEC,
        };
        assert_eq!(
            limits.next_wait(0, Duration::ZERO, 30 * SEC),
            Some(30 * SEC)
        );
        assert_eq!(limits.next_wait(1, 30 * SEC, SEC), None);
        assert_eq!(limits.next_wait(0, Duration::ZERO, 31 * SEC), None);
        assert_eq!(limits.next_wait(0, Duration::MAX, SEC), None);
    }

    #[test]
    fn zero_retries_never_waits() {
        let limits = RetryLimits {
            max_retries: 0,
            max_wait: Duration::MAX,
        };
        assert_eq!(limits.next_wait(0, Duration::ZERO, Duration::ZERO), None);
    }

    /// Drives a budget through the `Retry-After`s a server answers, on a virtual clock
    /// that advances by each decided sleep and by `call` per attempt. Returns (attempts,
    /// virtual time spent, whether the last attempt was given up on).
    fn run(limits: RetryLimits, answers: &[u32], call: Duration) -> (usize, Duration, bool) {
        let mut budget = limits.budget();
        let mut now = Duration::ZERO;
        for (attempt, &retry_after) in answers.iter().enumerate() {
            now += call;
            match budget.on_rate_limited(SEC * retry_after) {
                Some(sleep) => now += sleep,
                None => return (attempt + 1, now, true),
            }
        }
        (answers.len() + 1, now + call, false) // the next attempt succeeds
    }

    #[test]
    fn a_call_answered_429_three_times_sleeps_each_retry_after_and_then_succeeds() {
        let (attempts, spent, gave_up) = run(RetryLimits::default(), &[1, 2, 3], SEC / 10);
        assert_eq!((attempts, gave_up), (4, false));
        assert_eq!(spent, 6 * SEC + 4 * (SEC / 10));
    }

    #[test]
    fn a_server_that_always_answers_429_gets_max_retries_plus_one_attempts() {
        let answers = [1; 50];
        let (attempts, spent, gave_up) = run(RetryLimits::default(), &answers, Duration::ZERO);
        assert_eq!((attempts, gave_up), (4, true));
        assert_eq!(spent, 3 * SEC);
    }

    #[test]
    fn the_sleeps_of_one_call_never_add_up_past_max_wait() {
        let limits = RetryLimits {
            max_retries: 100,
            max_wait: 10 * SEC,
        };
        for step in 1..=11 {
            let mut budget = limits.budget();
            let mut slept = Duration::ZERO;
            while let Some(sleep) = budget.on_rate_limited(SEC * step) {
                slept += sleep;
            }
            assert!(slept <= limits.max_wait, "step {step}: slept {slept:?}");
            assert_eq!(budget.retries(), 10 / step, "step {step}");
        }
    }

    #[test]
    fn a_huge_retry_after_is_refused_without_overflow() {
        let mut budget = RetryLimits::default().budget();
        assert_eq!(budget.on_rate_limited(Duration::MAX), None);
        assert_eq!(
            budget.on_rate_limited(SEC),
            Some(SEC),
            "a refusal costs nothing"
        );
    }
}
