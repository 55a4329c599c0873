//! [`CacheConfig`]: the settings of the opt-in workspace cache. Here, with the other
//! settings, so that the configuration does not depend on the cache (which depends on the
//! Web API, which depends on the configuration).

/// Settings of the opt-in workspace cache ([`Config::workspace_cache`](crate::Config::workspace_cache)).
///
/// Memory: roughly 0.5 KB per cached user and 0.4 KB per conversation or bot (measured;
/// see [`WorkspaceCache`](crate::WorkspaceCache), *Memory*), so the default bound, with 10,000 of each kind,
/// costs about 12 MB.
///
/// ```
/// use slack_rtm::{CacheConfig, RtmClient};
///
/// let settings = CacheConfig { capacity: 2_000 }; // at most ~1 MB of users
/// assert_eq!(CacheConfig::default().capacity, 10_000);
/// let client = RtmClient::builder("xoxb-your-token")
///     .workspace_cache(Some(settings))
///     .build()?;
/// assert!(client.cache().is_some());
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Most entries kept per kind: at most `capacity` users, `capacity` conversations
    /// (channels, private channels, DMs and group DMs together) and `capacity` bots. Past
    /// it, the entry written longest ago is evicted, unless it was looked up since (see
    /// [`WorkspaceCache`](crate::WorkspaceCache), *Bound and eviction*). `0` keeps nothing: lookups still work,
    /// through the Web API every time. Default 10,000.
    pub capacity: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self { capacity: 10_000 }
    }
}
