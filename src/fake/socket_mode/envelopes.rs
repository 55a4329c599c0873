//! Building the envelopes the fake pushes: `events_api` (wrapped in an `event_callback`),
//! `slash_commands`, `interactive`, with the fields Slack sends. Pure.

use serde_json::{json, Map, Value};

/// Which interaction payload types accept a response payload in their ack.
pub(crate) fn interactive_accepts_response(payload_type: &str) -> bool {
    matches!(payload_type, "view_submission" | "block_suggestion")
}

/// An `event_callback` around `event`, as the Events API delivers it.
pub(crate) fn event_callback(
    event: Value,
    event_id: &str,
    team_id: &str,
    app_id: &str,
    bot_id: &str,
) -> Value {
    json!({
        "token": "fake-verification-token",
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": null,
        "api_app_id": app_id,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": unix_now(),
        "event": event,
        "authorizations": [{"enterprise_id": null, "team_id": team_id, "user_id": bot_id,
                            "is_bot": true, "is_enterprise_install": false}],
        "is_ext_shared_channel": false,
        "event_context": format!("4-fake-{event_id}"),
    })
}

/// A slash command's form fields (all strings), `fields` overriding the defaults.
pub(crate) fn slash_command(
    command: &str,
    text: &str,
    fields: &Value,
    team_id: &str,
    app_id: &str,
) -> Value {
    let mut p = json!({
        "token": "fake-verification-token",
        "team_id": team_id,
        "team_domain": "fake",
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": "U0FAKEUSER",
        "user_name": "fakeuser",
        "command": command,
        "text": text,
        "api_app_id": app_id,
        "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.invalid/commands/fake",
        "trigger_id": "fake.trigger.id",
    });
    merge(&mut p, fields);
    p
}

/// The envelope around a payload.
pub(crate) fn envelope(
    envelope_id: &str,
    kind: &str,
    payload: Value,
    accepts_response_payload: bool,
    retry: Option<(u32, &str)>,
) -> Value {
    let mut e = Map::new();
    e.insert("envelope_id".into(), envelope_id.into());
    e.insert("type".into(), kind.into());
    e.insert(
        "accepts_response_payload".into(),
        accepts_response_payload.into(),
    );
    if let Some((attempt, reason)) = retry {
        e.insert("retry_attempt".into(), attempt.into());
        e.insert("retry_reason".into(), reason.into());
    }
    e.insert("payload".into(), payload);
    Value::Object(e)
}

/// `over`'s top-level fields replace `base`'s (when both are objects).
fn merge(base: &mut Value, over: &Value) {
    if let (Value::Object(b), Value::Object(o)) = (base, over) {
        for (k, v) in o {
            b.insert(k.clone(), v.clone());
        }
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_api_envelope_has_the_documented_shape() {
        let p = event_callback(json!({"type": "message"}), "Ev1", "T1", "A1", "U0BOT");
        let e = envelope("e1", "events_api", p, false, Some((0, "")));
        assert_eq!(e["payload"]["event_id"], "Ev1");
        assert_eq!(e["retry_attempt"], 0);
        assert_eq!(e["retry_reason"], "");
        assert_eq!(e["accepts_response_payload"], false);
    }

    #[test]
    fn slash_command_fields_override_the_defaults() {
        let p = slash_command("/deploy", "x", &json!({"user_id": "U9"}), "T1", "A1");
        assert_eq!(p["user_id"], "U9");
        assert_eq!(p["is_enterprise_install"], "false");
    }

    #[test]
    fn only_view_submissions_and_suggestions_accept_a_response() {
        assert!(interactive_accepts_response("view_submission"));
        assert!(interactive_accepts_response("block_suggestion"));
        assert!(!interactive_accepts_response("block_actions"));
        assert!(!interactive_accepts_response("shortcut"));
    }
}
