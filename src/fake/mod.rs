//! A fake Slack server, on loopback, for tests and demos: the Web API methods an RTM
//! client needs (`rtm.connect`, `rtm.start`, `auth.test`, `chat.postMessage`, ...) and
//! the RTM websocket, both following Slack's RTM protocol strictly, plus scripting hooks
//! to inject the faults a real client must survive.
//!
//! ```
//! use std::time::Duration;
//! use serde_json::json;
//! use slack_rtm::fake::FakeSlack;
//!
//! let slack = FakeSlack::start()?;
//! // Point a client at `slack.api_url()` with token `slack.token()`. Here, by hand:
//! let connect = format!("{}rtm.connect", slack.api_url());
//! let mut reply = ureq::post(&connect)
//!     .header("Authorization", format!("Bearer {}", slack.token()))
//!     .send_empty()
//!     .map_err(std::io::Error::other)?;
//! let body: serde_json::Value =
//!     serde_json::from_str(&reply.body_mut().read_to_string().map_err(std::io::Error::other)?)?;
//! let url = body["url"].as_str().unwrap_or_default();
//! let (mut ws, _) = tungstenite::connect(url).map_err(std::io::Error::other)?;
//! assert_eq!(ws.read().map_err(std::io::Error::other)?.to_text().ok(), Some(r#"{"type":"hello"}"#));
//!
//! slack.push(json!({"type": "user_typing", "channel": "C1", "user": "U1"}));
//! let event = ws.read().map_err(std::io::Error::other)?;
//! assert!(event.to_text().unwrap_or_default().contains("user_typing"));
//!
//! ws.send(tungstenite::Message::text(r#"{"id":1,"type":"ping"}"#)).map_err(std::io::Error::other)?;
//! let ping = slack.wait_for_sent(|f| f["type"] == "ping", Duration::from_secs(5));
//! assert_eq!(ping.map(|f| f["id"].clone()), Some(json!(1)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What the server does
//!
//! **Web API** (`api_url()`, `http://127.0.0.1:PORT/api/<method>`): `GET` with a query
//! string or `POST` with an `application/x-www-form-urlencoded` body; HTTP/1.1
//! keep-alive. The token comes from `Authorization: Bearer <token>` or a `token`
//! parameter: none gives `{"ok":false,"error":"not_authed"}`, a wrong one `invalid_auth`,
//! an unknown method `unknown_method` (always HTTP 200, as Slack does). Methods:
//! `rtm.connect`, `rtm.start` (plus the known users and channels and
//! [`FakeSlack::set_rtm_start_snapshot`] fields), `auth.test`, `chat.postMessage`
//! (`channel_not_found` without `channel`, `no_text` without `text`/`blocks`/`attachments`,
//! `msg_too_long` over 40 000 characters), `chat.update` (`message_not_found` for a
//! `(channel, ts)` the bot never posted), `users.info` and `users.getPresence`
//! (`user_not_found` for users not added with [`FakeSlack::add_user`]),
//! `conversations.info` (`channel_not_found` for channels not added with
//! [`FakeSlack::add_channel`]). Channels are not checked anywhere else.
//!
//! **Websocket URLs** (`ws://127.0.0.1:PORT/websocket/<ticket>`, a second port) are single
//! use and valid for the URL lifetime (30 s by default). A reused or expired URL still
//! upgrades, then gets `{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}`
//! and a close frame; a URL that was never issued gets HTTP 404.
//!
//! **Sessions** start with `{"type":"hello"}`. Client frames must be JSON objects with a
//! string `type`; `id`, where given, must be a positive integer not used before on the
//! connection, and `message`, `ping` and `typing` need one. The error codes are in
//! [`codes`]. Accepted types:
//! - `message` (`channel`, `text` up to 4000 characters): acked with
//!   `{"ok":true,"reply_to":id,"ts","text"}` under the [`AckPolicy`], where `ts` is unique
//!   and ASCII-sortable (`"1700000000.000001"`, increasing across the server) and `text` is
//!   the canonical text: bare `http(s)://` links come back wrapped in `<...>` (Slack's URL
//!   detection). With [`FakeSlackBuilder::echo_own_messages`] (default on) it is also
//!   broadcast to every session as a `message` event from the bot, with the same `ts`.
//! - `ping`: `{"type":"pong","reply_to":id,..}` echoing every scalar field of the ping;
//!   never delayed.
//! - `typing` (`channel`): no reply.
//! - `presence_sub` (`ids`): replaces the session's subscriptions; `presence_change` events
//!   follow for newly subscribed known users, and later on [`FakeSlack::set_presence`].
//! - `presence_query` (`ids`, at most 500): `presence_change` events for the known users.
//!
//!   `presence_change` has the single form `{"type":"presence_change","user","presence"}`,
//!   or, when the URL came from an `rtm.connect` with `batch_presence_aware=1`, the batch
//!   form `{"type":"presence_change","users":[..],"presence"}` (one event per presence
//!   value). Unknown user ids produce no event.
//!
//! Binary client frames get an error event ([`codes::NOT_AN_OBJECT`]). A client frame
//! with a payload over 16 KiB (16 384 bytes) closes the connection at once, without a
//! reply or a close frame (see [`FakeSlack::closed_for_size`]). WebSocket-level pings
//! are answered with pongs.
//!
//! # Threads and shutdown
//!
//! Each listener has an accept thread, and each connection (Web API or websocket) a
//! thread of its own; they all block in `poll(2)` or a socket read, never on a timer
//! loop. Dropping [`FakeSlack`] stops and joins every one of them. Web API connections
//! idle for 30 s are closed.
//!
//! # Logging
//!
//! The server logs at `debug` (connections, sessions, refused upgrades) and `warn` (accept
//! failures). Tokens and websocket URLs are never logged, and the `Debug` output of its
//! types never shows a token.

mod api;
mod blast;
pub mod codes;
mod directory;
mod form;
mod http;
mod listen;
mod rtm;
mod script;
mod shared;
pub mod socket_mode;
mod ts;
mod ws;

#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::{Bytes, Utf8Bytes};

pub use script::AckPolicy;

use blast::FrameBatch;
use shared::{Identity, Settings, Shared, State};
use ws::Command;

/// Where a recorded Web API call carried its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSource {
    /// `Authorization: Bearer <token>` (used when both are given).
    Header,
    /// A `token` query or form parameter.
    Param,
}

/// One Web API call as the server saw it, with the token redacted.
///
/// ```
/// use slack_rtm::fake::{FakeSlack, TokenSource};
///
/// let slack = FakeSlack::start()?;
/// let url = format!("{}auth.test?token={}", slack.api_url(), slack.token());
/// ureq::get(&url).call().map_err(std::io::Error::other)?;
/// let call = &slack.requests()[0];
/// assert_eq!(call.method, "auth.test");
/// assert_eq!(call.token_source, Some(TokenSource::Param));
/// assert_eq!(call.param("token"), Some(slack_rtm::fake::RecordedRequest::REDACTED));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The Web API method, e.g. `"rtm.connect"`.
    pub method: String,
    /// `"GET"` or `"POST"`.
    pub http_method: String,
    /// Query parameters, then form-body parameters, decoded, in order. The value of a
    /// `token` parameter is replaced with [`RecordedRequest::REDACTED`].
    pub params: Vec<(String, String)>,
    /// Where the token was, if anywhere.
    pub token_source: Option<TokenSource>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

impl RecordedRequest {
    /// What a recorded token parameter reads as.
    pub const REDACTED: &'static str = "[REDACTED]";

    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn redacted(call: &api::ApiCall, token_source: Option<TokenSource>) -> Self {
        let params = call
            .params
            .iter()
            .map(|(k, v)| {
                let v = if k == "token" { Self::REDACTED } else { v };
                (k.clone(), v.to_owned())
            })
            .collect();
        Self {
            method: call.method.clone(),
            http_method: call.http_method.clone(),
            params,
            token_source,
            content_type: call.content_type.clone(),
            user_agent: call.user_agent.clone(),
        }
    }
}

/// Settings for a [`FakeSlack`]; made by [`FakeSlack::builder`].
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::FakeSlack;
///
/// let slack = FakeSlack::builder()
///     .token("xoxb-test")
///     .bot("U0BOT", "robot")
///     .team("T0TEAM", "Test Team", "test")
///     .url_ttl(Duration::from_secs(5))
///     .echo_own_messages(false)
///     .start()?;
/// assert_eq!(slack.token(), "xoxb-test");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct FakeSlackBuilder {
    token: String,
    url_ttl: Duration,
    identity: Identity,
    echo_own_messages: bool,
    goodbye_close_after: Duration,
    tls: Option<native_tls::Identity>,
}

impl fmt::Debug for FakeSlackBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeSlackBuilder")
            .field("token", &RecordedRequest::REDACTED)
            .field("url_ttl", &self.url_ttl)
            .field("identity", &self.identity)
            .field("echo_own_messages", &self.echo_own_messages)
            .field("goodbye_close_after", &self.goodbye_close_after)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl Default for FakeSlackBuilder {
    fn default() -> Self {
        Self {
            token: FakeSlack::DEFAULT_TOKEN.to_owned(),
            url_ttl: Duration::from_secs(30),
            identity: Identity {
                bot_id: "U0FAKEBOT".to_owned(),
                bot_name: "fakebot".to_owned(),
                team_id: "T0FAKETEAM".to_owned(),
                team_name: "Fake Team".to_owned(),
                team_domain: "fake".to_owned(),
            },
            echo_own_messages: true,
            goodbye_close_after: Duration::from_secs(2),
            tls: None,
        }
    }
}

impl FakeSlackBuilder {
    /// The one valid token. Default: [`FakeSlack::DEFAULT_TOKEN`].
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// How long a websocket URL from `rtm.connect` stays valid. Default: 30 s, as the
    /// protocol says. `Duration::ZERO` makes every URL expired on arrival.
    pub fn url_ttl(mut self, ttl: Duration) -> Self {
        self.url_ttl = ttl;
        self
    }

    /// The bot's user id and name (`self` in `rtm.connect`, `user_id`/`user` in
    /// `auth.test`). Default: `"U0FAKEBOT"`, `"fakebot"`.
    pub fn bot(mut self, user_id: impl Into<String>, user_name: impl Into<String>) -> Self {
        self.identity.bot_id = user_id.into();
        self.identity.bot_name = user_name.into();
        self
    }

    /// The workspace's id, name and domain. Default: `"T0FAKETEAM"`, `"Fake Team"`,
    /// `"fake"`.
    pub fn team(
        mut self,
        id: impl Into<String>,
        name: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        self.identity.team_id = id.into();
        self.identity.team_name = name.into();
        self.identity.team_domain = domain.into();
        self
    }

    /// Whether the bot's own accepted messages (over RTM or `chat.postMessage`) and edits
    /// (`chat.update`, as `message_changed`) are broadcast back to every session as
    /// events, like Slack does. Default: true.
    pub fn echo_own_messages(mut self, echo: bool) -> Self {
        self.echo_own_messages = echo;
        self
    }

    /// How long after [`FakeSlack::send_goodbye`] the server closes the session (unless the
    /// client closed first). Default: 2 s.
    pub fn goodbye_close_after(mut self, grace: Duration) -> Self {
        self.goodbye_close_after = grace;
        self
    }

    /// Serves `https://` and `wss://` with this certificate and key instead of plain
    /// `http://` and `ws://`. Clients must trust the certificate, which should name
    /// `127.0.0.1`.
    pub fn tls(mut self, identity: native_tls::Identity) -> Self {
        self.tls = Some(identity);
        self
    }

    /// Binds both listeners on 127.0.0.1 (ports chosen by the OS) and starts serving.
    ///
    /// # Errors
    ///
    /// When a socket cannot be bound or a thread started, or the TLS identity is
    /// rejected.
    pub fn start(self) -> io::Result<FakeSlack> {
        let tls = match self.tls {
            None => None,
            Some(identity) => {
                Some(native_tls::TlsAcceptor::new(identity).map_err(io::Error::other)?)
            }
        };
        let (http_scheme, ws_scheme) = if tls.is_some() {
            ("https", "wss")
        } else {
            ("http", "ws")
        };
        let api = TcpListener::bind("127.0.0.1:0")?;
        let rtm = TcpListener::bind("127.0.0.1:0")?;
        api.set_nonblocking(true)?;
        rtm.set_nonblocking(true)?;
        let api_url = format!("{http_scheme}://{}/api/", api.local_addr()?);
        let ws_url_base = format!("{ws_scheme}://{}/websocket/", rtm.local_addr()?);
        let mut state = State::default();
        let id = &self.identity;
        state.directory.add_user(&id.bot_id, &id.bot_name, true);
        state
            .directory
            .add_channel(FakeSlack::GENERAL_CHANNEL, "general");
        let settings = Settings {
            token: self.token,
            url_ttl: self.url_ttl,
            identity: self.identity,
            echo_own_messages: self.echo_own_messages,
            goodbye_close_after: self.goodbye_close_after,
            tls,
        };
        let shared = Arc::new(Shared::new(settings, api_url, ws_url_base, state)?);
        socket_mode::server::start(&shared)?;
        let mut accept_loops = Vec::new();
        let started = listen::spawn_accept_loop("fake-slack-api", api, shared.clone(), |s, tcp| {
            http::serve(s, tcp)
        })
        .and_then(|h| {
            accept_loops.push(h);
            listen::spawn_accept_loop("fake-slack-rtm", rtm, shared.clone(), ws::serve)
        });
        match started {
            Ok(h) => accept_loops.push(h),
            Err(e) => {
                listen::shut_down(&shared, accept_loops);
                return Err(e);
            }
        }
        log::debug!("fake slack: serving the Web API at {}", shared.api_url);
        Ok(FakeSlack {
            shared,
            accept_loops,
        })
    }
}

/// A running fake Slack server. Dropping it stops every thread it started.
///
/// See the [module docs](self) for what it serves. Its methods take `&self`, so it can be
/// shared (e.g. in an `Arc`) between the test and helper threads.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{AckPolicy, FakeSlack};
///
/// let slack = FakeSlack::start()?;
/// assert!(slack.api_url().starts_with("http://127.0.0.1:"));
/// slack.set_ack_policy(AckPolicy::Reorder);
/// slack.rate_limit_connect(1, 3);
/// // ... run the client under test against slack.api_url() ...
/// assert_eq!(slack.sessions_opened(), 0);
/// assert!(!slack.wait_for_sessions(1, Duration::from_millis(10)));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct FakeSlack {
    shared: Arc<Shared>,
    accept_loops: Vec<JoinHandle<()>>,
}

impl fmt::Debug for FakeSlack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeSlack")
            .field("api_url", &self.shared.api_url)
            .field("open_sessions", &self.open_sessions())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeSlack {
    fn drop(&mut self) {
        listen::shut_down(&self.shared, std::mem::take(&mut self.accept_loops));
    }
}

impl FakeSlack {
    /// The token a default server accepts.
    pub const DEFAULT_TOKEN: &'static str = "xoxb-fake-token";
    /// The id of the `#general` channel every server starts with.
    pub const GENERAL_CHANNEL: &'static str = "C0GENERAL";

    /// Starts a server with the default settings (see [`FakeSlackBuilder`]).
    ///
    /// # Errors
    ///
    /// As [`FakeSlackBuilder::start`].
    pub fn start() -> io::Result<FakeSlack> {
        Self::builder().start()
    }

    /// Settings for a server.
    pub fn builder() -> FakeSlackBuilder {
        FakeSlackBuilder::default()
    }

    /// The Web API base URL, `http://127.0.0.1:PORT/api/` (`https` with TLS): append the
    /// method name.
    pub fn api_url(&self) -> String {
        self.shared.api_url.clone()
    }

    /// The valid token.
    pub fn token(&self) -> &str {
        &self.shared.settings.token
    }

    /// The Socket Mode side of this server: `apps.connections.open` on the same Web API,
    /// its sockets, envelopes and acks. See [`socket_mode`].
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.socket_mode().open_sessions(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn socket_mode(&self) -> socket_mode::FakeSocketMode {
        socket_mode::FakeSocketMode::new(self.shared.clone())
    }

    // ----- scripting: server to client -----

    /// Sends `event` to every open session that got its `hello`; returns how many.
    /// Sessions opened later do not get it: wait for them first
    /// ([`FakeSlack::wait_for_sessions`]).
    pub fn push(&self, event: Value) -> usize {
        self.shared.broadcast(&event)
    }

    /// Sends an arbitrary text frame (malformed JSON, `"null"`, `""`, ...) like
    /// [`FakeSlack::push`].
    pub fn push_raw(&self, text: impl Into<String>) -> usize {
        let text = Utf8Bytes::from(text.into());
        self.shared.to_greeted(|| Command::Text(text.clone()))
    }

    /// Sends a binary frame like [`FakeSlack::push`].
    pub fn push_binary(&self, bytes: Vec<u8>) -> usize {
        let bytes = Bytes::from(bytes);
        self.shared.to_greeted(|| Command::Binary(bytes.clone()))
    }

    /// Writes `n` text frames carrying `event_json_text` to every greeted session as fast
    /// as the sockets take them, and returns the total written once all sessions are done.
    ///
    /// The frame is encoded once and written in batches of about 64 KiB, bypassing the
    /// websocket library, so this measures the client, not the server. Frames pushed
    /// before go out first; while a session blasts it reads nothing and holds back other
    /// commands. This blocks until every session has written its frames or ended, so the
    /// clients must be reading.
    ///
    /// ```
    /// use slack_rtm::fake::FakeSlack;
    ///
    /// let slack = FakeSlack::start()?;
    /// let connect = format!("{}rtm.connect?token={}", slack.api_url(), slack.token());
    /// let mut reply = ureq::get(&connect).call().map_err(std::io::Error::other)?;
    /// let body: serde_json::Value = serde_json::from_reader(reply.body_mut().as_reader())?;
    /// let url = body["url"].as_str().unwrap_or_default();
    /// let (mut ws, _) = tungstenite::connect(url).map_err(std::io::Error::other)?;
    /// ws.read().map_err(std::io::Error::other)?; // hello
    ///
    /// let event = r#"{"type":"message","channel":"C1","user":"U1","text":"x","ts":"1.000001"}"#;
    /// let written = std::thread::scope(|s| {
    ///     let blaster = s.spawn(|| slack.blast(event, 1000));
    ///     for _ in 0..1000 {
    ///         assert_eq!(ws.read().map_err(std::io::Error::other)?.to_text().ok(), Some(event));
    ///     }
    ///     Ok::<_, std::io::Error>(blaster.join().unwrap_or(0))
    /// })?;
    /// assert_eq!(written, 1000);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn blast(&self, event_json_text: &str, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let batch = Arc::new(FrameBatch::new(event_json_text, n));
        let mut receivers = Vec::new();
        self.shared.to_greeted(|| {
            let (done, rx) = crossbeam_channel::bounded(1);
            receivers.push(rx);
            Command::Blast {
                batch: batch.clone(),
                n,
                done,
            }
        });
        receivers.iter().map(|rx| rx.recv().unwrap_or(0)).sum()
    }

    /// Sends `{"type":"goodbye"}` to every open session, then closes each (close frame,
    /// code 1001) after the grace period
    /// ([`FakeSlackBuilder::goodbye_close_after`]) unless the client closed first.
    pub fn send_goodbye(&self) {
        self.shared.to_all(|| Command::Goodbye);
    }

    /// Closes every open session's TCP connection at once, with no close frame.
    pub fn drop_connections(&self) {
        self.shared.to_all(|| Command::Drop);
    }

    /// Closes every open session cleanly: a close frame (code 1000), then the TCP
    /// connection once the client answers (or after 2 s).
    pub fn close_connections(&self) {
        self.shared.to_all(|| Command::Close);
    }

    /// Makes every open session stop reading and writing for good, TCP left open: a
    /// half-open link. Only [`FakeSlack::drop_connections`] (or dropping the server) ends
    /// such a session. Sessions opened later behave normally.
    pub fn go_silent(&self) {
        self.shared.to_all(|| Command::Silent);
    }

    /// How later chat messages are acknowledged.
    pub fn set_ack_policy(&self, policy: AckPolicy) {
        self.shared.state.lock().ack_policy = policy;
    }

    /// Answers the next `n` websocket upgrade requests with HTTP `status` (use a 4xx or
    /// 5xx, e.g. 503) and no websocket. Their URLs are not used up.
    pub fn fail_upgrades(&self, n: usize, status: u16) {
        self.shared.state.lock().fail_upgrades = (n, status);
    }

    /// Answers the next `n` authenticated `rtm.connect`/`rtm.start` calls with HTTP 429,
    /// `Retry-After: <retry_after_secs>` and `{"ok":false,"error":"ratelimited"}`.
    pub fn rate_limit_connect(&self, n: usize, retry_after_secs: u64) {
        self.shared.state.lock().rate_limit_connect = (n, retry_after_secs);
    }

    /// The next `n` sessions open but never get `hello` (nor pushed events).
    pub fn suppress_hello(&self, n: usize) {
        self.shared.state.lock().suppress_hello = n;
    }

    /// Top-level fields (`users`, `channels`, ...) that replace or extend the ones of later
    /// `rtm.start` replies. Anything but a JSON object clears them.
    pub fn set_rtm_start_snapshot(&self, fields: Value) {
        self.shared.state.lock().rtm_start_snapshot = match fields {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
    }

    /// Adds (or renames) a user known to `users.info`, `users.getPresence`, `rtm.start` and
    /// presence events. New users are `"active"`.
    pub fn add_user(&self, id: &str, name: &str) {
        self.shared.state.lock().directory.add_user(id, name, false);
    }

    /// Adds (or renames) a channel known to `conversations.info` and `rtm.start`.
    pub fn add_channel(&self, id: &str, name: &str) {
        self.shared.state.lock().directory.add_channel(id, name);
    }

    /// Sets a known user's presence (`"active"` or `"away"`) and sends `presence_change`
    /// to the sessions subscribed to that user. Returns false for an unknown user.
    pub fn set_presence(&self, user: &str, presence: &str) -> bool {
        if !self
            .shared
            .state
            .lock()
            .directory
            .set_presence(user, presence)
        {
            return false;
        }
        self.shared.to_greeted(|| Command::Presence {
            user: user.to_owned(),
            presence: presence.to_owned(),
        });
        true
    }

    // ----- observing the client -----

    /// Every frame clients sent, in order, across all sessions: parsed JSON, or a JSON
    /// string holding the raw text when it is not JSON. Binary frames are not recorded.
    pub fn sent(&self) -> Vec<Value> {
        self.shared.state.lock().sent.clone()
    }

    /// Forgets the frames recorded so far.
    pub fn clear_sent(&self) {
        let mut st = self.shared.state.lock();
        st.sent_base += st.sent.len();
        st.sent.clear();
    }

    /// Blocks until some recorded client frame (earlier ones included) matches `pred`,
    /// and returns it; `None` after `timeout`.
    pub fn wait_for_sent(&self, pred: impl Fn(&Value) -> bool, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.state.lock();
        // Frames numbered below `checked` (counting cleared ones) did not match.
        let mut checked = st.sent_base;
        loop {
            let start = checked.saturating_sub(st.sent_base);
            if let Some(found) = st.sent.iter().skip(start).find(|v| pred(v)) {
                return Some(found.clone());
            }
            checked = st.sent_base + st.sent.len();
            if self
                .shared
                .changed
                .wait_until(&mut st, deadline)
                .timed_out()
            {
                let start = checked.saturating_sub(st.sent_base);
                return st.sent.iter().skip(start).find(|v| pred(v)).cloned();
            }
        }
    }

    /// Sessions opened with a valid URL so far. A session is counted just before its
    /// `hello` is written, so once a client has seen `hello` its session is counted, and
    /// anything pushed once this count includes a session reaches it after its `hello`.
    pub fn sessions_opened(&self) -> usize {
        self.shared.state.lock().sessions_opened
    }

    /// Blocks until at least `n` sessions were opened ([`FakeSlack::sessions_opened`]);
    /// false after `timeout`.
    pub fn wait_for_sessions(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.state.lock();
        while st.sessions_opened < n {
            if self
                .shared
                .changed
                .wait_until(&mut st, deadline)
                .timed_out()
            {
                return st.sessions_opened >= n;
            }
        }
        true
    }

    /// Sessions open right now (silent ones included). A session stops counting when its
    /// thread has finished, which may be just after the client saw the connection end:
    /// use [`FakeSlack::wait_for_open_sessions`] to wait for that.
    pub fn open_sessions(&self) -> usize {
        self.shared.state.lock().open_sessions
    }

    /// Blocks until exactly `n` sessions are open ([`FakeSlack::open_sessions`]), e.g. 0
    /// once a client has disconnected; false after `timeout`.
    pub fn wait_for_open_sessions(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.state.lock();
        while st.open_sessions != n {
            if self
                .shared
                .changed
                .wait_until(&mut st, deadline)
                .timed_out()
            {
                return st.open_sessions == n;
            }
        }
        true
    }

    /// Upgrades with a reused or expired URL (answered with error code 1).
    pub fn stale_url_upgrades(&self) -> usize {
        self.shared.state.lock().stale_url_upgrades
    }

    /// Sessions closed because the client sent a frame over 16 KiB.
    pub fn closed_for_size(&self) -> usize {
        self.shared.state.lock().closed_for_size
    }

    /// Treats the next `n` websocket URLs as expired when they are used, as if the client
    /// had taken longer than the URL lifetime to connect: the upgrade succeeds, then the
    /// session gets error code 1 "Socket URL has expired" and is closed.
    pub fn expire_next_urls(&self, n: usize) {
        self.shared.state.lock().expire_urls = n;
    }

    /// The peer address of every connection accepted so far, Web API and websocket alike,
    /// in order. Useful to prove that a client went through a proxy (whose outgoing
    /// connections come from another loopback address).
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(slack.peers().is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn peers(&self) -> Vec<std::net::SocketAddr> {
        self.shared.peers.lock().clone()
    }

    /// `rtm.connect` and `rtm.start` calls, including refused ones.
    pub fn connect_calls(&self) -> usize {
        self.shared.state.lock().connect_calls
    }

    /// Every Web API call so far, in order, tokens redacted.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state.lock().requests.clone()
    }

    /// The user ids of the latest `presence_sub` any session sent.
    pub fn presence_subscriptions(&self) -> Vec<String> {
        self.shared.state.lock().presence_subscriptions.clone()
    }
}
