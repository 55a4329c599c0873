//! The Web API's HTTP/1.1 side: reading requests (parsed with `httparse`), keep-alive,
//! and writing JSON responses.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::json;

use super::api::{self, ApiCall, ApiReply};
use super::form;
use super::shared::Shared;
use crate::net::stream::Stream;

/// How long a connection may sit idle (or stall mid-request) before it is closed: longer
/// than ureq's pool keeps idle connections (15 s), so a pooled connection is never
/// closed under a client about to reuse it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request head (request line and headers) accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The largest request body accepted.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The most headers a request may have.
const MAX_HEADERS: usize = 64;

/// A request as read off the wire. (No `Debug`: it holds the token.)
struct Request {
    method: String,
    /// The request target, query string included.
    target: String,
    keep_alive: bool,
    content_type: Option<String>,
    authorization: Option<String>,
    user_agent: Option<String>,
    body: Vec<u8>,
}

/// Why no request could be read: each maps to a status, sent before closing.
#[derive(Debug)]
enum BadRequest {
    /// The peer closed, timed out or failed: nothing to answer.
    Gone,
    Malformed,
    HeadTooLarge,
    BodyTooLarge,
    /// A body without `Content-Length` (e.g. chunked).
    LengthRequired,
}

/// Serves one Web API connection until the peer closes, it idles out, or the server
/// shuts down.
pub(crate) fn serve(shared: &Shared, tcp: TcpStream) {
    if let Err(e) = tcp
        .set_read_timeout(Some(IDLE_TIMEOUT))
        .and_then(|()| tcp.set_write_timeout(Some(IDLE_TIMEOUT)))
    {
        log::debug!("fake slack: http socket setup failed: {e}");
        return;
    }
    let mut stream = match &shared.settings.tls {
        None => Stream::Plain(tcp),
        Some(acceptor) => match acceptor.accept(tcp) {
            Ok(tls) => Stream::Tls(Box::new(tls)),
            Err(e) => {
                log::debug!("fake slack: https handshake failed: {e}");
                return;
            }
        },
    };
    let mut buf = Vec::new();
    while !shared.is_shutting_down() {
        let (status, reply, keep_alive) = match read_request(&mut stream, &mut buf) {
            Ok(req) => {
                let keep_alive = req.keep_alive;
                let reply = route(shared, req);
                (reply.status, reply, keep_alive)
            }
            Err(BadRequest::Gone) => return,
            Err(bad) => {
                let status = match bad {
                    BadRequest::HeadTooLarge => 431,
                    BadRequest::BodyTooLarge => 413,
                    BadRequest::LengthRequired => 411,
                    BadRequest::Malformed | BadRequest::Gone => 400,
                };
                let reply = ApiReply {
                    status,
                    retry_after: None,
                    body: json!({"ok": false, "error": "invalid_request"}),
                };
                (status, reply, false)
            }
        };
        if let Err(e) = write_reply(&mut stream, status, &reply, keep_alive) {
            log::debug!("fake slack: http write failed: {e}");
            return;
        }
        if !keep_alive {
            return;
        }
    }
}

/// Reads the next request from `stream`; `buf` carries bytes already read past the
/// previous one.
fn read_request(stream: &mut Stream, buf: &mut Vec<u8>) -> Result<Request, BadRequest> {
    loop {
        if !buf.is_empty() {
            if let Some((head_len, mut req, body_len)) = parse_head(buf)? {
                let total = head_len + body_len;
                while buf.len() < total {
                    fill(stream, buf)?;
                }
                req.body = buf[head_len..total].to_vec();
                buf.drain(..total);
                return Ok(req);
            }
            if buf.len() > MAX_HEAD_BYTES {
                return Err(BadRequest::HeadTooLarge);
            }
        }
        fill(stream, buf)?;
    }
}

/// Parses the request head in `buf`: `None` if it is not complete yet, else the head's
/// length, the request (without body) and the body's length.
fn parse_head(buf: &[u8]) -> Result<Option<(usize, Request, usize)>, BadRequest> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(BadRequest::HeadTooLarge),
        Err(_) => return Err(BadRequest::Malformed),
    };
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .map(|v| v.trim().to_owned())
    };
    if header("transfer-encoding").is_some() {
        return Err(BadRequest::LengthRequired);
    }
    let body_len = match header("content-length") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| BadRequest::Malformed)?,
    };
    if body_len > MAX_BODY_BYTES {
        return Err(BadRequest::BodyTooLarge);
    }
    let connection = header("connection").map(|v| v.to_ascii_lowercase());
    let http11 = parsed.version == Some(1);
    let keep_alive = match connection.as_deref() {
        Some(c) if c.split(',').any(|t| t.trim() == "close") => false,
        Some(c) if c.split(',').any(|t| t.trim() == "keep-alive") => true,
        _ => http11,
    };
    let req = Request {
        method: parsed.method.unwrap_or_default().to_owned(),
        target: parsed.path.unwrap_or_default().to_owned(),
        keep_alive,
        content_type: header("content-type"),
        authorization: header("authorization"),
        user_agent: header("user-agent"),
        body: Vec::new(),
    };
    Ok(Some((head_len, req, body_len)))
}

/// Reads more bytes into `buf`.
fn fill(stream: &mut Stream, buf: &mut Vec<u8>) -> Result<(), BadRequest> {
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return Err(BadRequest::Gone),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(BadRequest::Gone),
        }
    }
}

/// Turns a request into a reply: `/api/<method>` goes to the Web API.
fn route(shared: &Shared, req: Request) -> ApiReply {
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (req.target.as_str(), None),
    };
    let Some(method) = path.strip_prefix("/api/") else {
        return ApiReply {
            status: 404,
            retry_after: None,
            body: json!({"ok": false, "error": "not_found"}),
        };
    };
    if req.method != "GET" && req.method != "POST" {
        return ApiReply {
            status: 405,
            retry_after: None,
            body: json!({"ok": false, "error": "method_not_allowed"}),
        };
    }
    let mut params = query.map(|q| form::parse(q.as_bytes())).unwrap_or_default();
    let is_form = req.content_type.as_deref().is_some_and(|ct| {
        ct.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if req.method == "POST" && is_form {
        params.extend(form::parse(&req.body));
    }
    let bearer = req.authorization.as_deref().and_then(|a| {
        let (scheme, token) = a.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned())
    });
    api::handle(
        shared,
        ApiCall {
            http_method: req.method,
            method: method.to_owned(),
            params,
            bearer,
            content_type: req.content_type,
            user_agent: req.user_agent,
        },
    )
}

fn write_reply(
    stream: &mut Stream,
    status: u16,
    reply: &ApiReply,
    keep_alive: bool,
) -> io::Result<()> {
    let body = serde_json::to_vec(&reply.body)?;
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
        reason(status),
        body.len()
    );
    if let Some(secs) = reply.retry_after {
        head.push_str(&format!("Retry-After: {secs}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut out = head.into_bytes();
    out.extend_from_slice(&body);
    stream.write_all(&out)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_parsing_handles_keep_alive_and_lengths() {
        let raw = b"POST /api/auth.test?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\na=b";
        let (head_len, req, body_len) = parse_head(raw).expect("valid").expect("complete");
        assert_eq!(head_len + body_len, raw.len());
        assert_eq!(req.target, "/api/auth.test?x=1");
        assert!(req.keep_alive);
        let partial = b"GET /api/x HTTP/1.1\r\nHost";
        assert!(parse_head(partial).expect("valid so far").is_none());
        let close = b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
        assert!(
            !parse_head(close)
                .expect("valid")
                .expect("complete")
                .1
                .keep_alive
        );
        let old = b"GET / HTTP/1.0\r\n\r\n";
        assert!(
            !parse_head(old)
                .expect("valid")
                .expect("complete")
                .1
                .keep_alive
        );
        let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(matches!(
            parse_head(chunked),
            Err(BadRequest::LengthRequired)
        ));
        let huge = b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n";
        assert!(matches!(parse_head(huge), Err(BadRequest::BodyTooLarge)));
        assert!(matches!(
            parse_head(b"\x01\x02 nonsense\r\n\r\n"),
            Err(BadRequest::Malformed)
        ));
    }
}
