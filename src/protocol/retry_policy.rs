//! [`RetryPolicy`]: the settings that [`backoff`](super::backoff) and
//! [`reconnect`](super::reconnect) follow. Plain data, kept with the decisions that read it
//! so that the core needs nothing from `config`; `Config::retry` holds one.

use std::time::Duration;

/// How the client retries `rtm.connect` and reconnects (Node: `retryConfig`).
///
/// Delays grow exponentially from `initial_backoff` by `multiplier` up to `max_backoff`,
/// each shortened by up to `jitter` (a fraction) so that many clients do not retry in step.
/// The very first retry after a connection that was up waits only `first_retry`. A
/// `Retry-After` from Slack is a floor under the delay, never ignored (a value over 10
/// minutes is clamped to 10 minutes, with a warning in the log). After a connection
/// has stayed ready for `reset_after`, the backoff starts over.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_backoff(Duration::from_secs(60));
/// assert_eq!(policy.max_attempts, None); // retry forever
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Delay before the first retry of a connection that had been up. Default 100 ms.
    pub first_retry: Duration,
    /// Delay before the first retry of a failed attempt. Default 1 s.
    pub initial_backoff: Duration,
    /// Growth factor between consecutive delays. Default 2.0.
    pub multiplier: f64,
    /// The cap on any delay. Default 15 s, so that a client is back within about 15 s of
    /// the end of an outage (a `Retry-After` from Slack still wins when it is longer).
    pub max_backoff: Duration,
    /// Each delay is shortened by a random fraction up to this (0.0–1.0). Default 0.25.
    pub jitter: f64,
    /// How long a connection must stay up before the backoff starts over. Default 60 s.
    pub reset_after: Duration,
    /// Give up after this many consecutive failed attempts; `None` retries forever
    /// (the default, as long-running bots want).
    pub max_attempts: Option<u32>,
}

impl RetryPolicy {
    /// Sets [`first_retry`](Self::first_retry).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let p = slack_rtm::RetryPolicy::default().first_retry(Duration::from_millis(50));
    /// assert_eq!(p.first_retry, Duration::from_millis(50));
    /// ```
    pub fn first_retry(mut self, delay: Duration) -> Self {
        self.first_retry = delay;
        self
    }

    /// Sets [`initial_backoff`](Self::initial_backoff).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let p = slack_rtm::RetryPolicy::default().initial_backoff(Duration::from_millis(200));
    /// assert_eq!(p.initial_backoff, Duration::from_millis(200));
    /// ```
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets [`multiplier`](Self::multiplier).
    ///
    /// ```
    /// let p = slack_rtm::RetryPolicy::default().multiplier(1.5);
    /// assert_eq!(p.multiplier, 1.5);
    /// ```
    pub fn multiplier(mut self, factor: f64) -> Self {
        self.multiplier = factor;
        self
    }

    /// Sets [`max_backoff`](Self::max_backoff).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let p = slack_rtm::RetryPolicy::default().max_backoff(Duration::from_secs(5));
    /// assert_eq!(p.max_backoff, Duration::from_secs(5));
    /// ```
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets [`jitter`](Self::jitter).
    ///
    /// ```
    /// let p = slack_rtm::RetryPolicy::default().jitter(0.0);
    /// assert_eq!(p.jitter, 0.0);
    /// ```
    pub fn jitter(mut self, fraction: f64) -> Self {
        self.jitter = fraction;
        self
    }

    /// Sets [`reset_after`](Self::reset_after).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let p = slack_rtm::RetryPolicy::default().reset_after(Duration::from_secs(10));
    /// assert_eq!(p.reset_after, Duration::from_secs(10));
    /// ```
    pub fn reset_after(mut self, uptime: Duration) -> Self {
        self.reset_after = uptime;
        self
    }

    /// Sets [`max_attempts`](Self::max_attempts).
    ///
    /// ```
    /// let p = slack_rtm::RetryPolicy::default().max_attempts(Some(3));
    /// assert_eq!(p.max_attempts, Some(3));
    /// ```
    pub fn max_attempts(mut self, attempts: Option<u32>) -> Self {
        self.max_attempts = attempts;
        self
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_retry: Duration::from_millis(100),
            initial_backoff: Duration::from_secs(1),
            multiplier: 2.0,
            max_backoff: Duration::from_secs(15),
            jitter: 0.25,
            reset_after: Duration::from_secs(60),
            max_attempts: None,
        }
    }
}
