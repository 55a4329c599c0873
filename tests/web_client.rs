//! The Web API client against the fake Slack over real loopback sockets.

use std::time::Duration;

use serde_json::json;
use slack_rtm::fake::{FakeSlack, TokenSource};
use slack_rtm::web::{PostMessage, WebClient};
use slack_rtm::{Error, ErrorCode, RtmClient};

fn fake() -> FakeSlack {
    FakeSlack::start().expect("the fake Slack starts")
}

fn web(fake: &FakeSlack) -> WebClient {
    WebClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .http_timeout(Duration::from_secs(5))
        .no_proxy()
        .build()
        .expect("valid settings")
}

#[test]
fn a_posted_message_reaches_slack_with_its_options_and_the_token_in_the_header() {
    let fake = fake();
    let web = web(&fake);
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]);
    let posted = web
        .chat_post_message(
            &PostMessage::new(FakeSlack::GENERAL_CHANNEL, "hello from the web API")
                .blocks(blocks.clone())
                .thread_ts("1700000000.000001")
                .unfurl_links(false),
        )
        .expect("posted");
    assert_eq!(posted.channel, FakeSlack::GENERAL_CHANNEL);
    assert!(!posted.ts.is_empty());
    assert_eq!(posted.message["text"], "hello from the web API");
    assert_eq!(posted.message["blocks"], blocks, "blocks went as JSON text");

    let requests = fake.requests();
    let call = requests
        .iter()
        .find(|r| r.method == "chat.postMessage")
        .expect("recorded");
    assert_eq!(call.http_method, "POST");
    assert_eq!(call.token_source, Some(TokenSource::Header));
    assert_eq!(call.param("token"), None, "the token is not a form field");
    assert_eq!(call.param("channel"), Some(FakeSlack::GENERAL_CHANNEL));
    assert_eq!(call.param("text"), Some("hello from the web API"));
    assert_eq!(call.param("thread_ts"), Some("1700000000.000001"));
    assert_eq!(call.param("unfurl_links"), Some("false"));
    assert_eq!(call.param("mrkdwn"), None, "unset options are not sent");
}

#[test]
fn chat_update_edits_the_message_posted_before() {
    let fake = fake();
    let web = web(&fake);
    let posted = web
        .chat_post_message(&PostMessage::new(FakeSlack::GENERAL_CHANNEL, "draft"))
        .expect("posted");
    let updated = web
        .chat_update(&posted.channel, &posted.ts, "final")
        .expect("updated");
    assert_eq!(
        (updated.channel.as_str(), updated.ts.as_str()),
        (posted.channel.as_str(), posted.ts.as_str())
    );
    assert_eq!(updated.message["text"], "final");
    let call = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "chat.update")
        .expect("recorded");
    assert_eq!(call.param("ts"), Some(posted.ts.as_str()));

    let err = web
        .chat_update(&posted.channel, "1.000000", "nope")
        .expect_err("never posted");
    assert!(
        matches!(&err, Error::Api { method, error } if method == "chat.update" && error == "message_not_found"),
        "{err:?}"
    );
}

#[test]
fn auth_test_says_who_the_token_belongs_to() {
    let fake = FakeSlack::builder()
        .bot("U0ROBOT", "robot")
        .team("T0TEAM", "Test Team", "test")
        .start()
        .expect("the fake Slack starts");
    let me = web(&fake).auth_test().expect("auth.test");
    assert_eq!(
        (me.user_id.as_str(), me.user.as_str()),
        ("U0ROBOT", "robot")
    );
    assert_eq!(
        (me.team_id.as_str(), me.team.as_str()),
        ("T0TEAM", "Test Team")
    );
    assert_eq!(me.url, "https://test.slack.com/");
    assert_eq!(me.raw["ok"], true);
}

#[test]
fn presence_users_and_conversations_come_back_typed_with_the_raw_json() {
    let fake = fake();
    fake.add_user("U0ALICE", "alice");
    fake.add_channel("C0RANDOM", "random");
    assert!(fake.set_presence("U0ALICE", "away"));
    let web = web(&fake);

    let presence = web.users_get_presence("U0ALICE").expect("presence");
    assert_eq!(presence.presence, "away");
    assert!(!presence.is_active());
    assert_eq!(presence.raw["presence"], "away");
    let unknown = web
        .users_get_presence("U0NOBODY")
        .expect_err("unknown user");
    assert!(matches!(&unknown, Error::Api { error, .. } if error == "user_not_found"));

    let alice = web.users_info("U0ALICE").expect("users.info");
    assert_eq!(
        (alice.id.as_str(), alice.name.as_str()),
        ("U0ALICE", "alice")
    );
    assert!(!alice.deleted);
    assert_eq!(alice.raw["profile"]["display_name"], "alice");

    let random = web
        .conversations_info("C0RANDOM")
        .expect("conversations.info");
    assert_eq!(random.name.as_deref(), Some("random"));
    assert!(random.is_channel && !random.is_im);
    assert_eq!(random.raw["id"], "C0RANDOM");
}

#[test]
fn call_json_sends_structured_args_as_json_text() {
    let fake = fake();
    fake.add_channel("C0X", "x");
    let answer = web(&fake)
        .call_json(
            "chat.postMessage",
            &json!({
                "channel": "C0X",
                "attachments": [{"text": "attached"}],
                "unfurl_media": false,
                "icon_emoji": null,
            }),
        )
        .expect("posted");
    assert_eq!(answer["message"]["attachments"][0]["text"], "attached");
    let call = &fake.requests()[0];
    assert_eq!(call.param("attachments"), Some(r#"[{"text":"attached"}]"#));
    assert_eq!(call.param("unfurl_media"), Some("false"));
    assert_eq!(call.param("icon_emoji"), None);
}

#[test]
fn an_invalid_token_is_an_api_error_without_retry_or_token_in_it() {
    let fake = fake();
    let web = WebClient::builder("xoxb-wrong-secret")
        .slack_api_url(fake.api_url())
        .no_proxy()
        .build()
        .expect("valid settings");
    let err = web.auth_test().expect_err("refused");
    assert!(
        matches!(&err, Error::Api { method, error } if method == "auth.test" && error == "invalid_auth"),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::ApiError);
    assert_eq!(fake.requests().len(), 1, "not retried");
    for text in [format!("{err}"), format!("{err:?}"), format!("{web:?}")] {
        assert!(!text.contains("wrong-secret"), "{text}");
    }
}

#[test]
fn a_rate_limited_call_sleeps_retry_after_then_succeeds() {
    let fake = fake();
    fake.rate_limit_connect(1, 1);
    let answer = web(&fake)
        .call("rtm.connect", &[])
        .expect("the retry succeeds");
    assert_eq!(answer["ok"], true);
    assert_eq!(fake.connect_calls(), 2);
}

#[test]
fn rate_limits_beyond_the_retry_limits_are_returned_without_waiting() {
    let fake = fake();
    fake.rate_limit_connect(2, 30);
    let web = web(&fake);

    let no_retries = web.with_retry_limits(0, Duration::from_secs(60));
    let err = no_retries.call("rtm.connect", &[]).expect_err("429");
    assert!(
        matches!(&err, Error::RateLimited { method, retry_after } if method == "rtm.connect" && *retry_after == Duration::from_secs(30)),
        "{err:?}"
    );
    assert_eq!(fake.connect_calls(), 1);

    // 30 s is over a 10 s budget: given up at once, not slept.
    let short_budget = web.with_retry_limits(5, Duration::from_secs(10));
    let err = short_budget.call("rtm.connect", &[]).expect_err("429");
    assert_eq!(err.code(), ErrorCode::RateLimited);
    assert_eq!(fake.connect_calls(), 2);
}

#[test]
fn a_web_client_from_the_rtm_client_shares_its_settings() {
    let fake = fake();
    let rtm = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy()
        .build()
        .expect("valid settings");
    let web = rtm.web();
    let me = web.auth_test().expect("same token and URL");
    assert!(!me.user_id.is_empty());
    web.chat_post_message(&PostMessage::new(
        FakeSlack::GENERAL_CHANNEL,
        "from rtm.web()",
    ))
    .expect("posted");
    let methods: Vec<String> = fake.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["auth.test", "chat.postMessage"]);
}

#[test]
fn malformed_method_names_and_params_are_refused_before_sending() {
    let fake = fake();
    let web = web(&fake);
    assert!(matches!(
        web.call("../admin", &[]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        web.call_json("chat.postMessage", &json!("text")),
        Err(Error::InvalidArgument(_))
    ));
    assert!(fake.requests().is_empty());
}

#[test]
fn a_standalone_client_makes_its_connections_through_the_connector() {
    use std::net::{TcpStream, ToSocketAddrs};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let fake = fake();
    let dialed = Arc::new(AtomicUsize::new(0));
    let counter = dialed.clone();
    let web = WebClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .http_timeout(Duration::from_secs(5))
        .connector(move |host: &str, port: u16, timeout: Duration| {
            counter.fetch_add(1, Ordering::SeqCst);
            let addr = (host, port)
                .to_socket_addrs()?
                .next()
                .ok_or_else(|| std::io::Error::other("no address"))?;
            TcpStream::connect_timeout(&addr, timeout)
        })
        .build()
        .expect("valid settings");
    let me = web.auth_test().expect("auth.test");
    assert!(!me.user_id.is_empty());
    assert!(
        dialed.load(Ordering::SeqCst) >= 1,
        "the connector made the connection"
    );
    let combined = WebClient::builder(fake.token())
        .proxy(slack_rtm::Proxy::new("http://127.0.0.1:9").expect("a proxy URL"))
        .connector(|_: &str, _: u16, _: Duration| Err(std::io::Error::other("unused")))
        .build();
    assert!(matches!(combined, Err(Error::Config(_))), "{combined:?}");
}
