//! A Socket Mode client for the fake Slack, with test-friendly timeouts set through the
//! public builder: shared by the Socket Mode test files.

use std::time::Duration;

use slack_rtm::fake::FakeSlack;
use slack_rtm::socket_mode::{SocketModeBuilder, SocketModeClient};
use slack_rtm::RetryPolicy;

use super::SOON;

/// Reconnects within tens of milliseconds, backs off to half a second at most.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .first_retry(Duration::from_millis(10))
        .initial_backoff(Duration::from_millis(50))
        .max_backoff(Duration::from_millis(500))
}

/// A client for `slack`'s Socket Mode side (its app token, its bot token for `web()`),
/// with short timeouts and a connect budget that never gets in a test's way.
pub fn builder(slack: &FakeSlack) -> SocketModeBuilder {
    SocketModeClient::builder(slack.socket_mode().app_token())
        .bot_token(slack.token())
        .slack_api_url(slack.api_url())
        .no_proxy()
        .start_timeout(SOON)
        .connect_timeout(Duration::from_secs(5))
        .hello_timeout(Duration::from_secs(5))
        .http_timeout(Duration::from_secs(5))
        .retry(fast_retry())
        .connect_budget(100, Duration::from_millis(100))
}
