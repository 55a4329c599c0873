//! The crate's one error type, [`Error`], and [`ErrorCode`], the counterpart of the Node
//! client's `ErrorCode` export.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

/// A `Result` whose error is this crate's [`Error`].
///
/// ```
/// fn greet(client: &slack_rtm::RtmClient) -> slack_rtm::Result<u64> {
///     Ok(client.send_message("C1", "hello")?.reply_to)
/// }
/// let client = slack_rtm::RtmClient::builder("xoxb-...").build()?;
/// assert!(greet(&client).is_err()); // not started
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, with *when* it happens.
///
/// `Error` is cheap to clone (sources are shared), so one failure can be handed to every
/// waiting send and to the `disconnected` event. Its `Display` and `Debug` never contain the
/// token or a websocket URL.
///
/// Use [`Error::code`] to branch the way a Node `RTMClient` user branches on `error.code`:
///
/// ```
/// use slack_rtm::{Error, ErrorCode};
///
/// fn report(err: &Error) -> &'static str {
///     match err.code() {
///         ErrorCode::SendMessagePlatformError => "Slack refused the message",
///         ErrorCode::NoReplyReceived => "not confirmed: maybe resend",
///         ErrorCode::SendWhileDisconnected | ErrorCode::SendWhileNotReady => "try later",
///         _ => "something else",
///     }
/// }
/// assert_eq!(report(&Error::SendWhileDisconnected), "try later");
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum Error {
    /// A send was attempted while the client was not started (before `start`, after
    /// `disconnect`), or the session ended while the frame waited in the outgoing queue.
    /// Nothing was sent. (While connecting or reconnecting, sends wait in the queue for
    /// the client to be ready, within `queue_timeout`.)
    SendWhileDisconnected,

    /// A frame was refused because Slack had not said `hello` on the connection: the
    /// protocol allows nothing to be sent then. Nothing was sent. Only
    /// [`send_typing`](crate::RtmClient::send_typing) refuses so (an indicator shown late
    /// would be stale); other sends wait in the outgoing queue for `hello`.
    SendWhileNotReady,

    /// A frame was written but its reply never came: the connection was lost and the reply
    /// did not arrive within `reply_ack_on_reconnect_timeout` of reconnecting, the client
    /// was disconnected, or `reply_timeout` passed. Slack may or may not have
    /// received the message; resending can duplicate it.
    NoReplyReceived {
        /// The `id` the frame was sent with.
        id: u64,
        /// Why no reply is expected any more.
        cause: NoReplyCause,
    },

    /// Slack answered a sent frame with `ok: false` (Node: `SendMessagePlatformError`).
    /// The message was not posted.
    Platform(PlatformError),

    /// A Web API call (`rtm.connect`, `rtm.start`, `chat.postMessage`, …) answered
    /// `ok: false`. `error` is Slack's error string, e.g. `invalid_auth`.
    Api {
        /// The Web API method, e.g. `rtm.connect`.
        method: String,
        /// Slack's error string.
        error: String,
    },

    /// A Web API call was rate limited (HTTP 429 or `ratelimited`); try again after
    /// `retry_after`.
    RateLimited {
        /// The Web API method.
        method: String,
        /// How long Slack asked us to wait (`Retry-After`, as sent), or
        /// [`web::MISSING_RETRY_AFTER`](crate::web::MISSING_RETRY_AFTER) (30 s) when the
        /// answer had no usable header.
        retry_after: Duration,
    },

    /// A Web API call failed at the HTTP level: unreachable host, TLS failure, a non-JSON
    /// body or an unexpected status.
    Http {
        /// The Web API method.
        method: String,
        /// The HTTP status, when one was received.
        status: Option<u16>,
        /// What went wrong (never contains the token).
        message: String,
    },

    /// The websocket failed: the upgrade was refused, the TCP connection dropped, the TLS
    /// session failed, or a frame could not be written (Node: `WebsocketError`).
    Websocket(WebsocketError),

    /// The server sent an RTM `error` event on a fresh connection, e.g. code 1 "Socket URL
    /// has expired". The URL is never reused: the next attempt calls `rtm.connect` again.
    Server {
        /// Slack's numeric error code.
        code: i64,
        /// Slack's message.
        msg: String,
    },

    /// The server did not answer a ping within `server_pong_timeout`: the link is
    /// considered dead.
    KeepAliveTimeout,

    /// The keep-alive settings are inconsistent (Node: `KeepAliveConfigError`), e.g.
    /// `server_pong_timeout` is not shorter than `client_ping_timeout`.
    KeepAliveConfig(String),

    /// Another setting is invalid; the message names it.
    Config(String),

    /// A wait reached its deadline; [`TimeoutKind`] names which setting controls it.
    Timeout(TimeoutKind),

    /// [`RtmClient::start`](crate::RtmClient::start) did not see the client become ready
    /// within `start_timeout`. `last` is the error of the last connection attempt, if one
    /// failed (also given as [`source`](std::error::Error::source)), so the message explains
    /// itself without a logger.
    ///
    /// ```
    /// use slack_rtm::{Error, ErrorCode};
    /// let e = Error::StartTimeout { last: Some(Box::new(Error::KeepAliveTimeout)) };
    /// assert_eq!(e.code(), ErrorCode::Timeout);
    /// assert!(e.to_string().contains("ping"));
    /// ```
    StartTimeout {
        /// Why the last attempt failed, if one did.
        last: Option<Box<Error>>,
    },

    /// The client could not do its own work: a thread could not be spawned, a wake-up pipe
    /// could not be created, or one of its threads panicked. Not a configuration problem:
    /// starting again may work.
    ///
    /// ```
    /// use slack_rtm::Error;
    /// assert!(!Error::Internal("the reader thread panicked".into()).is_fatal());
    /// ```
    Internal(String),

    /// A frame to send is too large for the protocol: over RTM's 16 KB per frame (Slack
    /// would disconnect the client), or a Socket Mode ack of
    /// [`MAX_ACK_BYTES`](crate::socket_mode::MAX_ACK_BYTES) (20 000) bytes or more (Slack
    /// would ignore it: the request stays unacked, and can still be acked with a smaller
    /// answer). Nothing was sent; the connection stays up.
    ///
    /// ```
    /// let e = slack_rtm::Error::FrameTooLarge { size: 20_480, limit: 20_000 };
    /// assert_eq!(e.code(), slack_rtm::ErrorCode::FrameTooLarge);
    /// assert!(e.to_string().contains("20480 bytes"));
    /// ```
    FrameTooLarge {
        /// The serialized size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },

    /// The server broke the protocol: a frame that is not a JSON object, a binary frame,
    /// or a required field missing. Reported as an [`Event::Error`](crate::Event::Error);
    /// the client keeps running.
    Protocol(String),

    /// Message text is longer than 4,000 characters and the
    /// [`LongTextPolicy`](crate::LongTextPolicy) is `Reject`. Nothing was sent.
    TextTooLong {
        /// The text's length in characters.
        chars: usize,
        /// The limit.
        limit: usize,
    },

    /// The outgoing queue of `add_outgoing_event` is full.
    QueueFull {
        /// The configured bound.
        capacity: usize,
    },

    /// An argument is unusable (e.g. a frame body that is not a JSON object); the message
    /// names it. Nothing was sent.
    InvalidArgument(String),

    /// The client was shut down (by `disconnect` or by dropping it) while the call waited.
    Shutdown,

    /// Slack ended the Socket Mode session with `disconnect` reason `link_disabled`:
    /// Socket Mode was switched off in the app's settings. Fatal: the client does not
    /// reconnect (no new socket can work until someone switches it back on), and
    /// [`SocketModeClient::run`](crate::socket_mode::SocketModeClient::run) and the final
    /// `Disconnected` event carry this error.
    ///
    /// ```
    /// use slack_rtm::{Error, ErrorCode};
    /// let e = Error::LinkDisabled;
    /// assert!(e.is_fatal());
    /// assert_eq!(e.code(), ErrorCode::LinkDisabled);
    /// assert_eq!(e.slack_error(), Some("link_disabled"));
    /// ```
    LinkDisabled,
}

/// Why [`Error::NoReplyReceived`] happened.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{AckPolicy, FakeSlack};
/// use slack_rtm::{Error, NoReplyCause};
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client_builder().reply_timeout(Duration::from_millis(200)).build()?;
/// client.start()?;
/// slack.set_ack_policy(AckPolicy::Drop); // the server never answers
/// let err = client.send_message("C1", "lost?").unwrap_err();
/// assert!(matches!(err, Error::NoReplyReceived { cause: NoReplyCause::TimedOut, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoReplyCause {
    /// `reply_timeout` passed before the reply came.
    TimedOut,
    /// The connection the frame was written on died and no reply arrived within
    /// `reply_ack_on_reconnect_timeout` of the next connection becoming ready (or
    /// automatic reconnection is off).
    ConnectionLost,
    /// The client was disconnected (by `disconnect`, drop, or a fatal error).
    Disconnected,
    /// The frame's write deadline passed while it was partly handed to the socket and
    /// frames written after it may have pushed it out: the connection was ended, but the
    /// frame may have reached Slack.
    WriteUnfinished,
}

/// Which deadline an [`Error::Timeout`] hit.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::{Error, RtmClient, TimeoutKind};
///
/// let client = RtmClient::builder("xoxb-...").build()?;
/// // Not started: the frame waits in the queue, and the caller's own wait ends first.
/// let pending = client.add_outgoing_event(false, "typing", serde_json::json!({"channel": "C1"}))?;
/// let err = pending.wait(Duration::from_millis(10)).unwrap_err();
/// assert!(matches!(err, Error::Timeout(TimeoutKind::Wait)));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// `connect_timeout`: TCP, TLS or the websocket upgrade took too long.
    Connect,
    /// `hello_timeout`: the socket opened but `hello` did not come.
    Hello,
    /// A write could not complete before its deadline (the peer is not reading). The
    /// connection was ended with the frame still unfinished in it: nothing was sent.
    Write,
    /// A `wait` on a [`PendingSend`](crate::PendingSend) reached its timeout.
    Wait,
    /// `queue_timeout`: the frame waited in the outgoing queue (for the client to be ready
    /// or for its turn under the rate limit) and was withdrawn; nothing was sent.
    Queue,
}

/// The reply data of a rejected send (Node: `RTMPlatformError.data`).
///
/// ```
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// let client = slack.client()?;
/// client.start()?;
/// let Err(Error::Platform(refused)) = client.send_message("C0NOWHERE", "hi") else { panic!("not refused") };
/// assert_eq!(refused.msg.as_deref(), Some("channel_not_found"));
/// assert_eq!(refused.data["reply_to"], refused.reply_to);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PlatformError {
    /// The id of the frame Slack rejected.
    pub reply_to: u64,
    /// Slack's numeric error code, when present.
    pub code: Option<i64>,
    /// Slack's error message, when present.
    pub msg: Option<String>,
    /// The whole reply as Slack sent it.
    pub data: Value,
}

/// A websocket failure, without the URL.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::{Error, Event, RetryPolicy};
///
/// let slack = FakeSlack::start()?;
/// slack.fail_upgrades(1, 503);
/// let client = slack
///     .client_builder()
///     .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
///     .build()?;
/// let events = client.events();
/// client.start()?; // the second attempt gets through
/// let refused = events
///     .iter()
///     .find_map(|e| match e {
///         Event::UnableToStart(Error::Websocket(w)) => Some(w),
///         _ => None,
///     })
///     .expect("the first attempt's error");
/// assert_eq!(refused.status, Some(503));
/// assert!(!format!("{refused:?}").contains("/websocket/")); // never the URL
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct WebsocketError {
    /// What failed.
    pub message: String,
    /// The HTTP status of a refused upgrade, if that is what happened.
    pub status: Option<u16>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// Retrying cannot help (a certificate that does not verify, a refused URL).
    permanent: bool,
}

impl WebsocketError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            status: None,
            source: None,
            permanent: false,
        }
    }

    pub(crate) fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            status: None,
            source: Some(Arc::new(source)),
            permanent: false,
        }
    }

    /// Marks the failure permanent: [`Error::is_fatal`] is then true.
    pub(crate) fn permanent(mut self) -> Self {
        self.permanent = true;
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

/// The Node client's `ErrorCode`s, plus the failures a Rust client can also report.
///
/// A code is named as Node names it where Node has one (so `Error::Platform` has
/// `SendMessagePlatformError`), and after its [`Error`] variant otherwise (`Error::Api` →
/// `ApiError`, `Error::Http` → `HttpError`, `Error::QueueFull` → `QueueFull`).
///
/// | Node `ErrorCode` | here |
/// |---|---|
/// | `SendWhileDisconnectedError` | [`ErrorCode::SendWhileDisconnected`] |
/// | `SendWhileNotReadyError` | [`ErrorCode::SendWhileNotReady`] |
/// | `NoReplyReceivedError` | [`ErrorCode::NoReplyReceived`] |
/// | `SendMessagePlatformError` | [`ErrorCode::SendMessagePlatformError`] |
/// | `WebsocketError` | [`ErrorCode::WebsocketError`] |
/// | `KeepAliveConfigError` | [`ErrorCode::KeepAliveConfigError`] |
/// | `KeepAliveClientNotConnected` | [`ErrorCode::KeepAliveClientNotConnected`] |
/// | `KeepAliveInconsistentState` | [`ErrorCode::KeepAliveInconsistentState`] |
///
/// ```
/// use slack_rtm::{Error, ErrorCode};
/// assert_eq!(Error::SendWhileNotReady.code(), ErrorCode::SendWhileNotReady);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// [`Error::SendWhileDisconnected`].
    SendWhileDisconnected,
    /// [`Error::SendWhileNotReady`].
    SendWhileNotReady,
    /// [`Error::NoReplyReceived`].
    NoReplyReceived,
    /// [`Error::Platform`].
    SendMessagePlatformError,
    /// [`Error::Websocket`] and [`Error::Server`].
    WebsocketError,
    /// [`Error::KeepAliveConfig`].
    KeepAliveConfigError,
    /// Kept for parity with Node; this client's keep-alive cannot run without a
    /// connection, so no error carries it.
    KeepAliveClientNotConnected,
    /// Kept for parity with Node; no error carries it.
    KeepAliveInconsistentState,
    /// [`Error::KeepAliveTimeout`].
    KeepAliveTimeout,
    /// [`Error::Api`] (Slack's `ok: false` on a Web API call; Node's web-api calls it
    /// `PlatformError`).
    ApiError,
    /// [`Error::RateLimited`].
    RateLimited,
    /// [`Error::Http`].
    HttpError,
    /// [`Error::Config`].
    ConfigError,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::FrameTooLarge`].
    FrameTooLarge,
    /// [`Error::Protocol`].
    ProtocolError,
    /// [`Error::QueueFull`].
    QueueFull,
    /// [`Error::TextTooLong`].
    TextTooLong,
    /// [`Error::InvalidArgument`].
    InvalidArgument,
    /// [`Error::Shutdown`].
    Shutdown,
    /// [`Error::Internal`].
    Internal,
    /// [`Error::LinkDisabled`]: Socket Mode was switched off for the app.
    LinkDisabled,
}

/// How the message of a Web API TLS failure that retrying cannot fix begins (a
/// certificate that does not verify, a handshake the server refuses): what
/// [`Error::is_fatal`] recognises. The error type owns the marker; `net/http.rs` writes it.
pub(crate) const PERMANENT_TLS_FAILURE: &str = "TLS handshake refused (retrying cannot help): ";

/// Slack's Web API errors after which retrying with the same token can never work.
const FATAL_API_ERRORS: &[&str] = &[
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "team_disabled",
    "no_permission",
    "missing_scope",
    "not_allowed_token_type",
    "org_login_required",
    "ekm_access_denied",
    "invalid_arg_name",
    "invalid_arguments",
    "deprecated_endpoint",
    "team_access_not_granted",
];

impl Error {
    /// The Node-style code of this error.
    ///
    /// ```
    /// use slack_rtm::{Error, ErrorCode};
    /// assert_eq!(Error::KeepAliveTimeout.code(), ErrorCode::KeepAliveTimeout);
    /// ```
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::SendWhileDisconnected => ErrorCode::SendWhileDisconnected,
            Error::SendWhileNotReady => ErrorCode::SendWhileNotReady,
            Error::NoReplyReceived { .. } => ErrorCode::NoReplyReceived,
            Error::Platform(_) => ErrorCode::SendMessagePlatformError,
            Error::Api { .. } => ErrorCode::ApiError,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Http { .. } => ErrorCode::HttpError,
            Error::Websocket(_) | Error::Server { .. } => ErrorCode::WebsocketError,
            Error::KeepAliveTimeout => ErrorCode::KeepAliveTimeout,
            Error::KeepAliveConfig(_) => ErrorCode::KeepAliveConfigError,
            Error::Config(_) => ErrorCode::ConfigError,
            Error::Timeout(_) | Error::StartTimeout { .. } => ErrorCode::Timeout,
            Error::Internal(_) => ErrorCode::Internal,
            Error::FrameTooLarge { .. } => ErrorCode::FrameTooLarge,
            Error::Protocol(_) => ErrorCode::ProtocolError,
            Error::QueueFull { .. } => ErrorCode::QueueFull,
            Error::TextTooLong { .. } => ErrorCode::TextTooLong,
            Error::InvalidArgument(_) => ErrorCode::InvalidArgument,
            Error::Shutdown => ErrorCode::Shutdown,
            Error::LinkDisabled => ErrorCode::LinkDisabled,
        }
    }

    /// True when retrying cannot help: a revoked or invalid token, a disabled workspace,
    /// an invalid configuration, a server certificate that does not verify (HTTPS or WSS),
    /// a websocket URL that is refused (not `ws://`/`wss://`, or a plaintext `ws://` from an
    /// `https://` Web API), a `slack_api_url` with no such method (HTTP 404/410), or Socket
    /// Mode switched off for the app ([`Error::LinkDisabled`]). The client stops reconnecting after such an error, and `start()` returns it at once.
    ///
    /// ```
    /// use slack_rtm::Error;
    /// let e = Error::Api { method: "rtm.connect".into(), error: "invalid_auth".into() };
    /// assert!(e.is_fatal());
    /// assert!(!Error::KeepAliveTimeout.is_fatal());
    /// ```
    pub fn is_fatal(&self) -> bool {
        match self {
            Error::Api { error, .. } => FATAL_API_ERRORS.contains(&error.as_str()),
            Error::Config(_) | Error::KeepAliveConfig(_) | Error::LinkDisabled => true,
            Error::Http {
                status: Some(401 | 403 | 404 | 410),
                ..
            } => true,
            Error::Http {
                status: None,
                message,
                ..
            } => message.starts_with(PERMANENT_TLS_FAILURE),
            Error::Websocket(w) => w.permanent,
            _ => false,
        }
    }

    /// For [`Error::Api`], Slack's error string (`invalid_auth`, …); for
    /// [`Error::Platform`], its message; for [`Error::LinkDisabled`], `link_disabled`.
    ///
    /// ```
    /// use slack_rtm::Error;
    /// let e = Error::Api { method: "rtm.connect".into(), error: "not_authed".into() };
    /// assert_eq!(e.slack_error(), Some("not_authed"));
    /// ```
    pub fn slack_error(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => Some(error),
            Error::Platform(p) => p.msg.as_deref(),
            Error::Server { msg, .. } => Some(msg),
            Error::LinkDisabled => Some("link_disabled"),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SendWhileDisconnected => f.write_str("cannot send: the client is not connected"),
            Error::SendWhileNotReady => {
                f.write_str("cannot send: the connection is open but Slack has not said hello yet")
            }
            Error::NoReplyReceived { id, cause } => {
                let why = match cause {
                    NoReplyCause::TimedOut => "reply_timeout passed",
                    NoReplyCause::ConnectionLost => "the connection was lost",
                    NoReplyCause::Disconnected => "the client disconnected",
                    NoReplyCause::WriteUnfinished => {
                        "its write did not finish before its deadline and the connection was ended; it may have been sent"
                    }
                };
                write!(f, "no reply received for frame {id}: {why}")
            }
            Error::Platform(p) => write!(
                f,
                "Slack rejected frame {}: {} (code {})",
                p.reply_to,
                p.msg.as_deref().unwrap_or("no message"),
                p.code.map_or_else(|| "none".to_string(), |c| c.to_string())
            ),
            Error::Api { method, error } => write!(f, "{method} failed: {error}"),
            Error::RateLimited {
                method,
                retry_after,
            } => write!(
                f,
                "{method} was rate limited: retry after {} s",
                retry_after.as_secs_f64()
            ),
            Error::Http {
                method,
                status,
                message,
            } => match status {
                Some(s) => write!(f, "{method}: HTTP {s}: {message}"),
                None => write!(f, "{method}: {message}"),
            },
            Error::Websocket(w) => match w.status {
                Some(s) => write!(f, "websocket error: {} (HTTP {s})", w.message),
                None => write!(f, "websocket error: {}", w.message),
            },
            Error::Server { code, msg } => write!(f, "Slack sent error {code}: {msg}"),
            Error::KeepAliveTimeout => {
                f.write_str("the server did not answer a ping within server_pong_timeout")
            }
            Error::KeepAliveConfig(m) => write!(f, "invalid keep-alive settings: {m}"),
            Error::Config(m) => write!(f, "invalid configuration: {m}"),
            Error::Timeout(kind) => {
                let what = match kind {
                    TimeoutKind::Connect => "connecting took longer than connect_timeout",
                    TimeoutKind::Hello => "Slack did not say hello within hello_timeout",
                    TimeoutKind::Write => "the frame could not be written before its deadline",
                    TimeoutKind::Wait => "the send did not complete within the wait timeout",
                    TimeoutKind::Queue => {
                        "the frame waited in the outgoing queue longer than queue_timeout; nothing was sent"
                    }
                };
                f.write_str(what)
            }
            Error::FrameTooLarge { size, limit } => write!(
                f,
                "frame of {size} bytes is too large for the protocol (limit {limit} bytes); nothing was sent"
            ),
            Error::Protocol(m) => write!(f, "protocol error: {m}"),
            Error::TextTooLong { chars, limit } => write!(
                f,
                "message text of {chars} characters exceeds {limit}; nothing was sent"
            ),
            Error::QueueFull { capacity } => {
                write!(f, "the outgoing queue is full ({capacity} frames)")
            }
            Error::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            Error::Shutdown => f.write_str("the client was shut down"),
            Error::StartTimeout { last: None } => {
                f.write_str("the client did not become ready within start_timeout")
            }
            Error::StartTimeout { last: Some(e) } => write!(
                f,
                "the client did not become ready within start_timeout; last attempt: {e}"
            ),
            Error::Internal(m) => write!(f, "internal failure: {m}"),
            Error::LinkDisabled => f.write_str(
                "Slack disconnected with link_disabled: Socket Mode is switched off for this app; not reconnecting",
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Display is already free of secrets; Debug adds the variant's code.
        write!(f, "Error({:?}: {})", self.code(), self)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Websocket(w) => w
                .source
                .as_deref()
                .map(|s| s as &(dyn std::error::Error + 'static)),
            Error::StartTimeout { last: Some(e) } => Some(e.as_ref()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_api_errors_stop_reconnecting_but_transient_ones_do_not() {
        let api = |e: &str| Error::Api {
            method: "rtm.connect".into(),
            error: e.into(),
        };
        for e in [
            "invalid_auth",
            "not_authed",
            "account_inactive",
            "token_revoked",
        ] {
            assert!(api(e).is_fatal(), "{e}");
        }
        assert!(!api("internal_error").is_fatal());
        assert!(!Error::RateLimited {
            method: "rtm.connect".into(),
            retry_after: Duration::from_secs(1)
        }
        .is_fatal());
    }

    #[test]
    fn every_error_displays_without_panicking() {
        let e = Error::Platform(PlatformError {
            reply_to: 3,
            code: Some(2),
            msg: Some("message text is missing".into()),
            data: Value::Null,
        });
        assert_eq!(
            e.to_string(),
            "Slack rejected frame 3: message text is missing (code 2)"
        );
        assert!(format!("{e:?}").contains("SendMessagePlatformError"));
    }
}
