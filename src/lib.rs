//! A synchronous, blocking client for Slack's Real Time Messaging (RTM) API.
//!
//! No async runtime: a reader thread and a keepalive thread own the websocket, events
//! reach your loop (or your closures) through a channel, and
//! [`send_message`](RtmClient::send_message) blocks until Slack confirms the message.
//!
//! # Quick start
//! ```no_run
//! use slack_rtm::typed::MessageKind;
//! use slack_rtm::{HandlerResult, RtmClient};
//!
//! # fn main() -> Result<(), slack_rtm::Error> {
//! let client = RtmClient::builder(std::env::var("SLACK_BOT_TOKEN").unwrap()).build()?;
//! client.on_message(|client, msg| -> HandlerResult {
//!     let me = client.active_user_id();
//!     if msg.kind() != MessageKind::Plain || msg.user == me { return Ok(()) }
//!     let (Some("ping"), Some(channel)) = (msg.text.as_deref(), msg.channel.as_deref())
//!     else { return Ok(()) };
//!     // A refused or unconfirmed send is logged (and given to on_handler_error);
//!     // the bot keeps running.
//!     let reply = client.send_message(channel, "pong")?;
//!     println!("answered at ts {:?}", reply.ts);
//!     Ok(())
//! });
//! client.start()?; // blocks until Slack says hello
//! client.run()?; // dispatches on this thread until disconnect() or a fatal error
//! # Ok(()) }
//! ```
//!
//! Or your own loop over [`RtmClient::events`] (take it before `start()` to see every
//! event), with [`SlackEvent::typed`] for typed payloads.
//!
//! # Threads and blocking
//! | thread | what it does | blocks on |
//! |---|---|---|
//! | `slack-rtm-reader` | `rtm.connect`, websocket, every inbound frame, reconnects | `poll(2)` on the socket (no timer while connected and ready), HTTP calls bounded by `http_timeout` |
//! | `slack-rtm-keepalive` | RTM `ping` after `client_ping_timeout` of silence | its channel, with a deadline |
//! | yours | [`RtmClient::run`] dispatching handlers, or your own loop over [`Events`] | the event channel |
//!
//! Calls that block, and their bounds: [`RtmClient::start`] (`start_timeout`),
//! [`RtmClient::send_message`] (`queue_timeout` waiting for ready and the rate limit, then
//! `write_timeout` for the write, then `reply_timeout` from the write), [`PendingSend::wait`]
//! (its argument), [`RtmClient::disconnect`] (joins the threads within a moment, in every
//! state: it wakes a dial or a Web API call in progress), [`Events::recv`] and
//! [`RtmClient::run`] (until the session ends). A dial (TCP + proxy CONNECT + TLS + upgrade)
//! ends within `connect_timeout` in total, a Web API call within `http_timeout`, whatever
//! the server or the resolver does (a name is resolved on a short-lived helper thread);
//! only a custom [`Connector`] is trusted to honour the timeout it is given.
//! A send never waits behind a read: the reader waits for data without holding the
//! socket lock.
//!
//! # Errors
//! One [`Error`] type; [`Error::code`] gives the Node client's [`ErrorCode`]s. A send ends in
//! exactly one of: a [`Reply`], [`Error::Platform`] (Slack said `ok: false`), or another
//! error that says whether anything was written ([`Error::SendWhileDisconnected`],
//! [`Error::SendWhileNotReady`], [`Error::FrameTooLarge`], [`Error::Timeout`] of
//! [`TimeoutKind::Queue`] or [`TimeoutKind::Write`]: nothing was sent;
//! [`Error::NoReplyReceived`]: written (or possibly written), not confirmed).
//!
//! # Logging
//! Through the `log` crate. The token and websocket URLs never appear in log lines, in
//! `Debug` output or in errors.
//!
//! | level | both clients | RTM | Socket Mode |
//! |---|---|---|---|
//! | `ERROR` | a thread panicked (the session ends) | | |
//! | `WARN` | a connection attempt failed, a connection was lost, no pong, disconnected with an error, the consumer fell behind (events dropped), a `Retry-After` over 10 minutes (clamped) | a handler failed, a handler registered for an unknown event type | an ack could not be written, a request still unacked past the warning or past its deadline, acked late, Slack counts more sockets than this client holds, `dedup_capacity` full (once per burst), disconnecting with requests unacked, a handler's answer to an already acked request |
//! | `INFO` | disconnected; reconnecting as the app asked; a link being refreshed | connected as who, in which workspace; goodbye | a socket ready (with Slack's socket count); Slack asked a socket to go; disconnecting while acks are owed |
//! | `DEBUG` | state changes, retry delays, malformed frames, rate limited without `Retry-After` | late replies | |
//! | `TRACE` | every frame sent (type and id), pings and pongs | | |
//!
//! **One dependency target must be capped.** The crate and the other dependencies never
//! log the token or a websocket URL at any level (the crate writes the websocket upgrade
//! itself so that tungstenite's handshake does not log the ticket), but ureq's protocol
//! layer dumps every byte of each Web API request and answer at TRACE — the
//! `Authorization` header and the `rtm.connect` answer (with the websocket URL) included —
//! and has no setting to stop it. Keep target `ureq_proto` at DEBUG or below whenever you
//! log at TRACE (with env_logger: `RUST_LOG=trace,ureq_proto=debug`). The crate's log test
//! captures every target and checks exactly this.
//!
//! # Beyond the socket
//! - [`SlackEvent::typed`] parses an event into [`typed::TypedEvent`] on your thread, with
//!   an `Other` case so that a new Slack event type never breaks a bot.
//! - [`RtmClient::web`] is a [`web::WebClient`] sharing the token, TLS and proxy.
//! - With the `workspace-cache` feature, `Config::workspace_cache` turns on
//!   `WorkspaceCache` (the v3 `dataStore`).
//! - [`dedup::Deduplicator`] drops Enterprise Grid duplicate deliveries.
//! - [`Builder::proxy`], [`TlsOptions`] and [`Builder::connector`] reach Slack from
//!   corporate networks; [`RtmClient::reconnect`] resets a connection on demand.
//!
//! # Layers
//! Each row imports from its own row and the rows below it, never from above:
//!
//! ```text
//!  fake/                    the test Slack (feature `fake-slack`)
//!  socket_mode/ web/ rtm/   the clients: Socket Mode, Web API, RTM (RtmClient, frames, rules)
//!  cache/ typed/ dedup      workspace cache (a feature), typed events, duplicate filter
//!  runtime/                 reader and keepalive threads, links, delivery: thin loops
//!  net/                     dial, proxy CONNECT, TLS, websocket, poll(2), Web API calls: I/O
//!  config/ stats            settings and their checks; counters (no I/O)
//!  protocol/                pure decisions, time passed in (policies live with them)
//!  events/ model/ error     what is delivered (Event, Reply, EventStream), User/…, Error
//! ```
//!
//! `tests/architecture.rs` fails on any import cycle between these modules.
//!
//! # Features
//! - `fake-slack` (off by default): the `fake` module, an embedded fake Slack (Web API +
//!   RTM websocket on loopback) and a test kit for testing your bot without a workspace.
//!   Turn it on for your tests only, so that it stays out of your production build:
//!
//!   ```toml
//!   [dependencies]
//!   slack-rtm = "0.1"
//!
//!   [dev-dependencies]
//!   slack-rtm = { version = "0.1", features = ["fake-slack"] }
//!   ```
//!
//!   Cargo enables a dev-dependency's features for tests, examples, benches and
//!   doctests only (resolver 2, the default since edition 2021), so `cargo build`
//!   leaves the fake out and `cargo test` has it.
//! - `workspace-cache` (off by default): the `cache` module, [`Config`]'s
//!   `workspace_cache` setting and `RtmClient::cache`: users, conversations and bots kept
//!   from `rtm.start` and events, looked up through the Web API when missing. A bot that
//!   never asks for the cache does not carry its code (~150 kB of an idle bot's resident
//!   memory, measured by `examples/idle_footprint.rs`):
//!
//!   ```toml
//!   [dependencies]
//!   slack-rtm = { version = "0.1", features = ["workspace-cache"] }
//!   ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "workspace-cache")]
pub mod cache;
mod config;
mod error;
mod events;
pub mod model;
mod net;
mod protocol;
mod rtm;
mod runtime;
mod stats;

pub mod dedup;
#[cfg(feature = "fake-slack")]
pub mod fake;
pub mod socket_mode;
pub mod typed;
pub mod web;

#[cfg(feature = "workspace-cache")]
pub use cache::{CacheConfig, WorkspaceCache};
pub use config::{
    Builder, ClientIdentity, Config, Connector, LongTextPolicy, Proxy, StartOptions, TlsOptions,
    MAX_FRAME_BYTES, MAX_TEXT_CHARS,
};
pub use error::{
    Error, ErrorCode, NoReplyCause, PlatformError, Result, TimeoutKind, WebsocketError,
};
pub use events::event::{ConnectInfo, Event, Reply, SlackEvent};
pub use events::stream::{EventStream, Events, IntoIter, Iter, RecvTimeoutError, TryRecvError};
pub use protocol::admission::SlowConsumerPolicy;
pub use protocol::lifecycle::State;
pub use protocol::rate_limit::RateLimit;
pub use protocol::retry_policy::RetryPolicy;
pub use rtm::client::{PendingSend, RtmClient};
pub use rtm::handlers::{HandlerError, HandlerOutcome, HandlerResult};

/// The README's examples, compiled as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use stats::Stats;
