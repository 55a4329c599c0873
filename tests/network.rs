//! Corporate networks: an HTTP CONNECT proxy (a real tinyproxy) carrying both the Web API
//! call and the websocket, and TLS with a CA made for the test, against the fake Slack.
//!
//! The proxy tests need Debian's `tinyproxy`, which a fresh machine does not have, so they
//! are `#[ignore]`d: plain `cargo test` runs the TLS tests only, and `.ci/run` installs
//! tinyproxy and then runs `cargo test --test network -- --ignored`. Run that yourself after
//! `apt-get install tinyproxy`; without tinyproxy an ignored test fails loudly, never passes.
//! tinyproxy is told to make its outgoing connections from 127.0.0.3, so the fake Slack's
//! record of peer addresses proves that no connection bypassed it.

mod common;

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use slack_rtm::fake::FakeSlack;
use slack_rtm::{ClientIdentity, Error, ErrorCode, Proxy, RtmClient, TlsOptions};

const PROXY_SOURCE: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));

// Every test in this file also checks that no secret was logged.
use common::certs::{pki, Pki};
use common::logs::{assert_never_logged, capture as capture_logs};

// ---- a real tinyproxy ----------------------------------------------------------------

struct Tinyproxy {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Tinyproxy {
    fn start(basic_auth: Option<(&str, &str)>) -> Tinyproxy {
        let binary = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("tinyproxy is not installed: apt-get install tinyproxy (.ci/run does)");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("slack-rtm-tinyproxy-{port}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let auth = basic_auth
            .map(|(u, p)| format!("BasicAuth {u} {p}\n"))
            .unwrap_or_default();
        let conf = format!(
            "User root\nGroup root\nPort {port}\nListen 127.0.0.1\nBind 127.0.0.3\nTimeout 30\n\
             MaxClients 50\nAllow 127.0.0.1\nDisableViaHeader Yes\nLogLevel Info\n\
             LogFile \"{}\"\n{auth}",
            dir.join("tinyproxy.log").display()
        );
        let conf_path = dir.join("tinyproxy.conf");
        std::fs::write(&conf_path, conf).expect("write the config");
        let child = Command::new(binary)
            .arg("-d")
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy starts");
        let proxy = Tinyproxy { child, port, dir };
        // Wait (bounded) until it accepts connections.
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tinyproxy did not start listening"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        proxy
    }

    fn url(&self, credentials: Option<(&str, &str)>) -> String {
        match credentials {
            Some((u, p)) => format!("http://{u}:{p}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    fn log(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = std::fs::File::open(self.dir.join("tinyproxy.log")) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---- a PKI made for the test: tests/common/certs.rs ------------------------------------

fn tls_fake(pki: &Pki) -> FakeSlack {
    let identity =
        native_tls::Identity::from_pkcs8(&pki.server_cert_pem, &pki.server_key_pem).expect("id");
    let fake = FakeSlack::builder()
        .tls(identity)
        .start()
        .expect("TLS fake");
    common::add_test_channels(&fake);
    fake
}

fn trusting(pki: &Pki) -> TlsOptions {
    TlsOptions::default().ca_pem(pki.ca_pem.clone())
}

/// A "proxy" that accepts connections and never answers: whatever it is given is lost.
struct Swallower {
    port: u16,
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Swallower {
    fn start() -> Swallower {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming().flatten() {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                held.push(conn);
            }
        });
        Swallower { port, accepted }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }
}

// ---- tests -------------------------------------------------------------------------------

#[test]
fn a_proxy_from_the_environment_never_swallows_loopback_traffic() {
    let swallower = Swallower::start();
    let env_proxy = Proxy::from_env_vars(|name| {
        (name == "HTTPS_PROXY" || name == "ALL_PROXY").then(|| swallower.url())
    })
    .expect("a proxy from these variables");
    let fake = common::fake();
    let client = common::builder(&fake).proxy(env_proxy).build().unwrap();
    client.start().unwrap();
    client.send_message("C1", "straight to loopback").unwrap();
    assert_eq!(swallower.accepted(), 0, "loopback went to the proxy");
}

#[test]
fn an_explicit_proxy_is_used_even_for_loopback() {
    let swallower = Swallower::start();
    let fake = common::fake();
    let client = common::builder(&fake)
        .proxy(Proxy::new(&swallower.url()).unwrap())
        .auto_reconnect(false)
        .http_timeout(Duration::from_millis(300))
        .start_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    assert!(client.start().is_err(), "the swallowing proxy answered?");
    assert!(swallower.accepted() >= 1, "the explicit proxy was bypassed");
    assert!(fake.peers().is_empty(), "{:?}", fake.peers());
}

#[test]
#[ignore = "needs Debian's tinyproxy: .ci/run installs it and runs them"]
fn the_web_api_call_and_the_websocket_both_go_through_the_proxy() {
    capture_logs();
    let proxy = Tinyproxy::start(None);
    let fake = common::fake();
    let client = common::builder(&fake)
        .proxy(Proxy::new(&proxy.url(None)).unwrap())
        .build()
        .unwrap();
    client.start().unwrap();
    client.send_message("C1", "through the proxy").unwrap();
    let peers = fake.peers();
    assert!(
        peers.len() >= 2,
        "an HTTP and a websocket connection: {peers:?}"
    );
    assert!(
        peers.iter().all(|p| p.ip() == PROXY_SOURCE),
        "a connection bypassed the proxy: {peers:?}"
    );
    assert!(proxy.log().contains("CONNECT"), "{}", proxy.log());
    assert_never_logged(fake.token());
}

#[test]
#[ignore = "needs Debian's tinyproxy: .ci/run installs it and runs them"]
fn proxy_credentials_are_used_and_never_shown() {
    capture_logs();
    let proxy = Tinyproxy::start(Some(("bot", "s3cr3t-pw")));
    let fake = common::fake();
    let client = common::builder(&fake)
        .proxy(Proxy::new(&proxy.url(Some(("bot", "s3cr3t-pw")))).unwrap())
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("s3cr3t-pw"));
    client.start().unwrap();
    assert!(client.send_message("C1", "authenticated proxy").is_ok());
    assert!(fake.peers().iter().all(|p| p.ip() == PROXY_SOURCE));

    let wrong = common::builder(&fake)
        .proxy(Proxy::new(&proxy.url(Some(("bot", "wrong-pw")))).unwrap())
        .auto_reconnect(false)
        .build()
        .unwrap();
    let err = wrong.start().unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("wrong-pw"), "{shown}");
    assert_never_logged("s3cr3t-pw");
    assert_never_logged("wrong-pw");
}

#[test]
#[ignore = "needs Debian's tinyproxy: .ci/run installs it and runs them"]
fn no_proxy_hosts_are_reached_directly() {
    capture_logs();
    let proxy = Tinyproxy::start(None);
    let fake = common::fake();
    let client = common::builder(&fake)
        .proxy(
            Proxy::new(&proxy.url(None))
                .unwrap()
                .no_proxy(["127.0.0.1"]),
        )
        .build()
        .unwrap();
    client.start().unwrap();
    assert!(fake.peers().iter().all(|p| p.ip() != PROXY_SOURCE));
}

#[test]
fn https_and_wss_work_with_a_ca_made_for_the_test() {
    capture_logs();
    let pki = pki();
    let fake = tls_fake(&pki);
    assert!(fake.api_url().starts_with("https://"));
    let client = common::builder(&fake).tls(trusting(&pki)).build().unwrap();
    client.start().unwrap();
    let reply = client.send_message("C1", "over TLS").unwrap();
    assert_eq!(reply.text.as_deref(), Some("over TLS"));
}

#[test]
#[ignore = "needs Debian's tinyproxy: .ci/run installs it and runs them"]
fn wss_through_the_proxy_with_the_test_ca() {
    capture_logs();
    let pki = pki();
    let fake = tls_fake(&pki);
    let proxy = Tinyproxy::start(None);
    let client = common::builder(&fake)
        .tls(trusting(&pki))
        .proxy(Proxy::new(&proxy.url(None)).unwrap())
        .build()
        .unwrap();
    client.start().unwrap();
    client.send_message("C1", "TLS inside the tunnel").unwrap();
    assert!(fake.peers().iter().all(|p| p.ip() == PROXY_SOURCE));
}

#[test]
fn an_untrusted_server_certificate_fails_with_a_clear_tls_error() {
    capture_logs();
    let pki = pki();
    let fake = tls_fake(&pki);
    let client = common::builder(&fake)
        .auto_reconnect(false)
        .build()
        .unwrap();
    let err = client.start().unwrap_err();
    assert_eq!(err.code(), ErrorCode::HttpError, "{err}");
    let text = err.to_string().to_lowercase();
    assert!(
        text.contains("certificate") || text.contains("tls") || text.contains("ssl"),
        "{err}"
    );
    assert!(matches!(err, Error::Http { .. }));
}

#[test]
fn an_untrusted_web_api_certificate_is_a_permanent_error() {
    capture_logs();
    let pki = pki();
    let fake = tls_fake(&pki);
    let err = common::builder(&fake).build().unwrap().start().unwrap_err();
    assert!(
        err.is_fatal(),
        "retrying cannot make the certificate verify: {err:?}"
    );
    // With the test CA the same client reaches the fake over https:// and wss://.
    let client = common::builder(&fake).tls(trusting(&pki)).build().unwrap();
    client.start().unwrap();
    assert_never_logged(fake.token());
}

#[test]
fn a_web_api_tls_handshake_nobody_answers_ends_within_http_timeout() {
    capture_logs();
    let swallower = Swallower::start();
    let client = RtmClient::builder("xoxb-1")
        .slack_api_url(format!("https://127.0.0.1:{}/api/", swallower.port))
        .no_proxy()
        .auto_reconnect(false)
        .http_timeout(Duration::from_millis(300))
        .start_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let began = Instant::now();
    let err = client.start().unwrap_err();
    // A generous bound that only a handshake ignoring the deadline breaks.
    assert!(began.elapsed() < Duration::from_secs(10), "{err:?}");
    assert!(
        !err.is_fatal(),
        "a silent server may answer next time: {err:?}"
    );
    assert_eq!(swallower.accepted(), 1);
}

#[test]
fn client_identities_are_checked_when_the_client_is_built() {
    let pki = pki();
    let fake = tls_fake(&pki);
    let with = |passphrase: &str| {
        TlsOptions::default()
            .ca_pem(pki.ca_pem.clone())
            .identity(ClientIdentity::Pkcs12 {
                der: pki.client_p12.clone(),
                passphrase: passphrase.into(),
            })
    };
    let err = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .tls(with("not-the-passphrase"))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConfigError);
    assert!(!err.to_string().contains("not-the-passphrase"));
    // The right passphrase builds, and the identity is offered on both HTTPS and WSS
    // (the fake does not ask for client certificates, so the connection just works).
    let client = common::builder(&fake)
        .tls(with("p12-pass"))
        .build()
        .unwrap();
    client.start().unwrap();
    let bad_ca = TlsOptions::default().ca_pem(b"not a certificate".to_vec());
    assert!(RtmClient::builder("xoxb-1").tls(bad_ca).build().is_err());
}
