//! The workspace cache (being written).

use serde_json::Value;

use crate::event::SlackEvent;
use crate::web::WebApi;

/// Settings of the opt-in workspace cache.
///
/// ```
/// let settings = slack_rtm::CacheConfig::default();
/// assert!(settings.capacity > 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Most entries kept per kind (users, conversations, bots). Default 10,000.
    pub capacity: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self { capacity: 10_000 }
    }
}

/// The workspace cache (placeholder).
#[derive(Debug)]
pub struct WorkspaceCache {
    _web: WebApi,
    _config: CacheConfig,
}

impl WorkspaceCache {
    pub(crate) fn new(config: CacheConfig, web: WebApi) -> Self {
        Self {
            _web: web,
            _config: config,
        }
    }

    /// Whether events of this type change the cache (cheap; called on the reader thread).
    pub(crate) fn wants(&self, _kind: &str) -> bool {
        false
    }

    /// Applies an event that changes the workspace (called on the reader thread; never
    /// makes a Web API call).
    pub(crate) fn observe(&self, _event: &SlackEvent) {}

    /// Seeds from a successful rtm.connect / rtm.start response (without `url`).
    pub(crate) fn seed(&self, _response: &Value) {}
}
