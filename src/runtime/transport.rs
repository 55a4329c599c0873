//! [`Transport`]: how the engine dials a websocket URL — the dial settings (proxy, TLS,
//! connector, timeouts) and the client's TLS connector, shared with its Web API
//! ([`SharedConnector`](crate::config::SharedConnector)) and built on the first TLS
//! connection of either, so that a `ws://`-only client never initializes OpenSSL (which
//! costs several MB of resident memory).

use crate::config::Config;
use crate::error::Result;
use crate::net::cancel::Cancel;
use crate::net::dial::dial;
use crate::net::websocket::Connection;

/// The dial settings (their TLS connector is the client's, built lazily).
pub(crate) struct Transport {
    config: Config,
}

impl Transport {
    /// Checks the TLS settings now (a bad CA fails at build time, not at the first dial).
    ///
    /// # Errors
    /// [`Error::Config`] for an unusable CA or client identity.
    pub(crate) fn new(config: Config) -> Result<Self> {
        crate::net::tls::check(&config.tls)?;
        Ok(Self { config })
    }

    /// Opens the websocket at `url` as link `generation`, within `connect_timeout`.
    ///
    /// TCP, proxy `CONNECT`, TLS and the upgrade finish within `connect_timeout` in total;
    /// `cancel` aborts them within milliseconds.
    ///
    /// # Errors
    /// As [`dial`]; never containing the URL.
    pub(crate) fn dial(&self, url: &str, generation: u64, cancel: &Cancel) -> Result<Connection> {
        dial(url, &self.config, || self.tls(), generation, cancel)
    }

    /// The client's TLS connector, built on its first use (`https://` or `wss://`).
    fn tls(&self) -> Result<&native_tls::TlsConnector> {
        self.config.tls_connector.get(&self.config.tls)
    }
}
