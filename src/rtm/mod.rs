//! What is specific to the RTM protocol: the client handle and RTM frames.

pub(crate) mod client;
pub(crate) mod frame;
