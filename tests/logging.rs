//! The log-level contract of the crate docs, checked by capturing the `log` output of real
//! sessions against the fake Slack: what each level emits, and that no secret is logged by
//! any target at any level (dependencies included) through connect, send, reconnect and
//! failures — except the TRACE dumps of the targets the crate docs say to cap.

mod common;

use common::{builder, fake, logs, quick_retry, wait_for};
use slack_rtm::Event;

/// One test only in this binary: the logger is process-wide.
#[test]
fn each_level_emits_what_the_contract_says_and_never_a_secret() {
    logs::capture();
    let fake = fake();
    // Short backoff: the failures below cost no seconds of waiting.
    let client = builder(&fake)
        .retry(quick_retry())
        .build()
        .expect("valid config");
    let events = client.events();
    client.start().expect("start");
    client.send_message("C1", "hello").unwrap();
    let healthy: Vec<(log::Level, String)> = logs::lines();
    assert!(
        healthy.iter().all(|(l, _)| *l > log::Level::Warn),
        "a healthy session logs nothing at WARN or ERROR: {healthy:?}"
    );
    let has = |level: log::Level, needle: &str, lines: &[(log::Level, String)]| {
        lines.iter().any(|(l, m)| *l == level && m.contains(needle))
    };
    assert!(
        has(log::Level::Info, "rtm.connect succeeded", &healthy),
        "{healthy:?}"
    );
    assert!(
        has(log::Level::Debug, "state: Ready", &healthy),
        "{healthy:?}"
    );
    assert!(
        has(log::Level::Trace, "sent message frame", &healthy),
        "{healthy:?}"
    );

    // A lost connection is a WARN; the reconnect is visible at DEBUG.
    fake.drop_connections();
    wait_for(&events, "reconnecting", |e| {
        matches!(e, Event::Reconnecting)
    });
    wait_for(&events, "ready again", |e| matches!(e, Event::Ready));

    // Failures: a refused upgrade, then a rate-limited rtm.connect, then back.
    fake.fail_upgrades(1, 503);
    fake.rate_limit_connect(1, 0);
    fake.drop_connections();
    wait_for(&events, "a failed attempt", |e| {
        matches!(e, Event::UnableToStart(_))
    });
    wait_for(&events, "ready after the failures", |e| {
        matches!(e, Event::Ready)
    });
    client.send_message("C1", "after the failures").unwrap();
    client.disconnect();
    let all: Vec<(log::Level, String)> = logs::lines();
    assert!(has(log::Level::Warn, "connection lost", &all), "{all:?}");
    assert!(has(log::Level::Info, "disconnected", &all), "{all:?}");

    logs::assert_never_logged(fake.token());
    logs::assert_never_logged("/websocket/");
    // The capture saw the dependencies too, at TRACE.
    let records = logs::records();
    for target in ["ureq", "tungstenite"] {
        assert!(
            records.iter().any(|r| r.target.starts_with(target)),
            "nothing from {target}"
        );
    }
}
