//! [`SharedConnector`]: the slot for a client's one TLS connector, which its [`Config`]
//! carries so that every clone shares it. `net/tls.rs` builds what goes in; this file only
//! keeps it, so that the settings need nothing from the I/O layer.
//!
//! [`Config`]: crate::Config

use std::fmt;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::error::Result;

/// A client's one TLS connector, for `https://` (the Web API, through ureq) and `wss://`
/// alike: built from the client's [`TlsOptions`](crate::TlsOptions) on the first TLS
/// connection, so a `ws://`-only client never initialises OpenSSL, and a client using both
/// parses the CA bundle (the system's, ~0.8 MB once parsed, or `tls.ca_pem`) into ONE
/// store. Every clone of a client's [`Config`](crate::Config) shares it.
#[derive(Clone, Default)]
pub(crate) struct SharedConnector(Arc<Lazy>);

#[derive(Default)]
struct Lazy {
    connector: OnceLock<native_tls::TlsConnector>,
    /// Held while building, so two first connections at once build one connector.
    building: Mutex<()>,
}

impl SharedConnector {
    /// The connector, made by `build` on the first call (later calls reuse it, and two
    /// first calls at once build one).
    ///
    /// # Errors
    /// `build`'s error; the next call tries again.
    pub(crate) fn get_or_build(
        &self,
        build: impl FnOnce() -> Result<native_tls::TlsConnector>,
    ) -> Result<&native_tls::TlsConnector> {
        if let Some(c) = self.0.connector.get() {
            return Ok(c);
        }
        let _building = self.0.building.lock();
        if let Some(c) = self.0.connector.get() {
            return Ok(c);
        }
        let built = build()?;
        Ok(self.0.connector.get_or_init(|| built))
    }
}

impl fmt::Debug for SharedConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedConnector")
            .field("built", &self.0.connector.get().is_some())
            .finish()
    }
}
