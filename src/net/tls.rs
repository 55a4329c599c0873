//! TLS for HTTPS and WSS alike: the crate's one PEM reader, the native-tls connector
//! (WSS) and ureq's settings (HTTPS) built from the same [`TlsOptions`], and telling a TLS
//! failure that retrying cannot fix from one the network caused.

use crate::config::{ClientIdentity, TlsOptions};
use crate::error::{Error, Result};

/// How the message of a Web API TLS failure that retrying cannot fix begins (a
/// certificate that does not verify, a handshake the server refuses); what
/// [`Error::is_fatal`](crate::Error::is_fatal) recognises.
pub(crate) const PERMANENT_TLS_FAILURE: &str = "TLS handshake refused (retrying cannot help): ";

/// Whether a failed handshake failed in TLS itself (OpenSSL's error stack: certificate
/// verification, protocol) rather than in the socket under it (a reset, an EOF, a
/// timeout or a cancel), which a retry may get past.
pub(crate) fn is_permanent(e: &native_tls::Error) -> bool {
    std::error::Error::source(e).is_some_and(|cause| cause.is::<openssl::error::ErrorStack>())
}

/// The crate's one PEM reader: the certificates in `pem`, as DER, in order. Used for the
/// CA list and the client certificate chain, for native-tls (WSS) and ureq (HTTPS) alike.
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

/// A client identity as a PEM certificate chain and a PKCS#8 PEM key (ureq's form; a
/// PKCS#12 archive is opened with OpenSSL).
fn identity_pem(identity: &ClientIdentity) -> Result<(Vec<u8>, Vec<u8>)> {
    let bad =
        |what: &str, e: &dyn std::fmt::Display| Error::Config(format!("tls.identity: {what}: {e}"));
    match identity {
        ClientIdentity::Pem { cert, key } => Ok((cert.clone(), key.clone())),
        ClientIdentity::Pkcs12 { der, passphrase } => {
            let parsed = openssl::pkcs12::Pkcs12::from_der(der)
                .and_then(|p| p.parse2(passphrase))
                .map_err(|e| bad("cannot open the PKCS#12 archive", &e))?;
            let (Some(cert), Some(key)) = (parsed.cert, parsed.pkey) else {
                return Err(Error::Config(
                    "tls.identity: the PKCS#12 archive holds no certificate and key".into(),
                ));
            };
            let mut chain = cert.to_pem().map_err(|e| bad("certificate", &e))?;
            for extra in parsed.ca.into_iter().flatten() {
                chain.extend(extra.to_pem().map_err(|e| bad("chain", &e))?);
            }
            let key = key
                .private_key_to_pem_pkcs8()
                .map_err(|e| bad("private key", &e))?;
            Ok((chain, key))
        }
    }
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

/// The TLS connector for WSS: the system's roots unless a CA is given.
pub(crate) fn native_connector(tls: &TlsOptions) -> Result<native_tls::TlsConnector> {
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

/// ureq's TLS settings for HTTPS: native-tls, the system's roots unless a CA is given.
pub(crate) fn ureq_config(tls: &TlsOptions) -> Result<ureq::tls::TlsConfig> {
    let mut builder = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier);
    let owned = |ders: Vec<Vec<u8>>| -> Vec<ureq::tls::Certificate<'static>> {
        ders.iter()
            .map(|d| ureq::tls::Certificate::from_der(d).to_owned())
            .collect()
    };
    if let Some(pem) = &tls.ca_pem {
        let certs = owned(certificates(pem, "tls.ca_pem")?);
        builder = builder.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
    }
    if let Some(identity) = &tls.identity {
        let (chain_pem, key_pem) = identity_pem(identity)?;
        let chain = owned(certificates(&chain_pem, "tls.identity's certificate")?);
        let key = ureq::tls::PrivateKey::from_pem(&key_pem)
            .map_err(|e| Error::Config(format!("tls.identity: private key PEM: {e}")))?;
        builder = builder.client_cert(Some(ureq::tls::ClientCert::new_with_certs(&chain, key)));
    }
    Ok(builder.build())
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
    fn the_same_ca_builds_both_the_wss_and_the_https_settings() {
        let tls = TlsOptions {
            ca_pem: Some(CERT.to_vec()),
            ..TlsOptions::default()
        };
        check(&tls).unwrap();
        native_connector(&tls).unwrap();
        ureq_config(&tls).unwrap();
    }
}
