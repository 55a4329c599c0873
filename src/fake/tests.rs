//! The fake server over real loopback sockets, driven by a plain tungstenite client and
//! ureq.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tungstenite::{HandshakeError, Message, WebSocket};

use super::*;

/// Generous bound for anything that should happen promptly.
const PATIENCE: Duration = Duration::from_secs(10);

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .build(),
    )
}

struct Reply {
    status: u16,
    retry_after: Option<String>,
    content_type: Option<String>,
    body: Value,
}

fn post(url: &str, bearer: Option<&str>, params: &[(&str, &str)]) -> Reply {
    let mut req = agent().post(url);
    if let Some(token) = bearer {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    let mut resp = req.send_form(params.iter().copied()).expect("http call");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (retry_after, content_type) = (header("retry-after"), header("content-type"));
    let text = resp.body_mut().read_to_string().expect("body");
    Reply {
        status: resp.status().as_u16(),
        retry_after,
        content_type,
        body: serde_json::from_str(&text).expect("json body"),
    }
}

/// A Web API call with the right token.
fn api(slack: &FakeSlack, method: &str, params: &[(&str, &str)]) -> Value {
    let reply = post(
        &format!("{}{method}", slack.api_url()),
        Some(slack.token()),
        params,
    );
    assert_eq!(reply.status, 200, "{method}: {}", reply.body);
    reply.body
}

fn rtm_url(slack: &FakeSlack) -> String {
    let body = api(slack, "rtm.connect", &[]);
    body["url"].as_str().expect("a url").to_owned()
}

type Ws = WebSocket<TcpStream>;

fn open_ws(url: &str) -> Result<Ws, tungstenite::Error> {
    let addr = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .expect("a ws:// url");
    let tcp = TcpStream::connect(addr).expect("tcp connect");
    tcp.set_read_timeout(Some(PATIENCE)).expect("timeout");
    match tungstenite::client::client(url, tcp) {
        Ok((ws, _)) => Ok(ws),
        Err(HandshakeError::Failure(e)) => Err(e),
        Err(HandshakeError::Interrupted(_)) => panic!("blocking handshake interrupted"),
    }
}

/// A session that got its hello.
fn connect(slack: &FakeSlack) -> Ws {
    let mut ws = open_ws(&rtm_url(slack)).expect("upgrade");
    assert_eq!(next(&mut ws), json!({"type": "hello"}));
    ws
}

/// The next text frame, as JSON.
fn next(ws: &mut Ws) -> Value {
    loop {
        match ws.read().expect("a frame") {
            Message::Text(t) => return serde_json::from_str(&t).expect("json frame"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).expect("send");
}

/// Whether the server ended the connection (EOF, reset, or a close frame) within
/// [`PATIENCE`].
fn ends(ws: &mut Ws) -> bool {
    loop {
        match ws.read() {
            Ok(Message::Close(_)) => return true,
            Ok(_) => continue,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn hello_comes_first_then_pushed_events_in_order() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    assert!(slack.wait_for_sessions(1, PATIENCE));
    assert_eq!(slack.push(json!({"type": "a"})), 1);
    slack.push_raw("not json");
    slack.push_binary(vec![1, 2]);
    assert_eq!(next(&mut ws)["type"], "a");
    assert_eq!(
        ws.read().expect("raw").into_text().expect("text").as_str(),
        "not json"
    );
    assert_eq!(
        ws.read().expect("bin"),
        Message::Binary(vec![1u8, 2].into())
    );
    assert_eq!(slack.open_sessions(), 1);
    assert_eq!(slack.connect_calls(), 1);
}

#[test]
fn messages_are_acked_with_unique_sortable_ts_and_echoed() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    let mut other = connect(&slack);
    let mut last_ts = String::new();
    for id in 1..=3 {
        send(
            &mut ws,
            json!({"id": id, "type": "message", "channel": "C0GENERAL", "text": "hi"}),
        );
        let ack = next(&mut ws);
        assert_eq!(ack["ok"], true);
        assert_eq!(ack["reply_to"], id);
        assert_eq!(ack["text"], "hi");
        let ts = ack["ts"].as_str().expect("ts").to_owned();
        assert!(ts > last_ts, "{ts} after {last_ts}");
        let echo = next(&mut ws);
        assert_eq!(
            echo,
            json!({"type": "message", "channel": "C0GENERAL", "user": "U0FAKEBOT",
                   "text": "hi", "ts": ts, "team": "T0FAKETEAM"})
        );
        assert_eq!(next(&mut other), echo);
        last_ts = ts;
    }
    assert_eq!(slack.sent().len(), 3);
}

#[test]
fn ack_text_is_the_canonical_text() {
    let slack = FakeSlack::builder()
        .echo_own_messages(false)
        .start()
        .expect("start");
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "message", "channel": "C0GENERAL", "text": "see https://x.org."}),
    );
    assert_eq!(next(&mut ws)["text"], "see <https://x.org>.");
}

#[test]
fn pong_echoes_scalar_fields() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 7, "type": "ping", "time": 1403299273342u64, "tag": "x", "nested": {"a": 1}}),
    );
    assert_eq!(
        next(&mut ws),
        json!({"type": "pong", "reply_to": 7, "time": 1403299273342u64, "tag": "x"})
    );
}

#[test]
fn typing_gets_no_reply() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "typing", "channel": "C0GENERAL"}),
    );
    send(&mut ws, json!({"id": 2, "type": "ping"}));
    assert_eq!(next(&mut ws), json!({"type": "pong", "reply_to": 2}));
    send(&mut ws, json!({"id": 3, "type": "typing"}));
    let err = next(&mut ws);
    assert_eq!(err["reply_to"], 3);
    assert_eq!(err["error"]["code"], codes::CHANNEL_MISSING);
}

#[test]
fn message_errors_use_the_documented_codes() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "message", "channel": "C0GENERAL"}),
    );
    assert_eq!(
        next(&mut ws),
        json!({"ok": false, "reply_to": 1, "error": {"code": 2, "msg": "message text is missing"}})
    );
    send(
        &mut ws,
        json!({"id": 2, "type": "message", "channel": "C0GENERAL", "text": "x".repeat(4001)}),
    );
    assert_eq!(next(&mut ws)["error"]["code"], codes::TEXT_TOO_LONG);
    send(&mut ws, json!({"id": 2, "type": "ping"}));
    assert_eq!(next(&mut ws)["error"]["code"], codes::DUPLICATE_ID);
    send(
        &mut ws,
        json!({"type": "message", "channel": "C0GENERAL", "text": "no id"}),
    );
    assert_eq!(next(&mut ws)["error"]["code"], codes::INVALID_ID);
}

#[test]
fn malformed_frames_get_error_events_and_the_session_keeps_working() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    for bad in ["{not json", "null", "[1]", ""] {
        ws.send(Message::text(bad)).expect("send");
        let err = next(&mut ws);
        assert_eq!(err["type"], "error", "{bad}");
        assert_eq!(err["error"]["code"], codes::NOT_AN_OBJECT, "{bad}");
    }
    ws.send(Message::Binary(vec![0u8; 3].into())).expect("send");
    assert_eq!(next(&mut ws)["error"]["code"], codes::NOT_AN_OBJECT);
    send(&mut ws, json!({"id": 1, "type": "ping"}));
    assert_eq!(next(&mut ws)["type"], "pong");
    let sent = slack.sent();
    assert_eq!(sent[0], Value::String("{not json".into()));
    assert_eq!(sent[1], Value::Null);
}

#[test]
fn reused_url_gets_error_code_1_and_is_closed() {
    let slack = FakeSlack::start().expect("start");
    let url = rtm_url(&slack);
    let mut first = open_ws(&url).expect("upgrade");
    assert_eq!(next(&mut first)["type"], "hello");
    let mut second = open_ws(&url).expect("a stale URL still upgrades");
    assert_eq!(
        next(&mut second),
        json!({"type": "error", "error": {"code": 1, "msg": "Socket URL has expired"}})
    );
    assert!(ends(&mut second));
    assert_eq!(slack.stale_url_upgrades(), 1);
    assert_eq!(slack.sessions_opened(), 1);
}

#[test]
fn expired_url_gets_error_code_1() {
    let slack = FakeSlack::builder()
        .url_ttl(Duration::ZERO)
        .start()
        .expect("start");
    let mut ws = open_ws(&rtm_url(&slack)).expect("upgrade");
    assert_eq!(next(&mut ws)["error"]["code"], codes::URL_EXPIRED);
    assert!(ends(&mut ws));
}

#[test]
fn unknown_ticket_and_wrong_path_get_404() {
    let slack = FakeSlack::start().expect("start");
    let url = rtm_url(&slack);
    let base = url.rsplit_once('/').expect("a path").0;
    for bad in [
        format!("{base}/nope"),
        format!("{base}/"),
        base.replace("/websocket", "/x/y"),
    ] {
        match open_ws(&bad) {
            Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 404, "{bad}"),
            other => panic!("{bad}: expected 404, got {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn frames_over_16_kib_close_the_connection() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    // Exactly 16 384 bytes is allowed.
    let pad = |len: usize| {
        let base = json!({"id": 1, "type": "ping", "pad": ""})
            .to_string()
            .len();
        json!({"id": 1, "type": "ping", "pad": "p".repeat(len - base)}).to_string()
    };
    let max = pad(16 * 1024);
    assert_eq!(max.len(), 16 * 1024);
    ws.send(Message::text(max)).expect("send");
    assert_eq!(next(&mut ws)["type"], "pong");
    ws.send(Message::text("x".repeat(16 * 1024 + 1)))
        .expect("send");
    assert!(ends(&mut ws));
    assert_eq!(slack.closed_for_size(), 1);
    assert_eq!(slack.sent().len(), 1, "the oversized frame is not recorded");
}

#[test]
fn web_api_auth_errors() {
    let slack = FakeSlack::start().expect("start");
    let url = format!("{}auth.test", slack.api_url());
    let missing = post(&url, None, &[]);
    assert_eq!(
        (missing.status, missing.body),
        (200, json!({"ok": false, "error": "not_authed"}))
    );
    let wrong = post(&url, Some("xoxb-wrong"), &[]);
    assert_eq!(wrong.body, json!({"ok": false, "error": "invalid_auth"}));
    let wrong_param = post(&url, None, &[("token", "nope")]);
    assert_eq!(wrong_param.body["error"], "invalid_auth");
    let unknown = post(
        &format!("{}no.such", slack.api_url()),
        Some(slack.token()),
        &[],
    );
    assert_eq!(unknown.body["error"], "unknown_method");
    let ok = post(&url, None, &[("token", slack.token())]);
    assert_eq!(
        ok.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(ok.body["user_id"], "U0FAKEBOT");
    let recorded = slack.requests();
    assert_eq!(recorded.len(), 5);
    assert_eq!(recorded[4].token_source, Some(TokenSource::Param));
    assert_eq!(recorded[4].param("token"), Some(RecordedRequest::REDACTED));
    assert_eq!(recorded[1].token_source, Some(TokenSource::Header));
    assert!(!format!("{recorded:?}{slack:?}").contains(slack.token()));
}

#[test]
fn get_with_a_query_string_works() {
    let slack = FakeSlack::start().expect("start");
    let url = format!(
        "{}users.info?token={}&user=U0FAKEBOT",
        slack.api_url(),
        slack.token()
    );
    let mut resp = agent().get(&url).call().expect("get");
    let body: Value =
        serde_json::from_str(&resp.body_mut().read_to_string().expect("body")).expect("json");
    assert_eq!(body["user"]["name"], "fakebot");
    assert_eq!(slack.requests()[0].http_method, "GET");
}

#[test]
fn connect_calls_can_be_rate_limited() {
    let slack = FakeSlack::start().expect("start");
    slack.rate_limit_connect(1, 7);
    let url = format!("{}rtm.connect", slack.api_url());
    let limited = post(&url, Some(slack.token()), &[]);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.retry_after.as_deref(), Some("7"));
    assert_eq!(limited.body, json!({"ok": false, "error": "ratelimited"}));
    let ok = post(&url, Some(slack.token()), &[]);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["ok"], true);
    assert_eq!(slack.connect_calls(), 2);
}

#[test]
fn failed_upgrades_answer_the_status_and_keep_the_url() {
    let slack = FakeSlack::start().expect("start");
    slack.fail_upgrades(1, 503);
    let url = rtm_url(&slack);
    match open_ws(&url) {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 503),
        other => panic!("expected 503, got {:?}", other.map(|_| ())),
    }
    let mut ws = open_ws(&url).expect("the URL was not used up");
    assert_eq!(next(&mut ws)["type"], "hello");
}

#[test]
fn reorder_policy_releases_acks_newest_first() {
    let slack = FakeSlack::builder()
        .echo_own_messages(false)
        .start()
        .expect("start");
    slack.set_ack_policy(AckPolicy::Reorder);
    let mut ws = connect(&slack);
    for id in 1..=2 {
        send(
            &mut ws,
            json!({"id": id, "type": "message", "channel": "C0GENERAL", "text": "m"}),
        );
    }
    let (a, b) = (next(&mut ws), next(&mut ws));
    assert_eq!(
        (a["reply_to"].clone(), b["reply_to"].clone()),
        (json!(2), json!(1))
    );
    assert!(
        a["ts"].as_str() > b["ts"].as_str(),
        "ts follows arrival, not release"
    );
    // A lone ack goes out on its own after the hold.
    send(
        &mut ws,
        json!({"id": 3, "type": "message", "channel": "C0GENERAL", "text": "m"}),
    );
    assert_eq!(next(&mut ws)["reply_to"], 3);
}

#[test]
fn delay_drop_and_error_policies() {
    let slack = FakeSlack::builder()
        .echo_own_messages(false)
        .start()
        .expect("start");
    let mut ws = connect(&slack);
    let msg = |id: u64| json!({"id": id, "type": "message", "channel": "C0GENERAL", "text": "m"});

    slack.set_ack_policy(AckPolicy::Delay(Duration::from_secs(1)));
    send(&mut ws, msg(1));
    send(&mut ws, json!({"id": 2, "type": "ping"}));
    assert_eq!(
        next(&mut ws)["reply_to"],
        2,
        "the pong overtakes the delayed ack"
    );
    assert_eq!(next(&mut ws)["reply_to"], 1);

    slack.set_ack_policy(AckPolicy::Drop);
    send(&mut ws, msg(3));
    send(&mut ws, json!({"id": 4, "type": "ping"}));
    assert_eq!(next(&mut ws)["reply_to"], 4);

    slack.set_ack_policy(AckPolicy::Error {
        code: 42,
        msg: "nope".into(),
    });
    send(&mut ws, msg(5));
    assert_eq!(
        next(&mut ws),
        json!({"ok": false, "reply_to": 5, "error": {"code": 42, "msg": "nope"}})
    );
}

#[test]
fn goodbye_then_close() {
    let slack = FakeSlack::builder()
        .goodbye_close_after(Duration::from_millis(50))
        .start()
        .expect("start");
    let mut ws = connect(&slack);
    slack.send_goodbye();
    assert_eq!(next(&mut ws), json!({"type": "goodbye"}));
    match ws.read().expect("a close frame") {
        Message::Close(Some(frame)) => assert_eq!(u16::from(frame.code), 1001),
        other => panic!("expected close, got {other:?}"),
    }
}

#[test]
fn close_and_drop_connections() {
    let slack = FakeSlack::start().expect("start");
    let mut clean = connect(&slack);
    slack.close_connections();
    assert!(matches!(clean.read(), Ok(Message::Close(Some(_)))));
    clean.flush().expect("the close reply goes out");

    assert!(slack.wait_for_open_sessions(0, PATIENCE));
    let mut abrupt = connect(&slack);
    slack.drop_connections();
    match abrupt.read() {
        Err(tungstenite::Error::Io(_) | tungstenite::Error::Protocol(_)) => {}
        other => panic!("expected a broken connection, got {other:?}"),
    }
    assert!(slack.wait_for_open_sessions(0, PATIENCE));
}

#[test]
fn silent_sessions_answer_nothing_and_new_sessions_are_normal() {
    let slack = FakeSlack::start().expect("start");
    let mut quiet = connect(&slack);
    slack.go_silent();
    send(&mut quiet, json!({"id": 1, "type": "ping"}));
    // Both run on the same thread, in order: once the new session answers, the silent
    // one has long seen its ping.
    let mut fresh = connect(&slack);
    send(&mut fresh, json!({"id": 1, "type": "ping"}));
    assert_eq!(next(&mut fresh)["type"], "pong");
    quiet
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    match quiet.read() {
        Err(tungstenite::Error::Io(e)) => assert!(matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )),
        other => panic!("a silent session answered: {other:?}"),
    }
    assert_eq!(slack.open_sessions(), 2);
}

#[test]
fn suppressed_hello_sessions_get_no_hello_and_no_pushes() {
    let slack = FakeSlack::start().expect("start");
    slack.suppress_hello(1);
    let mut ws = open_ws(&rtm_url(&slack)).expect("upgrade");
    assert!(slack.wait_for_sessions(1, PATIENCE));
    assert_eq!(slack.push(json!({"type": "x"})), 0);
    send(&mut ws, json!({"id": 1, "type": "ping"}));
    assert_eq!(next(&mut ws)["type"], "pong");
}

#[test]
fn presence_subscriptions_and_queries() {
    let slack = FakeSlack::start().expect("start");
    slack.add_user("U1", "alice");
    slack.add_user("U2", "bob");
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"type": "presence_sub", "ids": ["U1", "U9"]}),
    );
    assert_eq!(
        next(&mut ws),
        json!({"type": "presence_change", "user": "U1", "presence": "active"})
    );
    assert_eq!(slack.presence_subscriptions(), vec!["U1", "U9"]);
    assert!(slack.set_presence("U2", "away"), "not subscribed: no event");
    assert!(slack.set_presence("U1", "away"));
    assert_eq!(
        next(&mut ws),
        json!({"type": "presence_change", "user": "U1", "presence": "away"})
    );
    send(&mut ws, json!({"type": "presence_query", "ids": ["U2"]}));
    assert_eq!(next(&mut ws)["user"], "U2");

    let batch_url = api(&slack, "rtm.connect", &[("batch_presence_aware", "1")])["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let mut batch = open_ws(&batch_url).expect("upgrade");
    assert_eq!(next(&mut batch)["type"], "hello");
    send(
        &mut batch,
        json!({"type": "presence_query", "ids": ["U1", "U2"]}),
    );
    assert_eq!(
        next(&mut batch),
        json!({"type": "presence_change", "users": ["U1", "U2"], "presence": "away"})
    );
    let call = &slack.requests()[1];
    assert_eq!(call.param("batch_presence_aware"), Some("1"));
}

#[test]
fn web_api_methods() {
    let slack = FakeSlack::start().expect("start");
    slack.add_user("U1", "alice");
    slack.add_channel("C1", "random");
    let mut ws = connect(&slack);

    let posted = api(
        &slack,
        "chat.postMessage",
        &[("channel", "C1"), ("text", "hello")],
    );
    assert_eq!(posted["ok"], true);
    let ts = posted["ts"].as_str().expect("ts").to_owned();
    assert_eq!(posted["message"]["text"], "hello");
    let echo = next(&mut ws);
    assert_eq!(
        (echo["type"].clone(), echo["ts"].clone()),
        (json!("message"), json!(ts))
    );

    let updated = api(
        &slack,
        "chat.update",
        &[("channel", "C1"), ("ts", &ts), ("text", "bye")],
    );
    assert_eq!(updated["text"], "bye");
    let changed = next(&mut ws);
    assert_eq!(changed["subtype"], "message_changed");
    assert_eq!(changed["message"]["ts"], json!(ts));
    assert_eq!(changed["previous_message"]["text"], "hello");
    let missing = api(
        &slack,
        "chat.update",
        &[("channel", "C1"), ("ts", "1.000001"), ("text", "x")],
    );
    assert_eq!(missing["error"], "message_not_found");
    assert_eq!(
        api(&slack, "chat.postMessage", &[("channel", "C1")])["error"],
        "no_text"
    );
    assert_eq!(
        api(&slack, "chat.postMessage", &[("text", "x")])["error"],
        "channel_not_found"
    );

    assert_eq!(
        api(&slack, "users.info", &[("user", "U1")])["user"]["name"],
        "alice"
    );
    assert_eq!(
        api(&slack, "users.info", &[("user", "U404")])["error"],
        "user_not_found"
    );
    let me = api(&slack, "users.getPresence", &[]);
    assert_eq!(
        (me["presence"].clone(), me["connection_count"].clone()),
        (json!("active"), json!(1))
    );
    assert_eq!(
        api(&slack, "conversations.info", &[("channel", "C1")])["channel"]["name"],
        "random"
    );
    assert_eq!(
        api(&slack, "conversations.info", &[("channel", "C404")])["error"],
        "channel_not_found"
    );

    slack.set_rtm_start_snapshot(json!({"ims": [{"id": "D1"}], "extra": true}));
    let start = api(&slack, "rtm.start", &[]);
    assert_eq!(start["ims"], json!([{"id": "D1"}]));
    assert_eq!(start["extra"], true);
    assert_eq!(start["self"]["id"], "U0FAKEBOT");
    assert!(start["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .any(|c| c["id"] == "C1"));
    assert!(start["url"]
        .as_str()
        .expect("url")
        .starts_with("ws://127.0.0.1:"));
}

#[test]
fn keep_alive_serves_several_requests_per_connection() {
    let slack = FakeSlack::start().expect("start");
    let addr = slack
        .api_url()
        .trim_start_matches("http://")
        .trim_end_matches("/api/")
        .to_owned();
    let mut tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let body = format!("token={}", slack.token());
    let request = format!(
        "POST /api/auth.test HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    // Two pipelined requests, then a third after the answers.
    tcp.write_all(format!("{request}{request}").as_bytes())
        .expect("write");
    let mut buf = Vec::new();
    let mut answered = 0;
    while answered < 2 {
        let mut chunk = [0u8; 4096];
        let n = tcp.read(&mut chunk).expect("read");
        assert!(n > 0, "closed early");
        buf.extend_from_slice(&chunk[..n]);
        answered = String::from_utf8_lossy(&buf).matches("\"ok\":true").count();
    }
    tcp.write_all(request.as_bytes()).expect("write again");
    let n = tcp.read(&mut [0u8; 4096]).expect("read again");
    assert!(n > 0);
    assert_eq!(slack.requests().len(), 3);
}

#[test]
fn wait_for_sent_sees_frames_from_other_threads() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    assert!(slack
        .wait_for_sent(|f| f["type"] == "ping", Duration::from_millis(1))
        .is_none());
    let sender = std::thread::spawn(move || {
        send(
            &mut ws,
            json!({"id": 1, "type": "typing", "channel": "C0GENERAL"}),
        );
        send(&mut ws, json!({"id": 2, "type": "ping", "k": 1}));
        ws
    });
    let ping = slack.wait_for_sent(|f| f["type"] == "ping", PATIENCE);
    assert_eq!(ping.map(|p| p["k"].clone()), Some(json!(1)));
    let mut ws = sender.join().expect("sender");
    slack.clear_sent();
    assert!(slack.sent().is_empty());
    send(&mut ws, json!({"id": 3, "type": "ping"}));
    let third = slack.wait_for_sent(|f| f["type"] == "ping", PATIENCE);
    assert_eq!(third.map(|p| p["id"].clone()), Some(json!(3)));
}

#[test]
fn blast_writes_n_frames() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    slack.push(json!({"type": "before"}));
    let n = 20_000;
    let event =
        json!({"type": "message", "channel": "C1", "text": "x", "ts": "1.000001"}).to_string();
    let (written, received) = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            assert_eq!(next(&mut ws)["type"], "before");
            let mut got = 0;
            while got < n {
                assert_eq!(
                    ws.read()
                        .expect("frame")
                        .into_text()
                        .expect("text")
                        .as_str(),
                    event
                );
                got += 1;
            }
            send(&mut ws, json!({"id": 1, "type": "ping"}));
            assert_eq!(
                next(&mut ws)["type"],
                "pong",
                "the session works after a blast"
            );
            got
        });
        let written = slack.blast(&event, n);
        (written, reader.join().expect("reader"))
    });
    assert_eq!((written, received), (n, n));
}

#[test]
fn tls_serves_https_and_wss() {
    let identity = native_tls::Identity::from_pkcs8(
        include_bytes!("testdata/cert.pem"),
        include_bytes!("testdata/key.pem"),
    )
    .expect("identity");
    let slack = FakeSlack::builder().tls(identity).start().expect("start");
    let api_url = slack.api_url();
    assert!(api_url.starts_with("https://127.0.0.1:"));
    let cert =
        native_tls::Certificate::from_pem(include_bytes!("testdata/cert.pem")).expect("cert");
    let connector = native_tls::TlsConnector::builder()
        .add_root_certificate(cert)
        .build()
        .expect("connector");
    let tls = |addr: &str| {
        let tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(PATIENCE)).expect("timeout");
        connector.connect("127.0.0.1", tcp).expect("tls handshake")
    };
    let api_addr = api_url
        .trim_start_matches("https://")
        .trim_end_matches("/api/");
    let mut https = tls(api_addr);
    let body = format!("token={}", slack.token());
    write!(
        https,
        "POST /api/rtm.connect HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut raw = String::new();
    https.read_to_string(&mut raw).expect("read");
    let json_start = raw.find("\r\n\r\n").expect("a head") + 4;
    let reply: Value = serde_json::from_str(&raw[json_start..]).expect("json");
    let url = reply["url"].as_str().expect("url");
    assert!(url.starts_with("wss://127.0.0.1:"), "{url}");
    let ws_addr = url
        .trim_start_matches("wss://")
        .split('/')
        .next()
        .expect("addr");
    let (mut ws, _) = tungstenite::client::client(url, tls(ws_addr)).expect("wss upgrade");
    let hello = ws.read().expect("hello").into_text().expect("text");
    assert_eq!(hello.as_str(), r#"{"type":"hello"}"#);
    ws.send(Message::text(r#"{"id":1,"type":"ping"}"#))
        .expect("send");
    let pong = ws.read().expect("pong").into_text().expect("text");
    let pong: Value = serde_json::from_str(&pong).expect("json");
    assert_eq!(pong, json!({"type": "pong", "reply_to": 1}));
}

#[test]
fn dropping_the_server_stops_every_thread_promptly() {
    let slack = FakeSlack::start().expect("start");
    let mut idle_ws = connect(&slack);
    let _silent = connect(&slack);
    slack.go_silent();
    // An idle keep-alive Web API connection and a half-sent request.
    let addr = slack
        .api_url()
        .trim_start_matches("http://")
        .trim_end_matches("/api/")
        .to_owned();
    let mut half = TcpStream::connect(&addr).expect("connect");
    half.write_all(b"POST /api/auth.test HTTP/1.1\r\nContent-Le")
        .expect("write");
    let _idle = TcpStream::connect(&addr).expect("connect");
    let shared = Arc::downgrade(&slack.shared);
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        drop(slack);
        let _ = tx.send(());
    });
    rx.recv_timeout(PATIENCE).expect("drop finished");
    assert!(
        shared.upgrade().is_none(),
        "every thread let go of the shared state"
    );
    assert!(ends(&mut idle_ws));
}

#[test]
fn a_message_to_an_unknown_conversation_or_a_channel_name_gets_the_documented_error_reply() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    for (id, channel) in [(1, "C0NOWHERE"), (2, "#general"), (3, "general")] {
        send(
            &mut ws,
            json!({"id": id, "type": "message", "channel": channel, "text": "hi"}),
        );
        assert_eq!(
            next(&mut ws),
            json!({"ok": false, "reply_to": id, "error": {"code": codes::CHANNEL_NOT_FOUND, "msg": "channel_not_found"}}),
            "{channel}"
        );
    }
    // Nothing was echoed: the next frame answers the next message, to a known channel.
    send(
        &mut ws,
        json!({"id": 4, "type": "message", "channel": FakeSlack::GENERAL_CHANNEL, "text": "hi"}),
    );
    assert_eq!(next(&mut ws)["reply_to"], 4);
    let outcomes: Vec<Option<String>> = slack
        .bot_messages()
        .iter()
        .map(|m| m.refusal().map(str::to_owned))
        .collect();
    let refused = Some("channel_not_found".to_owned());
    assert_eq!(outcomes, [refused.clone(), refused.clone(), refused, None]);
}

#[test]
fn typing_in_an_unknown_conversation_gets_an_error_reply_and_is_not_recorded() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "typing", "channel": "C0NOWHERE"}),
    );
    assert_eq!(next(&mut ws)["error"]["code"], codes::CHANNEL_NOT_FOUND);
    send(
        &mut ws,
        json!({"id": 2, "type": "typing", "channel": FakeSlack::GENERAL_CHANNEL}),
    );
    assert!(slack
        .wait_for_typing(FakeSlack::GENERAL_CHANNEL, PATIENCE)
        .is_ok());
    assert_eq!(slack.typing_indicators(), [FakeSlack::GENERAL_CHANNEL]);
}

#[test]
fn chat_post_message_takes_a_channel_name_as_slack_documents_and_answers_with_its_id() {
    let slack = FakeSlack::start().expect("start");
    for named in ["#general", "general", FakeSlack::GENERAL_CHANNEL] {
        let answer = api(
            &slack,
            "chat.postMessage",
            &[("channel", named), ("text", "by name")],
        );
        assert_eq!(answer["ok"], true, "{named}: {answer}");
        assert_eq!(answer["channel"], FakeSlack::GENERAL_CHANNEL, "{named}");
    }
    assert!(slack
        .bot_messages()
        .iter()
        .all(|m| m.channel == FakeSlack::GENERAL_CHANNEL));
}

#[test]
fn auth_test_for_a_bot_token_names_the_bot_as_slack_does() {
    let slack = FakeSlack::builder()
        .bot("U0PING", "pingbot")
        .start()
        .expect("start");
    let answer = api(&slack, "auth.test", &[]);
    assert_eq!(
        (&answer["user_id"], &answer["bot_id"]),
        (&json!("U0PING"), &json!("B0PING"))
    );
}

#[test]
fn the_web_api_refuses_unknown_conversations_and_other_peoples_messages() {
    let slack = FakeSlack::start().expect("start");
    let alice = slack.user("U0ALICE", "alice");
    let post = |channel: &str| {
        api(
            &slack,
            "chat.postMessage",
            &[("channel", channel), ("text", "x")],
        )
    };
    for channel in ["C0NOWHERE", "#nowhere"] {
        assert_eq!(post(channel)["error"], "channel_not_found", "{channel}");
    }
    assert_eq!(post(&alice.dm_channel())["ok"], true);
    let hers = alice
        .say(FakeSlack::GENERAL_CHANNEL, "mine")
        .expect("posted");
    let update = |channel: &str, ts: &str| {
        api(
            &slack,
            "chat.update",
            &[("channel", channel), ("ts", ts), ("text", "edited")],
        )["error"]
            .clone()
    };
    assert_eq!(
        update(FakeSlack::GENERAL_CHANNEL, &hers.ts),
        "cant_update_message"
    );
    assert_eq!(update("C0NOWHERE", &hers.ts), "channel_not_found");
    let web: Vec<(Via, bool)> = slack
        .bot_messages()
        .iter()
        .map(|m| (m.via, m.is_acknowledged()))
        .collect();
    assert_eq!(
        web,
        [
            (Via::WebApi, false),
            (Via::WebApi, false),
            (Via::WebApi, true)
        ]
    );
}

#[test]
fn a_person_posts_in_channels_threads_and_direct_messages_as_slack_pushes_them() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    let alice = slack.user("U0ALICE", "alice");
    assert!(alice.say("C0NOWHERE", "x").is_err());

    let parent = alice
        .say(FakeSlack::GENERAL_CHANNEL, "lunch?")
        .expect("posted");
    assert_eq!(parent.delivered, 1);
    let event = next(&mut ws);
    assert_eq!(
        (
            event["user"].clone(),
            event["text"].clone(),
            event["ts"].clone()
        ),
        (json!("U0ALICE"), json!("lunch?"), json!(parent.ts))
    );

    let reply = alice
        .reply_in_thread(FakeSlack::GENERAL_CHANNEL, &parent.ts, "anyone?")
        .expect("posted");
    assert_eq!(next(&mut ws)["thread_ts"], json!(parent.ts));
    let replied = next(&mut ws);
    assert_eq!(replied["subtype"], "message_replied");
    assert_eq!(replied["hidden"], true);
    assert_eq!(replied["message"]["ts"], json!(parent.ts));
    assert_eq!(replied["message"]["reply_count"], 1);
    assert_eq!(
        replied["message"]["replies"],
        json!([{"user": "U0ALICE", "ts": reply.ts}])
    );

    alice.dm("psst").expect("posted");
    assert_eq!(next(&mut ws)["channel"], "D0ALICE");
    alice.typing("D0ALICE").expect("typing");
    assert_eq!(
        next(&mut ws),
        json!({"type": "user_typing", "channel": "D0ALICE", "user": "U0ALICE"})
    );

    let start = api(&slack, "rtm.start", &[]);
    assert_eq!(start["ims"][0]["id"], "D0ALICE");
    assert_eq!(start["ims"][0]["user"], "U0ALICE");
    let info = api(&slack, "conversations.info", &[("channel", "D0ALICE")]);
    assert_eq!(info["channel"]["is_im"], true);
}

#[test]
fn the_bots_thread_replies_carry_thread_ts_and_update_the_parent() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    let alice = slack.user("U0ALICE", "alice");
    let parent = alice.say(FakeSlack::GENERAL_CHANNEL, "?").expect("posted");
    next(&mut ws);
    send(
        &mut ws,
        json!({"id": 1, "type": "message", "channel": FakeSlack::GENERAL_CHANNEL,
               "text": "!", "thread_ts": parent.ts}),
    );
    let mut frames: Vec<Value> = (0..3).map(|_| next(&mut ws)).collect();
    frames.sort_by_key(|f| f["subtype"].as_str().map(str::to_owned));
    let (ack, echo, replied) = (&frames[0], &frames[1], &frames[2]);
    let (ack, echo) = if ack["ok"] == true {
        (ack, echo)
    } else {
        (echo, ack)
    };
    assert_eq!(ack["reply_to"], 1);
    assert_eq!(echo["thread_ts"], json!(parent.ts));
    assert_eq!(replied["message"]["reply_count"], 1);
    let sent = slack.next_bot_message(PATIENCE).expect("recorded");
    assert_eq!(sent.thread_ts.as_deref(), Some(parent.ts.as_str()));
}

#[test]
fn records_keep_only_their_most_recent_entries() {
    let slack = FakeSlack::builder().record_limit(3).start().expect("start");
    let mut ws = connect(&slack);
    for id in 1..=10u64 {
        send(
            &mut ws,
            json!({"id": id, "type": "message", "channel": FakeSlack::GENERAL_CHANNEL, "text": id.to_string()}),
        );
        // The ack, then the echo.
        next(&mut ws);
        next(&mut ws);
    }
    let texts: Vec<String> = slack.bot_messages().into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["8", "9", "10"]);
    assert_eq!(slack.sent().len(), 3);
    assert!(slack.requests().len() <= 3);
    assert!(slack.peers().len() <= 3);
    // The cursor skips what was dropped before it was read.
    assert_eq!(slack.next_bot_message(PATIENCE).expect("kept").text, "8");
    slack.clear_records();
    assert!(slack.sent().is_empty() && slack.bot_messages().is_empty());
    assert!(slack.next_bot_message(Duration::ZERO).is_err());
}

#[test]
fn reused_frame_ids_are_caught_however_long_the_session() {
    let slack = FakeSlack::start().expect("start");
    let mut ws = connect(&slack);
    for id in 1..=300u64 {
        send(&mut ws, json!({"id": id, "type": "ping"}));
        assert_eq!(next(&mut ws)["reply_to"], id);
    }
    send(&mut ws, json!({"id": 150, "type": "ping"}));
    assert_eq!(next(&mut ws)["error"]["code"], codes::DUPLICATE_ID);
}

#[test]
fn a_message_to_a_channel_the_bot_is_not_in_is_refused_until_the_bot_is_invited() {
    let slack = FakeSlack::start().expect("start");
    slack.add_channel("C0OUT", "outside");
    assert_eq!(slack.remove_bot("C0OUT"), Ok(0), "no session to tell yet");
    let not_in_channel = |id: u64| json!({"ok": false, "reply_to": id, "error": {"code": codes::NOT_IN_CHANNEL, "msg": "not_in_channel"}});
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "message", "channel": "C0OUT", "text": "hi"}),
    );
    assert_eq!(next(&mut ws), not_in_channel(1));
    for named in ["C0OUT", "#outside", "outside"] {
        let answer = api(
            &slack,
            "chat.postMessage",
            &[("channel", named), ("text", "hi")],
        );
        assert_eq!(
            answer,
            json!({"ok": false, "error": "not_in_channel"}),
            "{named}"
        );
    }
    let info = api(&slack, "conversations.info", &[("channel", "C0OUT")]);
    assert_eq!(info["channel"]["is_member"], false);
    let start = api(&slack, "rtm.start", &[]);
    let listed = |start: &Value, id: &str| {
        start["channels"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["id"] == id))
            .map(|c| c["is_member"].clone())
    };
    assert_eq!(listed(&start, "C0OUT"), Some(json!(false)));
    assert_eq!(
        listed(&start, FakeSlack::GENERAL_CHANNEL),
        Some(json!(true))
    );

    // Invited: the session hears of it, and the channel takes the bot's messages.
    assert_eq!(slack.invite_bot("C0OUT"), Ok(1));
    let joined = next(&mut ws);
    assert_eq!(
        (
            &joined["type"],
            &joined["channel"]["id"],
            &joined["channel"]["is_member"]
        ),
        (&json!("channel_joined"), &json!("C0OUT"), &json!(true))
    );
    assert_eq!(slack.invite_bot("C0OUT"), Ok(0), "a member already");
    send(
        &mut ws,
        json!({"id": 2, "type": "message", "channel": "C0OUT", "text": "hello"}),
    );
    assert_eq!(next(&mut ws)["ok"], true, "acked");
    assert_eq!(next(&mut ws)["type"], "message", "echoed");
    assert_eq!(
        api(
            &slack,
            "chat.postMessage",
            &[("channel", "C0OUT"), ("text", "hi")]
        )["ok"],
        true
    );
    assert_eq!(next(&mut ws)["type"], "message", "echoed");

    // Removed again: told, and refused again.
    assert_eq!(slack.remove_bot("C0OUT"), Ok(1));
    assert_eq!(
        next(&mut ws),
        json!({"type": "channel_left", "channel": "C0OUT"})
    );
    send(
        &mut ws,
        json!({"id": 3, "type": "message", "channel": "C0OUT", "text": "still here?"}),
    );
    assert_eq!(next(&mut ws), not_in_channel(3));
    let outcomes: Vec<(Via, Option<String>)> = slack
        .bot_messages()
        .iter()
        .map(|m| (m.via, m.refusal().map(str::to_owned)))
        .collect();
    let refused = || Some("not_in_channel".to_owned());
    assert_eq!(
        outcomes,
        [
            (Via::Rtm, refused()),
            (Via::WebApi, refused()),
            (Via::WebApi, refused()),
            (Via::WebApi, refused()),
            (Via::Rtm, None),
            (Via::WebApi, None),
            (Via::Rtm, refused()),
        ]
    );
}

#[test]
fn only_channels_of_the_workspace_take_the_bot_in_or_out_and_dms_always_have_it() {
    let slack = FakeSlack::start().expect("start");
    let alice = slack.user("U0ALICE", "alice");
    for channel in ["C0NOWHERE", "#general", alice.dm_channel().as_str()] {
        assert_eq!(
            slack.invite_bot(channel).map_err(|r| r.error()),
            Err("channel_not_found"),
            "{channel}"
        );
        assert_eq!(
            slack.remove_bot(channel).map_err(|r| r.error()),
            Err("channel_not_found"),
            "{channel}"
        );
    }
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "message", "channel": alice.dm_channel(), "text": "hi"}),
    );
    assert_eq!(next(&mut ws)["ok"], true);
}

#[test]
fn typing_in_a_channel_the_bot_is_not_in_is_not_refused_as_slack_documents_no_such_error() {
    let slack = FakeSlack::start().expect("start");
    slack.add_channel("C0OUT", "outside");
    slack.remove_bot("C0OUT").expect("a channel");
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "typing", "channel": "C0OUT"}),
    );
    assert!(slack.wait_for_typing("C0OUT", PATIENCE).is_ok());
    // No reply to it: the next frame answers the ping after it.
    send(&mut ws, json!({"id": 2, "type": "ping"}));
    assert_eq!(next(&mut ws), json!({"type": "pong", "reply_to": 2}));
}

/// The next frame, which must be the pong to the ping sent with `id`: everything the
/// session sent before it is returned, in order.
fn frames_before_pong(ws: &mut Ws, id: u64) -> Vec<Value> {
    send(ws, json!({"id": id, "type": "ping"}));
    let mut before = Vec::new();
    loop {
        let frame = next(ws);
        if frame == json!({"type": "pong", "reply_to": id}) {
            return before;
        }
        before.push(frame);
    }
}

#[test]
fn presence_sub_is_answered_with_events_for_the_newly_subscribed_and_never_a_reply() {
    let slack = FakeSlack::start().expect("start");
    slack.add_user("U1", "alice");
    slack.add_user("U2", "bob");
    let mut ws = connect(&slack);
    let change = |user: &str, presence: &str| json!({"type": "presence_change", "user": user, "presence": presence});
    // With an id too: "Response is presence_change events ..., not a reply".
    send(
        &mut ws,
        json!({"id": 1, "type": "presence_sub", "ids": ["U1"]}),
    );
    assert_eq!(frames_before_pong(&mut ws, 2), [change("U1", "active")]);
    // The list is replaced; U1, subscribed already, emits nothing until it changes.
    send(
        &mut ws,
        json!({"id": 3, "type": "presence_sub", "ids": ["U1", "U2"]}),
    );
    assert_eq!(frames_before_pong(&mut ws, 4), [change("U2", "active")]);
    assert!(slack.set_presence("U1", "away"));
    assert_eq!(next(&mut ws), change("U1", "away"));
    // U1 is dropped from the list: its changes are no longer sent.
    send(&mut ws, json!({"type": "presence_sub", "ids": ["U2"]}));
    // Once the ping after it is answered, the server has taken the new list.
    assert!(frames_before_pong(&mut ws, 5).is_empty());
    assert!(slack.set_presence("U1", "active"));
    assert!(slack.set_presence("U2", "away"));
    assert_eq!(frames_before_pong(&mut ws, 6), [change("U2", "away")]);
}

#[test]
fn presence_change_is_sent_only_when_a_presence_changes() {
    let slack = FakeSlack::start().expect("start");
    slack.add_user("U1", "alice");
    let mut ws = connect(&slack);
    send(&mut ws, json!({"type": "presence_sub", "ids": ["U1"]}));
    assert_eq!(frames_before_pong(&mut ws, 1).len(), 1, "the initial state");
    assert!(slack.set_presence("U1", "active"), "known, unchanged");
    assert!(slack.set_presence("U1", "away"));
    assert_eq!(
        frames_before_pong(&mut ws, 2),
        [json!({"type": "presence_change", "user": "U1", "presence": "away"})]
    );
}

#[test]
fn presence_ids_that_are_no_users_are_neither_refused_nor_reported_as_slack_documents_no_check() {
    let slack = FakeSlack::start().expect("start");
    slack.add_user("U1", "alice");
    let mut ws = connect(&slack);
    let odd = [
        "U0NOBODY",
        "W0NOBODY",
        FakeSlack::GENERAL_CHANNEL,
        "",
        "not an id",
    ];
    for kind in ["presence_query", "presence_sub"] {
        let mut ids: Vec<&str> = odd.to_vec();
        ids.push("U1");
        send(&mut ws, json!({"type": kind, "ids": ids}));
        assert_eq!(
            frames_before_pong(&mut ws, if kind == "presence_sub" { 1 } else { 2 }),
            [json!({"type": "presence_change", "user": "U1", "presence": "active"})],
            "{kind}"
        );
    }
    assert_eq!(slack.presence_subscriptions().len(), odd.len() + 1);
}

#[test]
fn presence_query_takes_up_to_500_ids_as_documented() {
    let slack = FakeSlack::start().expect("start");
    slack.add_user("U1", "alice");
    let mut ws = connect(&slack);
    let mut ids: Vec<String> = (0..499).map(|n| format!("U0X{n}")).collect();
    ids.push("U1".to_owned());
    send(
        &mut ws,
        json!({"id": 1, "type": "presence_query", "ids": ids}),
    );
    assert_eq!(
        frames_before_pong(&mut ws, 2),
        [json!({"type": "presence_change", "user": "U1", "presence": "active"})]
    );
    ids.push("U2".to_owned());
    send(
        &mut ws,
        json!({"id": 3, "type": "presence_query", "ids": ids}),
    );
    let refused = next(&mut ws);
    assert_eq!(
        (&refused["reply_to"], &refused["error"]["code"]),
        (&json!(3), &json!(codes::INVALID_IDS))
    );
    // A presence_sub of as many is taken: no limit is documented for it.
    send(&mut ws, json!({"type": "presence_sub", "ids": ids}));
    assert_eq!(frames_before_pong(&mut ws, 4).len(), 1);
    assert_eq!(slack.presence_subscriptions().len(), 501);
}

#[test]
fn what_happens_between_the_connect_call_and_the_connection_follows_hello() {
    let slack = FakeSlack::start().expect("start");
    let alice = slack.user("U0ALICE", "alice");
    let url = rtm_url(&slack);
    let posted = alice
        .say(FakeSlack::GENERAL_CHANNEL, "while you were connecting")
        .expect("posted");
    assert_eq!(posted.delivered, 0, "no session open yet");
    alice.typing(FakeSlack::GENERAL_CHANNEL).expect("typing");
    // Scripted frames are not events of the workspace: they reach open sessions only.
    assert_eq!(slack.push(json!({"type": "scripted"})), 0);
    let later_url = rtm_url(&slack);

    let mut ws = open_ws(&url).expect("upgrade");
    assert_eq!(next(&mut ws), json!({"type": "hello"}));
    let message = next(&mut ws);
    assert_eq!(
        (&message["type"], &message["text"], &message["ts"]),
        (
            &json!("message"),
            &json!("while you were connecting"),
            &json!(posted.ts)
        )
    );
    assert_eq!(
        next(&mut ws),
        json!({"type": "user_typing", "channel": FakeSlack::GENERAL_CHANNEL, "user": "U0ALICE"})
    );
    assert!(frames_before_pong(&mut ws, 1).is_empty(), "nothing else");

    // A URL issued after those events does not get them; what happens while it is
    // pending, it does (the session open meanwhile gets it at once).
    alice
        .say(FakeSlack::GENERAL_CHANNEL, "now")
        .expect("posted");
    assert_eq!(next(&mut ws)["text"], "now");
    let mut later = open_ws(&later_url).expect("upgrade");
    assert_eq!(next(&mut later), json!({"type": "hello"}));
    assert_eq!(next(&mut later)["text"], "now");
    assert!(frames_before_pong(&mut later, 1).is_empty());
}

#[test]
fn a_url_that_cannot_open_a_session_sends_no_backlog() {
    let slack = FakeSlack::builder()
        .url_ttl(Duration::from_secs(30))
        .start()
        .expect("start");
    let alice = slack.user("U0ALICE", "alice");
    let url = rtm_url(&slack);
    slack.expire_next_urls(1);
    alice
        .say(FakeSlack::GENERAL_CHANNEL, "lost")
        .expect("posted");
    let mut ws = open_ws(&url).expect("upgrade");
    assert_eq!(next(&mut ws)["error"]["code"], codes::URL_EXPIRED);
    assert!(ends(&mut ws));
}

#[test]
fn the_bot_may_message_itself_in_its_own_direct_message_conversation() {
    let slack = FakeSlack::start().expect("start");
    let own = "D0FAKEBOT";
    let info = api(&slack, "conversations.info", &[("channel", own)]);
    assert_eq!(
        (&info["channel"]["is_im"], &info["channel"]["user"]),
        (&json!(true), &json!("U0FAKEBOT"))
    );
    let mut ws = connect(&slack);
    send(
        &mut ws,
        json!({"id": 1, "type": "message", "channel": own, "text": "note to self"}),
    );
    assert_eq!(next(&mut ws)["ok"], true);
    let posted = api(
        &slack,
        "chat.postMessage",
        &[("channel", own), ("text", "again")],
    );
    assert_eq!(posted["channel"], own);
}
