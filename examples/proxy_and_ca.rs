//! Corporate networks: an HTTP CONNECT proxy, a private CA and a client certificate.
//!
//! One [`Proxy`] and one [`TlsOptions`] cover both halves of an RTM session, the Web API
//! calls over HTTPS (`rtm.connect`, …) and the websocket over WSS:
//! - [`Proxy::new`] takes `http://[user:password@]host[:port]`; [`Proxy::from_env`] reads
//!   `HTTPS_PROXY` / `ALL_PROXY` and `NO_PROXY`, and is what a client uses by default
//!   when you set no proxy ([`Builder::no_proxy`] turns that off). Through the proxy, TLS
//!   still runs end to end with Slack: the proxy sees only the host name;
//! - [`TlsOptions::ca_pem`] replaces the system's trusted roots with your CA certificates
//!   (for a TLS-inspecting proxy or a test server); verification is never switched off;
//! - [`TlsOptions::identity`] is a client certificate, as a PEM certificate + PKCS#8 key
//!   ([`ClientIdentity::Pem`]) or a PKCS#12 archive ([`ClientIdentity::Pkcs12`]).
//!
//! Without `SLACK_BOT_TOKEN` it runs offline: the crate's embedded fake Slack serves
//! `https://` and `wss://` with a test certificate for 127.0.0.1; a client that trusts
//! that certificate connects and sends a message (once with a PEM identity, once with a
//! PKCS#12 one), and a client that trusts only the system's roots is refused with a clear
//! error. If `HTTPS_PROXY` is set (and `NO_PROXY` does not exempt 127.0.0.1) the trusted
//! clients go through that proxy; otherwise it prints how a proxy would be configured.
//! It exits 0 when all of that went as expected.
//!
//! With the token it connects to Slack with the proxy from the environment (or
//! `SLACK_PROXY`) and the TLS files named by these variables, then prints events until
//! Ctrl-C:
//! - `SLACK_CA_FILE`: PEM file of CA certificates to trust instead of the system's;
//! - `SLACK_CLIENT_CERT` + `SLACK_CLIENT_KEY`: PEM certificate chain and PKCS#8 key;
//! - `SLACK_CLIENT_P12` + `SLACK_CLIENT_P12_PASSWORD`: a PKCS#12 archive instead.
//!
//! ```text
//! cargo run --example proxy_and_ca
//! HTTPS_PROXY=http://127.0.0.1:8888 cargo run --example proxy_and_ca
//! SLACK_BOT_TOKEN=xoxb-... HTTPS_PROXY=http://proxy.corp:3128 SLACK_CA_FILE=corp-ca.pem \
//!     cargo run --example proxy_and_ca
//! ```
//!
//! [`Builder::no_proxy`]: slack_rtm::Builder::no_proxy

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use slack_rtm::fake::FakeSlack;
use slack_rtm::{ClientIdentity, ErrorCode, Event, Proxy, RtmClient, TlsOptions};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// The fake Slack's test certificate (self-signed, for 127.0.0.1 and localhost) and key.
/// Test material only: never trust it anywhere else.
const TEST_CERT: &[u8] = include_bytes!("../src/fake/testdata/cert.pem");
const TEST_KEY: &[u8] = include_bytes!("../src/fake/testdata/key.pem");

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => connect_to_slack(token.trim()),
        _ => offline_scenario(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("proxy_and_ca failed: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---- with a token: real Slack ------------------------------------------------------------

fn connect_to_slack(token: &str) -> Result<()> {
    let tls = tls_from_env()?;
    println!("TLS: {tls:?}"); // Debug shows sizes and "[set]", never key material
    let mut builder = RtmClient::builder(token).tls(tls);
    match std::env::var("SLACK_PROXY") {
        Ok(url) if !url.trim().is_empty() => builder = builder.proxy(Proxy::new(url.trim())?),
        // Without an explicit proxy, `build()` takes the one from the environment.
        _ => match Proxy::from_env() {
            Some(proxy) => println!("proxy from the environment: {proxy:?}"),
            None => println!("no proxy: connecting directly"),
        },
    }
    let client = builder.build()?;
    if let Some(proxy) = &client.config().proxy {
        println!("using {proxy:?}"); // credentials are redacted
    }
    let events = client.events();
    let me = client.start()?;
    println!(
        "connected as {} in {} (Ctrl-C to stop)",
        me.self_name, me.team_name
    );
    for event in &events {
        match &event {
            Event::Slack(ev) => println!("  event  {}", ev.kind()),
            other => println!("  state  {}", other.name()),
        }
    }
    Ok(())
}

/// TLS settings from `SLACK_CA_FILE`, `SLACK_CLIENT_CERT`/`SLACK_CLIENT_KEY` and
/// `SLACK_CLIENT_P12`/`SLACK_CLIENT_P12_PASSWORD` (all optional).
fn tls_from_env() -> Result<TlsOptions> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let read =
        |path: &str| std::fs::read(Path::new(path)).map_err(|e| format!("cannot read {path}: {e}"));
    let mut tls = TlsOptions::default();
    if let Some(path) = var("SLACK_CA_FILE") {
        tls.ca_pem = Some(read(&path)?);
    }
    tls.identity = match (
        var("SLACK_CLIENT_CERT"),
        var("SLACK_CLIENT_KEY"),
        var("SLACK_CLIENT_P12"),
    ) {
        (Some(cert), Some(key), None) => Some(ClientIdentity::Pem {
            cert: read(&cert)?,
            key: read(&key)?,
        }),
        (None, None, Some(p12)) => Some(ClientIdentity::Pkcs12 {
            der: read(&p12)?,
            passphrase: var("SLACK_CLIENT_P12_PASSWORD").unwrap_or_default(),
        }),
        (None, None, None) => None,
        _ => {
            return Err("set SLACK_CLIENT_CERT and SLACK_CLIENT_KEY together, \
                        or SLACK_CLIENT_P12 alone"
                .into())
        }
    };
    Ok(tls)
}

// ---- without a token: the fake Slack over TLS --------------------------------------------

fn offline_scenario() -> Result<()> {
    println!("SLACK_BOT_TOKEN is not set: running against the embedded fake Slack on 127.0.0.1");
    let fake = FakeSlack::builder()
        .tls(native_tls::Identity::from_pkcs8(TEST_CERT, TEST_KEY)?)
        .start()?;
    println!("the fake Slack serves {}", fake.api_url());
    if !fake.api_url().starts_with("https://") {
        return Err("the fake Slack is not serving https".into());
    }
    let proxy = proxy_for_the_scenario()?;

    // 1. Trust the test certificate, present a PEM client certificate.
    let pem = TlsOptions::default()
        .ca_pem(TEST_CERT.to_vec())
        // The fake Slack asks for no client certificate; a server that did would get this.
        .identity(ClientIdentity::Pem {
            cert: TEST_CERT.to_vec(),
            key: TEST_KEY.to_vec(),
        });
    connect_and_send(&fake, "trusted CA + PEM identity", pem, proxy.clone())?;

    // 2. The same with a PKCS#12 identity; normally `std::fs::read("client.p12")`.
    let pkcs12 =
        TlsOptions::default()
            .ca_pem(TEST_CERT.to_vec())
            .identity(ClientIdentity::Pkcs12 {
                der: test_pkcs12("example passphrase")?,
                passphrase: "example passphrase".into(),
            });
    connect_and_send(
        &fake,
        "trusted CA + PKCS#12 identity",
        pkcs12,
        proxy.clone(),
    )?;

    // 3. The system's roots do not include the test certificate: refused.
    println!("client 'system roots only': connecting…");
    let untrusted = offline_client(&fake, TlsOptions::default(), proxy)?;
    match untrusted.start() {
        Ok(_) => return Err("a client that does not trust the test CA connected".into()),
        Err(e) if e.code() == ErrorCode::HttpError => {
            println!(
                "client 'system roots only': refused as expected ({:?}):",
                e.code()
            );
            println!("    {e}");
        }
        Err(e) => return Err(format!("refused, but not for TLS reasons: {e}").into()),
    }
    if fake.sessions_opened() != 2 {
        return Err(format!("expected 2 wss sessions, saw {}", fake.sessions_opened()).into());
    }
    println!("done: 2 websocket sessions over wss, the untrusted client was refused");
    Ok(())
}

/// The proxy the clients use: `HTTPS_PROXY` (or `ALL_PROXY`) when set and not
/// exempted by `NO_PROXY`; none otherwise, after showing how one is configured.
fn proxy_for_the_scenario() -> Result<Option<Proxy>> {
    match Proxy::from_env() {
        Some(proxy) if proxy.applies_to("127.0.0.1") => {
            println!("going through the proxy from the environment: {proxy:?}");
            Ok(Some(proxy))
        }
        Some(proxy) => {
            println!("NO_PROXY exempts 127.0.0.1 from {proxy:?}: connecting directly");
            Ok(None)
        }
        None => {
            // Nothing to go through here; this is how it would be set up.
            let example = Proxy::new("http://bot:s3cret@proxy.example.com:3128")?
                .no_proxy(["localhost", ".internal.example.com"]);
            println!("no HTTPS_PROXY set: connecting directly. A proxy would be configured with");
            println!("    RtmClient::builder(token).proxy(Proxy::new(\"http://bot:s3cret@proxy.example.com:3128\")?)");
            println!("or taken from HTTPS_PROXY / NO_PROXY by default; it reads as {example:?}");
            Ok(None)
        }
    }
}

/// A client for the fake Slack with these TLS settings and this proxy (or none at all,
/// not even one from the environment).
fn offline_client(fake: &FakeSlack, tls: TlsOptions, proxy: Option<Proxy>) -> Result<RtmClient> {
    let builder = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .tls(tls)
        // Fail at once instead of retrying, and keep every wait short.
        .auto_reconnect(false)
        .start_timeout(Duration::from_secs(10))
        .http_timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(5));
    let builder = match proxy {
        Some(proxy) => builder.proxy(proxy),
        None => builder.no_proxy(),
    };
    Ok(builder.build()?)
}

fn connect_and_send(
    fake: &FakeSlack,
    label: &str,
    tls: TlsOptions,
    proxy: Option<Proxy>,
) -> Result<()> {
    println!("client '{label}': connecting…");
    let client = offline_client(fake, tls, proxy)?;
    let me = client.start()?;
    let reply = client.send_message(
        FakeSlack::GENERAL_CHANNEL,
        &format!("hello over wss ({label})"),
    )?;
    println!(
        "client '{label}': connected as {}, message acknowledged (ts {})",
        me.self_name,
        reply.ts.as_deref().unwrap_or("?")
    );
    client.disconnect();
    Ok(())
}

/// A PKCS#12 archive of the test certificate and key, standing in for a `.p12` file.
fn test_pkcs12(passphrase: &str) -> Result<Vec<u8>> {
    let cert = openssl::x509::X509::from_pem(TEST_CERT)?;
    let key = openssl::pkey::PKey::private_key_from_pem(TEST_KEY)?;
    let archive = openssl::pkcs12::Pkcs12::builder()
        .name("slack-rtm example")
        .pkey(&key)
        .cert(&cert)
        .build2(passphrase)?;
    Ok(archive.to_der()?)
}
