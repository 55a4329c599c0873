//! A pluggable transport: the user decides how TCP connections are made (the v3 client's
//! `socketFn`, v5's `agent`), for the Web API calls and the websocket alike. TLS stays
//! with the client, so certificate verification is never given up.

use std::fmt;
use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use std::io::{Read, Write};

use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector as UreqConnector, LazyBuffers, NativeTlsConnector,
    NextTimeout, Transport,
};

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

/// A shared [`Connector`], as stored in [`Config`](crate::Config).
#[derive(Clone)]
pub struct ConnectorRef(pub(crate) Arc<dyn Connector>);

impl fmt::Debug for ConnectorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Connector(custom)")
    }
}

impl ConnectorRef {
    /// Opens a connection, with Nagle off (RTM frames are small and latency matters).
    pub(crate) fn open(&self, host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
        let stream = self.0.connect(host, port, timeout)?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    /// A ureq agent whose connections come from this connector, with ureq's native-tls
    /// layer on top (same TLS settings and verification as without a connector).
    pub(crate) fn ureq_agent(&self, config: ureq::config::Config) -> ureq::Agent {
        let chain = ForUreq(self.clone()).chain(NativeTlsConnector::default());
        ureq::Agent::with_parts(config, chain, NoResolve)
    }
}

/// Adapts a [`ConnectorRef`] to ureq's connector chain.
#[derive(Debug)]
struct ForUreq(ConnectorRef);

impl UreqConnector<()> for ForUreq {
    type Out = StreamTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<StreamTransport>, ureq::Error> {
        let uri = details.uri;
        let host = uri
            .host()
            .ok_or_else(|| ureq::Error::BadUri("no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']');
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        let timeout = details
            .timeout
            .not_zero()
            .map(|d| *d)
            .unwrap_or(Duration::from_secs(30));
        let stream = self.0.open(host, port, timeout)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(StreamTransport { stream, buffers }))
    }
}

/// ureq's view of a connector's stream: blocking I/O bounded by ureq's timeouts.
#[derive(Debug)]
pub(crate) struct StreamTransport {
    stream: TcpStream,
    buffers: LazyBuffers,
}

fn bound(timeout: &NextTimeout) -> Result<Option<Duration>, ureq::Error> {
    if timeout.after.is_zero() {
        return Err(ureq::Error::Timeout(timeout.reason));
    }
    Ok(timeout.not_zero().map(|d| *d))
}

fn io_to_ureq(e: io::Error, timeout: &NextTimeout) -> ureq::Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(timeout.reason),
        _ => ureq::Error::Io(e),
    }
}

impl Transport for StreamTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.set_write_timeout(bound(&timeout)?)?;
        let output = &self.buffers.output()[..amount];
        self.stream
            .write_all(output)
            .map_err(|e| io_to_ureq(e, &timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.set_read_timeout(bound(&timeout)?)?;
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match self.stream.read(input) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other.map_err(|e| io_to_ureq(e, &timeout))?,
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        // A pooled connection is reusable if nothing (no EOF, no stray bytes) is waiting.
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut probe = [0u8; 1];
        let open =
            matches!(self.stream.peek(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        open && self.stream.set_nonblocking(false).is_ok()
    }
}

/// Leaves name resolution to the connector.
#[derive(Debug)]
struct NoResolve;

impl Resolver for NoResolve {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        Ok(self.empty())
    }
}
