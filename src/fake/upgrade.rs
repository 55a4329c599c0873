//! The head every websocket session of the fake starts with, RTM's (`ws.rs`) and Socket
//! Mode's (`socket_mode/session.rs`): the accepted TCP connection bounded for the
//! handshakes, TLS when the fake serves `wss://`, the HTTP refusals of an upgrade, and the
//! socket switched to the non-blocking mode the session loops poll in.

use std::net::TcpStream;
use std::time::Duration;

use tungstenite::handshake::server::ErrorResponse;

use crate::fake::shared::Shared;
use crate::net::stream::Stream;

/// How long the TLS and websocket handshakes may take.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The accepted connection, ready for the websocket handshake: read and write bounded by
/// [`HANDSHAKE_TIMEOUT`], TLS accepted if the fake serves TLS. `None` (logged, naming
/// `what`) when that fails: the connection is dropped.
pub(crate) fn handshake_stream(shared: &Shared, tcp: TcpStream, what: &str) -> Option<Stream> {
    if let Err(e) = tcp
        .set_read_timeout(Some(HANDSHAKE_TIMEOUT))
        .and_then(|()| tcp.set_write_timeout(Some(HANDSHAKE_TIMEOUT)))
    {
        log::debug!("fake slack: {what} socket setup failed: {e}");
        return None;
    }
    match &shared.settings.tls {
        None => Some(Stream::Plain(tcp)),
        Some(acceptor) => match acceptor.accept(tcp) {
            Ok(tls) => Some(Stream::Tls(Box::new(tls))),
            Err(e) => {
                log::debug!("fake slack: {what} TLS handshake failed: {e}");
                None
            }
        },
    }
}

/// After the upgrade: no timeouts, non-blocking (the session loop waits in `poll`).
/// False (logged) when the socket refuses.
pub(crate) fn session_mode(tcp: &TcpStream, what: &str) -> bool {
    match tcp
        .set_read_timeout(None)
        .and_then(|()| tcp.set_write_timeout(None))
        .and_then(|()| tcp.set_nonblocking(true))
    {
        Ok(()) => true,
        Err(e) => {
            log::debug!("fake slack: {what} socket setup failed: {e}");
            false
        }
    }
}

/// An HTTP error response with an empty body (500 if `status` is not a valid code).
pub(crate) fn refusal(status: u16) -> ErrorResponse {
    let build = |status: u16| {
        tungstenite::http::Response::builder()
            .status(status)
            .header("Content-Length", "0")
            .header("Connection", "close")
            .body(None)
    };
    build(status)
        .or_else(|_| build(500))
        .unwrap_or_else(|_| ErrorResponse::new(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_carries_its_status_and_an_invalid_one_becomes_500() {
        assert_eq!(refusal(409).status().as_u16(), 409);
        assert_eq!(refusal(1000).status().as_u16(), 500);
    }
}
