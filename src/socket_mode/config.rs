//! [`SocketModeBuilder`]: every setting of a [`SocketModeClient`](super::SocketModeClient),
//! with its default. The network settings (API URL, proxy, TLS, connector, timeouts)
//! are the RTM client's and are checked the same way.

use std::fmt;
use std::time::Duration;

use crate::config::{Config, Connector, Proxy, Secret, TlsOptions};
use crate::error::{Error, Result};
use crate::protocol::retry_policy::RetryPolicy;
use crate::socket_mode::protocol::ack_deadlines::{ACK_DEADLINE, ACK_WARN_AFTER};
use crate::socket_mode::protocol::connect_budget::{DEFAULT_CONNECT_BURST, DEFAULT_CONNECT_REFILL};
use crate::socket_mode::protocol::dedup::{DEFAULT_DEDUP_CAPACITY, DEFAULT_DEDUP_WINDOW};
use crate::socket_mode::protocol::disconnect_policy::DEFAULT_TOO_MANY_BACKOFF;
use crate::socket_mode::protocol::graceful_close::DEFAULT_DISCONNECT_GRACE;
use crate::SlowConsumerPolicy;

/// Who acks a request, and when.
///
/// ```
/// use slack_rtm::socket_mode::AckPolicy;
/// assert_eq!(AckPolicy::default(), AckPolicy::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AckPolicy {
    /// `events_api` envelopes (and types this crate does not know) are acked by the
    /// client as soon as they arrive, before the app sees them: Slack wants the ack
    /// first and the work after, and an event handler has nothing to answer. Slash
    /// commands and interactions are acked by the app: in
    /// [`run`](super::SocketModeClient::run) with the handler's answer, in your own loop
    /// with [`Request::ack`](super::Request::ack) or
    /// [`ack_with`](super::Request::ack_with). A request dropped without an ack is acked
    /// bare when it is dropped. (The default.)
    #[default]
    Auto,
    /// The app acks every request itself; one dropped without an ack is still acked bare
    /// when it is dropped, so nothing waits out the deadline unnoticed.
    Manual,
}

/// The settings a built client runs with.
#[derive(Debug, Clone)]
pub(crate) struct SocketModeSettings {
    /// The transport and Web API settings; its token is the app token.
    pub(crate) transport: Config,
    pub(crate) tuning: Tuning,
}

/// The Socket Mode settings beside the network ones. (No `Debug` of the bot token.)
#[derive(Clone)]
pub(crate) struct Tuning {
    pub(crate) bot_token: Option<Secret>,
    pub(crate) pool_size: usize,
    pub(crate) ack_policy: AckPolicy,
    pub(crate) dedup: bool,
    pub(crate) dedup_window: Duration,
    pub(crate) dedup_capacity: usize,
    pub(crate) ack_warn_after: Duration,
    pub(crate) ack_deadline: Duration,
    pub(crate) ack_write_timeout: Duration,
    pub(crate) disconnect_grace: Duration,
    pub(crate) ping_interval: Duration,
    pub(crate) pong_timeout: Duration,
    pub(crate) silence_limit: Duration,
    pub(crate) too_many_backoff: Duration,
    pub(crate) connect_burst: u32,
    pub(crate) connect_refill: Duration,
    pub(crate) debug_reconnects: bool,
}

impl fmt::Debug for Tuning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tuning")
            .field("bot_token", &self.bot_token.as_ref().map(|_| "[redacted]"))
            .field("pool_size", &self.pool_size)
            .field("ack_policy", &self.ack_policy)
            .field("dedup", &self.dedup)
            .field("ping_interval", &self.ping_interval)
            .field("pong_timeout", &self.pong_timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`SocketModeClient`](super::SocketModeClient); made by
/// [`SocketModeClient::builder`](super::SocketModeClient::builder).
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::socket_mode::{AckPolicy, SocketModeClient};
///
/// let client = SocketModeClient::builder("xapp-1-A0123-456-abc")
///     .bot_token("xoxb-123-abc")
///     .pool_size(2)
///     .ack_policy(AckPolicy::Manual)
///     .start_timeout(Duration::from_secs(20))
///     .build()?;
/// assert!(client.web().is_some());
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[must_use = "a builder does nothing until build() is called"]
pub struct SocketModeBuilder {
    network: crate::Builder,
    app_token: String,
    settings: Tuning,
}

impl fmt::Debug for SocketModeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketModeBuilder")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

macro_rules! network_setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: $ty) -> Self {
                self.network = self.network.$name(value);
                self
            }
        )*
    };
}

/// The largest `dedup_capacity` accepted (~1.6 GB of ids at most).
const MAX_DEDUP_CAPACITY: usize = 1 << 24;

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: $ty) -> Self {
                self.settings.$name = value;
                self
            }
        )*
    };
}

impl SocketModeBuilder {
    pub(crate) fn new(app_token: String) -> Self {
        let network = crate::RtmClient::builder(app_token.clone());
        Self {
            network,
            app_token,
            settings: Tuning {
                bot_token: None,
                pool_size: 1,
                ack_policy: AckPolicy::Auto,
                dedup: true,
                dedup_window: DEFAULT_DEDUP_WINDOW,
                dedup_capacity: DEFAULT_DEDUP_CAPACITY,
                ack_warn_after: ACK_WARN_AFTER,
                ack_deadline: ACK_DEADLINE,
                ack_write_timeout: Duration::from_secs(2),
                disconnect_grace: DEFAULT_DISCONNECT_GRACE,
                ping_interval: Duration::from_secs(8),
                pong_timeout: Duration::from_secs(3),
                silence_limit: Duration::from_secs(40),
                too_many_backoff: DEFAULT_TOO_MANY_BACKOFF,
                connect_burst: DEFAULT_CONNECT_BURST,
                connect_refill: DEFAULT_CONNECT_REFILL,
                debug_reconnects: false,
            },
        }
    }

    /// The bot token (`xoxb-…`) for [`SocketModeClient::web`](super::SocketModeClient::web):
    /// everything the app sends (messages, views, reactions) goes through the Web API.
    ///
    /// ```
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let client = SocketModeClient::builder("xapp-1-A0123-456-abc")
    ///     .bot_token("xoxb-123-abc")
    ///     .build()?;
    /// assert!(client.web().is_some());
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn bot_token(mut self, token: impl Into<String>) -> Self {
        self.settings.bot_token = Some(Secret::new(token.into()));
        self
    }

    /// Prefix of every Web API URL (`apps.connections.open` and `web()`'s calls); a
    /// missing trailing `/` is added. Default `https://slack.com/api/`.
    ///
    /// ```
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
    ///     .slack_api_url("http://127.0.0.1:8080/api")
    ///     .build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn slack_api_url(mut self, url: impl Into<String>) -> Self {
        self.network = self.network.slack_api_url(url);
        self
    }

    /// An HTTP CONNECT proxy for both legs (the connect call and the `wss://` socket).
    /// Default: the one named by `HTTPS_PROXY` / `ALL_PROXY`, with `NO_PROXY` honoured.
    ///
    /// ```
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// use slack_rtm::Proxy;
    ///
    /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
    ///     .proxy(Proxy::new("http://proxy.internal:3128")?)
    ///     .build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.network = self.network.proxy(proxy);
        self
    }

    /// Connects directly, ignoring proxy environment variables.
    ///
    /// ```
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
    ///     .no_proxy()
    ///     .build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn no_proxy(mut self) -> Self {
        self.network = self.network.no_proxy();
        self
    }

    /// How TCP connections are made (both legs); see [`Connector`].
    ///
    /// ```
    /// use std::net::TcpStream;
    /// use std::time::Duration;
    /// use slack_rtm::socket_mode::SocketModeClient;
    ///
    /// let client = SocketModeClient::builder("xapp-1-A0123-456-abc")
    ///     .connector(|host: &str, port: u16, timeout: Duration| {
    ///         let addr = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))?
    ///             .next()
    ///             .ok_or_else(|| std::io::Error::other("no address"))?;
    ///         TcpStream::connect_timeout(&addr, timeout)
    ///     })
    ///     .build()?;
    /// # drop(client);
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn connector(mut self, connector: impl Connector) -> Self {
        self.network = self.network.connector(connector);
        self
    }

    network_setters! {
        /// TLS settings for both legs (custom CA, client certificate). Default: the
        /// system's roots.
        ///
        /// ```no_run
        /// use slack_rtm::TlsOptions;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // A corporate CA that re-signs TLS, for apps.connections.open and the wss:// socket.
        /// let corporate_ca = std::fs::read("/etc/corp/ca.pem")?;
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .tls(TlsOptions::default().ca_pem(corporate_ca))
        ///     .build()?;
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        tls: TlsOptions,
        /// Backoff between connection attempts (see [`RetryPolicy`]). Default: as the RTM
        /// client's; the `apps.connections.open` budget below applies on top.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::RetryPolicy;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// let patient = RetryPolicy::default().max_backoff(Duration::from_secs(120));
        /// let _client = app().retry(patient).build()?;
        /// // A cap below the first backoff is refused.
        /// let muddled = RetryPolicy::default().max_backoff(Duration::from_millis(1));
        /// assert!(app().retry(muddled).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        retry: RetryPolicy,
        /// Bound on [`start`](super::SocketModeClient::start). Default 30 s.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// // A service that would rather fail its health check than wait 30 s.
        /// let _client = app()
        ///     .start_timeout(Duration::from_secs(10))
        ///     .build()?;
        /// assert!(app().start_timeout(Duration::ZERO).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        start_timeout: Duration,
        /// Bound on one TCP + TLS + websocket handshake. Default 10 s.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// let _client = app()
        ///     .connect_timeout(Duration::from_secs(5))
        ///     .build()?;
        /// assert!(app().connect_timeout(Duration::ZERO).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        connect_timeout: Duration,
        /// How long a new socket may take to say `hello`. Default 10 s.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // A socket that stays mute this long counts as a failed attempt and is retried.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .hello_timeout(Duration::from_secs(5))
        ///     .build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        hello_timeout: Duration,
        /// Bound on one Web API call. Default 30 s.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// let _client = app()
        ///     .http_timeout(Duration::from_secs(10))
        ///     .build()?;
        /// assert!(app().http_timeout(Duration::ZERO).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        http_timeout: Duration,
        /// Requests (and lifecycle events) that may wait for the app before the
        /// [`SlowConsumerPolicy`] applies. Default 10 000.
        ///
        /// ```
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// // A small box: at most 1,000 requests wait for the app.
        /// let _client = app().event_queue_capacity(1_000).build()?;
        /// assert!(app().event_queue_capacity(0).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        event_queue_capacity: usize,
        /// What happens when the app falls `event_queue_capacity` behind. Default
        /// [`SlowConsumerPolicy::DropNewest`] (a dropped `events_api` request was already
        /// acked under [`AckPolicy::Auto`]; choose `Backpressure` to never drop one).
        ///
        /// ```
        /// use slack_rtm::SlowConsumerPolicy;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // Never drop a request: stop reading the socket until the app catches up.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .slow_consumer(SlowConsumerPolicy::Backpressure)
        ///     .build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        slow_consumer: SlowConsumerPolicy,
        /// The largest inbound frame accepted. Default 4 MiB.
        ///
        /// ```
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// let _client = app()
        ///     .max_inbound_message(1 << 20) // 1 MiB
        ///     .build()?;
        /// assert!(app().max_inbound_message(512).build().is_err()); // at least 1024
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        max_inbound_message: usize,
    }

    setters! {
        /// How many sockets to hold at once, 1 to 9 (redundancy: each is refreshed on its
        /// own, make-before-break). Default 1. The app's limit of 10 counts every process.
        ///
        /// ```
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// // Two sockets: while one is refreshed, the other still delivers.
        /// let _client = app().pool_size(2).build()?;
        /// assert!(app().pool_size(0).build().is_err());
        /// assert!(app().pool_size(10).build().is_err()); // no room left for a refresh
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        pool_size: usize,
        /// Who acks, and when. Default [`AckPolicy::Auto`].
        ///
        /// ```
        /// use slack_rtm::socket_mode::{AckPolicy, SocketModeClient};
        ///
        /// // The app acks events_api requests itself too, once they are stored.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .ack_policy(AckPolicy::Manual)
        ///     .build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        ack_policy: AckPolicy,
        /// Whether deliveries already handed to the app (same `envelope_id`, or same
        /// `event_id`) are acked and dropped instead of delivered again. Default true.
        ///
        /// ```
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // An app that is idempotent anyway and wants to see Slack's retries.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc").dedup(false).build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        dedup: bool,
        /// How long delivery ids are remembered. Default 15 minutes (Slack retries up to
        /// about 5 minutes after the deadline).
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // Slack's last retry comes some 6 minutes after the first delivery.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .dedup_window(Duration::from_secs(10 * 60))
        ///     .build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        dedup_window: Duration,
        /// The most delivery ids remembered (an `events_api` delivery takes two: its
        /// envelope id and its event id); past it the oldest are forgotten before their
        /// window ends. Default 32 768: the 15-minute window holds at up to ~18 events a
        /// second sustained, and Slack's last retry (~6 minutes after the first delivery)
        /// is still caught at up to ~44 a second. Raise it for a busier app (about 100
        /// bytes per id); 2 to 16 777 216. Ids forgotten early are counted in
        /// [`SocketModeStats::dedup_forgotten_early`](super::SocketModeStats::dedup_forgotten_early)
        /// and warned about (with the capacity) once per burst.
        ///
        /// ```
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// // ~200 events a second for 15 minutes, two ids each.
        /// let _client = app()
        ///     .dedup_capacity(200 * 15 * 60 * 2)
        ///     .build()?;
        /// assert!(app().dedup_capacity(1).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        dedup_capacity: usize,
        /// When a request still unacked is logged and counted. Default 2.5 s (the
        /// deadline is 3 s).
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // Hear about slow acks early, with half the deadline still left.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .ack_warn_after(Duration::from_millis(1500))
        ///     .build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        ack_warn_after: Duration,
        /// The longest [`disconnect`](super::SocketModeClient::disconnect) waits for the
        /// acks of requests already delivered (new ones are refused meanwhile, and left to
        /// Slack's retry). It never waits past the ack deadline of the last request owed,
        /// nor once nothing is owed; `Duration::ZERO` closes at once. Default 3 s
        /// (Slack's ack deadline: every ack that can still be on time is waited for).
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // A process that must exit at once on SIGTERM: leave unacked requests to Slack's retry.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .disconnect_grace(Duration::ZERO)
        ///     .build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        disconnect_grace: Duration,
        /// How long one ack write may wait for room in a socket before it is written
        /// again on another socket, never the one that failed (Slack ignores a second ack
        /// of an envelope). The second write has a timeout of its own, so an app's
        /// `ack()` blocks at most twice this. Default 2 s.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// // With a pool of two, give up on a stuck socket sooner and ack on the other.
        /// let _client = app()
        ///     .pool_size(2)
        ///     .ack_write_timeout(Duration::from_millis(500))
        ///     .build()?;
        /// assert!(app().ack_write_timeout(Duration::ZERO).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        ack_write_timeout: Duration,
        /// How long a quiet socket waits before a websocket Ping. Default 8 s (as the RTM
        /// client's ping, so an idle client wakes no more often).
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// // A NAT that forgets idle flows after 5 s.
        /// let _client = app()
        ///     .ping_interval(Duration::from_secs(4))
        ///     .build()?;
        /// assert!(app().ping_interval(Duration::ZERO).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        ping_interval: Duration,
        /// How long a Ping may go unanswered before it counts as missed; a second Ping
        /// follows at once, and two missed in a row make the socket dead. Default 3 s: a
        /// pong up to 6 s slow is tolerated, and a half-open socket is found 14 s after it
        /// went quiet (the RTM client: 12 s). Anything received counts as an answer, and
        /// 40 s of total silence is fatal whatever the Pings say.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// let app = || SocketModeClient::builder("xapp-1-A0123-456-abc");
        /// // A slow satellite link: tolerate pongs up to 10 s late.
        /// let _client = app()
        ///     .pong_timeout(Duration::from_secs(5))
        ///     .build()?;
        /// assert!(app().pong_timeout(Duration::ZERO).build().is_err());
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        pong_timeout: Duration,
        /// The first pause after `too_many_websockets` (doubled on repeats, jittered).
        /// Default 2 minutes.
        ///
        /// ```
        /// use std::time::Duration;
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // Other processes of the app hold most of its 10 sockets: back off longer.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
        ///     .too_many_backoff(Duration::from_secs(300))
        ///     .build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        too_many_backoff: Duration,
        /// Appends `debug_reconnects=true` to every socket URL (Slack then refreshes
        /// sockets every ~6 minutes; for exercising refresh handling). Default false.
        ///
        /// ```
        /// use slack_rtm::socket_mode::SocketModeClient;
        ///
        /// // A staging app that wants its refresh handling exercised every few minutes.
        /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc").debug_reconnects(true).build()?;
        /// # Ok::<(), slack_rtm::Error>(())
        /// ```
        debug_reconnects: bool,
    }

    /// The local budget for `apps.connections.open`: `burst` calls, then one more per
    /// `refill`. Default 4 and 60 s (the method is Tier 1, about one call a minute).
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_rtm::socket_mode::SocketModeClient;
    ///
    /// let _client = SocketModeClient::builder("xapp-1-A0123-456-abc")
    ///     .connect_budget(2, Duration::from_secs(120))
    ///     .build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn connect_budget(mut self, burst: u32, refill: Duration) -> Self {
        self.settings.connect_burst = burst;
        self.settings.connect_refill = refill;
        self
    }

    /// Checks the settings and creates the client (not connected: call
    /// [`start`](super::SocketModeClient::start)). Does no I/O.
    ///
    /// ```
    /// use slack_rtm::socket_mode::SocketModeClient;
    /// let client = SocketModeClient::builder("xapp-1-A0123-456-abc").build()?;
    /// assert!(client.web().is_none());
    /// // A bot token is not an app-level token.
    /// assert!(SocketModeClient::builder("xoxb-123-abc").build().is_err());
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for an app token that is not an app-level token (`xapp-…`), a
    /// bot token that is one, a pool size outside 1–9, a `dedup_capacity` outside
    /// 2–16 777 216, a zero ping interval, pong
    /// timeout or ack write timeout, or any network setting the RTM client would refuse.
    pub fn build(self) -> Result<super::SocketModeClient> {
        if !self.app_token.starts_with("xapp-") {
            return Err(Error::Config(
                "the app token must be an app-level token (xapp-…) with connections:write".into(),
            ));
        }
        if self
            .settings
            .bot_token
            .as_ref()
            .is_some_and(|t| t.expose().starts_with("xapp-"))
        {
            return Err(Error::Config(
                "bot_token got an app-level token (xapp-…); give the bot token (xoxb-…)".into(),
            ));
        }
        if !(1..=crate::socket_mode::MAX_POOL_SIZE).contains(&self.settings.pool_size) {
            return Err(Error::Config(format!(
                "pool_size must be 1 to {} (Slack allows 10 sockets per app, and a refresh needs one more)",
                crate::socket_mode::MAX_POOL_SIZE
            )));
        }
        if !(2..=MAX_DEDUP_CAPACITY).contains(&self.settings.dedup_capacity) {
            return Err(Error::Config(format!(
                "dedup_capacity must be 2 to {MAX_DEDUP_CAPACITY} (an event takes two ids)"
            )));
        }
        if self.settings.ping_interval.is_zero()
            || self.settings.pong_timeout.is_zero()
            || self.settings.ack_write_timeout.is_zero()
        {
            return Err(Error::Config(
                "ping_interval, pong_timeout and ack_write_timeout must be non-zero".into(),
            ));
        }
        let transport = self.network.build_config()?;
        super::SocketModeClient::from_settings(SocketModeSettings {
            transport,
            tuning: self.settings,
        })
    }
}
