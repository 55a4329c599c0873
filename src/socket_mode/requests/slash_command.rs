//! [`SlashCommand`]: the payload of a `slash_commands` request (the slash-command form
//! fields, as JSON strings).

use serde_json::Value;

use super::{opt_text, text};

/// A slash command someone ran.
///
/// Answer it with [`Request::ack_with`](crate::socket_mode::Request::ack_with) (a
/// message: `text` and/or `blocks`, and `response_type` `ephemeral` or `in_channel`)
/// within 3 s, or ack it bare and answer later through [`SlashCommand::response_url`].
///
/// ```
/// use slack_rtm::socket_mode::SlashCommand;
/// let cmd = SlashCommand::from_payload(&serde_json::json!({
///     "command": "/deploy", "text": "staging", "user_id": "U1", "channel_id": "C1",
///     "is_enterprise_install": "false", "response_url": "https://hooks.slack.com/commands/x"
/// }));
/// assert_eq!(cmd.command, "/deploy");
/// assert!(!cmd.is_enterprise_install);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlashCommand {
    /// `command`, e.g. `/deploy`.
    pub command: String,
    /// `text`: what follows the command (`""` when nothing does).
    pub text: String,
    /// `user_id`.
    pub user_id: String,
    /// `user_name`.
    pub user_name: String,
    /// `channel_id`.
    pub channel_id: String,
    /// `channel_name`.
    pub channel_name: String,
    /// `team_id`.
    pub team_id: String,
    /// `team_domain`.
    pub team_domain: String,
    /// `enterprise_id`, on Enterprise Grid.
    pub enterprise_id: Option<String>,
    /// `api_app_id`.
    pub api_app_id: String,
    /// `is_enterprise_install` (sent as the string `"true"` / `"false"`).
    pub is_enterprise_install: bool,
    /// `response_url`: post up to five answers there within 30 minutes.
    pub response_url: Option<String>,
    /// `trigger_id`: open a modal with it (`views.open`) within 3 s.
    pub trigger_id: Option<String>,
}

impl SlashCommand {
    /// Reads a payload; absent or odd fields become empty.
    ///
    /// ```
    /// use slack_rtm::socket_mode::SlashCommand;
    /// let cmd = SlashCommand::from_payload(&serde_json::json!({"command": "/deploy"}));
    /// assert_eq!(cmd.command, "/deploy");
    /// assert_eq!(cmd.text, ""); // absent: empty
    /// assert_eq!(cmd.response_url, None);
    /// ```
    pub fn from_payload(payload: &Value) -> SlashCommand {
        SlashCommand {
            command: text(payload, "command"),
            text: text(payload, "text"),
            user_id: text(payload, "user_id"),
            user_name: text(payload, "user_name"),
            channel_id: text(payload, "channel_id"),
            channel_name: text(payload, "channel_name"),
            team_id: text(payload, "team_id"),
            team_domain: text(payload, "team_domain"),
            enterprise_id: opt_text(payload, "enterprise_id"),
            api_app_id: text(payload, "api_app_id"),
            is_enterprise_install: match payload.get("is_enterprise_install") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => s == "true",
                _ => false,
            },
            response_url: opt_text(payload, "response_url"),
            trigger_id: opt_text(payload, "trigger_id"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_with_missing_and_odd_fields_reads_as_empty_ones() {
        let c = SlashCommand::from_payload(
            &serde_json::json!({"command": 5, "is_enterprise_install": true}),
        );
        assert_eq!(c.command, "");
        assert!(c.is_enterprise_install);
        assert_eq!(c.response_url, None);
    }
}
