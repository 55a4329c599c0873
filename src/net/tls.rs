//! TLS helpers shared by HTTPS and WSS: telling a TLS failure that retrying cannot fix
//! from one the network caused, and reading PEM.

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
