//! RTM's rules for one link, as pure functions: `hello` makes a link ready, `goodbye` asks
//! the client to reconnect, and an `error` event before `hello` refuses the link (e.g.
//! code 1, "Socket URL has expired"). After `hello`, `error` is only an event.

use serde_json::Value;

use crate::error::Error;

/// What an RTM event means for the link that delivered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meaning {
    /// The link is ready.
    Hello,
    /// The server will close the link: reconnect.
    Goodbye,
    /// The server refused the link (it never said hello).
    Refused,
    /// Just an event.
    Event,
}

/// The meaning of an event of type `kind` on a link that is (or is not yet) `ready`.
pub(crate) fn meaning(kind: &str, ready: bool) -> Meaning {
    match kind {
        "hello" if !ready => Meaning::Hello,
        "goodbye" => Meaning::Goodbye,
        "error" if !ready => Meaning::Refused,
        _ => Meaning::Event,
    }
}

/// The error in the `error` event Slack sends instead of `hello`.
pub(crate) fn server_error(raw: &str) -> Error {
    let v: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
    let err = v.get("error");
    Error::Server {
        code: err
            .and_then(|e| e.get("code"))
            .and_then(Value::as_i64)
            .unwrap_or(0),
        msg: err
            .and_then(|e| e.get("msg"))
            .and_then(Value::as_str)
            .unwrap_or("unknown error")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_hello_makes_the_link_ready_and_a_later_one_is_an_event() {
        assert_eq!(meaning("hello", false), Meaning::Hello);
        assert_eq!(meaning("hello", true), Meaning::Event);
    }

    #[test]
    fn goodbye_asks_for_a_reconnect_at_any_time() {
        assert_eq!(meaning("goodbye", false), Meaning::Goodbye);
        assert_eq!(meaning("goodbye", true), Meaning::Goodbye);
    }

    #[test]
    fn an_error_event_refuses_the_link_only_before_hello() {
        assert_eq!(meaning("error", false), Meaning::Refused);
        assert_eq!(meaning("error", true), Meaning::Event);
        assert_eq!(meaning("message", false), Meaning::Event);
    }

    #[test]
    fn the_server_error_carries_code_and_message_and_tolerates_junk() {
        match server_error(r#"{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}"#)
        {
            Error::Server { code, msg } => {
                assert_eq!((code, msg.as_str()), (1, "Socket URL has expired"))
            }
            other => panic!("{other:?}"),
        }
        match server_error("not json") {
            Error::Server { code, msg } => assert_eq!((code, msg.as_str()), (0, "unknown error")),
            other => panic!("{other:?}"),
        }
    }
}
