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
//! user's bot never does. So the clients run in a separate package, `footprint/`: two
//! binaries, `footprint-rtm` and `footprint-socket-mode`, that depend on `slack-rtm` by
//! path with default features and do nothing but what a bot does — build one client with
//! default settings, start it, read events. Each links one client, as a bot does (an RTM
//! bot does not carry the Socket Mode client's code, nor the reverse). They have no
//! measuring code either: this example builds them (`cargo build --manifest-path
//! footprint/Cargo.toml`, into this crate's target directory, same profile as this
//! example), runs each as its child against the fake Slack it serves in its own process,
//! and measures the child from outside, in `/proc/<pid>`:
//!
//! - `VmRSS` from `status`; `Pss`, private, anonymous and shared pages from
//!   `smaps_rollup`. Two kinds of private pages: *anonymous* ones (heap, stacks, and the
//!   pages of libraries and of the binary that relocations wrote to) are what this process
//!   alone costs; the others are page-cache pages of files no other process maps — the
//!   bot binary's own code and read-only data, shared as soon as a second process runs
//!   the same binary and dropped under memory pressure. (Clean/dirty says nothing here:
//!   a binary just built is dirty in the page cache until written back.)
//! - where they are: `smaps`, summed per file and permission (a library's `r--p`
//!   anonymous pages are its relocations, made read-only after loading; its `r-xp` pages
//!   are shared with every other process using it) and per anonymous mapping (the heap,
//!   glibc's per-thread malloc arenas — 132 kB mappings —, 2 MB thread stacks);
//! - wake-ups: the voluntary context switches of the client's threads (`slack-rtm-*`,
//!   `slack-sm-*` in `task/*/status`: each is a wait that ended), in a window with no ping
//!   due and, with `--pings`, over two ping intervals (the fake answers pings at once);
//!   the involuntary ones (preemptions, which grow with the machine's load) are shown
//!   apart. The keepalive wakes twice per interval (to probe, and at the answer's
//!   deadline) and the reader once (the answer). The window runs from ~2.5 s to ~18.5 s
//!   after connecting, so with 8 s intervals it sees the probes at 8 and 16 s and the
//!   deadline at 12 s (not the one at 20 s): keepalive 3, reader 2.
//!
//! `IDLE_FOOTPRINT_DIR=/path/to/dir` measures the `footprint-rtm` and
//! `footprint-socket-mode` binaries found there instead, built some other way (another
//! release profile, say); the environment is passed to the child, so `MALLOC_ARENA_MAX=1`
//! applies to it.
//!
//! Three clients, one at a time: RTM over `ws://`, RTM over `wss://` (the fake serves TLS
//! with the test certificate in `src/fake/testdata/`, which the child is given as its CA),
//! and Socket Mode over `ws://`. The targets (issue 9) are for RTM over `ws://` with
//! default settings: RSS ≤ 5 MB, private ≤ 1 MB; they are a bench, not a test: this
//! example reports and never fails on a figure. Run it with `--release`: a debug build
//! measures a debug bot.
//!
//! # What the pages are (release build, 2026-12-02; re-run for today's figures)
//!
//! RTM over `ws://`: VmRSS 5,004–5,036 kB (4.9 MiB) over runs, private ~2.1 MB of which
//! ~752 kB anonymous; Socket Mode over `ws://` the same within 30 kB. (Issue 9's targets
//! are 5 MB RSS and 1 MB private; the anonymous pages are what this process alone
//! costs, see above.)
//! - The bot binary's own pages, ~1.4 MB: all of its code (`r-xp`, 1,076 kB: the whole
//!   `.text` of a 2.1 MB binary — the kernel maps whole page-cache folios around each
//!   fault, so code that shares a 64 kB neighbourhood with code that runs is resident;
//!   measured the same with the disk's read-ahead at 8 MB and at 128 kB) and its
//!   read-only data and unwind tables (`r--p`, ~324 kB). Its size is therefore its
//!   resident cost: of the text, std ~365 KiB (~160 of it the panic handler's backtrace
//!   symbolizer), slack-rtm ~320, ureq with http ~220, serde_json ~35, crossbeam ~28,
//!   tungstenite ~16 (`cargo bloat --release --bin footprint-rtm` in `footprint/`).
//!   Two things a bot no longer carries: the workspace cache (feature `workspace-cache`,
//!   ~157 kB when compiled in) and a second base64 (tungstenite's handshake module,
//!   ~32 kB); and each binary here links one client (both: ~130 kB more).
//!   A smaller binary is the user's release profile: `lto = "fat"`,
//!   `codegen-units = 1`, `opt-level = "s"`, `panic = "abort"` made an earlier build
//!   1.4 MB and the idle bot 4.5 MB RSS (`IDLE_FOOTPRINT_DIR` measures such a build).
//! - Anonymous: libcrypto's relocations ~392 kB and libssl's ~56 kB, paid when the
//!   dynamic loader maps them, whatever the client does (OpenSSL itself is never
//!   initialised over `ws://`: the client's one TLS connector, shared by the Web API's
//!   `https://` calls and the `wss://` dial, is built on the first of them — so a bot
//!   talking to real Slack, over `https://` and `wss://`, pays the `wss://` figures
//!   below); the binary's own relocations ~48 kB; libc and the loader ~40 kB; the heap
//!   of the whole process ~90 kB, most of it in the reader's malloc arena (by their
//!   sizes, the websocket's read buffers and ureq's pooled connection, 16 + 16 KB each;
//!   not traced); the stacks' touched pages ~60 kB (main 20, reader 32, keepalive 8 — a
//!   smaller `stack_size` shrinks only address space: measured with
//!   `RUST_MIN_STACK=131072`, resident pages unchanged). `MALLOC_ARENA_MAX=1` saves ~8 kB
//!   (the arenas hold little), so the crate does not call `mallopt`.
//! - Shared with every other process that maps them: libc's ~1.4 MB, libcrypto's
//!   ~1.4 MB (its relocation tables and symbols, read by the loader) and libssl's.
//!   Linking OpenSSL statically (`OPENSSL_STATIC=1 OPENSSL_LIB_DIR=/usr/lib/x86_64-linux-gnu
//!   OPENSSL_INCLUDE_DIR=/usr/include`, a 7.8 MB binary) made an earlier build 4.9 MB RSS
//!   with 684 kB anonymous, but 3.2 MB private: libcrypto's pages are no longer shared.
//!
//! RTM over `wss://` adds ~2.1 MB anonymous (VmRSS ~9.9 MB, 2.8 MB anonymous in all),
//! almost all of it one region of the reader's malloc arena: OpenSSL's initialisation
//! (~1.45 MB with `SSL_CERT_FILE` pointing nowhere) and the one connector's store of the
//! system CA bundle (~220 KB of PEM here). With `tls.ca_pem` the figure is the same:
//! native-tls 0.2 loads the system bundle before it swaps in the given roots, and the
//! freed parse stays in the arena. (Before the connector was shared, ureq's and the
//! crate's each parsed the bundle: ~1 MB more.)

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
    // The system's roots plus the test certificate, for a wss:// client with default
    // TLS settings: OpenSSL reads its default CA file from SSL_CERT_FILE.
    let roots = system_roots_with(&ca);
    let sm_token = plain.socket_mode().app_token();
    let mut runs: Vec<Run> = vec![
        Run {
            title: "RTM over ws://",
            client: "footprint-rtm",
            api_url: plain.api_url(),
            token: plain.token(),
            ca: None,
            cert_file: None,
        },
        Run {
            title: "RTM over wss://, the test CA as tls.ca_pem",
            client: "footprint-rtm",
            api_url: tls.api_url(),
            token: tls.token(),
            ca: Some(&ca),
            cert_file: None,
        },
    ];
    match &roots {
        Ok(roots) => runs.push(Run {
            title: "RTM over wss://, default TLS settings (the system's roots + the test CA)",
            client: "footprint-rtm",
            api_url: tls.api_url(),
            token: tls.token(),
            ca: None,
            cert_file: Some(roots),
        }),
        Err(e) => println!("(no run with the system's roots: {e})"),
    }
    runs.push(Run {
        title: "Socket Mode over ws://",
        client: "footprint-socket-mode",
        api_url: plain.api_url(),
        token: &sm_token,
        ca: None,
        cert_file: None,
    });
    println!(
        "idle connected client, default settings, in a process of its own (binaries of footprint/ in {})",
        child.display()
    );
    if cfg!(debug_assertions) {
        println!("(a debug build: run with --release for the figures that matter)");
    }
    let mut failed = false;
    for run in &runs {
        let mut cmd = Command::new(child.join(run.client));
        cmd.args([&run.api_url, run.token]);
        if let Some(ca) = run.ca {
            cmd.arg(ca);
        }
        if let Some(file) = run.cert_file {
            cmd.env("SSL_CERT_FILE", file).env_remove("SSL_CERT_DIR");
        }
        if let Err(e) = measure(run.title, cmd, pings.then_some(ping_every * 2), maps) {
            eprintln!("{}: {e}", run.title);
            failed = true;
            break;
        }
    }
    if let Ok(roots) = &roots {
        let _ = std::fs::remove_file(roots);
    }
    if failed {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// One client to measure.
struct Run<'a> {
    title: &'a str,
    /// The binary of `footprint/` to run.
    client: &'a str,
    api_url: String,
    token: &'a str,
    /// Given to the client as `tls.ca_pem`.
    ca: Option<&'a PathBuf>,
    /// OpenSSL's default CA file for the client (`SSL_CERT_FILE`).
    cert_file: Option<&'a PathBuf>,
}

/// A temporary copy of the system's CA bundle with `extra` appended.
fn system_roots_with(extra: &Path) -> Result<PathBuf, String> {
    let candidates = [
        std::env::var_os("SSL_CERT_FILE").map(PathBuf::from),
        Some("/etc/ssl/certs/ca-certificates.crt".into()),
        Some("/etc/pki/tls/certs/ca-bundle.crt".into()),
        Some("/etc/ssl/cert.pem".into()),
    ];
    let mut bundle = candidates
        .into_iter()
        .flatten()
        .find_map(|p| std::fs::read(p).ok())
        .ok_or("no system CA bundle found")?;
    bundle.extend(std::fs::read(extra).map_err(|e| e.to_string())?);
    let path = std::env::temp_dir().join(format!("idle_footprint-{}.pem", std::process::id()));
    std::fs::write(&path, bundle).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Builds `footprint/` into this crate's target directory, in this example's profile, and
/// returns the directory that holds its binaries.
fn build_child() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("IDLE_FOOTPRINT_DIR") {
        // Client binaries built some other way (another profile, static OpenSSL, ...).
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
    Ok(profile_dir.to_path_buf())
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
        "  VmRSS {rss} kB; private {} kB, of which anonymous {} kB; shared {} kB; Pss {} kB",
        sum(&["Private_Clean:", "Private_Dirty:"]),
        sum(&["Anonymous:"]),
        sum(&["Shared_Clean:", "Shared_Dirty:"]),
        sum(&["Pss:"]),
    );
    let threads = thread_names(&proc_dir);
    println!("  threads: {} ({})", threads.len(), threads.join(", "));
    let regions = private_regions(&proc_dir.join("smaps"));
    println!("  by mapping, most private first (kB): private, of which anonymous; resident");
    let shown = if maps { regions.len() } else { 8 };
    for r in regions.iter().take(shown) {
        println!(
            "    {:>5}, {:>5}; {:>5}  {}",
            r.private, r.anon, r.rss, r.name
        );
    }
    if regions.len() > shown {
        let rest: u64 = regions[shown..].iter().map(|r| r.private).sum();
        println!(
            "    {rest:>5}                {} more mappings (--maps lists them)",
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
    private: u64,
    anon: u64,
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
                x.private += r.private;
                x.anon += r.anon;
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
                private: 0,
                anon: 0,
            });
        } else if let Some(r) = current.as_mut() {
            let kb = words.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            match first {
                "Private_Clean:" | "Private_Dirty:" => r.private += kb,
                "Anonymous:" => r.anon += kb,
                "Rss:" => r.rss += kb,
                _ => {}
            }
        }
    }
    flush(current.take(), &mut regions);
    regions.sort_by_key(|r| std::cmp::Reverse((r.private, r.rss)));
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
