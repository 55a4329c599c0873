//! The Socket Mode fake, driven by hand over loopback (a raw tungstenite client).

use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::fake::FakeSlack;

type Ws = WebSocket<MaybeTlsStream<TcpStream>>;
const WAIT: Duration = Duration::from_secs(10);

fn open_call(slack: &FakeSlack, auth: Option<&str>, form: &str) -> (u16, Option<String>, Value) {
    let url = format!("{}apps.connections.open", slack.api_url());
    let mut req = ureq::post(&url)
        .config()
        .http_status_as_error(false)
        .build();
    if let Some(token) = auth {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    let mut resp = req
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form)
        .expect("the fake answers");
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = serde_json::from_reader(resp.body_mut().as_reader()).expect("JSON");
    (resp.status().as_u16(), retry_after, body)
}

fn url(slack: &FakeSlack) -> String {
    let (_, _, body) = open_call(slack, Some(&slack.socket_mode().app_token()), "");
    body["url"].as_str().expect("a url").to_owned()
}

fn dial(url: &str) -> Ws {
    let (ws, _) = tungstenite::connect(url).expect("upgrade");
    if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
        tcp.set_read_timeout(Some(WAIT)).expect("timeout");
    }
    ws
}

fn read_json(ws: &mut Ws) -> Value {
    loop {
        match ws.read().expect("a frame within the timeout") {
            Message::Text(t) => return serde_json::from_str(&t).expect("JSON"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn connected(slack: &FakeSlack) -> (Ws, Value) {
    let mut ws = dial(&url(slack));
    let hello = read_json(&mut ws);
    (ws, hello)
}

fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).expect("send");
}

#[test]
fn the_app_token_in_the_header_gets_a_single_use_url_and_a_hello() {
    let slack = FakeSlack::start().unwrap();
    let (_ws, hello) = connected(&slack);
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["num_connections"], 1);
    assert_eq!(hello["connection_info"]["app_id"], "A0FAKEAPP");
    assert!(hello["debug_info"]["approximate_connection_time"].is_u64());
}

#[test]
fn tokens_in_the_body_bot_tokens_and_no_token_are_refused_as_slack_does() {
    let slack = FakeSlack::start().unwrap();
    let app = slack.socket_mode().app_token();
    assert_eq!(
        open_call(&slack, None, &format!("token={app}")).2["error"],
        "invalid_auth"
    );
    assert_eq!(
        open_call(&slack, Some(slack.token()), "").2["error"],
        "not_allowed_token_type"
    );
    assert_eq!(open_call(&slack, None, "").2["error"], "not_authed");
    assert_eq!(
        open_call(&slack, Some("xapp-wrong"), "").2["error"],
        "invalid_auth"
    );
    assert_eq!(slack.socket_mode().connect_calls(), 4);
}

#[test]
fn a_url_cannot_be_dialed_twice() {
    let slack = FakeSlack::start().unwrap();
    let u = url(&slack);
    let _first = dial(&u);
    assert!(tungstenite::connect(&u).is_err());
    assert_eq!(slack.socket_mode().stale_url_upgrades(), 1);
}

#[test]
fn an_expired_url_is_refused() {
    let slack = FakeSlack::start().unwrap();
    slack.socket_mode().set_url_ttl(Duration::ZERO);
    assert!(tungstenite::connect(url(&slack)).is_err());
    assert_eq!(slack.socket_mode().sessions_opened(), 0);
}

#[test]
fn a_slash_command_ack_with_a_reply_is_recorded_with_its_latency() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    let (mut ws, _) = connected(&slack);
    let id = sm.push_slash_command("/deploy", "staging");
    let env = read_json(&mut ws);
    assert_eq!(env["type"], "slash_commands");
    assert_eq!(env["accepts_response_payload"], true);
    assert_eq!(env["payload"]["command"], "/deploy");
    send(
        &mut ws,
        json!({"envelope_id": id, "payload": {"text": "on it"}}),
    );
    let ack = sm.wait_for_ack(&id, WAIT).expect("ack");
    assert_eq!(ack.payload, Some(json!({"text": "on it"})));
    assert!(!ack.late && !ack.oversized && !ack.payload_ignored);
    assert!(sm.deliveries()[0].acked);
}

#[test]
fn an_unacked_event_is_retried_with_a_new_envelope_and_the_same_event_id() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ack_deadline(Duration::from_millis(200));
    sm.set_retry_delays([
        Duration::ZERO,
        Duration::from_millis(100),
        Duration::from_millis(100),
    ]);
    let (mut ws, _) = connected(&slack);
    sm.push_event(json!({"type": "message", "text": "hi"}));
    let first = read_json(&mut ws);
    assert_eq!(
        (
            first["retry_attempt"].clone(),
            first["retry_reason"].clone()
        ),
        (json!(0), json!(""))
    );
    let retry = read_json(&mut ws);
    assert_eq!(retry["retry_attempt"], 1);
    assert_eq!(retry["retry_reason"], "timeout");
    assert_eq!(retry["payload"]["event_id"], first["payload"]["event_id"]);
    assert_ne!(retry["envelope_id"], first["envelope_id"]);
    // A late ack of the first delivery stops the retries.
    send(&mut ws, json!({"envelope_id": first["envelope_id"]}));
    let late = sm
        .wait_for_ack(first["envelope_id"].as_str().unwrap(), WAIT)
        .unwrap();
    assert!(late.late);
    send(&mut ws, json!({"envelope_id": retry["envelope_id"]}));
    assert!(sm.wait_for_acks(2, WAIT));
    assert_eq!(sm.deliveries().len(), 2);
}

#[test]
fn an_event_never_acked_is_retried_three_times_then_given_up() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ack_deadline(Duration::from_millis(50));
    sm.set_retry_delays([Duration::ZERO; 3]);
    let (mut ws, _) = connected(&slack);
    sm.push_event(json!({"type": "message"}));
    let attempts: Vec<Value> = (0..4)
        .map(|_| read_json(&mut ws)["retry_attempt"].clone())
        .collect();
    assert_eq!(attempts, vec![json!(0), json!(1), json!(2), json!(3)]);
    assert!(slack.socket_mode().wait_for_deliveries(4, WAIT));
    assert!(sm.wait_for_missed_acks(4, WAIT));
    assert!(
        !sm.wait_for_deliveries(5, Duration::from_millis(300)),
        "no fourth retry"
    );
}

#[test]
fn a_missed_slash_command_is_not_redelivered() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ack_deadline(Duration::from_millis(50));
    let (mut ws, _) = connected(&slack);
    let id = sm.push_slash_command("/x", "");
    read_json(&mut ws);
    assert!(sm.wait_for_missed_acks(1, WAIT));
    assert_eq!(sm.missed_acks(), vec![id]);
    assert_eq!(sm.deliveries().len(), 1);
}

#[test]
fn oversized_acks_payloads_where_none_is_accepted_and_acks_of_nothing_are_flagged() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    let (mut ws, _) = connected(&slack);
    let slash = sm.push_slash_command("/big", "");
    let click = sm.push_interactive(json!({"type": "block_actions", "actions": []}));
    read_json(&mut ws);
    let env = read_json(&mut ws);
    assert_eq!(env["accepts_response_payload"], false);
    send(
        &mut ws,
        json!({"envelope_id": slash, "payload": {"text": "x".repeat(20_000)}}),
    );
    send(
        &mut ws,
        json!({"envelope_id": click, "payload": {"text": "nope"}}),
    );
    send(&mut ws, json!({"envelope_id": ""}));
    ws.send(Message::text("not json")).unwrap();
    assert!(sm.wait_for_ack(&click, WAIT).is_some());
    let acks = sm.acks();
    assert!(acks[0].oversized && acks[0].bytes >= 20_000);
    assert!(acks[1].payload_ignored && acks[1].payload.is_none());
    assert!(
        sm.wait_for_ack(&slash, Duration::from_millis(1)).is_none(),
        "oversized = never acked"
    );
    assert!(sm.wait_for_unexpected_frames(2, WAIT));
    assert_eq!(
        sm.unexpected_frames().len(),
        2,
        "{:?}",
        sm.unexpected_frames()
    );
}

#[test]
fn envelopes_are_spread_over_every_open_socket() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    let (mut a, _) = connected(&slack);
    let (mut b, hello) = connected(&slack);
    assert_eq!(hello["num_connections"], 2);
    for _ in 0..4 {
        sm.push_event(json!({"type": "message"}));
    }
    let on_a = (0..2).map(|_| read_json(&mut a)).count();
    let on_b = (0..2).map(|_| read_json(&mut b)).count();
    assert_eq!(on_a + on_b, 4);
    let sessions: std::collections::HashSet<u64> =
        sm.deliveries().iter().map(|d| d.session).collect();
    assert_eq!(sessions.len(), 2);
}

#[test]
fn an_eleventh_socket_is_told_too_many_websockets() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ghost_registrations(9);
    let (_a, hello) = connected(&slack);
    assert_eq!(hello["num_connections"], 10);
    let (mut b, hello) = connected(&slack);
    assert_eq!(hello["num_connections"], 11);
    let d = read_json(&mut b);
    assert_eq!(
        (d["type"].clone(), d["reason"].clone()),
        (json!("disconnect"), json!("too_many_websockets"))
    );
    assert_eq!(sm.too_many_refusals(), 1);
    assert!(
        sm.wait_for_open_sessions(1, WAIT),
        "the server closes the extra socket"
    );
}

#[test]
fn disconnect_carries_its_reason_and_the_socket_closes_after_the_grace_period() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_disconnect_close_after(Duration::from_millis(100));
    let (mut ws, _) = connected(&slack);
    assert_eq!(sm.send_disconnect("refresh_requested"), 1);
    let d = read_json(&mut ws);
    assert_eq!(d["reason"], "refresh_requested");
    loop {
        match ws.read() {
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    assert!(sm.wait_for_open_sessions(0, WAIT));
}

#[test]
fn a_rate_limited_connect_call_says_how_long_to_wait() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.rate_limit_connect(2, Some(7));
    let (status, after, body) = open_call(&slack, Some(&sm.app_token()), "");
    assert_eq!(
        (status, after.as_deref(), body["error"].as_str()),
        (429, Some("7"), Some("ratelimited"))
    );
    sm.rate_limit_connect(1, None);
    let (status, after, _) = open_call(&slack, Some(&sm.app_token()), "");
    assert_eq!((status, after), (429, None));
    assert_eq!(open_call(&slack, Some(&sm.app_token()), "").2["ok"], true);
}

#[test]
fn envelopes_pushed_with_no_socket_open_wait_for_one() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    let id = sm.push_event(json!({"type": "message"}));
    let (mut ws, _) = connected(&slack);
    assert_eq!(read_json(&mut ws)["envelope_id"], id.as_str());
}

#[test]
fn the_server_pings_and_answers_client_pings() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ping_interval(Some(Duration::from_millis(50)));
    let (mut ws, _) = connected(&slack);
    ws.send(Message::Ping(b"p".to_vec().into())).unwrap();
    let (mut saw_ping, mut saw_pong) = (false, false);
    while !(saw_ping && saw_pong) {
        match ws.read().expect("frames within the timeout") {
            Message::Ping(_) => saw_ping = true,
            Message::Pong(p) => saw_pong = p.as_ref() == b"p",
            _ => {}
        }
    }
    assert_eq!(sm.client_pings(), 1);
}

#[test]
fn a_half_open_socket_reads_and_writes_nothing_until_dropped() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    let (mut ws, _) = connected(&slack);
    sm.go_silent();
    sm.push_event(json!({"type": "message"}));
    if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
        tcp.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
    }
    assert!(ws.read().is_err(), "nothing arrives on a half-open socket");
    sm.drop_connections();
    assert!(sm.wait_for_open_sessions(0, WAIT));
}

#[test]
fn refused_upgrades_and_a_suppressed_hello() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.fail_upgrades(1, 409);
    match tungstenite::connect(url(&slack)) {
        Err(tungstenite::Error::Http(r)) => assert_eq!(r.status(), 409),
        other => panic!("{:?}", other.map(|_| ())),
    }
    sm.suppress_hello(1);
    let mut ws = dial(&url(&slack));
    sm.push_event(json!({"type": "message"}));
    if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
        tcp.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
    }
    assert!(ws.read().is_err(), "no hello, no envelopes");
}

#[test]
fn an_event_delivered_to_a_socket_that_then_closed_is_retried_on_another() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ack_deadline(Duration::from_millis(300));
    let (a, _) = connected(&slack);
    let (b, _) = connected(&slack);
    // Round robin: find which socket gets the first one.
    let first = sm.push_event(json!({"type": "message"}));
    assert!(sm.wait_for_deliveries(1, WAIT));
    let on = sm.deliveries()[0].session;
    let ids = sm.session_ids();
    let (gone, mut other) = if on == ids[0] { (a, b) } else { (b, a) };
    drop(gone);
    let retry = read_json(&mut other);
    assert_eq!(retry["retry_attempt"], 1, "{retry}");
    assert_eq!(
        retry["payload"]["event_id"],
        sm.deliveries()[0].event_id.clone().unwrap().as_str()
    );
    let _ = first;
}

#[test]
fn a_fragmented_ack_is_flagged_and_not_counted_while_one_frame_is_an_ack() {
    use tungstenite::protocol::frame::coding::{Data, OpCode};
    use tungstenite::protocol::frame::Frame;
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ack_deadline(Duration::from_millis(300));
    let (mut ws, _) = connected(&slack);
    let split = sm.push_slash_command("/split", "");
    let whole = sm.push_slash_command("/whole", "");
    read_json(&mut ws);
    read_json(&mut ws);
    // The same valid ack text, in three frames with a ping between two of them.
    let text = json!({"envelope_id": split}).to_string();
    let (a, rest) = text.split_at(5);
    let (b, c) = rest.split_at(7);
    let frame = |s: &str, op: Data, fin: bool| {
        Message::Frame(Frame::message(s.as_bytes().to_vec(), OpCode::Data(op), fin))
    };
    ws.write(frame(a, Data::Text, false)).unwrap();
    ws.write(Message::Ping(b"between".to_vec().into())).unwrap();
    ws.write(frame(b, Data::Continue, false)).unwrap();
    ws.write(frame(c, Data::Continue, true)).unwrap();
    ws.flush().unwrap();
    send(&mut ws, json!({"envelope_id": whole}));
    let ack = sm.wait_for_ack(&whole, WAIT).expect("one frame is an ack");
    assert_eq!((ack.frames, ack.fragmented), (1, false));
    assert!(sm.wait_for_refused_acks(1, WAIT));
    let refused = sm
        .acks()
        .into_iter()
        .find(|a| a.envelope_id == split)
        .expect("recorded");
    assert!(refused.fragmented && !refused.counts(), "{refused:?}");
    assert_eq!(refused.frames, 3);
    assert!(
        sm.wait_for_missed_acks(1, WAIT),
        "a fragmented ack is as good as none"
    );
    assert_eq!(sm.missed_acks(), vec![split]);
}

#[test]
fn an_ack_of_twenty_thousand_bytes_or_more_is_refused_and_one_byte_less_is_taken() {
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    let (mut ws, _) = connected(&slack);
    let big = sm.push_slash_command("/big", "");
    let fits = sm.push_slash_command("/fits", "");
    read_json(&mut ws);
    read_json(&mut ws);
    let sized = |id: &str, bytes: usize| {
        let bare = json!({"envelope_id": id, "payload": {"text": ""}}).to_string();
        json!({"envelope_id": id, "payload": {"text": "x".repeat(bytes - bare.len())}})
    };
    let at_limit = sized(&big, 20_000);
    assert_eq!(at_limit.to_string().len(), 20_000);
    send(&mut ws, at_limit);
    send(&mut ws, sized(&fits, 19_999));
    assert!(
        sm.wait_for_ack(&fits, WAIT).is_some(),
        "19 999 bytes is an ack"
    );
    assert!(sm.wait_for_refused_acks(1, WAIT));
    let acks = sm.acks();
    let refused = acks
        .iter()
        .find(|a| a.envelope_id == big)
        .expect("recorded");
    assert!(refused.oversized && !refused.counts() && refused.frames == 1);
}
