//! The `rtm.connect` / `rtm.start` body a client keeps (in [`ConnectInfo`]) costs a small
//! multiple of its size whatever its shape, measured with a counting global allocator
//! against a hostile Web API that answers with bodies shaped to cost the most as a
//! `serde_json::Value` (long arrays of small numbers, deep nesting, many tiny fields).
//!
//! Its own test binary, with one test, so that no other test's allocations blur the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use slack_rtm::{ConnectInfo, Event, RtmClient};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on to `System` unchanged; the counter is only arithmetic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: the caller's contract for `layout` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: `ptr` came from `System` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::SeqCst);
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A Web API that answers every call with `body` (HTTP/1.1, one request per connection),
/// until the test ends. Returns its API URL.
fn hostile_api(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/api/", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Ok(reader) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(reader);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut form = vec![0; length];
            let _ = reader.read_exact(&mut form);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    url
}

/// The connect answer, with `junk` as one more top-level field: a websocket URL nobody
/// listens on, so the session ends after `Authenticated` (auto-reconnect off).
fn answer(junk: &str) -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port(); // dropped: nothing listens there
    format!(
        r#"{{"ok":true,"url":"ws://127.0.0.1:{port}/websocket","self":{{"id":"U1","name":"bot"}},"team":{{"id":"T1","name":"Team","domain":"team"}},"junk":{junk}}}"#
    )
}

/// Connects to a hostile API answering `body`; returns the [`ConnectInfo`] the client
/// delivered, with the client and its threads gone.
fn connect_info(body: String) -> Arc<ConnectInfo> {
    let api = hostile_api(body);
    let client = RtmClient::builder("xoxb-test")
        .slack_api_url(api)
        .no_proxy()
        .auto_reconnect(false)
        .http_timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .start_timeout(Duration::from_secs(20))
        .build()
        .expect("valid config");
    let events = client.events();
    let _ = client.start(); // the websocket cannot connect: an error, after Authenticated
    let info = events
        .iter()
        .find_map(|e| match e {
            Event::Authenticated(info) => Some(info),
            _ => None,
        })
        .expect("an Authenticated event");
    client.disconnect();
    drop(events);
    drop(client);
    info
}

/// Live heap freed by dropping the last handle on `info`: what the client kept.
fn kept_bytes(info: Arc<ConnectInfo>) -> isize {
    assert_eq!(Arc::strong_count(&info), 1, "nothing else holds the info");
    let before = LIVE.load(Ordering::SeqCst);
    drop(info);
    before - LIVE.load(Ordering::SeqCst)
}

/// What the same text costs held as a `serde_json::Value` (for the report).
fn as_value_bytes(body: &str) -> isize {
    let before = LIVE.load(Ordering::SeqCst);
    let value: serde_json::Value = serde_json::from_str(body).expect("JSON");
    let during = LIVE.load(Ordering::SeqCst);
    drop(value);
    during - before
}

#[test]
fn a_hostile_connect_body_costs_about_its_size_whatever_its_shape() {
    let n = 200_000;
    let shapes = [
        ("an array of zeros", format!("[{}0]", "0,".repeat(n))),
        (
            "deep nesting (100 levels, repeated)",
            format!(
                "[{}0]",
                format!("{}{},", "[".repeat(100), "]".repeat(100)).repeat(n / 200)
            ),
        ),
        (
            "many tiny fields",
            format!(
                "{{{}\"z\":0}}",
                (0..n / 8)
                    .map(|i| format!("\"{i:x}\":0,"))
                    .collect::<String>()
            ),
        ),
    ];
    for (shape, junk) in shapes {
        let body = answer(&junk);
        let as_value = as_value_bytes(&body);
        let info = connect_info(body.clone());
        assert_eq!(info.self_id, "U1");
        assert!(!info.raw().contains("ws://"), "the URL is not kept");
        let kept = kept_bytes(info);
        let ratio = kept as f64 / body.len() as f64;
        println!(
            "{shape}: body {} B, kept {kept} B ({ratio:.2}x); as a serde_json::Value {as_value} B ({:.1}x)",
            body.len(),
            as_value as f64 / body.len() as f64
        );
        assert!(
            kept >= (body.len() / 2) as isize,
            "{shape}: the count sees the kept text ({kept} B)"
        );
        assert!(
            ratio <= 2.0,
            "{shape}: {kept} B kept for a body of {} B",
            body.len()
        );
    }
}
