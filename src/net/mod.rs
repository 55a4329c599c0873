//! I/O only: dialing, the websocket, `poll(2)`, wake-up pipes, the connector and the Web
//! API call. Nothing here decides what to do next.

pub(crate) mod connector;
pub(crate) mod http;
pub(crate) mod poll;
pub(crate) mod stream;
pub(crate) mod waker;
pub(crate) mod websocket;
