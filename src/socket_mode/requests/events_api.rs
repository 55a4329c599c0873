//! [`EventsApi`]: the payload of an `events_api` request, an Events API `event_callback`
//! whose inner event is a [`SlackEvent`], so the RTM client's typed events
//! ([`SlackEvent::typed`]) apply where the shapes agree.

use serde_json::Value;

use super::opt_text;
use crate::SlackEvent;

/// An Events API delivery.
///
/// Slack's docs show two shapes, and both are accepted: the usual `event_callback`
/// wrapper (`team_id`, `event_id`, `event`, …) and a bare event (then `event` is the whole
/// payload and the wrapper fields are empty).
///
/// ```
/// use slack_rtm::socket_mode::EventsApi;
/// use slack_rtm::typed::TypedEvent;
///
/// let payload = serde_json::json!({
///     "type": "event_callback", "team_id": "T1", "api_app_id": "A1",
///     "event_id": "Ev1", "event_time": 1764494043,
///     "event": {"type": "message", "channel": "C1", "user": "U1", "text": "hi", "ts": "1764494043.001200"}
/// });
/// let ev = EventsApi::from_payload(&payload);
/// assert_eq!(ev.event_id.as_deref(), Some("Ev1"));
/// let TypedEvent::Message(m) = ev.event.typed() else { panic!() };
/// assert_eq!(m.text.as_deref(), Some("hi"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EventsApi {
    /// The inner event (`payload.event`), with its raw JSON.
    pub event: SlackEvent,
    /// `event_id`: stable across Slack's retries.
    pub event_id: Option<String>,
    /// `event_time`, Unix seconds.
    pub event_time: Option<i64>,
    /// `team_id`.
    pub team_id: Option<String>,
    /// `api_app_id`.
    pub api_app_id: Option<String>,
    /// `context_team_id`.
    pub context_team_id: Option<String>,
    /// `context_enterprise_id`.
    pub context_enterprise_id: Option<String>,
    /// `is_ext_shared_channel`.
    pub is_ext_shared_channel: bool,
    /// `event_context`.
    pub event_context: Option<String>,
    /// `authorizations`, as sent (`[]` when absent).
    pub authorizations: Vec<Value>,
}

impl EventsApi {
    /// Reads a payload, tolerating either shape and any odd field.
    ///
    /// ```
    /// use slack_rtm::socket_mode::EventsApi;
    /// let ev = EventsApi::from_payload(&serde_json::json!({
    ///     "type": "event_callback", "team_id": "T1", "event_id": "Ev1",
    ///     "event": {"type": "app_mention", "text": "hi"}
    /// }));
    /// assert_eq!((ev.kind(), ev.team_id.as_deref()), ("app_mention", Some("T1")));
    /// ```
    pub fn from_payload(payload: &Value) -> EventsApi {
        let wrapped = payload.get("event").filter(|e| e.is_object());
        let inner = wrapped.unwrap_or(payload);
        let event = SlackEvent::from_json(&inner.to_string()).unwrap_or_else(|_| {
            // Not an object: keep the value under an "unknown" type rather than lose it.
            let text = serde_json::json!({"type": "unknown", "value": inner}).to_string();
            SlackEvent::new(std::borrow::Cow::Borrowed("unknown"), None, text.into())
        });
        let w = if wrapped.is_some() {
            payload
        } else {
            &Value::Null
        };
        EventsApi {
            event,
            event_id: opt_text(w, "event_id"),
            event_time: w.get("event_time").and_then(Value::as_i64),
            team_id: opt_text(w, "team_id"),
            api_app_id: opt_text(w, "api_app_id"),
            context_team_id: opt_text(w, "context_team_id"),
            context_enterprise_id: opt_text(w, "context_enterprise_id"),
            is_ext_shared_channel: w
                .get("is_ext_shared_channel")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            event_context: opt_text(w, "event_context"),
            authorizations: w
                .get("authorizations")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The inner event's `type` (`message`, `app_mention`, …).
    ///
    /// ```
    /// use slack_rtm::socket_mode::EventsApi;
    /// let ev = EventsApi::from_payload(&serde_json::json!({"type": "app_home_opened", "user": "U1"}));
    /// assert_eq!(ev.kind(), "app_home_opened"); // the bare shape
    /// ```
    pub fn kind(&self) -> &str {
        self.event.kind()
    }

    /// The team the event belongs to: `team_id`, else the inner event's `team`.
    ///
    /// ```
    /// use slack_rtm::socket_mode::EventsApi;
    /// let ev = EventsApi::from_payload(&serde_json::json!({"type": "app_mention", "team": "T9"}));
    /// assert_eq!(ev.team().as_deref(), Some("T9")); // the bare shape: the inner event's `team`
    /// ```
    pub fn team(&self) -> Option<String> {
        self.team_id
            .clone()
            .or_else(|| self.event.json().ok().and_then(|v| opt_text(&v, "team")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_wrapped_shape_gives_the_inner_event_and_the_wrapper_fields() {
        let ev = EventsApi::from_payload(&json!({
            "type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event_time": 5,
            "authorizations": [{"user_id": "U0BOT"}], "is_ext_shared_channel": true,
            "event": {"type": "reaction_added", "user": "U1", "reaction": "tada", "item": {"type": "message", "channel": "C1", "ts": "1.2"}, "event_ts": "1.3"}
        }));
        assert_eq!(ev.kind(), "reaction_added");
        assert_eq!(ev.team().as_deref(), Some("T1"));
        assert_eq!(ev.event_time, Some(5));
        assert_eq!(ev.authorizations.len(), 1);
        assert!(ev.is_ext_shared_channel);
        assert!(matches!(
            ev.event.typed(),
            crate::typed::TypedEvent::ReactionAdded(_)
        ));
    }

    #[test]
    fn the_bare_shape_is_the_event_itself() {
        let ev = EventsApi::from_payload(
            &json!({"type": "app_home_opened", "user": "U1", "team": "T2"}),
        );
        assert_eq!(ev.kind(), "app_home_opened");
        assert_eq!(ev.event_id, None);
        assert_eq!(ev.team().as_deref(), Some("T2"));
    }

    #[test]
    fn an_odd_payload_still_gives_an_event_to_look_at() {
        let ev = EventsApi::from_payload(&json!("just a string"));
        assert_eq!(ev.kind(), "unknown");
        assert!(ev.event.raw().contains("just a string"));
        let ev = EventsApi::from_payload(&json!({"type": "event_callback", "event": 5}));
        assert_eq!(ev.kind(), "event_callback");
    }
}
