//! An idle Socket Mode app, as small as a user's app can be: it connects with default
//! settings and reads events (the client acks each envelope itself). Measured from
//! outside by `examples/idle_footprint.rs`; it links the Socket Mode client only.
//!
//! ```text
//! footprint-socket-mode <api_url> <app_token> [<ca.pem>]
//! ```
//!
//! It prints `ready` once connected, then reads events until the parent kills it.

use std::process::ExitCode;

use slack_rtm::socket_mode::SocketModeClient;

fn main() -> ExitCode {
    slack_rtm_footprint::run("footprint-socket-mode", |args| {
        let client = SocketModeClient::builder(args.token)
            .slack_api_url(args.api_url)
            .tls(args.tls)
            .build()?;
        let events = client.events();
        client.start()?;
        Ok((client, events))
    })
}
