//! [`WebClient`]: the calls, with rate-limit retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::answers::{parse, take_object, AuthTest, PostedMessage, Presence, WithRaw};
use super::builder::WebClientBuilder;
use super::request::PostMessage;
use super::retry::RetryLimits;
use crate::error::{Error, Result};
use crate::model::{Conversation, User};
use crate::net::http::WebApi;

/// A Slack Web API client: a cheap [`Clone`] (an `Arc` inside) whose methods take `&self`
/// and may be called from many threads. See the [module docs](super) for blocking and
/// rate-limit behaviour.
///
/// ```
/// use slack_rtm::web::WebClient;
///
/// let web = WebClient::new("xoxb-secret-token").unwrap(); // no network yet
/// assert_eq!(web.max_retries(), 3);
/// assert!(!format!("{web:?}").contains("secret"));
/// ```
#[derive(Clone)]
pub struct WebClient {
    inner: Arc<Inner>,
}

struct Inner {
    api: WebApi,
    /// Kept for `Debug` only.
    slack_api_url: String,
    limits: RetryLimits,
}

impl fmt::Debug for WebClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebClient")
            .field("slack_api_url", &self.inner.slack_api_url)
            .field("max_retries", &self.inner.limits.max_retries)
            .field("max_retry_wait", &self.inner.limits.max_wait)
            .finish_non_exhaustive()
    }
}

impl WebClient {
    /// A client for `token` with the default settings (`https://slack.com/api/`, 30 s
    /// `http_timeout`, the system's TLS roots, the proxy from the environment, 3 retries).
    /// Does no I/O.
    ///
    /// ```
    /// let web = slack_rtm::web::WebClient::new("xoxb-...").unwrap();
    /// # let _ = web;
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an empty token or one with whitespace.
    pub fn new(token: impl Into<String>) -> Result<WebClient> {
        Self::builder(token).build()
    }

    /// Starts building a standalone client for `token`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_rtm::web::WebClient;
    ///
    /// let web = WebClient::builder("xoxb-...")
    ///     .slack_api_url("http://127.0.0.1:8080/api")
    ///     .http_timeout(Duration::from_secs(5))
    ///     .max_retries(1)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(web.max_retries(), 1);
    /// ```
    pub fn builder(token: impl Into<String>) -> WebClientBuilder {
        WebClientBuilder::new(token)
    }

    /// A client for already checked settings (their token, `slack_api_url`, TLS, proxy,
    /// connector and `http_timeout`), with the default retry limits: for clients of other
    /// protocols (Socket Mode's `web()`, with the bot token) that hold a [`Config`](crate::Config).
    pub(crate) fn for_config(config: &crate::Config) -> Result<WebClient> {
        Ok(Self::from_parts(
            WebApi::new(config)?,
            config.slack_api_url.clone(),
            RetryLimits::default(),
        ))
    }

    /// Every public client is made here.
    pub(crate) fn from_parts(api: WebApi, slack_api_url: String, limits: RetryLimits) -> Self {
        Self {
            inner: Arc::new(Inner {
                api,
                slack_api_url,
                limits,
            }),
        }
    }

    /// A client sharing this one's settings and connection pool, with other retry limits
    /// (see [`WebClientBuilder::max_retries`] and [`WebClientBuilder::max_retry_wait`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// let web = slack_rtm::web::WebClient::new("xoxb-...").unwrap();
    /// let impatient = web.with_retry_limits(0, Duration::ZERO); // never waits out a 429
    /// assert_eq!(impatient.max_retries(), 0);
    /// ```
    pub fn with_retry_limits(&self, max_retries: u32, max_retry_wait: Duration) -> WebClient {
        Self::from_parts(
            self.inner.api.clone(),
            self.inner.slack_api_url.clone(),
            RetryLimits {
                max_retries,
                max_wait: max_retry_wait,
            },
        )
    }

    /// How many times a rate-limited call is retried. Default 3.
    ///
    /// ```
    /// let web = slack_rtm::web::WebClient::builder("xoxb-...").max_retries(5).build()?;
    /// assert_eq!(web.max_retries(), 5);
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn max_retries(&self) -> u32 {
        self.inner.limits.max_retries
    }

    /// The most a call sleeps, in total, waiting out rate limits. Default 60 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// assert_eq!(web.max_retry_wait(), Duration::from_secs(60));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn max_retry_wait(&self) -> Duration {
        self.inner.limits.max_wait
    }

    /// Calls Web API `method` with form-encoded `params` and returns Slack's whole JSON
    /// answer (which has `"ok": true`). The token goes in the `Authorization` header.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// let answer = web.call("reactions.add", &[
    ///     ("channel", "C0123456"), ("timestamp", "1700000000.000100"), ("name", "eyes"),
    /// ])?;
    /// assert_eq!(answer["ok"], true);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As described in the [module docs](super#errors); rate limits are retried first.
    pub fn call(&self, method: &str, params: &[(&str, &str)]) -> Result<Value> {
        check_method(method)?;
        let mut budget = self.inner.limits.budget();
        loop {
            match self.inner.api.call(method, params) {
                Err(Error::RateLimited {
                    method,
                    retry_after,
                }) => match budget.on_rate_limited(retry_after) {
                    Some(wait) => {
                        log::debug!(
                            "{method} rate limited: retry {} of {} in {wait:?}",
                            budget.retries(),
                            self.inner.limits.max_retries
                        );
                        std::thread::sleep(wait);
                    }
                    None => {
                        return Err(Error::RateLimited {
                            method,
                            retry_after,
                        })
                    }
                },
                other => return other,
            }
        }
    }

    /// Like [`call`](Self::call), with the arguments as a JSON object: strings are sent as
    /// they are, numbers and booleans as their JSON text, arrays and objects (`blocks`,
    /// `attachments`, `metadata`) as JSON strings, which Slack accepts; `null` fields are
    /// left out.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// use serde_json::json;
    /// let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// web.call_json("chat.postEphemeral", &json!({
    ///     "channel": "C0123456",
    ///     "user": "U0123456",
    ///     "text": "only you can see this",
    ///     "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*psst*"}}],
    /// }))?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when `params` is not a JSON object (nothing is sent);
    /// otherwise as [`call`](Self::call).
    pub fn call_json(&self, method: &str, params: &Value) -> Result<Value> {
        let form = json_to_form(params)?;
        let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.call(method, &refs)
    }

    /// Posts a message (`chat.postMessage`).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// use slack_rtm::web::{PostMessage, WebClient};
    /// let web = WebClient::new("xoxb-...")?;
    /// let posted = web.chat_post_message(
    ///     &PostMessage::new("C0123456", "in a thread").thread_ts("1700000000.000100"),
    /// )?;
    /// println!("posted at {}", posted.ts);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with e.g. `channel_not_found`, `no_text`, `msg_too_long`; otherwise as
    /// [`call`](Self::call).
    pub fn chat_post_message(&self, message: &PostMessage) -> Result<PostedMessage> {
        let form = message.form();
        let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = self.call("chat.postMessage", &refs)?;
        PostedMessage::from_answer("chat.postMessage", answer)
    }

    /// Replaces the text of message `ts` in `channel` (`chat.update`; Node v3:
    /// `updateMessage`). For blocks or attachments use [`call_json`](Self::call_json).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// # let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// let edited = web.chat_update("C0123456", "1700000000.000100", "fixed the typo")?;
    /// assert_eq!(edited.ts, "1700000000.000100");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with e.g. `message_not_found`, `cant_update_message`; otherwise as
    /// [`call`](Self::call).
    pub fn chat_update(&self, channel: &str, ts: &str, text: &str) -> Result<PostedMessage> {
        let answer = self.call(
            "chat.update",
            &[("channel", channel), ("ts", ts), ("text", text)],
        )?;
        PostedMessage::from_answer("chat.update", answer)
    }

    /// Who the token belongs to (`auth.test`); also a cheap way to check a token.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// # let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// let me = web.auth_test()?;
    /// println!("{} ({}) in {}", me.user, me.user_id, me.team);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with `invalid_auth`, `not_authed`, `token_revoked`, …; otherwise as
    /// [`call`](Self::call).
    pub fn auth_test(&self) -> Result<AuthTest> {
        let answer = self.call("auth.test", &[])?;
        let mut out: AuthTest = parse("auth.test", &answer)?;
        out.raw = answer;
        Ok(out)
    }

    /// A user's presence (`users.getPresence`). The detail fields are only filled in for
    /// the token's own user.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// # let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// if web.users_get_presence("U0123456")?.is_active() {
    ///     println!("they are around");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with e.g. `user_not_found`; otherwise as [`call`](Self::call).
    pub fn users_get_presence(&self, user: &str) -> Result<Presence> {
        let answer = self.call("users.getPresence", &[("user", user)])?;
        let mut out: Presence = parse("users.getPresence", &answer)?;
        out.raw = answer;
        Ok(out)
    }

    /// A user (`users.info`): the shared [`User`](crate::model::User), with the object
    /// Slack sent in [`WithRaw::raw`].
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// # let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// let user = web.users_info("U0123456")?;
    /// println!("{} tz={:?}", user.name, user.raw["tz"].as_str());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with e.g. `user_not_found`; [`Error::Protocol`](crate::Error::Protocol) when the answer has
    /// no `user` object; otherwise as [`call`](Self::call).
    pub fn users_info(&self, user: &str) -> Result<WithRaw<User>> {
        let answer = self.call("users.info", &[("user", user)])?;
        let raw = take_object("users.info", answer, "user")?;
        let value: User = parse("users.info", &raw)?;
        if value.id.is_empty() {
            return Err(Error::Protocol(
                "users.info answered a user without an id".into(),
            ));
        }
        Ok(WithRaw { value, raw })
    }

    /// A conversation's details (`conversations.info`): a channel, private channel, IM or
    /// multi-person IM, as the shared [`Conversation`](crate::model::Conversation), with
    /// the object Slack sent in [`WithRaw::raw`].
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// # let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// let channel = web.conversations_info("C0123456")?;
    /// println!("#{}", channel.name.as_deref().unwrap_or("(direct message)"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with e.g. `channel_not_found`; [`Error::Protocol`](crate::Error::Protocol) when the answer
    /// has no `channel` object; otherwise as [`call`](Self::call).
    pub fn conversations_info(&self, channel: &str) -> Result<WithRaw<Conversation>> {
        let answer = self.call("conversations.info", &[("channel", channel)])?;
        let raw = take_object("conversations.info", answer, "channel")?;
        let value: Conversation = parse("conversations.info", &raw)?;
        if value.id.is_empty() {
            return Err(Error::Protocol(
                "conversations.info answered a channel without an id".into(),
            ));
        }
        Ok(WithRaw { value, raw })
    }
}

/// Refuses method names that could change the URL (`/`, `?`, `..`, spaces, …).
fn check_method(method: &str) -> Result<()> {
    let ok = !method.is_empty()
        && !method.starts_with('.')
        && !method.contains("..")
        && method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "{method:?} is not a Web API method name"
        )))
    }
}

/// A JSON object as form fields (see [`WebClient::call_json`]).
fn json_to_form(params: &Value) -> Result<Vec<(String, String)>> {
    let Value::Object(map) = params else {
        return Err(Error::InvalidArgument(
            "Web API params must be a JSON object".into(),
        ));
    };
    Ok(map
        .iter()
        .filter_map(|(k, v)| {
            let text = match v {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((k.clone(), text))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::MISSING_RETRY_AFTER;
    use serde_json::json;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A Web API on loopback that answers its calls with `answers` in turn (the last one
    /// repeated), each on its own connection; counts the calls it read.
    fn loopback_api(answers: &[&'static str]) -> (String, Arc<AtomicUsize>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/api/", listener.local_addr().expect("addr"));
        let calls = Arc::new(AtomicUsize::new(0));
        let answers = answers.to_vec();
        let seen = calls.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(&conn);
                let mut body_len = 0;
                let mut line = String::new();
                // The request head, then its body: the whole call is read before answering.
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        body_len = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut body = vec![0; body_len];
                let _ = reader.read_exact(&mut body);
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let answer = answers[n.min(answers.len() - 1)];
                let _ = (&conn).write_all(answer.as_bytes());
            }
        });
        (url, calls)
    }

    const RATE_LIMITED: &str =
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const RATE_LIMITED_1S: &str = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const RATE_LIMITED_0S: &str = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const OK: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}";

    fn client(url: &str) -> WebClient {
        WebClient::builder("xoxb-1-secret")
            .slack_api_url(url)
            .no_proxy()
            .http_timeout(Duration::from_secs(5))
            .build()
            .expect("valid settings")
    }

    fn rate_limited_wait(result: Result<Value>) -> Duration {
        match result {
            Err(Error::RateLimited { retry_after, .. }) => retry_after,
            other => panic!("expected a rate limit, got {other:?}"),
        }
    }

    #[test]
    fn a_429_without_retry_after_is_taken_as_thirty_seconds_and_not_slept_past_the_budget() {
        let (url, calls) = loopback_api(&[RATE_LIMITED]);
        let web = client(&url);
        // Default limits (60 s budget): 30 s would be slept; with a 10 s budget it is not,
        // and the error says what was assumed.
        let short = web.with_retry_limits(3, Duration::from_secs(10));
        assert_eq!(
            rate_limited_wait(short.call("chat.postMessage", &[])),
            MISSING_RETRY_AFTER
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1, "not retried");
        let none = web.with_retry_limits(0, Duration::from_secs(60));
        assert_eq!(
            rate_limited_wait(none.call("chat.postMessage", &[])),
            Duration::from_secs(30)
        );
        assert_eq!(
            RetryLimits::default()
                .budget()
                .on_rate_limited(MISSING_RETRY_AFTER),
            Some(Duration::from_secs(30)),
            "within the default budget the assumed wait is slept"
        );
    }

    #[test]
    fn a_retry_after_slack_sent_is_used_as_sent_even_one_second() {
        let (url, calls) = loopback_api(&[RATE_LIMITED_1S]);
        let web = client(&url).with_retry_limits(0, Duration::from_secs(60));
        assert_eq!(
            rate_limited_wait(web.call("chat.postMessage", &[])),
            Duration::from_secs(1)
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_429_with_retry_after_is_retried_after_it_and_the_retry_succeeds() {
        let (url, calls) = loopback_api(&[RATE_LIMITED_0S, OK]);
        let answer = client(&url)
            .call("auth.test", &[])
            .expect("the retry succeeds");
        assert_eq!(answer["ok"], true);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn every_public_web_client_assumes_the_same_wait_for_a_missing_retry_after() {
        let (url, _calls) = loopback_api(&[RATE_LIMITED]);
        let rtm = crate::RtmClient::builder("xoxb-1-secret")
            .slack_api_url(&url)
            .no_proxy()
            .build()
            .expect("valid settings");
        let sm = crate::socket_mode::SocketModeClient::builder("xapp-1-A1-2-secret")
            .bot_token("xoxb-1-secret")
            .slack_api_url(&url)
            .no_proxy()
            .build()
            .expect("valid settings");
        let from_sm = sm.web().expect("a bot token was given");
        for web in [rtm.web(), from_sm, client(&url)] {
            let web = web.with_retry_limits(0, Duration::ZERO);
            assert_eq!(
                rate_limited_wait(web.call("users.info", &[])),
                MISSING_RETRY_AFTER
            );
        }
    }

    #[test]
    fn json_params_become_form_fields_with_structures_as_json_text() {
        let form = json_to_form(&json!({
            "channel": "C1",
            "as_user": true,
            "limit": 5,
            "skip": null,
            "blocks": [{"type": "divider"}],
        }))
        .unwrap();
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("channel"), Some("C1"));
        assert_eq!(get("as_user"), Some("true"));
        assert_eq!(get("limit"), Some("5"));
        assert_eq!(get("skip"), None);
        assert_eq!(get("blocks"), Some(r#"[{"type":"divider"}]"#));
        assert!(matches!(
            json_to_form(&json!(["channel"])),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn method_names_that_could_escape_the_api_path_are_refused() {
        for ok in ["chat.postMessage", "admin.apps.approved.list", "users_x"] {
            assert!(check_method(ok).is_ok(), "{ok}");
        }
        for bad in ["", "../x", "a/b", "x?token=1", "a b", ".x", "a..b"] {
            assert!(check_method(bad).is_err(), "{bad}");
        }
    }
}
