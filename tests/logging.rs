//! The log-level contract of the crate docs, checked by capturing the `log` output of real
//! sessions against the fake Slack: what each level emits, and that no secret is logged.

mod common;

use std::sync::{Mutex, OnceLock};

use common::{fake, started, wait_for};
use slack_rtm::Event;

struct Capture;
static LINES: Mutex<Vec<(log::Level, String)>> = Mutex::new(Vec::new());

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.target().starts_with("slack_rtm") {
            if let Ok(mut lines) = LINES.lock() {
                lines.push((record.level(), record.args().to_string()));
            }
        }
    }
    fn flush(&self) {}
}

/// One test only in this binary: the logger is process-wide.
#[test]
fn each_level_emits_what_the_contract_says_and_never_a_secret() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let _ = log::set_logger(&Capture);
        log::set_max_level(log::LevelFilter::Trace);
    });
    let fake = fake();
    let (client, events) = started(&fake);
    client.send_message("hello", "C1").unwrap();
    let healthy: Vec<(log::Level, String)> = LINES.lock().unwrap().clone();
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
    let all: Vec<(log::Level, String)> = LINES.lock().unwrap().clone();
    assert!(has(log::Level::Warn, "connection lost", &all), "{all:?}");
    assert!(has(log::Level::Info, "disconnected", &all), "{all:?}");

    for (_, line) in &all {
        assert!(!line.contains(fake.token()), "the token was logged: {line}");
        assert!(!line.contains("/websocket/"), "a ws URL was logged: {line}");
    }
}
