//! The HTTP proxy's CONNECT tunnel, with Basic credentials if the proxy has them.

use std::io::{Read, Write};

use base64::Engine as _;

use crate::config::Proxy;
use crate::net::socket::Socket;
use crate::net::tcp::DialError;

/// Longest CONNECT answer read.
const MAX_ANSWER: usize = 16 * 1024;

/// Asks the proxy on `socket` for a tunnel to `host:port`. Reads exactly the proxy's
/// answer, nothing of the tunnel, so TLS or HTTP can start right after.
pub(crate) fn open(
    socket: &mut Socket,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<(), DialError> {
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
    socket
        .write_all(request.as_bytes())
        .map_err(|e| DialError::io("talking to the proxy failed", e))?;

    let mut answer = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() > MAX_ANSWER {
            return Err(DialError::failed(
                "the proxy's answer to CONNECT is too long",
            ));
        }
        match socket.read(&mut byte) {
            Ok(0) => {
                return Err(DialError::failed(
                    "the proxy closed the connection during CONNECT",
                ))
            }
            Ok(_) => answer.push(byte[0]),
            Err(e) => return Err(DialError::io("talking to the proxy failed", e)),
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&answer) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => {
            return Err(DialError::failed(
                "the proxy's answer to CONNECT is not HTTP",
            ))
        }
    }
    let refused = |message: &str, code: u16| DialError::Failed {
        message: message.into(),
        status: Some(code),
        source: None,
    };
    match response.code {
        Some(200..=299) => Ok(()),
        Some(407) => Err(refused("the proxy requires (other) credentials", 407)),
        Some(code) => Err(refused("the proxy refused the CONNECT tunnel", code)),
        None => Err(DialError::failed(
            "the proxy's answer to CONNECT has no status",
        )),
    }
}
