//! A fake Slack server, on loopback, for tests and demos: the Web API methods an RTM
//! client needs (`rtm.connect`, `rtm.start`, `auth.test`, `chat.postMessage`, ...) and
//! the RTM websocket, both following Slack's RTM protocol strictly, a test kit to play
//! the people a bot talks to, and scripting hooks to inject the faults a real client must
//! survive.
//!
//! Behind the `fake-slack` feature, off by default: turn it on for your tests only, with
//! `slack-rtm = { version = "…", features = ["fake-slack"] }` under `[dev-dependencies]`
//! (see the crate docs, "Features").
//!
//! ```
//! use std::time::Duration;
//! use slack_rtm::fake::FakeSlack;
//!
//! let slack = FakeSlack::start()?;
//! let client = slack.client()?; // an RtmClient for this fake: its token and URL, no proxy
//! let events = client.events();
//! client.start()?; // rtm.connect, the websocket, hello
//!
//! // The bot posts; the fake records what it got and what it answered.
//! let reply = client.send_message(FakeSlack::GENERAL_CHANNEL, "hello")?;
//! let seen = slack.next_bot_message(Duration::from_secs(5))?;
//! assert_eq!(seen.text, "hello");
//! assert_eq!(seen.ts(), reply.ts.as_deref());
//!
//! // A person posts; the bot gets the event.
//! slack.user("U0ALICE", "alice").say(FakeSlack::GENERAL_CHANNEL, "hi bot")?;
//! loop {
//!     let event = events.recv_timeout(Duration::from_secs(5))?;
//!     let Some(json) = event.as_slack().and_then(|m| m.json().ok()) else { continue };
//!     if json["user"] == "U0ALICE" {
//!         assert_eq!(json["text"], "hi bot");
//!         break;
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Testing a bot
//!
//! [`FakeSlack::start_bot`] connects a client and runs its handlers on a thread of their
//! own ([`RunningBot`]), as `run()` does in production. The test then plays the people:
//! - [`FakeSlack::user`] gives a [`FakeUser`], who posts in a channel
//!   ([`FakeUser::say`]), in a thread ([`FakeUser::reply_in_thread`]) or to the bot
//!   directly ([`FakeUser::dm`]), types, joins, and changes presence;
//! - [`FakeSlack::next_bot_message`] waits (bounded) for the bot's next chat message, over
//!   RTM or `chat.postMessage`, and says whether the fake acknowledged it and with which
//!   `ts` ([`BotMessage`]);
//! - [`FakeSlack::wait_for_typing`] and [`FakeSlack::wait_for_presence_subscription`]
//!   see the bot's typing indicators and presence subscriptions.
//!
//! Events reach the bot in order and it handles them in order, so once it has answered an
//! event it has also handled every event pushed before it: to check that something was
//! *not* answered, push it, then something that is answered, and check that the next bot
//! message is that answer. `examples/test_your_bot.rs` is a complete test.
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
//! `conversations.info` (`channel_not_found` for conversations it does not know).
//!
//! **The directory.** The workspace has `#general` ([`FakeSlack::GENERAL_CHANNEL`]), the
//! bot, the channels added with [`FakeSlack::add_channel`], the users added with
//! [`FakeSlack::add_user`] or [`FakeSlack::user`], and, for each person, a direct-message
//! conversation with the bot ([`FakeUser::dm_channel`]: `D` + the user id without its
//! `U`), and the bot's own with itself (`D0FAKEBOT` by default), where a message goes
//! "both _as_ and _to_ the authenticating user", as Slack's RTM docs put it. Conversations
//! are checked as Slack checks them: an RTM `message` or `typing` gets
//! the error reply `{"ok":false,"reply_to":id,"error":{"code":11,"msg":"channel_not_found"}}`
//! ([`codes::CHANNEL_NOT_FOUND`]) for anything but a conversation id (a channel *name*
//! like `"#general"` included), and `chat.update` answers `channel_not_found`;
//! `chat.postMessage` takes an id or a channel's name (`#general` or `general`), as its
//! method docs say, and answers with the id. The bot is a member of `#general`, of every
//! channel added with [`FakeSlack::add_channel`] and of every direct-message conversation;
//! [`FakeSlack::remove_bot`] takes it out of a channel and [`FakeSlack::invite_bot`] puts
//! it back (`channel_left` / `channel_joined` events, `is_member` in `conversations.info`
//! and `rtm.start`). In a channel it is not in, an RTM `message` gets the error reply
//! [`codes::NOT_IN_CHANNEL`] and `chat.postMessage` answers `not_in_channel`, as Slack's
//! method docs say. RTM messages are rate limited
//! ([`FakeSlackBuilder::rtm_rate_limit`]). `auth.test` names the bot (`bot_id`, `B` + the
//! bot user id without its `U`), as Slack answers for a bot token. `chat.update` of another user's
//! message is `cant_update_message`.
//!
//! **Threads.** A message with `thread_ts` (from the bot over RTM or `chat.postMessage`,
//! or [`FakeUser::reply_in_thread`]) is echoed with it, and when the fake remembers the
//! parent, a hidden `message_replied` event with the parent's `reply_count` and `replies`
//! follows.
//!
//! **Websocket URLs** (`ws://127.0.0.1:PORT/websocket/<ticket>`, a second port) are single
//! use and valid for the URL lifetime (30 s by default). A reused or expired URL still
//! upgrades, then gets `{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}`
//! and a close frame; a URL that was never issued gets HTTP 404.
//!
//! **Sessions** start with `{"type":"hello"}`, followed by what happened in the workspace
//! since the URL was issued (messages, edits, people typing or joining, the bot invited or
//! removed; the most recent [`FakeSlackBuilder::record_limit`] of them), as Slack's RTM
//! docs say of "any events that occurred between the call to `rtm.connect` and the
//! connection to the message server". Frames sent with [`FakeSlack::push`] and its
//! siblings reach open sessions only. Client frames must be JSON objects with a
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
//!   follow for newly subscribed known users (already subscribed ones emit nothing), and
//!   later when [`FakeSlack::set_presence`] changes a subscribed user's presence. Never a
//!   reply, even to a frame with an `id`.
//! - `presence_query` (`ids`, at most 500): `presence_change` events for the known users;
//!   never a reply.
//!
//!   `presence_change` has the single form `{"type":"presence_change","user","presence"}`,
//!   or, when the URL came from an `rtm.connect` with `batch_presence_aware=1`, the batch
//!   form `{"type":"presence_change","users":[..],"presence"}` (one event per presence
//!   value). Ids that are not users of the workspace, whatever their form (`"U0NOBODY"`,
//!   `"C0GENERAL"`, `""`), produce no event and no error: Slack documents no check of the
//!   ids, nor a limit on `presence_sub`'s list, nor the numbers of the rate limit both
//!   messages are under, so the fake enforces none of those.
//!
//! Binary client frames get an error event ([`codes::NOT_AN_OBJECT`]). A client frame
//! with a payload over 16 KiB (16 384 bytes) closes the connection at once, without a
//! reply or a close frame (see [`FakeSlack::closed_for_size`]). WebSocket-level pings
//! are answered with pongs.
//!
//! # Memory
//!
//! Everything the fake records is bounded by [`FakeSlackBuilder::record_limit`] (10 000
//! entries each by default): the client frames ([`FakeSlack::sent`]), the Web API calls
//! ([`FakeSlack::requests`]), the bot's messages ([`FakeSlack::bot_messages`]), the typing
//! indicators, the peers, the message history behind `chat.update` and threads, and the
//! events each issued, not yet connected websocket URL holds for its session (until it
//! connects or outlives the URL lifetime unused); the oldest entries go first. Websocket URLs are remembered up to the 1 024 most recent
//! (older ones are then unknown: 404), and the frame ids a session has used are kept as
//! ranges, so a client numbering its frames in order costs one entry. So a long test
//! process (a soak) stays flat; [`FakeSlack::clear_records`] empties the records at once.
//!
//! # Extending the fake (for the crate's own modules)
//!
//! Another protocol's side of the fake (Socket Mode, `socket_mode/`) plugs in at three
//! places, and nowhere else: its Web API methods get the first look at every
//! authenticated-or-not call in `api::handle` (after the call is recorded, before the
//! built-in methods), answering with an `ApiReply`; it starts its own listener and
//! threads from `FakeSlackBuilder::start` (through `listen::spawn_accept_loop`, so
//! shutdown joins them); it keeps its state in a field of its own in `Shared`.
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
mod bot_message;
mod bounded_log;
pub mod codes;
mod directory;
mod errors;
mod form;
mod history;
mod http;
mod id_set;
mod listen;
mod message_rate;
mod posting;
mod rtm;
mod running_bot;
mod script;
mod shared;
pub mod socket_mode;
mod ts;
mod upgrade;
mod user;
mod ws;

#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use tungstenite::{Bytes, Utf8Bytes};

pub use bot_message::{BotMessage, Outcome, Via};
pub use errors::{Refused, WaitTimeout};
pub use running_bot::RunningBot;
pub use script::AckPolicy;
pub use user::{FakeUser, Posted};

use blast::FrameBatch;
use shared::{Identity, Settings, Shared, State};
use ws::Command;

/// Where a recorded Web API call carried its token.
///
/// ```
/// # use slack_rtm::fake::{FakeSlack, TokenSource};
/// # let slack = FakeSlack::start()?;
/// let client = slack.client()?;
/// client.start()?;
/// assert_eq!(slack.requests()[0].token_source, Some(TokenSource::Header));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    ///
    /// ```
    /// use slack_rtm::fake::{FakeSlack, RecordedRequest};
    ///
    /// let slack = FakeSlack::start()?;
    /// let url = format!("{}auth.test", slack.api_url());
    /// ureq::post(&url)
    ///     .send_form([("token", slack.token())])
    ///     .map_err(std::io::Error::other)?;
    /// // The test can print every request: the token is not in them.
    /// assert_eq!(slack.requests()[0].param("token"), Some(RecordedRequest::REDACTED));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub const REDACTED: &'static str = "[REDACTED]";

    /// The first value of parameter `name`.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.client()?.web().auth_test()?;
    /// assert_eq!(slack.requests()[0].param("token"), None); // the client sends it in a header
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    record_limit: usize,
    rtm_rate_limit: Option<crate::RateLimit>,
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
            .field("record_limit", &self.record_limit)
            .field("rtm_rate_limit", &self.rtm_rate_limit)
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
            record_limit: FakeSlackBuilder::DEFAULT_RECORD_LIMIT,
            rtm_rate_limit: Some(message_rate::default_limit()),
        }
    }
}

impl FakeSlackBuilder {
    /// How many entries each record keeps by default ([`FakeSlackBuilder::record_limit`]).
    ///
    /// ```
    /// use slack_rtm::fake::{FakeSlack, FakeSlackBuilder};
    ///
    /// // A soak test that posts a million messages keeps a tenth of the default.
    /// let slack = FakeSlack::builder()
    ///     .record_limit(FakeSlackBuilder::DEFAULT_RECORD_LIMIT / 10)
    ///     .start()?;
    /// # drop(slack);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub const DEFAULT_RECORD_LIMIT: usize = 10_000;

    /// The one valid token. Default: [`FakeSlack::DEFAULT_TOKEN`].
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::builder().token("xoxb-mine").start()?;
    /// assert_eq!(slack.token(), "xoxb-mine");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// How long a websocket URL from `rtm.connect` stays valid. Default: 30 s, as the
    /// protocol says. `Duration::ZERO` makes every URL expired on arrival.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let slack = slack_rtm::fake::FakeSlack::builder().url_ttl(Duration::ZERO).start()?;
    /// let client = slack.client_builder().auto_reconnect(false).build()?;
    /// assert!(client.start().is_err()); // "Socket URL has expired"
    /// assert_eq!(slack.stale_url_upgrades(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn url_ttl(mut self, ttl: Duration) -> Self {
        self.url_ttl = ttl;
        self
    }

    /// The bot's user id and name (`self` in `rtm.connect`, `user_id`/`user` in
    /// `auth.test`). Default: `"U0FAKEBOT"`, `"fakebot"`.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::builder().bot("U0PING", "pingbot").start()?;
    /// let client = slack.client()?;
    /// let me = client.start()?;
    /// assert_eq!((me.self_id.as_str(), me.self_name.as_str()), ("U0PING", "pingbot"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bot(mut self, user_id: impl Into<String>, user_name: impl Into<String>) -> Self {
        self.identity.bot_id = user_id.into();
        self.identity.bot_name = user_name.into();
        self
    }

    /// The RTM message rate limit, per connection. Default: one `message` a second
    /// sustained, bursts of 10 — Slack's rule is "no more than one message per second",
    /// with "bursts over that limit for short periods" of a size it does not give. A
    /// message beyond it is answered with the error reply
    /// [`codes::RATE_LIMITED`] (`"rate_limited"`), and a client that
    /// sends 5 more without one accepted is disconnected, as Slack warns. `None` turns the
    /// limit off, for tests that burst on purpose (typing, pings and presence frames are
    /// not counted).
    ///
    /// ```
    /// use slack_rtm::fake::FakeSlack;
    /// use slack_rtm::RateLimit;
    /// let slack = FakeSlack::builder().rtm_rate_limit(Some(RateLimit::new(1.0, 1))).start()?;
    /// let client = slack.client_builder().rate_limit(None).build()?;
    /// client.start()?;
    /// assert!(client.send_message(FakeSlack::GENERAL_CHANNEL, "one").is_ok());
    /// let err = client.send_message(FakeSlack::GENERAL_CHANNEL, "two").unwrap_err();
    /// assert!(err.to_string().contains("rate_limited"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rtm_rate_limit(mut self, limit: Option<crate::RateLimit>) -> Self {
        self.rtm_rate_limit = limit;
        self
    }

    /// The workspace's id, name and domain. Default: `"T0FAKETEAM"`, `"Fake Team"`,
    /// `"fake"`.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::builder().team("T0ACME", "Acme", "acme").start()?;
    /// let me = slack.client()?.start()?;
    /// assert_eq!((me.team_id.as_str(), me.team_name.as_str()), ("T0ACME", "Acme"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::builder().echo_own_messages(false).start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.send_message(slack_rtm::fake::FakeSlack::GENERAL_CHANNEL, "not echoed")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn echo_own_messages(mut self, echo: bool) -> Self {
        self.echo_own_messages = echo;
        self
    }

    /// How long after [`FakeSlack::send_goodbye`] the server closes the session (unless the
    /// client closed first). Default: 2 s.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let slack = slack_rtm::fake::FakeSlack::builder()
    ///     .goodbye_close_after(Duration::from_millis(100))
    ///     .start()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn goodbye_close_after(mut self, grace: Duration) -> Self {
        self.goodbye_close_after = grace;
        self
    }

    /// Serves `https://` and `wss://` with this certificate and key instead of plain
    /// `http://` and `ws://`. Clients must trust the certificate, which should name
    /// `127.0.0.1` (add your `TlsOptions` to [`FakeSlack::client_builder`]).
    ///
    /// ```no_run
    /// # fn demo(pkcs12_der: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// let identity = native_tls::Identity::from_pkcs12(pkcs12_der, "password")?;
    /// let slack = slack_rtm::fake::FakeSlack::builder().tls(identity).start()?;
    /// assert!(slack.api_url().starts_with("https://127.0.0.1:"));
    /// # Ok(()) }
    /// ```
    pub fn tls(mut self, identity: native_tls::Identity) -> Self {
        self.tls = Some(identity);
        self
    }

    /// How many entries each of the fake's records keeps: client frames, Web API calls,
    /// bot messages, typing indicators, peers, and the message history (`chat.update`,
    /// threads). The oldest go first, so a long-running test process stays bounded.
    /// Default: [`FakeSlackBuilder::DEFAULT_RECORD_LIMIT`] (10 000).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let slack = slack_rtm::fake::FakeSlack::builder().record_limit(2).start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// for text in ["one", "two", "three"] {
    ///     client.send_message(slack_rtm::fake::FakeSlack::GENERAL_CHANNEL, text)?;
    /// }
    /// let kept: Vec<String> = slack.bot_messages().into_iter().map(|m| m.text).collect();
    /// assert_eq!(kept, ["two", "three"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_limit(mut self, entries: usize) -> Self {
        self.record_limit = entries;
        self
    }

    /// Binds both listeners on 127.0.0.1 (ports chosen by the OS) and starts serving.
    ///
    /// # Errors
    ///
    /// When a socket cannot be bound or a thread started, or the TLS identity is
    /// rejected.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::builder().start()?;
    /// assert!(slack.api_url().starts_with("http://127.0.0.1:"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
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
        let mut state = State::new(self.record_limit);
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
            record_limit: self.record_limit,
            rtm_rate_limit: self.rtm_rate_limit,
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
    ///
    /// ```
    /// use slack_rtm::fake::FakeSlack;
    ///
    /// let slack = FakeSlack::start()?;
    /// assert_eq!(slack.token(), FakeSlack::DEFAULT_TOKEN);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub const DEFAULT_TOKEN: &'static str = "xoxb-fake-token";
    /// The id of the `#general` channel every server starts with.
    ///
    /// ```
    /// use slack_rtm::fake::FakeSlack;
    ///
    /// let slack = FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// // A bot can post there without adding a channel first.
    /// client.send_message(FakeSlack::GENERAL_CHANNEL, "hello")?;
    /// client.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const GENERAL_CHANNEL: &'static str = "C0GENERAL";

    /// Starts a server with the default settings (see [`FakeSlackBuilder`]).
    ///
    /// # Errors
    ///
    /// As [`FakeSlackBuilder::start`].
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.token(), slack_rtm::fake::FakeSlack::DEFAULT_TOKEN);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start() -> io::Result<FakeSlack> {
        Self::builder().start()
    }

    /// Settings for a server.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::builder().token("xoxb-t").start()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn builder() -> FakeSlackBuilder {
        FakeSlackBuilder::default()
    }

    /// The Web API base URL, `http://127.0.0.1:PORT/api/` (`https` with TLS): append the
    /// method name.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack_rtm::RtmClient::builder(slack.token())
    ///     .slack_api_url(slack.api_url())
    ///     .no_proxy()
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn api_url(&self) -> String {
        self.shared.api_url.clone()
    }

    /// The valid token.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::builder().token("xoxb-t").start()?;
    /// assert_eq!(slack.token(), "xoxb-t");
    /// # Ok::<(), std::io::Error>(())
    /// ```
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

    // ----- the test kit: a client for the fake, the people, the bot's messages -----

    /// A client builder for this fake: its token, its Web API URL, and no proxy (the fake
    /// is on loopback; a proxy from the environment must not get in the way). Shrink
    /// timeouts or set other options on it, then [`build`](crate::Builder::build) it.
    /// With [`FakeSlackBuilder::tls`], add the certificate's `TlsOptions` too.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client_builder().reply_timeout(Duration::from_secs(2)).build()?;
    /// client.start()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client_builder(&self) -> crate::Builder {
        crate::RtmClient::builder(self.token())
            .slack_api_url(self.api_url())
            .no_proxy()
    }

    /// A client for this fake with default settings ([`FakeSlack::client_builder`]),
    /// not started yet.
    ///
    /// # Errors
    ///
    /// As [`Builder::build`](crate::Builder::build).
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// let me = client.start()?;
    /// assert_eq!(me.self_id, "U0FAKEBOT");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client(&self) -> crate::Result<crate::RtmClient> {
        self.client_builder().build()
    }

    /// The bot under test, running: a client for this fake ([`FakeSlack::client`]) on
    /// which `setup` registers the bot's handlers, connected, and running them on a
    /// thread of its own. When this returns the bot has its `hello`: whatever the test
    /// does from now on reaches it. Use [`RunningBot::start`] for a client with other
    /// settings.
    ///
    /// # Errors
    ///
    /// As [`FakeSlack::client`] and [`RunningBot::start`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_rtm::fake::FakeSlack;
    ///
    /// let slack = FakeSlack::start()?;
    /// let bot = slack.start_bot(|client| {
    ///     client.on("member_joined_channel", |client, event| {
    ///         let _ = client.send_message(FakeSlack::GENERAL_CHANNEL, "welcome!");
    ///     });
    /// })?;
    /// slack.user("U0ALICE", "alice").join(FakeSlack::GENERAL_CHANNEL)?;
    /// assert_eq!(slack.next_bot_message(Duration::from_secs(5))?.text, "welcome!");
    /// bot.stop()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_bot(&self, setup: impl FnOnce(&crate::RtmClient)) -> crate::Result<RunningBot> {
        let client = self.client()?;
        setup(&client);
        RunningBot::start(self, client)
    }

    /// A person of the workspace, added to it (or renamed) as [`FakeSlack::add_user`]
    /// does, with a direct-message conversation with the bot: the test plays them.
    ///
    /// ```
    /// let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let alice = slack.user("U0ALICE", "alice");
    /// alice.say(slack_rtm::fake::FakeSlack::GENERAL_CHANNEL, "hello")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn user(&self, id: &str, name: &str) -> FakeUser {
        self.add_user(id, name);
        FakeUser::new(self.shared.clone(), id, name)
    }

    /// Waits for the bot's next chat message (the one after those this method already
    /// returned), sent over RTM or `chat.postMessage`, accepted or refused, at most
    /// `timeout`. Messages the [`record_limit`](FakeSlackBuilder::record_limit) dropped
    /// before they were read are skipped.
    ///
    /// # Errors
    ///
    /// [`WaitTimeout`] if none came in time.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.send_message(FakeSlack::GENERAL_CHANNEL, "one")?;
    /// client.send_message(FakeSlack::GENERAL_CHANNEL, "two")?;
    /// assert_eq!(slack.next_bot_message(Duration::from_secs(5))?.text, "one");
    /// assert_eq!(slack.next_bot_message(Duration::from_secs(5))?.text, "two");
    /// assert!(slack.next_bot_message(Duration::from_millis(1)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_bot_message(&self, timeout: Duration) -> Result<BotMessage, WaitTimeout> {
        self.shared
            .wait_for(timeout, |st| {
                let (n, message) = st.bot_messages.since(st.bot_cursor).next()?;
                let message = message.clone();
                st.bot_cursor = n + 1;
                Some(message)
            })
            .ok_or_else(|| {
                let seen = self.shared.state.lock().bot_messages.end();
                WaitTimeout::new(
                    format!("the bot's next message ({seen} bot message(s) so far, all read)"),
                    timeout,
                )
            })
    }

    /// Every chat message of the bot kept so far (the most recent
    /// [`record_limit`](FakeSlackBuilder::record_limit)), oldest first, whether
    /// [`FakeSlack::next_bot_message`] returned them or not.
    ///
    /// ```
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// let _ = client.send_message("#general", "to a name"); // refused: not an id
    /// client.send_message(FakeSlack::GENERAL_CHANNEL, "to an id")?;
    /// let acked: Vec<bool> = slack.bot_messages().iter().map(|m| m.is_acknowledged()).collect();
    /// assert_eq!(acked, [false, true]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bot_messages(&self) -> Vec<BotMessage> {
        self.shared.state.lock().bot_messages.to_vec()
    }

    /// Waits until the bot has sent a typing indicator in `channel` (earlier ones count),
    /// at most `timeout`. Only accepted ones count: a `typing` for an unknown conversation
    /// gets an error reply instead.
    ///
    /// # Errors
    ///
    /// [`WaitTimeout`] if none came in time.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.send_typing(FakeSlack::GENERAL_CHANNEL)?;
    /// slack.wait_for_typing(FakeSlack::GENERAL_CHANNEL, Duration::from_secs(5))?;
    /// assert_eq!(slack.typing_indicators(), [FakeSlack::GENERAL_CHANNEL]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_typing(&self, channel: &str, timeout: Duration) -> Result<(), WaitTimeout> {
        self.shared
            .wait_for(timeout, |st| {
                st.typing.iter().any(|c| c == channel).then_some(())
            })
            .ok_or_else(|| WaitTimeout::new(format!("the bot typing in {channel}"), timeout))
    }

    /// The channels of the bot's accepted typing indicators, in order (the most recent
    /// [`record_limit`](FakeSlackBuilder::record_limit)).
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(slack.typing_indicators().is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn typing_indicators(&self) -> Vec<String> {
        self.shared.state.lock().typing.to_vec()
    }

    /// Waits until the latest `presence_sub` of any session includes `user`, at most
    /// `timeout`, and returns that subscription list.
    ///
    /// # Errors
    ///
    /// [`WaitTimeout`] if no such subscription came in time.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let alice = slack.user("U0ALICE", "alice");
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.subscribe_presence(["U0ALICE"])?;
    /// let ids = slack.wait_for_presence_subscription("U0ALICE", Duration::from_secs(5))?;
    /// assert_eq!(ids, ["U0ALICE"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_presence_subscription(
        &self,
        user: &str,
        timeout: Duration,
    ) -> Result<Vec<String>, WaitTimeout> {
        self.shared
            .wait_for(timeout, |st| {
                let ids = &st.presence_subscriptions;
                ids.iter().any(|id| id == user).then(|| ids.clone())
            })
            .ok_or_else(|| WaitTimeout::new(format!("a presence subscription to {user}"), timeout))
    }

    /// Empties every record at once: client frames, Web API calls, bot messages (the
    /// [`FakeSlack::next_bot_message`] cursor moves past them), typing indicators and
    /// peers. The message history behind `chat.update` and threads is kept.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.client()?.start()?;
    /// assert!(!slack.requests().is_empty());
    /// slack.clear_records();
    /// assert!(slack.requests().is_empty() && slack.sent().is_empty() && slack.peers().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear_records(&self) {
        self.shared.update(|st| {
            st.sent.clear();
            st.requests.clear();
            st.bot_messages.clear();
            st.bot_cursor = st.bot_messages.end();
            st.typing.clear();
        });
        self.shared.peers.lock().clear();
    }

    // ----- scripting: server to client -----

    /// Sends `event` to every open session that got its `hello`; returns how many.
    /// Sessions opened later do not get it: wait for them first
    /// ([`FakeSlack::wait_for_sessions`]). Sends it as given, unchecked (to play the
    /// people of the workspace, [`FakeSlack::user`] is simpler).
    ///
    /// ```
    /// # use serde_json::json;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// let pushed = slack.push(json!({"type": "reaction_added", "user": "U1", "reaction": "tada"}));
    /// assert_eq!(pushed, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push(&self, event: Value) -> usize {
        self.shared.broadcast(&event)
    }

    /// Sends an arbitrary text frame (malformed JSON, `"null"`, `""`, ...) like
    /// [`FakeSlack::push`].
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// assert_eq!(slack.push_raw("{not json"), 1); // the client reports it and carries on
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_raw(&self, text: impl Into<String>) -> usize {
        let text = Utf8Bytes::from(text.into());
        self.shared.to_greeted(|| Command::Text(text.clone()))
    }

    /// Sends a binary frame like [`FakeSlack::push`].
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// assert_eq!(slack.push_binary(vec![0, 1, 2]), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    /// use std::time::Duration;
    /// use slack_rtm::fake::FakeSlack;
    ///
    /// let slack = FakeSlack::start()?;
    /// let client = slack.client()?;
    /// let events = client.events();
    /// client.start()?;
    ///
    /// let event = r#"{"type":"message","channel":"C1","user":"U1","text":"x","ts":"1.000001"}"#;
    /// let written = std::thread::scope(|s| {
    ///     let blaster = s.spawn(|| slack.blast(event, 1000));
    ///     let mut received = 0;
    ///     while received < 1000 {
    ///         let event = events.recv_timeout(Duration::from_secs(5))?;
    ///         if event.as_slack().is_some_and(|m| m.kind() == "message") {
    ///             received += 1;
    ///         }
    ///     }
    ///     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(blaster.join().unwrap_or(0))
    /// })?;
    /// assert_eq!(written, 1000);
    /// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
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
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// slack.send_goodbye(); // the client reconnects at once, with a fresh URL
    /// assert!(slack.wait_for_sessions(2, Duration::from_secs(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_goodbye(&self) {
        self.shared.to_all(|| Command::Goodbye);
    }

    /// Closes every open session's TCP connection at once, with no close frame.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// slack.drop_connections(); // the client reconnects
    /// assert!(slack.wait_for_sessions(2, Duration::from_secs(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn drop_connections(&self) {
        self.shared.to_all(|| Command::Drop);
    }

    /// Closes every open session cleanly: a close frame (code 1000), then the TCP
    /// connection once the client answers (or after 2 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// slack.close_connections();
    /// assert!(slack.wait_for_sessions(2, Duration::from_secs(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_connections(&self) {
        self.shared.to_all(|| Command::Close);
    }

    /// Makes every open session stop reading and writing for good, TCP left open: a
    /// half-open link. Only [`FakeSlack::drop_connections`] (or dropping the server) ends
    /// such a session. Sessions opened later behave normally.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client_builder()
    ///     .client_ping_timeout(Duration::from_millis(200))
    ///     .server_pong_timeout(Duration::from_millis(100))
    ///     .build()?;
    /// client.start()?;
    /// slack.go_silent(); // the client's pings go unanswered: it reconnects
    /// assert!(slack.wait_for_sessions(2, Duration::from_secs(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn go_silent(&self) {
        self.shared.to_all(|| Command::Silent);
    }

    /// How later chat messages are acknowledged.
    ///
    /// ```
    /// # use slack_rtm::fake::{AckPolicy, FakeSlack};
    /// # let slack = FakeSlack::start()?;
    /// slack.set_ack_policy(AckPolicy::Error { code: 99, msg: "no".into() });
    /// let client = slack.client()?;
    /// client.start()?;
    /// assert!(client.send_message(FakeSlack::GENERAL_CHANNEL, "hi").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_ack_policy(&self, policy: AckPolicy) {
        self.shared.state.lock().ack_policy = policy;
    }

    /// Answers the next `n` websocket upgrade requests with HTTP `status` (use a 4xx or
    /// 5xx, e.g. 503) and no websocket. Their URLs are not used up.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.fail_upgrades(1, 503);
    /// let client = slack.client()?;
    /// client.start()?; // the first attempt is refused, the retry connects
    /// assert_eq!(slack.connect_calls(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fail_upgrades(&self, n: usize, status: u16) {
        self.shared.state.lock().fail_upgrades = (n, status);
    }

    /// Answers the next `n` authenticated `rtm.connect`/`rtm.start` calls with HTTP 429,
    /// `Retry-After: <retry_after_secs>` and `{"ok":false,"error":"ratelimited"}`.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.rate_limit_connect(1, 0);
    /// let client = slack.client()?;
    /// client.start()?; // waits Retry-After, then connects
    /// assert_eq!(slack.connect_calls(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rate_limit_connect(&self, n: usize, retry_after_secs: u64) {
        self.shared.state.lock().rate_limit_connect = (n, retry_after_secs);
    }

    /// The next `n` sessions open but never get `hello` (nor pushed events).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.suppress_hello(1);
    /// let client = slack.client_builder().hello_timeout(Duration::from_millis(300)).build()?;
    /// client.start()?; // the first session never says hello: the client tries again
    /// assert_eq!(slack.sessions_opened(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn suppress_hello(&self, n: usize) {
        self.shared.state.lock().suppress_hello = n;
    }

    /// Top-level fields (`users`, `channels`, ...) that replace or extend the ones of later
    /// `rtm.start` replies. Anything but a JSON object clears them.
    ///
    /// ```
    /// # use serde_json::json;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.set_rtm_start_snapshot(json!({"bots": [{"id": "B1", "name": "helper"}]}));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_rtm_start_snapshot(&self, fields: Value) {
        self.shared.state.lock().rtm_start_snapshot = match fields {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
    }

    /// Adds (or renames) a user known to `users.info`, `users.getPresence`, `rtm.start`,
    /// presence events and the id checks, with a direct-message conversation with the bot
    /// ([`FakeUser::dm_channel`]). New users are `"active"`. [`FakeSlack::user`] does this
    /// and returns the person to play.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.add_user("U0BOB", "bob");
    /// let bob = slack.client()?.web().users_info("U0BOB")?;
    /// assert_eq!(bob.name, "bob");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_user(&self, id: &str, name: &str) {
        self.shared.state.lock().directory.add_user(id, name, false);
    }

    /// Adds (or renames) a channel known to `conversations.info`, `rtm.start` and the id
    /// checks. A new channel has the bot as a member, as if it had been invited when the
    /// channel was made, so the bot may post there; renaming keeps the members. For a
    /// channel the bot is not in, take it out with [`FakeSlack::remove_bot`].
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.add_channel("C0DEV", "dev");
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.send_message("C0DEV", "hi dev")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_channel(&self, id: &str, name: &str) {
        self.shared.state.lock().directory.add_channel(id, name);
    }

    /// Invites the bot into the channel `channel` (an id), as a person running `/invite`
    /// would: it may post there again, `is_member` is true, and its open sessions get
    /// `{"type":"channel_joined","channel":{..}}` with the channel object. Returns how many
    /// sessions got that event (0 if the bot was a member already: nothing changed).
    ///
    /// # Errors
    ///
    /// [`Refused`] (`channel_not_found`) if `channel` is not the id of a channel of the
    /// workspace (a direct-message conversation always has the bot).
    ///
    /// ```
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// slack.add_channel("C0DEV", "dev");
    /// slack.remove_bot("C0DEV")?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// assert!(client.send_message("C0DEV", "hi").is_err()); // not_in_channel
    /// assert_eq!(slack.invite_bot("C0DEV")?, 1);
    /// client.send_message("C0DEV", "thanks for having me")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn invite_bot(&self, channel: &str) -> Result<usize, Refused> {
        let joined = self.shared.update(|st| {
            let changed = st.directory.set_bot_member(channel, true)?;
            let team = &self.shared.settings.identity.team_id;
            Some(
                changed
                    .then(|| st.directory.channel_json(channel, team))
                    .flatten(),
            )
        });
        match joined {
            None => Err(Refused::channel_not_found(channel)),
            Some(None) => Ok(0),
            Some(Some(object)) => Ok(self
                .shared
                .publish(&serde_json::json!({"type": "channel_joined", "channel": object}))),
        }
    }

    /// Takes the bot out of the channel `channel` (an id), as a person removing it would:
    /// its messages there are refused with `not_in_channel` (over RTM, the error reply
    /// [`codes::NOT_IN_CHANNEL`]; from `chat.postMessage`, `{"ok":false,"error":"not_in_channel"}`),
    /// `is_member` is false, and its open sessions get `{"type":"channel_left","channel":id}`.
    /// Returns how many sessions got that event (0 if the bot was not a member: nothing
    /// changed). Call it before the client connects for a channel the bot was never in.
    ///
    /// # Errors
    ///
    /// [`Refused`] (`channel_not_found`) if `channel` is not the id of a channel of the
    /// workspace (a direct-message conversation always has the bot).
    ///
    /// ```
    /// # use slack_rtm::fake::FakeSlack;
    /// use slack_rtm::{web::PostMessage, Error};
    /// # let slack = FakeSlack::start()?;
    /// slack.add_channel("C0DEV", "dev");
    /// assert_eq!(slack.remove_bot("C0DEV")?, 0); // no session open to tell
    /// let web = slack.client()?.web();
    /// let refused = web.chat_post_message(&PostMessage::new("C0DEV", "hi")).unwrap_err();
    /// assert!(matches!(refused, Error::Api { error, .. } if error == "not_in_channel"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove_bot(&self, channel: &str) -> Result<usize, Refused> {
        match self
            .shared
            .update(|st| st.directory.set_bot_member(channel, false))
        {
            None => Err(Refused::channel_not_found(channel)),
            Some(false) => Ok(0),
            Some(true) => Ok(self
                .shared
                .publish(&serde_json::json!({"type": "channel_left", "channel": channel}))),
        }
    }

    /// Sets a known user's presence (`"active"` or `"away"`) and, if that changes it,
    /// sends `presence_change` to the sessions subscribed to that user (setting the
    /// presence a user already has sends nothing). Returns false for an unknown user.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.add_user("U0BOB", "bob");
    /// assert!(slack.set_presence("U0BOB", "away"));
    /// assert!(!slack.set_presence("U0NOBODY", "away"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_presence(&self, user: &str, presence: &str) -> bool {
        self.shared.set_presence(user, presence)
    }

    // ----- observing the client -----

    /// Every frame clients sent (the most recent
    /// [`record_limit`](FakeSlackBuilder::record_limit)), in order, across all sessions:
    /// parsed JSON, or a JSON string holding the raw text when it is not JSON. Binary
    /// frames are not recorded.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.send_message(FakeSlack::GENERAL_CHANNEL, "hi")?;
    /// assert!(slack.sent().iter().any(|frame| frame["text"] == "hi"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sent(&self) -> Vec<Value> {
        self.shared.state.lock().sent.to_vec()
    }

    /// Forgets the frames recorded so far.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.clear_sent();
    /// assert!(slack.sent().is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn clear_sent(&self) {
        self.shared.state.lock().sent.clear();
    }

    /// Blocks until some recorded client frame (earlier ones included) matches `pred`,
    /// and returns it; `None` after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use slack_rtm::fake::FakeSlack;
    /// # let slack = FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.presence_query(["U0FAKEBOT"])?;
    /// let query = slack.wait_for_sent(|f| f["type"] == "presence_query", Duration::from_secs(5));
    /// assert!(query.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_sent(&self, pred: impl Fn(&Value) -> bool, timeout: Duration) -> Option<Value> {
        // Frames numbered below `checked` did not match.
        let mut checked = 0;
        self.shared.wait_for(timeout, |st| {
            let found = st.sent.since(checked).find(|(_, v)| pred(v));
            checked = st.sent.end();
            found.map(|(_, v)| v.clone())
        })
    }

    /// Sessions opened with a valid URL so far. A session is counted just before its
    /// `hello` is written, so once a client has seen `hello` its session is counted, and
    /// anything pushed once this count includes a session reaches it after its `hello`.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.client()?.start()?;
    /// assert_eq!(slack.sessions_opened(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sessions_opened(&self) -> usize {
        self.shared.state.lock().sessions_opened
    }

    /// Blocks until at least `n` sessions were opened ([`FakeSlack::sessions_opened`]);
    /// false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(!slack.wait_for_sessions(1, Duration::from_millis(10)));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn wait_for_sessions(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .wait_for(timeout, |st| (st.sessions_opened >= n).then_some(()))
            .is_some()
    }

    /// Sessions open right now (silent ones included). A session stops counting when its
    /// thread has finished, which may be just after the client saw the connection end:
    /// use [`FakeSlack::wait_for_open_sessions`] to wait for that.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// assert_eq!(slack.open_sessions(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_sessions(&self) -> usize {
        self.shared.state.lock().open_sessions
    }

    /// Blocks until exactly `n` sessions are open ([`FakeSlack::open_sessions`]), e.g. 0
    /// once a client has disconnected; false after `timeout`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client()?;
    /// client.start()?;
    /// client.disconnect();
    /// assert!(slack.wait_for_open_sessions(0, Duration::from_secs(5)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_open_sessions(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .wait_for(timeout, |st| (st.open_sessions == n).then_some(()))
            .is_some()
    }

    /// Upgrades with a reused or expired URL (answered with error code 1).
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.stale_url_upgrades(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stale_url_upgrades(&self) -> usize {
        self.shared.state.lock().stale_url_upgrades
    }

    /// Sessions closed because the client sent a frame over 16 KiB.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.closed_for_size(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn closed_for_size(&self) -> usize {
        self.shared.state.lock().closed_for_size
    }

    /// Treats the next `n` websocket URLs as expired when they are used, as if the client
    /// had taken longer than the URL lifetime to connect: the upgrade succeeds, then the
    /// session gets error code 1 "Socket URL has expired" and is closed.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.expire_next_urls(1);
    /// slack.client()?.start()?; // the client fetches a fresh URL and connects
    /// assert_eq!(slack.stale_url_upgrades(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expire_next_urls(&self, n: usize) {
        self.shared.state.lock().expire_urls = n;
    }

    /// The peer address of every connection accepted so far (the most recent
    /// [`record_limit`](FakeSlackBuilder::record_limit)), Web API and websocket alike,
    /// in order. Useful to prove that a client went through a proxy (whose outgoing
    /// connections come from another loopback address).
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(slack.peers().is_empty());
    /// slack.client()?.start()?;
    /// assert!(slack.peers().iter().all(|peer| peer.ip().is_loopback()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn peers(&self) -> Vec<std::net::SocketAddr> {
        self.shared.peers.lock().to_vec()
    }

    /// `rtm.connect` and `rtm.start` calls, including refused ones.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.client()?.start()?;
    /// assert_eq!(slack.connect_calls(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect_calls(&self) -> usize {
        self.shared.state.lock().connect_calls
    }

    /// Every Web API call so far (the most recent
    /// [`record_limit`](FakeSlackBuilder::record_limit)), in order, tokens redacted.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// slack.client()?.start()?;
    /// assert_eq!(slack.requests()[0].method, "rtm.connect");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state.lock().requests.to_vec()
    }

    /// The user ids of the latest `presence_sub` any session sent.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert!(slack.presence_subscriptions().is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn presence_subscriptions(&self) -> Vec<String> {
        self.shared.state.lock().presence_subscriptions.clone()
    }
}
