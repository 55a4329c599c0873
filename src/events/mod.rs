//! What reaches the application: the [`Event`]s themselves, the [`Events`] stream of a
//! session, and the handler registry that `run()` dispatches.

pub(crate) mod connect_body;
pub(crate) mod event;
pub(crate) mod handlers;
pub(crate) mod stream;
