//! How much an idle connected bot costs: resident memory and wake-ups.
//!
//! The parent process runs the embedded fake Slack; a child process holds one idle client
//! connected to it over `ws://` and reports its own VmRSS and how often the client's threads
//! woke up, first in a window with no ping due, then across ping intervals.
//!
//! ```text
//! cargo run --release --example idle_footprint            # ~3 s: RSS and a quiet window
//! cargo run --release --example idle_footprint -- --pings  # ~20 s: also across two pings
//! ```

use std::process::{Command, ExitCode};
use std::time::Duration;

use slack_rtm::fake::FakeSlack;
use slack_rtm::RtmClient;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() >= 4 && args[1] == "--child" {
        return child(&args[2], &args[3], args.iter().any(|a| a == "--pings"));
    }
    let fake = match FakeSlack::start() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot start the fake Slack: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.args(["--child", &fake.api_url(), fake.token()]);
    if args.iter().any(|a| a == "--pings") {
        cmd.arg("--pings");
    }
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

fn child(api_url: &str, token: &str, pings: bool) -> ExitCode {
    let client = match RtmClient::builder(token).slack_api_url(api_url).build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = client.start() {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let events = client.events();
    while events.try_recv().is_ok() {}
    std::thread::sleep(Duration::from_millis(500));
    let rss = status_field("/proc/self/status", "VmRSS:").unwrap_or(0);
    println!("idle connected client over ws:// (default settings, separate process)");
    println!("  VmRSS: {rss} kB");
    let rollup = "/proc/self/smaps_rollup";
    let field = |k: &str| status_field(rollup, k).unwrap_or(0);
    println!(
        "  of which private to this process: {} kB (Private_Clean + Private_Dirty); shared with other processes (libraries): {} kB; Pss: {} kB",
        field("Private_Clean:") + field("Private_Dirty:"),
        field("Shared_Clean:") + field("Shared_Dirty:"),
        field("Pss:")
    );
    let before = wakeups();
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "  wake-ups of the client's threads in 2 s with no ping due: {}",
        wakeups() - before
    );
    if pings {
        let ping = client.config().client_ping_timeout;
        let before = wakeups();
        std::thread::sleep(ping * 2);
        println!(
            "  wake-ups over the next {:.0} s (about two ping intervals): {}",
            (ping * 2).as_secs_f64(),
            wakeups() - before
        );
    }
    client.disconnect();
    ExitCode::SUCCESS
}

/// Context switches of the client's threads (`slack-rtm-*`).
fn wakeups() -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    dir.flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm")).is_ok_and(|n| n.starts_with("slack-rtm"))
        })
        .map(|t| {
            let status = t.path().join("status");
            let path = status.to_string_lossy();
            status_field(&path, "voluntary_ctxt_switches:").unwrap_or(0)
                + status_field(&path, "nonvoluntary_ctxt_switches:").unwrap_or(0)
        })
        .sum()
}

fn status_field(path: &str, key: &str) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
