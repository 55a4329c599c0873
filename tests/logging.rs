//! The log-level contract of the crate docs, checked by capturing the `log` output of real
//! sessions against the fake Slack: what each level emits, and that no secret is logged.

mod common;

use common::{fake, logs, started, wait_for};
use slack_rtm::Event;

/// One test only in this binary: the logger is process-wide.
#[test]
fn each_level_emits_what_the_contract_says_and_never_a_secret() {
    logs::capture();
    let fake = fake();
    let (client, events) = started(&fake);
    client.send_message("hello", "C1").unwrap();
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
    client.disconnect();
    let all: Vec<(log::Level, String)> = logs::lines();
    assert!(has(log::Level::Warn, "connection lost", &all), "{all:?}");
    assert!(has(log::Level::Info, "disconnected", &all), "{all:?}");

    logs::assert_never_logged(fake.token());
    logs::assert_never_logged("/websocket/");
}
