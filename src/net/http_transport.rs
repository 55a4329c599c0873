//! ureq's transport, made of the crate's own sockets: every Web API connection is opened
//! by [`tcp::open`](crate::net::tcp::open) (directly, through the user's connector, or
//! through the proxy's CONNECT tunnel), wrapped for `https://` in TLS by the client's one
//! connector (the websocket's too: [`SharedConnector`]), and every handshake step, read
//! and write waits in `poll(2)` within ureq's timeouts (the whole call within
//! `http_timeout`) and the caller's [`Cancel`], if the call runs under one ([`under`]).

use std::cell::RefCell;
use std::io::{self, ErrorKind, Read, Write};
use std::time::{Duration, Instant};

use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector as UreqConnector, LazyBuffers, NextTimeout, Transport,
};

use crate::config::{ConnectorRef, Proxy, SharedConnector, TlsOptions};
use crate::net::cancel::Cancel;
use crate::net::deadline::Deadline;
use crate::net::socket::{self, Limits, Socket};
use crate::net::stream::Stream;
use crate::net::tcp;
use crate::net::tls::{self, HandshakeFailure};

thread_local! {
    /// The cancel and deadline of the Web API call running on this thread, if any.
    static CALL: RefCell<Option<Limits>> = const { RefCell::new(None) };
}

/// Runs `call` (a ureq call on this thread) under `limits`: its connects, reads and writes
/// end when `limits.cancel` fires or `limits.deadline` passes, besides ureq's timeouts.
pub(crate) fn under<T>(limits: Limits, call: impl FnOnce() -> T) -> T {
    struct Reset(Option<Limits>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            CALL.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CALL.with(|c| c.borrow_mut().replace(limits));
    let _reset = Reset(previous);
    call()
}

/// The bounds of one step: ureq's next timeout, and the running call's own, if any.
fn limits_for(timeout: &NextTimeout) -> Limits {
    let now = Instant::now();
    let ureq_deadline = if timeout.after.is_not_happening() {
        Deadline::after(now, Duration::MAX)
    } else {
        Deadline::after(now, *timeout.after)
    };
    match CALL.with(|c| c.borrow().clone()) {
        Some(call) => Limits {
            deadline: ureq_deadline.min(call.deadline),
            cancel: call.cancel,
        },
        None => Limits {
            deadline: ureq_deadline,
            cancel: None,
        },
    }
}

/// How the Web API's connections are made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Route {
    /// The proxy, for the hosts it applies to.
    pub(crate) proxy: Option<Proxy>,
    /// The user's connector (never combined with an explicit proxy).
    pub(crate) connector: Option<ConnectorRef>,
    /// The client's TLS settings and its one connector, for `https://`.
    pub(crate) tls: TlsOptions,
    pub(crate) tls_connector: SharedConnector,
}

impl Route {
    /// A ureq agent whose connections are made by this route, TLS included (verified
    /// against the host name of the URL).
    pub(crate) fn agent(self, config: ureq::config::Config) -> ureq::Agent {
        ureq::Agent::with_parts(config, ForUreq(self), NoResolve)
    }
}

/// Adapts a [`Route`] to ureq's connector chain.
#[derive(Debug)]
struct ForUreq(Route);

impl UreqConnector<()> for ForUreq {
    type Out = SocketTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<SocketTransport>, ureq::Error> {
        let uri = details.uri;
        let host = uri
            .host()
            .ok_or_else(|| ureq::Error::BadUri("the URL has no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']');
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        let proxy = self.0.proxy.as_ref().filter(|p| p.applies_to(host));
        let limits = limits_for(&details.timeout);
        let socket = tcp::open(host, port, proxy, self.0.connector.as_ref(), &limits)
            .map_err(|e| io_to_ureq(e.into_io(), &details.timeout))?;
        let stream = if details.needs_tls() {
            let connector = self
                .0
                .tls_connector
                .get(&self.0.tls)
                .map_err(|e| ureq::Error::Other(Box::new(e)))?;
            // The handshake runs on the socket's connect limits (see `Socket`).
            match connector.connect(host, socket) {
                Ok(tls) => Stream::Tls(Box::new(tls)),
                Err(e) => {
                    return Err(match tls::handshake_failure(e, &limits) {
                        HandshakeFailure::Cancelled => ureq::Error::Io(socket::cancelled()),
                        HandshakeFailure::TimedOut => ureq::Error::Timeout(details.timeout.reason),
                        HandshakeFailure::Failed(e) => ureq::Error::Other(Box::new(e)),
                    })
                }
            }
        } else {
            Stream::Plain(socket)
        };
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(SocketTransport { stream, buffers }))
    }
}

/// ureq's view of one of the crate's sockets, under TLS for `https://`.
#[derive(Debug)]
pub(crate) struct SocketTransport {
    stream: Stream<Socket>,
    buffers: LazyBuffers,
}

fn io_to_ureq(e: io::Error, timeout: &NextTimeout) -> ureq::Error {
    if socket::is_cancelled(&e) {
        return ureq::Error::Io(e);
    }
    match e.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => ureq::Error::Timeout(timeout.reason),
        _ => ureq::Error::Io(e),
    }
}

impl Transport for SocketTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        self.stream
            .inner_mut()
            .set_limits(Some(limits_for(&timeout)));
        let output = &self.buffers.output()[..amount];
        self.stream
            .write_all(output)
            .map_err(|e| io_to_ureq(e, &timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        self.stream
            .inner_mut()
            .set_limits(Some(limits_for(&timeout)));
        let input = self.buffers.input_append_buf();
        let amount = self
            .stream
            .read(input)
            .map_err(|e| io_to_ureq(e, &timeout))?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        // A pooled connection is reusable if nothing (no EOF, no stray bytes) is waiting.
        let mut probe = [0u8; 1];
        matches!(self.stream.tcp().peek(&mut probe), Err(e) if e.kind() == ErrorKind::WouldBlock)
    }

    fn is_tls(&self) -> bool {
        matches!(self.stream, Stream::Tls(_))
    }
}

/// Leaves name resolution to [`tcp::open`].
#[derive(Debug)]
struct NoResolve;

impl Resolver for NoResolve {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        Ok(self.empty())
    }
}

/// The limits of a Web API call that starts now: `budget` and `cancel`.
pub(crate) fn call_limits(budget: Duration, cancel: Option<&Cancel>) -> Limits {
    Limits {
        deadline: Deadline::after(Instant::now(), budget),
        cancel: cancel.cloned(),
    }
}
