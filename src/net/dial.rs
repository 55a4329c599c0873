//! Dialing a websocket: TCP (direct, through the user's connector, or through a proxy's
//! CONNECT tunnel), TLS, and the upgrade — all together within `connect_timeout`, and all
//! woken by the session's [`Cancel`].

use std::time::Instant;

use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::WebSocket;
use ureq::http::Uri;

use crate::config::Config;
use crate::error::{Error, Result, WebsocketError};
use crate::net::cancel::Cancel;
use crate::net::deadline::Deadline;
use crate::net::socket::Limits;
use crate::net::stream::Stream;
use crate::net::tcp::{self, DialError};
use crate::net::tls;
use crate::net::upgrade;
use crate::net::websocket::Connection;

/// Where a websocket URL points, once checked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) uri: Uri,
    pub(crate) secure: bool,
    /// Without brackets.
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Target {
    /// Checks the websocket URL Slack handed out. Pure.
    ///
    /// # Errors
    /// A permanent [`Error::Websocket`] for a URL that is not `ws://` / `wss://` with a
    /// host, and for a plaintext `ws://` URL from an `https://` Web API (a downgrade: the
    /// ticket and all traffic would travel unencrypted). Never holding the URL.
    pub(crate) fn parse(url: &str, api_url: &str) -> Result<Target> {
        let uri: Uri = url
            .parse()
            .map_err(|_| refused("the websocket URL from Slack is not a valid URL"))?;
        let secure = match uri.scheme_str() {
            Some("wss") => true,
            Some("ws") => false,
            _ => return Err(refused("the websocket URL has neither ws:// nor wss://")),
        };
        if !secure && api_url.starts_with("https://") {
            return Err(refused(
                "refusing a plaintext ws:// websocket URL from an https:// Web API: the \
                 ticket and all traffic would travel unencrypted",
            ));
        }
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| refused("the websocket URL has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
        Ok(Target {
            uri,
            secure,
            host,
            port,
        })
    }
}

/// Opens the websocket at `url` (from `rtm.connect` or the like): TCP + proxy CONNECT +
/// TLS + upgrade within `config.connect_timeout` in total; returns within milliseconds of
/// `cancel` firing.
///
/// # Errors
/// [`Error::Timeout`] ([`TimeoutKind::Connect`](crate::TimeoutKind::Connect)) or
/// [`Error::Websocket`]; never containing the URL.
pub(crate) fn dial<'t>(
    url: &str,
    config: &Config,
    tls: impl FnOnce() -> Result<&'t native_tls::TlsConnector>,
    generation: u64,
    cancel: &Cancel,
) -> Result<Connection> {
    let limits = Limits {
        deadline: Deadline::after(Instant::now(), config.connect_timeout),
        cancel: Some(cancel.clone()),
    };
    let target = Target::parse(url, &config.slack_api_url)?;
    let via = config.proxy.as_ref().filter(|p| p.applies_to(&target.host));
    let socket = tcp::open(
        &target.host,
        target.port,
        via,
        config.connector.as_ref(),
        &limits,
    )
    .map_err(DialError::into_error)?;
    let handle = socket
        .tcp()
        .try_clone()
        .map_err(|e| DialError::io("socket error", e).into_error())?;

    let mut stream = if target.secure {
        match tls()?.connect(&target.host, socket) {
            Ok(s) => Stream::Tls(Box::new(s)),
            Err(e) => return Err(tls_failure(e, &limits)),
        }
    } else {
        Stream::Plain(socket)
    };
    let leftover = upgrade::upgrade(
        &mut stream,
        &target.uri,
        if target.secure { 443 } else { 80 },
    )
    .map_err(DialError::into_error)?;
    // Open: from now on the reader drives the socket with poll(2).
    stream.inner_mut().set_limits(None);

    const READ_BUFFER: usize = 16 * 1024;
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(config.max_inbound_message))
        .max_frame_size(Some(config.max_inbound_message))
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(1 << 20);
    // tungstenite's read buffer remembers the capacity of the Vec it starts from and
    // regrows to it while earlier frames are still held (they share its allocation);
    // from the bare leftover (often empty) it regrew to one frame each time: one recv
    // and one allocation per frame. Start it from a full-size Vec.
    let mut first = Vec::with_capacity(READ_BUFFER.max(leftover.len()));
    first.extend_from_slice(&leftover);
    let ws = WebSocket::from_partially_read(stream, first, Role::Client, Some(ws_config));
    Connection::new(ws, handle, generation)
}

/// A failed TLS handshake, said truthfully: cancelled, out of time, or refused (a
/// certificate that does not verify is permanent: retrying cannot fix it).
fn tls_failure<S>(e: native_tls::HandshakeError<S>, limits: &Limits) -> Error {
    match tls::handshake_failure(e, limits) {
        tls::HandshakeFailure::Cancelled => DialError::Cancelled.into_error(),
        tls::HandshakeFailure::TimedOut => DialError::Timeout.into_error(),
        tls::HandshakeFailure::Failed(e) => {
            let permanent = tls::is_permanent(&e);
            let w = WebsocketError::with_source(format!("TLS handshake failed: {e}"), e);
            Error::Websocket(if permanent { w.permanent() } else { w })
        }
    }
}

/// A URL that retrying cannot make acceptable.
fn refused(message: &str) -> Error {
    Error::Websocket(WebsocketError::new(message).permanent())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Result<Target>) -> String {
        match r {
            Err(e @ Error::Websocket(_)) => {
                assert!(e.is_fatal(), "a refused URL is permanent: {e:?}");
                match e {
                    Error::Websocket(w) => w.message,
                    _ => unreachable!(),
                }
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_wss_url_from_an_https_api_is_accepted_with_its_default_port() {
        let t = Target::parse(
            "wss://wss.example/link/?ticket=abc",
            "https://slack.com/api/",
        )
        .unwrap();
        assert!(t.secure);
        assert_eq!((t.host.as_str(), t.port), ("wss.example", 443));
    }

    #[test]
    fn a_plaintext_ws_url_from_an_https_api_is_refused_as_a_downgrade() {
        let m = message(Target::parse(
            "ws://evil.example/websocket/secret-ticket",
            "https://slack.com/api/",
        ));
        assert!(m.contains("plaintext") && m.contains("https://"), "{m}");
        assert!(!m.contains("secret-ticket"), "{m}");
    }

    #[test]
    fn a_plaintext_api_may_hand_out_a_plaintext_websocket() {
        let t =
            Target::parse("ws://127.0.0.1:8080/websocket/x", "http://127.0.0.1:9/api/").unwrap();
        assert!(!t.secure);
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 8080));
        let t = Target::parse("ws://[::1]/x", "http://[::1]/api/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 80));
    }

    #[test]
    fn a_url_without_a_websocket_scheme_or_host_is_refused_without_echoing_it() {
        for url in ["https://slack.com/secret", "secret", "ws:///secret", ""] {
            let m = message(Target::parse(url, "http://x/api/"));
            assert!(!m.contains("secret"), "{m}");
        }
    }
}
