//! The demo bot.
//!
//! Without `SLACK_BOT_TOKEN` it starts the crate's embedded fake Slack on loopback, connects
//! to it, plays a short scripted conversation (events flowing in, messages acknowledged)
//! and exits 0. With `SLACK_BOT_TOKEN` it is a real echo bot until Ctrl-C.
//!
//! ```text
//! cargo run --example demo
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example demo
//! ```

use std::process::ExitCode;
use std::time::Duration;

use serde_json::{json, Value};
use slack_rtm::fake::FakeSlack;
use slack_rtm::{Event, RecvTimeoutError, RtmClient};

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => echo_bot(token.trim()),
        _ => scripted_demo(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A real echo bot: answers every human message until Ctrl-C.
fn echo_bot(token: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = RtmClient::builder(token).build()?;
    client.on("ready", |_, _| {
        println!("ready: listening (Ctrl-C to stop)")
    });
    client.on("reconnecting", |_, _| {
        println!("connection lost, reconnecting…")
    });
    client.on("message", |client, event| {
        let Some(msg) = event.as_slack() else { return };
        if msg.subtype().is_some() {
            return; // edits, joins, bot messages, …
        }
        let Ok(v) = msg.json() else { return };
        if v["user"].as_str() == client.active_user_id().as_deref() {
            return; // our own echo
        }
        let (Some(channel), Some(text)) = (v["channel"].as_str(), v["text"].as_str()) else {
            return;
        };
        match client.send_message(channel, &format!("You said: {text}")) {
            Ok(reply) => println!(
                "answered in {channel} (ts {})",
                reply.ts.unwrap_or_default()
            ),
            Err(e) => eprintln!("could not answer: {e}"),
        }
    });
    let me = client.start()?;
    println!("connected as {} in {}", me.self_name, me.team_name);
    client.run()?;
    Ok(())
}

/// The offline demo against the embedded fake Slack.
fn scripted_demo() -> Result<(), Box<dyn std::error::Error>> {
    println!("SLACK_BOT_TOKEN is not set: running against the embedded fake Slack on 127.0.0.1");
    let fake = FakeSlack::start()?;
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy() // the fake Slack is on loopback
        .build()?;
    let events = client.events();
    let me = client.start()?;
    println!(
        "connected as {} ({}) in {}",
        me.self_name, me.self_id, me.team_name
    );

    let script = [
        "hello bot",
        "can you hear me?",
        "this one has a <https://example.com|link>",
        "bye",
    ];
    let channel = "C0DEMO";
    fake.add_channel(channel, "demo"); // Slack refuses a conversation it does not know
    let mut next_line = script.iter().enumerate();
    let mut push_next = |fake: &FakeSlack| {
        if let Some((i, line)) = next_line.next() {
            fake.push(json!({
                "type": "message", "channel": channel, "user": "U0HUMAN",
                "text": line, "ts": format!("1700000000.{:06}", i + 1),
            }));
        }
    };
    push_next(&fake);

    let mut answered = 0;
    loop {
        let event = match events.recv_timeout(Duration::from_secs(10)) {
            Ok(e) => e,
            Err(RecvTimeoutError::Ended) => break,
            Err(RecvTimeoutError::Timeout) => return Err("the demo stalled".into()),
        };
        match &event {
            Event::Slack(ev) if ev.kind() == "message" => {
                let v: Value = ev.json()?;
                let text = v["text"].as_str().unwrap_or_default();
                if v["user"] == me.self_id.as_str() {
                    println!("  event  message (our own, echoed by Slack): {text:?}");
                    continue;
                }
                println!("  event  message from {}: {text:?}", v["user"]);
                client.send_typing(channel)?;
                let reply = client.send_message(channel, &format!("You said: {text}"))?;
                answered += 1;
                println!(
                    "  sent   reply acknowledged: ts {} text {:?}",
                    reply.ts.as_deref().unwrap_or("?"),
                    reply.text.as_deref().unwrap_or_default()
                );
                if text == "bye" {
                    client.disconnect();
                } else {
                    push_next(&fake);
                }
            }
            Event::Slack(ev) => println!("  event  {}", ev.kind()),
            other => println!("  state  {}", other.name()),
        }
    }
    let stats = client.stats();
    println!(
        "done: {answered} messages answered, {} acknowledged, {} events received",
        stats.sends_acked, stats.events_received
    );
    if answered != script.len() {
        return Err(format!("expected {} answers, got {answered}", script.len()).into());
    }
    Ok(())
}
