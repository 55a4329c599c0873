//! An echo bot: answers every message a person writes with "You said: …".
//!
//! It shows the handler style: [`RtmClient::on`] registers a closure for `message` events
//! and [`RtmClient::run`] calls it on the main thread, one event after the other, until
//! the session ends. The handler skips what an echo bot must never answer:
//! - messages with a subtype: edits, deletions, joins, other bots' posts, …;
//! - the bot's own messages, which Slack sends back to it like everyone else's
//!   (answering those would make it talk to itself forever).
//!
//! Without `SLACK_BOT_TOKEN` it runs offline against the crate's embedded fake Slack: a
//! short script pushes messages, checks each answer (or its absence) and exits 0, or
//! non-zero if the bot misbehaved. With the token it echoes in your workspace until
//! Ctrl-C: invite the bot to a channel and talk to it there.
//!
//! ```text
//! cargo run --example echo_bot
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example echo_bot
//! ```

use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use slack_rtm::fake::FakeSlack;
use slack_rtm::typed::{MessageKind, TypedEvent};
use slack_rtm::{Event, RtmClient, SlackEvent};

/// Errors that can cross threads (the offline script runs on one of its own).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => echo_in_slack(token.trim()),
        _ => offline_scenario(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_bot failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The bot: the handler for `message` events.
///
/// It runs on the thread that called [`RtmClient::run`], so it may block: `send_message`
/// waits for Slack's acknowledgement while the reader thread keeps receiving.
fn echo(client: &RtmClient, event: &Event) {
    let Some(TypedEvent::Message(msg)) = event.as_slack().map(SlackEvent::typed) else {
        return;
    };
    if msg.kind() != MessageKind::Plain {
        let subtype = msg.subtype.as_deref().unwrap_or_default();
        println!("  bot    skipped a {subtype} message");
        return;
    }
    if msg.user.is_some() && msg.user == client.active_user_id() {
        let text = msg.text.as_deref().unwrap_or_default();
        println!("  bot    skipped its own message {text:?}");
        return;
    }
    let (Some(channel), Some(text)) = (msg.channel.as_deref(), msg.text.as_deref()) else {
        return;
    };
    match client.send_message(channel, &format!("You said: {text}")) {
        Ok(reply) => println!(
            "  bot    answered {text:?} in {channel} (ts {})",
            reply.ts.as_deref().unwrap_or("?")
        ),
        Err(e) => eprintln!("  bot    could not answer in {channel}: {e}"),
    }
}

/// The real bot: echoes until Ctrl-C.
fn echo_in_slack(token: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = RtmClient::builder(token).build()?;
    client.on("message", echo);
    client.on("ready", |_, _| println!("ready: echoing (Ctrl-C to stop)"));
    client.on("reconnecting", |_, _| {
        println!("connection lost, reconnecting…")
    });
    let me = client.start()?;
    println!("connected as {} in {}", me.self_name, me.team_name);
    client.run()?; // returns only when the session ends for good
    Ok(())
}

/// The channel of the offline script.
const CHANNEL: &str = "C0ECHO";
/// Bound on every wait of the offline script.
const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// The offline scenario: the bot runs on the main thread exactly as in Slack; a second
/// thread plays the other side (people, edits, another bot) and checks what the bot sent.
fn offline_scenario() -> Result<(), Box<dyn std::error::Error>> {
    println!("SLACK_BOT_TOKEN is not set: running against the embedded fake Slack on 127.0.0.1");
    let fake = FakeSlack::start()?;
    fake.add_channel(CHANNEL, "echo"); // Slack refuses a conversation it does not know
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy() // the fake is on loopback: no proxy from the environment
        .build()?;
    client.on("message", echo);
    // The script watches from outside: this catch-all runs after the bot's handler, so
    // once it reports an event, the bot has finished with it.
    let (handled_tx, handled) = mpsc::channel();
    client.on_any(move |_, event| {
        if let Some(ev) = event.as_slack() {
            let _ = handled_tx.send(ev.clone());
        }
    });
    let me = client.start()?;
    println!("connected as {} ({})", me.self_name, me.self_id);

    let script = std::thread::scope(|s| {
        let (fake, client, me) = (&fake, &client, &me);
        let script = s.spawn(move || {
            let outcome = play_script(fake, &handled, &me.self_id);
            client.disconnect(); // ends `run` below, whatever happened
            outcome
        });
        let run = client.run();
        let script = script
            .join()
            .unwrap_or_else(|_| Err("the script panicked".into()));
        run.map_err(|e| format!("the bot stopped with an error: {e}"))?;
        script.map_err(|e| e.to_string())
    });
    script?;
    println!("done: every human message was echoed once, nothing else was answered");
    Ok(())
}

/// Pushes each scripted event, waits until the bot has handled it, and checks what the
/// bot sent in the meantime.
fn play_script(fake: &FakeSlack, handled: &Receiver<SlackEvent>, me: &str) -> Result<(), BoxError> {
    let steps = [
        (
            "alice writes \"hello bot\"",
            human("U0ALICE", "hello bot", 1),
            Some("You said: hello bot"),
        ),
        (
            "alice edits it",
            json!({
                "type": "message", "subtype": "message_changed", "hidden": true,
                "channel": CHANNEL, "ts": ts(2),
                "message": {"type": "message", "user": "U0ALICE", "text": "hello, bot", "ts": ts(1)},
                "previous_message": {"type": "message", "user": "U0ALICE", "text": "hello bot", "ts": ts(1)},
            }),
            None,
        ),
        (
            "another bot posts",
            json!({
                "type": "message", "subtype": "bot_message", "channel": CHANNEL,
                "bot_id": "B0OTHER", "username": "otherbot", "text": "beep", "ts": ts(3),
            }),
            None,
        ),
        (
            "bob writes \"bye\"",
            human("U0BOB", "bye", 4),
            Some("You said: bye"),
        ),
    ];
    for (what, event, expected) in steps {
        let before = answers(fake).len();
        let pushed_ts = event["ts"].clone();
        println!("script {what}");
        fake.push(event);
        wait_handled(handled, |ev| ev.json().is_ok_and(|v| v["ts"] == pushed_ts))?;
        let sent = answers(fake);
        let new: Vec<&str> = sent[before..]
            .iter()
            .filter_map(|f| f["text"].as_str())
            .collect();
        match expected {
            None if new.is_empty() => println!("script ok: no answer"),
            Some(answer) if new == [answer] => {
                println!("script ok: answered {answer:?}");
                // Slack echoes the answer back as a message from the bot: it must be
                // skipped, not answered again.
                wait_handled(handled, |ev| {
                    ev.json()
                        .is_ok_and(|v| v["user"] == me && v["text"] == answer)
                })?;
                if answers(fake).len() != sent.len() {
                    return Err("the bot answered its own message".into());
                }
                println!("script ok: its own message was not answered");
            }
            _ => {
                return Err(
                    format!("after {what}: expected {expected:?}, the bot sent {new:?}").into(),
                )
            }
        }
    }
    Ok(())
}

/// A plain message written by a person.
fn human(user: &str, text: &str, n: u32) -> Value {
    json!({"type": "message", "channel": CHANNEL, "user": user, "text": text, "ts": ts(n)})
}

fn ts(n: u32) -> String {
    format!("1700000000.{n:06}")
}

/// The chat messages the bot has sent so far, as the fake Slack recorded them.
fn answers(fake: &FakeSlack) -> Vec<Value> {
    fake.sent()
        .into_iter()
        .filter(|f| f["type"] == "message")
        .collect()
}

/// Waits (bounded) until the bot has handled an event matching `pred`.
fn wait_handled(
    handled: &Receiver<SlackEvent>,
    pred: impl Fn(&SlackEvent) -> bool,
) -> Result<SlackEvent, BoxError> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match handled.recv_timeout(left) {
            Ok(ev) if pred(&ev) => return Ok(ev),
            Ok(_) => {}
            Err(_) => {
                return Err(
                    format!("the bot did not handle the event within {STEP_TIMEOUT:?}").into(),
                )
            }
        }
    }
}
