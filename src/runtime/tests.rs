//! The engine against a real websocket server on loopback, driven by a small test
//! protocol: make-before-break refresh, a pool of links, a replacement that fails, and
//! threads that die. (RTM's own behaviour is tested through the public API in `tests/`.)

use std::net::TcpListener;
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use tungstenite::{Message, Utf8Bytes};

use crate::config::{Builder, Secret};
use crate::error::{Error, Result, WebsocketError};
use crate::net::cancel::Cancel;
use crate::protocol::admission::SlowConsumerPolicy;
use crate::protocol::liveness::LivenessPolicy;
use crate::protocol::retry_policy::RetryPolicy;
use crate::runtime::backlog::Backlog;
use crate::runtime::engine::{Engine, EngineSettings};
use crate::runtime::links::{Link, Links};
use crate::runtime::seam::{Action, Change, Opened, Probe, Protocol, Replace};
use crate::runtime::status::Status;
use crate::runtime::transport::Transport;
use crate::stats::Counters;

const SOON: Duration = Duration::from_secs(10);

/// Frames: `hello` (ready), `refresh`, `goodbye`, `panic`; anything else is delivered as
/// `"<link>:<text>"`, and a frame starting `ack-me` is also answered with `ack:<text>`,
/// queued on its link (or, if that one is closing, the newest ready one) and written at
/// the end of the batch. Lifecycle changes are delivered as their Debug text.
struct TestProtocol {
    url: String,
    refuse: AtomicBool,
    opened: AtomicUsize,
    panic_in_probe: AtomicBool,
    links: Arc<Links>,
    queued: parking_lot::Mutex<Vec<Arc<Link>>>,
}

impl Protocol for TestProtocol {
    type Item = String;

    fn open(&self, _cancel: &Cancel) -> Result<Opened<String>> {
        self.opened.fetch_add(1, Ordering::SeqCst);
        if self.refuse.load(Ordering::SeqCst) {
            return Err(Error::Websocket(WebsocketError::new("refused by the test")));
        }
        Ok(Opened {
            url: Secret::new(self.url.clone()),
            announce: None,
        })
    }

    fn on_text(
        &self,
        link: &Arc<Link>,
        text: Utf8Bytes,
        _now: Instant,
        out: &mut Vec<Action<String>>,
    ) {
        match text.as_str() {
            "hello" => out.push(Action::Ready),
            "refresh" => out.push(Action::Replace(Replace::Refresh)),
            "goodbye" => out.push(Action::Replace(Replace::Reconnect)),
            "panic" => panic!("a bug in the protocol"),
            t if t.starts_with("ack-me") => {
                let target = if link.is_writable() {
                    Some(link.clone())
                } else {
                    self.links.newest_ready()
                };
                if let Some(target) = target {
                    if target.queue_text(format!("ack:{t}")).is_ok() {
                        self.queued.lock().push(target);
                    }
                }
            }
            _ => {}
        }
        out.push(Action::Deliver(format!("{}:{}", link.id(), text.as_str())));
    }

    fn probe(&self, _link: &Arc<Link>, _now: Instant) -> Result<Probe> {
        if self.panic_in_probe.load(Ordering::SeqCst) {
            panic!("a bug in the probe");
        }
        Ok(Probe::Ping(b"p".to_vec()))
    }

    fn lifecycle(&self, change: Change) -> Option<String> {
        Some(match change {
            Change::Connected(id) => format!("connected {id}"),
            Change::Ready(id) => format!("ready {id}"),
            Change::Disconnected(None) => "disconnected".into(),
            Change::Disconnected(Some(e)) => format!("disconnected: {e}"),
            Change::AttemptFailed(e) => format!("attempt failed: {e}"),
            other => format!("{other:?}"),
        })
    }

    fn waker(&self) -> Option<BorrowedFd<'_>> {
        None
    }

    fn end_of_batch(&self, _now: Instant) {
        for link in self.queued.lock().drain(..) {
            let _ = link.flush(Instant::now() + SOON);
        }
    }
}

/// A websocket server: each accepted connection is driven through its command channel.
struct Server {
    url: String,
    conns: Receiver<Conn>,
}

/// One server-side connection: `send` writes a text frame (`close` closes; `late:<text>`
/// makes the server answer the client's close with that text frame first, as a server
/// that wrote it just as the client closed; `burst:<n>` writes `ack-me 0..n` in one
/// write); `received` has the client's text frames.
struct Conn {
    tx: Sender<String>,
    closed: Arc<AtomicBool>,
    received: Receiver<String>,
}

impl Conn {
    fn send(&self, text: &str) {
        self.tx.send(text.to_string()).unwrap();
    }

    fn wait_closed(&self) {
        let deadline = Instant::now() + SOON;
        while !self.closed.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the connection was not closed");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Server {
    fn start(auto_hello: bool) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("ws://{}/socket", listener.local_addr().unwrap());
        let (conns_tx, conns) = crossbeam_channel::unbounded();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let Ok(mut ws) = tungstenite::accept(stream) else {
                    continue;
                };
                let (tx, rx) = crossbeam_channel::unbounded::<String>();
                let (got, received) = crossbeam_channel::unbounded::<String>();
                let closed = Arc::new(AtomicBool::new(false));
                if auto_hello {
                    let _ = ws.send(Message::text("hello"));
                }
                if conns_tx
                    .send(Conn {
                        tx,
                        closed: closed.clone(),
                        received,
                    })
                    .is_err()
                {
                    return;
                }
                std::thread::spawn(move || {
                    ws.get_mut()
                        .set_read_timeout(Some(Duration::from_millis(5)))
                        .unwrap();
                    let mut late: Option<String> = None;
                    loop {
                        while let Ok(text) = rx.try_recv() {
                            if let Some(t) = text.strip_prefix("late:") {
                                late = Some(t.to_owned());
                                continue;
                            }
                            if let Some(n) = text.strip_prefix("burst:") {
                                // One write for all: the client reads them in one batch.
                                for i in 0..n.parse::<usize>().unwrap() {
                                    let _ = ws.write(Message::text(format!("ack-me {i}")));
                                }
                                let _ = ws.flush();
                                continue;
                            }
                            if text == "close" {
                                let _ = ws.close(None);
                                let _ = ws.flush();
                                closed.store(true, Ordering::SeqCst);
                                return;
                            }
                            if ws.send(Message::text(text)).is_err() {
                                closed.store(true, Ordering::SeqCst);
                                return;
                            }
                        }
                        match ws.read() {
                            Ok(Message::Close(_)) => {
                                if let Some(text) = late.take() {
                                    // A data frame after the client's close, before the
                                    // answer to it (tungstenite would refuse to send it).
                                    use std::io::Write;
                                    let len = u8::try_from(text.len()).unwrap();
                                    assert!(len < 126);
                                    let mut frame = vec![0x81, len];
                                    frame.extend_from_slice(text.as_bytes());
                                    ws.get_mut().write_all(&frame).unwrap();
                                }
                                let _ = ws.flush();
                                closed.store(true, Ordering::SeqCst);
                                return;
                            }
                            Err(tungstenite::Error::ConnectionClosed) => {
                                closed.store(true, Ordering::SeqCst);
                                return;
                            }
                            Ok(Message::Text(t)) => {
                                let _ = got.send(t.to_string());
                            }
                            Ok(_) => {}
                            Err(tungstenite::Error::Io(e))
                                if matches!(
                                    e.kind(),
                                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                                ) => {}
                            Err(_) => {
                                closed.store(true, Ordering::SeqCst);
                                return;
                            }
                        }
                    }
                });
            }
        });
        Server { url, conns }
    }

    fn next(&self) -> Conn {
        self.conns.recv_timeout(SOON).expect("a connection")
    }
}

fn engine(server: &Server, connections: usize) -> Engine<TestProtocol> {
    let config = Builder::new("xoxb-test")
        .slack_api_url("http://127.0.0.1/api/")
        .no_proxy()
        .build_config()
        .unwrap();
    let retry = RetryPolicy {
        first_retry: Duration::from_millis(10),
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    let links = Arc::new(Links::default());
    Engine {
        protocol: Arc::new(TestProtocol {
            url: server.url.clone(),
            refuse: AtomicBool::new(false),
            opened: AtomicUsize::new(0),
            panic_in_probe: AtomicBool::new(false),
            links: links.clone(),
            queued: parking_lot::Mutex::new(Vec::new()),
        }),
        settings: Arc::new(EngineSettings {
            name: "test-engine",
            connections,
            hello_timeout: Duration::from_secs(5),
            liveness: LivenessPolicy {
                probe_every: Duration::from_secs(60),
                answer_within: Duration::from_secs(30),
                misses_allowed: 2,
                silence_limit: None,
            },
            retry,
            auto_reconnect: true,
            slow_consumer: SlowConsumerPolicy::DropNewest,
        }),
        transport: Arc::new(Transport::new(config).unwrap()),
        status: Arc::new(Status::default()),
        links,
        counters: Arc::new(Counters::default()),
        backlog: Arc::new(Backlog::new(1000).unwrap()),
    }
}

/// Waits (bounded) until `cond` holds.
fn eventually(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + SOON;
    while !cond() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Receives until an item starting with `want`, returning everything seen before it.
fn until(items: &Receiver<String>, want: &str) -> Vec<String> {
    until_match(items, |i| i.starts_with(want), want)
}

/// Receives (bounded) until an item `found` accepts, returning everything before it.
fn until_match(items: &Receiver<String>, found: impl Fn(&str) -> bool, what: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let deadline = Instant::now() + SOON;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match items.recv_timeout(left) {
            Ok(item) if found(&item) => return seen,
            Ok(item) => seen.push(item),
            Err(_) => panic!("no {what:?}; saw {seen:?}"),
        }
    }
}

#[test]
fn a_refresh_dials_the_replacement_while_the_old_link_keeps_delivering_and_closes_it_after_the_new_hello(
) {
    let server = Server::start(false);
    let engine = engine(&server, 1);
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let old = server.next();
    old.send("hello");
    until(&items, "ready 1");
    old.send("refresh");
    let new = server.next();
    // The replacement is open but silent: the old link still delivers, and stays open.
    old.send("during");
    let before = until(&items, "1:during");
    assert!(!old.closed.load(Ordering::SeqCst));
    new.send("hello");
    let after = until(&items, "2:hello");
    old.wait_closed();
    for item in before.iter().chain(&after) {
        assert!(!item.contains("Reconnecting"), "deaf time: {item}");
    }
    assert!(after.contains(&"ready 2".to_string()), "{after:?}");
    eventually("one link left", || engine.links.len() == 1);
    session.stop_and_join(None);
}

#[test]
fn a_replacement_that_fails_keeps_the_old_link_and_is_retried() {
    let server = Server::start(false);
    let engine = engine(&server, 1);
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let old = server.next();
    old.send("hello");
    until(&items, "ready 1");
    engine.protocol.refuse.store(true, Ordering::SeqCst);
    old.send("refresh");
    until(
        &items,
        "attempt failed: websocket error: refused by the test",
    );
    old.send("still here");
    until(&items, "1:still here");
    engine.protocol.refuse.store(false, Ordering::SeqCst);
    let new = server.next();
    new.send("hello");
    until(&items, "ready ");
    old.wait_closed();
    eventually("one link left", || engine.links.len() == 1);
    session.stop_and_join(None);
}

#[test]
fn a_pool_keeps_its_links_and_replaces_a_lost_one_without_reconnecting() {
    let server = Server::start(true);
    let engine = engine(&server, 3);
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let conns: Vec<Conn> = (0..3).map(|_| server.next()).collect();
    let mut seen = until(&items, "ready 3");
    assert_eq!(engine.links.len(), 3);
    conns[1].send("close");
    seen.extend(until(&items, "ready 4"));
    assert!(!seen.iter().any(|i| i.contains("Reconnecting")), "{seen:?}");
    eventually("three links", || engine.links.len() == 3);
    session.stop_and_join(None);
}

#[test]
fn a_panic_on_the_reader_thread_ends_the_session_visibly() {
    let server = Server::start(true);
    let engine = engine(&server, 1);
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let conn = server.next();
    until(&items, "ready 1");
    conn.send("panic");
    let last = items
        .iter()
        .find(|i| i.starts_with("disconnected"))
        .expect("a final item");
    assert!(
        last.contains("internal") && last.contains("reader"),
        "{last}"
    );
    assert!(items.recv_timeout(SOON).is_err(), "the stream ends");
    assert_eq!(engine.status.state(), crate::State::Disconnected);
    session.stop_and_join(None);
}

#[test]
fn a_panic_on_the_keepalive_thread_ends_the_session_visibly() {
    let server = Server::start(true);
    let mut engine = engine(&server, 1);
    let mut settings = (*engine.settings).clone();
    settings.liveness.probe_every = Duration::from_millis(50);
    engine.settings = Arc::new(settings);
    engine.protocol.panic_in_probe.store(true, Ordering::SeqCst);
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let _conn = server.next();
    let last = items
        .iter()
        .find(|i| i.starts_with("disconnected"))
        .expect("a final item");
    assert!(
        last.contains("internal") && last.contains("keepalive"),
        "{last}"
    );
    session.stop_and_join(None);
}

#[test]
fn a_session_stopped_with_a_reason_ends_with_it() {
    let server = Server::start(true);
    let engine = engine(&server, 1);
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let _conn = server.next();
    until(&items, "ready 1");
    session.stop_and_join(Some(Error::KeepAliveTimeout));
    let last = items.iter().last().unwrap();
    assert_eq!(last, format!("disconnected: {}", Error::KeepAliveTimeout));
}

/// Receives from the server side of `conn` until `want`, bounded.
fn received(conn: &Conn, want: &str) {
    until_match(&conn.received, |t| t == want, want);
}

#[test]
fn a_frame_the_server_sends_as_the_client_closes_a_replaced_link_is_delivered_and_answered_on_the_new_one(
) {
    let server = Server::start(false);
    let engine = engine(&server, 1);
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let old = server.next();
    old.send("hello");
    until(&items, "ready 1");
    old.send("late:ack-me late");
    old.send("refresh");
    let new = server.next();
    new.send("hello");
    until(&items, "ready 2");
    // The old link's server answers the close only after one more frame: read, not lost.
    until(&items, "1:ack-me late");
    received(&new, "ack:ack-me late");
    old.wait_closed();
    eventually("one link left", || engine.links.len() == 1);
    session.stop_and_join(None);
}

#[test]
fn what_a_batch_queued_is_written_before_the_reader_waits_for_a_slow_consumer() {
    let server = Server::start(true);
    let mut engine = engine(&server, 1);
    let mut settings = (*engine.settings).clone();
    settings.slow_consumer = SlowConsumerPolicy::Backpressure;
    engine.settings = Arc::new(settings);
    engine.backlog = Arc::new(Backlog::new(10).unwrap());
    let (tx, items) = crossbeam_channel::unbounded();
    let session = engine.spawn(tx).unwrap();
    let conn = server.next();
    conn.send("burst:20");
    // Nobody consumes: the reader stops at the bound and waits for room.
    eventually("the reader waits for room", || {
        engine.backlog.reader_waiting.load(Ordering::SeqCst)
    });
    // (Taking items straight from the channel does not wake it.)
    let delivered: Vec<String> = items
        .try_iter()
        .filter_map(|i| i.strip_prefix("1:").map(str::to_owned))
        .filter(|t| t.starts_with("ack-me"))
        .collect();
    assert!(
        !delivered.is_empty() && delivered.len() < 20,
        "{delivered:?}"
    );
    for text in &delivered {
        received(&conn, &format!("ack:{text}"));
    }
    session.stop_and_join(None);
}
