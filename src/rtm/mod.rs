//! What is specific to the RTM protocol: the client handle and its handler registry, RTM
//! frames, RTM's link rules, and RTM's side of the engine seam.

pub(crate) mod client;
mod event_json;
pub(crate) mod frame;
pub(crate) mod handlers;
pub(crate) mod protocol;
pub(crate) mod rules;
