//! A process-wide `log` capture for tests: every record of the crate, with its level.

use std::sync::{Mutex, OnceLock};

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

/// Installs the capture (once per test binary) at TRACE.
pub fn capture() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let _ = log::set_logger(&Capture);
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// Everything captured so far.
pub fn lines() -> Vec<(log::Level, String)> {
    LINES.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Fails the test if any captured line contains `secret`.
pub fn assert_never_logged(secret: &str) {
    let lines = lines();
    assert!(!lines.is_empty(), "the capture logger saw nothing");
    for (_, line) in &lines {
        assert!(!line.contains(secret), "a secret was logged: {line}");
    }
}
