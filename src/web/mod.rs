//! [`WebClient`]: a small, blocking Slack Web API client beside RTM — the counterpart of
//! the Node client's `WebClient` for the calls a bot makes next to its RTM session
//! (`chat.postMessage`, `chat.update`, `auth.test`, `users.info`, …).
//!
//! Get one from a running bot with [`RtmClient::web`](crate::RtmClient::web) (same token,
//! `slack_api_url`, TLS, proxy and `http_timeout`, and the same HTTP connection pool), or
//! standalone with [`WebClient::new`] / [`WebClient::builder`].
//!
//! ```no_run
//! use slack_rtm::web::{PostMessage, WebClient};
//!
//! # fn main() -> Result<(), slack_rtm::Error> {
//! let web = WebClient::new(std::env::var("SLACK_BOT_TOKEN").unwrap_or_default())?;
//! let me = web.auth_test()?;
//! println!("I am {} in {}", me.user_id, me.team_id);
//! let posted = web.chat_post_message(&PostMessage::new("C0123456", "deploying…"))?;
//! web.chat_update(&posted.channel, &posted.ts, "deployed")?;
//! # Ok(()) }
//! ```
//!
//! # Blocking, rate limits and retries
//! Every call blocks the calling thread until Slack answers, at most `http_timeout`
//! (default 30 s) per HTTP request. The client spawns no thread; clones share one HTTP
//! agent and may be used from any number of threads at once.
//!
//! When Slack answers HTTP 429 (or `ok: false` with `ratelimited`), the call **sleeps** for
//! the `Retry-After` Slack gave (as sent: `Retry-After: 1` is 1 s) and tries again, up to
//! `max_retries` times (default 3) and only while the sleeps add up to no more than
//! `max_retry_wait` (default 60 s). A 429 without a usable `Retry-After` is taken as
//! [`MISSING_RETRY_AFTER`] (30 s), the same wait Socket Mode assumes for
//! `apps.connections.open`: Slack always sends the header, and counts its limits per
//! minute. A `Retry-After` that would go over that budget is not waited for: the
//! call returns [`Error::RateLimited`](crate::Error::RateLimited) at once. So a call blocks for at most
//! `max_retry_wait` plus `(max_retries + 1) × http_timeout`. Retrying a rate-limited call
//! is safe, Slack did not act on it; no other failure is retried (a timed-out
//! `chat.postMessage` may have been posted).
//!
//! # Errors
//! [`Error::Api`](crate::Error::Api) when Slack answers `ok: false` (its error string, e.g.
//! `invalid_auth`, `channel_not_found`); [`Error::RateLimited`](crate::Error::RateLimited) when the retries above are
//! used up; [`Error::Http`](crate::Error::Http) for transport failures, unexpected HTTP statuses and bodies
//! that are not JSON; [`Error::Protocol`](crate::Error::Protocol) when an `ok: true` answer lacks a field a typed
//! helper needs; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a malformed method name or JSON params.
//! Errors and `Debug` output never contain the token.
//!
//! # Logging
//! `DEBUG`: each rate-limit wait (method, delay, retry number), and a 429 that came
//! without a usable `Retry-After` (the wait assumed). Nothing else; never the
//! token or parameters.
//!
//! # Where things are
//! `client.rs` makes the calls, `retry.rs` decides how long to sit out a rate limit (a
//! pure function of what Slack asked and what was slept), `builder.rs` holds the settings
//! of a standalone client, `request.rs` the arguments of `chat.postMessage`, `answers.rs`
//! the typed answers, and `rtm.rs` [`RtmClient::web`](crate::RtmClient::web).

mod answers;
mod builder;
mod client;
mod request;
mod retry;
mod rtm;

pub use answers::{AuthTest, PostedMessage, Presence, WithRaw};
pub use builder::WebClientBuilder;
pub use client::WebClient;
pub use request::PostMessage;
pub use retry::MISSING_RETRY_AFTER;
