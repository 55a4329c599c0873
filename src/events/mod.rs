//! What reaches the application: the [`Event`]s themselves and the stream of a session
//! ([`Events`], generic over the item so Socket Mode's stream is the same type). The
//! handler registries that `run()` dispatches belong to each client: `rtm/handlers.rs`,
//! `socket_mode/handlers.rs`.

pub(crate) mod connect_body;
pub(crate) mod event;
pub(crate) mod stream;
