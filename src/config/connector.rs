//! [`Connector`]: a pluggable transport, the user decides how TCP connections are made (the
//! v3 client's `socketFn`, v5's `agent`), for the Web API calls and the websocket alike.
//! TLS stays with the client, so certificate verification is never given up. A connector
//! is set on the [`Builder`](crate::Builder) and carried in the config as a
//! [`ConnectorRef`]; `net/connector.rs` opens connections through it.

use std::fmt;
use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// Opens the TCP connections of a client: both the Web API calls (`rtm.connect`, …) and
/// the websocket go through it. The client then speaks TLS over the returned stream itself
/// (verifying the certificate against the *original* host name), so a connector can
/// redirect, tunnel or resolve differently without weakening TLS.
///
/// Any `Fn(&str, u16, Duration) -> io::Result<TcpStream>` is a connector.
///
/// A real use: a bot on a box where `slack.com` is reachable only through an SSH tunnel
/// (`ssh -L 8443:slack.com:443 bastion`, and likewise for the websocket host) — the
/// connector maps each Slack host to its local forward, and TLS still checks that the
/// far end is Slack:
///
/// ```no_run
/// use std::net::TcpStream;
/// use std::time::Duration;
///
/// # fn main() -> Result<(), slack_rtm::Error> {
/// let client = slack_rtm::RtmClient::builder("xoxb-...")
///     .connector(|host: &str, port: u16, timeout: Duration| {
///         // Every Slack host goes through the tunnel's local end.
///         let local = if host.ends_with("slack.com") || host.ends_with("slack-msgs.com") {
///             ("127.0.0.1", 8443)
///         } else {
///             (host, port)
///         };
///         let addr = std::net::ToSocketAddrs::to_socket_addrs(&local)?
///             .next()
///             .ok_or_else(|| std::io::Error::other("no address"))?;
///         TcpStream::connect_timeout(&addr, timeout)
///     })
///     .build()?;
/// # Ok(()) }
/// ```
pub trait Connector: Send + Sync + 'static {
    /// Opens a TCP connection to `host:port` within `timeout`. `host` is a name or an IP
    /// literal (without brackets).
    ///
    /// The client calls it; calling it yourself is a way to try a connector out. This
    /// one sends every host to one local port:
    ///
    /// ```
    /// use std::net::{TcpListener, TcpStream};
    /// use std::time::Duration;
    /// use slack_rtm::Connector;
    ///
    /// let local = TcpListener::bind("127.0.0.1:0")?;
    /// let port = local.local_addr()?.port();
    /// let to_local = move |_host: &str, _port: u16, timeout: Duration| {
    ///     TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), timeout)
    /// };
    /// let stream = to_local.connect("slack.com", 443, Duration::from_secs(5))?;
    /// assert_eq!(stream.peer_addr()?.port(), port);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any I/O error; the client reports it as a connection failure and retries per its
    /// retry policy.
    fn connect(&self, host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream>;
}

impl<F> Connector for F
where
    F: Fn(&str, u16, Duration) -> io::Result<TcpStream> + Send + Sync + 'static,
{
    fn connect(&self, host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
        self(host, port, timeout)
    }
}

/// A shared [`Connector`], as the config holds it.
#[derive(Clone)]
pub(crate) struct ConnectorRef(pub(crate) Arc<dyn Connector>);

impl fmt::Debug for ConnectorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Connector(custom)")
    }
}
