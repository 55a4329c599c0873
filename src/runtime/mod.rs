//! The engine: the threads that run a websocket session for any Slack protocol, and the
//! state they share with the client handles. They carry out what the pure core
//! ([`crate::protocol`]) and the protocol ([`seam::Protocol`]) decide.
//!
//! ```text
//!   client handle ──spawn──▶ Engine ──▶ reader thread ──────────▶ bounded channel ──▶ app
//!        │                    │          │  open() · dial · read        (delivery.rs)
//!        │ send/ack           │          │  on_text → Actions
//!        ▼                    │          ▼
//!      Links ◀────────────────┴──── keepalive thread (Liveness verdict, protocol probe)
//! ```
//!
//! | file | owns |
//! |---|---|
//! | `seam.rs` | the [`Protocol`](seam::Protocol) trait and its vocabulary: `Action`, `Replace`, `Probe`, `Change`, `Opened` |
//! | `engine.rs` | what a client keeps between sessions, and `spawn` |
//! | `session.rs` | one session's threads and the signals handles send the reader (stop with a reason, reconnect) |
//! | `reader.rs` | the reader loop: attempt, read every link, apply actions, reconnect per `ReconnectPolicy` |
//! | `keepalive.rs` | the keepalive loop: `Liveness` verdicts, probes, killing dead links |
//! | `links.rs` | the open links (`LinkId`), their rx stamps, writes addressed to a link |
//! | `session_slot.rs` | what a client handle keeps between sessions (the session, the event channel) and its start / stop / reconnect |
//! | `status.rs` | the lifecycle state and the condvar `start` waits on |
//! | `delivery.rs` | the one way items reach the app: `Admission` bound + error coalescing |
//! | `transport.rs` | dial settings and the lazily built TLS connector |
//! | `backlog.rs` | the wake-up between a backpressured reader and the consumers |
//! | `shared.rs` | what the RTM handles and the RTM protocol share |
//! | `sender.rs` | RTM's send path (the outbox, rate limit, typing throttle) |
//!
//! A protocol plugs in by implementing [`seam::Protocol`]: the connect call that yields a
//! single-use URL (`open`), what each inbound frame means (`on_text` → actions such as
//! `Deliver`, `Ready` for hello, `Replace` for goodbye / disconnect, `Stop`), the liveness
//! probe (`probe`: a text frame or a websocket Ping), its lifecycle items (`lifecycle`), and
//! optional timers and a waker folded into the reader's wait. Frames a protocol writes
//! while it routes (acks) can be queued on their link (`Link::queue_text`) and written at
//! `end_of_batch`, which the reader calls after every drained batch, after a timer's
//! actions and before it waits for anything (a slow consumer included), so a burst costs
//! one write and nothing queued waits longer than its batch; `Links::reader_busy` tells
//! other threads whether such a flush is still coming. The engine never re-dials a
//! URL, keeps attempts within the budget, and ends the session visibly if a thread dies.
//! Make-before-break refresh and connection pools (Socket Mode) run on the same seam.

pub(crate) mod backlog;
pub(crate) mod delivery;
pub(crate) mod engine;
pub(crate) mod keepalive;
pub(crate) mod links;
pub(crate) mod reader;
pub(crate) mod seam;
pub(crate) mod sender;
pub(crate) mod session;
pub(crate) mod session_slot;
pub(crate) mod shared;
pub(crate) mod status;
#[cfg(test)]
mod tests;
pub(crate) mod transport;
