//! [`TlsOptions`] and [`ClientIdentity`]: the TLS settings shared by HTTPS and WSS.

use std::fmt;

/// TLS settings for both the Web API (HTTPS) and the websocket (WSS) — the counterpart of
/// the Node `tls` option. Certificate verification is always on.
///
/// ```
/// use slack_rtm::TlsOptions;
/// let tls = TlsOptions::default();
/// assert!(tls.ca_pem.is_none());
/// ```
#[derive(Clone, Default)]
pub struct TlsOptions {
    /// PEM text of one or more CA certificates that replace the system's trusted roots
    /// (Node: `ca`).
    pub ca_pem: Option<Vec<u8>>,
    /// A client certificate to present (Node: `pfx` + `passphrase`, or `cert` + `key`).
    pub identity: Option<ClientIdentity>,
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsOptions")
            .field("ca_pem", &self.ca_pem.as_ref().map(|c| c.len()))
            .field("identity", &self.identity.as_ref().map(|_| "[set]"))
            .finish()
    }
}

/// A client certificate and its private key.
///
/// ```no_run
/// use slack_rtm::{ClientIdentity, RtmClient, TlsOptions};
///
/// // The certificate and key files of a proxy or gateway that wants a client certificate.
/// let tls = TlsOptions {
///     identity: Some(ClientIdentity::Pem {
///         cert: std::fs::read("bot.crt")?,
///         key: std::fs::read("bot.key")?,
///     }),
///     ..TlsOptions::default()
/// };
/// let client = RtmClient::builder("xoxb-...").tls(tls).build()?; // checks the pair
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub enum ClientIdentity {
    /// A PKCS#12 archive and its passphrase (Node: `pfx` + `passphrase`).
    Pkcs12 {
        /// The DER bytes of the archive.
        der: Vec<u8>,
        /// Its passphrase.
        passphrase: String,
    },
    /// A PEM certificate chain and an unencrypted PKCS#8 PEM key (Node: `cert` + `key`).
    Pem {
        /// The certificate chain, PEM.
        cert: Vec<u8>,
        /// The private key, PEM (PKCS#8).
        key: Vec<u8>,
    },
}
