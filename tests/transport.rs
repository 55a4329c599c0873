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
    client.send_message("via the connector", "C1").unwrap();
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
    let trust = TlsOptions {
        ca_pem: Some(include_bytes!("../src/fake/testdata/cert.pem").to_vec()),
        ..TlsOptions::default()
    };
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
