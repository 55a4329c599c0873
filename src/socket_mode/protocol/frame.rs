//! Classifying an inbound Socket Mode text frame: `hello`, `disconnect`, an envelope (a
//! request to ack), or something unrecognized. Pure, no I/O.
//!
//! The reader calls [`classify`] on every frame. Only the fields needed to route, ack and
//! deduplicate are read (`envelope_id`, `type`, `accepts_response_payload`, the retry
//! fields, `payload.type`, `payload.event_id`); the payload itself is parsed where the
//! request is consumed. Odd field types never drop a request: a fast typed peek falls
//! back to a tolerant read of the whole object.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use super::control::{lenient_u64, Disconnect, Hello};
use crate::socket_mode::requests::request::RequestKind;

/// The routing fields of one envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnvelopeHead {
    pub(crate) envelope_id: Box<str>,
    pub(crate) kind: RequestKind,
    pub(crate) accepts_response_payload: bool,
    /// 0 on a first delivery (and when absent).
    pub(crate) retry_attempt: u32,
    /// `""` on a first delivery (and when absent).
    pub(crate) retry_reason: Box<str>,
    /// `payload.type` (`event_callback`, `block_actions`, …).
    pub(crate) payload_type: Option<Box<str>>,
    /// `payload.event_id` (`events_api`), the key that is stable across retries.
    pub(crate) event_id: Option<Box<str>>,
}

/// What an inbound text frame is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inbound {
    Hello(Hello),
    Disconnect(Disconnect),
    Envelope(EnvelopeHead),
    /// Not a JSON object, or an object that is neither a control frame nor an envelope
    /// (no string `envelope_id`): the reason, without the frame's content.
    Unrecognized(String),
}

#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    envelope_id: Option<Cow<'a, str>>,
    #[serde(default)]
    accepts_response_payload: Option<bool>,
    #[serde(default)]
    retry_attempt: Option<u32>,
    #[serde(borrow, default)]
    retry_reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    payload: Option<PayloadPeek<'a>>,
}

#[derive(Deserialize)]
struct PayloadPeek<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    event_id: Option<Cow<'a, str>>,
}

/// Classifies one text frame. A frame nested deeper than serde_json's limit (128) fails
/// both reads and is unrecognized, so nothing delivered is unparsable later.
pub(crate) fn classify(text: &str) -> Inbound {
    // serde fills a struct from a JSON array too, field by position.
    if text.trim_start().as_bytes().first() != Some(&b'{') {
        return classify_tolerant(text);
    }
    let peek: Peek<'_> = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(_) => return classify_tolerant(text),
    };
    match (&peek.envelope_id, peek.kind.as_deref()) {
        (None, Some("hello" | "disconnect")) => classify_tolerant(text),
        (None, _) => Inbound::Unrecognized(match peek.kind {
            Some(k) => format!("a frame of type {:?} without an envelope_id", clip(&k)),
            None => "a JSON object without a type or an envelope_id".into(),
        }),
        (Some(id), kind) => {
            let payload = peek.payload.as_ref();
            Inbound::Envelope(EnvelopeHead {
                envelope_id: Box::from(id.as_ref()),
                kind: RequestKind::parse(kind.unwrap_or("")),
                accepts_response_payload: peek.accepts_response_payload.unwrap_or(false),
                retry_attempt: peek.retry_attempt.unwrap_or(0),
                retry_reason: Box::from(peek.retry_reason.as_deref().unwrap_or("")),
                payload_type: payload.and_then(|p| p.kind.as_deref()).map(Box::from),
                event_id: payload.and_then(|p| p.event_id.as_deref()).map(Box::from),
            })
        }
    }
}

/// The whole object as a [`Value`], each field read leniently.
fn classify_tolerant(text: &str) -> Inbound {
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            return Inbound::Unrecognized(format!(
                "expected a JSON object, got {}",
                json_kind(&other)
            ))
        }
        Err(e) => {
            return Inbound::Unrecognized(format!("invalid JSON ({} bytes): {e}", text.len()))
        }
    };
    let value = Value::Object(map);
    let kind = value.get("type").and_then(Value::as_str);
    let Some(id) = value.get("envelope_id").and_then(Value::as_str) else {
        return match kind {
            Some("hello") => Inbound::Hello(Hello::from_value(&value)),
            Some("disconnect") => Inbound::Disconnect(Disconnect::from_value(&value)),
            Some(k) => Inbound::Unrecognized(format!(
                "a frame of type {:?} without an envelope_id",
                clip(k)
            )),
            None => Inbound::Unrecognized("a JSON object without a type or an envelope_id".into()),
        };
    };
    let payload = value.get("payload");
    let text_field = |v: Option<&Value>| v.and_then(Value::as_str).map(Box::from);
    Inbound::Envelope(EnvelopeHead {
        envelope_id: Box::from(id),
        kind: RequestKind::parse(kind.unwrap_or("")),
        accepts_response_payload: match value.get("accepts_response_payload") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        },
        retry_attempt: value
            .get("retry_attempt")
            .and_then(lenient_u64)
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        retry_reason: text_field(value.get("retry_reason")).unwrap_or_default(),
        payload_type: text_field(payload.and_then(|p| p.get("type"))),
        event_id: text_field(payload.and_then(|p| p.get("event_id"))),
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// At most 40 characters of a server-chosen name, for a log line.
fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket_mode::DisconnectReason;

    fn envelope(text: &str) -> EnvelopeHead {
        match classify(text) {
            Inbound::Envelope(e) => e,
            other => panic!("not an envelope: {other:?}"),
        }
    }

    const EVENTS_API: &str = r#"{"envelope_id":"3f9b","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"retry_reason":"","payload":{"type":"event_callback","event_id":"Ev1","event":{"type":"message","text":"hi"}}}"#;

    #[test]
    fn an_events_api_envelope_gives_its_id_its_event_id_and_its_retry_fields() {
        let e = envelope(EVENTS_API);
        assert_eq!(&*e.envelope_id, "3f9b");
        assert_eq!(e.kind, RequestKind::EventsApi);
        assert!(!e.accepts_response_payload);
        assert_eq!((e.retry_attempt, &*e.retry_reason), (0, ""));
        assert_eq!(e.event_id.as_deref(), Some("Ev1"));
        assert_eq!(e.payload_type.as_deref(), Some("event_callback"));
    }

    #[test]
    fn a_retry_carries_its_attempt_and_reason() {
        let e = envelope(
            r#"{"envelope_id":"x","type":"events_api","retry_attempt":2,"retry_reason":"timeout","payload":{"event_id":"Ev1"}}"#,
        );
        assert_eq!((e.retry_attempt, &*e.retry_reason), (2, "timeout"));
    }

    #[test]
    fn a_slash_command_accepts_a_response_payload() {
        let e = envelope(
            r#"{"envelope_id":"a8","type":"slash_commands","accepts_response_payload":true,"payload":{"command":"/deploy"}}"#,
        );
        assert_eq!(e.kind, RequestKind::SlashCommands);
        assert!(e.accepts_response_payload);
        assert_eq!(e.event_id, None);
    }

    #[test]
    fn an_unknown_envelope_type_is_still_an_envelope() {
        let e = envelope(r#"{"envelope_id":"z","type":"workflow_step","payload":{}}"#);
        assert_eq!(e.kind, RequestKind::Other("workflow_step".into()));
    }

    #[test]
    fn odd_field_types_fall_back_to_the_tolerant_read_and_keep_the_request() {
        let e = envelope(
            r#"{"envelope_id":"y","type":"events_api","accepts_response_payload":"true","retry_attempt":"1","retry_reason":7,"payload":"not an object"}"#,
        );
        assert_eq!(&*e.envelope_id, "y");
        assert!(e.accepts_response_payload);
        assert_eq!(e.retry_attempt, 1);
        assert_eq!(&*e.retry_reason, "");
        assert_eq!(e.event_id, None);
    }

    #[test]
    fn an_envelope_without_a_type_is_an_envelope_of_unknown_kind() {
        let e = envelope(r#"{"envelope_id":"q"}"#);
        assert_eq!(e.kind, RequestKind::Other(String::new()));
    }

    #[test]
    fn hello_and_disconnect_are_control_frames() {
        assert!(
            matches!(classify(r#"{"type":"hello","num_connections":1}"#), Inbound::Hello(h) if h.num_connections == Some(1))
        );
        assert!(matches!(
            classify(r#"{"type":"disconnect","reason":"too_many_websockets"}"#),
            Inbound::Disconnect(d) if d.reason == DisconnectReason::TooManyWebsockets
        ));
    }

    #[test]
    fn arrays_strings_and_broken_json_are_unrecognized_not_envelopes() {
        for text in [
            r#"["envelope_id","events_api"]"#,
            "\"x\"",
            "{",
            "",
            "null",
            r#"{"type":"message"}"#,
        ] {
            assert!(matches!(classify(text), Inbound::Unrecognized(_)), "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_unrecognized_without_a_stack_overflow() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(classify(&text), Inbound::Unrecognized(_)));
        let text = format!(
            r#"{{"envelope_id":"d","payload":{}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(matches!(classify(&text), Inbound::Unrecognized(_)));
    }

    #[test]
    fn the_reason_for_an_unrecognized_frame_never_quotes_its_content() {
        let Inbound::Unrecognized(why) = classify(r#"{"ticket":"secret-ticket","x":1}"#) else {
            panic!()
        };
        assert!(!why.contains("secret"), "{why}");
    }
}
