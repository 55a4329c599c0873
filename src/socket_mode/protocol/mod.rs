//! Socket Mode's pure decisions: no sockets, no threads, time passed in as an argument.
//! Each module is unit-tested with a virtual clock.
//!
//! | module | decides |
//! |---|---|
//! | `frame` | what an inbound frame is: `hello`, `disconnect`, an envelope, or unrecognized |
//! | `control` | `hello` and `disconnect` fields, the disconnect reasons |
//! | `ack` | the ack text, its payload rule and its 20 KB limit |
//! | `ack_deadlines` | which requests are near (2.5 s) or past (3 s) their ack deadline |
//! | `dedup` | whether a delivery repeats one already handed to the app |
//! | `connect_budget` | when `apps.connections.open` may be called |
//! | `graceful_close` | how long `disconnect()` waits for the acks the app still owes |
//! | `disconnect_policy` | what a `disconnect` reason means: refresh, back off, or stop |
//! | `registrations` | whether Slack counts more sockets than this client holds |

pub(crate) mod ack;
pub(crate) mod ack_deadlines;
pub(crate) mod connect_budget;
pub(crate) mod control;
pub(crate) mod dedup;
pub(crate) mod disconnect_policy;
pub(crate) mod frame;
pub(crate) mod graceful_close;
pub(crate) mod registrations;
