//! A watchdog that resets a connection it distrusts with [`RtmClient::reconnect`].
//!
//! The client finds a dead link by itself: after `client_ping_timeout` of silence it
//! pings, and without a pong within `server_pong_timeout` it reconnects. A watchdog adds
//! a rule of your own on top, from [`RtmClient::stats`]; here: "the client says it is
//! ready, yet no event has arrived for `max_quiet`", which in a busy workspace means the
//! link is stuck. `reconnect()` drops the connection and connects again at once, keeping
//! handlers, the event stream and queued sends; it does not wait: [`Event::Ready`] tells
//! when the new connection is up. The watchdog waits on a channel between checks (its
//! stop signal), so it costs nothing in between.
//!
//! Without `SLACK_BOT_TOKEN` it runs offline against the crate's embedded fake Slack: a
//! busy channel sends an event every 100 ms, then the fake makes the link go silent
//! (half-open: TCP stays up, nothing flows). The watchdog notices after one quiet second
//! and reconnects, long before the ping would have; the scenario checks that events flow
//! again on a second session and exits 0. With the token it watches a real connection
//! (reconnecting after 10 quiet minutes; pick what suits your workspace) and prints state
//! changes until Ctrl-C.
//!
//! ```text
//! cargo run --example force_reconnect
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example force_reconnect
//! ```

use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError as StopSignal};
use std::time::{Duration, Instant};

use serde_json::json;
use slack_rtm::fake::FakeSlack;
use slack_rtm::{Event, Events, RecvTimeoutError, RtmClient, State, Stats};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => watch_in_slack(token.trim()),
        _ => offline_scenario(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("force_reconnect failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// When the watchdog steps in.
struct Watchdog {
    /// How long a ready connection may go without a single event.
    max_quiet: Duration,
    /// How often to look at the stats.
    check_every: Duration,
}

impl Watchdog {
    /// Why the connection looks unhealthy, if it does.
    fn diagnose(&self, stats: &Stats, quiet_for: Duration) -> Option<String> {
        if stats.state != State::Ready {
            return None; // connecting or reconnecting: the client is already on it
        }
        (quiet_for >= self.max_quiet).then(|| {
            format!(
                "ready, but no event for {} ms ({} received in all)",
                quiet_for.as_millis(),
                stats.events_received
            )
        })
    }

    /// Checks `client` every `check_every` until `stop` fires (or its sender is dropped).
    fn run(&self, client: &RtmClient, stop: Receiver<()>) {
        let mut seen = client.stats().events_received;
        let mut last_event = Instant::now();
        while let Err(StopSignal::Timeout) = stop.recv_timeout(self.check_every) {
            let stats = client.stats();
            if stats.events_received != seen {
                seen = stats.events_received;
                last_event = Instant::now();
                continue;
            }
            let Some(reason) = self.diagnose(&stats, last_event.elapsed()) else {
                continue;
            };
            println!("  watchdog  {reason}: reconnecting");
            match client.reconnect() {
                Ok(()) => last_event = Instant::now(), // give the new connection its time
                Err(e) => {
                    eprintln!("  watchdog  cannot reconnect ({e}): stopping");
                    return;
                }
            }
        }
    }
}

/// The real thing: watches a connection to Slack until Ctrl-C.
fn watch_in_slack(token: &str) -> Result<()> {
    let client = RtmClient::builder(token).build()?;
    let events = client.events();
    let me = client.start()?;
    println!(
        "connected as {} in {} (Ctrl-C to stop)",
        me.self_name, me.team_name
    );
    let watchdog = Watchdog {
        max_quiet: Duration::from_secs(600),
        check_every: Duration::from_secs(30),
    };
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(|| watchdog.run(&client, stopped));
        for event in &events {
            match &event {
                Event::Slack(_) => {}
                other => println!("  state     {}", other.name()),
            }
        }
        drop(stop); // the session is over: stop the watchdog
    });
    Ok(())
}

/// Bound on every wait of the offline scenario.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

fn offline_scenario() -> Result<()> {
    println!("SLACK_BOT_TOKEN is not set: running against the embedded fake Slack on 127.0.0.1");
    let fake = FakeSlack::start()?;
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy() // the fake is on loopback: no proxy from the environment
        .build()?;
    let events = client.events();
    client.start()?;
    let keepalive_bound = client.config().client_ping_timeout + client.config().server_pong_timeout;
    let watchdog = Watchdog {
        max_quiet: Duration::from_secs(1),
        check_every: Duration::from_millis(250),
    };

    let (stop, stopped) = mpsc::channel::<()>();
    let (stop_ticks, ticks_stopped) = mpsc::channel::<()>();
    let outcome = std::thread::scope(|s| {
        s.spawn(|| watchdog.run(&client, stopped));
        s.spawn(|| busy_channel(&fake, ticks_stopped));
        let outcome = play(&fake, &events, keepalive_bound);
        drop((stop, stop_ticks));
        outcome
    });
    let elapsed = outcome?;
    let stats = client.stats();
    client.disconnect();
    if stats.reconnects != 1 || fake.sessions_opened() != 2 {
        return Err(format!(
            "expected one reconnect (two sessions), got {} ({} sessions)",
            stats.reconnects,
            fake.sessions_opened()
        )
        .into());
    }
    println!(
        "done: the watchdog restored the flow {} ms after the link went silent \
         (the keepalive alone would have taken up to {} s)",
        elapsed.as_millis(),
        keepalive_bound.as_secs()
    );
    Ok(())
}

/// A busy channel: someone is typing every 100 ms, until `stop` fires.
fn busy_channel(fake: &FakeSlack, stop: Receiver<()>) {
    let typing = json!({"type": "user_typing", "channel": "C0BUSY", "user": "U0ALICE"});
    while let Err(StopSignal::Timeout) = stop.recv_timeout(Duration::from_millis(100)) {
        fake.push(typing.clone());
    }
}

/// Events flow, the link goes silent, the watchdog reconnects, events flow again; returns
/// how long the silence lasted.
fn play(fake: &FakeSlack, events: &Events, keepalive_bound: Duration) -> Result<Duration> {
    wait_for(events, "5 events", 5, |e| matches!(e, Event::Slack(_)))?;
    println!("  scenario  events are flowing; now the link goes silent (half-open)");
    fake.go_silent();
    let silent_at = Instant::now();
    wait_for(events, "the reconnect", 1, |e| {
        matches!(e, Event::Reconnecting)
    })?;
    wait_for(events, "the new connection", 1, |e| {
        matches!(e, Event::Ready)
    })?;
    wait_for(events, "5 events on the new connection", 5, |e| {
        matches!(e, Event::Slack(_))
    })?;
    let elapsed = silent_at.elapsed();
    println!("  scenario  events flow again");
    if elapsed >= keepalive_bound {
        return Err(
            format!("the flow came back only after {elapsed:?}: the watchdog did not act").into(),
        );
    }
    Ok(elapsed)
}

/// Receives (bounded) until `n` events matched `pred`, printing lifecycle events.
fn wait_for(events: &Events, what: &str, n: usize, pred: impl Fn(&Event) -> bool) -> Result<()> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    let mut matched = 0;
    while matched < n {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = match events.recv_timeout(left) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!("no {what} within {STEP_TIMEOUT:?}").into())
            }
            Err(RecvTimeoutError::Ended) => {
                return Err(format!("the session ended before {what}").into())
            }
        };
        if !matches!(event, Event::Slack(_)) {
            println!("  state     {}", event.name());
        }
        if pred(&event) {
            matched += 1;
        }
    }
    Ok(())
}
