//! The two control frames Slack sends on a Socket Mode connection, [`Hello`] and
//! [`Disconnect`] (with its [`DisconnectReason`]). Neither is ever acked.

use std::time::Duration;

/// Slack's `hello`: the connection is up and envelopes may now arrive on it.
///
/// Every field is optional on the wire, so every field here is an `Option`.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::socket_mode::Hello;
///
/// let hello = Hello::from_json(
///     r#"{"type":"hello","num_connections":2,"debug_info":{"host":"applink-1","approximate_connection_time":18060},"connection_info":{"app_id":"A1"}}"#,
/// ).unwrap();
/// assert_eq!(hello.num_connections, Some(2));
/// assert_eq!(hello.approximate_connection_time, Some(Duration::from_secs(18060)));
/// assert_eq!(hello.app_id.as_deref(), Some("A1"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hello {
    /// How many sockets Slack counts for this app, this one included (`num_connections`).
    pub num_connections: Option<u32>,
    /// `connection_info.app_id`.
    pub app_id: Option<String>,
    /// `debug_info.host`: diagnostics only.
    pub host: Option<String>,
    /// `debug_info.build_number`.
    pub build_number: Option<u64>,
    /// `debug_info.approximate_connection_time`: when Slack expects to refresh this
    /// socket (observed 5 h 1 min; 360 s with `debug_reconnects`).
    pub approximate_connection_time: Option<Duration>,
}

impl Hello {
    /// Reads a `hello` frame; `None` when the text is not a JSON object whose `type` is
    /// `hello`.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Hello;
    /// assert_eq!(Hello::from_json(r#"{"type":"hello"}"#).unwrap().num_connections, None);
    /// assert!(Hello::from_json(r#"{"type":"disconnect"}"#).is_none());
    /// ```
    pub fn from_json(text: &str) -> Option<Hello> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        (value.get("type")?.as_str()? == "hello").then(|| Hello::from_value(&value))
    }

    pub(crate) fn from_value(v: &serde_json::Value) -> Hello {
        let debug = v.get("debug_info");
        let text = |x: Option<&serde_json::Value>| x.and_then(|x| x.as_str()).map(str::to_owned);
        Hello {
            num_connections: v
                .get("num_connections")
                .and_then(lenient_u64)
                .and_then(|n| u32::try_from(n).ok()),
            app_id: text(v.get("connection_info").and_then(|c| c.get("app_id"))),
            host: text(debug.and_then(|d| d.get("host"))),
            build_number: debug
                .and_then(|d| d.get("build_number"))
                .and_then(lenient_u64),
            approximate_connection_time: debug
                .and_then(|d| d.get("approximate_connection_time"))
                .and_then(lenient_u64)
                .map(Duration::from_secs),
        }
    }
}

/// Slack's `disconnect`: it asks for this socket to go away, and why.
///
/// ```
/// use slack_rtm::socket_mode::{Disconnect, DisconnectReason};
///
/// let d = Disconnect::from_json(r#"{"type":"disconnect","reason":"warning","debug_info":{"host":"h"}}"#).unwrap();
/// assert_eq!(d.reason, DisconnectReason::Warning);
/// assert_eq!(d.host.as_deref(), Some("h"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Disconnect {
    /// Why (an open set: unknown reasons are kept as [`DisconnectReason::Other`]).
    pub reason: DisconnectReason,
    /// `debug_info.host`, diagnostics only.
    pub host: Option<String>,
}

impl Disconnect {
    /// Reads a `disconnect` frame; `None` when the text is not a JSON object whose `type`
    /// is `disconnect`.
    ///
    /// ```
    /// use slack_rtm::socket_mode::{Disconnect, DisconnectReason};
    /// let d = Disconnect::from_json(r#"{"type":"disconnect"}"#).unwrap();
    /// assert_eq!(d.reason, DisconnectReason::Other(String::new()));
    /// ```
    pub fn from_json(text: &str) -> Option<Disconnect> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        (value.get("type")?.as_str()? == "disconnect").then(|| Disconnect::from_value(&value))
    }

    pub(crate) fn from_value(v: &serde_json::Value) -> Disconnect {
        Disconnect {
            reason: DisconnectReason::parse(v.get("reason").and_then(|r| r.as_str()).unwrap_or("")),
            host: v
                .get("debug_info")
                .and_then(|d| d.get("host"))
                .and_then(|h| h.as_str())
                .map(str::to_owned),
        }
    }
}

/// Why Slack asked a socket to go away, and so what the client does about it.
///
/// ```
/// use slack_rtm::socket_mode::DisconnectReason;
///
/// assert_eq!(DisconnectReason::parse("refresh_requested"), DisconnectReason::RefreshRequested);
/// assert_eq!(DisconnectReason::parse("new_reason").as_str(), "new_reason");
/// assert!(DisconnectReason::LinkDisabled.is_terminal());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The socket will be closed in about 10 s: the client dials a replacement now and
    /// keeps reading (and acking) on this one meanwhile.
    Warning,
    /// The routine refresh: make-before-break (new socket, its `hello`, then this one
    /// closes).
    RefreshRequested,
    /// Socket Mode was switched off for the app: the client stops and reports it.
    LinkDisabled,
    /// The app holds more sockets than Slack allows (10, counting every process): the
    /// client closes this one first and backs off for minutes before dialing again.
    TooManyWebsockets,
    /// A reason this crate does not know (kept verbatim; `""` when absent): handled like
    /// [`DisconnectReason::RefreshRequested`].
    Other(String),
}

impl DisconnectReason {
    /// The reason from its wire name.
    ///
    /// ```
    /// use slack_rtm::socket_mode::DisconnectReason;
    /// assert_eq!(DisconnectReason::parse("warning"), DisconnectReason::Warning);
    /// ```
    pub fn parse(reason: &str) -> DisconnectReason {
        match reason {
            "warning" => DisconnectReason::Warning,
            "refresh_requested" => DisconnectReason::RefreshRequested,
            "link_disabled" => DisconnectReason::LinkDisabled,
            "too_many_websockets" => DisconnectReason::TooManyWebsockets,
            other => DisconnectReason::Other(other.to_owned()),
        }
    }

    /// The wire name.
    ///
    /// ```
    /// use slack_rtm::socket_mode::DisconnectReason;
    /// assert_eq!(DisconnectReason::TooManyWebsockets.as_str(), "too_many_websockets");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            DisconnectReason::Warning => "warning",
            DisconnectReason::RefreshRequested => "refresh_requested",
            DisconnectReason::LinkDisabled => "link_disabled",
            DisconnectReason::TooManyWebsockets => "too_many_websockets",
            DisconnectReason::Other(s) => s,
        }
    }

    /// True for `link_disabled`: no reconnect can help.
    ///
    /// ```
    /// use slack_rtm::socket_mode::DisconnectReason;
    /// assert!(!DisconnectReason::Warning.is_terminal());
    /// ```
    pub fn is_terminal(&self) -> bool {
        matches!(self, DisconnectReason::LinkDisabled)
    }
}

impl std::fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-negative integer, also when sent as a string or a float with no fraction.
pub(crate) fn lenient_u64(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1e19)
                .map(|f| f as u64)
        }),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hello_without_debug_info_has_every_field_empty() {
        let h = Hello::from_json(r#"{"type":"hello"}"#).unwrap();
        assert_eq!(h, Hello::default());
    }

    #[test]
    fn a_hello_with_odd_types_keeps_what_it_can_read() {
        let h = Hello::from_json(
            r#"{"type":"hello","num_connections":"3","debug_info":{"host":7,"build_number":105.0}}"#,
        )
        .unwrap();
        assert_eq!(h.num_connections, Some(3));
        assert_eq!(h.host, None);
        assert_eq!(h.build_number, Some(105));
    }

    #[test]
    fn every_documented_reason_round_trips_and_unknown_ones_are_kept() {
        for name in [
            "warning",
            "refresh_requested",
            "link_disabled",
            "too_many_websockets",
            "x",
            "",
        ] {
            assert_eq!(DisconnectReason::parse(name).as_str(), name);
        }
        assert_eq!(
            DisconnectReason::parse("socket_lunch"),
            DisconnectReason::Other("socket_lunch".into())
        );
    }

    #[test]
    fn a_disconnect_with_a_numeric_reason_is_an_unknown_reason() {
        let d = Disconnect::from_json(r#"{"type":"disconnect","reason":5}"#).unwrap();
        assert_eq!(d.reason, DisconnectReason::Other(String::new()));
    }
}
