//! Classifying an inbound text frame cheaply: event, reply, pong, or malformed.
//!
//! Pure code, no I/O. The reader thread calls [`classify`] on every frame; only replies are
//! parsed whole here, events are parsed where they are consumed.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use tungstenite::Utf8Bytes;

use crate::error::PlatformError;
use crate::events::event::{Reply, SlackEvent};

/// What an inbound text frame is.
#[derive(Debug)]
pub(crate) enum Frame {
    /// An RTM event (`type` present, not `pong`).
    Event(SlackEvent),
    /// A reply to a frame we sent: `ok` and `reply_to`, no `type`.
    Reply(Result<Reply, PlatformError>),
    /// The answer to an RTM ping.
    Pong { reply_to: Option<u64> },
    /// Not something the protocol allows; the reason, without the frame's content.
    Malformed(String),
}

/// Only the fields needed to route a frame; everything else is skipped by the parser.
#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    subtype: Option<Cow<'a, str>>,
    #[serde(default)]
    reply_to: Option<Value>,
    #[serde(default)]
    ok: Option<Value>,
}

/// serde_json's nesting limit for [`Value`]: deeper frames could not be parsed later.
const MAX_DEPTH: usize = 128;

/// Classifies one text frame.
pub(crate) fn classify(text: Utf8Bytes) -> Frame {
    // serde would also fill `Peek` from a JSON array, field by position.
    if text.trim_start().as_bytes().first() != Some(&b'{') {
        return classify_slow(text);
    }
    // Only a frame with more than MAX_DEPTH brackets can nest that deep: counting them is
    // a vectorized pass, the exact walk below is byte by byte (most events have a few).
    if text.len() > 2 * MAX_DEPTH
        && openers(text.as_bytes()) > MAX_DEPTH
        && nesting_depth(text.as_bytes()) > MAX_DEPTH
    {
        return Frame::Malformed(format!(
            "JSON nested deeper than {MAX_DEPTH} levels ({} bytes)",
            text.len()
        ));
    }
    let peek: Peek<'_> = match serde_json::from_str(&text) {
        Ok(p) => p,
        Err(_) => return classify_slow(text),
    };
    match peek.kind {
        Some(kind) if kind == "pong" => Frame::Pong {
            reply_to: peek.reply_to.as_ref().and_then(Value::as_u64),
        },
        Some(kind) => {
            let kind = intern(&kind);
            let subtype = peek.subtype.map(|s| Box::from(s.as_ref()));
            Frame::Event(SlackEvent::new(kind, subtype, text))
        }
        None => match (peek.reply_to.as_ref().and_then(Value::as_u64), &peek.ok) {
            (Some(_), Some(Value::Bool(_))) => reply(&text),
            (None, Some(_)) | (Some(_), _) => {
                Frame::Malformed("a reply without a valid reply_to and ok".into())
            }
            (None, None) => Frame::Malformed("a JSON object without a type".into()),
        },
    }
}

/// How many `{` and `[` bytes `json` holds, in strings or not: at least its depth.
fn openers(json: &[u8]) -> usize {
    json.iter().filter(|&&b| b == b'{' || b == b'[').count()
}

/// The deepest nesting of objects and arrays, outside strings.
fn nesting_depth(json: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The fallback for frames the fast path rejected: decide whether it is an object at all.
fn classify_slow(text: Utf8Bytes) -> Frame {
    match serde_json::from_str::<Value>(&text) {
        Err(e) => Frame::Malformed(format!("invalid JSON ({} bytes): {e}", text.len())),
        Ok(Value::Object(map)) => {
            // An object whose routing fields have odd types (a numeric `type`, duplicate
            // keys, …): deliver it as an event so the catch-all still sees it.
            let kind = map
                .get("type")
                .and_then(Value::as_str)
                .map(intern)
                .unwrap_or(Cow::Borrowed("unknown"));
            let subtype = map.get("subtype").and_then(Value::as_str).map(Box::from);
            Frame::Event(SlackEvent::new(kind, subtype, text))
        }
        Ok(other) => Frame::Malformed(format!(
            "expected a JSON object, got {}",
            match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "an array",
                Value::Object(_) => "an object",
            }
        )),
    }
}

fn reply(text: &str) -> Frame {
    let data: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Frame::Malformed(format!("invalid reply JSON: {e}")),
    };
    let reply_to = data.get("reply_to").and_then(Value::as_u64).unwrap_or(0);
    if data.get("ok") == Some(&Value::Bool(true)) {
        let s = |k: &str| data.get(k).and_then(Value::as_str).map(str::to_owned);
        Frame::Reply(Ok(Reply {
            reply_to,
            ts: s("ts"),
            text: s("text"),
            data,
        }))
    } else {
        let err = data.get("error");
        Frame::Reply(Err(PlatformError {
            reply_to,
            code: err.and_then(|e| e.get("code")).and_then(Value::as_i64),
            msg: err
                .and_then(|e| e.get("msg"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            data,
        }))
    }
}

fn intern(kind: &str) -> Cow<'static, str> {
    // The known names come from the typed events' table, so the common ones cost no
    // allocation.
    match crate::typed::known_kind(kind) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(kind.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Frame {
        classify(Utf8Bytes::from(s.to_string()))
    }

    #[test]
    fn an_ok_reply_is_a_reply() {
        match c(r#"{"ok":true,"reply_to":7,"ts":"1.000001","text":"hi"}"#) {
            Frame::Reply(Ok(r)) => {
                assert_eq!(r.reply_to, 7);
                assert_eq!(r.ts.as_deref(), Some("1.000001"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_error_reply_carries_code_and_msg() {
        match c(r#"{"ok":false,"reply_to":1,"error":{"code":2,"msg":"message text is missing"}}"#) {
            Frame::Reply(Err(p)) => {
                assert_eq!((p.reply_to, p.code), (1, Some(2)));
                assert_eq!(p.msg.as_deref(), Some("message text is missing"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_message_event_carrying_reply_to_is_an_event_not_a_reply() {
        match c(r#"{"type":"message","ok":true,"reply_to":1,"text":"echo"}"#) {
            Frame::Event(e) => assert_eq!(e.kind(), "message"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pong_is_routed_to_keepalive() {
        assert!(matches!(
            c(r#"{"type":"pong","reply_to":12,"time":5}"#),
            Frame::Pong { reply_to: Some(12) }
        ));
    }

    #[test]
    fn unknown_types_are_events_with_their_raw_json() {
        let raw = r#"{"type":"brand_new_thing","x":[1,2]}"#;
        match c(raw) {
            Frame::Event(e) => {
                assert_eq!(e.kind(), "brand_new_thing");
                assert_eq!(e.raw(), raw);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn non_objects_and_garbage_are_malformed_never_panics() {
        for s in [
            "",
            "null",
            "[1]",
            "42",
            "\"x\"",
            "{",
            "{\"type\":",
            "\u{0}",
            "{}",
        ] {
            assert!(matches!(c(s), Frame::Malformed(_)), "{s:?}");
        }
    }

    #[test]
    fn odd_field_types_still_deliver_the_object() {
        match c(r#"{"type":5,"a":1}"#) {
            Frame::Event(e) => assert_eq!(e.kind(), "unknown"),
            other => panic!("{other:?}"),
        }
        match c(r#"{"type":"message","subtype":{"x":1}}"#) {
            Frame::Event(e) => {
                assert_eq!(e.kind(), "message");
                assert_eq!(e.subtype(), None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn arrays_are_never_mistaken_for_events_replies_or_pongs() {
        for s in [
            r#"["message"]"#,
            r#"["pong",null,5]"#,
            r#"[null,null,7,true]"#,
            r#"  ["x"]"#,
        ] {
            assert!(matches!(c(s), Frame::Malformed(_)), "{s}");
        }
    }

    #[test]
    fn frames_too_deep_to_parse_later_are_malformed() {
        let deep = format!(
            r#"{{"type":"x","v":{}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(matches!(c(&deep), Frame::Malformed(_)));
        let fine = format!(
            r#"{{"type":"x","v":{}1{},"s":"{}"}}"#,
            "[".repeat(100),
            "]".repeat(100),
            "[".repeat(300)
        );
        match c(&fine) {
            Frame::Event(e) => assert!(e.json().is_ok()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn escaped_type_strings_are_unescaped() {
        match c(r#"{"type":"mess\u0061ge"}"#) {
            Frame::Event(e) => assert_eq!(e.kind(), "message"),
            other => panic!("{other:?}"),
        }
    }
}
