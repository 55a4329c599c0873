//! The websocket upgrade (RFC 6455 §4.1), written here rather than by tungstenite's client
//! handshake because that one logs the whole request line — the single-use ticket — at
//! TRACE. The answer is parsed with httparse and its `Sec-WebSocket-Accept` checked against
//! the key sent ([`accept_key`]).

use std::io::{Read, Write};

use base64::Engine as _;
use sha1::{Digest, Sha1};
use ureq::http::Uri;

use crate::net::tcp::DialError;

/// Longest upgrade answer head read.
const MAX_HEAD: usize = 16 * 1024;

/// Sends the upgrade request for `uri` and reads the answer head. Returns the bytes read
/// past the head (the first frames, if the server was quick), for tungstenite.
///
/// # Errors
/// I/O failures (timeout, cancel), a refusal (with its HTTP status), or an answer that is
/// not a websocket upgrade (naming the header that was wrong). Never holding the URL.
pub(crate) fn upgrade<S: Read + Write>(
    stream: &mut S,
    uri: &Uri,
    default_port: u16,
) -> Result<Vec<u8>, DialError> {
    let host = uri.host().unwrap_or_default();
    let host_header = match uri.port_u16() {
        Some(port) if port != default_port => format!("{host}:{port}"),
        _ => host.to_string(),
    };
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    let key = generate_key();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host_header}\r\nConnection: Upgrade\r\n\
         Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\
         User-Agent: slack-rtm/{}\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| DialError::io("sending the websocket upgrade failed", e))?;

    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream
            .read(&mut chunk)
            .map_err(|e| DialError::io("reading the websocket upgrade answer failed", e))?;
        if n == 0 {
            return Err(DialError::failed(
                "websocket upgrade failed: the server closed the connection",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(head_len) = check_answer(&buf, &key)? {
            return Ok(buf.split_off(head_len));
        }
        if buf.len() > MAX_HEAD {
            return Err(DialError::failed(
                "websocket upgrade failed: the answer's head is over 16 KB",
            ));
        }
    }
}

/// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64 (RFC 6455 §4.1: "randomly
/// selected", new for every connection).
fn generate_key() -> String {
    let nonce: [u8; 16] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(nonce)
}

/// The `Sec-WebSocket-Accept` a server must answer `key` with: base64 of the SHA-1 of the
/// key followed by RFC 6455's GUID. Pure.
fn accept_key(key: &str) -> String {
    const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    let mut sha1 = Sha1::new();
    sha1.update(key.as_bytes());
    sha1.update(GUID);
    base64::engine::general_purpose::STANDARD.encode(sha1.finalize())
}

/// Checks a (possibly partial) upgrade answer: `None` while incomplete, else the head's
/// length. Pure.
fn check_answer(buf: &[u8], key: &str) -> Result<Option<usize>, DialError> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let head_len = match response.parse(buf) {
        Ok(httparse::Status::Partial) => return Ok(None),
        Ok(httparse::Status::Complete(n)) => n,
        Err(e) => {
            return Err(DialError::failed(format!(
                "websocket upgrade failed: the answer is not HTTP ({e})"
            )))
        }
    };
    let code = response.code.unwrap_or(0);
    if code != 101 {
        return Err(DialError::Failed {
            message: "websocket upgrade failed: the server refused the upgrade".into(),
            status: Some(code),
            source: None,
        });
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .map(str::trim)
    };
    let wrong = |what: &str| {
        DialError::failed(format!(
            "websocket upgrade failed: the answer's {what} is wrong or missing"
        ))
    };
    if !header("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket")) {
        return Err(wrong("Upgrade header"));
    }
    let connection_upgrade = header("connection").is_some_and(|v| {
        v.split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
    });
    if !connection_upgrade {
        return Err(wrong("Connection header"));
    }
    if header("sec-websocket-accept") != Some(accept_key(key).as_str()) {
        return Err(wrong("Sec-WebSocket-Accept header"));
    }
    Ok(Some(head_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
    // RFC 6455's example: this key's accept value.
    const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    fn answer(status: &str, headers: &str) -> Vec<u8> {
        format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes()
    }

    fn message(r: Result<Option<usize>, DialError>) -> String {
        match r {
            Err(DialError::Failed { message, .. }) => message,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_complete_101_answer_with_the_right_accept_key_is_an_upgrade() {
        let mut a = answer(
            "101 Switching Protocols",
            &format!("Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\n"),
        );
        let head = a.len();
        assert_eq!(check_answer(&a, KEY).unwrap(), Some(head));
        a.extend_from_slice(b"\x81\x02hi");
        assert_eq!(check_answer(&a, KEY).unwrap(), Some(head));
    }

    #[test]
    fn the_accept_key_of_rfc_6455s_example_nonce_is_the_rfcs() {
        assert_eq!(accept_key(KEY), ACCEPT);
    }

    #[test]
    fn every_key_is_sixteen_fresh_bytes_in_base64() {
        let (a, b) = (generate_key(), generate_key());
        assert_ne!(a, b);
        for key in [a, b] {
            let raw = base64::engine::general_purpose::STANDARD
                .decode(&key)
                .expect("base64");
            assert_eq!(raw.len(), 16, "{key}");
        }
    }

    #[test]
    fn a_partial_answer_asks_for_more() {
        assert_eq!(check_answer(b"HTTP/1.1 101 Swi", KEY).unwrap(), None);
    }

    #[test]
    fn a_refusal_keeps_its_status() {
        match check_answer(&answer("403 Forbidden", ""), KEY) {
            Err(DialError::Failed { status, .. }) => assert_eq!(status, Some(403)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_wrong_answer_names_the_header_that_was_wrong() {
        let accept = format!("Sec-WebSocket-Accept: {ACCEPT}\r\n");
        let m = message(check_answer(
            &answer("101 x", &format!("Connection: Upgrade\r\n{accept}")),
            KEY,
        ));
        assert!(m.contains("Upgrade header"), "{m}");
        let m = message(check_answer(
            &answer("101 x", &format!("Upgrade: websocket\r\n{accept}")),
            KEY,
        ));
        assert!(m.contains("Connection header"), "{m}");
        let m = message(check_answer(
            &answer(
                "101 x",
                "Upgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: nope\r\n",
            ),
            KEY,
        ));
        assert!(m.contains("Sec-WebSocket-Accept"), "{m}");
        let m = message(check_answer(b"SSH-2.0-OpenSSH\r\n\r\n", KEY));
        assert!(m.contains("not HTTP"), "{m}");
    }
}
