//! [`Config`]: every setting with its default, and the [`Builder`] that checks them.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::protocol::admission::SlowConsumerPolicy;
use crate::protocol::rate_limit::RateLimit;
use crate::protocol::retry_policy::RetryPolicy;

#[cfg(feature = "workspace-cache")]
mod cache;
mod connector;
mod proxy;
mod tls;
mod tls_connector;

#[cfg(feature = "workspace-cache")]
pub use cache::CacheConfig;
pub use connector::Connector;
pub(crate) use connector::ConnectorRef;
pub use proxy::Proxy;
pub use tls::{ClientIdentity, TlsOptions};
pub(crate) use tls_connector::SharedConnector;

/// The protocol's limit on one client frame: Slack disconnects a client that sends more.
///
/// ```
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::{Error, LongTextPolicy, MAX_FRAME_BYTES};
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client_builder().long_text(LongTextPolicy::Allow).build()?;
/// client.start()?;
/// // Refused before it goes out: Slack would disconnect the client for it.
/// let too_big = "x".repeat(MAX_FRAME_BYTES);
/// let refused = client.send_message("C1", &too_big).unwrap_err();
/// assert!(matches!(refused, Error::FrameTooLarge { limit: MAX_FRAME_BYTES, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// The protocol's advice on message text: at most 4,000 characters.
///
/// ```
/// use slack_rtm::{Error, RtmClient, MAX_TEXT_CHARS};
///
/// let client = RtmClient::builder("xoxb-...").build()?;
/// // Refused locally under the default LongTextPolicy::Reject, even before start().
/// let long = "é".repeat(MAX_TEXT_CHARS + 1);
/// let refused = client.send_message("C1", &long).unwrap_err();
/// assert!(matches!(refused, Error::TextTooLong { chars, .. } if chars == MAX_TEXT_CHARS + 1));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub const MAX_TEXT_CHARS: usize = 4000;

/// What [`send_message`](crate::RtmClient::send_message) does with text over
/// [`MAX_TEXT_CHARS`] characters.
///
/// ```
/// use slack_rtm::LongTextPolicy;
/// assert_eq!(LongTextPolicy::default(), LongTextPolicy::Reject);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LongTextPolicy {
    /// Refuse it locally with [`Error::TextTooLong`]; nothing is sent (the default: the
    /// protocol asks clients to split, snippet or post such text instead).
    #[default]
    Reject,
    /// Send it anyway; only the 16 KB frame limit applies.
    Allow,
}

/// A secret string (the token) whose `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(s: impl Into<String>) -> Self {
        Secret(Arc::from(s.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

/// Arguments sent to `rtm.connect` / `rtm.start` (Node: `RTMStartOptions`).
///
/// ```
/// use slack_rtm::StartOptions;
/// let opts = StartOptions::default().batch_presence_aware(true);
/// assert!(!opts.presence_sub);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StartOptions {
    /// Ask Slack to batch presence changes into one `presence_change` with `users: [..]`.
    pub batch_presence_aware: bool,
    /// Only deliver presence events for users subscribed to with `presence_sub`.
    pub presence_sub: bool,
}

impl StartOptions {
    /// Sets [`batch_presence_aware`](Self::batch_presence_aware).
    ///
    /// ```
    /// assert!(slack_rtm::StartOptions::default().batch_presence_aware(true).batch_presence_aware);
    /// ```
    pub fn batch_presence_aware(mut self, on: bool) -> Self {
        self.batch_presence_aware = on;
        self
    }

    /// Sets [`presence_sub`](Self::presence_sub).
    ///
    /// ```
    /// assert!(slack_rtm::StartOptions::default().presence_sub(true).presence_sub);
    /// ```
    pub fn presence_sub(mut self, on: bool) -> Self {
        self.presence_sub = on;
        self
    }
}

/// Every setting of an [`RtmClient`](crate::RtmClient), with its default.
///
/// Built with [`Builder`]; read back with [`RtmClient::config`](crate::RtmClient::config).
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::RtmClient;
///
/// let client = RtmClient::builder("xoxb-...")
///     .reply_timeout(Duration::from_secs(3))
///     .build()?;
/// let config: &slack_rtm::Config = client.config();
/// assert_eq!(config.reply_timeout, Duration::from_secs(3));
/// assert!(config.auto_reconnect); // a default
/// assert!(!format!("{config:?}").contains("xoxb")); // the token is redacted
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    pub(crate) token: Secret,
    /// Prefix of every Web API URL. Default `https://slack.com/api/` (Node: `slackApiUrl`).
    pub slack_api_url: String,
    /// Reconnect by itself after the connection is lost. Default `true`
    /// (Node: `autoReconnect`).
    pub auto_reconnect: bool,
    /// How long the link may be quiet before the client sends an RTM `ping`. Default 8 s
    /// (Node: `clientPingTimeout`).
    pub client_ping_timeout: Duration,
    /// How long to wait for the `pong` before declaring the link dead. Default 4 s; must be
    /// shorter than `client_ping_timeout` (Node: `serverPongTimeout`).
    pub server_pong_timeout: Duration,
    /// After a reconnect, how long to wait for replies to frames sent on the lost
    /// connection before failing them with `NoReplyReceived`. Default 2 s
    /// (Node: `replyAckOnReconnectTimeout`).
    pub reply_ack_on_reconnect_timeout: Duration,
    /// How long a sent frame waits for its reply, counted from when it was **written**
    /// (not from the call: time in the outgoing queue is bounded by `queue_timeout`).
    /// Default 10 s.
    pub reply_timeout: Duration,
    /// How long writing one frame may take once it leaves the outgoing queue: the time the
    /// socket may refuse more bytes (a peer or proxy that stopped reading, a full link).
    /// A frame not written whole by then ends its connection (the client reconnects): if
    /// none of its bytes can have reached Slack it is retried on the next connection within
    /// `queue_timeout`, else the send fails with
    /// [`NoReplyReceived`](crate::Error::NoReplyReceived)
    /// ([`WriteUnfinished`](crate::NoReplyCause::WriteUnfinished)): it may have been sent.
    /// The reply timer starts after the write. Default 10 s.
    pub write_timeout: Duration,
    /// How long a send may wait in the outgoing queue before its frame is written: for the
    /// client to become ready (while connecting or reconnecting) and for its turn under
    /// the rate limit. A frame still queued then is withdrawn and the send fails with
    /// [`TimeoutKind::Queue`](crate::TimeoutKind::Queue): nothing was sent. Default 60 s,
    /// enough for 50 sends issued at once to go out at the default rate limit.
    pub queue_timeout: Duration,
    /// Use `rtm.connect` (`true`, the default) or `rtm.start`, whose workspace snapshot
    /// comes with the `authenticated` event (Node: `useRtmConnect`).
    pub use_rtm_connect: bool,
    /// Arguments for `rtm.connect` / `rtm.start`.
    pub start_options: StartOptions,
    /// Retry and backoff policy (Node: `retryConfig`).
    pub retry: RetryPolicy,
    /// TLS settings for HTTPS and WSS (Node: `tls`).
    pub tls: TlsOptions,
    /// The client's one TLS connector, built from `tls` on first use and shared by every
    /// clone of this config (the Web API's and the websocket's connections).
    pub(crate) tls_connector: SharedConnector,
    /// An HTTP CONNECT proxy for the Web API and the websocket (Node: `agent`). Default:
    /// [`Proxy::from_env`] at `build()` unless set explicitly or turned off with
    /// [`Builder::no_proxy`].
    pub proxy: Option<Proxy>,
    /// How long `start` may take before failing with
    /// [`Error::StartTimeout`](crate::Error::StartTimeout).
    /// Default 30 s.
    pub start_timeout: Duration,
    /// Bound on TCP connect + proxy CONNECT + TLS + websocket upgrade, all together.
    /// Default 10 s.
    pub connect_timeout: Duration,
    /// Bound on waiting for `hello` once the socket is open. Default 10 s.
    pub hello_timeout: Duration,
    /// Bound on one whole Web API call (connect, TLS, request, status line, headers and
    /// body). Default 30 s.
    pub http_timeout: Duration,
    /// Largest inbound websocket message accepted; larger ones end the connection without
    /// being allocated whole. Default 4 MiB.
    pub max_inbound_message: usize,
    /// Bound on frames waiting in the outgoing queue (for the client to be ready or for
    /// the rate limit). Default 1000.
    pub outgoing_queue_capacity: usize,
    /// The outgoing rate limit (pings and typing indicators are exempt; typing has its own
    /// limit of one per channel per 3 s). A send waits for its turn in the outgoing
    /// queue, within `queue_timeout`. Default [`RateLimit::default`] (1/s, bursts of 5); `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// What to do with message text over 4,000 characters. Default
    /// [`LongTextPolicy::Reject`].
    pub long_text: LongTextPolicy,
    /// Most Slack events waiting for the consumer; bounds memory when the consumer is slow
    /// (about 0.3–1 KB an event). Default 10,000.
    pub event_queue_capacity: usize,
    /// How TCP connections are made, for the Web API and the websocket (the v3 client's
    /// `socketFn`). Default: plain `TcpStream::connect` after resolving the host. Cannot be
    /// combined with an explicit [`proxy`](Self::proxy) (a connector that tunnels is the
    /// proxy); a proxy from the environment is ignored when a connector is set. Set with
    /// [`Builder::connector`]; crate-private because a connector is code, not a setting to
    /// read back.
    pub(crate) connector: Option<ConnectorRef>,
    /// The opt-in workspace cache (the v3 client's `dataStore`): `None` (the default)
    /// keeps none. See [`WorkspaceCache`](crate::WorkspaceCache). Only with the
    /// `workspace-cache` feature.
    #[cfg(feature = "workspace-cache")]
    pub workspace_cache: Option<CacheConfig>,
    /// What happens when `event_queue_capacity` is reached. Default
    /// [`SlowConsumerPolicy::DropNewest`] (counted, never silent).
    pub slow_consumer: SlowConsumerPolicy,
}

/// The longest duration any setting accepts: one day. Longer ones would be
/// indistinguishable from a hang, and near `Duration::MAX` they overflow clock arithmetic.
pub(crate) const MAX_SETTING_DURATION: Duration = Duration::from_secs(24 * 3600);

/// The slowest rate limit accepted: one frame per 1,000 s (slower rates make waits that
/// overflow clock arithmetic); and the fastest, a million a second.
const MIN_RATE: f64 = 0.001;
const MAX_RATE: f64 = 1e6;
/// The largest backoff growth factor accepted.
const MAX_MULTIPLIER: f64 = 100.0;

fn check_duration(name: &str, d: Duration) -> Result<()> {
    if d > MAX_SETTING_DURATION {
        return Err(Error::Config(format!(
            "{name} is {d:?}; at most {MAX_SETTING_DURATION:?} is accepted"
        )));
    }
    Ok(())
}

impl Config {
    fn new(token: String) -> Self {
        Self {
            token: Secret::new(token),
            slack_api_url: "https://slack.com/api/".into(),
            auto_reconnect: true,
            client_ping_timeout: Duration::from_secs(8),
            server_pong_timeout: Duration::from_secs(4),
            reply_ack_on_reconnect_timeout: Duration::from_secs(2),
            reply_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            queue_timeout: Duration::from_secs(60),
            use_rtm_connect: true,
            start_options: StartOptions::default(),
            retry: RetryPolicy::default(),
            tls: TlsOptions::default(),
            tls_connector: SharedConnector::default(),
            proxy: None,
            start_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            hello_timeout: Duration::from_secs(10),
            http_timeout: Duration::from_secs(30),
            max_inbound_message: 4 << 20,
            outgoing_queue_capacity: 1000,
            rate_limit: Some(RateLimit::default()),
            long_text: LongTextPolicy::Reject,
            event_queue_capacity: 10_000,
            slow_consumer: SlowConsumerPolicy::DropNewest,
            connector: None,
            #[cfg(feature = "workspace-cache")]
            workspace_cache: None,
        }
    }

    fn validate(&self) -> Result<()> {
        if self.client_ping_timeout.is_zero() || self.server_pong_timeout.is_zero() {
            return Err(Error::KeepAliveConfig(
                "client_ping_timeout and server_pong_timeout must be non-zero".into(),
            ));
        }
        if self.server_pong_timeout >= self.client_ping_timeout {
            return Err(Error::KeepAliveConfig(format!(
                "server_pong_timeout ({:?}) must be shorter than client_ping_timeout ({:?})",
                self.server_pong_timeout, self.client_ping_timeout
            )));
        }
        if self.token.expose().is_empty() {
            return Err(Error::Config("the token is empty".into()));
        }
        if self
            .token
            .expose()
            .chars()
            .any(|c| c.is_control() || c == ' ')
        {
            return Err(Error::Config(
                "the token contains whitespace or control characters".into(),
            ));
        }
        if !(self.slack_api_url.starts_with("https://")
            || self.slack_api_url.starts_with("http://"))
        {
            return Err(Error::Config(
                "slack_api_url must start with https:// or http://".into(),
            ));
        }
        for (name, d) in [
            ("reply_timeout", self.reply_timeout),
            ("write_timeout", self.write_timeout),
            ("queue_timeout", self.queue_timeout),
            ("start_timeout", self.start_timeout),
            ("connect_timeout", self.connect_timeout),
            ("hello_timeout", self.hello_timeout),
            ("http_timeout", self.http_timeout),
        ] {
            if d.is_zero() {
                return Err(Error::Config(format!("{name} must be non-zero")));
            }
        }
        for (name, d) in [
            ("reply_timeout", self.reply_timeout),
            ("write_timeout", self.write_timeout),
            ("queue_timeout", self.queue_timeout),
            ("start_timeout", self.start_timeout),
            ("connect_timeout", self.connect_timeout),
            ("hello_timeout", self.hello_timeout),
            ("http_timeout", self.http_timeout),
            ("client_ping_timeout", self.client_ping_timeout),
            ("server_pong_timeout", self.server_pong_timeout),
            (
                "reply_ack_on_reconnect_timeout",
                self.reply_ack_on_reconnect_timeout,
            ),
            ("retry.first_retry", self.retry.first_retry),
            ("retry.initial_backoff", self.retry.initial_backoff),
            ("retry.max_backoff", self.retry.max_backoff),
            ("retry.reset_after", self.retry.reset_after),
        ] {
            check_duration(name, d)?;
        }
        let r = &self.retry;
        if !(1.0..=MAX_MULTIPLIER).contains(&r.multiplier) {
            return Err(Error::Config(format!(
                "retry.multiplier must be within 1..={MAX_MULTIPLIER}"
            )));
        }
        if !(0.0..=1.0).contains(&r.jitter) {
            return Err(Error::Config(
                "retry.jitter must be within 0.0..=1.0".into(),
            ));
        }
        if r.max_backoff < r.initial_backoff {
            return Err(Error::Config(
                "retry.max_backoff must not be shorter than retry.initial_backoff".into(),
            ));
        }
        if self.max_inbound_message < 1024 {
            return Err(Error::Config(
                "max_inbound_message must be at least 1024".into(),
            ));
        }
        if self.event_queue_capacity == 0 {
            return Err(Error::Config(
                "event_queue_capacity must be at least 1".into(),
            ));
        }
        if self.outgoing_queue_capacity == 0 {
            return Err(Error::Config(
                "outgoing_queue_capacity must be at least 1".into(),
            ));
        }
        if let Some(r) = &self.rate_limit {
            if !(MIN_RATE..=MAX_RATE).contains(&r.per_second) || r.burst == 0 {
                return Err(Error::Config(format!(
                    "rate_limit needs per_second within {MIN_RATE}..={MAX_RATE} and burst >= 1 \
                     (or None to turn it off); got {} and {}",
                    r.per_second, r.burst
                )));
            }
        }
        Ok(())
    }
}

/// Builds an [`RtmClient`](crate::RtmClient): required values in
/// [`RtmClient::builder`](crate::RtmClient::builder), the rest as setters named after the
/// [`Config`] fields.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::{ErrorCode, RtmClient};
///
/// let client = RtmClient::builder("xoxb-your-token")
///     .auto_reconnect(true)
///     .reply_timeout(Duration::from_secs(5))
///     .build()
///     .unwrap();
/// assert!(!client.connected());
///
/// // Invalid combinations are errors, never panics:
/// let err = RtmClient::builder("xoxb-your-token")
///     .client_ping_timeout(Duration::from_secs(2))
///     .server_pong_timeout(Duration::from_secs(5))
///     .build()
///     .unwrap_err();
/// assert_eq!(err.code(), ErrorCode::KeepAliveConfigError);
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until build() is called"]
pub struct Builder {
    config: Config,
    proxy_from_env: bool,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty = $example:expr),* $(,)?) => {
        $(
            $(#[$doc])*
            ///
            /// ```
            /// # #![allow(unused_imports)]
            /// # use std::time::Duration;
            /// # use slack_rtm::*;
            #[doc = concat!(
                "let client = RtmClient::builder(\"xoxb-...\")\n    .",
                stringify!($name), "(", stringify!($example), ")\n    .build()\n    .unwrap();"
            )]
            #[doc = concat!(
                "assert_eq!(format!(\"{:?}\", client.config().", stringify!($name),
                "), format!(\"{:?}\", ", stringify!($example), "));"
            )]
            /// ```
            pub fn $name(mut self, value: $ty) -> Self {
                self.config.$name = value;
                self
            }
        )*
    };
}

impl Builder {
    pub(crate) fn new(token: impl Into<String>) -> Self {
        Self {
            config: Config::new(token.into()),
            proxy_from_env: true,
        }
    }

    /// Sets [`Config::slack_api_url`]; a missing trailing `/` is added.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...")
    ///     .slack_api_url("http://127.0.0.1:8080/api")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(client.config().slack_api_url, "http://127.0.0.1:8080/api/");
    /// ```
    pub fn slack_api_url(mut self, url: impl Into<String>) -> Self {
        let mut url = url.into();
        if !url.ends_with('/') {
            url.push('/');
        }
        self.config.slack_api_url = url;
        self
    }

    /// Sets [`Config::proxy`] (the proxy environment variables are then ignored).
    ///
    /// ```
    /// let proxy = slack_rtm::Proxy::new("http://proxy.internal:3128").unwrap();
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").proxy(proxy).build().unwrap();
    /// assert!(client.config().proxy.is_some());
    /// ```
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.config.proxy = Some(proxy);
        self.proxy_from_env = false;
        self
    }

    /// Sets how TCP connections are made, for the Web API and the websocket alike (the v3
    /// client's `socketFn`); see [`Connector`]. Default: the crate connects directly after
    /// resolving the host. Cannot be combined with an explicit [`proxy`](Self::proxy) (a
    /// connector that tunnels is the proxy); a proxy from the environment is ignored when a
    /// connector is set.
    ///
    /// ```
    /// use std::net::TcpStream;
    /// use std::time::Duration;
    ///
    /// let client = slack_rtm::RtmClient::builder("xoxb-...")
    ///     .connector(|host: &str, port: u16, timeout: Duration| {
    ///         let addr = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))?
    ///             .next()
    ///             .ok_or_else(|| std::io::Error::other("no address"))?;
    ///         TcpStream::connect_timeout(&addr, timeout)
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # drop(client);
    /// ```
    pub fn connector(mut self, connector: impl Connector) -> Self {
        self.config.connector = Some(ConnectorRef(std::sync::Arc::new(connector)));
        self
    }

    /// Connects directly, ignoring proxy environment variables.
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").no_proxy().build().unwrap();
    /// assert!(client.config().proxy.is_none());
    /// ```
    pub fn no_proxy(mut self) -> Self {
        self.config.proxy = None;
        self.proxy_from_env = false;
        self
    }

    setters! {
        /// Sets [`Config::auto_reconnect`].
        auto_reconnect: bool = false,
        /// Sets [`Config::client_ping_timeout`].
        client_ping_timeout: Duration = Duration::from_secs(20),
        /// Sets [`Config::server_pong_timeout`].
        server_pong_timeout: Duration = Duration::from_secs(5),
        /// Sets [`Config::reply_ack_on_reconnect_timeout`].
        reply_ack_on_reconnect_timeout: Duration = Duration::from_secs(3),
        /// Sets [`Config::reply_timeout`].
        reply_timeout: Duration = Duration::from_secs(5),
        /// Sets [`Config::write_timeout`].
        write_timeout: Duration = Duration::from_secs(5),
        /// Sets [`Config::queue_timeout`].
        queue_timeout: Duration = Duration::from_secs(30),
        /// Sets [`Config::use_rtm_connect`].
        use_rtm_connect: bool = false,
        /// Sets [`Config::start_options`].
        start_options: StartOptions = StartOptions::default().presence_sub(true),
        /// Sets [`Config::retry`].
        retry: RetryPolicy = RetryPolicy::default().max_backoff(Duration::from_secs(10)),
        /// Sets [`Config::tls`].
        tls: TlsOptions = TlsOptions::default(),
        /// Sets [`Config::start_timeout`].
        start_timeout: Duration = Duration::from_secs(60),
        /// Sets [`Config::connect_timeout`].
        connect_timeout: Duration = Duration::from_secs(5),
        /// Sets [`Config::hello_timeout`].
        hello_timeout: Duration = Duration::from_secs(5),
        /// Sets [`Config::http_timeout`].
        http_timeout: Duration = Duration::from_secs(10),
        /// Sets [`Config::max_inbound_message`].
        max_inbound_message: usize = 1 << 20,
        /// Sets [`Config::outgoing_queue_capacity`].
        outgoing_queue_capacity: usize = 100,
        /// Sets [`Config::rate_limit`].
        rate_limit: Option<RateLimit> = Some(RateLimit::new(2.0, 10)),
        /// Sets [`Config::long_text`].
        long_text: LongTextPolicy = LongTextPolicy::Allow,
        /// Sets [`Config::event_queue_capacity`].
        event_queue_capacity: usize = 1000,
        /// Sets [`Config::workspace_cache`] (feature `workspace-cache`).
        #[cfg(feature = "workspace-cache")]
        workspace_cache: Option<CacheConfig> = Some(CacheConfig::default()),
        /// Sets [`Config::slow_consumer`].
        slow_consumer: SlowConsumerPolicy = SlowConsumerPolicy::Backpressure,
    }

    /// Sets [`StartOptions::batch_presence_aware`].
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...")
    ///     .batch_presence_aware(true)
    ///     .build()
    ///     .unwrap();
    /// assert!(client.config().start_options.batch_presence_aware);
    /// ```
    pub fn batch_presence_aware(mut self, on: bool) -> Self {
        self.config.start_options.batch_presence_aware = on;
        self
    }

    /// Sets [`StartOptions::presence_sub`].
    ///
    /// ```
    /// let client = slack_rtm::RtmClient::builder("xoxb-...").presence_sub(true).build().unwrap();
    /// assert!(client.config().start_options.presence_sub);
    /// ```
    pub fn presence_sub(mut self, on: bool) -> Self {
        self.config.start_options.presence_sub = on;
        self
    }

    /// The checked settings, without a client (the standalone Web API client uses this).
    pub(crate) fn build_config(mut self) -> Result<Config> {
        if self.config.connector.is_some() {
            if self.config.proxy.is_some() && !self.proxy_from_env {
                return Err(Error::Config(
                    "a connector and a proxy cannot be combined: tunnel in the connector".into(),
                ));
            }
            self.config.proxy = None;
        } else if self.proxy_from_env {
            self.config.proxy = Proxy::from_env();
        }
        self.config.validate()?;
        // Each built config (each client) gets its own TLS connector, even from a cloned
        // builder whose `tls` may differ.
        self.config.tls_connector = SharedConnector::default();
        Ok(self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Config::new("xoxb-1".into()).validate().unwrap();
    }

    #[test]
    fn durations_that_could_overflow_later_are_refused_naming_the_setting() {
        let mut c = Config::new("xoxb-1".into());
        c.reply_timeout = Duration::MAX;
        let err = c.validate().unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("reply_timeout")),
            "{err}"
        );
        let mut c = Config::new("xoxb-1".into());
        c.retry.max_backoff = Duration::MAX;
        assert!(c.validate().is_err());
        let mut c = Config::new("xoxb-1".into());
        c.queue_timeout = MAX_SETTING_DURATION;
        c.validate().expect("a day is accepted");
    }

    #[test]
    fn rates_that_would_overflow_the_token_bucket_are_refused() {
        for per_second in [1e-300, 0.0, -1.0, f64::NAN, f64::INFINITY, 1e300] {
            let mut c = Config::new("xoxb-1".into());
            c.rate_limit = Some(RateLimit::new(per_second, 5));
            assert!(c.validate().is_err(), "{per_second}");
        }
        let mut c = Config::new("xoxb-1".into());
        c.rate_limit = Some(RateLimit::new(MIN_RATE, 1));
        c.validate().unwrap();
        c.retry.multiplier = f64::INFINITY;
        assert!(c.validate().is_err());
    }

    #[test]
    fn pong_timeout_not_shorter_than_ping_is_a_keepalive_config_error() {
        let mut c = Config::new("xoxb-1".into());
        c.server_pong_timeout = c.client_ping_timeout;
        assert!(matches!(c.validate(), Err(Error::KeepAliveConfig(_))));
    }

    #[test]
    fn token_never_appears_in_debug() {
        let c = Config::new("xoxb-super-secret".into());
        assert!(!format!("{c:?}").contains("super-secret"));
    }
}
