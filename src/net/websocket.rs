//! [`Connection`]: one open websocket, shared by the reader, the keepalive and senders.
//!
//! The socket is non-blocking after the handshake. The reader waits for readiness in
//! `poll(2)` *without* the lock and holds it only to drain what is already there; senders
//! hold it only to hand a frame to the kernel. So a send never waits behind a blocked read.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Instant;

use parking_lot::{Mutex, MutexGuard};
use tungstenite::handshake::HandshakeError;
use tungstenite::http::Uri;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use crate::config::{Config, Proxy};
use crate::error::{Error, Result, TimeoutKind, WebsocketError};
use crate::net::poll::{self, Interest, Readiness, Woke};
use crate::net::stream::Stream;

/// Whether a drain emptied the socket or stopped at the batch limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Drain {
    /// Nothing more to read now: wait for readiness.
    Empty,
    /// The batch is full and more may be buffered: read again before waiting.
    More,
}

/// An open websocket.
pub(crate) struct Connection {
    ws: Mutex<WebSocket<Stream>>,
    /// A second handle on the same socket, for `poll` and `shutdown` without the lock.
    socket: TcpStream,
    /// Which connection of the client's life this is (1, 2, …).
    pub(crate) generation: u64,
    /// Why the connection was killed from outside the reader (keepalive).
    death: Mutex<Option<Error>>,
}

impl Connection {
    /// Connects to a `ws://` or `wss://` URL within `config.connect_timeout`.
    ///
    /// # Errors
    /// [`Error::Timeout`] ([`TimeoutKind::Connect`]) or [`Error::Websocket`]; never
    /// containing the URL.
    pub(crate) fn open<'t>(
        url: &str,
        config: &Config,
        tls: impl FnOnce() -> Result<&'t native_tls::TlsConnector>,
        generation: u64,
    ) -> Result<Connection> {
        let deadline = Instant::now() + config.connect_timeout;
        let uri: Uri = url
            .parse()
            .map_err(|_| ws_err("the websocket URL from rtm.connect is not a valid URL"))?;
        let secure = match uri.scheme_str() {
            Some("wss") => true,
            Some("ws") => false,
            _ => return Err(ws_err("the websocket URL has neither ws:// nor wss://")),
        };
        let host = uri
            .host()
            .ok_or_else(|| ws_err("the websocket URL has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });

        let via = config.proxy.as_ref().filter(|p| p.applies_to(&host));
        let tcp =
            match (via, &config.connector) {
                (Some(proxy), _) => connect_tcp(&proxy.host, proxy.port, deadline)?,
                (None, Some(connector)) => connector
                    .open(&host, port, remaining(deadline)?)
                    .map_err(|e| match e.kind() {
                        ErrorKind::TimedOut | ErrorKind::WouldBlock => {
                            Error::Timeout(TimeoutKind::Connect)
                        }
                        _ => Error::Websocket(WebsocketError::with_source(
                            format!("the connector failed: {e}"),
                            e,
                        )),
                    })?,
                (None, None) => connect_tcp(&host, port, deadline)?,
            };
        let left = remaining(deadline)?;
        tcp.set_read_timeout(Some(left)).map_err(io_err)?;
        tcp.set_write_timeout(Some(left)).map_err(io_err)?;
        tcp.set_nodelay(true).map_err(io_err)?;
        if let Some(proxy) = via {
            tunnel(&tcp, proxy, &host, port)?;
        }
        let socket = tcp.try_clone().map_err(io_err)?;

        let stream = if secure {
            match tls()?.connect(&host, tcp) {
                Ok(s) => Stream::Tls(Box::new(s)),
                Err(native_tls::HandshakeError::Failure(e)) => {
                    return Err(Error::Websocket(WebsocketError::with_source(
                        format!("TLS handshake failed: {e}"),
                        e,
                    )))
                }
                Err(native_tls::HandshakeError::WouldBlock(_)) => {
                    return Err(Error::Timeout(TimeoutKind::Connect))
                }
            }
        } else {
            Stream::Plain(tcp)
        };

        let ws_config = WebSocketConfig::default()
            .max_message_size(Some(config.max_inbound_message))
            .max_frame_size(Some(config.max_inbound_message))
            .read_buffer_size(16 * 1024)
            .write_buffer_size(0)
            .max_write_buffer_size(1 << 20);
        let (ws, _response) =
            match tungstenite::client::client_with_config(url, stream, Some(ws_config)) {
                Ok(ok) => ok,
                Err(HandshakeError::Interrupted(_)) => {
                    return Err(Error::Timeout(TimeoutKind::Connect))
                }
                Err(HandshakeError::Failure(e)) => {
                    return Err(map_ws_error(e, "websocket upgrade failed"))
                }
            };

        socket.set_read_timeout(None).map_err(io_err)?;
        socket.set_write_timeout(None).map_err(io_err)?;
        socket.set_nonblocking(true).map_err(io_err)?;
        Ok(Connection {
            ws: Mutex::new(ws),
            socket,
            generation,
            death: Mutex::new(None),
        })
    }

    /// Reads whole messages into `out` until the socket has nothing more (or `max` were
    /// read). Holds the lock only while reading what the kernel already has.
    pub(crate) fn drain(&self, out: &mut Vec<Message>, max: usize) -> Result<Drain> {
        let mut ws = self.ws.lock();
        let result = loop {
            if out.len() >= max {
                break Ok(Drain::More);
            }
            match ws.read() {
                Ok(m) => out.push(m),
                Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                    break Ok(Drain::Empty)
                }
                Err(e) => break Err(self.death_or(map_ws_error(e, "connection lost"))),
            }
        };
        MutexGuard::unlock_fair(ws);
        result
    }

    /// Waits, without any lock, until there is something to read, one of `wakers` fires,
    /// or `deadline` passes.
    pub(crate) fn wait_readable(
        &self,
        wakers: &[BorrowedFd<'_>],
        deadline: Option<Instant>,
    ) -> Result<Woke> {
        poll::wait_any(self.socket.as_fd(), Interest::Read, wakers, deadline).map_err(io_err)
    }

    /// Sends one text frame, waiting for room in the socket until `deadline`.
    ///
    /// # Errors
    /// [`Error::Timeout`] ([`TimeoutKind::Write`]) if the peer does not take the bytes in
    /// time (the frame stays queued and goes out with the next write), or
    /// [`Error::Websocket`] if the connection is broken.
    pub(crate) fn send_text(&self, text: String, deadline: Instant) -> Result<()> {
        let mut ws = self.ws.lock();
        match ws.send(Message::text(text)) {
            Ok(()) => return Ok(()),
            Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(self.death_or(map_ws_error(e, "sending failed"))),
        }
        MutexGuard::unlock_fair(ws);
        loop {
            match poll::wait(self.socket.as_fd(), Interest::Write, None, Some(deadline))
                .map_err(io_err)?
            {
                Readiness::TimedOut => return Err(Error::Timeout(TimeoutKind::Write)),
                Readiness::Ready | Readiness::Woken => {}
            }
            let mut ws = self.ws.lock();
            let flushed = ws.flush();
            MutexGuard::unlock_fair(ws);
            match flushed {
                Ok(()) => return Ok(()),
                Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => return Err(self.death_or(map_ws_error(e, "sending failed"))),
            }
        }
    }

    /// Starts a clean close (close frame), best effort, then shuts the socket down.
    pub(crate) fn close(&self) {
        {
            let mut ws = self.ws.lock();
            let _ = ws.close(None);
            let _ = ws.flush();
        }
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }

    /// Kills the connection because the client is moving to another one (a loss already
    /// noticed, or a requested reconnect): a send racing with it gets a websocket error.
    pub(crate) fn retire(&self) {
        self.kill(Error::Websocket(WebsocketError::new(
            "the connection was closed: the client is reconnecting",
        )));
    }

    /// Kills the connection now (no close frame), recording why; wakes the reader.
    pub(crate) fn kill(&self, why: Error) {
        self.death.lock().get_or_insert(why);
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }

    /// The reason recorded by [`Connection::kill`], if any, else `fallback`.
    pub(crate) fn death_or(&self, fallback: Error) -> Error {
        self.death.lock().clone().unwrap_or(fallback)
    }
}

impl AsFd for Connection {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

fn connect_tcp(host: &str, port: u16, deadline: Instant) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| {
            Error::Websocket(WebsocketError::with_source(
                "could not resolve the websocket host",
                e,
            ))
        })?
        .collect();
    let mut last = None;
    for addr in addrs {
        let left = remaining(deadline)?;
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => return Ok(s),
            Err(e) if e.kind() == ErrorKind::TimedOut => {
                return Err(Error::Timeout(TimeoutKind::Connect))
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => Error::Websocket(WebsocketError::with_source(
            format!("TCP connect failed: {e}"),
            e,
        )),
        None => ws_err("the websocket host resolved to no address"),
    })
}

/// Asks an HTTP proxy for a tunnel to `host:port` (`CONNECT`), with Basic credentials
/// if the proxy has them. Reads exactly the proxy's answer, nothing of the tunnel.
fn tunnel(mut tcp: &TcpStream, proxy: &Proxy, host: &str, port: u16) -> Result<()> {
    use base64::Engine as _;
    use std::io::{Read, Write};

    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: slack-rtm/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if let Some((user, pass)) = &proxy.credentials {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", pass.expose()));
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    tcp.write_all(request.as_bytes())
        .map_err(|e| proxy_err(&e))?;

    let mut answer = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() > 16 * 1024 {
            return Err(ws_err("the proxy's answer to CONNECT is too long"));
        }
        match tcp.read(&mut byte) {
            Ok(0) => return Err(ws_err("the proxy closed the connection during CONNECT")),
            Ok(_) => answer.push(byte[0]),
            Err(e) => return Err(proxy_err(&e)),
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&answer) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(ws_err("the proxy's answer to CONNECT is not HTTP")),
    }
    match response.code {
        Some(200..=299) => Ok(()),
        Some(407) => Err(Error::Websocket(
            WebsocketError::new("the proxy requires (other) credentials").with_status(407),
        )),
        Some(code) => Err(Error::Websocket(
            WebsocketError::new("the proxy refused the CONNECT tunnel").with_status(code),
        )),
        None => Err(ws_err("the proxy's answer to CONNECT has no status")),
    }
}

fn proxy_err(e: &io::Error) -> Error {
    if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) {
        Error::Timeout(TimeoutKind::Connect)
    } else {
        ws_err(&format!("talking to the proxy failed: {e}"))
    }
}

fn remaining(deadline: Instant) -> Result<std::time::Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(Error::Timeout(TimeoutKind::Connect))
    } else {
        Ok(left)
    }
}

fn ws_err(message: &str) -> Error {
    Error::Websocket(WebsocketError::new(message))
}

fn io_err(e: io::Error) -> Error {
    Error::Websocket(WebsocketError::with_source(format!("socket error: {e}"), e))
}

/// Maps a tungstenite error to ours. tungstenite's errors carry no URL; HTTP responses are
/// reduced to their status.
pub(crate) fn map_ws_error(e: tungstenite::Error, context: &str) -> Error {
    use tungstenite::Error as T;
    match e {
        T::Http(response) => {
            let status = response.status().as_u16();
            Error::Websocket(
                WebsocketError::new(format!("{context}: the server refused the upgrade"))
                    .with_status(status),
            )
        }
        T::Io(io) if matches!(io.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            Error::Timeout(TimeoutKind::Connect)
        }
        T::Io(io) => Error::Websocket(WebsocketError::with_source(format!("{context}: {io}"), io)),
        T::ConnectionClosed | T::AlreadyClosed => Error::Websocket(WebsocketError::new(format!(
            "{context}: the connection was closed"
        ))),
        T::Capacity(c) => Error::Websocket(WebsocketError::new(format!(
            "{context}: an inbound message exceeded max_inbound_message ({c})"
        ))),
        other => Error::Websocket(WebsocketError::new(format!("{context}: {other}"))),
    }
}
