//! Figures under hostile servers on loopback (issue 8): resident memory under a flood of
//! malformed or binary frames and with nobody reading while the link flaps, and how many
//! `rtm.connect` calls a server that closes right after `hello`, or answers with
//! `goodbye` at once, gets per 10 s and in 30 s.
//!
//! ```text
//! cargo run --release --example hostile_figures     # ~35 s, exits 0 when the bounds hold
//! ```
//!
//! The servers run in this process (their threads and buffers are in the RSS figures; they
//! hold a few hundred KB). Reconnect counts come from the servers' own records.

#[path = "../tests/common/hostile_rtm.rs"]
mod hostile_rtm;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use hostile_rtm::{Behaviour, HostileRtm};
use slack_rtm::RtmClient;

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn client(server: &HostileRtm) -> RtmClient {
    RtmClient::builder("xoxb-hostile")
        .slack_api_url(server.api_url())
        .no_proxy()
        .build()
        .expect("valid config")
}

/// Nobody reads for `run`; returns (RSS before, RSS after, frames counted as malformed).
fn flood(behaviour: Behaviour, run: Duration) -> (u64, u64, u64, usize) {
    let server = HostileRtm::start(behaviour);
    let before = rss_kb();
    let client = client(&server);
    let _events = client.events();
    client.start().expect("start");
    std::thread::sleep(run);
    let stats = client.stats();
    let after = rss_kb();
    client.disconnect();
    (before, after, stats.malformed_frames, stats.events_waiting)
}

/// The most `rtm.connect` calls in any window of `len`.
fn busiest(times: &[Instant], len: Duration) -> usize {
    times
        .iter()
        .map(|&a| times.iter().filter(|&&b| b >= a && b < a + len).count())
        .max()
        .unwrap_or(0)
}

fn main() -> ExitCode {
    let mut ok = true;
    // The reconnect storms run in the background for 30 s while the floods are measured.
    let storms: Vec<_> = [
        ("closes right after hello", Behaviour::CloseAfterHello),
        ("goodbye at once", Behaviour::Goodbye),
    ]
    .into_iter()
    .map(|(name, behaviour)| {
        std::thread::spawn(move || {
            let server = HostileRtm::start(behaviour);
            let client = client(&server);
            let _events = client.events();
            let _ = client.start();
            std::thread::sleep(Duration::from_secs(30));
            client.disconnect();
            (name, server.connect_times())
        })
    })
    .collect();

    println!(
        "{:<44} {:>10} {:>10} {:>12} {:>8}",
        "nobody reading, for 3 s", "RSS before", "RSS after", "bad frames", "queued"
    );
    for (name, behaviour) in [
        ("flood of malformed frames", Behaviour::FloodMalformed),
        ("flood of binary frames", Behaviour::FloodBinary),
    ] {
        let (before, after, bad, queued) = flood(behaviour, Duration::from_secs(3));
        println!("{name:<44} {before:>7} kB {after:>7} kB {bad:>12} {queued:>8}");
        ok &= after < before + 16 * 1024;
    }
    {
        // Each connection delivers 200 events, then closes: nobody reads for 12 s.
        let server = HostileRtm::start(Behaviour::EventsThenClose { events: 200 });
        let before = rss_kb();
        let client = client(&server);
        let _events = client.events();
        client.start().expect("start");
        std::thread::sleep(Duration::from_secs(12));
        let stats = client.stats();
        let after = rss_kb();
        println!(
            "{:<44} {before:>7} kB {after:>7} kB {:>12} {:>8}   ({} connections, {} events dropped)",
            "link flapping (200 events per connection)",
            "-",
            stats.events_waiting,
            server.connect_times().len(),
            stats.events_dropped
        );
        ok &= stats.events_waiting <= 10_000 + 17;
        client.disconnect();
    }

    println!();
    println!(
        "{:<30} {:>14} {:>16} {:>10}",
        "server", "first 10 s", "busiest 10 s", "in 30 s"
    );
    for storm in storms {
        let (name, times) = storm.join().expect("storm thread");
        let first = times
            .first()
            .map(|&t0| {
                times
                    .iter()
                    .filter(|&&t| t < t0 + Duration::from_secs(10))
                    .count()
            })
            .unwrap_or(0);
        let busiest10 = busiest(&times, Duration::from_secs(10));
        println!("{name:<30} {first:>14} {busiest10:>16} {:>10}", times.len());
        ok &= busiest10 <= 5 && busiest(&times, Duration::from_secs(60)) <= 10;
    }
    println!();
    println!("bounds: RSS within 16 MB of the start under floods; <= 5 attempts in any 10 s, <= 10 in any minute");
    if ok {
        println!("all bounds hold");
        ExitCode::SUCCESS
    } else {
        println!("A BOUND WAS BROKEN");
        ExitCode::FAILURE
    }
}
