//! [`Transport`]: how the engine dials a websocket URL — the dial settings (proxy, TLS,
//! connector, timeouts) and the TLS connector, built on the first `wss://` dial so that a
//! `ws://`-only client never initializes OpenSSL (which costs several MB of resident
//! memory).

use std::sync::OnceLock;

use crate::config::Config;
use crate::error::Result;
use crate::net::cancel::Cancel;
use crate::net::dial::dial;
use crate::net::websocket::Connection;

/// The dial settings and the lazily built TLS connector.
pub(crate) struct Transport {
    config: Config,
    tls: OnceLock<native_tls::TlsConnector>,
}

// The seam's parts RTM does not use yet (Socket Mode, make-before-break): see the seam in src/runtime/mod.rs.
#[allow(dead_code)]
impl Transport {
    /// Checks the TLS settings now (a bad CA fails at build time, not at the first dial).
    ///
    /// # Errors
    /// [`Error::Config`] for an unusable CA or client identity.
    pub(crate) fn new(config: Config) -> Result<Self> {
        crate::net::tls::check(&config.tls)?;
        Ok(Self {
            config,
            tls: OnceLock::new(),
        })
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
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

    /// The TLS connector for `wss://`, built on first use.
    fn tls(&self) -> Result<&native_tls::TlsConnector> {
        if let Some(c) = self.tls.get() {
            return Ok(c);
        }
        let built = crate::net::tls::native_connector(&self.config.tls)?;
        Ok(self.tls.get_or_init(|| built))
    }
}
