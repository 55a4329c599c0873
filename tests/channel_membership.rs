//! The client against a channel the bot is not a member of: Slack's refusal reaches the
//! caller as Slack sent it (code, message, the whole reply), over RTM and the Web API, and
//! the session carries on.

use std::time::Duration;

use slack_rtm::fake::{codes, FakeSlack};
use slack_rtm::web::PostMessage;
use slack_rtm::{Error, ErrorCode, Event};

const PATIENCE: Duration = Duration::from_secs(10);

/// A fake workspace with `#outside` (`C0OUT`), a channel the bot is not in.
fn workspace() -> FakeSlack {
    let fake = FakeSlack::start().expect("the fake Slack starts");
    fake.add_channel("C0OUT", "outside");
    fake.remove_bot("C0OUT")
        .expect("a channel of the workspace");
    fake
}

#[test]
fn send_message_to_a_channel_the_bot_is_not_in_returns_slacks_not_in_channel_reply() {
    let fake = workspace();
    let client = fake.client().expect("valid settings");
    client.start().expect("connected");

    let err = client
        .send_message("C0OUT", "hello?")
        .expect_err("Slack refuses it");
    assert_eq!(err.code(), ErrorCode::SendMessagePlatformError);
    assert_eq!(err.slack_error(), Some("not_in_channel"));
    assert!(!err.is_fatal(), "the bot can be invited later");
    let Error::Platform(refused) = err else {
        panic!("not a platform error: {err:?}")
    };
    assert_eq!(refused.code, Some(codes::NOT_IN_CHANNEL));
    assert_eq!(refused.msg.as_deref(), Some("not_in_channel"));
    assert_eq!(refused.data["ok"], false);
    assert_eq!(refused.data["reply_to"], refused.reply_to);
    let seen = fake.next_bot_message(PATIENCE).expect("the fake saw it");
    assert_eq!(seen.refusal(), Some("not_in_channel"));

    // The session is still up and other channels take the bot's messages.
    let reply = client
        .send_message(FakeSlack::GENERAL_CHANNEL, "still here")
        .expect("acked");
    assert!(reply.ts.is_some());
    assert_eq!(fake.sessions_opened(), 1, "no reconnect");
}

#[test]
fn once_invited_the_bot_hears_of_it_and_may_post_there() {
    let fake = workspace();
    let client = fake.client().expect("valid settings");
    let events = client.events();
    client.start().expect("connected");
    assert!(client.send_message("C0OUT", "hello?").is_err());

    assert_eq!(fake.invite_bot("C0OUT"), Ok(1));
    loop {
        let event = events.recv_timeout(PATIENCE).expect("an event");
        let Event::Slack(ev) = event else { continue };
        if ev.kind() == "channel_joined" {
            let json = ev.json().expect("valid json");
            assert_eq!(json["channel"]["id"], "C0OUT");
            break;
        }
    }
    client.send_message("C0OUT", "thanks!").expect("acked");
}

#[test]
fn chat_post_message_to_a_channel_the_bot_is_not_in_returns_slacks_error_string() {
    let fake = workspace();
    let client = fake.client().expect("valid settings");
    let err = client
        .web()
        .chat_post_message(&PostMessage::new("#outside", "hello?"))
        .expect_err("Slack refuses it");
    assert_eq!(err.code(), ErrorCode::ApiError);
    let Error::Api { method, error } = &err else {
        panic!("not an API error: {err:?}")
    };
    assert_eq!(
        (method.as_str(), error.as_str()),
        ("chat.postMessage", "not_in_channel")
    );
    assert!(!err.is_fatal());
}
