//! I/O only: dialing, the websocket, `poll(2)`, wake-up pipes, the connector and the Web
//! API call. Nothing here decides what to do next.
//!
//! Dialing (`dial`) = `tcp` (direct, `connector`, or `proxy_tunnel`) + TLS + `upgrade`,
//! over a `socket` that bounds every wait by one `deadline` and wakes on a `cancel`; the
//! open connection is `websocket`. The Web API call is `http` over `http_transport`.

pub(crate) mod cancel;
pub(crate) mod connector;
pub(crate) mod deadline;
pub(crate) mod dial;
pub(crate) mod http;
pub(crate) mod http_transport;
pub(crate) mod poll;
pub(crate) mod proxy_tunnel;
pub(crate) mod socket;
pub(crate) mod stream;
pub(crate) mod tcp;
pub(crate) mod tls;
pub(crate) mod upgrade;
pub(crate) mod waker;
pub(crate) mod websocket;
