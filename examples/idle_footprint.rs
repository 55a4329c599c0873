//! How much an idle connected bot costs: resident memory, private pages, and wake-ups.
//!
//! ```text
//! cargo run --release --example idle_footprint            # ~10 s: memory and a quiet window
//! cargo run --release --example idle_footprint -- --pings  # ~1 min: also across two ping intervals
//! cargo run --release --example idle_footprint -- --maps   # also every mapping with private pages
//! ```
//!
//! # What is measured, and why this way
//!
//! The process measured must be a bot, not this example: an example of the crate links
//! the whole fake Slack (the crate dev-depends on itself with `fake-slack`), which a
//! user's bot never does. So the client runs in a separate package,
//! [`footprint/`](../footprint/src/main.rs): a binary that depends on `slack-rtm` by path
//! with default features and does nothing but what a bot does — build a client with
//! default settings, start it, read events. It has no measuring code either: this example
//! builds it (`cargo build --manifest-path footprint/Cargo.toml`, into this crate's target
//! directory, same profile as this example), runs it as its child against the fake Slack
//! it serves in its own process, and measures the child from outside, in `/proc/<pid>`:
//!
//! - `VmRSS` from `status`; `Pss`, private and shared pages from `smaps_rollup`;
//! - where the private pages are: `smaps`, summed per file and permission (a library's
//!   `r--p` private-dirty pages are its relocations, made read-only after loading; its
//!   `r-xp` pages are shared with every other process using it) and per anonymous mapping
//!   (the heap, glibc's per-thread malloc arenas, thread stacks);
//! - wake-ups: the voluntary context switches of the client's threads (`slack-rtm-*`,
//!   `slack-sm-*` in `task/*/status`: each is a wait that ended), in a window with no ping
//!   due and, with `--pings`, over two ping intervals (the fake answers pings at once);
//!   the involuntary ones (preemptions, which grow with the machine's load) are shown
//!   apart. The keepalive should wake twice per interval (to probe, and at the answer's
//!   deadline) and the reader once (the answer): 6 over two intervals.
//!
//! `IDLE_FOOTPRINT_CLIENT=/path/to/slack-rtm-footprint` measures a client binary built
//! some other way instead (another release profile, say); the environment is passed to
//! the child, so `MALLOC_ARENA_MAX=1` applies to it.
//!
//! Three clients, one at a time: RTM over `ws://`, RTM over `wss://` (the fake serves TLS
//! with the test certificate in `src/fake/testdata/`, which the child is given as its CA),
//! and Socket Mode over `ws://`. The targets (issue 9) are for RTM over `ws://` with
//! default settings: RSS ≤ 5 MB, private ≤ 1 MB; they are a bench, not a test: this
//! example reports and never fails on a figure.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Duration;

use slack_rtm::fake::FakeSlack;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let pings = args.iter().any(|a| a == "--pings");
    let maps = args.iter().any(|a| a == "--maps");
    let child = match build_child() {
        Ok(path) => path,
        Err(e) => {
            eprintln!("cannot build the client binary in footprint/: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ping_every = match slack_rtm::RtmClient::builder("xoxb-unused").build() {
        Ok(c) => c.config().client_ping_timeout,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/fake/testdata/cert.pem");
    let fakes = (|| -> std::io::Result<(FakeSlack, FakeSlack)> {
        let identity = native_tls::Identity::from_pkcs8(
            include_bytes!("../src/fake/testdata/cert.pem"),
            include_bytes!("../src/fake/testdata/key.pem"),
        )
        .map_err(std::io::Error::other)?;
        Ok((
            FakeSlack::start()?,
            FakeSlack::builder().tls(identity).start()?,
        ))
    })();
    let (plain, tls) = match fakes {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot start the fake Slack: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runs = [
        (
            "RTM over ws://",
            "rtm",
            &plain,
            plain.token().to_string(),
            None,
        ),
        (
            "RTM over wss://",
            "rtm",
            &tls,
            tls.token().to_string(),
            Some(&ca),
        ),
        (
            "Socket Mode over ws://",
            "socket-mode",
            &plain,
            plain.socket_mode().app_token(),
            None,
        ),
    ];
    println!(
        "idle connected client, default settings, in a process of its own ({})",
        child.display()
    );
    for (title, kind, fake, token, ca) in runs {
        let mut cmd = Command::new(&child);
        cmd.args([kind, &fake.api_url(), &token]);
        if let Some(ca) = ca {
            cmd.arg(ca);
        }
        if let Err(e) = measure(title, cmd, pings.then_some(ping_every * 2), maps) {
            eprintln!("{title}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Builds `footprint/` into this crate's target directory, in this example's profile, and
/// returns the binary's path.
fn build_child() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("IDLE_FOOTPRINT_CLIENT") {
        // A client binary built some other way (another profile, static OpenSSL, ...).
        return Ok(path.into());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // target/<profile>/examples/idle_footprint
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("unexpected location of the example")?;
    let target_dir = profile_dir.parent().ok_or("no target directory")?;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("footprint/Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    let status = build.status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("cargo build exited with {status}"));
    }
    Ok(profile_dir.join("slack-rtm-footprint"))
}

/// Kills the child however `measure` ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn measure(
    title: &str,
    mut cmd: Command,
    pings: Option<Duration>,
    maps: bool,
) -> Result<(), String> {
    let mut child = Running(
        cmd.stdout(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?,
    );
    let stdout = child.0.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    if line.trim() != "ready" {
        return Err("the client did not connect".into());
    }
    std::thread::sleep(Duration::from_millis(500));
    let proc_dir = PathBuf::from(format!("/proc/{}", child.0.id()));
    let rss = field(&proc_dir.join("status"), "VmRSS:");
    let rollup = proc_dir.join("smaps_rollup");
    let sum = |keys: &[&str]| keys.iter().map(|k| field(&rollup, k)).sum::<u64>();
    println!("\n{title}");
    println!(
        "  VmRSS {rss} kB; private {} kB (clean {} + dirty {}); shared {} kB; Pss {} kB",
        sum(&["Private_Clean:", "Private_Dirty:"]),
        sum(&["Private_Clean:"]),
        sum(&["Private_Dirty:"]),
        sum(&["Shared_Clean:", "Shared_Dirty:"]),
        sum(&["Pss:"]),
    );
    let threads = thread_names(&proc_dir);
    println!("  threads: {} ({})", threads.len(), threads.join(", "));
    let regions = private_regions(&proc_dir.join("smaps"));
    println!("  by mapping, most private first (kB): private = clean + dirty; resident");
    let shown = if maps { regions.len() } else { 8 };
    for r in regions.iter().take(shown) {
        println!(
            "    {:>5} = {:>4} + {:>4}; {:>5}  {}",
            r.clean + r.dirty,
            r.clean,
            r.dirty,
            r.rss,
            r.name
        );
    }
    if regions.len() > shown {
        let rest: u64 = regions[shown..].iter().map(|r| r.clean + r.dirty).sum();
        println!(
            "    {rest:>5}                      {} more mappings (--maps lists them)",
            regions.len() - shown
        );
    }
    let before = wakeups(&proc_dir);
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "  wake-ups of the client's threads in 2 s with no ping due: {}",
        woke(&before, &wakeups(&proc_dir))
    );
    if let Some(window) = pings {
        let before = wakeups(&proc_dir);
        std::thread::sleep(window);
        println!(
            "  wake-ups over the next {:.0} s (two ping intervals): {}",
            window.as_secs_f64(),
            woke(&before, &wakeups(&proc_dir))
        );
    }
    Ok(())
}

/// Resident and private pages of one file + permission, or of one anonymous mapping.
struct Region {
    name: String,
    rss: u64,
    clean: u64,
    dirty: u64,
}

/// The mappings holding resident pages, most private first: file-backed ones summed per file and
/// permission, anonymous ones one by one (with their size, which tells a thread stack from
/// a malloc arena).
fn private_regions(smaps: &Path) -> Vec<Region> {
    let text = std::fs::read_to_string(smaps).unwrap_or_default();
    let mut regions: Vec<Region> = Vec::new();
    let mut current: Option<Region> = None;
    let flush = |r: Option<Region>, regions: &mut Vec<Region>| {
        let Some(r) = r else { return };
        if r.rss == 0 {
            return;
        }
        match regions.iter_mut().find(|x| x.name == r.name) {
            Some(x) if !r.name.starts_with("anonymous") => {
                x.rss += r.rss;
                x.clean += r.clean;
                x.dirty += r.dirty;
            }
            _ => regions.push(r),
        }
    };
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            flush(current.take(), &mut regions);
            let perms = words.next().unwrap_or("");
            let path = words.nth(3).unwrap_or("");
            let size_kb = first
                .split_once('-')
                .and_then(|(a, b)| {
                    Some(u64::from_str_radix(b, 16).ok()? - u64::from_str_radix(a, 16).ok()?)
                })
                .unwrap_or(0)
                / 1024;
            let name = if path.is_empty() {
                format!("anonymous {perms} mapping of {size_kb} kB")
            } else {
                let file = path.rsplit('/').next().unwrap_or(path);
                format!("{file} {perms}")
            };
            current = Some(Region {
                name,
                rss: 0,
                clean: 0,
                dirty: 0,
            });
        } else if let Some(r) = current.as_mut() {
            let kb = words.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            match first {
                "Private_Clean:" => r.clean += kb,
                "Private_Dirty:" => r.dirty += kb,
                "Rss:" => r.rss += kb,
                _ => {}
            }
        }
    }
    flush(current.take(), &mut regions);
    regions.sort_by_key(|r| std::cmp::Reverse((r.clean + r.dirty, r.rss)));
    regions
}

fn thread_names(proc_dir: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(proc_dir.join("task")) else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
        .map(|n| n.trim().to_string())
        .collect()
}

/// Wake-ups of the client's threads (`slack-rtm-*`, `slack-sm-*`), per thread name: their
/// voluntary context switches (each time a thread blocked, it woke again) and, as the
/// last entry, the involuntary ones of them all (preemptions: the load of the machine,
/// not the client's doing).
fn wakeups(proc_dir: &Path) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    let Ok(dir) = std::fs::read_dir(proc_dir.join("task")) else {
        return out;
    };
    let mut preempted = 0;
    for task in dir.flatten() {
        let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        let name = name.trim();
        if !name.starts_with("slack-") {
            continue;
        }
        let status = task.path().join("status");
        let n = field(&status, "voluntary_ctxt_switches:");
        preempted += field(&status, "nonvoluntary_ctxt_switches:");
        match out.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v += n,
            None => out.push((name.to_string(), n)),
        }
    }
    out.sort();
    out.push((PREEMPTED.to_string(), preempted));
    out
}

/// The entry of [`wakeups`] that counts the involuntary switches.
const PREEMPTED: &str = "preempted";

/// `after - before`: the total and per thread.
fn woke(before: &[(String, u64)], after: &[(String, u64)]) -> String {
    let delta = |name: &str, a: u64| {
        let b = before
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, b)| *b);
        a.saturating_sub(b)
    };
    let mut total = 0;
    let mut preempted = 0;
    let mut parts = Vec::new();
    for (name, a) in after {
        let d = delta(name, *a);
        if name == PREEMPTED {
            preempted = d;
        } else {
            total += d;
            parts.push(format!("{name} {d}"));
        }
    }
    format!(
        "{total} ({}; also preempted {preempted} times)",
        parts.join(", ")
    )
}

fn field(path: &Path, key: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with(key))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
