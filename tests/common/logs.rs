//! A process-wide `log` capture for tests: every record of EVERY target (the crate's and
//! its dependencies': ureq, ureq_proto, tungstenite, native_tls, ...), with its level.

use std::sync::{Mutex, OnceLock};

struct Capture;

/// One captured record.
#[derive(Debug, Clone)]
pub struct Line {
    pub level: log::Level,
    pub target: String,
    pub text: String,
}

static LINES: Mutex<Vec<Line>> = Mutex::new(Vec::new());

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if let Ok(mut lines) = LINES.lock() {
            lines.push(Line {
                level: record.level(),
                target: record.target().to_string(),
                text: record.args().to_string(),
            });
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

/// Every record captured so far.
pub fn records() -> Vec<Line> {
    LINES.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The crate's own records so far (level and text).
pub fn lines() -> Vec<(log::Level, String)> {
    records()
        .into_iter()
        .filter(|l| l.target.starts_with("slack_rtm"))
        .map(|l| (l.level, l.text))
        .collect()
}

/// The log targets the crate docs say to cap at DEBUG, because a dependency writes what
/// goes over the wire at TRACE and no setting turns that off (see "Logging" in the crate
/// docs).
pub const CAPPED_AT_DEBUG: &[&str] = &["ureq_proto"];

fn capped(line: &Line) -> bool {
    line.level == log::Level::Trace
        && CAPPED_AT_DEBUG
            .iter()
            .any(|t| line.target == *t || line.target.starts_with(&format!("{t}::")))
}

/// Fails the test if any captured record of any target contains `secret`, except TRACE
/// records of the targets documented as [`CAPPED_AT_DEBUG`]. Those are checked too,
/// reassembled (ureq_proto dumps bytes 16 to a line), so the test knows the cap is needed.
pub fn assert_never_logged(secret: &str) {
    let records = records();
    assert!(!records.is_empty(), "the capture logger saw nothing");
    for line in records.iter().filter(|l| !capped(l)) {
        assert!(
            !line.text.contains(secret),
            "a secret was logged by {} at {}: {}",
            line.target,
            line.level,
            line.text
        );
    }
}

/// The text of the capped targets' hex dumps, reassembled: the printable column of each
/// row, concatenated.
pub fn capped_dump() -> String {
    records()
        .iter()
        .filter(|l| capped(l))
        .filter_map(|l| l.text.rsplit_once(' ').map(|(_, ascii)| ascii.to_string()))
        .collect()
}
