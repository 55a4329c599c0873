//! The Socket Mode client against the fake Slack's Socket Mode side, over real loopback
//! sockets. Every wait is bounded; timeouts are shrunk through the public builder.

mod common;

use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use slack_rtm::fake::FakeSlack;
use slack_rtm::socket_mode::{
    AckPolicy, DisconnectReason, SocketEvent, SocketEvents, SocketModeBuilder, SocketModeClient,
};
use slack_rtm::typed::TypedEvent;
use slack_rtm::{Error, RecvTimeoutError, State};

use common::socket_mode::builder;

/// A generous bound for anything that should happen "soon" on loopback.
const SOON: Duration = Duration::from_secs(10);

fn fake() -> FakeSlack {
    FakeSlack::start().expect("the fake Slack starts")
}

fn started(b: SocketModeBuilder) -> (SocketModeClient, SocketEvents) {
    let client = b.build().expect("valid settings");
    let events = client.events();
    client.start().expect("start");
    (client, events)
}

/// Receives until an event matches; fails the test after `SOON`.
fn wait_for(
    events: &SocketEvents,
    what: &str,
    mut pred: impl FnMut(&SocketEvent) -> bool,
) -> SocketEvent {
    let deadline = Instant::now() + SOON;
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(e) if pred(&e) => return e,
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
            Err(RecvTimeoutError::Ended) => panic!("the stream ended waiting for {what}"),
        }
    }
}

/// Polls `cond` (a stats figure, say) until it holds; fails the test after `SOON`.
fn eventually(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + SOON;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn start_blocks_until_hello_and_counts_one_socket() {
    let slack = fake();
    let (client, events) = started(builder(&slack));
    assert_eq!(client.state(), State::Ready);
    let SocketEvent::Hello(hello) =
        wait_for(&events, "hello", |e| matches!(e, SocketEvent::Hello(_)))
    else {
        unreachable!()
    };
    assert_eq!(hello.num_connections, Some(1));
    assert_eq!(client.stats().connections, 1);
    assert_eq!(client.stats().num_connections_reported, Some(1));
    let calls = slack.socket_mode().connect_calls();
    assert_eq!(calls, 1);
    client.disconnect();
    assert_eq!(client.state(), State::Disconnected);
    assert!(slack.socket_mode().wait_for_open_sessions(0, SOON));
}

#[test]
fn a_slash_command_is_acked_within_three_seconds_with_the_handlers_reply() {
    let slack = fake();
    let client = builder(&slack).build().unwrap();
    client.on_slash_command(|_req, cmd| {
        Some(json!({"response_type": "ephemeral", "text": format!("deploying {}", cmd.text)}))
    });
    client.start().unwrap();
    let runner = {
        let c = client.clone();
        std::thread::spawn(move || c.run())
    };
    let sm = slack.socket_mode();
    let id = sm.push_slash_command("/deploy", "staging");
    let ack = sm.wait_for_ack(&id, SOON).expect("acked");
    assert!(!ack.late, "acked after {:?}", ack.latency);
    assert_eq!(
        ack.payload,
        Some(json!({"response_type": "ephemeral", "text": "deploying staging"}))
    );
    client.disconnect();
    assert!(runner.join().unwrap().is_ok());
    assert_eq!(client.stats().acks_sent, 1);
}

#[test]
fn every_ack_the_client_writes_is_one_unfragmented_frame_that_slack_takes_even_near_the_limit() {
    let slack = fake();
    let client = builder(&slack).build().unwrap();
    // A reply of ~19 KB: the whole ack stays under 20 KB and must go as one frame.
    client.on_slash_command(|_req, _cmd| Some(json!({"text": "y".repeat(19_000)})));
    client.start().unwrap();
    let runner = {
        let c = client.clone();
        std::thread::spawn(move || c.run())
    };
    let sm = slack.socket_mode();
    let mut ids: Vec<String> = (0..20)
        .map(|i| sm.push_event(json!({"type": "message", "text": format!("m{i}")})))
        .collect();
    ids.push(sm.push_slash_command("/long", ""));
    for id in &ids {
        let ack = sm.wait_for_ack(id, SOON).expect("acked");
        assert_eq!(ack.frames, 1, "{ack:?}");
        assert!(ack.counts() && !ack.fragmented && !ack.oversized);
    }
    assert!(sm.acks().iter().all(|a| a.frames == 1 && !a.oversized));
    client.disconnect();
    assert!(runner.join().unwrap().is_ok());
}

#[test]
fn events_are_acked_on_arrival_and_reach_the_app_as_typed_rtm_events() {
    let slack = fake();
    let (client, events) = started(builder(&slack));
    let sm = slack.socket_mode();
    let id = sm.push_event(
        json!({"type": "message", "channel": "C1", "user": "U1", "text": "hi", "ts": "1.000001"}),
    );
    // Acked before anyone reads the stream.
    assert!(sm.wait_for_ack(&id, SOON).is_some());
    let SocketEvent::Request(req) = wait_for(&events, "the event", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    assert!(req.is_acked());
    assert_eq!(req.envelope_id(), id);
    let ev = req.events_api().expect("an events_api request");
    assert!(ev.event_id.is_some());
    let TypedEvent::Message(m) = ev.event.typed() else {
        panic!("not a message: {:?}", ev.event)
    };
    assert_eq!(m.text.as_deref(), Some("hi"));
    assert!(req.ack().is_ok(), "a second bare ack is a no-op");
    drop(req);
    assert!(
        !sm.wait_for_acks(2, Duration::from_millis(200)),
        "only one ack went out"
    );
    assert!(
        sm.unexpected_frames().is_empty(),
        "{:?}",
        sm.unexpected_frames()
    );
    client.disconnect();
}

#[test]
fn under_the_manual_policy_the_app_acks_and_an_oversized_answer_is_refused_before_sending() {
    let slack = fake();
    let (client, events) = started(builder(&slack).ack_policy(AckPolicy::Manual));
    let sm = slack.socket_mode();
    let id = sm.push_slash_command("/big", "");
    let SocketEvent::Request(req) = wait_for(&events, "the command", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    let big = json!({"text": "x".repeat(25_000)});
    match req.ack_with(big) {
        Err(Error::FrameTooLarge { size, limit }) => assert!(size > limit && limit == 20_000),
        other => panic!("{other:?}"),
    }
    assert!(!req.is_acked());
    req.ack_with(json!({"text": "the short answer"})).unwrap();
    let ack = sm.wait_for_ack(&id, SOON).unwrap();
    assert_eq!(ack.payload, Some(json!({"text": "the short answer"})));
    assert!(
        sm.acks().iter().all(|a| !a.oversized),
        "nothing oversized was ever written"
    );
    client.disconnect();
}

#[test]
fn a_payload_for_a_button_click_is_refused_and_nothing_is_sent() {
    let slack = fake();
    let (client, events) = started(builder(&slack).ack_policy(AckPolicy::Manual));
    let sm = slack.socket_mode();
    let id = sm.push_interactive(json!({"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "go", "value": "1"}]}));
    let SocketEvent::Request(req) = wait_for(&events, "the click", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    let i = req.interaction().unwrap();
    assert_eq!(i.actions[0].action_id, "go");
    assert!(matches!(
        req.ack_with(json!({"text": "no"})),
        Err(Error::InvalidArgument(_))
    ));
    req.ack().unwrap();
    let ack = sm.wait_for_ack(&id, SOON).unwrap();
    assert!(!ack.payload_ignored && ack.payload.is_none());
    client.disconnect();
}

#[test]
fn a_request_dropped_without_an_ack_is_acked_bare() {
    let slack = fake();
    let (client, events) = started(builder(&slack).ack_policy(AckPolicy::Manual));
    let sm = slack.socket_mode();
    let id = sm.push_slash_command("/forgotten", "");
    drop(wait_for(&events, "the command", |e| {
        e.as_request().is_some()
    }));
    let ack = sm.wait_for_ack(&id, SOON).expect("acked on drop");
    assert!(ack.payload.is_none());
    assert_eq!(client.stats().acks_on_drop, 1);
    client.disconnect();
}

#[test]
fn a_retry_of_an_event_already_delivered_is_acked_and_not_delivered_again() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.set_ack_deadline(Duration::from_millis(100));
    let (client, events) = started(builder(&slack).ack_policy(AckPolicy::Manual));
    let first = sm.push_event(json!({"type": "message", "text": "once"}));
    let SocketEvent::Request(req) = wait_for(&events, "the event", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    assert_eq!(req.envelope_id(), first);
    // Held past Slack's deadline: Slack retries with a new envelope id, same event id.
    assert!(sm.wait_for_deliveries(2, SOON));
    eventually("the retry to be dropped", || {
        client.stats().duplicates_dropped == 1
    });
    let retry = sm.deliveries()[1].clone();
    assert_eq!(retry.retry_attempt, 1);
    assert!(
        sm.wait_for_ack(&retry.envelope_id, SOON).is_some(),
        "the duplicate is acked"
    );
    req.ack().unwrap();
    assert_eq!(client.stats().retries_seen, 1);
    assert!(events
        .try_recv()
        .map(|e| e.as_request().is_none())
        .unwrap_or(true));
    client.disconnect();
}

#[test]
fn with_dedup_off_a_retry_reaches_the_app_with_its_retry_fields() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.set_ack_deadline(Duration::from_millis(100));
    let (client, events) = started(builder(&slack).ack_policy(AckPolicy::Manual).dedup(false));
    sm.push_event(json!({"type": "message"}));
    let SocketEvent::Request(first) = wait_for(&events, "the event", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    let SocketEvent::Request(retry) = wait_for(&events, "the retry", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    assert_eq!((first.retry_attempt(), first.retry_reason()), (0, None));
    assert_eq!(
        (retry.retry_attempt(), retry.retry_reason()),
        (1, Some("timeout"))
    );
    assert_eq!(first.event_id(), retry.event_id());
    client.disconnect();
}

#[test]
fn the_same_envelope_delivered_twice_reaches_the_app_once() {
    let slack = fake();
    let (client, events) = started(builder(&slack));
    let sm = slack.socket_mode();
    let envelope = json!({"envelope_id": "dup-1", "type": "events_api", "accepts_response_payload": false,
                          "retry_attempt": 0, "retry_reason": "",
                          "payload": {"type": "event_callback", "event_id": "EvDup", "event": {"type": "message"}}});
    sm.push_raw(envelope.to_string());
    sm.push_raw(envelope.to_string());
    sm.push_event(json!({"type": "reaction_added"}));
    let SocketEvent::Request(a) = wait_for(&events, "the first", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    let SocketEvent::Request(b) = wait_for(&events, "the next", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    assert_eq!(a.envelope_id(), "dup-1");
    assert_ne!(b.envelope_id(), "dup-1");
    assert_eq!(client.stats().duplicates_dropped, 1);
    client.disconnect();
}

#[test]
fn refresh_requested_reconnects_through_a_fresh_url_and_loses_no_request() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.set_disconnect_close_after(Duration::from_millis(500));
    let (client, events) = started(builder(&slack));
    let before = sm.push_event(json!({"type": "message", "text": "before"}));
    assert!(sm.wait_for_ack(&before, SOON).is_some());
    sm.send_disconnect("refresh_requested");
    let SocketEvent::Disconnect(d) = wait_for(&events, "the disconnect", |e| {
        matches!(e, SocketEvent::Disconnect(_))
    }) else {
        unreachable!()
    };
    assert_eq!(d.reason, DisconnectReason::RefreshRequested);
    assert!(
        sm.wait_for_sessions_opened(2, SOON),
        "a replacement socket opens"
    );
    let after: Vec<String> = (0..5)
        .map(|i| sm.push_event(json!({"type": "message", "text": i})))
        .collect();
    for id in &after {
        assert!(sm.wait_for_event_ack(id, SOON), "{id} acked");
    }
    assert_eq!(sm.connect_calls(), 2, "one fresh apps.connections.open");
    assert_eq!(sm.stale_url_upgrades(), 0, "no URL was dialed twice");
    client.disconnect();
}

#[test]
fn a_warning_starts_a_replacement_at_once() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.set_disconnect_close_after(Duration::from_secs(5));
    let (client, _events) = started(builder(&slack));
    sm.send_disconnect("warning");
    assert!(
        sm.wait_for_sessions_opened(2, SOON),
        "dialed before Slack closed the old socket"
    );
    let id = sm.push_event(json!({"type": "message"}));
    assert!(sm.wait_for_event_ack(&id, SOON));
    client.disconnect();
}

#[test]
fn too_many_websockets_closes_first_and_waits_before_dialing_again() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.set_ghost_registrations(10);
    let client = builder(&slack)
        .too_many_backoff(Duration::from_millis(600))
        .build()
        .unwrap();
    let events = client.events();
    // The fake greets the 11th socket, then tells it to go: start() may or may not
    // return on that greeting, depending on whether both frames are read at once.
    let starter = {
        let c = client.clone();
        std::thread::spawn(move || c.start())
    };
    wait_for(
        &events,
        "too_many_websockets",
        |e| matches!(e, SocketEvent::Disconnect(d) if d.reason == DisconnectReason::TooManyWebsockets),
    );
    sm.set_ghost_registrations(0);
    assert!(
        sm.wait_for_open_sessions(0, SOON),
        "the client closed its socket first"
    );
    assert!(
        sm.wait_for_sessions_opened(2, SOON),
        "it comes back once Slack has room"
    );
    assert!(starter.join().unwrap().is_ok(), "ready once Slack has room");
    let calls = sm.connect_call_times();
    assert!(
        calls[1] - calls[0] >= Duration::from_millis(600),
        "the back-off was waited out: {:?}",
        calls[1] - calls[0]
    );
    wait_for(&events, "ready again", |e| matches!(e, SocketEvent::Ready));
    assert_eq!(
        sm.max_open_sessions(),
        1,
        "never dialed one more while over the limit"
    );
    assert!(client.stats().ghost_warnings >= 1);
    client.disconnect();
}

#[test]
fn link_disabled_stops_the_client_and_run_reports_it() {
    let slack = fake();
    let client = builder(&slack).build().unwrap();
    client.start().unwrap();
    let runner = {
        let c = client.clone();
        std::thread::spawn(move || c.run())
    };
    slack.socket_mode().send_disconnect("link_disabled");
    let result = runner.join().unwrap();
    match result {
        Err(e) => {
            assert!(matches!(e, Error::LinkDisabled), "{e:?}");
            assert!(e.is_fatal());
            assert_eq!(e.code(), slack_rtm::ErrorCode::LinkDisabled);
        }
        Ok(()) => panic!("run() must report link_disabled"),
    }
    assert_eq!(slack.socket_mode().connect_calls(), 1, "no reconnect");
    assert_eq!(client.state(), State::Disconnected);
}

#[test]
fn a_bad_app_token_fails_start_at_once_and_tokens_never_show() {
    let slack = fake();
    let client = SocketModeClient::builder("xapp-1-wrong-secret-token")
        .bot_token("xoxb-bot-secret")
        .slack_api_url(slack.api_url())
        .no_proxy()
        .build()
        .unwrap();
    let e = client.start().unwrap_err();
    assert_eq!(e.slack_error(), Some("invalid_auth"));
    assert_eq!(
        slack.socket_mode().connect_calls(),
        1,
        "a fatal answer is not retried"
    );
    for text in [format!("{e}"), format!("{e:?}"), format!("{client:?}")] {
        assert!(
            !text.contains("wrong-secret") && !text.contains("bot-secret"),
            "{text}"
        );
    }
    assert!(matches!(
        SocketModeClient::builder(slack.token()).build(),
        Err(Error::Config(_))
    ));
}

#[test]
fn a_rate_limited_connect_call_is_retried_after_retry_after() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.rate_limit_connect(1, Some(2));
    let t0 = Instant::now();
    let (client, _events) = started(builder(&slack));
    assert!(
        t0.elapsed() >= Duration::from_secs(2),
        "Retry-After was honoured"
    );
    assert_eq!(sm.connect_calls(), 2);
    client.disconnect();
}

#[test]
fn a_retry_after_of_one_second_on_the_connect_call_is_waited_for_one_second_not_thirty() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.rate_limit_connect(1, Some(1));
    let client = builder(&slack).build().unwrap();
    let events = client.events();
    // start_timeout is 10 s: read as "missing" (30 s), start() would time out.
    client.start().expect("started after the 1 s Retry-After");
    let refused = wait_for(&events, "the rate-limited attempt", |e| {
        matches!(e, SocketEvent::UnableToStart(_))
    });
    match refused {
        SocketEvent::UnableToStart(Error::RateLimited { retry_after, .. }) => {
            assert_eq!(retry_after, Duration::from_secs(1))
        }
        other => panic!("{other:?}"),
    }
    let calls = sm.connect_call_times();
    assert_eq!(calls.len(), 2);
    assert!(
        calls[1] - calls[0] >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    client.disconnect();
}

#[test]
fn a_connect_call_rate_limited_without_retry_after_waits_thirty_seconds() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.rate_limit_connect(1, None);
    let client = builder(&slack)
        .start_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    match client.start() {
        Err(Error::StartTimeout { last: Some(last) }) => match *last {
            Error::RateLimited { retry_after, .. } => {
                assert_eq!(retry_after, Duration::from_secs(30))
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert_eq!(sm.connect_calls(), 1, "no second call inside the 30 s");
}

#[test]
fn a_half_open_socket_is_found_and_replaced() {
    let slack = fake();
    let sm = slack.socket_mode();
    let (client, events) = started(
        builder(&slack)
            .ping_interval(Duration::from_millis(100))
            .pong_timeout(Duration::from_millis(150)),
    );
    sm.go_silent();
    wait_for(&events, "reconnecting", |e| {
        matches!(e, SocketEvent::Reconnecting)
    });
    assert!(sm.wait_for_sessions_opened(2, SOON));
    wait_for(&events, "ready again", |e| matches!(e, SocketEvent::Ready));
    // The fake still routes to the silent socket (Slack does not know it is dead), so
    // the event may go there first; Slack's retry then reaches the new socket.
    sm.set_ack_deadline(Duration::from_millis(200));
    sm.set_retry_delays([Duration::ZERO; 3]);
    sm.push_event(json!({"type": "message"}));
    assert!(
        sm.wait_for_acks(1, SOON),
        "the event is acked on the new socket"
    );
    client.disconnect();
}

#[test]
fn a_request_held_past_the_warning_is_counted() {
    let slack = fake();
    let (client, events) = started(
        builder(&slack)
            .ack_policy(AckPolicy::Manual)
            .ack_warn_after(Duration::from_millis(50)),
    );
    let id = slack.socket_mode().push_slash_command("/slow", "");
    let req = wait_for(&events, "the command", |e| e.as_request().is_some());
    eventually("the warning", || client.stats().held_past_warning == 1);
    assert_eq!(client.stats().awaiting_ack, 1);
    drop(req);
    assert!(slack.socket_mode().wait_for_ack(&id, SOON).is_some());
    client.disconnect();
}

#[test]
fn handlers_run_on_the_callers_thread_and_a_handler_may_disconnect() {
    let slack = fake();
    let client = builder(&slack).build().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let main = std::thread::current().id();
    {
        let seen = seen.clone();
        let c = client.clone();
        client.on_events_api(move |req, ev| {
            assert_eq!(std::thread::current().id(), main);
            assert!(req.is_acked());
            if ev.kind() == "app_mention" {
                seen.fetch_add(1, Ordering::SeqCst);
                c.disconnect();
            }
        });
    }
    client.start().unwrap();
    slack
        .socket_mode()
        .push_event(json!({"type": "app_mention", "text": "<@U0> hi"}));
    assert!(client.run().is_ok());
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[test]
fn a_refresh_opens_the_new_socket_before_closing_the_old_one() {
    let slack = fake();
    let sm = slack.socket_mode();
    sm.set_disconnect_close_after(Duration::from_secs(5));
    let (client, events) = started(builder(&slack));
    sm.send_disconnect("refresh_requested");
    assert!(sm.wait_for_sessions_opened(2, SOON));
    // Envelopes pushed during the overlap go to either socket.
    let ids: Vec<String> = (0..20)
        .map(|i| sm.push_event(json!({"type": "message", "text": i})))
        .collect();
    // (One the fake wrote to the old socket as the client closed it is lost, and acked
    // through Slack's retry: the engine does not read a link after closing it.)
    for id in &ids {
        assert!(sm.wait_for_event_ack(id, SOON), "{id} acked");
    }
    assert!(
        sm.wait_for_open_sessions(1, SOON),
        "the old socket closes once the new one is up"
    );
    assert_eq!(sm.max_open_sessions(), 2, "both were open at once");
    wait_for(&events, "ready", |e| matches!(e, SocketEvent::Ready));
    client.disconnect();
}

#[test]
fn a_pool_holds_several_sockets_and_slack_spreads_envelopes_over_them() {
    let slack = fake();
    let sm = slack.socket_mode();
    let (client, _events) = started(builder(&slack).pool_size(3));
    assert!(sm.wait_for_open_sessions(3, SOON));
    let ids: Vec<String> = (0..30)
        .map(|i| sm.push_event(json!({"type": "message", "text": i})))
        .collect();
    for id in &ids {
        assert!(sm.wait_for_event_ack(id, SOON), "{id} acked");
    }
    let sockets: std::collections::HashSet<u64> =
        sm.deliveries().iter().map(|d| d.session).collect();
    assert_eq!(sockets.len(), 3);
    assert_eq!(client.stats().connections, 3);
    assert_eq!(client.stats().ghost_warnings, 0);
    client.disconnect();
}

#[test]
fn after_disconnect_events_is_the_next_sessions_stream_and_a_restart_delivers_on_it() {
    let slack = fake();
    let (client, first) = started(builder(&slack));
    client.disconnect();
    // The old stream ends with this session.
    wait_for(&first, "the end of the first session", |e| {
        matches!(e, SocketEvent::Disconnected(None))
    });
    assert_eq!(
        first.recv_timeout(SOON).unwrap_err(),
        RecvTimeoutError::Ended
    );
    let next = client.events();
    client.start().expect("started again");
    wait_for(&next, "the second session's ready", |e| {
        matches!(e, SocketEvent::Ready)
    });
    let id = slack.socket_mode().push_event(json!({"type": "message"}));
    wait_for(&next, "the event on the new stream", |e| {
        e.as_request().is_some_and(|r| r.envelope_id() == id)
    });
    assert_eq!(client.reconnect().map_err(|e| e.code()), Ok(()));
    client.disconnect();
    assert!(matches!(
        client.reconnect(),
        Err(Error::SendWhileDisconnected)
    ));
}

#[test]
fn build_refuses_settings_no_client_could_run_with() {
    let slack = fake();
    let refused = |b: SocketModeBuilder| match b.build() {
        Err(e) => assert!(e.is_fatal() && e.code() == slack_rtm::ErrorCode::ConfigError),
        Ok(_) => panic!("accepted"),
    };
    refused(builder(&slack).pool_size(0));
    refused(builder(&slack).pool_size(10));
    refused(builder(&slack).dedup_capacity(1));
    refused(builder(&slack).dedup_capacity((1 << 24) + 1));
    refused(builder(&slack).ping_interval(Duration::ZERO));
    refused(SocketModeClient::builder("xoxb-a-bot-token"));
    refused(builder(&slack).bot_token("xapp-1-not-a-bot-token"));
    assert!(builder(&slack)
        .dedup_capacity(2)
        .pool_size(9)
        .build()
        .is_ok());
}

#[test]
fn every_ack_goes_on_the_socket_that_delivered_its_envelope_while_that_socket_is_open() {
    let slack = fake();
    let sm = slack.socket_mode();
    let (client, events) = started(builder(&slack).pool_size(3).ack_policy(AckPolicy::Manual));
    assert!(sm.wait_for_open_sessions(3, SOON));
    let ids: Vec<String> = (0..12)
        .map(|i| sm.push_slash_command("/pool", &i.to_string()))
        .collect();
    // Acked from the app's thread, after delivery: the client must remember the socket.
    for _ in 0..ids.len() {
        let req = wait_for(&events, "a command", |e| e.as_request().is_some());
        req.as_request().expect("a request").ack().expect("acked");
    }
    for id in &ids {
        let ack = sm.wait_for_ack(id, SOON).expect("acked");
        assert_eq!(ack.session, ack.delivered_on, "{ack:?}");
    }
    let sockets: std::collections::HashSet<u64> = sm.acks().iter().map(|a| a.session).collect();
    assert_eq!(sockets.len(), 3, "the acks used every socket");
    client.disconnect();
}

#[test]
fn an_ack_whose_delivering_socket_has_closed_goes_on_a_live_one() {
    let slack = fake();
    let sm = slack.socket_mode();
    // Slack would close it 10 s after the disconnect: the client closes it first, once
    // the replacement said hello.
    let (client, events) = started(builder(&slack).ack_policy(AckPolicy::Manual));
    let id = sm.push_slash_command("/late", "");
    let req = wait_for(&events, "the command", |e| e.as_request().is_some());
    let delivered_on = sm.deliveries()[0].session;
    // The socket is refreshed; the app acks only once it is gone.
    assert!(sm.send_disconnect_to(delivered_on, "refresh_requested"));
    assert!(sm.wait_for_sessions_opened(2, SOON));
    let deadline = Instant::now() + SOON;
    while sm.session_ids().contains(&delivered_on) {
        assert!(Instant::now() < deadline, "the old socket closes");
        std::thread::sleep(Duration::from_millis(5));
    }
    wait_for(&events, "ready on the new socket", |e| {
        matches!(e, SocketEvent::Ready)
    });
    req.as_request()
        .expect("a request")
        .ack()
        .expect("acked on a live socket");
    let ack = sm.wait_for_ack(&id, SOON).expect("acked");
    assert_eq!(ack.delivered_on, delivered_on);
    assert_ne!(ack.session, delivered_on, "{ack:?}");
    assert!(ack.counts());
    client.disconnect();
}

#[test]
fn an_envelope_acked_right_after_disconnect_was_called_reaches_slack_as_acked() {
    let slack = fake();
    let sm = slack.socket_mode();
    let (client, events) = started(
        builder(&slack)
            .ack_policy(AckPolicy::Manual)
            .disconnect_grace(SOON),
    );
    let id = sm.push_slash_command("/inflight", "");
    let SocketEvent::Request(req) = wait_for(&events, "the command", |e| e.as_request().is_some())
    else {
        unreachable!()
    };
    let closer = {
        let client = client.clone();
        std::thread::spawn(move || client.disconnect())
    };
    // disconnect() has begun: it announces the close and waits for the ack owed.
    wait_for(&events, "Disconnecting", |e| {
        matches!(e, SocketEvent::Disconnecting)
    });
    assert_eq!(client.state(), State::Disconnecting);
    // A request arriving now is refused: neither delivered nor acked.
    let late = sm.push_slash_command("/late", "");
    eventually("the late request to be refused", || {
        client.stats().refused_while_disconnecting == 1
    });
    req.ack_with(json!({"text": "done"}))
        .expect("acked while disconnecting");
    closer.join().expect("disconnect returns");

    let ack = sm.wait_for_ack(&id, SOON).expect("Slack received the ack");
    assert!(ack.counts(), "{ack:?}");
    assert_eq!(ack.payload, Some(json!({"text": "done"})));
    let late_delivery = sm
        .deliveries()
        .into_iter()
        .find(|d| d.envelope_id == late)
        .expect("the fake delivered the late request");
    assert!(!late_delivery.acked, "left to Slack, not acked");
    let stats = client.stats();
    assert_eq!(stats.unacked_at_disconnect, 0);
    assert_eq!(stats.state, State::Disconnected);
    let rest: Vec<SocketEvent> = events.iter().collect();
    assert!(
        rest.iter().all(|e| e.as_request().is_none()),
        "the late request never reached the app: {rest:?}"
    );
    assert_eq!(
        rest.iter()
            .filter(|e| matches!(e, SocketEvent::Disconnecting))
            .count(),
        0,
        "Disconnecting is delivered once"
    );
    assert!(matches!(rest.last(), Some(SocketEvent::Disconnected(None))));
}

#[test]
fn a_request_still_unacked_when_the_grace_ends_is_reported_and_disconnect_returns() {
    let slack = fake();
    let sm = slack.socket_mode();
    let (client, events) = started(
        builder(&slack)
            .ack_policy(AckPolicy::Manual)
            .disconnect_grace(Duration::from_millis(100)),
    );
    let id = sm.push_slash_command("/held", "");
    let held = wait_for(&events, "the command", |e| e.as_request().is_some());
    client.disconnect();
    let stats = client.stats();
    assert_eq!(stats.unacked_at_disconnect, 1);
    assert_eq!(
        stats.awaiting_ack, 0,
        "nothing can be acked after the session"
    );
    drop(held); // too late to ack on drop: the sockets are closed
    assert!(sm.acks().iter().all(|a| a.envelope_id != id));
    assert_eq!(
        client.stats().acks_failed,
        0,
        "not counted as a failed write"
    );
}

#[test]
fn with_nothing_owed_disconnect_closes_without_waiting_out_the_grace() {
    let slack = fake();
    let sm = slack.socket_mode();
    // A grace no test could wait out: it must not be waited for.
    let (client, events) = started(builder(&slack).disconnect_grace(Duration::from_secs(3600)));
    let id = sm.push_event(json!({"type": "message"}));
    wait_for(&events, "the event", |e| e.as_request().is_some());
    assert!(sm.wait_for_event_ack(&id, SOON), "acked on arrival");
    client.disconnect();
    assert_eq!(client.state(), State::Disconnected);
    assert_eq!(client.stats().unacked_at_disconnect, 0);
}

#[test]
fn a_slash_command_handler_that_disconnects_still_gets_its_answer_to_slack() {
    let slack = fake();
    let sm = slack.socket_mode();
    let client = builder(&slack).build().unwrap();
    {
        let c = client.clone();
        client.on_slash_command(move |_req, cmd| {
            c.disconnect();
            Some(json!({"text": format!("bye from {}", cmd.command)}))
        });
    }
    client.start().unwrap();
    let id = sm.push_slash_command("/stop", "");
    assert!(client.run().is_ok());
    let ack = sm
        .wait_for_ack(&id, SOON)
        .expect("the handler's answer reached Slack");
    assert!(ack.counts());
    assert_eq!(ack.payload, Some(json!({"text": "bye from /stop"})));
    assert_eq!(client.state(), State::Disconnected);
}

// ---- a socket that stops taking writes: relays the test can freeze -------------------

/// A [`Connector`](slack_rtm::Connector) that routes every TCP connection through a
/// relay on loopback. A frozen relay stops reading what the client sends (a server that
/// stopped reading), while what the server sends still flows: the client's socket stays
/// open and listed, and its writes soon block. Send and receive buffers are locked small
/// (no autotuning), so a few kilobytes fill them.
#[derive(Clone, Default)]
struct Relays {
    /// The freeze switch of each websocket relay, in dial order.
    websockets: Arc<std::sync::Mutex<Vec<Arc<std::sync::atomic::AtomicBool>>>>,
}

impl Relays {
    fn connector(&self) -> impl slack_rtm::Connector {
        let relays = self.clone();
        move |host: &str, port: u16, timeout: Duration| relays.dial(host, port, timeout)
    }

    fn dial(&self, host: &str, port: u16, timeout: Duration) -> std::io::Result<TcpStream> {
        let addr = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))?
            .next()
            .ok_or_else(|| std::io::Error::other("no address"))?;
        let upstream = TcpStream::connect_timeout(&addr, timeout)?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        rustix::net::sockopt::set_socket_recv_buffer_size(&listener, 4096)?;
        let client = TcpStream::connect(listener.local_addr()?)?;
        rustix::net::sockopt::set_socket_send_buffer_size(&client, 4096)?;
        let (near, _) = listener.accept()?;
        let frozen = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (done_tx, done_rx) = crossbeam_channel::bounded::<()>(0);
        {
            let (near, upstream) = (near.try_clone()?, upstream.try_clone()?);
            let (frozen, websockets) = (frozen.clone(), self.websockets.clone());
            std::thread::spawn(move || relay_up(near, upstream, &frozen, &websockets, &done_rx));
        }
        std::thread::spawn(move || {
            let _done = done_tx; // dropped when this direction ends: wakes a frozen one
            let _ = std::io::copy(&mut &upstream, &mut &near);
            let _ = near.shutdown(std::net::Shutdown::Both);
            let _ = upstream.shutdown(std::net::Shutdown::Both);
        });
        Ok(client)
    }

    /// Freezes the `n`th websocket dialed (0: the first).
    fn freeze_websocket(&self, n: usize) {
        let relays = self.websockets.lock().unwrap();
        relays[n].store(true, Ordering::SeqCst);
    }
}

/// Client → server: copies until frozen, then reads nothing more until the other
/// direction ends. A websocket relay (its first bytes are an upgrade `GET`) registers its
/// freeze switch.
fn relay_up(
    near: TcpStream,
    upstream: TcpStream,
    frozen: &Arc<std::sync::atomic::AtomicBool>,
    websockets: &std::sync::Mutex<Vec<Arc<std::sync::atomic::AtomicBool>>>,
    done: &crossbeam_channel::Receiver<()>,
) {
    use std::io::{Read, Write};
    let mut buf = [0u8; 1024];
    let mut first = true;
    loop {
        let n = match (&near).read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if first {
            first = false;
            if buf[..n].starts_with(b"GET ") {
                websockets.lock().unwrap().push(frozen.clone());
            }
        }
        if frozen.load(Ordering::SeqCst) {
            // Swallowed, like everything after it: the server stopped reading.
            let _ = done.recv();
            break;
        }
        if (&upstream).write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = near.shutdown(std::net::Shutdown::Both);
    let _ = upstream.shutdown(std::net::Shutdown::Both);
}

/// A pool of two through `relays`, both sockets ready; returns the fake's session id of
/// the newer one (the client's newest link).
fn pool_of_two(
    slack: &FakeSlack,
    b: SocketModeBuilder,
    relays: &Relays,
) -> (SocketModeClient, SocketEvents, u64) {
    let (client, events) = started(b.pool_size(2).connector(relays.connector()));
    wait_for(&events, "the second socket's Ready", |e| {
        matches!(e, SocketEvent::Ready)
    });
    assert!(slack.socket_mode().wait_for_open_sessions(2, SOON));
    let newest = slack
        .socket_mode()
        .session_ids()
        .into_iter()
        .max()
        .expect("two sessions");
    assert_eq!(relays.websockets.lock().unwrap().len(), 2);
    (client, events, newest)
}

#[test]
fn an_app_ack_whose_listed_socket_stopped_taking_writes_goes_on_the_other_listed_socket() {
    let slack = fake();
    let sm = slack.socket_mode();
    let relays = Relays::default();
    let b = builder(&slack)
        .ack_policy(AckPolicy::Manual)
        .ack_write_timeout(Duration::from_millis(200));
    let (client, events, stuck) = pool_of_two(&slack, b, &relays);
    // The newest link: the one a fallback to "the newest ready socket" would pick again.
    relays.freeze_websocket(1);
    let pad = "x".repeat(19_000);
    let mut found = None;
    for i in 0..200 {
        let id = sm.push_slash_command("/fill", &i.to_string());
        let SocketEvent::Request(req) =
            wait_for(&events, "a command", |e| e.as_request().is_some())
        else {
            unreachable!()
        };
        assert_eq!(req.envelope_id(), id);
        let delivered_on = sm
            .deliveries()
            .into_iter()
            .find(|d| d.envelope_id == id)
            .expect("delivered")
            .session;
        // 19 KB each: the frozen socket's buffers take one or two, then a write blocks,
        // fails after ack_write_timeout, and the ack must go on the other socket.
        req.ack_with(json!({"text": pad}))
            .expect("acked, on another socket if need be");
        if delivered_on != stuck {
            // Written on the live socket after every earlier fallback: once the fake has
            // it, it has read those too.
            assert!(sm.wait_for_ack(&id, SOON).is_some());
            found = sm
                .acks()
                .into_iter()
                .find(|a| a.delivered_on == stuck && a.session != stuck);
            if found.is_some() {
                break;
            }
        }
    }
    let ack = found.expect("an ack delivered on the stuck socket came on the other one");
    assert!(ack.counts(), "{ack:?}");
    assert_eq!(client.stats().acks_failed, 0, "no ack was lost");
    client.disconnect();
}

#[test]
fn acks_whose_flush_failed_are_sent_again_on_another_listed_socket() {
    let slack = fake();
    let sm = slack.socket_mode();
    let relays = Relays::default();
    // Automatic acks: queued by the reader and flushed at the end of each batch.
    let b = builder(&slack).ack_write_timeout(Duration::from_millis(200));
    let (client, events, stuck) = pool_of_two(&slack, b, &relays);
    relays.freeze_websocket(1);
    let mut found = None;
    'rounds: for _ in 0..40 {
        let ids: Vec<String> = (0..100)
            .map(|_| sm.push_event(json!({"type": "message"})))
            .collect();
        for _ in &ids {
            wait_for(&events, "an event", |e| e.as_request().is_some());
        }
        // The last event of this round on the live socket: its ack follows every ack
        // written there before (the resent ones of earlier flushes included).
        let deliveries = sm.deliveries();
        let sync = ids.iter().rev().find(|id| {
            deliveries
                .iter()
                .any(|d| &&d.envelope_id == id && d.session != stuck)
        });
        if let Some(sync) = sync {
            assert!(
                sm.wait_for_ack(sync, SOON).is_some(),
                "acked on the live socket"
            );
        }
        found = sm
            .acks()
            .into_iter()
            .find(|a| a.delivered_on == stuck && a.session != stuck);
        if found.is_some() {
            break 'rounds;
        }
    }
    let ack = found.expect("an ack of a failed flush was written again on the other socket");
    assert!(ack.counts(), "{ack:?}");
    assert_eq!(client.stats().acks_failed, 0, "no ack was lost");
    client.disconnect();
}
