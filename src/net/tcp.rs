//! Opening the TCP connection to a host — directly, through the user's
//! [`Connector`](crate::Connector), or through an HTTP proxy's CONNECT tunnel — for the
//! websocket and the Web API alike, within one deadline and woken by a cancel.

use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use rustix::net::{AddressFamily, SocketFlags, SocketType};

use crate::config::{ConnectorRef, Proxy};
use crate::error::{Error, TimeoutKind, WebsocketError};
use crate::net::poll::Interest;
use crate::net::proxy_tunnel;
use crate::net::socket::{self, Limits, Socket};
use crate::net::waker::Waker;

/// Why opening a connection failed, before it is said in the caller's terms (a websocket
/// error for a dial, an I/O error inside ureq for the Web API).
#[derive(Debug)]
pub(crate) enum DialError {
    /// The deadline passed.
    Timeout,
    /// The cancel fired.
    Cancelled,
    /// Anything else; `message` never holds a URL.
    Failed {
        message: String,
        status: Option<u16>,
        source: Option<io::Error>,
    },
}

impl DialError {
    /// A failure with just a message.
    pub(crate) fn failed(message: impl Into<String>) -> DialError {
        DialError::Failed {
            message: message.into(),
            status: None,
            source: None,
        }
    }

    /// An I/O error during `step`: a timeout and a cancel keep their meaning.
    pub(crate) fn io(step: &str, e: io::Error) -> DialError {
        if socket::is_cancelled(&e) {
            DialError::Cancelled
        } else if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) {
            DialError::Timeout
        } else {
            DialError::Failed {
                message: format!("{step}: {e}"),
                status: None,
                source: Some(e),
            }
        }
    }

    /// In a dial's terms.
    pub(crate) fn into_error(self) -> Error {
        match self {
            DialError::Timeout => Error::Timeout(TimeoutKind::Connect),
            DialError::Cancelled => {
                Error::Websocket(WebsocketError::new(socket::Cancelled.to_string()))
            }
            DialError::Failed {
                message,
                status,
                source,
            } => {
                let e = match source {
                    Some(s) => WebsocketError::with_source(message, s),
                    None => WebsocketError::new(message),
                };
                Error::Websocket(match status {
                    Some(code) => e.with_status(code),
                    None => e,
                })
            }
        }
    }

    /// As an I/O error (for ureq's connector chain).
    pub(crate) fn into_io(self) -> io::Error {
        match self {
            DialError::Timeout => socket::timed_out(),
            DialError::Cancelled => socket::cancelled(),
            DialError::Failed {
                message, source, ..
            } => match source {
                Some(s) => io::Error::new(s.kind(), message),
                None => io::Error::other(message),
            },
        }
    }
}

/// Opens a connection to `host:port` (a name or an IP literal without brackets): through
/// `proxy` (already checked to apply to `host`) if given, else through `connector` if
/// given, else directly. The result is in dialing mode under `limits`.
///
/// Not bounded by `limits`: the user connector's own work (it gets the time left as its
/// timeout).
pub(crate) fn open(
    host: &str,
    port: u16,
    proxy: Option<&Proxy>,
    connector: Option<&ConnectorRef>,
    limits: &Limits,
) -> Result<Socket, DialError> {
    let tcp = match (proxy, connector) {
        (Some(p), _) => connect_direct(&p.host, p.port, limits)?,
        (None, Some(c)) => {
            let left = limits
                .deadline
                .left(Instant::now())
                .ok_or(DialError::Timeout)?;
            c.open(host, port, left)
                .map_err(|e| DialError::io("the connector failed", e))?
        }
        (None, None) => connect_direct(host, port, limits)?,
    };
    tcp.set_nodelay(true)
        .map_err(|e| DialError::io("socket error", e))?;
    let mut socket =
        Socket::new(tcp, limits.clone()).map_err(|e| DialError::io("socket error", e))?;
    if let Some(p) = proxy {
        proxy_tunnel::open(&mut socket, p, host, port)?;
    }
    Ok(socket)
}

/// Resolves `host` and connects to its addresses in turn, each connect non-blocking and
/// waited for in `poll(2)` under `limits`.
fn connect_direct(host: &str, port: u16, limits: &Limits) -> Result<TcpStream, DialError> {
    let addrs = resolve(host, port, limits)?;
    let mut last = None;
    for addr in addrs {
        match connect_one(addr, limits) {
            Ok(tcp) => return Ok(tcp),
            Err(e @ (DialError::Timeout | DialError::Cancelled)) => return Err(e),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| DialError::failed("the host resolved to no address")))
}

/// What resolving a host gives.
type Resolved = Result<Vec<SocketAddr>, DialError>;

/// The addresses of `host`: an IP literal at once; a name on a short-lived helper thread
/// (the system resolver blocks and cannot be interrupted), waited for within `limits` — so
/// a slow resolver cannot hold a dial past its deadline or a disconnect. A helper still
/// blocked when the wait ends finishes on its own (the resolver's own timeouts bound it)
/// and its answer is dropped.
fn resolve(host: &str, port: u16, limits: &Limits) -> Resolved {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let lookup = move |host: &str| -> Resolved {
        (host, port)
            .to_socket_addrs()
            .map(Iterator::collect)
            .map_err(|e| DialError::io("could not resolve the host", e))
    };
    let done = Arc::new(Waker::new().map_err(|e| DialError::io("socket error", e))?);
    let answer: Arc<Mutex<Option<Resolved>>> = Arc::default();
    let spawned = std::thread::Builder::new()
        .name("slack-rtm-resolve".into())
        .spawn({
            let (done, answer, host) = (done.clone(), answer.clone(), host.to_string());
            move || {
                *answer.lock() = Some(lookup(&host));
                done.wake();
            }
        });
    if spawned.is_err() {
        // No thread to spare: resolve here, bounded by the resolver alone.
        return lookup(host);
    }
    socket::wait(done.as_fd(), Interest::Read, limits)
        .map_err(|e| DialError::io("resolving the host", e))?;
    let resolved = answer.lock().take();
    resolved.unwrap_or_else(|| Err(DialError::failed("the resolver gave no answer")))
}

fn connect_one(addr: SocketAddr, limits: &Limits) -> Result<TcpStream, DialError> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let failed = |e: io::Error| DialError::io("TCP connect failed", e);
    let fd = rustix::net::socket_with(
        family,
        SocketType::STREAM,
        SocketFlags::NONBLOCK | SocketFlags::CLOEXEC,
        None,
    )
    .map_err(|e| failed(e.into()))?;
    match rustix::net::connect(&fd, &addr) {
        Ok(()) => {}
        Err(rustix::io::Errno::INPROGRESS) | Err(rustix::io::Errno::INTR) => {
            socket::wait(fd.as_fd(), Interest::Write, limits).map_err(failed)?;
            match rustix::net::sockopt::socket_error(&fd) {
                Ok(Ok(())) => {}
                Ok(Err(errno)) => return Err(failed(errno.into())),
                Err(errno) => return Err(failed(errno.into())),
            }
        }
        Err(errno) => return Err(failed(errno.into())),
    }
    Ok(TcpStream::from(fd))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::cancel::Cancel;
    use crate::net::deadline::Deadline;
    use std::time::Duration;

    fn limits(budget: Duration, cancel: Option<Cancel>) -> Limits {
        Limits {
            deadline: Deadline::after(Instant::now(), budget),
            cancel,
        }
    }

    #[test]
    fn a_listening_port_is_connected_and_a_closed_one_is_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let lim = limits(Duration::from_secs(5), None);
        assert!(connect_direct("127.0.0.1", port, &lim).is_ok());
        drop(listener);
        match connect_direct("127.0.0.1", port, &lim) {
            Err(DialError::Failed { message, .. }) => {
                assert!(message.contains("TCP connect failed"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_read_after_the_deadline_fails_at_once_with_timed_out() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let tcp = connect_direct("127.0.0.1", port, &limits(Duration::from_secs(5), None)).unwrap();
        let mut sock = Socket::new(tcp, limits(Duration::ZERO, None)).unwrap();
        let err = std::io::Read::read(&mut sock, &mut [0u8; 1]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut);
    }

    #[test]
    fn a_cancel_wakes_a_read_that_would_wait_for_ever() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cancel = Cancel::new().unwrap();
        let tcp = connect_direct("127.0.0.1", port, &limits(Duration::from_secs(5), None)).unwrap();
        let mut sock = Socket::new(tcp, limits(Duration::MAX, Some(cancel.clone()))).unwrap();
        let reader = std::thread::spawn(move || std::io::Read::read(&mut sock, &mut [0u8; 1]));
        cancel.cancel();
        let err = reader.join().unwrap().unwrap_err();
        assert!(socket::is_cancelled(&err), "{err:?}");
        assert!(matches!(
            DialError::io("reading", err),
            DialError::Cancelled
        ));
    }

    #[test]
    fn a_name_is_resolved_and_an_ip_literal_needs_no_resolver() {
        let lim = limits(Duration::from_secs(5), None);
        let v4 = resolve("127.0.0.1", 80, &lim).unwrap();
        assert_eq!(v4, vec!["127.0.0.1:80".parse().unwrap()]);
        let v6 = resolve("::1", 443, &lim).unwrap();
        assert_eq!(v6, vec!["[::1]:443".parse().unwrap()]);
        let named = resolve("localhost", 80, &lim).unwrap();
        assert!(named.iter().all(|a| a.ip().is_loopback()), "{named:?}");
    }

    #[test]
    fn resolving_a_name_ends_when_the_cancel_fires() {
        let cancel = Cancel::new().unwrap();
        cancel.cancel();
        let lim = limits(Duration::from_secs(60), Some(cancel));
        // Whether or not the resolver answers first, a fired cancel may end the wait; what
        // must never happen is a wait past the cancel. Either outcome is an answer.
        match resolve("localhost", 80, &lim) {
            Ok(addrs) => assert!(!addrs.is_empty()),
            Err(e) => assert!(matches!(e, DialError::Cancelled), "{e:?}"),
        }
    }
}
