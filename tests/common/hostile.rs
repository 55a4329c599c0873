//! Hostile servers on 127.0.0.1 for the shutdown and deadline tests (and the
//! `shutdown_times` example): each accepts connections and then misbehaves in one way.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

/// One byte every this long: far below any timeout, so a per-read timeout never fires.
pub const TRICKLE_EVERY: Duration = Duration::from_millis(100);

/// What a hostile server does once a connection is accepted and the client's first bytes
/// were read.
#[derive(Clone)]
pub enum Misbehaviour {
    /// Never answers.
    Silent,
    /// Sends `prefix`, then one byte of `filler` every [`TRICKLE_EVERY`], for ever.
    Trickle { prefix: Vec<u8>, filler: u8 },
    /// Answers an HTTP request with `200 OK` and this JSON body, then closes.
    Json(String),
    /// The first connection gets an honest `rtm.connect` answer fetched from the fake
    /// Slack at `upstream` (its api_url) with `token`; every later one gets `then`.
    RelayOnce {
        upstream: String,
        token: String,
        used: Arc<AtomicBool>,
        then: Box<Misbehaviour>,
    },
}

impl Misbehaviour {
    /// A TLS handshake that never ends: a record header announcing 16 KB, then zeros.
    pub fn trickling_tls() -> Misbehaviour {
        Misbehaviour::Trickle {
            prefix: vec![0x16, 0x03, 0x03, 0x40, 0x00],
            filler: 0,
        }
    }

    /// A websocket upgrade answer whose first header never ends.
    pub fn trickling_upgrade() -> Misbehaviour {
        Misbehaviour::Trickle {
            prefix: b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-Slow: ".to_vec(),
            filler: b'x',
        }
    }

    /// A Web API answer whose headers never end.
    pub fn trickling_http() -> Misbehaviour {
        Misbehaviour::Trickle {
            prefix: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ".to_vec(),
            filler: b'x',
        }
    }

    /// Relays the first `rtm.connect` to the fake Slack at `upstream`, then misbehaves.
    pub fn relay_once(upstream: &str, token: &str, then: Misbehaviour) -> Misbehaviour {
        Misbehaviour::RelayOnce {
            upstream: upstream.to_string(),
            token: token.to_string(),
            used: Arc::new(AtomicBool::new(false)),
            then: Box::new(then),
        }
    }

    /// A minimal `rtm.connect` answer pointing at `ws_url`.
    pub fn rtm_connect(ws_url: &str) -> Misbehaviour {
        Misbehaviour::Json(rtm_connect_body(ws_url))
    }
}

/// A minimal `rtm.connect` answer body pointing at `ws_url`.
pub fn rtm_connect_body(ws_url: &str) -> String {
    format!(
        r#"{{"ok":true,"url":"{ws_url}","self":{{"id":"U1","name":"bot"}},"team":{{"id":"T1","name":"Team","domain":"team"}}}}"#
    )
}

/// A hostile server; stops (closing what it holds) when dropped.
pub struct Hostile {
    pub port: u16,
    engaged: Receiver<()>,
    stop: Arc<AtomicBool>,
}

impl Hostile {
    pub fn start(misbehaviour: Misbehaviour) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (tx, engaged) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (m, tx, flag) = (misbehaviour.clone(), tx.clone(), flag.clone());
                std::thread::spawn(move || serve(conn, m, tx, flag));
            }
        });
        Hostile {
            port,
            engaged,
            stop,
        }
    }

    /// A TLS server with the fake's test certificate (for `localhost` / `127.0.0.1`,
    /// trusted only by a client given `src/fake/testdata/cert.pem`) that answers any
    /// request with this JSON body.
    pub fn tls_json(body: String) -> Hostile {
        let identity = native_tls::Identity::from_pkcs8(
            include_bytes!("../../src/fake/testdata/cert.pem"),
            include_bytes!("../../src/fake/testdata/key.pem"),
        )
        .expect("the test identity");
        let acceptor = Arc::new(native_tls::TlsAcceptor::new(identity).expect("acceptor"));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (tx, engaged) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (acceptor, tx, body) = (acceptor.clone(), tx.clone(), body.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                    let Ok(mut tls) = acceptor.accept(conn) else {
                        let _ = tx.send(());
                        return;
                    };
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf) {
                            Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
                            _ => return,
                        }
                    }
                    let _ = tls.write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    );
                    let _ = tls.shutdown();
                    let _ = tx.send(());
                });
            }
        });
        Hostile {
            port,
            engaged,
            stop,
        }
    }

    /// `https://127.0.0.1:PORT/api/`.
    pub fn https_api_url(&self) -> String {
        format!("https://127.0.0.1:{}/api/", self.port)
    }

    /// `http://127.0.0.1:PORT/api/`.
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/", self.port)
    }

    /// `SCHEME://127.0.0.1:PORT/websocket/hostile`.
    pub fn ws_url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}/websocket/hostile", self.port)
    }

    /// Waits (at most `within`) until a client has connected and sent its first bytes, so
    /// that the server is now misbehaving at it. False if none did.
    pub fn wait_engaged(&self, within: Duration) -> bool {
        !matches!(
            self.engaged.recv_timeout(within),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected)
        )
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(conn: TcpStream, m: Misbehaviour, engaged: Sender<()>, stop: Arc<AtomicBool>) {
    let m = match m {
        Misbehaviour::RelayOnce {
            upstream,
            token,
            used,
            then,
        } => {
            if used.swap(true, Ordering::SeqCst) {
                *then
            } else {
                let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).build().into();
                let body = agent
                    .post(&format!("{upstream}rtm.connect"))
                    .header("Authorization", &format!("Bearer {token}"))
                    .send_empty()
                    .and_then(|mut r| r.body_mut().read_to_string())
                    .unwrap_or_default();
                Misbehaviour::Json(body)
            }
        }
        other => other,
    };
    serve_as(conn, m, engaged, stop)
}

fn serve_as(mut conn: TcpStream, m: Misbehaviour, engaged: Sender<()>, stop: Arc<AtomicBool>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    // The client's first bytes (a ClientHello, an upgrade or an HTTP request).
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    match conn.read(&mut buf) {
        Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
        _ => return,
    }
    match m {
        Misbehaviour::Silent => {
            let _ = engaged.send(());
            while !stop.load(Ordering::SeqCst) {
                match conn.read(&mut buf) {
                    Ok(0) => return,
                    Ok(_) => {}
                    Err(e)
                        if e.kind() == std::io::ErrorKind::WouldBlock
                            || e.kind() == std::io::ErrorKind::TimedOut => {}
                    Err(_) => return,
                }
            }
        }
        Misbehaviour::Trickle { prefix, filler } => {
            if conn.write_all(&prefix).is_err() {
                return;
            }
            let _ = engaged.send(());
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(TRICKLE_EVERY);
                if conn.write_all(&[filler]).is_err() {
                    return;
                }
            }
        }
        Misbehaviour::Json(body) => {
            // Read the rest of the request (head + form body) before answering.
            let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
                    _ => break,
                }
            }
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
            // Close gracefully: unread request bytes would turn the close into a reset.
            let _ = conn.shutdown(std::net::Shutdown::Write);
            while matches!(conn.read(&mut buf), Ok(n) if n > 0) {}
            let _ = engaged.send(());
        }
        Misbehaviour::RelayOnce { .. } => unreachable!("resolved in serve()"),
    }
}
