//! [`WebClientBuilder`]: the settings of a standalone [`WebClient`].

use std::time::Duration;

use super::retry::RetryLimits;
use super::WebClient;
use crate::config::{Proxy, TlsOptions};
use crate::error::Result;
use crate::net::http::WebApi;

/// Builds a standalone [`WebClient`]; made by [`WebClient::builder`]. Setters are named
/// after the [`Config`](crate::Config) fields they share with the RTM client, and are
/// checked the same way.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::web::WebClient;
///
/// let web = WebClient::builder("xoxb-...")
///     .http_timeout(Duration::from_secs(5))
///     .no_proxy()
///     .build()?; // no I/O yet
/// assert_eq!(web.max_retries(), 3);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until build() is called"]
pub struct WebClientBuilder {
    settings: crate::Builder,
    limits: RetryLimits,
}

impl WebClientBuilder {
    pub(super) fn new(token: impl Into<String>) -> Self {
        Self {
            settings: crate::RtmClient::builder(token),
            limits: RetryLimits::default(),
        }
    }

    /// Prefix of every Web API URL; a missing trailing `/` is added. Default
    /// `https://slack.com/api/` (see [`Config::slack_api_url`](crate::Config::slack_api_url)).
    ///
    /// ```
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...")
    ///     .slack_api_url("http://127.0.0.1:8080/api") // the trailing `/` is added
    ///     .build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn slack_api_url(mut self, url: impl Into<String>) -> Self {
        self.settings = self.settings.slack_api_url(url);
        self
    }

    /// Bound on one HTTP request (connect, send, receive). Default 30 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...")
    ///     .http_timeout(Duration::from_secs(5))
    ///     .build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn http_timeout(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.http_timeout(timeout);
        self
    }

    /// TLS settings (custom CA, client certificate). Default: the system's roots.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut tls = slack_rtm::TlsOptions::default();
    /// tls.ca_pem = Some(std::fs::read("corporate-ca.pem")?);
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...").tls(tls).build()?;
    /// # Ok(()) }
    /// ```
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.settings = self.settings.tls(tls);
        self
    }

    /// An HTTP CONNECT proxy. Default: the one named by the environment, as for the RTM
    /// client (see [`Config::proxy`](crate::Config::proxy)).
    ///
    /// ```
    /// let proxy = slack_rtm::Proxy::new("http://proxy.example.com:3128")?;
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...").proxy(proxy).build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.settings = self.settings.proxy(proxy);
        self
    }

    /// Connects directly, ignoring proxy environment variables.
    ///
    /// ```
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...").no_proxy().build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn no_proxy(mut self) -> Self {
        self.settings = self.settings.no_proxy();
        self
    }

    /// How TCP connections to the Web API are made, as for the RTM client (see
    /// [`Builder::connector`](crate::Builder::connector)); TLS is still verified against
    /// the API's host name. A connector and a proxy cannot be combined.
    ///
    /// ```
    /// use std::net::{TcpStream, ToSocketAddrs};
    /// use std::time::Duration;
    ///
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...")
    ///     .connector(|host: &str, port: u16, timeout: Duration| {
    ///         let addr = (host, port)
    ///             .to_socket_addrs()?
    ///             .next()
    ///             .ok_or_else(|| std::io::Error::other("no address"))?;
    ///         TcpStream::connect_timeout(&addr, timeout)
    ///     })
    ///     .build()?;
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn connector(mut self, connector: impl crate::Connector) -> Self {
        self.settings = self.settings.connector(connector);
        self
    }

    /// How many times a call answered with HTTP 429 is retried after sleeping its
    /// `Retry-After`. Default 3; 0 returns [`Error::RateLimited`](crate::Error::RateLimited) at once.
    ///
    /// ```
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...").max_retries(0).build()?;
    /// assert_eq!(web.max_retries(), 0); // a 429 is returned at once
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.limits.max_retries = retries;
        self
    }

    /// The most one call sleeps, in total, waiting out rate limits; a `Retry-After` that
    /// would go over it is not waited for. Default 60 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...")
    ///     .max_retry_wait(Duration::from_secs(10))
    ///     .build()?;
    /// assert_eq!(web.max_retry_wait(), Duration::from_secs(10));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.limits.max_wait = wait;
        self
    }

    /// Checks the settings and creates the client. Does no I/O.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an empty token, a malformed `slack_api_url`, a zero
    /// `http_timeout`, or an unusable CA, client certificate or proxy.
    ///
    /// ```
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...").build()?; // no I/O yet
    /// assert!(slack_rtm::web::WebClient::builder("").build().is_err()); // an empty token
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn build(self) -> Result<WebClient> {
        // The RTM builder's settings are checked the same way as for the RTM client; the
        // HTTP agent is then built straight from them (no RTM client is made).
        let config = self.settings.build_config()?;
        let api = WebApi::new(&config)?;
        Ok(WebClient::from_parts(
            api,
            config.slack_api_url,
            self.limits,
        ))
    }
}
