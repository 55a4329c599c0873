//! The domain model shared by typed events, the Web API client and the workspace cache.

pub(crate) mod lenient;
