//! A PKI made for the tests (openssl): a CA, a server certificate for 127.0.0.1 and
//! localhost, and a client identity, each test run its own. Shared by the RTM and Socket
//! Mode network tests.
#![allow(dead_code)]

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509Name, X509};

/// The PEM/DER files of one test PKI.
#[derive(Clone)]
pub struct Pki {
    /// The CA certificate (trust this).
    pub ca_pem: Vec<u8>,
    /// The server certificate, for 127.0.0.1 and localhost.
    pub server_cert_pem: Vec<u8>,
    /// The server key, PKCS#8.
    pub server_key_pem: Vec<u8>,
    /// A client identity signed by the CA, PKCS#12 with password `p12-pass`.
    pub client_p12: Vec<u8>,
}

/// An RSA-2048 key: the client identity's, the form corporate PKIs hand out. Slow to
/// make (0.3-5 s on a loaded 2-core box), so only that one is RSA.
pub fn key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey")
}

/// A P-256 key (made in microseconds): the CA's and the server's, as slack.com serves
/// ECDSA certificates too.
pub fn ec_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("p-256");
    PKey::from_ec_key(EcKey::generate(&group).expect("ec")).expect("pkey")
}

pub fn name(cn: &str) -> X509Name {
    let mut n = X509Name::builder().expect("name");
    n.append_entry_by_text("CN", cn).expect("cn");
    n.build()
}

pub fn cert(
    subject: &str,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    serial: u32,
) -> X509 {
    let mut b = X509::builder().expect("builder");
    b.set_version(2).expect("v3");
    b.set_serial_number(
        &BigNum::from_u32(serial)
            .expect("bn")
            .to_asn1_integer()
            .expect("serial"),
    )
    .expect("serial");
    b.set_subject_name(&name(subject)).expect("subject");
    b.set_pubkey(key).expect("pubkey");
    b.set_not_before(&Asn1Time::days_from_now(0).expect("t"))
        .expect("nb");
    b.set_not_after(&Asn1Time::days_from_now(2).expect("t"))
        .expect("na");
    match issuer {
        None => {
            b.set_issuer_name(&name(subject)).expect("issuer");
            b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
                .expect("ext");
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()
                    .expect("ku"),
            )
            .expect("ext");
            b.sign(key, MessageDigest::sha256()).expect("sign");
        }
        Some((ca, ca_key)) => {
            b.set_issuer_name(ca.subject_name()).expect("issuer");
            let san = SubjectAlternativeName::new()
                .ip("127.0.0.1")
                .dns("localhost")
                .build(&b.x509v3_context(Some(ca), None))
                .expect("san");
            b.append_extension(san).expect("ext");
            b.sign(ca_key, MessageDigest::sha256()).expect("sign");
        }
    }
    b.build()
}

/// This test binary's PKI, made on first use: its RSA key takes seconds on a loaded box,
/// and no test needs a PKI of its own (each trusts, or does not trust, the one CA).
pub fn pki() -> Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(fresh_pki).clone()
}

/// A fresh PKI.
fn fresh_pki() -> Pki {
    let ca_key = ec_key();
    let ca = cert("slack-rtm test CA", &ca_key, None, 1);
    let server_key = ec_key();
    let server = cert("127.0.0.1", &server_key, Some((&ca, &ca_key)), 2);
    let client_key = key();
    let client = cert("bot client", &client_key, Some((&ca, &ca_key)), 3);
    let client_p12 = openssl::pkcs12::Pkcs12::builder()
        .name("bot")
        .pkey(&client_key)
        .cert(&client)
        .build2("p12-pass")
        .expect("pkcs12")
        .to_der()
        .expect("der");
    Pki {
        ca_pem: ca.to_pem().expect("pem"),
        server_cert_pem: server.to_pem().expect("pem"),
        server_key_pem: server_key.private_key_to_pem_pkcs8().expect("pem"),
        client_p12,
    }
}
