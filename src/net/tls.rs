//! TLS for HTTPS and WSS alike: the crate's one PEM reader, building a client's one
//! native-tls connector (into the [`SharedConnector`] its config carries, for the Web API
//! and the websocket), and telling a TLS failure that retrying cannot fix from one the
//! network caused.

use std::time::Instant;

use crate::config::{ClientIdentity, SharedConnector, TlsOptions};
use crate::error::{Error, Result};
use crate::net::cancel::Cancel;
use crate::net::socket::Limits;

/// Whether a failed handshake failed in TLS itself (OpenSSL's error stack: certificate
/// verification, protocol) rather than in the socket under it (a reset, an EOF, a
/// timeout or a cancel), which a retry may get past.
pub(crate) fn is_permanent(e: &native_tls::Error) -> bool {
    std::error::Error::source(e).is_some_and(|cause| cause.is::<openssl::error::ErrorStack>())
}

/// The crate's one PEM reader: the certificates in `pem`, as DER, in order (the CA list).
///
/// # Errors
/// [`Error::Config`] naming `what` when the PEM is malformed or holds no certificate.
pub(crate) fn certificates(pem: &[u8], what: &str) -> Result<Vec<Vec<u8>>> {
    let stack = openssl::x509::X509::stack_from_pem(pem)
        .map_err(|e| Error::Config(format!("{what} is not valid PEM: {e}")))?;
    if stack.is_empty() {
        return Err(Error::Config(format!("{what} holds no certificate")));
    }
    stack
        .iter()
        .map(|c| {
            c.to_der()
                .map_err(|e| Error::Config(format!("{what}: a certificate cannot be encoded: {e}")))
        })
        .collect()
}

/// The client identity in native-tls's form.
pub(crate) fn native_identity(identity: &ClientIdentity) -> Result<native_tls::Identity> {
    match identity {
        ClientIdentity::Pkcs12 { der, passphrase } => {
            native_tls::Identity::from_pkcs12(der, passphrase)
        }
        ClientIdentity::Pem { cert, key } => native_tls::Identity::from_pkcs8(cert, key),
    }
    .map_err(|e| Error::Config(format!("tls.identity is not usable: {e}")))
}

/// Checks `tls` as `build()` does: a bad CA or identity is an error now, not at the first
/// connection.
pub(crate) fn check(tls: &TlsOptions) -> Result<()> {
    if let Some(pem) = &tls.ca_pem {
        certificates(pem, "tls.ca_pem")?;
    }
    if let Some(identity) = &tls.identity {
        native_identity(identity)?;
    }
    Ok(())
}

impl SharedConnector {
    /// The connector, built from `tls` on the first call (later calls reuse it: a client's
    /// TLS options do not change once it is built).
    ///
    /// # Errors
    /// [`Error::Config`] for an unusable CA or identity (which `build()` already checked).
    pub(crate) fn get(&self, tls: &TlsOptions) -> Result<&native_tls::TlsConnector> {
        self.get_or_build(|| native_connector(tls))
    }
}

/// The TLS connector of [`TlsOptions`]: the system's roots, or only `tls.ca_pem`'s when
/// it is given (it replaces them, as documented).
///
/// native-tls 0.2 loads the system bundle in every `TlsConnector::build()`, even with
/// `disable_built_in_roots(true)` (the store is then replaced), and has no way to skip
/// it: with a CA given, that parse is paid once per client and its memory freed.
fn native_connector(tls: &TlsOptions) -> Result<native_tls::TlsConnector> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(pem) = &tls.ca_pem {
        builder.disable_built_in_roots(true);
        for der in certificates(pem, "tls.ca_pem")? {
            let cert = native_tls::Certificate::from_der(&der)
                .map_err(|e| Error::Config(format!("tls.ca_pem: {e}")))?;
            builder.add_root_certificate(cert);
        }
    }
    if let Some(identity) = &tls.identity {
        builder.identity(native_identity(identity)?);
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))
}

/// How a TLS handshake on a [`Socket`](crate::net::socket::Socket) under `limits`
/// failed, said truthfully.
#[derive(Debug)]
pub(crate) enum HandshakeFailure {
    /// The cancel fired.
    Cancelled,
    /// The deadline passed.
    TimedOut,
    /// TLS failed; permanent when [`is_permanent`] says so.
    Failed(native_tls::Error),
}

/// Classifies a failed handshake run under `limits`: a fired cancel or a passed deadline
/// wins over what OpenSSL made of the aborted read.
pub(crate) fn handshake_failure<S>(
    e: native_tls::HandshakeError<S>,
    limits: &Limits,
) -> HandshakeFailure {
    if limits.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
        return HandshakeFailure::Cancelled;
    }
    if limits.deadline.left(Instant::now()).is_none() {
        return HandshakeFailure::TimedOut;
    }
    match e {
        native_tls::HandshakeError::Failure(e) => HandshakeFailure::Failed(e),
        // The socket under a running handshake blocks (within its limits).
        native_tls::HandshakeError::WouldBlock(_) => HandshakeFailure::TimedOut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &[u8] = include_bytes!("../fake/testdata/cert.pem");

    #[test]
    fn one_reader_takes_every_certificate_of_a_pem_bundle() {
        let mut bundle = CERT.to_vec();
        bundle.extend_from_slice(CERT);
        assert_eq!(certificates(CERT, "ca").unwrap().len(), 1);
        assert_eq!(certificates(&bundle, "ca").unwrap().len(), 2);
    }

    #[test]
    fn pem_without_a_certificate_is_a_config_error_naming_the_setting() {
        for bad in [&b"not a certificate"[..], b""] {
            match certificates(bad, "tls.ca_pem") {
                Err(Error::Config(m)) => assert!(m.contains("tls.ca_pem"), "{m}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_ca_given_as_pem_builds_the_connector() {
        let tls = TlsOptions {
            ca_pem: Some(CERT.to_vec()),
            ..TlsOptions::default()
        };
        check(&tls).unwrap();
        native_connector(&tls).unwrap();
    }

    #[test]
    fn a_shared_connector_is_built_once_for_all_its_clones() {
        let tls = TlsOptions {
            ca_pem: Some(CERT.to_vec()),
            ..TlsOptions::default()
        };
        let shared = SharedConnector::default();
        let clone = shared.clone();
        assert!(format!("{shared:?}").contains("built: false"));
        let first: *const native_tls::TlsConnector = shared.get(&tls).unwrap();
        let second: *const native_tls::TlsConnector = clone.get(&tls).unwrap();
        assert_eq!(first, second);
        assert!(format!("{clone:?}").contains("built: true"));
    }

    #[test]
    fn a_clients_config_clones_share_its_connector_and_another_build_gets_its_own() {
        let builder = crate::RtmClient::builder("xoxb-1")
            .no_proxy()
            .tls(TlsOptions {
                ca_pem: Some(CERT.to_vec()),
                ..TlsOptions::default()
            });
        let config = builder.clone().build_config().unwrap();
        let other = builder.build_config().unwrap();
        // The websocket's transport and the Web API hold clones of the client's config.
        let websocket = config.clone();
        let web_api: *const native_tls::TlsConnector =
            config.tls_connector.get(&config.tls).unwrap();
        let wss: *const native_tls::TlsConnector =
            websocket.tls_connector.get(&websocket.tls).unwrap();
        assert_eq!(web_api, wss);
        assert!(format!("{:?}", other.tls_connector).contains("built: false"));
    }
}
