//! Socket Mode: the same blocking client shape as RTM, for the Slack apps that receive
//! their events, slash commands and interactions over a websocket they open themselves.
//!
//! Layers, as elsewhere in the crate:
//! - `protocol/`: pure decisions (frame classification, acks and their deadline,
//!   deduplication, liveness, the connect budget, the refresh/pool plan);
//! - `requests/`: what Slack asks of the app, with typed views of each payload.
//!
//! Read the protocol reference in the crate's repository
//! (`socket-mode-protocol.md`) for the rules these follow.
//!
//! Against the crate's fake Slack, a slash command goes in and its ack comes back:
//!
//! ```
//! use std::time::Duration;
//! use slack_rtm::fake::FakeSlack;
//! use slack_rtm::socket_mode::SocketModeClient;
//!
//! let slack = FakeSlack::start()?;
//! let sm = slack.socket_mode();
//! let client = SocketModeClient::builder(sm.app_token())
//!     .slack_api_url(slack.api_url())
//!     .no_proxy()
//!     .build()?;
//! client.on_slash_command(|_request, command| {
//!     Some(serde_json::json!({"text": format!("deploying {}", command.text)}))
//! });
//! client.start()?;
//! let id = sm.push_slash_command("/deploy", "staging");
//! let runner = client.clone();
//! let handle = std::thread::spawn(move || runner.run()); // dispatches to the handler
//! let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("acked");
//! assert_eq!(ack.payload, Some(serde_json::json!({"text": "deploying staging"})));
//! client.disconnect();
//! handle.join().expect("run did not panic")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod acker;
mod client;
mod config;
mod event;
mod events;
mod handlers;
pub(crate) mod protocol;
pub(crate) mod requests;
mod seam;
mod stats;

pub use client::SocketModeClient;
pub use config::{AckPolicy, SocketModeBuilder};
pub use event::SocketEvent;
pub use events::SocketEvents;
pub use stats::SocketModeStats;

/// The most sockets one client holds at once ([`SocketModeBuilder::pool_size`]): one
/// below Slack's limit of 10 per app, so that a make-before-break refresh fits.
///
/// ```
/// assert_eq!(slack_rtm::socket_mode::MAX_POOL_SIZE, 9);
/// ```
pub const MAX_POOL_SIZE: usize = 9;

pub use protocol::ack::MAX_ACK_BYTES;
pub use protocol::control::{Disconnect, DisconnectReason, Hello};
pub use requests::events_api::EventsApi;
pub use requests::interaction::{BlockAction, Interaction, InteractionKind};
pub use requests::request::{Request, RequestKind};
pub use requests::slash_command::SlashCommand;
