//! [`WebApi`]: the Web API calls the RTM client needs (`rtm.connect`, `rtm.start`), over ureq.

use std::time::Duration;

use serde_json::Value;

use crate::config::{ClientIdentity, Config, Secret};
use crate::error::{Error, Result};

/// Largest Web API body read (an `rtm.start` snapshot of a big workspace is large).
const MAX_BODY: u64 = 64 << 20;

/// A ureq agent bound to one token and API URL prefix.
#[derive(Debug, Clone)]
pub(crate) struct WebApi {
    agent: ureq::Agent,
    base: String,
    token: Secret,
}

impl WebApi {
    pub(crate) fn new(config: &Config) -> Result<Self> {
        let tls = tls_config(config)?;
        let api_host = config
            .slack_api_url
            .parse::<tungstenite::http::Uri>()
            .ok()
            .and_then(|u| u.host().map(str::to_owned))
            .ok_or_else(|| Error::Config("slack_api_url has no host".into()))?;
        let proxy = match &config.proxy {
            Some(p) if p.applies_to(&api_host) => Some(
                ureq::Proxy::new(p.url.expose())
                    .map_err(|_| Error::Config("the proxy URL is not usable".into()))?,
            ),
            _ => None,
        };
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(proxy)
            .timeout_global(Some(config.http_timeout))
            .tls_config(tls)
            .user_agent(concat!("slack-rtm/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = match &config.connector {
            Some(connector) => connector.ureq_agent(agent_config),
            None => ureq::Agent::new_with_config(agent_config),
        };
        Ok(Self {
            agent,
            base: config.slack_api_url.clone(),
            token: config.token.clone(),
        })
    }

    /// Calls `method` with form `params`; returns the JSON body of an `ok: true` answer.
    ///
    /// # Errors
    /// [`Error::Api`] for `ok: false`, [`Error::RateLimited`] for HTTP 429 or
    /// `ratelimited`, [`Error::Http`] for transport failures and non-JSON bodies.
    pub(crate) fn call(&self, method: &str, params: &[(&str, &str)]) -> Result<Value> {
        let url = format!("{}{}", self.base, method);
        let http_err = |status: Option<u16>, message: String| Error::Http {
            method: method.to_string(),
            status,
            message,
        };
        let mut response = self
            .agent
            .post(&url)
            .header("Authorization", &format!("Bearer {}", self.token.expose()))
            .send_form(params.iter().copied())
            .map_err(|e| http_err(None, e.to_string()))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if status == 429 {
            return Err(Error::RateLimited {
                method: method.to_string(),
                retry_after: retry_after.unwrap_or(Duration::from_secs(1)),
            });
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| http_err(Some(status), format!("reading the body failed: {e}")))?;
        if !(200..300).contains(&status) {
            return Err(http_err(Some(status), "unexpected HTTP status".into()));
        }
        let value: Value = serde_json::from_str(&body)
            .map_err(|e| http_err(Some(status), format!("the body is not JSON: {e}")))?;
        match value.get("ok") {
            Some(Value::Bool(true)) => Ok(value),
            _ => {
                let error = value
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown_error")
                    .to_string();
                if error == "ratelimited" || error == "rate_limited" {
                    return Err(Error::RateLimited {
                        method: method.to_string(),
                        retry_after: retry_after.unwrap_or(Duration::from_secs(1)),
                    });
                }
                Err(Error::Api {
                    method: method.to_string(),
                    error,
                })
            }
        }
    }
}

/// ureq's TLS settings from ours: native-tls, the system's roots unless a CA is given.
fn tls_config(config: &Config) -> Result<ureq::tls::TlsConfig> {
    let mut builder = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier);
    if let Some(pem) = &config.tls.ca_pem {
        let certs = ureq::tls::parse_pem(pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Config(format!("tls.ca_pem is not valid PEM: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Config("tls.ca_pem holds no certificate".into()));
        }
        builder = builder.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
    }
    if let Some(identity) = &config.tls.identity {
        builder = builder.client_cert(Some(client_cert(identity)?));
    }
    Ok(builder.build())
}

/// A client certificate in ureq's form (PEM chain + PKCS#8 key).
fn client_cert(identity: &ClientIdentity) -> Result<ureq::tls::ClientCert> {
    let bad =
        |what: &str, e: &dyn std::fmt::Display| Error::Config(format!("tls.identity: {what}: {e}"));
    let (chain_pem, key_pem) = match identity {
        ClientIdentity::Pem { cert, key } => (cert.clone(), key.clone()),
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
            (chain, key)
        }
    };
    let chain = ureq::tls::parse_pem(&chain_pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad("certificate PEM", &e))?;
    if chain.is_empty() {
        return Err(Error::Config("tls.identity holds no certificate".into()));
    }
    let key = ureq::tls::PrivateKey::from_pem(&key_pem).map_err(|e| bad("private key PEM", &e))?;
    Ok(ureq::tls::ClientCert::new_with_certs(&chain, key))
}
