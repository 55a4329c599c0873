//! Speed and footprint of the client, each beside a raw tungstenite + serde loop measured in
//! the same run against the same local server (the embedded fake Slack, whose `blast`
//! pre-encodes one frame and writes it N times).
//!
//! ```text
//! cargo bench --bench throughput                 # all figures
//! BENCH_EVENTS=500000 cargo bench --bench throughput
//! ```
//!
//! Prints: events/s delivered to the caller's loop (and with a full JSON parse per event),
//! send_message round-trip p50/p99, and — in a child process holding only an idle client —
//! its RSS and how often its threads woke up between keepalive pings.

#[path = "common/proc_status.rs"]
mod proc_status;

use proc_status::{status_field, thread_wakeups};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use slack_rtm::fake::FakeSlack;
use slack_rtm::{Event, RtmClient, SlowConsumerPolicy};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--idle-child") {
        idle_child(&args[i + 1], &args[i + 2]);
        return;
    }
    let n: usize = std::env::var("BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let rtt_n: usize = std::env::var("BENCH_RTT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let event = message_event();
    println!(
        "slack-rtm bench: {n} events of {} bytes, {rtt_n} round trips",
        event.len()
    );

    let fake = FakeSlack::builder()
        .echo_own_messages(false)
        // Round trips faster than Slack's RTM rate limit on purpose: the fake's is off.
        .rtm_rate_limit(None)
        .start()
        .expect("fake Slack");
    fake.add_channel("C1", "bench"); // the round trips post there; Slack wants a known id

    // Alternate raw and client runs so that both see the same machine state.
    let mut raw_eps = Vec::new();
    let mut client_eps = Vec::new();
    let mut client_parse_eps = Vec::new();
    let mut client_typed_eps = Vec::new();
    for _ in 0..3 {
        raw_eps.push(raw_events(&fake, &event, n));
        client_eps.push(client_events(&fake, &event, n, Consume::Peek));
        client_parse_eps.push(client_events(&fake, &event, n, Consume::Json));
        client_typed_eps.push(client_events(&fake, &event, n, Consume::Typed));
    }
    let best = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    let (raw, cl, clp) = (best(&raw_eps), best(&client_eps), best(&client_parse_eps));
    let clt = best(&client_typed_eps);
    println!("events/s (best of 3)");
    println!(
        "  raw tungstenite + serde_json::Value per frame : {:>10.0}",
        raw
    );
    println!(
        "  slack-rtm, events() loop (type peeked)        : {:>10.0}  ({:.2}x raw)",
        cl,
        cl / raw
    );
    println!(
        "  slack-rtm, events() loop + ev.json() per event: {:>10.0}  ({:.2}x raw)",
        clp,
        clp / raw
    );
    println!(
        "  slack-rtm, events() loop + ev.typed() per event: {:>9.0}  ({:.2}x raw)",
        clt,
        clt / raw
    );

    let raw_rtt = raw_round_trips(&fake, rtt_n);
    let client_rtt = client_round_trips(&fake, rtt_n);
    println!("send_message round trip (microseconds)");
    println!(
        "  raw tungstenite + serde : p50 {:>7.1}  p99 {:>7.1}",
        pct(&raw_rtt, 0.50),
        pct(&raw_rtt, 0.99)
    );
    println!(
        "  slack-rtm send_message  : p50 {:>7.1}  p99 {:>7.1}  (p50 {:.2}x raw)",
        pct(&client_rtt, 0.50),
        pct(&client_rtt, 0.99),
        pct(&client_rtt, 0.50) / pct(&raw_rtt, 0.50)
    );

    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["--idle-child", &fake.api_url(), fake.token()])
        .output()
        .expect("idle child runs");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
}

/// A ~250-byte message event, as Slack sends them.
fn message_event() -> String {
    json!({
        "type": "message",
        "channel": "C024BE91L",
        "user": "U2147483697",
        "text": "Live long and prosper: a message of a realistic length for a busy channel.",
        "ts": "1355517523.000005",
        "team": "T024BE7LD",
        "client_msg_id": "5c6b2ca1-0b5a-4c1e-9d17-6f0a6c7c0b51",
        "blocks_hint": "none"
    })
    .to_string()
}

fn raw_connect(fake: &FakeSlack) -> WebSocket<MaybeTlsStream<TcpStream>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let body: Value = serde_json::from_str(
        &agent
            .post(&format!("{}rtm.connect", fake.api_url()))
            .header("Authorization", &format!("Bearer {}", fake.token()))
            .send_empty()
            .expect("rtm.connect")
            .body_mut()
            .read_to_string()
            .expect("body"),
    )
    .expect("json");
    let url = body["url"].as_str().expect("url").to_string();
    let (mut ws, _) = tungstenite::connect(url).expect("ws connect");
    if let MaybeTlsStream::Plain(s) = ws.get_mut() {
        s.set_nodelay(true).expect("nodelay");
    }
    match ws.read().expect("hello") {
        Message::Text(t) => assert!(t.contains("hello")),
        other => panic!("{other:?}"),
    }
    ws
}

fn raw_events(fake: &FakeSlack, event: &str, n: usize) -> f64 {
    let mut ws = raw_connect(fake);
    let start = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| fake.blast(event, n));
        let mut got = 0;
        while got < n {
            if let Message::Text(t) = ws.read().expect("read") {
                let v: Value = serde_json::from_str(&t).expect("json");
                if v.get("type").is_some() {
                    got += 1;
                }
            }
        }
    });
    let eps = n as f64 / start.elapsed().as_secs_f64();
    let _ = ws.close(None);
    eps
}

/// What the consumer does with each event.
#[derive(Clone, Copy)]
enum Consume {
    /// Nothing beyond the type the reader peeked.
    Peek,
    /// A full parse into `serde_json::Value`.
    Json,
    /// A typed parse.
    Typed,
}

fn client_events(fake: &FakeSlack, event: &str, n: usize, consume: Consume) -> f64 {
    // Backpressure: every event is delivered (the default policy would drop what a
    // consumer slower than the reader cannot keep up with, and count it).
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy()
        .slow_consumer(SlowConsumerPolicy::Backpressure)
        .build()
        .expect("client");
    let events = client.events();
    client.start().expect("start");
    let start = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| fake.blast(event, n));
        let mut got = 0;
        while got < n {
            match events.recv() {
                Some(Event::Slack(e)) if e.kind() == "message" => {
                    match consume {
                        Consume::Peek => {}
                        Consume::Json => {
                            let v = e.json().expect("json");
                            assert!(v.get("text").is_some());
                        }
                        Consume::Typed => {
                            let typed = e.typed();
                            assert!(matches!(typed, slack_rtm::typed::TypedEvent::Message(_)));
                        }
                    }
                    got += 1;
                }
                Some(Event::EventsDropped(d)) => panic!("{d} events dropped"),
                Some(_) => {}
                None => panic!("stream ended"),
            }
        }
    });
    let eps = n as f64 / start.elapsed().as_secs_f64();
    client.disconnect();
    eps
}

fn raw_round_trips(fake: &FakeSlack, n: usize) -> Vec<f64> {
    let mut ws = raw_connect(fake);
    let mut times = Vec::with_capacity(n);
    for id in 1..=n as u64 {
        let frame = json!({"id": id, "type": "message", "channel": "C1", "text": "round trip"});
        let t = Instant::now();
        ws.send(Message::text(frame.to_string())).expect("send");
        loop {
            if let Message::Text(text) = ws.read().expect("read") {
                let v: Value = serde_json::from_str(&text).expect("json");
                if v["reply_to"].as_u64() == Some(id) && v.get("ok").is_some() {
                    break;
                }
            }
        }
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let _ = ws.close(None);
    times
}

fn client_round_trips(fake: &FakeSlack, n: usize) -> Vec<f64> {
    // The outgoing rate limit (1/s by default) is off: this measures the client's latency.
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy()
        .rate_limit(None)
        .build()
        .expect("client");
    client.start().expect("start");
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        client.send_message("C1", "round trip").expect("ack");
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    client.disconnect();
    times
}

fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s[((s.len() as f64 - 1.0) * p).round() as usize]
}

/// In a process of its own: connect, stay idle, report RSS and wake-ups of the client's
/// threads in a window between keepalive pings and across the next ping.
fn idle_child(api_url: &str, token: &str) {
    let client = RtmClient::builder(token)
        .slack_api_url(api_url)
        .no_proxy()
        .build()
        .expect("client");
    let events = client.events();
    client.start().expect("start");
    let ready = Instant::now();
    while events.try_recv().is_ok() {}
    let ping = client.config().client_ping_timeout;
    std::thread::sleep(Duration::from_secs(1));
    let rss = status_field("/proc/self/status", "VmRSS:");
    let before = thread_wakeups("slack-rtm");
    // A window that ends before the first ping is due.
    let window = ping - Duration::from_secs(2);
    std::thread::sleep(window);
    let after_quiet = thread_wakeups("slack-rtm");
    // Across two ping intervals.
    std::thread::sleep(ping * 2);
    let after_pings = thread_wakeups("slack-rtm");
    println!("idle connected client (separate process, ws://, default settings)");
    println!("  VmRSS after connecting: {} kB", rss.unwrap_or(0));
    for (name, b) in &before {
        let q = after_quiet
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, v)| *v);
        let p = after_pings
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, v)| *v);
        println!(
            "  {name:<16} wake-ups in {:.0} s with no ping due: {}; over the next {:.0} s ({} ping intervals): {}",
            window.as_secs_f64(),
            q - b,
            (ping * 2).as_secs_f64(),
            2,
            p - q
        );
    }
    println!(
        "  (ready for {:.1} s in total)",
        ready.elapsed().as_secs_f64()
    );
    client.disconnect();
}
