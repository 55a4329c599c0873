//! What Slack asks of the app over Socket Mode: a [`Request`] per envelope, and typed
//! views of its payload: [`EventsApi`], [`SlashCommand`], [`Interaction`].
//!
//! Typed views are parsed on the thread that asks for them, from the raw JSON that every
//! request keeps; they never fail (odd fields become empty), so a payload of an unusual
//! shape still reaches the app.

pub(crate) mod events_api;
pub(crate) mod interaction;
pub(crate) mod request;
pub(crate) mod slash_command;

use serde_json::Value;

/// A string field, `""` when absent or not a string.
pub(crate) fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A string field, `None` when absent, empty or not a string.
pub(crate) fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `field.id` when `field` is an object, or `field` itself when it is a string.
pub(crate) fn id_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(o) => text(o, "id"),
        None => String::new(),
    }
}
