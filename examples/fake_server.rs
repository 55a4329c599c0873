//! The embedded fake Slack as a separate process driven over stdin, plus a slack-rtm client
//! driven the same way: the two halves of `scripts/compare/run`, which measures this crate
//! next to the Node and Python Slack clients against the same server.
//!
//! ```text
//! cargo run --example fake_server                        # self-check: both halves, ~5 s
//! cargo run --release --example fake_server -- --serve   # the server, for scripts/compare/run
//! cargo run --release --example fake_server -- --client API_URL TOKEN   # the slack-rtm client
//! ```
//!
//! **`--serve`** starts a [`FakeSlack`] and prints `api <url>` and `token <token>`, then
//! `serving`. It then reads one command per line from stdin and answers each with one line:
//! - `blast N`: writes N copies of [`BLAST_EVENT`] to every greeted session (the fake's
//!   `blast`), then answers `blasted <frames written>`;
//! - `drop`: cuts every session's TCP connection at once, no close frame (`dropped`);
//! - `sessions`: `sessions <opened so far>`;
//! - `quit` (or end of input): `bye`, and the process exits.
//!
//! **`--client API_URL TOKEN`** is the slack-rtm side of the line protocol every client
//! driver in `scripts/compare/` speaks. It prints `hello` and `ready` when a session
//! opens (for slack-rtm both are [`Event::Ready`], which comes with Slack's `hello`), and
//! takes commands on stdin:
//! - `expect N`: answers `armed`, then `got N` once N more `message` events in channel
//!   `CBLAST` have reached the caller's loop (each parsed to JSON, as a bot would);
//! - `rtt K`: K `send_message` calls one after the other, each waiting for its ack;
//!   answers `rtt` and each round trip in microseconds;
//! - `quit`: disconnects and answers `bye`.
//!
//! The client uses the default settings except two, both stated in the comparison: the
//! outgoing rate limit is off (Slack's 1 message/s would make the round-trip test take
//! minutes; the other clients have none) and a slow consumer gets backpressure instead of
//! dropped events (so every event counts, as in the other clients, which buffer without
//! bound).
//!
//! With no arguments it checks itself: it serves in-process, runs the client as a child
//! process and drives it through every command once, then exits 0.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use slack_rtm::fake::FakeSlack;
use slack_rtm::{Event, RtmClient, SlowConsumerPolicy};

/// The event every `blast` repeats: a plain channel message of a realistic size (about
/// 250 bytes), in the channel the drivers count.
const BLAST_EVENT: &str = concat!(
    r#"{"type":"message","channel":"CBLAST","user":"U2147483697","#,
    r#""text":"Live long and prosper: a message of a realistic length for a busy channel.","#,
    r#""ts":"1355517523.000005","team":"T024BE7LD","#,
    r#""client_msg_id":"5c6b2ca1-0b5a-4c1e-9d17-6f0a6c7c0b51","blocks_hint":"none"}"#
);

/// The channel the round-trip messages go to.
const RTT_CHANNEL: &str = "C024BE91L";

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => self_check(),
        Some("--serve") => serve(),
        Some("--client") if args.len() == 3 => client(&args[1], &args[2]),
        Some(_) => Err("usage: fake_server [--serve | --client API_URL TOKEN]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fake_server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints one line and flushes it at once: the other end waits for it.
fn say(line: &str) {
    let mut out = io::stdout().lock();
    // A closed stdout means the controller is gone; the next read of stdin ends the loop.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

// ----- the server -----

fn serve() -> Res<()> {
    // Round trips faster than Slack's RTM rate limit on purpose: the fake's is off.
    let fake = FakeSlack::builder().rtm_rate_limit(None).start()?;
    fake.add_channel(RTT_CHANNEL, "round-trips"); // Slack refuses conversations it does not know
    say(&format!("api {}", fake.api_url()));
    say(&format!("token {}", fake.token()));
    say("serving");
    for line in io::stdin().lock().lines() {
        let line = line?;
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("blast"), Some(n)) => {
                let n: usize = n.parse()?;
                say(&format!("blasted {}", fake.blast(BLAST_EVENT, n)));
            }
            (Some("drop"), None) => {
                fake.drop_connections();
                say("dropped");
            }
            (Some("sessions"), None) => say(&format!("sessions {}", fake.sessions_opened())),
            (Some("quit"), None) => break,
            (None, _) => {}
            _ => say(&format!("error unknown command {line:?}")),
        }
    }
    say("bye");
    Ok(())
}

// ----- the slack-rtm client -----

fn client(api_url: &str, token: &str) -> Res<()> {
    let client = Arc::new(
        RtmClient::builder(token)
            .slack_api_url(api_url)
            .no_proxy()
            .rate_limit(None)
            .slow_consumer(SlowConsumerPolicy::Backpressure)
            .build()?,
    );
    let events = client.events();
    // Blast messages seen so far, the count at the last `expect`, and the count at which
    // `got` is due (0: none armed).
    let seen = Arc::new(AtomicU64::new(0));
    let armed_at = Arc::new(AtomicU64::new(0));
    let target = Arc::new(AtomicU64::new(0));
    let consumer = {
        let (seen, armed_at, target) = (seen.clone(), armed_at.clone(), target.clone());
        std::thread::spawn(move || {
            for event in events {
                match event {
                    Event::Ready => {
                        say("hello");
                        say("ready");
                    }
                    Event::Slack(ev) if ev.kind() == "message" => {
                        let Ok(v) = ev.json() else { continue };
                        if v["channel"] != "CBLAST" {
                            continue;
                        }
                        let now = seen.fetch_add(1, Ordering::Relaxed) + 1;
                        if now == target.load(Ordering::Relaxed) {
                            say(&format!("got {}", now - armed_at.load(Ordering::Relaxed)));
                        }
                    }
                    Event::EventsDropped(n) => say(&format!("dropped {n}")),
                    _ => {}
                }
            }
        })
    };
    client.start()?;
    for line in io::stdin().lock().lines() {
        let line = line?;
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("expect"), Some(n)) => {
                let n: u64 = n.parse()?;
                // `got N` reports N events after arming, whatever came before.
                let now = seen.load(Ordering::Relaxed);
                armed_at.store(now, Ordering::Relaxed);
                target.store(now + n, Ordering::Relaxed);
                say("armed");
            }
            (Some("rtt"), Some(k)) => {
                let k: usize = k.parse()?;
                let mut line = String::from("rtt");
                for _ in 0..k {
                    let t = Instant::now();
                    client.send_message(RTT_CHANNEL, "round trip")?;
                    line.push_str(&format!(" {:.1}", t.elapsed().as_secs_f64() * 1e6));
                }
                say(&line);
            }
            (Some("quit"), None) => break,
            (None, _) => {}
            _ => say(&format!("error unknown command {line:?}")),
        }
    }
    client.disconnect();
    let _ = consumer.join();
    say("bye");
    Ok(())
}

// ----- the self-check -----

/// A child's stdout, read line by line with a deadline per line.
struct Lines {
    rx: crossbeam_channel::Receiver<String>,
}

impl Lines {
    fn new(out: ChildStdout) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { rx }
    }

    /// The next line starting with `prefix` (others are skipped); an error after `limit`.
    fn expect(&self, prefix: &str, limit: Duration) -> Res<String> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return Ok(line),
                Ok(_) => {}
                Err(_) => return Err(format!("no {prefix:?} line within {limit:?}").into()),
            }
        }
    }
}

fn command(stdin: &mut ChildStdin, line: &str) -> Res<()> {
    writeln!(stdin, "{line}")?;
    stdin.flush()?;
    Ok(())
}

fn self_check() -> Res<()> {
    // Round trips faster than Slack's RTM rate limit on purpose: the fake's is off.
    let fake = FakeSlack::builder().rtm_rate_limit(None).start()?;
    fake.add_channel(RTT_CHANNEL, "round-trips"); // Slack refuses conversations it does not know
    let mut child: Child = Command::new(std::env::current_exe()?)
        .args(["--client", &fake.api_url(), fake.token()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let result = drive(&fake, &mut child);
    if result.is_err() {
        let _ = child.kill();
    }
    let status = child.wait()?;
    result?;
    if !status.success() {
        return Err(format!("the client exited with {status}").into());
    }
    println!("self-check passed");
    Ok(())
}

fn drive(fake: &FakeSlack, child: &mut Child) -> Res<()> {
    let limit = Duration::from_secs(30);
    let lines = Lines::new(child.stdout.take().ok_or("no child stdout")?);
    let stdin = child.stdin.as_mut().ok_or("no child stdin")?;
    lines.expect("ready", limit)?;

    command(stdin, "rtt 20")?;
    let rtt = lines.expect("rtt", limit)?;
    let samples = rtt.split_whitespace().skip(1).count();
    if samples != 20 {
        return Err(format!("20 round trips asked, {samples} reported").into());
    }
    println!("20 round trips acked");

    let t = Instant::now();
    fake.drop_connections();
    lines.expect("hello", limit)?;
    println!("reconnected after a drop in {:.1} ms", ms(t.elapsed()));

    command(stdin, "expect 2000")?;
    lines.expect("armed", limit)?;
    let t = Instant::now();
    let written = fake.blast(BLAST_EVENT, 2000);
    lines.expect("got 2000", limit)?;
    println!(
        "2000 events received ({written} written) in {:.1} ms",
        ms(t.elapsed())
    );

    command(stdin, "quit")?;
    lines.expect("bye", limit)?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
