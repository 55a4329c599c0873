//! Encoding an acknowledgement: `{"envelope_id": …}` or, where the envelope accepts a
//! response payload, `{"envelope_id": …, "payload": {…}}`, checked against the 20 KB
//! limit before anything is written. Pure, no I/O.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// The size an ack must stay under, in bytes: Slack silently ignores acks of 20 KB or
/// more (the write succeeds, the response never shows), so the client refuses them with
/// [`Error::FrameTooLarge`] instead. The strict reading of "20 KB" (20 000 bytes) is used.
///
/// ```
/// assert_eq!(slack_rtm::socket_mode::MAX_ACK_BYTES, 20_000);
/// ```
pub const MAX_ACK_BYTES: usize = 20_000;

#[derive(Serialize)]
struct Ack<'a> {
    envelope_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a Value>,
}

/// The ack text for one envelope.
///
/// An empty object payload is the same as none (Slack tolerates it; nothing is lost by
/// sending the bare ack).
///
/// # Errors
/// - [`Error::InvalidArgument`]: a payload for an envelope whose
///   `accepts_response_payload` is false, a payload that is not a JSON object, or an empty
///   `envelope_id` (the control frames `hello` and `disconnect` are never acked).
/// - [`Error::FrameTooLarge`]: the ack is [`MAX_ACK_BYTES`] or larger.
pub(crate) fn encode_ack(
    envelope_id: &str,
    payload: Option<&Value>,
    accepts_response_payload: bool,
) -> Result<String> {
    if envelope_id.is_empty() {
        return Err(Error::InvalidArgument(
            "an ack needs a non-empty envelope_id (hello and disconnect are never acked)".into(),
        ));
    }
    let payload = match payload {
        None => None,
        Some(Value::Object(map)) if map.is_empty() => None,
        Some(Value::Object(_)) if !accepts_response_payload => {
            return Err(Error::InvalidArgument(
                "this envelope does not accept a response payload (accepts_response_payload is false); \
                 ack it without one and answer through the Web API or response_url"
                    .into(),
            ))
        }
        Some(p @ Value::Object(_)) => Some(p),
        Some(_) => {
            return Err(Error::InvalidArgument(
                "an ack's payload must be a JSON object".into(),
            ))
        }
    };
    let text = serde_json::to_string(&Ack {
        envelope_id,
        payload,
    })
    .map_err(|e| Error::InvalidArgument(format!("the ack cannot be encoded: {e}")))?;
    if text.len() >= MAX_ACK_BYTES {
        return Err(Error::FrameTooLarge {
            size: text.len(),
            limit: MAX_ACK_BYTES,
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bare_ack_echoes_the_envelope_id_only() {
        assert_eq!(
            encode_ack("3f9b", None, false).unwrap(),
            r#"{"envelope_id":"3f9b"}"#
        );
    }

    #[test]
    fn a_response_payload_goes_with_the_ack_where_the_envelope_accepts_one() {
        let p = json!({"response_type": "ephemeral", "text": "Deploying staging…"});
        let text = encode_ack("a8", Some(&p), true).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, json!({"envelope_id": "a8", "payload": p}));
    }

    #[test]
    fn a_payload_for_an_envelope_that_accepts_none_is_refused() {
        let e = encode_ack("c4", Some(&json!({"text": "x"})), false).unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument(ref m) if m.contains("accepts_response_payload")),
            "{e:?}"
        );
    }

    #[test]
    fn an_empty_payload_object_is_sent_as_a_bare_ack() {
        assert_eq!(
            encode_ack("c4", Some(&json!({})), false).unwrap(),
            r#"{"envelope_id":"c4"}"#
        );
    }

    #[test]
    fn a_payload_that_is_not_an_object_is_refused() {
        assert!(matches!(
            encode_ack("a", Some(&json!("text")), true),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn hello_and_disconnect_have_no_envelope_id_to_ack() {
        assert!(matches!(
            encode_ack("", None, false),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn an_ack_of_20_kb_or_more_is_refused_with_its_size() {
        let big = json!({"text": "x".repeat(MAX_ACK_BYTES)});
        match encode_ack("a", Some(&big), true) {
            Err(Error::FrameTooLarge { size, limit }) => {
                assert!(size > MAX_ACK_BYTES);
                assert_eq!(limit, MAX_ACK_BYTES);
            }
            other => panic!("{other:?}"),
        }
        // Just under the limit passes.
        let overhead = encode_ack("a", Some(&json!({"text": ""})), true)
            .unwrap()
            .len();
        let fits = json!({"text": "x".repeat(MAX_ACK_BYTES - overhead - 1)});
        assert_eq!(
            encode_ack("a", Some(&fits), true).unwrap().len(),
            MAX_ACK_BYTES - 1
        );
    }

    #[test]
    fn ids_with_quotes_are_escaped_by_the_encoder() {
        let text = encode_ack("a\"b", None, false).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap()["envelope_id"],
            "a\"b"
        );
    }
}
