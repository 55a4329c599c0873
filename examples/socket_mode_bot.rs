//! A Socket Mode bot: answers the `/deploy` slash command in its ack, and says hello to
//! anyone who writes "hello" (through `chat.postMessage`: on Socket Mode, everything the
//! app sends goes through the Web API, never the socket).
//!
//! It shows the handler style: [`SocketModeClient::on_slash_command`] returns the reply
//! that goes back in the ack (within Slack's 3 s), [`SocketModeClient::on_events_api`]
//! sees events that the client acked on arrival, and [`SocketModeClient::run`] calls them
//! on the main thread until the session ends.
//!
//! Without `SLACK_APP_TOKEN` it runs offline against the crate's fake Slack: a short
//! script pushes a slash command and two messages, checks the ack's reply and the posted
//! answer (and that the bot ignores its own message), and exits 0, or non-zero if the bot
//! misbehaved. With `SLACK_APP_TOKEN` (xapp-…, `connections:write`) and `SLACK_BOT_TOKEN`
//! (xoxb-…) it runs in your workspace until Ctrl-C.
//!
//! ```text
//! cargo run --example socket_mode_bot
//! SLACK_APP_TOKEN=xapp-... SLACK_BOT_TOKEN=xoxb-... cargo run --example socket_mode_bot
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use slack_rtm::fake::FakeSlack;
use slack_rtm::socket_mode::{SocketModeBuilder, SocketModeClient};
use slack_rtm::typed::{MessageKind, TypedEvent};
use slack_rtm::web::{PostMessage, WebClient};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let app = std::env::var("SLACK_APP_TOKEN").unwrap_or_default();
    let result = if app.trim().is_empty() {
        offline_scenario()
    } else {
        let bot = std::env::var("SLACK_BOT_TOKEN").unwrap_or_default();
        run_in_slack(SocketModeClient::builder(app.trim()).bot_token(bot.trim()))
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("socket_mode_bot failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The bot: its two handlers.
fn install(client: &SocketModeClient, bot_user: String) -> Result<(), BoxError> {
    client.on_slash_command(|_req, cmd| {
        println!(
            "  bot    {} {:?} from {}",
            cmd.command, cmd.text, cmd.user_id
        );
        let target = if cmd.text.is_empty() {
            "production"
        } else {
            cmd.text.as_str()
        };
        Some(json!({"response_type": "ephemeral", "text": format!("Deploying {target}…")}))
    });
    let web: WebClient = client
        .web()
        .ok_or("a bot token is needed to answer messages")?;
    client.on_events_api(move |req, ev| {
        let TypedEvent::Message(msg) = ev.event.typed() else {
            return;
        };
        if msg.kind() != MessageKind::Plain || msg.user.as_deref() == Some(bot_user.as_str()) {
            return; // edits, joins, bots, and its own messages
        }
        let (Some(channel), Some(text)) = (msg.channel.as_deref(), msg.text.as_deref()) else {
            return;
        };
        if !text.to_lowercase().contains("hello") {
            return;
        }
        let who = msg.user.as_deref().unwrap_or("there");
        match web.chat_post_message(&PostMessage::new(channel, format!("Hello <@{who}>!"))) {
            Ok(posted) => println!(
                "  bot    said hello in {channel} (ts {}, retry {})",
                posted.ts,
                req.retry_attempt()
            ),
            Err(e) => eprintln!("  bot    could not answer in {channel}: {e}"),
        }
    });
    client.on_lifecycle(|ev| println!("  bot    {}", ev.name()));
    Ok(())
}

fn run_in_slack(builder: SocketModeBuilder) -> Result<(), BoxError> {
    let client = builder.build()?;
    let me = client
        .web()
        .ok_or("SLACK_BOT_TOKEN is needed")?
        .auth_test()?;
    install(&client, me.user_id)?;
    client.start()?;
    println!("ready: try /deploy staging, or write hello (Ctrl-C to stop)");
    client.run()?;
    Ok(())
}

/// The offline run: the fake Slack plays Slack, this thread plays the users.
fn offline_scenario() -> Result<(), BoxError> {
    let slack = FakeSlack::start()?;
    let sm = slack.socket_mode();
    let client = SocketModeClient::builder(sm.app_token())
        .bot_token(slack.token())
        .slack_api_url(slack.api_url())
        .no_proxy()
        .start_timeout(Duration::from_secs(10))
        .build()?;
    install(&client, "U0FAKEBOT".into())?;
    client.start()?;
    let bot = {
        let c = client.clone();
        std::thread::spawn(move || c.run())
    };
    let outcome = script(&slack);
    client.disconnect();
    bot.join().map_err(|_| "the bot thread panicked")??;
    outcome?;
    println!("offline scenario passed");
    Ok(())
}

fn script(slack: &FakeSlack) -> Result<(), BoxError> {
    let sm = slack.socket_mode();
    let wait = Duration::from_secs(10);

    println!("user   /deploy staging");
    let id = sm.push_slash_command("/deploy", "staging");
    let ack = sm
        .wait_for_ack(&id, wait)
        .ok_or("the slash command was never acked")?;
    let reply = ack.payload.unwrap_or(Value::Null);
    println!("slack  ack after {:?}: {reply}", ack.latency);
    if ack.late || reply["text"] != "Deploying staging…" {
        return Err(format!("wrong or late answer: {reply}").into());
    }

    println!("user   writes: hello bot");
    let hello = json!({"type": "message", "channel": FakeSlack::GENERAL_CHANNEL, "user": "U0DANA",
                       "text": "hello bot", "ts": "1764494043.001200", "channel_type": "channel"});
    let id = sm.push_event(hello);
    sm.wait_for_ack(&id, wait)
        .ok_or("the event was never acked")?;
    let posted =
        wait_for_post(slack, wait).ok_or("the bot never answered through chat.postMessage")?;
    println!("slack  chat.postMessage: {posted}");
    if posted != "Hello <@U0DANA>!" {
        return Err(format!("unexpected answer {posted:?}").into());
    }

    println!("user   (the bot's own hello comes back as an event)");
    let own = json!({"type": "message", "channel": FakeSlack::GENERAL_CHANNEL, "user": "U0FAKEBOT",
                     "text": "Hello <@U0DANA>!", "ts": "1764494044.000100"});
    let id = sm.push_event(own);
    sm.wait_for_ack(&id, wait)
        .ok_or("the event was never acked")?;
    let posts = slack
        .requests()
        .iter()
        .filter(|r| r.method == "chat.postMessage")
        .count();
    if posts != 1 {
        return Err(format!("the bot answered its own message ({posts} posts)").into());
    }
    Ok(())
}

/// Waits for the bot's `chat.postMessage` and returns its text.
fn wait_for_post(slack: &FakeSlack, within: Duration) -> Option<String> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(r) = slack
            .requests()
            .iter()
            .find(|r| r.method == "chat.postMessage")
        {
            return r.param("text").map(str::to_owned);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
