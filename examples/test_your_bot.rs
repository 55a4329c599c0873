//! Test your own bot with the fake Slack.
//!
//! Your bot's logic is a function that takes the client and an event (here [`handle`],
//! which answers `!ping` with `pong`). To test it, run it against
//! [`FakeSlack`](slack_rtm::fake::FakeSlack), the fake Slack server this crate embeds (on
//! loopback, in your test process, no network or workspace needed):
//! 1. start a `FakeSlack` and point a client at it (`fake.token()`, `fake.api_url()`);
//! 2. register the bot's handler and run it on a thread ([`BotUnderTest`] below);
//! 3. play the other side with `fake.push(event)`: whatever Slack would send;
//! 4. wait for what the bot sends with `fake.wait_for_sent(predicate, timeout)` and assert
//!    on it. Events are handled in order, so once the bot has answered an event, it has
//!    also handled (and maybe ignored) every event pushed before it: that is how to assert
//!    that something was *not* answered without sleeping.
//!
//! The tests are at the end of this file, in `mod tests`, ready to copy next to your bot.
//! `cargo test --example test_your_bot` runs them (plain `cargo test` too: this example
//! sets `test = true` in Cargo.toml); `cargo run --example test_your_bot`
//! plays the same scenario with commentary and exits 0 when the bot behaved. With
//! `SLACK_BOT_TOKEN` set it runs the bot in your workspace until Ctrl-C (say `!ping` in a
//! channel it is in).
//!
//! ```text
//! cargo run --example test_your_bot
//! cargo test --example test_your_bot
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example test_your_bot
//! ```

use std::process::ExitCode;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use slack_rtm::fake::FakeSlack;
use slack_rtm::typed::{MessageKind, TypedEvent};
use slack_rtm::{Event, RtmClient, SlackEvent};

/// The bot: answers a message that says `!ping` with `pong`, in the same channel.
/// Edits, other bots' messages and its own messages are not commands.
fn handle(client: &RtmClient, event: &Event) {
    let Some(TypedEvent::Message(msg)) = event.as_slack().map(SlackEvent::typed) else {
        return;
    };
    let from_a_person = msg.kind() == MessageKind::Plain
        && msg.user.is_some()
        && msg.user != client.active_user_id();
    if !from_a_person {
        return;
    }
    let (Some(channel), Some("!ping")) =
        (msg.channel.as_deref(), msg.text.as_deref().map(str::trim))
    else {
        return;
    };
    if let Err(e) = client.send_message("pong", channel) {
        eprintln!("could not answer !ping in {channel}: {e}");
    }
}

/// The bot connected to a fake Slack, handling events on a thread of its own as
/// [`RtmClient::run`] would in production. Dropping it disconnects and joins the thread,
/// so a failed assertion never leaves a bot running.
struct BotUnderTest {
    client: RtmClient,
    thread: Option<JoinHandle<slack_rtm::Result<()>>>,
}

impl BotUnderTest {
    /// Connects a client to `fake`, registers the bot and starts dispatching. When it
    /// returns, the bot is ready: events pushed from now on reach it.
    fn start(fake: &FakeSlack) -> slack_rtm::Result<BotUnderTest> {
        let client = RtmClient::builder(fake.token())
            .slack_api_url(fake.api_url())
            .no_proxy() // the fake is on loopback: no proxy from the environment
            .build()?;
        client.on("message", handle);
        client.start()?;
        let thread = std::thread::spawn({
            let client = client.clone();
            move || client.run()
        });
        Ok(BotUnderTest {
            client,
            thread: Some(thread),
        })
    }

    /// Lets a reply in flight arrive (bounded), disconnects, and returns how the bot's
    /// loop ended (`Ok` after a clean stop).
    ///
    /// `wait_for_sent` returns as soon as the fake has the bot's frame, while the bot may
    /// still be waiting for Slack's acknowledgement: disconnecting right then would fail
    /// that send with "no reply received".
    fn stop(mut self) -> slack_rtm::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.client.stats().awaiting_reply > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.client.disconnect();
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(outcome)) => outcome,
            Some(Err(_)) => Err(slack_rtm::Error::Protocol("the bot panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for BotUnderTest {
    fn drop(&mut self) {
        self.client.disconnect();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A plain message from a person, as Slack would push it.
fn message(channel: &str, user: &str, text: &str, ts: &str) -> Value {
    json!({"type": "message", "channel": channel, "user": user, "text": text, "ts": ts})
}

/// The chat messages the bot sent, as the fake Slack recorded them.
fn chat_messages_sent(fake: &FakeSlack) -> Vec<Value> {
    fake.sent()
        .into_iter()
        .filter(|frame| frame["type"] == "message")
        .collect()
}

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => run_in_slack(token.trim()),
        _ => offline_scenario(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("test_your_bot failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The real bot, until Ctrl-C.
fn run_in_slack(token: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = RtmClient::builder(token).build()?;
    client.on("message", handle);
    let me = client.start()?;
    println!(
        "connected as {} in {}: say !ping (Ctrl-C to stop)",
        me.self_name, me.team_name
    );
    client.run()?;
    Ok(())
}

/// The steps of the tests below, with commentary, checked without panicking.
fn offline_scenario() -> Result<(), Box<dyn std::error::Error>> {
    const SOON: Duration = Duration::from_secs(5);
    println!("SLACK_BOT_TOKEN is not set: testing the bot against the embedded fake Slack");
    let fake = FakeSlack::builder().bot("U0BOT", "pingbot").start()?;
    let bot = BotUnderTest::start(&fake)?;
    println!("the bot is connected to {}", fake.api_url());

    println!("test 1: alice says !ping in C0TEST");
    fake.push(message("C0TEST", "U0ALICE", "!ping", "1700000000.000001"));
    let answer = fake
        .wait_for_sent(|f| f["type"] == "message", SOON)
        .ok_or("the bot did not answer !ping")?;
    println!("        the bot sent {answer}");
    if answer["text"] != "pong" || answer["channel"] != "C0TEST" {
        return Err(format!("expected \"pong\" in C0TEST, got {answer}").into());
    }
    println!("        ok: pong, in the same channel");

    println!("test 2: small talk, an edit to !ping, its own !ping, then a real !ping");
    fake.clear_sent();
    fake.push(message("C0TEST", "U0ALICE", "hello", "1700000000.000002"));
    fake.push(json!({
        "type": "message", "subtype": "message_changed", "channel": "C0TEST",
        "ts": "1700000000.000003",
        "message": {"type": "message", "user": "U0ALICE", "text": "!ping", "ts": "1700000000.000002"},
    }));
    fake.push(message("C0TEST", "U0BOT", "!ping", "1700000000.000004"));
    fake.push(message("C0OTHER", "U0BOB", "!ping", "1700000000.000005"));
    fake.wait_for_sent(|f| f["channel"] == "C0OTHER", SOON)
        .ok_or("the bot did not answer bob's !ping")?;
    // Events are handled in order: by now the first three were handled too.
    let sent = chat_messages_sent(&fake);
    let texts: Vec<String> = sent.iter().map(Value::to_string).collect();
    println!(
        "        the bot sent {} message(s): {}",
        sent.len(),
        texts.join(", ")
    );
    if sent.len() != 1 {
        return Err("the bot answered something that was not a !ping from a person".into());
    }
    println!("        ok: only bob's !ping was answered");

    bot.stop()?;
    println!("done: the bot passed both tests");
    Ok(())
}

// Copy this module next to your bot: `cargo test` runs it like any other test.
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;
    use slack_rtm::fake::FakeSlack;

    use super::{chat_messages_sent, message, BotUnderTest};

    /// Long enough for a slow CI machine; on loopback an answer takes milliseconds.
    const SOON: Duration = Duration::from_secs(5);

    #[test]
    fn answers_ping_with_pong_in_the_same_channel() -> Result<(), Box<dyn std::error::Error>> {
        let fake = FakeSlack::start()?;
        let bot = BotUnderTest::start(&fake)?;

        fake.push(message("C0TEST", "U0ALICE", "!ping", "1700000000.000001"));

        let answer = fake
            .wait_for_sent(|frame| frame["type"] == "message", SOON)
            .ok_or("the bot did not answer")?;
        assert_eq!(answer["text"], "pong");
        assert_eq!(answer["channel"], "C0TEST");
        bot.stop()?;
        Ok(())
    }

    #[test]
    fn answers_nothing_but_a_ping_from_a_person() -> Result<(), Box<dyn std::error::Error>> {
        let fake = FakeSlack::builder().bot("U0BOT", "pingbot").start()?;
        let bot = BotUnderTest::start(&fake)?;

        fake.push(message("C0TEST", "U0ALICE", "hello", "1700000000.000001"));
        fake.push(json!({ // alice edits "hello" into "!ping": an edit is not a command
            "type": "message", "subtype": "message_changed", "channel": "C0TEST",
            "ts": "1700000000.000002",
            "message": {"type": "message", "user": "U0ALICE", "text": "!ping", "ts": "1700000000.000001"},
        }));
        fake.push(message("C0TEST", "U0BOT", "!ping", "1700000000.000003")); // its own
        fake.push(message("C0OTHER", "U0BOB", "!ping", "1700000000.000004"));

        // Events are handled in order: once bob's ping is answered, the three events
        // before it have been handled, so "no answer to them" can be checked now.
        fake.wait_for_sent(|frame| frame["channel"] == "C0OTHER", SOON)
            .ok_or("the bot did not answer bob")?;
        let sent = chat_messages_sent(&fake);
        assert_eq!(sent.len(), 1, "answered more than bob's ping: {sent:?}");
        assert_eq!(sent[0]["text"], "pong");
        bot.stop()?;
        Ok(())
    }
}
