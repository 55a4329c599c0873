//! Socket Mode through corporate networks, over loopback: a custom CA on both legs (the
//! `apps.connections.open` call and the `wss://` socket), an HTTP CONNECT proxy carrying
//! both, a user connector making every TCP connection, and secrets kept out of the logs.
//! All of it is the engine's shared dialing (src/net), which these tests prove Socket Mode
//! goes through.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::certs::pki;
use common::logs::{assert_never_logged, capture as capture_logs, lines};
use common::socket_mode::builder;
use serde_json::json;
use slack_rtm::fake::FakeSlack;
use slack_rtm::socket_mode::SocketModeClient;
use slack_rtm::{Proxy, TlsOptions};

const SOON: Duration = Duration::from_secs(10);

/// A round trip that needs both legs: a slash command acked with a reply.
fn slash_round_trip(slack: &FakeSlack, client: &SocketModeClient) {
    let events = client.events();
    client.start().expect("start");
    let id = slack.socket_mode().push_slash_command("/ping", "");
    let event = events.recv_timeout(SOON).expect("an event");
    let req = loop {
        if let slack_rtm::socket_mode::SocketEvent::Request(r) = event {
            break r;
        }
        match events.recv_timeout(SOON).expect("an event") {
            slack_rtm::socket_mode::SocketEvent::Request(r) => break r,
            _ => continue,
        }
    };
    req.ack_with(json!({"text": "pong"})).expect("ack");
    let ack = slack.socket_mode().wait_for_ack(&id, SOON).expect("acked");
    assert_eq!(ack.payload, Some(json!({"text": "pong"})));
    client.disconnect();
}

// ---- a PKI made for the test: tests/common/certs.rs ------------------------------------

fn tls_fake() -> (FakeSlack, Vec<u8>) {
    let pki = pki();
    let ca = pki.ca_pem;
    let identity = native_tls::Identity::from_pkcs8(&pki.server_cert_pem, &pki.server_key_pem)
        .expect("identity");
    (
        FakeSlack::builder()
            .tls(identity)
            .start()
            .expect("TLS fake"),
        ca,
    )
}

// ---- a CONNECT proxy written for the test ----------------------------------------------

/// An HTTP CONNECT proxy: parses each request head with httparse, dials the target and
/// pipes both ways. It records the targets it was asked for.
struct ConnectProxy {
    port: u16,
    targets: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    fn start() -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = targets.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || tunnel(conn, &seen));
            }
        });
        ConnectProxy { port, targets }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn targets(&self) -> Vec<String> {
        self.targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn tunnel(mut client: TcpStream, seen: &Mutex<Vec<String>>) {
    let _ = client.set_read_timeout(Some(SOON));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte up to the blank line: nothing after the head may be swallowed.
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = req.parse(&head) else {
        return;
    };
    let (Some("CONNECT"), Some(target)) = (req.method, req.path) else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let target = target.to_owned();
    seen.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(target.clone());
    let Ok(upstream) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let _ = client.set_read_timeout(None);
    let (mut a, mut b) = match (client.try_clone(), upstream.try_clone()) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return,
    };
    let (mut client, mut upstream) = (client, upstream);
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a, &mut b);
        let _ = b.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut upstream, &mut client);
    let _ = client.shutdown(std::net::Shutdown::Write);
    let _ = up.join();
}

// ---- tests ---------------------------------------------------------------------------

#[test]
fn a_custom_ca_is_trusted_on_both_legs() {
    let (slack, ca) = tls_fake();
    assert!(slack.api_url().starts_with("https://"));
    let client = builder(&slack)
        .tls(TlsOptions::default().ca_pem(ca))
        .build()
        .unwrap();
    slash_round_trip(&slack, &client);
    assert_eq!(
        slack.socket_mode().sessions_opened(),
        1,
        "the wss:// socket opened"
    );
}

#[test]
fn an_untrusted_server_fails_start_with_a_tls_error() {
    let (slack, _ca) = tls_fake();
    let client = builder(&slack)
        .start_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let e = client.start().unwrap_err();
    let shown = format!("{e}");
    assert!(
        shown.to_lowercase().contains("tls") || shown.contains("certificate"),
        "{shown}"
    );
    assert_eq!(slack.socket_mode().sessions_opened(), 0);
}

#[test]
fn an_explicit_proxy_carries_the_connect_call_and_the_socket() {
    let proxy = ConnectProxy::start();
    let slack = FakeSlack::start().unwrap();
    let client = builder(&slack)
        .proxy(Proxy::new(&proxy.url()).expect("proxy url"))
        .build()
        .unwrap();
    slash_round_trip(&slack, &client);
    let api_port = slack
        .api_url()
        .split(':')
        .nth(2)
        .and_then(|p| p.split('/').next())
        .unwrap_or("")
        .to_owned();
    let targets = proxy.targets();
    assert!(
        targets.iter().any(|t| t.ends_with(&format!(":{api_port}"))),
        "the Web API leg: {targets:?}"
    );
    assert!(
        targets
            .iter()
            .any(|t| !t.ends_with(&format!(":{api_port}"))),
        "the socket leg: {targets:?}"
    );
}

#[test]
fn a_connector_makes_every_tcp_connection() {
    let slack = FakeSlack::start().unwrap();
    let made = Arc::new(AtomicUsize::new(0));
    let counter = made.clone();
    let client = builder(&slack)
        .connector(move |host: &str, port: u16, timeout: Duration| {
            counter.fetch_add(1, Ordering::SeqCst);
            let addr = format!("{host}:{port}")
                .parse()
                .map_err(|_| std::io::Error::other("not an IP literal"))?;
            TcpStream::connect_timeout(&addr, timeout)
        })
        .build()
        .unwrap();
    slash_round_trip(&slack, &client);
    let before = made.load(Ordering::SeqCst);
    let me = client
        .web()
        .expect("a bot token")
        .auth_test()
        .expect("auth.test");
    assert_eq!(me.user_id, "U0FAKEBOT");
    assert!(
        made.load(Ordering::SeqCst) > before,
        "web() uses the connector too"
    );
    assert!(
        made.load(Ordering::SeqCst) >= 2,
        "the connect call and the socket both used it"
    );
}

#[test]
fn tokens_and_socket_tickets_never_reach_the_logs() {
    capture_logs();
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_disconnect_close_after(Duration::from_millis(100));
    let client = builder(&slack).build().unwrap();
    slash_round_trip(&slack, &client);
    // A refresh and a failed attempt log more.
    let client = builder(&slack).build().unwrap();
    client.start().unwrap();
    sm.send_disconnect("refresh_requested");
    assert!(sm.wait_for_sessions_opened(3, SOON));
    client.disconnect();
    let bad = SocketModeClient::builder("xapp-1-not-the-token-secret")
        .slack_api_url(slack.api_url())
        .no_proxy()
        .build()
        .unwrap();
    assert!(bad.start().is_err());
    assert_never_logged(&sm.app_token());
    assert_never_logged(slack.token());
    assert_never_logged("not-the-token-secret");
    assert_never_logged("ticket=");
    assert!(
        lines().iter().any(|(_, l)| l.contains("refresh_requested")),
        "the refresh was logged"
    );
}

/// Waits (bounded) until the crate logged a WARN line containing every one of `parts`.
fn wait_for_warning(parts: &[&str]) -> String {
    let deadline = std::time::Instant::now() + SOON;
    loop {
        if let Some((_, l)) = lines()
            .into_iter()
            .find(|(level, l)| *level == log::Level::Warn && parts.iter().all(|p| l.contains(p)))
        {
            return l;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no WARN line with {parts:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn ghost_registrations_slack_reports_in_hello_are_warned_about_and_counted() {
    capture_logs();
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    sm.set_ghost_registrations(2);
    let client = builder(&slack).build().unwrap();
    client.start().unwrap();
    let stats = client.stats();
    assert_eq!(stats.connections, 1);
    assert_eq!(stats.num_connections_reported, Some(3));
    assert_eq!(stats.ghost_warnings, 1);
    wait_for_warning(&["2 more socket(s)", "(1)"]);
    client.disconnect();
}

#[test]
fn a_request_held_past_the_warning_threshold_is_logged_at_warn_and_counted() {
    capture_logs();
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    let client = builder(&slack)
        .ack_policy(slack_rtm::socket_mode::AckPolicy::Manual)
        .ack_warn_after(Duration::from_millis(50))
        .build()
        .unwrap();
    let events = client.events();
    client.start().unwrap();
    let id = sm.push_slash_command("/slow", "");
    let req = loop {
        match events.recv_timeout(SOON).expect("an event") {
            slack_rtm::socket_mode::SocketEvent::Request(r) => break r,
            _ => continue,
        }
    };
    let line = wait_for_warning(&[id.as_str(), "still unacked"]);
    assert!(line.contains("50ms"), "the configured threshold: {line}");
    assert_eq!(client.stats().held_past_warning, 1);
    assert_eq!(client.stats().awaiting_ack, 1);
    req.ack().unwrap();
    assert!(sm.wait_for_ack(&id, SOON).is_some());
    assert_eq!(client.stats().awaiting_ack, 0);
    client.disconnect();
}

#[test]
fn delivery_ids_the_dedup_capacity_forgets_early_are_counted_and_warned_about_once() {
    capture_logs();
    let slack = FakeSlack::start().unwrap();
    let sm = slack.socket_mode();
    // Two ids: one event (its envelope id and its event id) fills it.
    let client = builder(&slack).dedup_capacity(2).build().unwrap();
    let events = client.events();
    client.start().unwrap();
    for i in 0..3 {
        sm.push_event(json!({"type": "message", "text": format!("m{i}")}));
    }
    let mut delivered = 0;
    while delivered < 3 {
        if let slack_rtm::socket_mode::SocketEvent::Request(_) =
            events.recv_timeout(SOON).expect("an event")
        {
            delivered += 1;
        }
    }
    // The second and third events each pushed out the two ids before them.
    assert_eq!(client.stats().dedup_forgotten_early, 4);
    let warning = wait_for_warning(&["dedup_capacity (2 ids) is full"]);
    assert!(
        warning.contains("900s window"),
        "names the window: {warning}"
    );
    let warnings = lines()
        .into_iter()
        .filter(|(level, l)| *level == log::Level::Warn && l.contains("dedup_capacity (2 ids)"))
        .count();
    assert_eq!(warnings, 1, "one warning for the burst");
    assert_never_logged(&sm.app_token());
    client.disconnect();
}
