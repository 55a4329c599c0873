//! The threads: the reader and the keepalive, and the state they share with the client
//! handles. They carry out what the protocol layer decides.

pub(crate) mod backlog;
pub(crate) mod keepalive;
pub(crate) mod reader;
pub(crate) mod sender;
pub(crate) mod shared;
