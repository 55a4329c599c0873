//! How fast the client recovers, with DEFAULT settings, against the embedded fake Slack on
//! loopback: an abrupt TCP drop, a half-open link, `goodbye`, an expired URL, and an outage
//! of refused upgrades (how many attempts in its first 10 s).
//!
//! ```text
//! cargo run --release --example recovery_times            # all (~30 s: the half-open case
//!                                                          #   waits out the keepalive)
//! cargo run --release --example recovery_times -- --quick  # skips the slow cases
//! ```
//!
//! These are measurements, not tests: the test suite checks the behaviour with shortened
//! timeouts; this prints what a bot with the defaults would see.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use slack_rtm::fake::FakeSlack;
use slack_rtm::{Event, Events, RtmClient};

fn main() -> ExitCode {
    let quick = std::env::args().any(|a| a == "--quick");
    match run(quick) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("recovery_times failed: {e}");
            ExitCode::FAILURE
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Waits for a `Ready` that follows a `Reconnecting`, returning when it came.
fn ready_again(events: &Events, limit: Duration) -> Res<Instant> {
    let deadline = Instant::now() + limit;
    let mut reconnecting = false;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Event::Reconnecting) => reconnecting = true,
            Ok(Event::Ready) if reconnecting => return Ok(Instant::now()),
            Ok(_) => {}
            Err(e) => return Err(format!("no recovery within {limit:?}: {e}").into()),
        }
    }
}

fn connected(fake: &FakeSlack) -> Res<(RtmClient, Events)> {
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .build()?;
    let events = client.events();
    client.start()?;
    Ok((client, events))
}

fn report(what: &str, took: Duration, target: Duration) -> bool {
    let ok = took <= target;
    println!(
        "  {what:<34} {:>8.1} ms   (target <= {:.0} s) {}",
        took.as_secs_f64() * 1e3,
        target.as_secs_f64(),
        if ok { "ok" } else { "MISSED" }
    );
    ok
}

fn run(quick: bool) -> Res<()> {
    println!("recovery with default settings, loopback fake Slack");
    let mut all_ok = true;

    let fake = FakeSlack::start()?;
    let (_client, events) = connected(&fake)?;
    let t = Instant::now();
    fake.drop_connections();
    all_ok &= report(
        "abrupt TCP drop -> ready",
        ready_again(&events, Duration::from_secs(30))? - t,
        Duration::from_secs(1),
    );

    let t = Instant::now();
    fake.send_goodbye();
    all_ok &= report(
        "goodbye -> ready (new hello)",
        ready_again(&events, Duration::from_secs(30))? - t,
        Duration::from_secs(2),
    );

    let fake2 = FakeSlack::start()?;
    fake2.expire_next_urls(1);
    let t = Instant::now();
    let (_c2, _e2) = connected(&fake2)?;
    all_ok &= report("expired URL -> ready", t.elapsed(), Duration::from_secs(5));

    if !quick {
        let t = Instant::now();
        fake.go_silent();
        all_ok &= report(
            "half-open link -> ready",
            ready_again(&events, Duration::from_secs(60))? - t,
            Duration::from_secs(15),
        );

        let fake3 = FakeSlack::start()?;
        let (_c3, events3) = connected(&fake3)?;
        let calls_before = fake3.connect_calls();
        fake3.fail_upgrades(usize::MAX / 2, 503);
        fake3.drop_connections();
        let window = Duration::from_secs(10);
        let start = Instant::now();
        while start.elapsed() < window {
            let _ = events3.recv_timeout(window.saturating_sub(start.elapsed()));
        }
        let attempts = fake3.connect_calls() - calls_before;
        let ok = attempts <= 5;
        all_ok &= ok;
        println!(
            "  {:<34} {attempts:>8} attempts (target <= 5) {}",
            "refused upgrades, first 10 s",
            if ok { "ok" } else { "MISSED" }
        );
    }
    if all_ok {
        Ok(())
    } else {
        Err("a recovery target was missed".into())
    }
}
