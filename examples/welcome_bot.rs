//! A welcome bot: greets everyone who joins a channel it is in.
//!
//! On `member_joined_channel` it shows "typing…" ([`RtmClient::send_typing`]), says hello
//! over RTM ([`RtmClient::send_message`]: plain text, the only kind RTM can send), then
//! posts a richer welcome with Block Kit blocks through the Web API
//! ([`RtmClient::web`] and [`WebClient::chat_post_message`]), which shares the RTM
//! client's token, TLS and proxy settings and its HTTP connection pool. It looks the
//! newcomer up with `users.info` to greet them by name, and does not greet itself when
//! it is the one joining.
//!
//! Without `SLACK_BOT_TOKEN` it runs offline against the crate's embedded fake Slack: two
//! joins are pushed (the bot's own, then alice's), the frames and Web API calls the bot
//! made are checked, and it exits 0 (non-zero if the bot did not behave). With the token
//! it welcomes people in your workspace until Ctrl-C; it needs the `chat:write` and
//! `users:read` scopes and must be a member of the channels it watches.
//!
//! ```text
//! cargo run --example welcome_bot
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example welcome_bot
//! ```

use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use slack_rtm::fake::FakeSlack;
use slack_rtm::typed::TypedEvent;
use slack_rtm::web::{PostMessage, WebClient};
use slack_rtm::{Event, RtmClient, SlackEvent};

/// Errors that can cross threads (the offline script runs on one of its own).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => welcome_in_slack(token.trim()),
        _ => offline_scenario(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("welcome_bot failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The bot: the handler for `member_joined_channel`.
fn on_member_joined(client: &RtmClient, event: &Event) {
    let Some(TypedEvent::MemberJoinedChannel(join)) = event.as_slack().map(SlackEvent::typed)
    else {
        return;
    };
    if client.active_user_id().as_deref() == Some(join.user.as_str()) {
        println!(
            "  bot    I joined {} myself: nobody to welcome",
            join.channel
        );
        return;
    }
    if let Err(e) = welcome(client, &join.user, &join.channel) {
        eprintln!(
            "  bot    could not welcome {} in {}: {e}",
            join.user, join.channel
        );
    }
}

/// Greets `user` in `channel`: typing indicator, a short RTM message, a rich Web API post.
fn welcome(client: &RtmClient, user: &str, channel: &str) -> Result<(), slack_rtm::Error> {
    client.send_typing(channel)?;
    let web = client.web();
    let name = display_name(&web, user);
    let reply = client.send_message(channel, &format!("Welcome <@{user}>! :wave:"))?;
    println!(
        "  bot    said hello to {name} in {channel} (ts {})",
        reply.ts.as_deref().unwrap_or("?")
    );

    // RTM messages carry text only: blocks (and attachments) take the Web API.
    let blocks = json!([
        {"type": "header", "text": {"type": "plain_text", "text": format!("Welcome, {name}!")}},
        {"type": "section", "text": {"type": "mrkdwn", "text":
            "Glad to have you here. A few things to get started:\n\
             • read the pinned messages\n\
             • say hi and tell us what you work on\n\
             • ask anything, there are no silly questions"}},
        {"type": "context", "elements": [
            {"type": "mrkdwn", "text": format!("Posted by the welcome bot for <@{user}>")}
        ]},
    ]);
    let message = PostMessage::new(channel, format!("Welcome, {name}!")) // notification text
        .blocks(blocks)
        .unfurl_links(false);
    let posted = web.chat_post_message(&message)?;
    println!("  bot    posted the welcome card (ts {})", posted.ts);
    Ok(())
}

/// The user's display name, real name or handle; their id if `users.info` fails (for
/// instance without the `users:read` scope).
fn display_name(web: &WebClient, user: &str) -> String {
    match web.users_info(user) {
        // The shared model's rule: display name, else full name, else handle.
        Ok(info) => info.shown_name().to_owned(),
        Err(e) => {
            eprintln!("  bot    users.info {user}: {e}");
            user.to_owned()
        }
    }
}

/// The real bot: welcomes newcomers until Ctrl-C.
fn welcome_in_slack(token: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = RtmClient::builder(token).build()?;
    client.on("member_joined_channel", on_member_joined);
    client.on("ready", |_, _| {
        println!("ready: waiting for people to join (Ctrl-C to stop)")
    });
    client.on("reconnecting", |_, _| {
        println!("connection lost, reconnecting…")
    });
    let me = client.start()?;
    println!("connected as {} in {}", me.self_name, me.team_name);
    client.run()?;
    Ok(())
}

/// The channel of the offline script.
const CHANNEL: &str = "C0WELCOME";
/// Bound on every wait of the offline script.
const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// The offline scenario: the bot runs on the main thread as it would in Slack, a second
/// thread pushes joins and checks what the bot did.
fn offline_scenario() -> Result<(), Box<dyn std::error::Error>> {
    println!("SLACK_BOT_TOKEN is not set: running against the embedded fake Slack on 127.0.0.1");
    let fake = FakeSlack::start()?;
    fake.add_user("U0ALICE", "alice");
    fake.add_channel(CHANNEL, "welcome");
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy() // the fake is on loopback: no proxy from the environment
        .build()?;
    client.on("member_joined_channel", on_member_joined);
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
    println!(
        "done: alice was welcomed once (typing, hello, welcome card); the bot did not greet itself"
    );
    Ok(())
}

fn play_script(fake: &FakeSlack, handled: &Receiver<SlackEvent>, me: &str) -> Result<(), BoxError> {
    println!("script the bot is added to #welcome");
    push_join(fake, handled, me)?;
    if !frames_to(fake, CHANNEL).is_empty() || posts(fake).next().is_some() {
        return Err("the bot reacted to its own join".into());
    }
    println!("script ok: nothing sent");

    println!("script alice joins #welcome");
    push_join(fake, handled, "U0ALICE")?;

    // Over RTM: "typing…" first, then the hello, and nothing else.
    let frames = frames_to(fake, CHANNEL);
    match frames.as_slice() {
        [(typing, _), (message, hello)]
            if typing == "typing" && message == "message" && hello.contains("<@U0ALICE>") =>
        {
            println!("script ok: RTM frames: typing, then message {hello:?}");
        }
        _ => return Err(format!("unexpected RTM frames: {frames:?}").into()),
    }

    // Over the Web API: one chat.postMessage with blocks that greet alice by name.
    let posted: Vec<_> = posts(fake).collect();
    let [post] = posted.as_slice() else {
        return Err(format!("expected one chat.postMessage, got {}", posted.len()).into());
    };
    let blocks: Value = serde_json::from_str(post.param("blocks").unwrap_or("null"))?;
    let header = &blocks[0]["text"]["text"];
    if post.param("channel") != Some(CHANNEL) || header != "Welcome, alice!" {
        return Err(format!("unexpected welcome card: {:?}", post.params).into());
    }
    println!(
        "script ok: chat.postMessage with {} blocks, header {header}",
        blocks.as_array().map_or(0, Vec::len)
    );
    Ok(())
}

/// Pushes a `member_joined_channel` for `user` and waits until the bot has handled it.
fn push_join(fake: &FakeSlack, handled: &Receiver<SlackEvent>, user: &str) -> Result<(), BoxError> {
    fake.push(json!({
        "type": "member_joined_channel", "user": user, "channel": CHANNEL,
        "channel_type": "C", "team": "T0FAKETEAM",
    }));
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let ev = handled
            .recv_timeout(left)
            .map_err(|_| format!("the bot did not handle {user}'s join within {STEP_TIMEOUT:?}"))?;
        if ev.kind() == "member_joined_channel" && ev.json()?["user"] == user {
            return Ok(());
        }
    }
}

/// The `(type, text)` of every RTM frame the bot sent to `channel`.
fn frames_to(fake: &FakeSlack, channel: &str) -> Vec<(String, String)> {
    let field = |f: &Value, name: &str| f[name].as_str().unwrap_or_default().to_owned();
    fake.sent()
        .iter()
        .filter(|f| f["channel"] == channel)
        .map(|f| (field(f, "type"), field(f, "text")))
        .collect()
}

/// The `chat.postMessage` calls the fake Slack received.
fn posts(fake: &FakeSlack) -> impl Iterator<Item = slack_rtm::fake::RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "chat.postMessage")
}
