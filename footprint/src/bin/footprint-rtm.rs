//! An idle RTM bot, as small as a user's bot can be: it connects with default settings and
//! reads events. `examples/idle_footprint.rs` runs it and measures it from outside
//! (`/proc/<pid>/smaps`, the threads' context switches), so nothing in this process
//! exists only to measure it. It links the RTM client only, as an RTM bot does.
//!
//! ```text
//! footprint-rtm <api_url> <token> [<ca.pem>]
//! ```
//!
//! It prints `ready` once connected, then reads events until the parent kills it.

use std::process::ExitCode;

use slack_rtm::RtmClient;

fn main() -> ExitCode {
    slack_rtm_footprint::run("footprint-rtm", |args| {
        let client = RtmClient::builder(args.token)
            .slack_api_url(args.api_url)
            .tls(args.tls)
            .build()?;
        let events = client.events();
        client.start()?;
        Ok((client, events))
    })
}
