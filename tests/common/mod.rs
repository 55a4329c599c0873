//! Shared helpers for the integration tests: a fake Slack on loopback and a client tuned
//! with short timeouts through the public config.
#![allow(dead_code)]

pub mod certs;
pub mod logs;
pub mod socket_mode;

use std::time::{Duration, Instant};

use slack_rtm::fake::FakeSlack;
use slack_rtm::{Builder, Event, Events, RecvTimeoutError, RetryPolicy, RtmClient};

/// A generous bound for anything that should happen "soon" on loopback.
pub const SOON: Duration = Duration::from_secs(10);

pub fn fake() -> FakeSlack {
    fake_from(FakeSlack::builder())
}

/// As [`fake`], from a builder: for a test that needs the fake set up differently, such
/// as a test sending faster than Slack's rate limit on purpose
/// (`FakeSlack::builder().rtm_rate_limit(..)`).
pub fn fake_from(builder: slack_rtm::fake::FakeSlackBuilder) -> FakeSlack {
    let _ = env_logger_init();
    let fake = builder.start().expect("the fake Slack starts");
    add_test_channels(&fake);
    fake
}

/// The channels the tests post to: the fake refuses a conversation it does not know
/// (`channel_not_found`), as Slack does.
pub fn add_test_channels(fake: &FakeSlack) {
    for (id, name) in [
        ("C1", "one"),
        ("C2", "two"),
        ("C024BE91L", "docs"),
        ("C0SHARED", "shared"),
        ("C0X", "x"),
        ("C0BUSY", "busy"),
    ] {
        fake.add_channel(id, name);
    }
}

fn env_logger_init() -> Result<(), ()> {
    Ok(())
}

/// A client for `fake` with test-friendly timeouts.
pub fn builder(fake: &FakeSlack) -> Builder {
    RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        // Loopback: a proxy from the environment must not get in the way.
        .no_proxy()
        .reply_timeout(Duration::from_secs(5))
        .start_timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .hello_timeout(Duration::from_secs(5))
        .http_timeout(Duration::from_secs(5))
        // Many tests send bursts; the rate limit has tests of its own.
        .rate_limit(None)
}

/// Retries that wait milliseconds, not seconds: for tests that are not about the backoff.
pub fn quick_retry() -> RetryPolicy {
    RetryPolicy::default()
        .first_retry(Duration::from_millis(10))
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(200))
}

/// Started client plus its event stream (taken before start, so nothing is missed).
pub fn started(fake: &FakeSlack) -> (RtmClient, Events) {
    let client = builder(fake).build().expect("valid config");
    let events = client.events();
    client.start().expect("start");
    (client, events)
}

/// Receives until an event matches, failing the test after `SOON`.
pub fn wait_for(events: &Events, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Event {
    let deadline = Instant::now() + SOON;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(e) if pred(&e) => return e,
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
            Err(RecvTimeoutError::Ended) => panic!("event stream ended waiting for {what}"),
        }
    }
}

/// Waits for a Slack event of type `kind`.
pub fn wait_for_slack(events: &Events, kind: &str) -> slack_rtm::SlackEvent {
    match wait_for(
        events,
        kind,
        |e| matches!(e, Event::Slack(s) if s.kind() == kind),
    ) {
        Event::Slack(s) => s,
        _ => unreachable!(),
    }
}

/// Drains the stream to its end (bounded), returning the event names seen.
pub fn drain_names(events: &Events) -> Vec<String> {
    let mut names = Vec::new();
    let deadline = Instant::now() + SOON;
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(e) => names.push(e.name().to_string()),
            Err(RecvTimeoutError::Ended) => return names,
            Err(RecvTimeoutError::Timeout) => panic!("the stream did not end; saw {names:?}"),
        }
    }
}

/// Sends `text` to C1 on another thread, and returns once the fake server has the frame;
/// join the handle for the send's outcome.
pub fn send_in_background(
    client: &RtmClient,
    fake: &FakeSlack,
    text: &str,
) -> std::thread::JoinHandle<slack_rtm::Result<slack_rtm::Reply>> {
    let (c, t) = (client.clone(), text.to_string());
    let handle = std::thread::spawn(move || c.send_message("C1", &t));
    fake.wait_for_sent(|f| f["text"] == text, SOON)
        .expect("the frame reached the server");
    handle
}
