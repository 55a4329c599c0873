//! A bounded soak: one client against the embedded fake Slack for a fixed time, with
//! senders, a consumer and random faults, then an audit of every send, every pushed event,
//! memory and threads.
//!
//! ```text
//! cargo run --release --example soak -- --minutes 10
//! cargo run --release --example soak -- --seconds 20 --seed 42 --senders 4
//! ```
//!
//! Two processes, so that the client's memory is measured alone: the fake Slack keeps
//! records (up to `record_limit` entries each: frames, messages, the history behind
//! `chat.update`), so a server in the same process would grow while they fill and hide
//! (or fake) a client leak.
//!
//! - The **parent** runs the fake Slack, a pusher (a numbered `soak_tick` event every
//!   2 ms, a `soak_blast` burst now and then) and a fault thread (drops, clean closes,
//!   goodbyes, half-open links, refused upgrades, rate-limited `rtm.connect`, a missing
//!   `hello`, ack delays/drops/reordering/rejections, malformed and binary frames) with
//!   quiet stretches in between. It records what each `push` returned and when each
//!   connection was cut.
//! - The **child** (this program with `--client`) runs the client, `--senders` threads
//!   calling `send_message` in a loop and a consumer counting events from
//!   `client.events()`, and measures itself.
//!
//! Randomness comes from a seeded xorshift generator: the seed is printed, and `--seed`
//! replays the same choices (timings still vary from run to run).
//!
//! The audit, which decides the exit code:
//! - **sends**: every `send_message` ends exactly once: acked (`Ok`, and the reply's text
//!   is the text sent: a reply routed to the wrong sender would show), rejected
//!   (`Error::Platform`) or failed (any other error, by `ErrorCode`); attempted = acked +
//!   rejected + failed, no sender hangs, an empty text is never acked, and the client's
//!   own `stats()` agree.
//! - **events**: each `soak_tick` has a sequence number. Pushed with no greeted session
//!   (`push` returned 0) it is not deliverable. A deliverable one that never arrived is
//!   *explained* when a connection was cut (a fault, or a reconnect the client reported)
//!   within [`LOSS_WINDOW`] after it was pushed: frames in flight on a cut link are lost,
//!   as with real Slack. Unexplained losses must not exceed what the client reported
//!   with `Event::EventsDropped` (its slow-consumer policy); duplicates and reordering
//!   fail. Blasts are checked the same way, per blast. After the faults stop, a last tick
//!   must arrive.
//! - **connections**: the fake server's count of `rtm.connect` calls, sampled every
//!   [`SAMPLE_EVERY`] so that each call is known to within a short span, must never show
//!   more than the client's attempt budget allows (5 in any 10 s, 10 in any 60 s) — as
//!   the server counts them, not only as the client does. The client's own count of the
//!   attempts it started (`Event::Connecting`) is reported beside it.
//! - **resources** (child): the live heap (bytes allocated and not freed, counted by a
//!   wrapper around the system allocator), VmRSS, and the thread count (entries of
//!   `/proc/self/task`) after the first connection, during the load, and after
//!   `disconnect` + dropping the client. The live heap must come back to within
//!   [`HEAP_TOLERANCE`] of the start and threads to the count at launch. VmRSS may exceed
//!   the start by [`RSS_TOLERANCE_KB`]: the allocator keeps freed memory for reuse (the
//!   event queue alone can hold 10 000 events), which is retention, not a leak; and it
//!   must not grow by more than that between the end of warm-up and the end of the load.
//!   Parent: threads back to 1 after the fake server is dropped; its VmRSS is reported
//!   (it grows with every message the fake server keeps).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, RecvTimeoutError as ChannelTimeout};
use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::json;
use slack_rtm::fake::{AckPolicy, FakeSlack};
use slack_rtm::{Error, Event, Events, RateLimit, RecvTimeoutError, RetryPolicy, RtmClient, State};

/// A frame pushed this long before a connection was cut may be lost with it.
const LOSS_WINDOW: Duration = Duration::from_secs(3);
/// How much the child's VmRSS may exceed its start value (allocator retention).
const RSS_TOLERANCE_KB: u64 = 16 * 1024;
/// How much the child's live heap may exceed its start value once the client is gone
/// (the soak's own counters and lists of gaps).
const HEAP_TOLERANCE: usize = 256 * 1024;
/// The channel every message goes to.
const CHANNEL: &str = FakeSlack::GENERAL_CHANNEL;
/// Bound on joining a worker thread once told to stop (a send takes at most
/// `reply_timeout`, a blast a moment).
const JOIN_BOUND: Duration = Duration::from_secs(15);
/// How long after the faults stop the client must be ready again. The attempt budget can
/// hold it off longest: up to 60 s from the fourth-last attempt before the stop (10 in
/// any 60 s, and the 5-in-10-s window keeps the ten before it at least 10 s apart). The
/// faults may leave up to 6 failures pending (3 refused upgrades, 2 rate-limited
/// `rtm.connect` calls, 1 missing hello), each costing at most hello_timeout + max_backoff
/// = 2 s, and the last dial takes at most http 2 s + connect 2 s + hello 1 s: ready by
/// about 67 s in the worst case. 85 s leaves room for a loaded machine. (A replay of seed
/// 8574421959878527465: ready 47 s after the stop, its 11th call 60.0 s after its first.)
const SETTLE_BOUND: Duration = Duration::from_secs(85);
/// How often the server samples the fake's `rtm.connect` count.
const SAMPLE_EVERY: Duration = Duration::from_millis(2);
/// The client's attempt budget, as (calls, window): what the server must never see
/// exceeded.
const BUDGET: [(usize, Duration); 2] =
    [(5, Duration::from_secs(10)), (10, Duration::from_secs(60))];
/// Protocol lines between the processes start with this; others are report text.
const TAG: &str = "@soak ";

// ----- a counting allocator: live heap bytes, exact, unlike VmRSS -----

struct CountingAlloc;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator (with the caller's
// own guarantees, which is what each `unsafe` block below relies on); the wrapper only
// adds and subtracts sizes in an atomic counter.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn live_heap() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

// ----- arguments -----

const USAGE: &str =
    "usage: soak [--minutes N | --seconds N] [--seed N] [--senders N] [--pause-us N]
  --minutes N   run the load for N minutes
  --seconds N   run the load for N seconds (default 60)
  --seed N      seed of the fault and payload choices (default: from the clock)
  --senders N   threads calling send_message in a loop (default 4)
  --pause-us N  each sender pauses a random 0..=N microseconds between sends
                (default 1000; 0: none). The fake server's records are capped
                (record_limit), so its memory levels off once they are full.";

struct Args {
    duration: Duration,
    seed: u64,
    senders: usize,
    pause_us: u64,
}

impl Args {
    fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut args = Args {
            duration: Duration::from_secs(60),
            seed: wall_ms().wrapping_mul(0x9e37_79b9) ^ u64::from(std::process::id()),
            senders: 4,
            pause_us: 1_000,
        };
        while let Some(flag) = it.next() {
            let mut value = |name: &str| -> Result<u64, String> {
                let v = it.next().ok_or(format!("{name} needs a value"))?;
                v.parse::<u64>()
                    .map_err(|_| format!("{name}: not a non-negative integer: {v:?}"))
            };
            match flag.as_str() {
                "--minutes" => args.duration = Duration::from_secs(60 * value("--minutes")?),
                "--seconds" => args.duration = Duration::from_secs(value("--seconds")?),
                "--seed" => args.seed = value("--seed")?,
                "--senders" => args.senders = value("--senders")?.clamp(1, 64) as usize,
                "--pause-us" => args.pause_us = value("--pause-us")?.min(1_000_000),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if args.duration.is_zero() {
            return Err("the duration must be at least 1 second".into());
        }
        Ok(args)
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("--client") {
        return match client_main(&argv[1..]) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(msg) => {
                println!("client aborted: {msg}");
                ExitCode::FAILURE
            }
        };
    }
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match Args::parse(argv.into_iter()) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let passed = match server_main(&args) {
        Ok(passed) => passed,
        Err(msg) => {
            println!("soak aborted: {msg}");
            false
        }
    };
    println!("RESULT: {}", if passed { "PASS" } else { "FAIL" });
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ----- helpers -----

/// Milliseconds since the epoch: the clock both processes share.
fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// xorshift64*: small, seedable, good enough to pick faults and delays.
struct Rng(u64);

impl Rng {
    /// A generator for one thread: the run's seed mixed with the thread's stream number
    /// (splitmix64), so threads do not share a sequence.
    fn new(seed: u64, stream: u64) -> Rng {
        let mut z = seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_f491_4f6c_dd1d } else { z })
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(self.range(lo, hi))
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Waits (bounded) for the thread count to fall to `target` or below; returns the last
/// count seen. Threads finish a moment after they are told to.
fn settle_threads(target: usize, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    loop {
        let n = thread_count();
        if n <= target || Instant::now() >= deadline {
            return n;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Joins `handle` if it finishes within `within`; `None` (and the thread left running)
/// if it does not, or if it panicked.
fn join_within<T>(handle: JoinHandle<T>, within: Duration) -> Option<T> {
    let deadline = Instant::now() + within;
    while !handle.is_finished() {
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    handle.join().ok()
}

/// Sleeps up to `d`, in short steps, returning early when `stop` is set.
fn nap(d: Duration, stop: &AtomicBool) {
    let deadline = Instant::now() + d;
    while !stop.load(Ordering::Relaxed) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

fn spawn<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<JoinHandle<T>, String> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map_err(|e| format!("cannot spawn thread {name}: {e}"))
}

/// Collects failed checks.
#[derive(Default)]
struct Verdict {
    failures: Vec<String>,
}

impl Verdict {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            let what = what();
            println!("CHECK FAILED: {what}");
            self.failures.push(what);
        }
    }

    fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

// ======================================================================================
// The parent: fake Slack, pushes, faults, and the event audit.
// ======================================================================================

/// What the parent records while the load runs.
#[derive(Default)]
struct ServerBook {
    /// Per tick (index = seq − 1): when it was pushed (wall ms) and how many sessions
    /// took it.
    ticks: Vec<(u64, u32)>,
    /// Per blast id: (started, finished) in wall ms, and frames written.
    blasts: BTreeMap<u64, (u64, u64, u64)>,
    /// When the fault thread cut connections (wall ms, recorded just before).
    cuts: Vec<u64>,
    faults: BTreeMap<&'static str, u64>,
    malformed_pushed: u64,
    malformed_undeliverable: u64,
}

struct ServerShared {
    stop: AtomicBool,
    book: Mutex<ServerBook>,
}

impl ServerShared {
    fn fault(&self, name: &'static str) {
        *self.book.lock().faults.entry(name).or_default() += 1;
    }

    fn cut(&self, name: &'static str) {
        let mut book = self.book.lock();
        *book.faults.entry(name).or_default() += 1;
        book.cuts.push(wall_ms());
    }
}

fn push_tick(fake: &FakeSlack, book: &Mutex<ServerBook>, seq: u64) -> usize {
    let at = wall_ms();
    let took = fake.push(json!({"type": "soak_tick", "seq": seq}));
    let mut book = book.lock();
    let index = (seq - 1) as usize;
    if book.ticks.len() <= index {
        book.ticks.resize(index + 1, (0, 0));
    }
    book.ticks[index] = (at, took as u32);
    took
}

fn pusher(fake: &FakeSlack, shared: &ServerShared, mut rng: Rng) -> u64 {
    let mut seq = 0u64;
    let mut blast_id = 0u64;
    let mut next_blast = Instant::now() + rng.millis(2_000, 8_000);
    let mut next_clear = Instant::now();
    while !shared.stop.load(Ordering::Relaxed) {
        seq += 1;
        push_tick(fake, &shared.book, seq);
        let now = Instant::now();
        if now >= next_clear {
            // The fake records every client frame; forget them so it does not grow.
            fake.clear_sent();
            next_clear = now + Duration::from_millis(250);
        }
        if now >= next_blast {
            blast_id += 1;
            // Mostly bursts the consumer absorbs; now and then one past the client's
            // event queue capacity (10 000), which it must drop *and report*.
            let n = if rng.chance(10) {
                rng.range(12_000, 20_000)
            } else {
                rng.range(100, 3_000)
            };
            let pad = "p".repeat(rng.range(0, 300) as usize);
            let text = json!({"type": "soak_blast", "blast": blast_id, "pad": pad}).to_string();
            let started = wall_ms();
            let written = fake.blast(&text, n as usize) as u64;
            shared
                .book
                .lock()
                .blasts
                .insert(blast_id, (started, wall_ms(), written));
            shared.fault("blast");
            next_blast = Instant::now() + rng.millis(3_000, 15_000);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    seq
}

fn faults(fake: &FakeSlack, shared: &ServerShared, mut rng: Rng) {
    let stop = &shared.stop;
    while !stop.load(Ordering::Relaxed) {
        // Quiet stretches: mostly short, sometimes long enough for steady progress.
        let quiet = if rng.chance(15) {
            rng.millis(5_000, 10_000)
        } else {
            rng.millis(300, 3_000)
        };
        nap(quiet, stop);
        if stop.load(Ordering::Relaxed) {
            break;
        }
        match rng.range(0, 13) {
            0 => {
                shared.cut("drop_connections");
                fake.drop_connections();
            }
            1 => {
                shared.cut("close_connections");
                fake.close_connections();
            }
            2 => {
                shared.cut("send_goodbye");
                fake.send_goodbye();
            }
            3 => {
                // A half-open link: the client must notice (no pong) and reconnect. The
                // silent session lingers until dropped, which also cuts the new one.
                shared.cut("go_silent");
                fake.go_silent();
                nap(Duration::from_millis(2_500), stop);
                shared.cut("drop_connections");
                fake.drop_connections();
            }
            4 => {
                shared.cut("fail_upgrades+drop");
                fake.fail_upgrades(rng.range(1, 3) as usize, 503);
                fake.drop_connections();
            }
            5 => {
                shared.cut("rate_limit_connect+drop");
                fake.rate_limit_connect(rng.range(1, 2) as usize, 1);
                fake.drop_connections();
            }
            6 => {
                shared.cut("suppress_hello+drop");
                fake.suppress_hello(1);
                fake.drop_connections();
            }
            7 | 8 => {
                let (name, policy) = match rng.range(0, 4) {
                    0 => ("ack_delay", AckPolicy::Delay(rng.millis(20, 1_500))),
                    1 => ("ack_drop", AckPolicy::Drop),
                    2 => ("ack_reorder", AckPolicy::Reorder),
                    3 => (
                        "ack_error",
                        AckPolicy::Error {
                            code: 99,
                            msg: "soak says no".into(),
                        },
                    ),
                    // Longer than reply_timeout: the replies come late.
                    _ => ("ack_delay_late", AckPolicy::Delay(rng.millis(2_500, 3_000))),
                };
                shared.fault(name);
                fake.set_ack_policy(policy);
                nap(rng.millis(500, 3_000), stop);
                fake.set_ack_policy(AckPolicy::Immediate);
            }
            9..=11 => {
                let took = if rng.chance(25) {
                    shared.fault("push_binary");
                    fake.push_binary(vec![0, 159, 146, 150])
                } else {
                    shared.fault("push_raw");
                    let raws = [
                        "not json",
                        "null",
                        "[1,2]",
                        "",
                        "{\"no_type\":1}",
                        "{\"a\":",
                    ];
                    fake.push_raw(raws[rng.range(0, raws.len() as u64 - 1) as usize])
                };
                let mut book = shared.book.lock();
                book.malformed_pushed += 1;
                if took == 0 {
                    book.malformed_undeliverable += 1;
                }
            }
            _ => shared.fault("nothing"),
        }
    }
    fake.set_ack_policy(AckPolicy::Immediate);
}

/// What the child reported at the end.
#[derive(Default)]
struct ClientReport {
    last_seq: u64,
    out_of_order: u64,
    /// Ranges of tick numbers never received, within 1..=last_seq.
    missing: Vec<(u64, u64)>,
    blasts: BTreeMap<u64, u64>,
    blast_unknown: u64,
    /// When the client said `reconnecting` (wall ms).
    reconnects: Vec<u64>,
    dropped: u64,
    /// Connection attempts the client started (`Event::Connecting`).
    attempts: u64,
    /// How long after the faults stopped it was ready again (ms).
    ready_after_ms: Option<u64>,
    passed: bool,
}

impl ClientReport {
    fn take(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let key = words.next().unwrap_or_default();
        let nums: Vec<u64> = words.filter_map(|w| w.parse().ok()).collect();
        let at = |i: usize| nums.get(i).copied().unwrap_or(0);
        match key {
            "ticks" => (self.last_seq, self.out_of_order) = (at(0), at(1)),
            "missing" => self.missing.push((at(0), at(1))),
            "blast" => {
                self.blasts.insert(at(0), at(1));
            }
            "blast_unknown" => self.blast_unknown = at(0),
            "reconnecting" => self.reconnects.push(at(0)),
            "dropped" => self.dropped = at(0),
            "attempts" => self.attempts = at(0),
            "ready" => self.ready_after_ms = Some(at(0)),
            "passed" => self.passed = at(0) == 1,
            _ => {}
        }
    }
}

/// Forwards the child's report lines to stdout and its protocol lines to a channel.
fn forward_child_output(child: &mut Child) -> Result<(JoinHandle<()>, Receiver<String>), String> {
    let out = child.stdout.take().ok_or("the child has no stdout")?;
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = spawn("soak-child-output", move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            match line.strip_prefix(TAG) {
                Some(msg) => {
                    if tx.send(msg.to_owned()).is_err() {
                        break;
                    }
                }
                None => println!("{line}"),
            }
        }
    })?;
    Ok((handle, rx))
}

/// Waits for a protocol line starting with `key`, handing every other one to `report`.
fn expect(
    rx: &Receiver<String>,
    key: &str,
    within: Duration,
    report: &mut ClientReport,
) -> Result<String, String> {
    let deadline = Instant::now() + within;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(line) if line.split_whitespace().next() == Some(key) => return Ok(line),
            Ok(line) => report.take(&line),
            Err(_) => return Err(format!("no '{key}' from the client within {within:?}")),
        }
    }
}

fn tell(stdin: &mut ChildStdin, line: &str) -> Result<(), String> {
    writeln!(stdin, "{line}")
        .and_then(|()| stdin.flush())
        .map_err(|e| format!("cannot talk to the client: {e}"))
}

fn server_main(args: &Args) -> Result<bool, String> {
    let launch_threads = thread_count();
    println!(
        "soak: {:?} of load, seed {}, {} senders pausing up to {} µs (replay with --seed {})",
        args.duration, args.seed, args.senders, args.pause_us, args.seed
    );
    let fake = FakeSlack::builder()
        .goodbye_close_after(Duration::from_millis(500))
        // Sends far faster than Slack's RTM rate limit on purpose: the fake's is off.
        .rtm_rate_limit(None)
        .start()
        .map_err(|e| format!("cannot start the fake Slack: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    let mut child = Command::new(exe)
        .args(["--client", &fake.api_url(), fake.token()])
        .args([args.seed, args.senders as u64, args.pause_us].map(|n| n.to_string()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the client process: {e}"))?;
    let sampling = AtomicBool::new(true);
    let calls = Mutex::new(Vec::new());
    let result = std::thread::scope(|s| {
        s.spawn(|| sample_connect_calls(&fake, &sampling, &calls));
        let result = drive(args, &fake, &mut child, &calls);
        sampling.store(false, Ordering::Relaxed);
        result
    });
    // Whatever happened, the child must not outlive the soak.
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let (mut verdict, output) = result?;
    verdict.check(status.is_some_and(|s| s.success()), || {
        format!("the client process ended with {status:?}")
    });
    if join_within(output, Duration::from_secs(5)).is_none() {
        verdict.check(false, || "the client's output did not end".into());
    }
    let rss_before_drop = rss_kb();
    drop(fake);
    let after = settle_threads(launch_threads, Duration::from_secs(5));
    println!(
        "server process: VmRSS {rss_before_drop} kB before dropping the fake server, {} kB after (its records are capped at record_limit entries each); threads {after} after dropping it (at launch {launch_threads})",
        rss_kb()
    );
    verdict.check(after <= launch_threads, || {
        format!("{after} threads after dropping the fake server, {launch_threads} at launch")
    });
    Ok(verdict.passed())
}

type Driven = (Verdict, JoinHandle<()>);

fn drive(
    args: &Args,
    fake: &FakeSlack,
    child: &mut Child,
    calls: &Mutex<Vec<Span>>,
) -> Result<Driven, String> {
    let mut stdin = child.stdin.take().ok_or("the child has no stdin")?;
    let (output, rx) = forward_child_output(child)?;
    let mut report = ClientReport::default();
    expect(&rx, "loading", Duration::from_secs(30), &mut report)?;

    let shared = Arc::new(ServerShared {
        stop: AtomicBool::new(false),
        book: Mutex::new(ServerBook::default()),
    });
    // The fake server is borrowed by both threads: scoped threads end before it is dropped.
    let (last_seq, threads_stopped) = std::thread::scope(|s| {
        let p = s.spawn(|| pusher(fake, &shared, Rng::new(args.seed, 1)));
        let f = s.spawn(|| faults(fake, &shared, Rng::new(args.seed, 2)));
        let began = Instant::now();
        while began.elapsed() < args.duration && !p.is_finished() && !f.is_finished() {
            std::thread::sleep(Duration::from_millis(100));
        }
        shared.stop.store(true, Ordering::Relaxed);
        // Both notice the stop within a nap step, or a blast: bounded, but if either
        // were stuck the scope would wait for it, so say so first.
        let deadline = Instant::now() + JOIN_BOUND;
        while !(p.is_finished() && f.is_finished()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let stopped = p.is_finished() && f.is_finished();
        if !stopped {
            println!("the pusher or fault thread is stuck (a blast that never ends?)");
            // Unstick a blast: a session that ends stops blasting.
            fake.drop_connections();
        }
        (p.join().unwrap_or(0), stopped)
    });
    fake.set_ack_policy(AckPolicy::Immediate);
    tell(&mut stdin, "settle")?;
    expect(&rx, "settled", Duration::from_secs(60), &mut report)?;
    // A last tick on the healthy link: the client reports once it has seen it.
    let fence = last_seq + 1;
    let fence_deadline = Instant::now() + Duration::from_secs(5);
    while push_tick(fake, &shared.book, fence) == 0 && Instant::now() < fence_deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    tell(&mut stdin, &format!("fence {fence}"))?;
    drop(stdin);
    expect(&rx, "done", Duration::from_secs(60), &mut report)?;

    let mut verdict = Verdict::default();
    verdict.check(threads_stopped, || {
        "the pusher or fault thread did not stop".into()
    });
    verdict.check(report.passed, || {
        "the client's own checks failed (see above)".into()
    });
    audit_events(&shared.book.lock(), &report, fence, &mut verdict);
    if let Some(ms) = report.ready_after_ms {
        println!("\nthe client was ready again {ms} ms after the faults stopped");
    }
    println!(
        "server: sessions opened {}, rtm.connect calls {}",
        fake.sessions_opened(),
        fake.connect_calls()
    );
    audit_connect_calls(&calls.lock(), &report, &mut verdict);
    Ok((verdict, output))
}

/// When the fake counted one `rtm.connect` call: after `.0` and no later than `.1`
/// (µs since the sampler started).
type Span = (u64, u64);

/// Samples the fake's `rtm.connect` count every [`SAMPLE_EVERY`] until `sampling` is
/// cleared, recording each new call's [`Span`]: after the previous read began, no later
/// than the read that saw it ended. A preempted sampler makes spans wider, never wrong.
fn sample_connect_calls(fake: &FakeSlack, sampling: &AtomicBool, calls: &Mutex<Vec<Span>>) {
    let t0 = Instant::now();
    let micros = || t0.elapsed().as_micros() as u64;
    let mut seen = 0;
    let mut previous_read = 0;
    while sampling.load(Ordering::Relaxed) {
        let begun = micros();
        let n = fake.connect_calls();
        let ended = micros();
        if n > seen {
            calls
                .lock()
                .extend(std::iter::repeat_n((previous_read, ended), n - seen));
            seen = n;
        }
        previous_read = begun;
        std::thread::sleep(SAMPLE_EVERY);
    }
}

/// The shortest stretch of `n` consecutive calls, as (at least, at most) given each
/// call's span; `None` with fewer than `n` calls.
fn shortest_stretch(calls: &[Span], n: usize) -> Option<(Duration, Duration)> {
    calls
        .windows(n)
        .map(|w| {
            let (first, last) = (w[0], w[n - 1]);
            (last.0.saturating_sub(first.1), last.1 - first.0)
        })
        .min_by_key(|&(_, most)| most)
        .map(|(least, most)| (Duration::from_micros(least), Duration::from_micros(most)))
}

/// The server's count of `rtm.connect` calls against the client's budget, and the
/// client's count of its attempts beside it.
fn audit_connect_calls(calls: &[Span], report: &ClientReport, verdict: &mut Verdict) {
    let over = match (calls.first(), calls.last()) {
        (Some(a), Some(b)) => Duration::from_micros(b.1 - a.0),
        _ => Duration::ZERO,
    };
    println!(
        "rtm.connect calls as the server counted them: {} over {:.1} s (each known to within {:?} of sampling, or longer when the sampler was preempted); connection attempts the client started (Event::Connecting): {}",
        calls.len(),
        over.as_secs_f64(),
        SAMPLE_EVERY,
        report.attempts
    );
    for (allowed, window) in BUDGET {
        let n = allowed + 1;
        match shortest_stretch(calls, n) {
            None => println!("  {n} calls within {window:?}: never (fewer calls)"),
            Some((least, most)) => {
                println!(
                    "  {n} calls within {window:?}: the budget allows none; the shortest stretch of {n} took {:.3} to {:.3} s",
                    least.as_secs_f64(),
                    most.as_secs_f64()
                );
                verdict.check(most >= window, || {
                    format!("the server saw {n} rtm.connect calls within {most:?}; the budget allows {allowed} in any {window:?}")
                });
            }
        }
    }
}

fn audit_events(book: &ServerBook, report: &ClientReport, fence: u64, verdict: &mut Verdict) {
    let mut cuts: Vec<u64> = book
        .cuts
        .iter()
        .chain(&report.reconnects)
        .copied()
        .collect();
    cuts.sort_unstable();
    let window = LOSS_WINDOW.as_millis() as u64;
    // A cut at or after `from` (1 ms of clock slack), at most `window` after `until`.
    let cut_after = |from: u64, until: u64| {
        let i = cuts.partition_point(|&c| c + 1 < from);
        cuts.get(i).is_some_and(|&c| c <= until + window)
    };
    let mut missing = vec![false; book.ticks.len()];
    for &(a, b) in &report.missing {
        for seq in a..=b.min(book.ticks.len() as u64) {
            if seq >= 1 {
                missing[(seq - 1) as usize] = true;
            }
        }
    }
    // Ticks after the last one the client saw were never received either.
    for m in missing.iter_mut().skip(report.last_seq as usize) {
        *m = true;
    }
    let (mut undeliverable, mut extra_copies, mut received) = (0u64, 0u64, 0u64);
    let (mut lost_explained, mut lost_unexplained, mut impossible) = (0u64, 0u64, 0u64);
    for (i, &(at, took)) in book.ticks.iter().enumerate() {
        match (took, missing[i]) {
            (0, true) => undeliverable += 1,
            (0, false) => impossible += 1, // received, yet no session took it
            (_, false) => received += 1,
            (_, true) if cut_after(at, at) => lost_explained += 1,
            (_, true) => lost_unexplained += 1,
        }
        extra_copies += u64::from(took.saturating_sub(1));
    }
    let pushed = book.ticks.len() as u64;
    println!("\n== events (pushed by the server, received by the client) ==");
    println!(
        "ticks pushed {pushed}: with no greeted session (push returned 0, not deliverable) {undeliverable}, deliverable {} (+{extra_copies} copies to a lingering half-open session)",
        pushed - undeliverable - impossible
    );
    println!(
        "ticks received {received}; lost with a cut connection (within {LOSS_WINDOW:?} after the push) {lost_explained}; lost otherwise {lost_unexplained}; received but never deliverable {impossible}; duplicated or out of order {}",
        report.out_of_order
    );
    let (mut written, mut got, mut b_explained, mut b_unexplained) = (0u64, 0u64, 0u64, 0u64);
    for (id, &(started, finished, n)) in &book.blasts {
        let r = report.blasts.get(id).copied().unwrap_or(0);
        written += n;
        got += r;
        verdict.check(r <= n, || format!("blast {id}: received {r} of {n} frames"));
        let lost = n.saturating_sub(r);
        if cut_after(started, finished) {
            b_explained += lost;
        } else {
            b_unexplained += lost;
        }
    }
    let unknown_blasts: u64 = report
        .blasts
        .iter()
        .filter(|(id, _)| !book.blasts.contains_key(id))
        .map(|(_, n)| n)
        .sum::<u64>()
        + report.blast_unknown;
    println!(
        "blasts {}: frames written {written}, received {got}, lost with a cut connection {b_explained}, lost otherwise {b_unexplained}, frames of unknown blasts {unknown_blasts}",
        book.blasts.len()
    );
    println!(
        "reported dropped by the client (Event::EventsDropped, slow consumer): {}",
        report.dropped
    );
    println!(
        "malformed/binary frames pushed {} ({} with no session)",
        book.malformed_pushed, book.malformed_undeliverable
    );
    println!("faults injected: {:?}", book.faults);
    let unexplained = lost_unexplained + b_unexplained;
    verdict.check(unexplained <= report.dropped, || {
        format!(
            "{unexplained} events lost with no connection cut nearby, but the client reported only {} dropped",
            report.dropped
        )
    });
    verdict.check(
        report.out_of_order == 0 && impossible == 0 && unknown_blasts == 0,
        || "events duplicated, reordered, or received though never deliverable".into(),
    );
    verdict.check(report.last_seq == fence, || {
        format!(
            "the last tick ({fence}), pushed after the faults stopped, did not arrive (last seen {})",
            report.last_seq
        )
    });
}

// ======================================================================================
// The child: the client, its senders and consumer, and its own resource audit.
// ======================================================================================

/// What the child's threads count.
#[derive(Default)]
struct ClientShared {
    stop_senders: AtomicBool,
    attempted: AtomicU64,
    acked: AtomicU64,
    rejected: AtomicU64,
    failed: Mutex<BTreeMap<String, u64>>,
    acked_wrong_text: AtomicU64,
    empty_sent: AtomicU64,
    empty_acked: AtomicU64,
    ticks: Mutex<TickBook>,
    echoes: AtomicU64,
    other_slack: AtomicU64,
    dropped: AtomicU64,
    error_events: AtomicU64,
    ready_events: AtomicU64,
    connecting_events: AtomicU64,
    unable_to_start: Mutex<BTreeMap<String, u64>>,
    disconnected: Mutex<Vec<String>>,
}

#[derive(Default)]
struct TickBook {
    last_seq: u64,
    out_of_order: u64,
    received: u64,
    /// Gaps in the received sequence: (first, last) missing.
    missing: Vec<(u64, u64)>,
    blasts: BTreeMap<u64, u64>,
    blast_unknown: u64,
    reconnects: Vec<u64>,
}

impl ClientShared {
    fn total_failed(&self) -> u64 {
        self.failed.lock().values().sum()
    }
}

fn error_key(e: &Error) -> String {
    match e {
        Error::NoReplyReceived { cause, .. } => format!("NoReplyReceived({cause:?})"),
        Error::Timeout(kind) => format!("Timeout({kind:?})"),
        other => format!("{:?}", other.code()),
    }
}

fn sender(client: RtmClient, shared: Arc<ClientShared>, mut rng: Rng, me: usize, pause_us: u64) {
    let mut i = 0u64;
    while !shared.stop_senders.load(Ordering::Relaxed) {
        i += 1;
        if pause_us > 0 {
            std::thread::sleep(Duration::from_micros(rng.range(0, pause_us)));
        }
        // One send in 50 has an empty text: Slack must refuse it, never ack it.
        let text = if rng.chance(2) {
            String::new()
        } else {
            format!("soak {me}-{i} {}", "x".repeat(rng.range(0, 200) as usize))
        };
        shared.attempted.fetch_add(1, Ordering::Relaxed);
        if text.is_empty() {
            shared.empty_sent.fetch_add(1, Ordering::Relaxed);
        }
        match client.send_message(CHANNEL, &text) {
            Ok(reply) => {
                shared.acked.fetch_add(1, Ordering::Relaxed);
                if text.is_empty() {
                    shared.empty_acked.fetch_add(1, Ordering::Relaxed);
                } else if reply.text.as_deref() != Some(text.as_str()) {
                    shared.acked_wrong_text.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(Error::Platform(_)) => {
                shared.rejected.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                *shared.failed.lock().entry(error_key(&e)).or_default() += 1;
                if matches!(e, Error::SendWhileDisconnected | Error::SendWhileNotReady) {
                    // Nothing was sent; do not spin while the client reconnects.
                    std::thread::sleep(rng.millis(5, 30));
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct Tick {
    seq: u64,
}

#[derive(Deserialize)]
struct BlastFrame {
    blast: u64,
}

/// Counts events until the stream ends (after `disconnect`) or `hard_stop` is set.
fn consumer(events: Events, shared: Arc<ClientShared>, hard_stop: Arc<AtomicBool>) {
    while !hard_stop.load(Ordering::Relaxed) {
        let event = match events.recv_timeout(Duration::from_millis(500)) {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Ended) => return,
        };
        match event {
            Event::Slack(ev) => match ev.kind() {
                "soak_tick" => match ev.deserialize::<Tick>() {
                    Ok(t) => {
                        let mut book = shared.ticks.lock();
                        if t.seq <= book.last_seq {
                            book.out_of_order += 1;
                        } else {
                            if t.seq > book.last_seq + 1 {
                                let gap = (book.last_seq + 1, t.seq - 1);
                                book.missing.push(gap);
                            }
                            book.last_seq = t.seq;
                            book.received += 1;
                        }
                    }
                    Err(_) => {
                        shared.other_slack.fetch_add(1, Ordering::Relaxed);
                    }
                },
                "soak_blast" => {
                    let mut book = shared.ticks.lock();
                    match ev.deserialize::<BlastFrame>() {
                        Ok(b) => *book.blasts.entry(b.blast).or_default() += 1,
                        Err(_) => book.blast_unknown += 1,
                    }
                }
                "message" => {
                    shared.echoes.fetch_add(1, Ordering::Relaxed);
                }
                _ => {
                    shared.other_slack.fetch_add(1, Ordering::Relaxed);
                }
            },
            Event::EventsDropped(n) => {
                shared.dropped.fetch_add(n, Ordering::Relaxed);
            }
            Event::Error(_) => {
                shared.error_events.fetch_add(1, Ordering::Relaxed);
            }
            Event::Reconnecting => shared.ticks.lock().reconnects.push(wall_ms()),
            Event::Connecting => {
                shared.connecting_events.fetch_add(1, Ordering::Relaxed);
            }
            Event::Ready => {
                shared.ready_events.fetch_add(1, Ordering::Relaxed);
            }
            Event::UnableToStart(e) => {
                *shared
                    .unable_to_start
                    .lock()
                    .entry(error_key(&e))
                    .or_default() += 1;
            }
            Event::Disconnected(e) => shared.disconnected.lock().push(match e {
                None => "requested".into(),
                Some(e) => format!("error: {e}"),
            }),
            _ => {}
        }
    }
}

/// Reads the parent's commands from stdin; the channel ends at EOF.
fn commands() -> Result<(JoinHandle<()>, Receiver<String>), String> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = spawn("soak-commands", move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    })?;
    Ok((handle, rx))
}

fn say(line: impl std::fmt::Display) {
    println!("{TAG}{line}");
}

fn client_main(argv: &[String]) -> Result<bool, String> {
    let [api_url, token, seed, senders, pause_us] = argv else {
        return Err("usage: soak --client API_URL TOKEN SEED SENDERS PAUSE_US".into());
    };
    let seed: u64 = seed.parse().map_err(|_| "bad seed")?;
    let senders: usize = senders.parse().map_err(|_| "bad sender count")?;
    let pause_us: u64 = pause_us.parse().map_err(|_| "bad pause")?;
    let launch_threads = thread_count();
    let (command_thread, commands) = commands()?;

    let client = RtmClient::builder(token.as_str())
        .slack_api_url(api_url.as_str())
        .client_ping_timeout(Duration::from_secs(1))
        .server_pong_timeout(Duration::from_millis(500))
        .hello_timeout(Duration::from_secs(1))
        .connect_timeout(Duration::from_secs(2))
        .http_timeout(Duration::from_secs(2))
        .start_timeout(Duration::from_secs(10))
        .reply_timeout(Duration::from_secs(2))
        .reply_ack_on_reconnect_timeout(Duration::from_millis(500))
        // No practical limit: the soak wants load, not the protocol's 1 message/s.
        .rate_limit(Some(RateLimit::new(1_000_000.0, 10_000)))
        .retry(
            RetryPolicy::default()
                .first_retry(Duration::from_millis(50))
                .initial_backoff(Duration::from_millis(100))
                .multiplier(2.0)
                .max_backoff(Duration::from_secs(1))
                .jitter(0.25)
                .reset_after(Duration::from_secs(5))
                .max_attempts(None),
        )
        .build()
        .map_err(|e| format!("cannot build the client: {e}"))?;
    let events = client.events();
    let info = client
        .start()
        .map_err(|e| format!("the first connection failed: {e}"))?;
    std::thread::sleep(Duration::from_millis(300));
    let (start_rss, start_heap, start_threads) = (rss_kb(), live_heap(), thread_count());
    println!(
        "client process: connected as {} in {}; VmRSS {start_rss} kB, live heap {start_heap} B, {start_threads} threads (at launch {launch_threads}, +1 reading commands)",
        info.self_name, info.team_name
    );

    let shared = Arc::new(ClientShared::default());
    let hard_stop = Arc::new(AtomicBool::new(false));
    let consumer_thread = spawn("soak-consumer", {
        let (shared, hard_stop) = (shared.clone(), hard_stop.clone());
        move || consumer(events, shared, hard_stop)
    })?;
    let mut sender_threads = Vec::new();
    for i in 0..senders {
        let (client, shared) = (client.clone(), shared.clone());
        let rng = Rng::new(seed, 100 + i as u64);
        sender_threads.push(spawn(&format!("soak-sender-{i}"), move || {
            sender(client, shared, rng, i, pause_us)
        })?);
    }
    say("loading");

    // ----- the load: report every so often until the parent says "settle" -----
    let began = Instant::now();
    let mut last_report = Instant::now();
    let mut report_every = Duration::from_secs(10);
    let mut warm_rss = None;
    let mut max_threads = thread_count();
    let mut max_rss = start_rss;
    let wait_limit = Duration::from_secs(24 * 3600);
    loop {
        match commands.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line == "settle" => break,
            Ok(_) => {}
            Err(ChannelTimeout::Timeout) if began.elapsed() < wait_limit => {}
            Err(_) => return Err("the parent went away".into()),
        }
        max_threads = max_threads.max(thread_count());
        max_rss = max_rss.max(rss_kb());
        if warm_rss.is_none() && began.elapsed() >= Duration::from_secs(30) {
            warm_rss = Some(rss_kb());
        }
        if last_report.elapsed() >= report_every {
            last_report = Instant::now();
            if began.elapsed() > Duration::from_secs(120) {
                report_every = Duration::from_secs(60);
            }
            let s = client.stats();
            println!(
                "[{:>4.0} s] state {:?}; sends {} (acked {}, rejected {}, failed {}); ticks received {}; reconnects {}; VmRSS {} kB; live heap {} kB; threads {}",
                began.elapsed().as_secs_f64(),
                s.state,
                shared.attempted.load(Ordering::Relaxed),
                shared.acked.load(Ordering::Relaxed),
                shared.rejected.load(Ordering::Relaxed),
                shared.total_failed(),
                shared.ticks.lock().received,
                s.reconnects,
                rss_kb(),
                live_heap() / 1024,
                thread_count()
            );
        }
    }
    let load_end_rss = rss_kb();
    let mut verdict = Verdict::default();

    // ----- settle: the faults have stopped; the client must be ready again -----
    // Within the longest wait the client may owe the server: after a run of failed
    // attempts its budget allows no more than 10 in any minute (so up to 60 s from the
    // first of the last ten), then at most the 15 s backoff ceiling, then the dial.
    let settle_start = Instant::now();
    let ready_by = settle_start + SETTLE_BOUND;
    while client.state() != State::Ready && Instant::now() < ready_by {
        std::thread::sleep(Duration::from_millis(20));
    }
    let state = client.state();
    verdict.check(state == State::Ready, || {
        format!("not ready {SETTLE_BOUND:?} after the faults stopped (state {state:?})")
    });
    say(format!(
        "ready again {} ms after the faults stopped",
        settle_start.elapsed().as_millis()
    ));
    // A moment of sends on a healthy link, then stop the senders.
    std::thread::sleep(Duration::from_secs(1));
    shared.stop_senders.store(true, Ordering::Relaxed);
    let hung = sender_threads
        .into_iter()
        .map(|h| join_within(h, JOIN_BOUND).is_none())
        .filter(|&hung| hung)
        .count();
    verdict.check(hung == 0, || {
        format!("{hung} sender(s) still inside send_message {JOIN_BOUND:?} after the stop")
    });
    say("settled");

    // ----- the last tick, then disconnect -----
    let fence = match commands.recv_timeout(Duration::from_secs(30)) {
        Ok(line) => line
            .strip_prefix("fence ")
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0),
        Err(_) => 0,
    };
    let fence_by = Instant::now() + Duration::from_secs(5);
    while shared.ticks.lock().last_seq < fence && Instant::now() < fence_by {
        std::thread::sleep(Duration::from_millis(10));
    }
    let before = client.stats();
    client.disconnect();
    let stats = client.stats();
    if join_within(consumer_thread, Duration::from_secs(5)).is_none() {
        hard_stop.store(true, Ordering::Relaxed);
        verdict.check(false, || {
            "the event stream did not end after disconnect".into()
        });
    }

    // ----- sends -----
    let attempted = shared.attempted.load(Ordering::Relaxed);
    let acked = shared.acked.load(Ordering::Relaxed);
    let rejected = shared.rejected.load(Ordering::Relaxed);
    let failed = shared.total_failed();
    println!("\n== sends ==");
    println!("attempted {attempted}: acked {acked}, rejected {rejected}, failed {failed}");
    for (code, n) in shared.failed.lock().iter() {
        println!("  failed with {code}: {n}");
    }
    println!(
        "empty texts sent {} (acked {}); acked with another text than sent: {}",
        shared.empty_sent.load(Ordering::Relaxed),
        shared.empty_acked.load(Ordering::Relaxed),
        shared.acked_wrong_text.load(Ordering::Relaxed)
    );
    println!(
        "client stats: sends_acked {}, sends_rejected {}, sends_failed {}, late_replies {}; before disconnect: awaiting_reply {}, queued {}",
        stats.sends_acked,
        stats.sends_rejected,
        stats.sends_failed,
        stats.late_replies,
        before.awaiting_reply,
        before.queued
    );
    verdict.check(acked + rejected + failed == attempted, || {
        format!(
            "acked + rejected + failed = {} but {attempted} sends were attempted",
            acked + rejected + failed
        )
    });
    verdict.check(shared.empty_acked.load(Ordering::Relaxed) == 0, || {
        "a message with an empty text was acked".into()
    });
    verdict.check(shared.acked_wrong_text.load(Ordering::Relaxed) == 0, || {
        "a reply carried another send's text (a mis-routed reply)".into()
    });
    verdict.check(
        (stats.sends_acked, stats.sends_rejected, stats.sends_failed) == (acked, rejected, failed),
        || "the client's stats() disagree with the senders' own counts".into(),
    );
    verdict.check(before.awaiting_reply == 0 && before.queued == 0, || {
        "sends still waiting for a reply after every sender returned".into()
    });

    // ----- events and connections, as the client saw them -----
    let dropped = shared.dropped.load(Ordering::Relaxed);
    println!("\n== events and connections (client side) ==");
    println!(
        "Slack events received (stats) {}; echoes of own messages {}; other Slack events {}; Event::Error {} (stats malformed_frames {}); Event::EventsDropped total {dropped} (stats events_dropped {})",
        stats.events_received,
        shared.echoes.load(Ordering::Relaxed),
        shared.other_slack.load(Ordering::Relaxed),
        shared.error_events.load(Ordering::Relaxed),
        stats.malformed_frames,
        stats.events_dropped
    );
    let disconnected = shared.disconnected.lock().clone();
    println!(
        "reconnects (stats) {}; reconnecting events {}; ready events {}; unable_to_rtm_start {:?}; disconnected events {disconnected:?}",
        stats.reconnects,
        shared.ticks.lock().reconnects.len(),
        shared.ready_events.load(Ordering::Relaxed),
        *shared.unable_to_start.lock(),
    );
    verdict.check(stats.events_dropped == dropped, || {
        "stats().events_dropped disagrees with the EventsDropped events".into()
    });
    verdict.check(disconnected == ["requested"], || {
        "expected exactly one disconnected event, the requested one".into()
    });

    // ----- resources -----
    drop(client);
    drop(commands);
    if join_within(command_thread, Duration::from_secs(5)).is_none() {
        verdict.check(false, || "the parent did not close the command pipe".into());
    }
    let end_threads = settle_threads(launch_threads, Duration::from_secs(5));
    let (end_rss, end_heap) = (rss_kb(), live_heap());
    let warm_text = warm_rss.map_or("n/a (shorter run)".to_string(), |kb| format!("{kb} kB"));
    let warm_rss = warm_rss.unwrap_or(start_rss);
    println!("\n== client process resources ==");
    println!(
        "VmRSS: after the first connection {start_rss} kB, after 30 s of load {warm_text}, end of load {load_end_rss} kB, peak {max_rss} kB, after disconnect and dropping the client {end_rss} kB"
    );
    println!(
        "live heap: after the first connection {start_heap} B, after dropping the client {end_heap} B"
    );
    println!(
        "threads: after the first connection {start_threads}, peak {max_threads}, after dropping the client {end_threads} (at launch {launch_threads})"
    );
    println!(
        "tolerances: VmRSS +{RSS_TOLERANCE_KB} kB (allocator retention), live heap +{HEAP_TOLERANCE} B (the soak's own records)"
    );
    verdict.check(end_threads <= launch_threads, || {
        format!("{end_threads} threads after dropping the client, {launch_threads} at launch")
    });
    verdict.check(end_heap <= start_heap + HEAP_TOLERANCE, || {
        format!(
            "live heap {end_heap} B after dropping the client, {start_heap} B after the first connection"
        )
    });
    verdict.check(end_rss <= start_rss + RSS_TOLERANCE_KB, || {
        format!("VmRSS {end_rss} kB after dropping the client, {start_rss} kB at the start")
    });
    verdict.check(load_end_rss <= warm_rss + RSS_TOLERANCE_KB, || {
        format!("VmRSS grew from {warm_rss} kB to {load_end_rss} kB under steady load")
    });

    // ----- hand the parent what it needs for the event audit -----
    let book = std::mem::take(&mut *shared.ticks.lock());
    say(format_args!(
        "ticks {} {}",
        book.last_seq, book.out_of_order
    ));
    for (a, b) in &book.missing {
        say(format_args!("missing {a} {b}"));
    }
    for (id, n) in &book.blasts {
        say(format_args!("blast {id} {n}"));
    }
    say(format_args!("blast_unknown {}", book.blast_unknown));
    for at in &book.reconnects {
        say(format_args!("reconnecting {at}"));
    }
    say(format_args!("dropped {dropped}"));
    say(format_args!(
        "attempts {}",
        shared.connecting_events.load(Ordering::Relaxed)
    ));
    say(format_args!("passed {}", u8::from(verdict.passed())));
    say("done");
    Ok(verdict.passed())
}
