//! [`WebClient`]: a small, blocking Slack Web API client beside RTM — the counterpart of
//! the Node client's `WebClient` for the calls a bot makes next to its RTM session
//! (`chat.postMessage`, `chat.update`, `auth.test`, `users.info`, …).
//!
//! Get one from a running bot with [`RtmClient::web`](crate::RtmClient::web) (same token,
//! `slack_api_url`, TLS, proxy and `http_timeout`, and the same HTTP connection pool), or
//! standalone with [`WebClient::new`] / [`WebClient::builder`].
//!
//! ```no_run
//! use slack_rtm::web_api::{PostMessage, WebClient};
//!
//! # fn main() -> Result<(), slack_rtm::Error> {
//! let web = WebClient::new(std::env::var("SLACK_BOT_TOKEN").unwrap_or_default())?;
//! let me = web.auth_test()?;
//! println!("I am {} in {}", me.user_id, me.team_id);
//! let posted = web.chat_post_message(&PostMessage::new("C0123456", "deploying…"))?;
//! web.chat_update(&posted.channel, &posted.ts, "deployed")?;
//! # Ok(()) }
//! ```
//!
//! # Blocking, rate limits and retries
//! Every call blocks the calling thread until Slack answers, at most `http_timeout`
//! (default 30 s) per HTTP request. The client spawns no thread; clones share one HTTP
//! agent and may be used from any number of threads at once.
//!
//! When Slack answers HTTP 429 (or `ok: false` with `ratelimited`), the call **sleeps** for
//! the `Retry-After` Slack gave (1 s when absent) and tries again, up to `max_retries`
//! times (default 3) and only while the sleeps add up to no more than `max_retry_wait`
//! (default 60 s). A `Retry-After` that would go over that budget is not waited for: the
//! call returns [`Error::RateLimited`] at once. So a call blocks for at most
//! `max_retry_wait` plus `(max_retries + 1) × http_timeout`. Retrying a rate-limited call
//! is safe, Slack did not act on it; no other failure is retried (a timed-out
//! `chat.postMessage` may have been posted).
//!
//! # Errors
//! [`Error::Api`] when Slack answers `ok: false` (its error string, e.g.
//! `invalid_auth`, `channel_not_found`); [`Error::RateLimited`] when the retries above are
//! used up; [`Error::Http`] for transport failures, unexpected HTTP statuses and bodies
//! that are not JSON; [`Error::Protocol`] when an `ok: true` answer lacks a field a typed
//! helper needs; [`Error::InvalidArgument`] for a malformed method name or JSON params.
//! Errors and `Debug` output never contain the token.
//!
//! # Logging
//! `DEBUG`: each rate-limit wait (method, delay, retry number). Nothing else; never the
//! token or parameters.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::config::{Proxy, TlsOptions};
use crate::error::{Error, Result};
use crate::net::http::WebApi;

/// Default for [`WebClientBuilder::max_retries`].
const DEFAULT_MAX_RETRIES: u32 = 3;
/// Default for [`WebClientBuilder::max_retry_wait`].
const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// A Slack Web API client: a cheap [`Clone`] (an `Arc` inside) whose methods take `&self`
/// and may be called from many threads. See the [module docs](self) for blocking and
/// rate-limit behaviour.
///
/// ```
/// use slack_rtm::web_api::WebClient;
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

impl crate::RtmClient {
    /// A [`WebClient`] that shares this client's token, `slack_api_url`, TLS and proxy
    /// settings, `http_timeout` and HTTP connection pool, with the default retry limits
    /// (change them with [`WebClient::with_retry_limits`]). It works whether or not the
    /// RTM client is started.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let rtm = slack_rtm::RtmClient::builder("xoxb-...").build()?;
    /// let web = rtm.web();
    /// println!("{:?}", web.users_get_presence("U0123456")?.presence);
    /// # Ok(()) }
    /// ```
    pub fn web(&self) -> WebClient {
        let shared = self.shared();
        WebClient::from_parts(
            shared.web.clone(),
            shared.config.slack_api_url.clone(),
            RetryLimits::default(),
        )
    }
}

impl WebClient {
    /// A client for `token` with the default settings (`https://slack.com/api/`, 30 s
    /// `http_timeout`, the system's TLS roots, the proxy from the environment, 3 retries).
    /// Does no I/O.
    ///
    /// ```
    /// let web = slack_rtm::web_api::WebClient::new("xoxb-...").unwrap();
    /// # let _ = web;
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for an empty token or one with whitespace.
    pub fn new(token: impl Into<String>) -> Result<WebClient> {
        Self::builder(token).build()
    }

    /// Starts building a standalone client for `token`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_rtm::web_api::WebClient;
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
        WebClientBuilder {
            settings: crate::RtmClient::builder(token),
            limits: RetryLimits::default(),
        }
    }

    fn from_parts(api: WebApi, slack_api_url: String, limits: RetryLimits) -> Self {
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
    /// let web = slack_rtm::web_api::WebClient::new("xoxb-...").unwrap();
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
    pub fn max_retries(&self) -> u32 {
        self.inner.limits.max_retries
    }

    /// The most a call sleeps, in total, waiting out rate limits. Default 60 s.
    pub fn max_retry_wait(&self) -> Duration {
        self.inner.limits.max_wait
    }

    /// Calls Web API `method` with form-encoded `params` and returns Slack's whole JSON
    /// answer (which has `"ok": true`). The token goes in the `Authorization` header.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let web = slack_rtm::web_api::WebClient::new("xoxb-...")?;
    /// let answer = web.call("reactions.add", &[
    ///     ("channel", "C0123456"), ("timestamp", "1700000000.000100"), ("name", "eyes"),
    /// ])?;
    /// assert_eq!(answer["ok"], true);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As described in the [module docs](self#errors); rate limits are retried first.
    pub fn call(&self, method: &str, params: &[(&str, &str)]) -> Result<Value> {
        check_method(method)?;
        let mut retries = 0;
        let mut waited = Duration::ZERO;
        loop {
            match self.inner.api.call(method, params) {
                Err(Error::RateLimited {
                    method,
                    retry_after,
                }) => match self.inner.limits.next_wait(retries, waited, retry_after) {
                    Some(wait) => {
                        retries += 1;
                        waited += wait;
                        log::debug!(
                            "{method} rate limited: retry {retries} of {} in {wait:?}",
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
    /// let web = slack_rtm::web_api::WebClient::new("xoxb-...")?;
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
    /// [`Error::InvalidArgument`] when `params` is not a JSON object (nothing is sent);
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
    /// use slack_rtm::web_api::{PostMessage, WebClient};
    /// let web = WebClient::new("xoxb-...")?;
    /// let posted = web.chat_post_message(
    ///     &PostMessage::new("C0123456", "in a thread").thread_ts("1700000000.000100"),
    /// )?;
    /// println!("posted at {}", posted.ts);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with e.g. `channel_not_found`, `no_text`, `msg_too_long`; otherwise as
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
    /// # let web = slack_rtm::web_api::WebClient::new("xoxb-...")?;
    /// let edited = web.chat_update("C0123456", "1700000000.000100", "fixed the typo")?;
    /// assert_eq!(edited.ts, "1700000000.000100");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with e.g. `message_not_found`, `cant_update_message`; otherwise as
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
    /// # let web = slack_rtm::web_api::WebClient::new("xoxb-...")?;
    /// let me = web.auth_test()?;
    /// println!("{} ({}) in {}", me.user, me.user_id, me.team);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with `invalid_auth`, `not_authed`, `token_revoked`, …; otherwise as
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
    /// # let web = slack_rtm::web_api::WebClient::new("xoxb-...")?;
    /// if web.users_get_presence("U0123456")?.is_active() {
    ///     println!("they are around");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with e.g. `user_not_found`; otherwise as [`call`](Self::call).
    pub fn users_get_presence(&self, user: &str) -> Result<Presence> {
        let answer = self.call("users.getPresence", &[("user", user)])?;
        let mut out: Presence = parse("users.getPresence", &answer)?;
        out.raw = answer;
        Ok(out)
    }

    /// A user's profile (`users.info`).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// # let web = slack_rtm::web_api::WebClient::new("xoxb-...")?;
    /// let user = web.users_info("U0123456")?;
    /// println!("{} tz={:?}", user.name, user.raw["tz"].as_str());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with e.g. `user_not_found`; [`Error::Protocol`] when the answer has
    /// no `user` object; otherwise as [`call`](Self::call).
    pub fn users_info(&self, user: &str) -> Result<User> {
        let answer = self.call("users.info", &[("user", user)])?;
        let raw = take_object("users.info", answer, "user")?;
        let mut out: User = parse("users.info", &raw)?;
        out.raw = raw;
        Ok(out)
    }

    /// A conversation's details (`conversations.info`): a channel, private channel, IM or
    /// multi-person IM.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// # let web = slack_rtm::web_api::WebClient::new("xoxb-...")?;
    /// let channel = web.conversations_info("C0123456")?;
    /// println!("#{}", channel.name.as_deref().unwrap_or("(direct message)"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with e.g. `channel_not_found`; [`Error::Protocol`] when the answer
    /// has no `channel` object; otherwise as [`call`](Self::call).
    pub fn conversations_info(&self, channel: &str) -> Result<Conversation> {
        let answer = self.call("conversations.info", &[("channel", channel)])?;
        let raw = take_object("conversations.info", answer, "channel")?;
        let mut out: Conversation = parse("conversations.info", &raw)?;
        out.raw = raw;
        Ok(out)
    }
}

/// Builds a standalone [`WebClient`]; made by [`WebClient::builder`]. Setters are named
/// after the [`Config`](crate::Config) fields they share with the RTM client, and are
/// checked the same way.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until build() is called"]
pub struct WebClientBuilder {
    settings: crate::Builder,
    limits: RetryLimits,
}

impl WebClientBuilder {
    /// Prefix of every Web API URL; a missing trailing `/` is added. Default
    /// `https://slack.com/api/` (see [`Config::slack_api_url`](crate::Config::slack_api_url)).
    pub fn slack_api_url(mut self, url: impl Into<String>) -> Self {
        self.settings = self.settings.slack_api_url(url);
        self
    }

    /// Bound on one HTTP request (connect, send, receive). Default 30 s.
    pub fn http_timeout(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.http_timeout(timeout);
        self
    }

    /// TLS settings (custom CA, client certificate). Default: the system's roots.
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.settings = self.settings.tls(tls);
        self
    }

    /// An HTTP CONNECT proxy. Default: the one named by the environment, as for the RTM
    /// client (see [`Config::proxy`](crate::Config::proxy)).
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.settings = self.settings.proxy(proxy);
        self
    }

    /// Connects directly, ignoring proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.settings = self.settings.no_proxy();
        self
    }

    /// How many times a call answered with HTTP 429 is retried after sleeping its
    /// `Retry-After`. Default 3; 0 returns [`Error::RateLimited`] at once.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.limits.max_retries = retries;
        self
    }

    /// The most one call sleeps, in total, waiting out rate limits; a `Retry-After` that
    /// would go over it is not waited for. Default 60 s.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.limits.max_wait = wait;
        self
    }

    /// Checks the settings and creates the client. Does no I/O.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty token, a malformed `slack_api_url`, a zero
    /// `http_timeout`, or an unusable CA, client certificate or proxy.
    pub fn build(self) -> Result<WebClient> {
        // The RTM builder owns validation and the HTTP agent's setup; the unstarted
        // RTM client is only a way to get them and is dropped at once.
        let rtm = self.settings.build()?;
        let shared = rtm.shared();
        Ok(WebClient::from_parts(
            shared.web.clone(),
            shared.config.slack_api_url.clone(),
            self.limits,
        ))
    }
}

/// The arguments of `chat.postMessage`, built with setters; unset options are not sent
/// (Slack's defaults apply).
///
/// ```
/// use serde_json::json;
/// use slack_rtm::web_api::PostMessage;
///
/// let msg = PostMessage::new("C0123456", "fallback text for notifications")
///     .blocks(json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]))
///     .thread_ts("1700000000.000100")
///     .unfurl_links(false);
/// assert_eq!(msg.unfurl_links, Some(false));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PostMessage {
    /// Channel, private channel or IM id (or a user id for the app's DM).
    pub channel: String,
    /// The text; with blocks, the notification fallback. Not sent when empty.
    pub text: String,
    /// Block Kit blocks (a JSON array).
    pub blocks: Option<Value>,
    /// Legacy attachments (a JSON array).
    pub attachments: Option<Value>,
    /// Reply in the thread of this parent message.
    pub thread_ts: Option<String>,
    /// With `thread_ts`: also show the reply in the channel.
    pub reply_broadcast: Option<bool>,
    /// Post as the authed user (legacy tokens only).
    pub as_user: Option<bool>,
    /// Whether `text` is formatted as mrkdwn. Slack's default: true.
    pub mrkdwn: Option<bool>,
    /// Unfurl links to text-based content.
    pub unfurl_links: Option<bool>,
    /// Unfurl links to media content.
    pub unfurl_media: Option<bool>,
    /// Find and link user groups and channel names.
    pub link_names: Option<bool>,
    /// The bot's display name for this message (needs `chat:write.customize`).
    pub username: Option<String>,
    /// An emoji for the bot's icon, e.g. `:robot_face:`.
    pub icon_emoji: Option<String>,
    /// An image URL for the bot's icon.
    pub icon_url: Option<String>,
    /// Message metadata (`{"event_type": .., "event_payload": {..}}`).
    pub metadata: Option<Value>,
    /// Other arguments, sent as they are.
    pub extra: Vec<(String, String)>,
}

impl PostMessage {
    /// A message with `text` to `channel`.
    pub fn new(channel: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            text: text.into(),
            blocks: None,
            attachments: None,
            thread_ts: None,
            reply_broadcast: None,
            as_user: None,
            mrkdwn: None,
            unfurl_links: None,
            unfurl_media: None,
            link_names: None,
            username: None,
            icon_emoji: None,
            icon_url: None,
            metadata: None,
            extra: Vec::new(),
        }
    }

    /// Sets [`PostMessage::blocks`].
    pub fn blocks(mut self, blocks: Value) -> Self {
        self.blocks = Some(blocks);
        self
    }

    /// Sets [`PostMessage::attachments`].
    pub fn attachments(mut self, attachments: Value) -> Self {
        self.attachments = Some(attachments);
        self
    }

    /// Sets [`PostMessage::thread_ts`].
    pub fn thread_ts(mut self, ts: impl Into<String>) -> Self {
        self.thread_ts = Some(ts.into());
        self
    }

    /// Sets [`PostMessage::reply_broadcast`].
    pub fn reply_broadcast(mut self, on: bool) -> Self {
        self.reply_broadcast = Some(on);
        self
    }

    /// Sets [`PostMessage::as_user`].
    pub fn as_user(mut self, on: bool) -> Self {
        self.as_user = Some(on);
        self
    }

    /// Sets [`PostMessage::mrkdwn`].
    pub fn mrkdwn(mut self, on: bool) -> Self {
        self.mrkdwn = Some(on);
        self
    }

    /// Sets [`PostMessage::unfurl_links`].
    pub fn unfurl_links(mut self, on: bool) -> Self {
        self.unfurl_links = Some(on);
        self
    }

    /// Sets [`PostMessage::unfurl_media`].
    pub fn unfurl_media(mut self, on: bool) -> Self {
        self.unfurl_media = Some(on);
        self
    }

    /// Sets [`PostMessage::link_names`].
    pub fn link_names(mut self, on: bool) -> Self {
        self.link_names = Some(on);
        self
    }

    /// Sets [`PostMessage::username`].
    pub fn username(mut self, name: impl Into<String>) -> Self {
        self.username = Some(name.into());
        self
    }

    /// Sets [`PostMessage::icon_emoji`].
    pub fn icon_emoji(mut self, emoji: impl Into<String>) -> Self {
        self.icon_emoji = Some(emoji.into());
        self
    }

    /// Sets [`PostMessage::icon_url`].
    pub fn icon_url(mut self, url: impl Into<String>) -> Self {
        self.icon_url = Some(url.into());
        self
    }

    /// Sets [`PostMessage::metadata`].
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Adds another argument (appended to [`PostMessage::extra`]).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The form fields, in a stable order.
    fn form(&self) -> Vec<(&str, String)> {
        let mut form: Vec<(&str, String)> = vec![("channel", self.channel.clone())];
        if !self.text.is_empty() {
            form.push(("text", self.text.clone()));
        }
        let json = [
            ("blocks", &self.blocks),
            ("attachments", &self.attachments),
            ("metadata", &self.metadata),
        ];
        form.extend(
            json.into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.to_string()))),
        );
        let strings = [
            ("thread_ts", &self.thread_ts),
            ("username", &self.username),
            ("icon_emoji", &self.icon_emoji),
            ("icon_url", &self.icon_url),
        ];
        form.extend(
            strings
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.clone()))),
        );
        let flags = [
            ("reply_broadcast", self.reply_broadcast),
            ("as_user", self.as_user),
            ("mrkdwn", self.mrkdwn),
            ("unfurl_links", self.unfurl_links),
            ("unfurl_media", self.unfurl_media),
            ("link_names", self.link_names),
        ];
        form.extend(
            flags
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v.to_string()))),
        );
        form.extend(self.extra.iter().map(|(k, v)| (k.as_str(), v.clone())));
        form
    }
}

/// What `chat.postMessage` or `chat.update` answered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PostedMessage {
    /// The channel id (Slack's, even when a name or user id was given).
    pub channel: String,
    /// The message's timestamp: its id within the channel (a string, not a float). For
    /// `chat.update`, the edited message's original `ts`.
    pub ts: String,
    /// The message as Slack stored it (`Value::Null` if absent).
    pub message: Value,
    /// The whole answer.
    pub raw: Value,
}

impl PostedMessage {
    fn from_answer(method: &str, raw: Value) -> Result<Self> {
        let field = |name: &str| {
            raw.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| Error::Protocol(format!("{method} answered without `{name}`")))
        };
        Ok(Self {
            channel: field("channel")?,
            ts: field("ts")?,
            message: raw.get("message").cloned().unwrap_or(Value::Null),
            raw,
        })
    }
}

/// Who a token belongs to: the answer of `auth.test`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AuthTest {
    /// The user id (for a bot token, the bot user's).
    pub user_id: String,
    /// The user name.
    #[serde(default)]
    pub user: String,
    /// The workspace id.
    pub team_id: String,
    /// The workspace name.
    #[serde(default)]
    pub team: String,
    /// The workspace URL, e.g. `https://example.slack.com/`.
    #[serde(default)]
    pub url: String,
    /// The bot id, for bot tokens.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The Enterprise Grid organization id, when there is one.
    #[serde(default)]
    pub enterprise_id: Option<String>,
    /// The whole answer.
    #[serde(skip)]
    pub raw: Value,
}

/// A user's presence: the answer of `users.getPresence`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Presence {
    /// `"active"` or `"away"`.
    pub presence: String,
    /// Whether the user has a connected client (own user only).
    #[serde(default)]
    pub online: Option<bool>,
    /// Set away by Slack for inactivity (own user only).
    #[serde(default)]
    pub auto_away: Option<bool>,
    /// Set away by the user (own user only).
    #[serde(default)]
    pub manual_away: Option<bool>,
    /// How many clients are connected (own user only).
    #[serde(default)]
    pub connection_count: Option<u64>,
    /// Unix time of the last activity (own user only).
    #[serde(default)]
    pub last_activity: Option<i64>,
    /// The whole answer.
    #[serde(skip)]
    pub raw: Value,
}

impl Presence {
    /// Whether `presence` is `"active"`.
    pub fn is_active(&self) -> bool {
        self.presence == "active"
    }
}

/// A user, from `users.info`: the common fields, and the whole object in `raw`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user id.
    pub id: String,
    /// The user name (handle).
    #[serde(default)]
    pub name: String,
    /// The full name, when set.
    #[serde(default)]
    pub real_name: Option<String>,
    /// The user's workspace.
    #[serde(default)]
    pub team_id: Option<String>,
    /// Whether the account is deactivated.
    #[serde(default)]
    pub deleted: bool,
    /// Whether this is a bot user.
    #[serde(default)]
    pub is_bot: bool,
    /// The `user` object as Slack sent it (profile, time zone, flags, …).
    #[serde(skip)]
    pub raw: Value,
}

/// A conversation, from `conversations.info`: the common fields, and the whole object in
/// `raw`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Conversation {
    /// The conversation id.
    pub id: String,
    /// The channel name; `None` for IMs.
    #[serde(default)]
    pub name: Option<String>,
    /// A public or private channel.
    #[serde(default)]
    pub is_channel: bool,
    /// A private channel (legacy "group").
    #[serde(default)]
    pub is_group: bool,
    /// A direct message.
    #[serde(default)]
    pub is_im: bool,
    /// A multi-person direct message.
    #[serde(default)]
    pub is_mpim: bool,
    /// Private (not visible to everyone in the workspace).
    #[serde(default)]
    pub is_private: bool,
    /// Archived.
    #[serde(default)]
    pub is_archived: bool,
    /// For an IM, the other user.
    #[serde(default)]
    pub user: Option<String>,
    /// The `channel` object as Slack sent it (topic, purpose, counts, …).
    #[serde(skip)]
    pub raw: Value,
}

/// How long a call sits out rate limits: at most `max_retries` sleeps, adding up to at
/// most `max_wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RetryLimits {
    max_retries: u32,
    max_wait: Duration,
}

impl Default for RetryLimits {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            max_wait: DEFAULT_MAX_RETRY_WAIT,
        }
    }
}

impl RetryLimits {
    /// The sleep before the next attempt, after `retries` retries that slept `waited` in
    /// all, when Slack asked for `retry_after`; `None` to give up.
    fn next_wait(&self, retries: u32, waited: Duration, retry_after: Duration) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let total = waited.checked_add(retry_after)?;
        (total <= self.max_wait).then_some(retry_after)
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

/// Deserializes an `ok: true` answer (or part of one) into a typed struct.
fn parse<T: DeserializeOwned>(method: &str, value: &Value) -> Result<T> {
    T::deserialize(value)
        .map_err(|e| Error::Protocol(format!("{method} answered in an unexpected shape: {e}")))
}

/// Takes the object `field` out of `answer`.
fn take_object(method: &str, mut answer: Value, field: &str) -> Result<Value> {
    match answer.get_mut(field).map(Value::take) {
        Some(v @ Value::Object(_)) => Ok(v),
        _ => Err(Error::Protocol(format!(
            "{method} answered without a `{field}` object"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn rate_limits_are_retried_up_to_max_retries() {
        let limits = RetryLimits::default();
        assert_eq!(limits.next_wait(0, Duration::ZERO, SEC), Some(SEC));
        assert_eq!(limits.next_wait(2, 2 * SEC, SEC), Some(SEC));
        assert_eq!(limits.next_wait(3, 3 * SEC, SEC), None);
    }

    #[test]
    fn a_retry_after_beyond_the_wait_budget_is_not_waited_for() {
        let limits = RetryLimits {
            max_retries: 10,
            max_wait: 30 * SEC,
        };
        assert_eq!(
            limits.next_wait(0, Duration::ZERO, 30 * SEC),
            Some(30 * SEC)
        );
        assert_eq!(limits.next_wait(1, 30 * SEC, SEC), None);
        assert_eq!(limits.next_wait(0, Duration::ZERO, 31 * SEC), None);
        assert_eq!(limits.next_wait(0, Duration::MAX, SEC), None);
    }

    #[test]
    fn zero_retries_never_waits() {
        let limits = RetryLimits {
            max_retries: 0,
            max_wait: Duration::MAX,
        };
        assert_eq!(limits.next_wait(0, Duration::ZERO, Duration::ZERO), None);
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
    fn post_message_sends_only_what_was_set() {
        let msg = PostMessage::new("C1", "").blocks(json!([])).mrkdwn(false);
        assert_eq!(
            msg.form(),
            vec![
                ("channel", "C1".to_string()),
                ("blocks", "[]".to_string()),
                ("mrkdwn", "false".to_string()),
            ]
        );
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

    #[test]
    fn typed_answers_keep_the_raw_json_and_report_missing_fields() {
        let answer = json!({"ok": true, "presence": "away", "online": false});
        let p: Presence = parse("users.getPresence", &answer).unwrap();
        assert_eq!((p.is_active(), p.online), (false, Some(false)));
        assert!(matches!(
            parse::<AuthTest>("auth.test", &json!({"ok": true})),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            PostedMessage::from_answer("chat.postMessage", json!({"ok": true, "channel": "C1"})),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            take_object("users.info", json!({"ok": true}), "user"),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn reference_payloads_parse() {
        let conv: Conversation = parse(
            "conversations.info",
            &json!({"id": "D1", "is_im": true, "user": "U2", "priority": 0.04}),
        )
        .unwrap();
        assert_eq!(
            (conv.name, conv.is_im, conv.user.as_deref()),
            (None, true, Some("U2"))
        );
        let me: AuthTest = parse(
            "auth.test",
            &json!({"ok": true, "url": "https://x.slack.com/", "team": "X", "user": "bot",
                    "team_id": "T1", "user_id": "W2", "bot_id": "B3"}),
        )
        .unwrap();
        assert_eq!(
            (me.user_id.as_str(), me.bot_id.as_deref()),
            ("W2", Some("B3"))
        );
    }
}
