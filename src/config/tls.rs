//! [`TlsOptions`] and [`ClientIdentity`]: the TLS settings shared by HTTPS and WSS.

use std::fmt;

/// TLS settings for both the Web API (HTTPS) and the websocket (WSS) — the counterpart of
/// the Node `tls` option. Certificate verification is always on.
///
/// Built with setters (the struct is `#[non_exhaustive]`: settings may be added):
///
/// ```
/// use slack_rtm::TlsOptions;
/// let tls = TlsOptions::default();
/// assert!(tls.ca_pem.is_none());
/// let pem = b"-----BEGIN CERTIFICATE-----\n...".to_vec();
/// let tls = TlsOptions::default().ca_pem(pem.clone());
/// assert_eq!(tls.ca_pem, Some(pem));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct TlsOptions {
    /// PEM text of one or more CA certificates that replace the system's trusted roots
    /// (Node: `ca`).
    pub ca_pem: Option<Vec<u8>>,
    /// A client certificate to present (Node: `pfx` + `passphrase`, or `cert` + `key`).
    pub identity: Option<ClientIdentity>,
}

impl TlsOptions {
    /// Sets [`ca_pem`](Self::ca_pem): PEM text of the CA certificates to trust instead of
    /// the system's roots.
    ///
    /// ```
    /// let pem = std::fs::read("corporate-ca.pem").unwrap_or_default();
    /// let tls = slack_rtm::TlsOptions::default().ca_pem(pem);
    /// assert!(tls.ca_pem.is_some());
    /// ```
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }

    /// Sets [`identity`](Self::identity): the client certificate to present.
    ///
    /// ```
    /// use slack_rtm::{ClientIdentity, TlsOptions};
    /// let tls = TlsOptions::default().identity(ClientIdentity::Pkcs12 {
    ///     der: std::fs::read("client.p12").unwrap_or_default(),
    ///     passphrase: "secret".into(),
    /// });
    /// assert!(tls.identity.is_some());
    /// assert!(!format!("{tls:?}").contains("secret"));
    /// ```
    pub fn identity(mut self, identity: ClientIdentity) -> Self {
        self.identity = Some(identity);
        self
    }
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
/// let tls = TlsOptions::default().identity(ClientIdentity::Pem {
///     cert: std::fs::read("bot.crt")?,
///     key: std::fs::read("bot.key")?,
/// });
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
