//! How long `start()` and `disconnect()` take against hostile servers on 127.0.0.1: a
//! TLS handshake that trickles one byte every 100 ms, a websocket upgrade answer that
//! trickles, a Web API answer that trickles, and a server that accepts and never answers.
//!
//! For each, two runs:
//! - `start()` with `connect_timeout` = `http_timeout` = 1 s and retries off: the promise
//!   is that it ends within that deadline (the dial or the call is bounded in total, not
//!   per read);
//! - `disconnect()` while `start()` is blocked on another thread, with every timeout at
//!   60 s: the promise is that it returns within 1 s (it wakes the blocked step).
//!
//! Run: `cargo run --release --example shutdown_times` (about 10 s; exits 0, and prints
//! `BROKEN` next to any figure over 4x its promise).

#[path = "../tests/common/hostile.rs"]
mod hostile;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use hostile::{Hostile, Misbehaviour};
use slack_rtm::RtmClient;

const PROMISE: Duration = Duration::from_secs(1);

fn client(api_url: &str, timeout: Duration) -> RtmClient {
    RtmClient::builder("xoxb-shutdown-times")
        .slack_api_url(api_url)
        .no_proxy()
        .auto_reconnect(false)
        .connect_timeout(timeout)
        .http_timeout(timeout)
        .start_timeout(timeout * 2)
        .build()
        .expect("a valid config")
}

/// One hostile scenario: its name, the misbehaviour, and the websocket scheme of the URL
/// an honest Web API hands out to lead the client there (`None`: the Web API itself
/// misbehaves).
type Scenario = (&'static str, fn() -> Misbehaviour, Option<&'static str>);

fn silent() -> Misbehaviour {
    Misbehaviour::Silent
}

const SCENARIOS: &[Scenario] = &[
    (
        "trickling TLS handshake",
        Misbehaviour::trickling_tls,
        Some("wss"),
    ),
    (
        "trickling upgrade",
        Misbehaviour::trickling_upgrade,
        Some("ws"),
    ),
    ("trickling HTTP answer", Misbehaviour::trickling_http, None),
    ("silent accept", silent, None),
];

/// The misbehaving server and the Web API URL that leads to it (the API server, if any,
/// is kept alive in the second slot).
fn servers(scenario: &Scenario) -> (Hostile, Option<Hostile>, String) {
    let misbehaving = Hostile::start((scenario.1)());
    let api = scenario
        .2
        .map(|scheme| Hostile::start(Misbehaviour::rtm_connect(&misbehaving.ws_url(scheme))));
    let url = api.as_ref().unwrap_or(&misbehaving).api_url();
    (misbehaving, api, url)
}

fn verdict(took: Duration, promise: Duration) -> &'static str {
    if took < promise * 4 {
        ""
    } else {
        "  BROKEN"
    }
}

fn main() {
    println!(
        "{:<26} {:>22} {:>26}",
        "hostile server", "start() (1 s deadline)", "disconnect() (promise 1 s)"
    );
    for scenario in SCENARIOS {
        // start() against the deadline.
        let (_misbehaving, _api, url) = servers(scenario);
        let c = client(&url, PROMISE);
        let began = Instant::now();
        let outcome = c.start();
        let start_took = began.elapsed();
        let start_err = outcome.err().map(|e| e.to_string()).unwrap_or_default();

        // disconnect() while start() is blocked, every timeout long.
        let (misbehaving, _api, url) = servers(scenario);
        let c = client(&url, Duration::from_secs(60));
        let starter = c.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(starter.start().is_err());
        });
        let engaged = misbehaving.wait_engaged(Duration::from_secs(10));
        let began = Instant::now();
        c.disconnect();
        let disconnect_took = began.elapsed();
        let ended = rx.recv_timeout(Duration::from_secs(10)).unwrap_or(false);

        println!(
            "{:<26} {:>14.0} ms{:<6} {:>18.1} ms{}{}",
            scenario.0,
            start_took.as_secs_f64() * 1e3,
            verdict(start_took, PROMISE),
            disconnect_took.as_secs_f64() * 1e3,
            verdict(disconnect_took, PROMISE),
            if engaged && ended {
                ""
            } else {
                "  (the client never reached the server, or start() did not end)"
            },
        );
        println!("{:<26} start(): {start_err}", "");
    }
}
