//! Pure decisions: no sockets, no threads, time passed in as an argument. Each module is
//! unit-tested with a virtual clock.
//!
//! | module | decides |
//! |---|---|
//! | [`lifecycle`] | the session's [`State`](crate::State) and what each state allows |
//! | [`link_state`] | one connection's phase: awaiting `hello` (deadline), ready, draining |
//! | [`liveness`] | the keepalive verdict: wait, probe, or dead |
//! | [`reconnect`] | after an attempt or a link ends: retry when, or stop |
//! | [`backoff`] | the delays that grow with consecutive failures |
//! | [`retry_policy`] | nothing: the settings `backoff` and `reconnect` follow ([`RetryPolicy`](crate::RetryPolicy)) |
//! | [`attempt_budget`] | the cap on attempts no server can break (5 / 10 s, 10 / min) |
//! | [`admission`] | what the bounded event queue does with each item |
//! | [`error_coalescer`] | repeated errors reported once a second, counted |
//! | [`deadline`] | time arithmetic that never panics |
//! | `outbox`, `rate_limit`, `reply_waiters` | what is sent next; the outgoing rate limit; sends waiting for replies |

pub(crate) mod admission;
pub(crate) mod attempt_budget;
pub(crate) mod backoff;
pub(crate) mod deadline;
pub(crate) mod error_coalescer;
pub(crate) mod lifecycle;
pub(crate) mod link_state;
pub(crate) mod liveness;
pub(crate) mod outbox;
pub(crate) mod rate_limit;
pub(crate) mod reconnect;
pub(crate) mod reply_waiters;
pub(crate) mod retry_policy;
