//! A pluggable connector: your code opens the client's TCP connections.
//!
//! [`Builder::connector`] takes anything that turns `(host, port, timeout)` into a
//! `TcpStream` (any such closure will do). Both halves of the session go through it: the
//! Web API calls (`rtm.connect`, `chat.postMessage`, …) and the websocket. TLS stays with
//! the client and is verified against the host name the client asked for, so a connector
//! can resolve names its own way, pin addresses, go through a tunnel or log connections
//! without weakening it. (A connector replaces the proxy: tunnel inside it if you need
//! both.)
//!
//! Without `SLACK_BOT_TOKEN` it runs offline against the crate's embedded fake Slack: the
//! client is given the made-up API host `slack.invalid` (the `.invalid` domain never
//! resolves), and a connector with a small resolver of its own maps it to 127.0.0.1. It
//! connects, sends a message, checks that both the Web API call and the websocket went
//! through the connector, and exits 0. With the token it connects to Slack through a
//! connector that resolves and logs every connection, then prints events until Ctrl-C.
//!
//! ```text
//! cargo run --example connector
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example connector
//! ```
//!
//! [`Builder::connector`]: slack_rtm::Builder::connector

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use slack_rtm::fake::FakeSlack;
use slack_rtm::{Connector, Event, RtmClient};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => connect_to_slack(token.trim()),
        _ => offline_scenario(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("connector failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Connections made so far: `(host, port)` as the client asked for them.
type ConnectionLog = Arc<Mutex<Vec<(String, u16)>>>;

/// A connector with its own host table in front of the system resolver, which logs
/// every connection it opens. Like `TcpStream::connect`, it tries each address of a
/// name in turn.
fn resolving_connector(hosts: HashMap<String, IpAddr>, log: ConnectionLog) -> impl Connector {
    move |host: &str, port: u16, timeout: Duration| -> io::Result<TcpStream> {
        let addrs: Vec<SocketAddr> = match hosts.get(host) {
            Some(ip) => vec![SocketAddr::new(*ip, port)],
            None => (host, port).to_socket_addrs()?.collect(),
        };
        let mut last_error = io::Error::other(format!("{host} has no address"));
        for addr in addrs {
            let started = Instant::now();
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => {
                    println!(
                        "  connector  {host}:{port} -> {addr} in {} µs",
                        started.elapsed().as_micros()
                    );
                    if let Ok(mut log) = log.lock() {
                        log.push((host.to_owned(), port));
                    }
                    return Ok(stream);
                }
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }
}

/// The real thing: every connection to Slack goes through the logging connector.
fn connect_to_slack(token: &str) -> Result<()> {
    let client = RtmClient::builder(token)
        .connector(resolving_connector(
            HashMap::new(),
            ConnectionLog::default(),
        ))
        .build()?;
    let events = client.events();
    let me = client.start()?;
    println!(
        "connected as {} in {} (Ctrl-C to stop)",
        me.self_name, me.team_name
    );
    for event in &events {
        match &event {
            Event::Slack(ev) => println!("  event      {}", ev.kind()),
            other => println!("  state      {}", other.name()),
        }
    }
    Ok(())
}

fn offline_scenario() -> Result<()> {
    println!("SLACK_BOT_TOKEN is not set: running against the embedded fake Slack on 127.0.0.1");
    let fake = FakeSlack::start()?;
    // The fake's Web API is on 127.0.0.1:PORT; the client only knows it as slack.invalid.
    let api_url = fake.api_url().replace("127.0.0.1", "slack.invalid");
    println!("the client's API URL: {api_url}");
    let hosts = HashMap::from([("slack.invalid".to_owned(), IpAddr::V4(Ipv4Addr::LOCALHOST))]);
    let log = ConnectionLog::default();
    let client = RtmClient::builder(fake.token())
        .slack_api_url(&api_url)
        .connector(resolving_connector(hosts, log.clone()))
        .build()?;

    let me = client.start()?;
    println!("connected as {} ({})", me.self_name, me.self_id);
    let reply = client.send_message(FakeSlack::GENERAL_CHANNEL, "hello through the connector")?;
    println!(
        "message acknowledged (ts {})",
        reply.ts.as_deref().unwrap_or("?")
    );
    client.disconnect();

    let connections = log.lock().map_err(|_| "the log is poisoned")?.clone();
    // rtm.connect went to the made-up host; the websocket URL it returned names 127.0.0.1.
    let web_api = connections.iter().any(|(host, _)| host == "slack.invalid");
    let websocket = connections.iter().any(|(host, _)| host == "127.0.0.1");
    if !(web_api && websocket) {
        return Err(format!(
            "expected the Web API call (slack.invalid) and the websocket (127.0.0.1) \
             to go through the connector, saw {connections:?}"
        )
        .into());
    }
    println!(
        "done: {} connection(s) through the connector, Web API and websocket alike",
        connections.len()
    );
    Ok(())
}
