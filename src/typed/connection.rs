//! The connection events: `hello`, `goodbye`, `error`, `reconnect_url`.

use std::fmt;

use serde::Deserialize;

use crate::model::lenient;

/// The `error` event: the server could not set up the connection, for example
/// `{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}`.
///
/// Not to be confused with an error *reply* to something you sent, which has no `type`
/// and reaches you as [`Error::Platform`](crate::Error::Platform).
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}"#,
/// )?;
/// let TypedEvent::Error(e) = ev.typed() else { panic!("not Error") };
/// assert_eq!(e.code, Some(1));
/// assert_eq!(e.msg.as_deref(), Some("Socket URL has expired"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(from = "RtmErrorWire")]
#[non_exhaustive]
pub struct RtmError {
    /// `error.code` (`1`: the socket URL has expired).
    pub code: Option<i64>,
    /// `error.msg`, a human-readable description.
    pub msg: Option<String>,
}

#[derive(Deserialize)]
struct RtmErrorWire {
    #[serde(default)]
    error: RtmErrorBody,
}

#[derive(Default, Deserialize)]
struct RtmErrorBody {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
}

impl From<RtmErrorWire> for RtmError {
    fn from(w: RtmErrorWire) -> Self {
        RtmError {
            code: w.error.code,
            msg: w.error.msg,
        }
    }
}

/// The `reconnect_url` event (experimental). Its `Debug` output hides the URL, as the
/// client never shows websocket URLs.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"reconnect_url","url":"wss://example.invalid/websocket/secret"}"#,
/// )?;
/// let TypedEvent::ReconnectUrl(r) = ev.typed() else { panic!("not ReconnectUrl") };
/// assert_eq!(r.url.as_deref(), Some("wss://example.invalid/websocket/secret"));
/// assert!(!format!("{r:?}").contains("secret")); // Debug hides the URL
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct ReconnectUrl {
    /// A websocket URL to reconnect with, when present (not in the documented example).
    #[serde(default)]
    pub url: Option<String>,
}

impl fmt::Debug for ReconnectUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReconnectUrl")
            .field("url", &self.url.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}
