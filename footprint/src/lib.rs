//! What the two idle clients of this package share: their command line, and what they do
//! once connected.

use std::process::ExitCode;

use slack_rtm::TlsOptions;

/// `<api_url> <token> [<ca.pem>]`: where the (fake) Slack's Web API is, the token, and a
/// CA certificate to trust as `tls.ca_pem` for `wss://`.
pub struct Args {
    /// The Web API's base URL.
    pub api_url: String,
    /// The bot or app token.
    pub token: String,
    /// Default TLS settings, plus the CA file if one was given.
    pub tls: TlsOptions,
}

impl Args {
    fn parse(name: &str) -> Result<Self, String> {
        let mut args = std::env::args().skip(1);
        let (Some(api_url), Some(token)) = (args.next(), args.next()) else {
            return Err(format!("usage: {name} <api_url> <token> [<ca.pem>]"));
        };
        let tls = match args.next() {
            Some(path) => {
                let pem = std::fs::read(&path)
                    .map_err(|e| format!("cannot read the CA file {path}: {e}"))?;
                TlsOptions::default().ca_pem(pem)
            }
            None => TlsOptions::default(),
        };
        Ok(Self {
            api_url,
            token,
            tls,
        })
    }
}

/// The whole program of the binary `name`: reads its command line, runs `connect` (which
/// builds and starts one client and returns it with its event stream), prints `ready`,
/// then reads events, holding the client, until the parent kills the process.
pub fn run<C, E: IntoIterator>(
    name: &str,
    connect: impl FnOnce(Args) -> Result<(C, E), Box<dyn std::error::Error>>,
) -> ExitCode {
    let outcome =
        Args::parse(name)
            .map_err(Into::into)
            .and_then(connect)
            .map(|(_client, events)| {
                println!("ready");
                for _event in events {}
            });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
