//! An idle bot, as small as a user's bot can be: it connects with default settings and
//! waits for events. `examples/idle_footprint.rs` runs it and measures it from outside
//! (`/proc/<pid>/smaps`, the threads' context switches), so nothing in this process
//! exists only to measure it.
//!
//! ```text
//! slack-rtm-footprint rtm <api_url> <token> [<ca.pem>]
//! slack-rtm-footprint socket-mode <api_url> <app_token> [<ca.pem>]
//! ```
//!
//! It prints `ready` once connected, then reads events until the parent kills it.

use std::process::ExitCode;

use slack_rtm::socket_mode::SocketModeClient;
use slack_rtm::{RtmClient, TlsOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(api_url), Some(token)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: slack-rtm-footprint rtm|socket-mode <api_url> <token> [<ca.pem>]");
        return ExitCode::FAILURE;
    };
    let tls = match args.get(3).map(std::fs::read).transpose() {
        Ok(ca) => ca.map_or_else(TlsOptions::default, |pem| TlsOptions::default().ca_pem(pem)),
        Err(e) => {
            eprintln!("cannot read the CA file: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match kind.as_str() {
        "rtm" => rtm(api_url, token, tls),
        "socket-mode" => socket_mode(api_url, token, tls),
        other => Err(format!("unknown client kind {other:?}").into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn rtm(api_url: &str, token: &str, tls: TlsOptions) -> Result<(), Box<dyn std::error::Error>> {
    let client = RtmClient::builder(token)
        .slack_api_url(api_url)
        .tls(tls)
        .build()?;
    let events = client.events();
    client.start()?;
    println!("ready");
    for _event in events.iter() {}
    Ok(())
}

fn socket_mode(
    api_url: &str,
    app_token: &str,
    tls: TlsOptions,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = SocketModeClient::builder(app_token)
        .slack_api_url(api_url)
        .tls(tls)
        .build()?;
    let events = client.events();
    client.start()?;
    println!("ready");
    for _event in events {}
    Ok(())
}
