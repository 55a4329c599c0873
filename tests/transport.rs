//! The pluggable connector: both the Web API calls and the websocket use it, and TLS is
//! still verified against the original host name.

mod common;

use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use slack_rtm::fake::FakeSlack;
use slack_rtm::{ErrorCode, Proxy, RtmClient, TlsOptions};

type Calls = Arc<Mutex<Vec<(String, u16)>>>;

/// A connector that resolves the made-up host `slack.invalid` (and `localhost`) to
/// 127.0.0.1, like a custom resolver would, and records every call.
fn mapping_connector(calls: Calls) -> impl slack_rtm::Connector {
    move |host: &str, port: u16, timeout: Duration| {
        calls.lock().unwrap().push((host.to_string(), port));
        let ip = match host {
            "slack.invalid" | "localhost" | "127.0.0.1" => "127.0.0.1",
            other => return Err(std::io::Error::other(format!("unknown host {other}"))),
        };
        let addr = format!("{ip}:{port}").parse().expect("addr");
        TcpStream::connect_timeout(&addr, timeout)
    }
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .expect("a port")
}

#[test]
fn the_connector_carries_both_the_web_api_call_and_the_websocket() {
    let fake = common::fake();
    let api_port = port_of(&fake.api_url());
    let calls: Calls = Arc::default();
    let client = RtmClient::builder(fake.token())
        // Only the connector knows this host: the system resolver would fail.
        .slack_api_url(format!("http://slack.invalid:{api_port}/api/"))
        .connector(mapping_connector(calls.clone()))
        .rate_limit(None)
        .build()
        .unwrap();
    client.start().unwrap();
    client.send_message("C1", "via the connector").unwrap();
    let calls = calls.lock().unwrap().clone();
    assert!(
        calls.contains(&("slack.invalid".to_string(), api_port)),
        "{calls:?}"
    );
    assert!(
        calls
            .iter()
            .any(|(h, p)| h == "127.0.0.1" && *p != api_port),
        "the websocket went around the connector: {calls:?}"
    );
}

#[test]
fn tls_is_still_verified_against_the_original_host_name() {
    let identity = native_tls::Identity::from_pkcs8(
        include_bytes!("../src/fake/testdata/cert.pem"),
        include_bytes!("../src/fake/testdata/key.pem"),
    )
    .unwrap();
    let fake = FakeSlack::builder().tls(identity).start().unwrap();
    let api_port = port_of(&fake.api_url());
    let trust =
        TlsOptions::default().ca_pem(include_bytes!("../src/fake/testdata/cert.pem").to_vec());
    let client_for = |host: &str, tls: TlsOptions| {
        RtmClient::builder(fake.token())
            .slack_api_url(format!("https://{host}:{api_port}/api/"))
            .connector(mapping_connector(Arc::default()))
            .tls(tls)
            .auto_reconnect(false)
            .build()
            .unwrap()
    };
    // The certificate names localhost and 127.0.0.1: trusted and matching, it works.
    client_for("localhost", trust.clone()).start().unwrap();
    // Same connection, but the name the client asked for is not on the certificate.
    let err = client_for("slack.invalid", trust).start().unwrap_err();
    assert_eq!(err.code(), ErrorCode::HttpError, "{err}");
    // Matching name, untrusted issuer.
    let err = client_for("localhost", TlsOptions::default())
        .start()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::HttpError, "{err}");
}

#[test]
fn a_connector_and_an_explicit_proxy_are_not_combined() {
    let err = RtmClient::builder("xoxb-1")
        .connector(mapping_connector(Arc::default()))
        .proxy(Proxy::new("http://127.0.0.1:3128").unwrap())
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConfigError);
}

// ---- hostile servers: total deadlines and shutdown in every state ------------------------

#[path = "common/hostile.rs"]
mod hostile;

use hostile::{Hostile, Misbehaviour};
use slack_rtm::{Error, TimeoutKind};
use std::time::Instant;

/// The promise under test is "within the timeout"; anything past this many times it is
/// a broken promise, not a slow machine.
const SLACK: u32 = 4;

/// A client whose Web API is `api_url`, with the given deadlines, that gives up after
/// the first failed attempt.
fn hostile_client(api_url: &str, connect: Duration, http: Duration, start: Duration) -> RtmClient {
    RtmClient::builder("xoxb-hostile-test")
        .slack_api_url(api_url)
        .no_proxy()
        .auto_reconnect(false)
        .connect_timeout(connect)
        .http_timeout(http)
        .start_timeout(start)
        .build()
        .unwrap()
}

/// The Web API part of a hostile scenario: an honest `rtm.connect` pointing at `ws`.
fn api_pointing_at(ws: &Hostile, scheme: &str) -> Hostile {
    Hostile::start(Misbehaviour::rtm_connect(&ws.ws_url(scheme)))
}

#[test]
fn a_trickling_tls_handshake_ends_start_within_connect_timeout() {
    let ws = Hostile::start(Misbehaviour::trickling_tls());
    let api = api_pointing_at(&ws, "wss");
    let connect = Duration::from_millis(800);
    let client = hostile_client(
        &api.api_url(),
        connect,
        Duration::from_secs(5),
        Duration::from_secs(30),
    );
    let began = Instant::now();
    let err = client.start().unwrap_err();
    let took = began.elapsed();
    assert!(
        matches!(err, Error::Timeout(TimeoutKind::Connect)),
        "{err:?}"
    );
    assert!(took < connect * SLACK, "start() took {took:?}");
}

#[test]
fn a_trickling_websocket_upgrade_ends_start_within_connect_timeout() {
    let ws = Hostile::start(Misbehaviour::trickling_upgrade());
    let api = api_pointing_at(&ws, "ws");
    let connect = Duration::from_millis(800);
    let client = hostile_client(
        &api.api_url(),
        connect,
        Duration::from_secs(5),
        Duration::from_secs(30),
    );
    let began = Instant::now();
    let err = client.start().unwrap_err();
    let took = began.elapsed();
    assert!(
        matches!(err, Error::Timeout(TimeoutKind::Connect)),
        "{err:?}"
    );
    assert!(took < connect * SLACK, "start() took {took:?}");
}

#[test]
fn a_trickling_web_api_answer_ends_start_within_http_timeout() {
    let api = Hostile::start(Misbehaviour::trickling_http());
    let http = Duration::from_millis(800);
    let client = hostile_client(
        &api.api_url(),
        Duration::from_secs(5),
        http,
        Duration::from_secs(30),
    );
    let began = Instant::now();
    let err = client.start().unwrap_err();
    let took = began.elapsed();
    assert!(matches!(err, Error::Http { .. }), "{err:?}");
    assert!(err.to_string().contains("timeout"), "{err}");
    assert!(took < http * SLACK, "start() took {took:?}");
}

#[test]
fn a_silent_web_api_ends_start_within_http_timeout() {
    let api = Hostile::start(Misbehaviour::Silent);
    let http = Duration::from_millis(800);
    let client = hostile_client(
        &api.api_url(),
        Duration::from_secs(5),
        http,
        Duration::from_secs(30),
    );
    let began = Instant::now();
    assert!(client.start().is_err());
    let took = began.elapsed();
    assert!(took < http * SLACK, "start() took {took:?}");
}

/// Starts `client` on another thread, waits until `server` is misbehaving at it, then
/// disconnects: returns how long `disconnect()` took, after checking that `start()` ended
/// too.
fn disconnect_while_engaged(client: RtmClient, server: &Hostile) -> Duration {
    let starter = client.clone();
    let (done_tx, done) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(starter.start());
    });
    assert!(
        server.wait_engaged(Duration::from_secs(10)),
        "the client never came"
    );
    let began = Instant::now();
    client.disconnect();
    let took = began.elapsed();
    let started = done
        .recv_timeout(Duration::from_secs(10))
        .expect("start() returned after disconnect()");
    assert!(
        started.is_err(),
        "start() succeeded against a hostile server"
    );
    took
}

#[test]
fn disconnect_returns_within_a_second_whatever_the_server_is_doing() {
    // Every deadline is long: only the cancel can end these waits quickly.
    let long = Duration::from_secs(60);
    let bound = Duration::from_secs(1) * SLACK;

    let ws = Hostile::start(Misbehaviour::trickling_tls());
    let api = api_pointing_at(&ws, "wss");
    let took = disconnect_while_engaged(hostile_client(&api.api_url(), long, long, long), &ws);
    assert!(
        took < bound,
        "mid-TLS handshake: disconnect() took {took:?}"
    );

    let ws = Hostile::start(Misbehaviour::trickling_upgrade());
    let api = api_pointing_at(&ws, "ws");
    let took = disconnect_while_engaged(hostile_client(&api.api_url(), long, long, long), &ws);
    assert!(took < bound, "mid-upgrade: disconnect() took {took:?}");

    let api = Hostile::start(Misbehaviour::trickling_http());
    let took = disconnect_while_engaged(hostile_client(&api.api_url(), long, long, long), &api);
    assert!(took < bound, "mid-HTTP answer: disconnect() took {took:?}");

    let api = Hostile::start(Misbehaviour::Silent);
    let took = disconnect_while_engaged(hostile_client(&api.api_url(), long, long, long), &api);
    assert!(
        took < bound,
        "against a silent server: disconnect() took {took:?}"
    );
}

#[test]
fn start_timeout_ends_start_mid_handshake_even_with_long_connect_and_http_timeouts() {
    let ws = Hostile::start(Misbehaviour::trickling_upgrade());
    let api = api_pointing_at(&ws, "ws");
    let long = Duration::from_secs(60);
    let start = Duration::from_millis(800);
    let client = hostile_client(&api.api_url(), long, long, start);
    let began = Instant::now();
    let err = client.start().unwrap_err();
    let took = began.elapsed();
    assert!(matches!(err, Error::StartTimeout { .. }), "{err:?}");
    // start_timeout, then the disconnect of the session it started (within 1 s).
    assert!(
        took < start * SLACK + Duration::from_secs(1),
        "start() took {took:?}"
    );
}

#[test]
fn a_huge_retry_after_is_clamped_instead_of_panicking_the_reader() {
    let fake = common::fake();
    fake.rate_limit_connect(1, u64::MAX);
    let client = common::builder(&fake)
        .start_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let events = client.events();
    let err = client.start().unwrap_err();
    assert!(
        matches!(err, Error::StartTimeout { last: Some(_) }),
        "{err:?}"
    );
    let limited = common::wait_for(&events, "the rate-limited attempt", |e| {
        matches!(e, slack_rtm::Event::UnableToStart(_))
    });
    match limited {
        slack_rtm::Event::UnableToStart(Error::RateLimited { retry_after, .. }) => {
            assert_eq!(
                retry_after,
                Duration::from_secs(600),
                "the documented maximum"
            )
        }
        other => panic!("{other:?}"),
    }
    // The session ended cleanly: the stream ends with Disconnected.
    let names = common::drain_names(&events);
    assert_eq!(
        names.last().map(String::as_str),
        Some("disconnected"),
        "{names:?}"
    );
}

// ---- permanent failures end start() at once ----------------------------------------------

/// `start()` with retries on and a long `start_timeout`: a permanent failure must end it
/// at once, with that failure.
fn start_fails_at_once(builder: slack_rtm::Builder) -> Error {
    let client = builder
        .no_proxy()
        .auto_reconnect(true)
        .start_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let began = Instant::now();
    let err = client.start().unwrap_err();
    let took = began.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "start() retried for {took:?}: {err}"
    );
    assert!(err.is_fatal(), "{err:?}");
    err
}

fn test_ca() -> TlsOptions {
    TlsOptions::default().ca_pem(include_bytes!("../src/fake/testdata/cert.pem").to_vec())
}

#[test]
fn an_untrusted_web_api_certificate_ends_start_at_once() {
    let api = Hostile::tls_json(hostile::rtm_connect_body("wss://127.0.0.1:1/x"));
    let err = start_fails_at_once(RtmClient::builder("xoxb-1").slack_api_url(api.https_api_url()));
    assert!(matches!(err, Error::Http { .. }), "{err:?}");
    let text = err.to_string().to_lowercase();
    assert!(
        text.contains("certificate") || text.contains("tls"),
        "{err}"
    );
}

#[test]
fn an_untrusted_websocket_certificate_ends_start_at_once() {
    // The websocket server: TLS with a certificate this client does not trust.
    let ws = Hostile::tls_json(String::new());
    let api = Hostile::start(Misbehaviour::rtm_connect(&ws.ws_url("wss")));
    let err = start_fails_at_once(RtmClient::builder("xoxb-1").slack_api_url(api.api_url()));
    assert!(matches!(err, Error::Websocket(_)), "{err:?}");
    assert!(err.to_string().contains("TLS"), "{err}");
}

#[test]
fn a_plaintext_websocket_from_an_https_web_api_is_refused_at_once() {
    let api = Hostile::tls_json(hostile::rtm_connect_body(
        "ws://127.0.0.1:1/websocket/secret-ticket",
    ));
    let err = start_fails_at_once(
        RtmClient::builder("xoxb-1")
            .slack_api_url(api.https_api_url())
            .tls(test_ca()),
    );
    assert!(matches!(err, Error::Websocket(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("plaintext"), "{text}");
    assert!(!text.contains("secret-ticket"), "{text}");
}

#[test]
fn a_slack_api_url_without_the_method_ends_start_at_once() {
    let fake = common::fake();
    let wrong = fake.api_url().replace("/api/", "/not-the-api/");
    let err = start_fails_at_once(RtmClient::builder(fake.token()).slack_api_url(wrong));
    assert!(
        matches!(
            err,
            Error::Http {
                status: Some(404),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn dropping_the_last_handle_mid_http_returns_within_a_second() {
    let fake = common::fake();
    // The first rtm.connect is honest (relayed to the fake); the reconnect's trickles.
    let api = Hostile::start(Misbehaviour::relay_once(
        &fake.api_url(),
        fake.token(),
        Misbehaviour::trickling_http(),
    ));
    let long = Duration::from_secs(60);
    let client = RtmClient::builder(fake.token())
        .slack_api_url(api.api_url())
        .no_proxy()
        .connect_timeout(long)
        .http_timeout(long)
        .start_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    client.start().unwrap();
    assert!(api.wait_engaged(Duration::from_secs(10)), "the first call");
    fake.drop_connections();
    assert!(
        api.wait_engaged(Duration::from_secs(10)),
        "the reconnect's rtm.connect never came"
    );
    let began = Instant::now();
    drop(client);
    let took = began.elapsed();
    assert!(
        took < Duration::from_secs(1) * SLACK,
        "drop mid-HTTP took {took:?}"
    );
}
