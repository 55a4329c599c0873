//! Surviving whatever the network and Slack do, one named test per situation, against the
//! fake Slack over real loopback sockets.

mod common;

use std::time::{Duration, Instant};

use common::{builder, fake, wait_for, wait_for_slack, SOON};
use serde_json::json;
use slack_rtm::fake::{AckPolicy, FakeSlack};
use slack_rtm::{
    Error, ErrorCode, Event, LongTextPolicy, NoReplyCause, RateLimit, RetryPolicy, RtmClient,
    TimeoutKind,
};

/// Fast retries so that tests exercising failures finish quickly.
fn quick_retry() -> RetryPolicy {
    RetryPolicy::default()
        .first_retry(Duration::from_millis(10))
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(200))
}

fn resilient(fake: &FakeSlack) -> RtmClient {
    builder(fake).retry(quick_retry()).build().unwrap()
}

fn wait_ready_again(events: &slack_rtm::Events) {
    wait_for(events, "reconnecting", |e| matches!(e, Event::Reconnecting));
    wait_for(events, "ready again", |e| matches!(e, Event::Ready));
}

#[test]
fn a_close_frame_from_the_server_reconnects() {
    let fake = fake();
    let client = resilient(&fake);
    let events = client.events();
    client.start().unwrap();
    fake.close_connections();
    wait_ready_again(&events);
    assert!(client.send_message("C1", "back").is_ok());
}

#[test]
fn a_half_open_link_is_detected_and_replaced() {
    let fake = fake();
    let client = builder(&fake)
        .retry(quick_retry())
        .client_ping_timeout(Duration::from_millis(300))
        .server_pong_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let events = client.events();
    client.start().unwrap();
    fake.go_silent();
    let lost = wait_for(&events, "unable / reconnecting", |e| {
        matches!(e, Event::Reconnecting)
    });
    assert_eq!(lost.name(), "reconnecting");
    wait_for(&events, "ready again", |e| matches!(e, Event::Ready));
    assert_eq!(fake.sessions_opened(), 2);
    assert!(client.send_message("C1", "alive").is_ok());
}

#[test]
fn hello_that_never_comes_fails_the_attempt_and_the_next_one_succeeds() {
    let fake = fake();
    fake.suppress_hello(1);
    let client = builder(&fake)
        .retry(quick_retry())
        .hello_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let events = client.events();
    client.start().unwrap();
    let failed = wait_for(&events, "unable_to_rtm_start", |e| {
        matches!(e, Event::UnableToStart(_))
    });
    assert!(matches!(
        failed,
        Event::UnableToStart(Error::Timeout(TimeoutKind::Hello))
    ));
    assert_eq!(
        fake.connect_calls(),
        2,
        "a fresh rtm.connect, never the old URL"
    );
}

#[test]
fn refused_upgrades_are_retried_with_backoff_until_one_succeeds() {
    let fake = fake();
    fake.fail_upgrades(3, 503);
    let client = resilient(&fake);
    let events = client.events();
    client.start().unwrap();
    let mut refusals = 0;
    while let Ok(e) = events.try_recv() {
        if let Event::UnableToStart(Error::Websocket(w)) = e {
            assert_eq!(w.status, Some(503));
            refusals += 1;
        }
    }
    assert_eq!(refusals, 3);
    assert_eq!(fake.connect_calls(), 4, "each attempt gets a fresh URL");
}

#[test]
fn rtm_connect_429_is_retried_no_sooner_than_retry_after() {
    let fake = fake();
    fake.rate_limit_connect(1, 1);
    let client = resilient(&fake);
    let events = client.events();
    client.start().unwrap();
    let limited = wait_for(&events, "the rate-limit failure", |e| {
        matches!(e, Event::UnableToStart(_))
    });
    match limited {
        Event::UnableToStart(Error::RateLimited { retry_after, .. }) => {
            assert_eq!(retry_after, Duration::from_secs(1))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_fatal_error_stops_reconnecting_and_ends_the_stream() {
    let fake = fake();
    let client = RtmClient::builder("xoxb-revoked")
        .slack_api_url(fake.api_url())
        .retry(quick_retry())
        .build()
        .unwrap();
    let events = client.events();
    assert_eq!(
        client.start().unwrap_err().slack_error(),
        Some("invalid_auth")
    );
    let names: Vec<String> = events.iter().map(|e| e.name().to_string()).collect();
    assert_eq!(
        names,
        ["connecting", "unable_to_rtm_start", "disconnected"],
        "no retry after a fatal error"
    );
}

#[test]
fn sends_pending_when_the_link_dies_fail_after_the_reconnect_grace_period() {
    let fake = fake();
    let client = builder(&fake)
        .retry(quick_retry())
        .reply_ack_on_reconnect_timeout(Duration::from_millis(200))
        .reply_timeout(Duration::from_secs(8))
        .build()
        .unwrap();
    let events = client.events();
    client.start().unwrap();
    fake.set_ack_policy(AckPolicy::Drop);
    let sender = common::send_in_background(&client, &fake, "in flight");
    fake.drop_connections();
    wait_ready_again(&events);
    let err = sender.join().unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoReplyReceived {
                cause: NoReplyCause::ConnectionLost,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(client.stats().awaiting_reply, 0);
}

#[test]
fn outgoing_events_buffer_while_reconnecting_and_go_out_after_ready() {
    let fake = fake();
    let client = resilient(&fake);
    let events = client.events();
    client.start().unwrap();
    fake.fail_upgrades(2, 503);
    fake.drop_connections();
    wait_for(&events, "reconnecting", |e| {
        matches!(e, Event::Reconnecting)
    });
    let pending = client
        .add_outgoing_event(
            true,
            "message",
            json!({"channel": "C1", "text": "buffered"}),
        )
        .unwrap();
    let reply = pending.wait(SOON).unwrap().unwrap();
    assert_eq!(reply.text.as_deref(), Some("buffered"));
}

#[test]
fn the_rate_limit_refuses_what_cannot_go_before_the_deadline_and_sends_nothing() {
    let fake = fake();
    let client = builder(&fake)
        .rate_limit(Some(RateLimit::new(0.01, 2)))
        .queue_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client.start().unwrap();
    client.send_message("C1", "one").unwrap();
    client.send_message("C1", "two").unwrap();
    let err = client.send_message("C1", "three").unwrap_err();
    assert!(matches!(err, Error::Timeout(TimeoutKind::Queue)), "{err:?}");
    let messages = fake
        .sent()
        .iter()
        .filter(|f| f["type"] == "message")
        .count();
    assert_eq!(messages, 2);
}

#[test]
fn typing_indicators_go_at_most_once_per_channel_per_three_seconds() {
    let fake = fake();
    let (client, _events) = common::started(&fake);
    for _ in 0..5 {
        client.send_typing("C1").unwrap();
    }
    client.send_typing("C2").unwrap();
    client.send_message("C1", "marker").unwrap();
    let typing: Vec<String> = fake
        .sent()
        .iter()
        .filter(|f| f["type"] == "typing")
        .map(|f| f["channel"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(typing, ["C1", "C2"]);
}

#[test]
fn text_over_4000_characters_follows_the_long_text_policy() {
    let fake = fake();
    let (client, _events) = common::started(&fake);
    let long = "a".repeat(4001);
    let err = client.send_message("C1", &long).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TextTooLong);

    let allowing = builder(&fake)
        .long_text(LongTextPolicy::Allow)
        .build()
        .unwrap();
    allowing.start().unwrap();
    // The fake follows Slack: it rejects such text with an error reply.
    let err = allowing.send_message("C1", &long).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SendMessagePlatformError);
}

#[test]
fn an_inbound_message_over_the_limit_ends_the_connection_without_being_buffered() {
    let fake = fake();
    let client = builder(&fake)
        .auto_reconnect(false)
        .max_inbound_message(2048)
        .build()
        .unwrap();
    let events = client.events();
    client.start().unwrap();
    fake.push(json!({"type": "message", "text": "x".repeat(8192)}));
    match wait_for(&events, "disconnected", |e| {
        matches!(e, Event::Disconnected(_))
    }) {
        Event::Disconnected(Some(Error::Websocket(w))) => {
            assert!(w.message.contains("max_inbound_message"), "{}", w.message)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn delayed_acks_within_the_timeout_still_resolve() {
    let fake = fake();
    let (client, _events) = common::started(&fake);
    fake.set_ack_policy(AckPolicy::Delay(Duration::from_millis(100)));
    let reply = client.send_message("C1", "slow ack").unwrap();
    assert_eq!(reply.text.as_deref(), Some("slow ack"));
}

#[test]
fn events_from_many_reconnects_all_arrive() {
    let fake = fake();
    let client = resilient(&fake);
    let events = client.events();
    client.start().unwrap();
    for round in 0..3 {
        fake.push(json!({"type": "user_typing", "channel": "C1", "user": format!("U{round}")}));
        wait_for_slack(&events, "user_typing");
        fake.drop_connections();
        wait_ready_again(&events);
    }
    assert_eq!(client.stats().reconnects, 3);
}

fn count_messages(events: &slack_rtm::Events) -> (usize, u64, Vec<String>) {
    let (mut messages, mut dropped, mut others) = (0, 0, Vec::new());
    while let Ok(e) = events.try_recv() {
        match e {
            Event::Slack(s) if s.kind() == "message" => messages += 1,
            Event::EventsDropped(n) => dropped += n,
            other => others.push(other.name().to_string()),
        }
    }
    (messages, dropped, others)
}

#[test]
fn a_slow_consumer_loses_only_counted_events_and_sends_keep_working() {
    let fake = slack_rtm::fake::FakeSlack::builder()
        .echo_own_messages(false)
        .start()
        .unwrap();
    common::add_test_channels(&fake);
    let client = builder(&fake).event_queue_capacity(10).build().unwrap();
    let events = client.events();
    client.start().unwrap();
    let blasted = fake.blast(
        r#"{"type":"message","channel":"C1","text":"flood","ts":"1.000001"}"#,
        100,
    );
    assert_eq!(blasted, 100);
    // The ack comes after the 100 events on the same socket: once it is here, the reader
    // has dealt with all of them, while nobody consumed.
    client.send_message("C1", "sends still work").unwrap();
    let (delivered, dropped_before, _) = count_messages(&events);
    assert_eq!(
        dropped_before, 0,
        "the drop count is reported once there is room"
    );
    fake.push(json!({"type": "message", "channel": "C1", "text": "marker"}));
    wait_for(&events, "the drop report", |e| {
        matches!(e, Event::EventsDropped(_))
    });
    let dropped = client.stats().events_dropped;
    assert!(dropped > 0);
    assert_eq!(delivered as u64 + dropped, 100);
    wait_for_slack(&events, "message");
}

#[test]
fn backpressure_loses_nothing_and_the_keepalive_spares_the_paused_link() {
    let fake = slack_rtm::fake::FakeSlack::builder()
        .echo_own_messages(false)
        .start()
        .unwrap();
    let client = builder(&fake)
        .event_queue_capacity(10)
        .slow_consumer(slack_rtm::SlowConsumerPolicy::Backpressure)
        .client_ping_timeout(Duration::from_millis(200))
        .server_pong_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let events = client.events();
    client.start().unwrap();
    fake.blast(
        r#"{"type":"message","channel":"C1","text":"flood","ts":"1.000001"}"#,
        100,
    );
    // Let at least two ping cycles pass while the reader is paused.
    let first = fake.wait_for_sent(|f| f["type"] == "ping", SOON).unwrap();
    fake.wait_for_sent(|f| f["type"] == "ping" && f["id"] != first["id"], SOON)
        .unwrap();
    let mut messages = 0;
    while messages < 100 {
        match wait_for(&events, "a flood message", |e| {
            matches!(
                e,
                Event::Slack(_) | Event::Reconnecting | Event::EventsDropped(_)
            )
        }) {
            Event::Slack(s) if s.kind() == "message" => messages += 1,
            Event::Slack(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(client.stats().events_dropped, 0);
    assert_eq!(
        fake.sessions_opened(),
        1,
        "the paused link was not declared dead"
    );
}

#[test]
fn an_expired_url_is_never_reused_a_fresh_rtm_connect_follows() {
    let fake = fake();
    fake.expire_next_urls(1);
    let client = resilient(&fake);
    let events = client.events();
    client.start().unwrap();
    let failed = wait_for(&events, "the expired-URL failure", |e| {
        matches!(e, Event::UnableToStart(_))
    });
    assert!(
        matches!(failed, Event::UnableToStart(Error::Server { code: 1, .. })),
        "{failed:?}"
    );
    assert_eq!(fake.stale_url_upgrades(), 1);
    assert_eq!(fake.connect_calls(), 2);
    assert!(client.send_message("C1", "on a fresh URL").is_ok());
}

#[test]
fn a_forced_reconnect_keeps_handlers_and_the_stream_and_resolves_pending_sends() {
    let fake = fake();
    let client = builder(&fake)
        .retry(quick_retry())
        .reply_ack_on_reconnect_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let events = client.events();
    assert!(client.reconnect().is_err(), "not started yet");
    client.start().unwrap();
    fake.set_ack_policy(AckPolicy::Drop);
    let sender = common::send_in_background(&client, &fake, "pending across the reset");
    client.reconnect().unwrap();
    wait_ready_again(&events);
    assert_eq!(fake.sessions_opened(), 2);
    let err = sender.join().unwrap().unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoReplyReceived);
    fake.set_ack_policy(AckPolicy::Immediate);
    fake.push(json!({"type": "user_typing", "channel": "C1", "user": "U1"}));
    wait_for_slack(&events, "user_typing");
    assert!(client.send_message("C1", "after the reset").is_ok());
}

#[test]
fn queued_frames_respect_the_rate_limit_in_order_without_stalling_the_reader() {
    let fake = fake();
    let client = builder(&fake)
        .rate_limit(Some(RateLimit::new(20.0, 1)))
        .build()
        .unwrap();
    let events = client.events();
    let pending: Vec<_> = (0..4)
        .map(|i| {
            client
                .add_outgoing_event(
                    true,
                    "message",
                    json!({"channel": "C1", "text": format!("q{i}")}),
                )
                .unwrap()
        })
        .collect();
    client.start().unwrap();
    // The reader keeps delivering events while the queue drains at the limited rate.
    fake.push(json!({"type": "user_typing", "channel": "C1", "user": "U1"}));
    wait_for_slack(&events, "user_typing");
    let ids: Vec<u64> = pending
        .into_iter()
        .map(|p| p.wait(SOON).unwrap().unwrap().reply_to)
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
    let texts: Vec<String> = fake
        .sent()
        .iter()
        .filter(|f| f["type"] == "message")
        .map(|f| f["text"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(texts, ["q0", "q1", "q2", "q3"]);
}

#[test]
fn a_reply_carried_by_the_new_connection_resolves_the_send() {
    let fake = fake();
    let client = builder(&fake)
        .retry(quick_retry())
        .reply_ack_on_reconnect_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let events = client.events();
    client.start().unwrap();
    fake.set_ack_policy(AckPolicy::NextConnection);
    let sender = common::send_in_background(&client, &fake, "confirmed after the drop");
    fake.drop_connections();
    wait_ready_again(&events);
    let reply = sender
        .join()
        .unwrap()
        .expect("the reply came on the new connection");
    assert_eq!(reply.text.as_deref(), Some("confirmed after the drop"));
    assert_eq!(fake.sessions_opened(), 2);
}

#[test]
fn stats_show_the_depth_of_each_queue() {
    let fake = fake();
    let (client, events) = common::started(&fake);
    let stats = client.stats();
    // connecting, authenticated and connected are queued before the state becomes Ready.
    assert!(stats.events_waiting >= 3, "{stats:?}");
    while events.try_recv().is_ok() {}
    let stats = client.stats();
    assert_eq!(
        (stats.events_waiting, stats.queued, stats.awaiting_reply),
        (0, 0, 0)
    );
    assert_eq!(stats.state, slack_rtm::State::Ready);
}

#[test]
fn a_start_that_times_out_explains_itself_and_the_session_ends_with_that_error() {
    let fake = fake();
    fake.fail_upgrades(1000, 503);
    let client = builder(&fake)
        .retry(quick_retry())
        .start_timeout(Duration::from_millis(600))
        .build()
        .unwrap();
    let events = client.events();
    let err = client.start().unwrap_err();
    // The error says why without a logger: the last attempt's failure is its source.
    assert!(
        matches!(&err, Error::StartTimeout { last: Some(last) } if matches!(**last, Error::Websocket(_))),
        "{err:?}"
    );
    assert!(err.to_string().contains("503"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
    // And the session's last lifecycle event says the same, not a bare Disconnected(None).
    let mut last = None;
    while let Some(event) = events.recv() {
        last = Some(event);
    }
    match last {
        Some(Event::Disconnected(Some(Error::StartTimeout { last: Some(_) }))) => {}
        other => panic!("the session ended with {other:?}"),
    }
}

#[test]
fn an_app_asking_to_reconnect_in_a_loop_gets_no_more_attempts_than_the_budget() {
    let fake = fake();
    // Long backoff pauses: only the app's requests could make attempts come fast.
    let retry = RetryPolicy::default()
        .initial_backoff(Duration::from_secs(30))
        .max_backoff(Duration::from_secs(30));
    let client = builder(&fake).retry(retry).build().unwrap();
    let events = client.events();
    let t0 = Instant::now();
    client.start().unwrap();
    fake.fail_upgrades(1000, 503);
    fake.close_connections();
    // Every failure is answered with a burst of reconnect requests, made during the pause.
    while fake.connect_calls() < 6 {
        let event = events
            .recv_timeout(Duration::from_secs(60))
            .expect("the client keeps trying");
        if matches!(event, Event::Reconnecting | Event::UnableToStart(_)) {
            for _ in 0..10 {
                client.reconnect().unwrap();
            }
        }
        // Every call counted so far came after t0: fewer than 10 s ago, at most five.
        let calls = fake.connect_calls();
        if Instant::now() < t0 + Duration::from_secs(10) {
            assert!(calls <= 5, "{calls} rtm.connect calls within 10 s");
        }
    }
    client.disconnect();
}
