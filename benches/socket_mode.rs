//! Socket Mode speed, refresh behaviour and idle footprint, each beside a raw tungstenite +
//! serde loop that acks, measured in the same run against the same local server (the fake
//! Slack's Socket Mode side; its blast pre-encodes ~880-byte `events_api` envelopes, each
//! with its own ids, and reads the acks while it writes).
//!
//! ```text
//! cargo bench --bench socket_mode
//! BENCH_ENVELOPES=500000 cargo bench --bench socket_mode
//! ```
//!
//! Prints: envelopes/s delivered to the caller's loop and acked (client vs raw loop, and a
//! raw loop that batches its acks per drained read as the client does), the
//! ack round trip p50/p99 one envelope at a time, the longest gap between consecutive
//! acks of a steady stream across a `refresh_requested` and a `warning`, envelopes lost or
//! delivered twice, and — in a child process holding only an idle client — its RSS and
//! how often its threads woke up.

#[path = "common/proc_status.rs"]
mod proc_status;

use proc_status::{status_field, thread_wakeups};
use std::collections::HashMap;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Value};
use slack_rtm::fake::socket_mode::BlastReport;
use slack_rtm::fake::FakeSlack;
use slack_rtm::socket_mode::{AckPolicy, SocketEvent, SocketModeClient};
use slack_rtm::SlowConsumerPolicy;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--idle-child") {
        idle_child(&args[i + 1], &args[i + 2]);
        return;
    }
    let n: usize = env_or("BENCH_ENVELOPES", 200_000);
    let rtt_n: usize = env_or("BENCH_RTT", 2_000);
    println!("slack-rtm Socket Mode bench: {n} envelopes (~880 bytes), {rtt_n} round trips");
    let slack = FakeSlack::start().expect("fake Slack");
    slack.socket_mode().set_ping_interval(None);

    // BENCH_ONLY=auto (or raw, raw_batched, manual, rtt, refresh, idle, comma-separated)
    // runs a part.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p == part);
    let runs = env_or("BENCH_RUNS", 3);
    let mut raw = Vec::new();
    let mut raw_batched = Vec::new();
    let mut auto = Vec::new();
    let mut manual = Vec::new();
    for _ in 0..runs {
        if run("raw") {
            raw.push(raw_throughput(&slack, n));
        }
        if run("raw_batched") {
            raw_batched.push(raw_batched_throughput(&slack, n));
        }
        if run("auto") {
            auto.push(client_throughput(&slack, n, AckPolicy::Auto));
        }
        if run("manual") {
            manual.push(client_throughput(&slack, n, AckPolicy::Manual));
        }
    }
    let fmt = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{:.0}", x))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let sections = [
        ("raw tungstenite+serde loop     ", &raw, false),
        // What the client does too: the acks of one drained read go out in one write.
        ("raw loop, acks batched per read", &raw_batched, true),
        ("client, AckPolicy::Auto        ", &auto, true),
        ("client, app acks each (Manual) ", &manual, true),
    ];
    if sections.iter().any(|(_, v, _)| !v.is_empty()) {
        println!(
            "throughput (envelopes/s delivered and acked; {runs} run(s), ratio of the best runs):"
        );
    }
    for (name, figures, compared) in sections {
        if figures.is_empty() {
            continue;
        }
        let ratio = if compared {
            format!("  ({})", ratio_to_raw(figures, &raw))
        } else {
            String::new()
        };
        println!("  {name} {}{ratio}", fmt(figures));
    }

    if run("rtt") {
        let (p50, p99) = client_round_trip(&slack, rtt_n);
        let (r50, r99) = raw_round_trip(&slack, rtt_n);
        println!("ack round trip, one envelope at a time (fake hands it out -> ack read back):");
        println!("  client p50 {p50:?} p99 {p99:?}; raw p50 {r50:?} p99 {r99:?}");
    }
    if run("refresh") {
        for reason in ["refresh_requested", "warning"] {
            refresh_gap(&slack, reason);
        }
    }
    if run("idle") {
        idle_footprint(&slack);
    }
}

/// How a section's best run compares with the raw loop's best: `0.95x raw`, or why there
/// is no ratio (the raw section was skipped with `BENCH_ONLY`, or measured nothing).
fn ratio_to_raw(figures: &[f64], raw: &[f64]) -> String {
    let best = |v: &[f64]| {
        v.iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max)
    };
    if raw.is_empty() {
        return "no ratio: the raw loop was not run (see BENCH_ONLY)".to_owned();
    }
    match best(raw) {
        r if r > 0.0 => format!("{:.2}x raw", best(figures) / r),
        _ => "no ratio: the raw loop measured nothing".to_owned(),
    }
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn client(slack: &FakeSlack, policy: AckPolicy) -> SocketModeClient {
    SocketModeClient::builder(slack.socket_mode().app_token())
        .slack_api_url(slack.api_url())
        .no_proxy()
        .ack_policy(policy)
        .slow_consumer(SlowConsumerPolicy::Backpressure)
        .connect_budget(1000, Duration::from_millis(10))
        .build()
        .expect("client")
}

/// Delivered to the caller's loop and acked, through the public API.
fn client_throughput(slack: &FakeSlack, n: usize, policy: AckPolicy) -> f64 {
    let sm = slack.socket_mode();
    let client = client(slack, policy);
    let events = client.events();
    client.start().expect("start");
    assert!(sm.wait_for_open_sessions(1, Duration::from_secs(10)));
    let start = Instant::now();
    assert!(sm.blast_events(n), "a socket to blast");
    let mut got = 0;
    while got < n {
        match events.recv_timeout(Duration::from_secs(30)) {
            Ok(SocketEvent::Request(req)) => {
                got += 1;
                if policy == AckPolicy::Manual {
                    let _ = req.ack();
                }
            }
            Ok(_) => {}
            Err(e) => panic!("after {got} envelopes: {e}"),
        }
    }
    let report = sm.wait_for_blast(Duration::from_secs(30)).expect("report");
    let elapsed = start.elapsed();
    check(&report, "client");
    client.disconnect();
    assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    n as f64 / elapsed.as_secs_f64()
}

fn check(report: &BlastReport, who: &str) {
    if report.acked != report.n || report.duplicate_acks != 0 {
        println!(
            "  WARNING {who}: {} of {} acked, {} duplicate acks",
            report.acked, report.n, report.duplicate_acks
        );
    }
}

fn raw_connect(slack: &FakeSlack) -> WebSocket<MaybeTlsStream<TcpStream>> {
    let url = format!("{}apps.connections.open", slack.api_url());
    let mut resp = ureq::post(&url)
        .header(
            "Authorization",
            format!("Bearer {}", slack.socket_mode().app_token()),
        )
        .send_empty()
        .expect("apps.connections.open");
    let body: Value = serde_json::from_reader(resp.body_mut().as_reader()).expect("json");
    let (mut ws, _) = tungstenite::connect(body["url"].as_str().expect("url")).expect("dial");
    loop {
        if let Message::Text(t) = ws.read().expect("hello") {
            assert!(t.contains("hello"));
            return ws;
        }
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    envelope_id: Option<std::borrow::Cow<'a, str>>,
}

#[derive(serde::Serialize)]
struct Ack<'a> {
    envelope_id: &'a str,
}

/// The baseline: read, parse, ack, on one thread.
fn raw_throughput(slack: &FakeSlack, n: usize) -> f64 {
    let sm = slack.socket_mode();
    let mut ws = raw_connect(slack);
    let start = Instant::now();
    assert!(sm.blast_events(n));
    let mut got = 0;
    while got < n {
        if let Message::Text(t) = ws.read().expect("read") {
            let env: Envelope<'_> = serde_json::from_str(&t).expect("json");
            if let Some(id) = env.envelope_id {
                let ack = serde_json::to_string(&Ack { envelope_id: &id }).expect("ack");
                ws.send(Message::text(ack)).expect("ack");
                got += 1;
            }
        }
    }
    let report = sm.wait_for_blast(Duration::from_secs(30)).expect("report");
    let elapsed = start.elapsed();
    check(&report, "raw");
    let _ = ws.close(None);
    let _ = ws.flush();
    assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    n as f64 / elapsed.as_secs_f64()
}

/// The baseline with the client's write pattern: read until the socket is dry, acking
/// each envelope into tungstenite's buffer, then one flush for the lot, then wait.
fn raw_batched_throughput(slack: &FakeSlack, n: usize) -> f64 {
    use std::io::ErrorKind::WouldBlock;
    use std::os::fd::AsFd;
    let sm = slack.socket_mode();
    let mut ws = raw_connect(slack);
    let socket = match ws.get_ref() {
        MaybeTlsStream::Plain(s) => s.try_clone().expect("socket"),
        _ => unreachable!("ws:// only"),
    };
    socket.set_nonblocking(true).expect("non-blocking");
    let wait = |flags| {
        let mut fds = [rustix::event::PollFd::from_borrowed_fd(
            socket.as_fd(),
            flags,
        )];
        rustix::event::poll(&mut fds, None).expect("poll");
    };
    let flush = |ws: &mut WebSocket<MaybeTlsStream<TcpStream>>| loop {
        match ws.flush() {
            Ok(()) => return,
            Err(tungstenite::Error::Io(e)) if e.kind() == WouldBlock => {
                wait(rustix::event::PollFlags::OUT)
            }
            Err(e) => panic!("flush: {e}"),
        }
    };
    let start = Instant::now();
    assert!(sm.blast_events(n));
    let mut got = 0;
    while got < n {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let env: Envelope<'_> = serde_json::from_str(&t).expect("json");
                if let Some(id) = env.envelope_id {
                    let ack = serde_json::to_string(&Ack { envelope_id: &id }).expect("ack");
                    match ws.write(Message::text(ack)) {
                        Ok(()) => {}
                        Err(tungstenite::Error::Io(e)) if e.kind() == WouldBlock => {}
                        Err(e) => panic!("ack: {e}"),
                    }
                    got += 1;
                }
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == WouldBlock => {
                flush(&mut ws);
                wait(rustix::event::PollFlags::IN);
            }
            Err(e) => panic!("read: {e}"),
        }
    }
    flush(&mut ws);
    let report = sm.wait_for_blast(Duration::from_secs(30)).expect("report");
    let elapsed = start.elapsed();
    check(&report, "raw batched");
    let _ = ws.close(None);
    flush(&mut ws);
    assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    n as f64 / elapsed.as_secs_f64()
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    if v.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    (at(0.50), at(0.99))
}

fn client_round_trip(slack: &FakeSlack, n: usize) -> (Duration, Duration) {
    let sm = slack.socket_mode();
    let client = client(slack, AckPolicy::Auto);
    let events = client.events();
    client.start().expect("start");
    let consumer = std::thread::spawn(move || while events.recv().is_some() {});
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let id = sm.push_event(json!({"type": "message", "text": i}));
        let ack = sm.wait_for_ack(&id, Duration::from_secs(10)).expect("ack");
        lat.push(ack.latency);
    }
    client.disconnect();
    let _ = consumer.join();
    assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    percentiles(lat)
}

fn raw_round_trip(slack: &FakeSlack, n: usize) -> (Duration, Duration) {
    let sm = slack.socket_mode();
    let mut ws = raw_connect(slack);
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let id = sm.push_event(json!({"type": "message", "text": i}));
        loop {
            if let Message::Text(t) = ws.read().expect("read") {
                let env: Envelope<'_> = serde_json::from_str(&t).expect("json");
                if let Some(eid) = env.envelope_id {
                    let ack = serde_json::to_string(&Ack { envelope_id: &eid }).expect("ack");
                    ws.send(Message::text(ack)).expect("ack");
                    break;
                }
            }
        }
        lat.push(
            sm.wait_for_ack(&id, Duration::from_secs(10))
                .expect("ack")
                .latency,
        );
    }
    let _ = ws.close(None);
    let _ = ws.flush();
    assert!(sm.wait_for_open_sessions(0, Duration::from_secs(10)));
    percentiles(lat)
}

/// A steady stream (one envelope every `INTERVAL`) across a disconnect: the longest gap
/// between consecutive acks, envelopes never acked, and envelopes the app saw twice.
fn refresh_gap(slack: &FakeSlack, reason: &str) {
    const INTERVAL: Duration = Duration::from_millis(2);
    const COUNT: usize = 3000;
    let sm = slack.socket_mode();
    sm.set_disconnect_close_after(Duration::from_secs(if reason == "warning" {
        10
    } else {
        2
    }));
    let client = client(slack, AckPolicy::Auto);
    let events = client.events();
    client.start().expect("start");
    let consumer = std::thread::spawn(move || {
        let mut seen: HashMap<String, usize> = HashMap::new();
        while let Some(e) = events.recv() {
            if let SocketEvent::Request(r) = e {
                let key = r.event_id().unwrap_or(r.envelope_id()).to_owned();
                *seen.entry(key).or_default() += 1;
            }
        }
        seen
    });
    let acks_before = sm.acks().len();
    let opened_before = sm.sessions_opened();
    let mut ids = Vec::with_capacity(COUNT);
    let start = Instant::now();
    for i in 0..COUNT {
        if i == COUNT / 3 {
            sm.send_disconnect(reason);
        }
        ids.push(sm.push_event(json!({"type": "message", "text": i})));
        let next = start + INTERVAL * (i as u32 + 1);
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    // Slack's retries (3 s deadline) may still bring some in.
    let all = sm.wait_for_acks(acks_before + COUNT, Duration::from_secs(10));
    let acks: Vec<_> = sm.acks().into_iter().skip(acks_before).collect();
    let deliveries = sm.deliveries();
    let mut times: Vec<Instant> = acks
        .iter()
        .filter_map(|a| {
            deliveries
                .iter()
                .find(|d| d.envelope_id == a.envelope_id)
                .map(|d| d.delivered_at + a.latency)
        })
        .collect();
    times.sort();
    let gap = times
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    let event_of: HashMap<&str, &str> = deliveries
        .iter()
        .filter_map(|d| Some((d.envelope_id.as_str(), d.event_id.as_deref()?)))
        .collect();
    let acked_events: std::collections::HashSet<&str> = acks
        .iter()
        .filter_map(|a| event_of.get(a.envelope_id.as_str()).copied())
        .collect();
    let lost = ids
        .iter()
        .filter(|id| {
            event_of
                .get(id.as_str())
                .is_none_or(|e| !acked_events.contains(e))
        })
        .count();
    let retried = deliveries.iter().filter(|d| d.retry_attempt > 0).count();
    // From an envelope's first delivery to the first ack of its event (a retry's included).
    let first_delivery: HashMap<&str, Instant> = deliveries
        .iter()
        .filter(|d| d.retry_attempt == 0)
        .filter_map(|d| Some((d.event_id.as_deref()?, d.delivered_at)))
        .collect();
    let slowest = acks
        .iter()
        .filter_map(|a| {
            let d = deliveries.iter().find(|d| d.envelope_id == a.envelope_id)?;
            let first = first_delivery.get(d.event_id.as_deref()?)?;
            Some((d.delivered_at + a.latency).saturating_duration_since(*first))
        })
        .max()
        .unwrap_or_default();
    let sockets = sm.sessions_opened() - opened_before;
    client.disconnect();
    let seen = consumer.join().expect("consumer");
    let twice = seen.values().filter(|n| **n > 1).count();
    println!(
        "{reason} with a steady stream ({COUNT} envelopes, one every {INTERVAL:?}): longest gap between acks {gap:?}; \
         slowest envelope (first delivery to ack) {slowest:?}; lost {lost}; delivered twice to the app {twice}; needed Slack's retry {retried}; sockets opened {sockets}{}",
        if all { "" } else { " (not every envelope acked within 10 s)" }
    );
    assert!(sm.wait_for_open_sessions(0, Duration::from_secs(15)));
}

fn idle_footprint(slack: &FakeSlack) {
    let exe = std::env::current_exe().expect("exe");
    let out = Command::new(exe)
        .args([
            "--idle-child",
            &slack.api_url(),
            &slack.socket_mode().app_token(),
        ])
        .output()
        .expect("child");
    print!("{}", String::from_utf8_lossy(&out.stdout));
}

fn idle_child(api_url: &str, app_token: &str) {
    let client = SocketModeClient::builder(app_token)
        .slack_api_url(api_url)
        .no_proxy()
        .build()
        .expect("client");
    let events = client.events();
    client.start().expect("start");
    while events.try_recv().is_ok() {}
    std::thread::sleep(Duration::from_secs(1));
    let rss = status_field("/proc/self/status", "VmRSS:");
    let before = thread_wakeups("slack-sm");
    let window = Duration::from_secs(12);
    std::thread::sleep(window);
    let after = thread_wakeups("slack-sm");
    println!("idle connected Socket Mode client (separate process, ws://, default settings; the fake pings every 30 s)");
    println!("  VmRSS after connecting: {} kB", rss.unwrap_or(0));
    for (name, b) in &before {
        let a = after
            .iter()
            .find(|(n, _)| n == name)
            .map_or(*b, |(_, v)| *v);
        println!(
            "  {name:<16} wake-ups in {:.0} s idle: {}",
            window.as_secs_f64(),
            a.saturating_sub(*b)
        );
    }
    client.disconnect();
}
