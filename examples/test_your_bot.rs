//! Test your own bot with the fake Slack.
//!
//! Your bot's logic is a function that takes the client and a message (here [`handle`],
//! which answers `!ping` with `pong`, in the thread when the ping was in one). To test
//! it, run it against [`FakeSlack`](slack_rtm::fake::FakeSlack), the fake Slack server
//! this crate embeds (on loopback, in your test process, no network or workspace needed),
//! and play the people it talks to:
//! 1. `FakeSlack::start()` and `slack.start_bot(|client| client.on_message(handle))`:
//!    the bot is connected and running on a thread of its own;
//! 2. `slack.user("U0ALICE", "alice")` is a person; `alice.say(channel, "!ping")`,
//!    `alice.reply_in_thread(..)` and `alice.dm(..)` post as they would in Slack;
//! 3. `slack.next_bot_message(timeout)` is the bot's next message: its channel, text,
//!    thread, and whether Slack acknowledged it (and with which `ts`).
//!
//! Events are handled in order, so once the bot has answered an event, it has also
//! handled (and maybe ignored) every event pushed before it: that is how to check that
//! something was *not* answered, without sleeping.
//!
//! The fake checks ids as Slack does: a bot that answers in `"#general"` (a name) instead
//! of the channel's id is refused (`channel_not_found`), in the test as in production.
//!
//! Your `Cargo.toml` needs the fake for tests only:
//!
//! ```toml
//! [dev-dependencies]
//! slack-rtm = { version = "0.1", features = ["fake-slack"] }
//! ```
//!
//! The tests are at the end of this file, in `mod tests`, ready to copy next to your bot.
//! `cargo test --example test_your_bot` runs them (plain `cargo test` too: this example
//! sets `test = true` in Cargo.toml); `cargo run --example test_your_bot` plays the same
//! scenario with commentary and exits 0 when the bot behaved. With `SLACK_BOT_TOKEN` set
//! it runs the bot in your workspace until Ctrl-C (say `!ping` in a channel it is in).
//!
//! ```text
//! cargo run --example test_your_bot
//! cargo test --example test_your_bot
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example test_your_bot
//! ```

use std::process::ExitCode;
use std::time::Duration;

use slack_rtm::fake::FakeSlack;
use slack_rtm::typed::{Message, MessageKind};
use slack_rtm::{HandlerResult, RtmClient};

/// The bot: answers a message that says `!ping` with `pong`, in the same conversation
/// (and the same thread). Edits, other bots' messages and its own are not commands. An
/// error (a send Slack refused) goes to the log and the bot carries on.
fn handle(client: &RtmClient, msg: &Message) -> HandlerResult {
    let from_a_person = msg.kind() == MessageKind::Plain
        && msg.user.is_some()
        && msg.user != client.active_user_id();
    let (true, Some(channel), Some("!ping")) = (
        from_a_person,
        msg.channel.as_deref(),
        msg.text.as_deref().map(str::trim),
    ) else {
        return Ok(());
    };
    match &msg.thread_ts {
        None => {
            client.send_message(channel, "pong")?;
        }
        Some(thread) => {
            let reply =
                serde_json::json!({"channel": channel, "text": "pong", "thread_ts": thread});
            client.send("message", reply)?;
        }
    }
    Ok(())
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
    client.on_message(handle);
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
    let slack = FakeSlack::builder().bot("U0BOT", "pingbot").start()?;
    let bot = slack.start_bot(|client| client.on_message(handle))?;
    let alice = slack.user("U0ALICE", "alice");
    println!("the bot is connected to {}", slack.api_url());

    println!("test 1: alice says !ping in #general");
    alice.say(FakeSlack::GENERAL_CHANNEL, "!ping")?;
    let answer = slack.next_bot_message(SOON)?;
    println!(
        "        the bot said {:?} in {} ({:?})",
        answer.text, answer.channel, answer.outcome
    );
    if answer.text != "pong" || answer.channel != FakeSlack::GENERAL_CHANNEL {
        return Err(format!("expected \"pong\" in #general, got {answer:?}").into());
    }
    if !answer.is_acknowledged() {
        return Err(format!("Slack did not acknowledge the answer: {answer:?}").into());
    }
    println!("        ok: pong, in the same channel, acknowledged");

    println!("test 2: alice pings in a thread, then in a direct message");
    let question = alice.say(FakeSlack::GENERAL_CHANNEL, "a question")?;
    alice.reply_in_thread(FakeSlack::GENERAL_CHANNEL, &question.ts, "!ping")?;
    let in_thread = slack.next_bot_message(SOON)?;
    if in_thread.thread_ts.as_deref() != Some(question.ts.as_str()) {
        return Err(format!("expected the answer in the thread, got {in_thread:?}").into());
    }
    alice.dm("!ping")?;
    let in_dm = slack.next_bot_message(SOON)?;
    if in_dm.channel != alice.dm_channel() {
        return Err(format!("expected the answer in the DM, got {in_dm:?}").into());
    }
    println!("        ok: answered in the thread and in the DM");

    println!("test 3: small talk, an edit to !ping, its own !ping, then bob's !ping");
    let bob = slack.user("U0BOB", "bob");
    alice.say(FakeSlack::GENERAL_CHANNEL, "hello")?;
    slack.push(serde_json::json!({
        "type": "message", "subtype": "message_changed", "channel": FakeSlack::GENERAL_CHANNEL,
        "ts": "1700000000.000003",
        "message": {"type": "message", "user": "U0ALICE", "text": "!ping", "ts": "1700000000.000002"},
    }));
    slack.push(serde_json::json!({
        "type": "message", "channel": FakeSlack::GENERAL_CHANNEL, "user": "U0BOT",
        "text": "!ping", "ts": "1700000000.000004",
    }));
    bob.dm("!ping")?;
    // Events are handled in order: the next answer being bob's means the three before
    // it went unanswered.
    let next = slack.next_bot_message(SOON)?;
    if next.channel != bob.dm_channel() {
        return Err(format!("the bot answered something that was not a !ping: {next:?}").into());
    }
    println!("        ok: only bob's !ping was answered");

    bot.stop()?;
    println!("done: the bot passed every test");
    Ok(())
}

// Copy this module next to your bot: `cargo test` runs it like any other test.
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;
    use slack_rtm::fake::FakeSlack;

    use super::handle;

    /// Long enough for a slow CI machine; on loopback an answer takes milliseconds.
    const SOON: Duration = Duration::from_secs(5);

    #[test]
    fn answers_ping_with_pong_in_the_same_channel() -> Result<(), Box<dyn std::error::Error>> {
        let slack = FakeSlack::start()?;
        let bot = slack.start_bot(|client| client.on_message(handle))?;
        let alice = slack.user("U0ALICE", "alice");

        alice.say(FakeSlack::GENERAL_CHANNEL, "!ping")?;

        let answer = slack.next_bot_message(SOON)?;
        assert_eq!(answer.text, "pong");
        assert_eq!(answer.channel, FakeSlack::GENERAL_CHANNEL);
        assert!(answer.is_acknowledged(), "refused: {:?}", answer.outcome);
        bot.stop()?;
        Ok(())
    }

    #[test]
    fn answers_in_the_thread_and_in_direct_messages() -> Result<(), Box<dyn std::error::Error>> {
        let slack = FakeSlack::start()?;
        let bot = slack.start_bot(|client| client.on_message(handle))?;
        let alice = slack.user("U0ALICE", "alice");

        let question = alice.say(FakeSlack::GENERAL_CHANNEL, "a question")?;
        alice.reply_in_thread(FakeSlack::GENERAL_CHANNEL, &question.ts, "!ping")?;
        let in_thread = slack.next_bot_message(SOON)?;
        assert_eq!(in_thread.thread_ts.as_deref(), Some(question.ts.as_str()));
        assert!(in_thread.is_acknowledged());

        alice.dm("!ping")?;
        let in_dm = slack.next_bot_message(SOON)?;
        assert_eq!(in_dm.channel, alice.dm_channel());
        assert!(in_dm.is_acknowledged());
        bot.stop()?;
        Ok(())
    }

    #[test]
    fn answers_nothing_but_a_ping_from_a_person() -> Result<(), Box<dyn std::error::Error>> {
        let slack = FakeSlack::builder().bot("U0BOT", "pingbot").start()?;
        let bot = slack.start_bot(|client| client.on_message(handle))?;
        let alice = slack.user("U0ALICE", "alice");
        let bob = slack.user("U0BOB", "bob");

        let hello = alice.say(FakeSlack::GENERAL_CHANNEL, "hello")?;
        slack.push(json!({ // alice edits "hello" into "!ping": an edit is not a command
            "type": "message", "subtype": "message_changed", "channel": FakeSlack::GENERAL_CHANNEL,
            "ts": "1700000000.000002",
            "message": {"type": "message", "user": "U0ALICE", "text": "!ping", "ts": hello.ts},
        }));
        slack.push(json!({ // its own !ping
            "type": "message", "channel": FakeSlack::GENERAL_CHANNEL, "user": "U0BOT",
            "text": "!ping", "ts": "1700000000.000003",
        }));
        bob.dm("!ping")?;

        // Events are handled in order: if the next answer is bob's, the three events
        // before it were handled and not answered.
        let next = slack.next_bot_message(SOON)?;
        assert_eq!(
            next.channel,
            bob.dm_channel(),
            "answered too much: {next:?}"
        );
        assert_eq!(next.text, "pong");
        bot.stop()?;
        Ok(())
    }
}
