//! [`WebApi`]: the Web API calls the RTM client needs (`rtm.connect`, `rtm.start`), over ureq
//! and the crate's own sockets ([`http_transport`](crate::net::http_transport)).

use std::time::Duration;

use serde_json::Value;

use crate::config::{Config, Secret};
use crate::error::{Error, Result, PERMANENT_TLS_FAILURE};
use crate::net::cancel::Cancel;
use crate::net::http_transport::{self, Route};
use crate::net::tls;

/// Largest Web API body read (an `rtm.start` snapshot of a big workspace is large).
const MAX_BODY: u64 = 64 << 20;

/// The longest `Retry-After` honoured: a larger value (or one that does not fit a
/// `Duration`) is clamped to this, and the clamp is logged.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// The wait assumed when Slack rate-limits without a usable `Retry-After`, for every call
/// the crate makes (RTM's connect call, Socket Mode's, and every `WebClient`'s): 30 s.
/// Public as [`crate::web::MISSING_RETRY_AFTER`], whose docs give the reasons.
pub(crate) const MISSING_RETRY_AFTER: Duration = Duration::from_secs(30);

/// A ureq agent bound to one token and API URL prefix.
#[derive(Debug, Clone)]
pub(crate) struct WebApi {
    agent: ureq::Agent,
    base: String,
    token: Secret,
    timeout: Duration,
}

impl WebApi {
    pub(crate) fn new(config: &Config) -> Result<Self> {
        config
            .slack_api_url
            .parse::<ureq::http::Uri>()
            .ok()
            .filter(|u| matches!(u.scheme_str(), Some("http" | "https")))
            .and_then(|u| u.host().filter(|h| !h.is_empty()).map(str::to_owned))
            .ok_or_else(|| {
                Error::Config("slack_api_url is not an http(s) URL with a host".into())
            })?;
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // The proxy's CONNECT tunnel is made by the crate's route, for every host it
            // applies to; ureq must not read the environment itself.
            .proxy(None)
            .timeout_global(Some(config.http_timeout))
            // ureq's default 128 KB + 128 KB per connection stay allocated while the
            // connection idles in the pool (~260 KB of an idle client's private memory);
            // bodies stream through the buffers, so small ones cost nothing but a few
            // more reads for a big rtm.start answer.
            .input_buffer_size(16 * 1024)
            .output_buffer_size(16 * 1024)
            .user_agent(concat!("slack-rtm/", env!("CARGO_PKG_VERSION")))
            .build();
        let route = Route {
            proxy: config.proxy.clone(),
            connector: config.connector.clone(),
            tls: config.tls.clone(),
            tls_connector: config.tls_connector.clone(),
        };
        Ok(Self {
            agent: route.agent(agent_config),
            base: config.slack_api_url.clone(),
            token: config.token.clone(),
            timeout: config.http_timeout,
        })
    }

    /// [`WebApi::call`] that also ends, within milliseconds, when `cancel` fires (the
    /// client disconnects) — whatever the server does.
    pub(crate) fn call_cancellable(
        &self,
        method: &str,
        params: &[(&str, &str)],
        cancel: &Cancel,
    ) -> Result<Value> {
        let limits = http_transport::call_limits(self.timeout, Some(cancel));
        http_transport::under(limits, || self.call(method, params))
    }

    /// Calls `method` with form `params`; returns the JSON body of an `ok: true` answer.
    /// The whole call (connect, TLS, request, status line, headers, body) is bounded by
    /// `http_timeout`.
    ///
    /// # Errors
    /// [`Error::Api`] for `ok: false`, [`Error::RateLimited`] for HTTP 429 or
    /// `ratelimited`, [`Error::Http`] for transport failures and bodies that are not a
    /// JSON object with a boolean `ok`.
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
            .map_err(|e| http_err(None, describe(e)))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let rate_limited = || {
            let retry_after = retry_after.unwrap_or_else(|| {
                log::debug!(
                    "{method} rate limited without a usable Retry-After: assuming \
                     {MISSING_RETRY_AFTER:?}"
                );
                MISSING_RETRY_AFTER
            });
            Error::RateLimited {
                method: method.to_string(),
                retry_after,
            }
        };
        if status == 429 {
            return Err(rate_limited());
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
            Some(Value::Bool(false)) => {
                let error = match value.get("error") {
                    Some(Value::String(e)) => e.clone(),
                    _ => "unknown_error".to_string(),
                };
                if error == "ratelimited" || error == "rate_limited" {
                    return Err(rate_limited());
                }
                Err(Error::Api {
                    method: method.to_string(),
                    error,
                })
            }
            Some(_) => Err(http_err(
                Some(status),
                "the answer's `ok` field is not a boolean".into(),
            )),
            None => Err(http_err(
                Some(status),
                "the answer has no `ok` field (not a Web API answer)".into(),
            )),
        }
    }
}

/// A ureq failure in words; a TLS failure that retrying cannot fix is marked so
/// ([`PERMANENT_TLS_FAILURE`]).
fn describe(e: ureq::Error) -> String {
    match e {
        // The crate's own TLS layer (http_transport) reports a failed handshake so.
        ureq::Error::Other(e) if e.is::<native_tls::Error>() => {
            let permanent = e
                .downcast_ref::<native_tls::Error>()
                .is_some_and(tls::is_permanent);
            if permanent {
                format!("{PERMANENT_TLS_FAILURE}{e}")
            } else {
                format!("TLS handshake failed: {e}")
            }
        }
        ureq::Error::Timeout(_) => "no complete answer within http_timeout".into(),
        other => other.to_string(),
    }
}

/// A `Retry-After` value in seconds (RFC 9110 delay-seconds; an HTTP date is not
/// accepted), clamped to [`MAX_RETRY_AFTER`] (logged). `None` for a value that is not a
/// number. Pure, checked: any digits in, never a panic.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        log::debug!("ignoring a Retry-After that is not a number of seconds");
        return None;
    }
    let max = MAX_RETRY_AFTER.as_secs();
    // Too many digits for a u64 is simply "more than the maximum".
    let secs = digits.parse::<u64>().unwrap_or(u64::MAX);
    if secs > max {
        log::warn!("Slack asked to retry after {digits} s; waiting at most {max} s");
        return Some(MAX_RETRY_AFTER);
    }
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_after_in_seconds_is_honoured() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
    }

    #[test]
    fn a_huge_retry_after_is_clamped_to_the_documented_maximum() {
        for huge in ["601", "18446744073709551615", "99999999999999999999999999"] {
            assert_eq!(parse_retry_after(huge), Some(MAX_RETRY_AFTER), "{huge}");
        }
        assert_eq!(parse_retry_after("600"), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn a_retry_after_that_is_not_a_number_of_seconds_is_ignored() {
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "+3",
        ] {
            assert_eq!(parse_retry_after(bad), None, "{bad:?}");
        }
    }

    /// A Web API on loopback that answers every call `429`, with `Retry-After: <secs>`
    /// or without the header.
    fn rate_limiting_api(retry_after: Option<u64>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let header = retry_after.map_or(String::new(), |s| format!("Retry-After: {s}\r\n"));
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(
                    format!("HTTP/1.1 429 Too Many Requests\r\n{header}Content-Length: 0\r\nConnection: close\r\n\r\n")
                        .as_bytes(),
                );
            }
        });
        format!("http://127.0.0.1:{port}/api/")
    }

    fn api_for(url: String) -> WebApi {
        let client = crate::RtmClient::builder("xoxb-1")
            .slack_api_url(url)
            .no_proxy()
            .build()
            .unwrap();
        WebApi::new(client.config()).unwrap()
    }

    fn wait(api: &WebApi) -> Duration {
        match api.call("apps.connections.open", &[]) {
            Err(Error::RateLimited { retry_after, .. }) => retry_after,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_429_without_retry_after_reports_thirty_seconds() {
        let api = api_for(rate_limiting_api(None));
        assert_eq!(wait(&api), Duration::from_secs(30));
    }

    #[test]
    fn a_retry_after_of_one_second_is_one_second_not_the_assumed_thirty() {
        let api = api_for(rate_limiting_api(Some(1)));
        assert_eq!(
            wait(&api),
            Duration::from_secs(1),
            "a sent header is never read as missing"
        );
    }
}
