//! A hostile RTM server on 127.0.0.1: a Web API that answers every `rtm.connect`, and a
//! websocket endpoint whose every connection misbehaves the same way (floods, closes right
//! after `hello`, says `goodbye` at once, …). It records when each `rtm.connect` came.
//! Shared by `tests/hostile.rs` and `examples/hostile_figures.rs`.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tungstenite::Message;

/// What every websocket connection does after `hello`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Frames that are not JSON, as fast as the client reads them.
    FloodMalformed,
    /// Binary frames, as fast as the client reads them.
    FloodBinary,
    /// `events` message events, then a close.
    EventsThenClose { events: usize },
    /// A close right after `hello`.
    CloseAfterHello,
    /// `goodbye` right after `hello`.
    Goodbye,
    /// Nothing: a healthy, quiet link.
    Quiet,
    /// Never reads after the upgrade, with a small receive buffer (SO_RCVBUF 4 KB, which
    /// also stops the kernel growing it): the client's writes soon block for good.
    StopReading,
}

/// The server; stops accepting when dropped.
pub struct HostileRtm {
    api_port: u16,
    connects: Arc<Mutex<Vec<Instant>>>,
    frames_sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl HostileRtm {
    pub fn start(behaviour: Behaviour) -> HostileRtm {
        let api = TcpListener::bind("127.0.0.1:0").expect("bind");
        let ws = TcpListener::bind("127.0.0.1:0").expect("bind");
        if behaviour == Behaviour::StopReading {
            // Inherited by the accepted sockets.
            rustix::net::sockopt::set_socket_recv_buffer_size(&ws, 4096).expect("SO_RCVBUF");
        }
        let api_port = api.local_addr().unwrap().port();
        let ws_port = ws.local_addr().unwrap().port();
        let connects = Arc::new(Mutex::new(Vec::new()));
        let frames_sent = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (connects, stop) = (connects.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in api.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(conn) = conn else { continue };
                    let connects = connects.clone();
                    std::thread::spawn(move || answer_rtm_connect(conn, ws_port, &connects));
                }
            });
        }
        {
            let (frames_sent, stop) = (frames_sent.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in ws.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(conn) = conn else { continue };
                    let (frames_sent, stop) = (frames_sent.clone(), stop.clone());
                    std::thread::spawn(move || serve_ws(conn, behaviour, &frames_sent, &stop));
                }
            });
        }
        HostileRtm {
            api_port,
            connects,
            frames_sent,
            stop,
        }
    }

    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/", self.api_port)
    }

    /// When each `rtm.connect` arrived.
    pub fn connect_times(&self) -> Vec<Instant> {
        self.connects.lock().unwrap().clone()
    }

    /// Waits (bounded) until `n` `rtm.connect` calls arrived; their times.
    pub fn wait_connects(&self, n: usize, within: Duration) -> Option<Vec<Instant>> {
        let deadline = Instant::now() + within;
        loop {
            let times = self.connect_times();
            if times.len() >= n {
                return Some(times);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Frames written by the flooding connections so far.
    pub fn frames_sent(&self) -> u64 {
        self.frames_sent.load(Ordering::Relaxed)
    }
}

impl Drop for HostileRtm {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.api_port));
    }
}

/// Reads one HTTP request (headers and a Content-Length body) and answers `rtm.connect`.
fn answer_rtm_connect(mut conn: TcpStream, ws_port: u16, connects: &Mutex<Vec<Instant>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        match conn.read(&mut buf) {
            Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
            _ => return,
        }
        if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + length {
        match conn.read(&mut buf) {
            Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    connects.lock().unwrap().push(Instant::now());
    let body = format!(
        r#"{{"ok":true,"url":"ws://127.0.0.1:{ws_port}/websocket","self":{{"id":"U1","name":"bot"}},"team":{{"id":"T1","name":"Team","domain":"team"}}}}"#
    );
    let _ = write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn serve_ws(conn: TcpStream, behaviour: Behaviour, frames_sent: &AtomicU64, stop: &AtomicBool) {
    let Ok(mut ws) = tungstenite::accept(conn) else {
        return;
    };
    if ws.send(Message::text(r#"{"type":"hello"}"#)).is_err() {
        return;
    }
    let flood = |ws: &mut tungstenite::WebSocket<TcpStream>, frame: Message| {
        let mut n = 0u64;
        while !stop.load(Ordering::Relaxed) {
            if ws.write(frame.clone()).is_err() {
                break;
            }
            n += 1;
            if n % 1024 == 0 {
                frames_sent.fetch_add(1024, Ordering::Relaxed);
                if ws.flush().is_err() {
                    break;
                }
            }
        }
    };
    match behaviour {
        Behaviour::FloodMalformed => flood(&mut ws, Message::text("{not json")),
        Behaviour::FloodBinary => flood(&mut ws, Message::binary(vec![0u8; 16])),
        Behaviour::EventsThenClose { events } => {
            for i in 0..events {
                let text = format!(r#"{{"type":"message","channel":"C1","text":"{i}"}}"#);
                if ws.write(Message::text(text)).is_err() {
                    return;
                }
            }
            let _ = ws.close(None);
            let _ = ws.flush();
        }
        Behaviour::CloseAfterHello => {
            let _ = ws.close(None);
            let _ = ws.flush();
        }
        Behaviour::Goodbye => {
            let _ = ws.send(Message::text(r#"{"type":"goodbye"}"#));
        }
        Behaviour::Quiet => {}
        Behaviour::StopReading => {
            let until = Instant::now() + Duration::from_secs(60);
            while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
            }
            return;
        }
    }
    // Answer pings and read until the client goes.
    let _ = ws.get_mut().set_read_timeout(Some(Duration::from_secs(60)));
    while !stop.load(Ordering::Relaxed) {
        match ws.read() {
            Ok(Message::Text(t)) if t.contains(r#""type":"ping""#) => {
                let _ = ws.send(Message::text(r#"{"type":"pong","reply_to":0}"#));
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}
