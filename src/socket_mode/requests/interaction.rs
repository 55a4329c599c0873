//! [`Interaction`]: the payload of an `interactive` request — block actions, modal
//! submissions and closes, shortcuts, message actions, option suggestions.

use serde_json::Value;

use super::{id_of, opt_text, text};

/// Which interaction (`payload.type`).
///
/// ```
/// use slack_rtm::socket_mode::InteractionKind;
/// assert_eq!(InteractionKind::parse("view_submission"), InteractionKind::ViewSubmission);
/// assert_eq!(InteractionKind::parse("future_thing").as_str(), "future_thing");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InteractionKind {
    /// `block_actions`: a button, a menu, a date picker, … (ack bare).
    BlockActions,
    /// `view_submission`: a modal was submitted (the ack may carry a `response_action`).
    ViewSubmission,
    /// `view_closed`: a modal was closed (with `notify_on_close`).
    ViewClosed,
    /// `block_suggestion`: an external select wants options (the ack carries `options`).
    BlockSuggestion,
    /// `shortcut`: a global shortcut.
    Shortcut,
    /// `message_action`: a message shortcut.
    MessageAction,
    /// `interactive_message`: a legacy attachment button.
    InteractiveMessage,
    /// Any other type, verbatim.
    Other(String),
}

impl InteractionKind {
    /// The kind from its wire name.
    ///
    /// ```
    /// use slack_rtm::socket_mode::InteractionKind;
    /// assert_eq!(InteractionKind::parse("shortcut"), InteractionKind::Shortcut);
    /// ```
    pub fn parse(kind: &str) -> InteractionKind {
        match kind {
            "block_actions" => InteractionKind::BlockActions,
            "view_submission" => InteractionKind::ViewSubmission,
            "view_closed" => InteractionKind::ViewClosed,
            "block_suggestion" => InteractionKind::BlockSuggestion,
            "shortcut" => InteractionKind::Shortcut,
            "message_action" => InteractionKind::MessageAction,
            "interactive_message" => InteractionKind::InteractiveMessage,
            other => InteractionKind::Other(other.to_owned()),
        }
    }

    /// The wire name.
    ///
    /// ```
    /// use slack_rtm::socket_mode::InteractionKind;
    /// assert_eq!(InteractionKind::BlockSuggestion.as_str(), "block_suggestion");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            InteractionKind::BlockActions => "block_actions",
            InteractionKind::ViewSubmission => "view_submission",
            InteractionKind::ViewClosed => "view_closed",
            InteractionKind::BlockSuggestion => "block_suggestion",
            InteractionKind::Shortcut => "shortcut",
            InteractionKind::MessageAction => "message_action",
            InteractionKind::InteractiveMessage => "interactive_message",
            InteractionKind::Other(s) => s,
        }
    }
}

/// One action of a `block_actions` interaction.
///
/// ```
/// use slack_rtm::socket_mode::Interaction;
/// let i = Interaction::from_payload(&serde_json::json!({"type": "block_actions", "actions": [
///     {"action_id": "pick", "block_id": "b1", "type": "static_select", "selected_option": {"value": "v2"}}]}));
/// assert_eq!(i.actions[0].selected_value(), Some("v2"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BlockAction {
    /// `action_id`.
    pub action_id: String,
    /// `block_id`.
    pub block_id: String,
    /// The element's `type` (`button`, `static_select`, …).
    pub kind: String,
    /// `value` (buttons).
    pub value: Option<String>,
    /// `action_ts`.
    pub action_ts: Option<String>,
    /// The whole action as sent (selected options, dates, …).
    pub raw: Value,
}

impl BlockAction {
    /// The value the user chose: a button's `value`, else `selected_option.value`.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Interaction;
    /// let i = Interaction::from_payload(&serde_json::json!({"type": "block_actions", "actions": [
    ///     {"action_id": "approve", "type": "button", "value": "release-42"}]}));
    /// assert_eq!(i.actions[0].selected_value(), Some("release-42"));
    /// ```
    pub fn selected_value(&self) -> Option<&str> {
        self.value.as_deref().or_else(|| {
            self.raw
                .get("selected_option")
                .and_then(|o| o.get("value"))
                .and_then(Value::as_str)
        })
    }
}

/// An interaction: what was clicked, submitted or asked for, by whom, where.
///
/// ```
/// use slack_rtm::socket_mode::{Interaction, InteractionKind};
/// let i = Interaction::from_payload(&serde_json::json!({
///     "type": "view_submission", "user": {"id": "U1", "username": "dana"},
///     "view": {"id": "V1", "callback_id": "deploy_form",
///              "state": {"values": {"b1": {"a1": {"type": "plain_text_input", "value": "x"}}}}}
/// }));
/// assert_eq!(i.kind, InteractionKind::ViewSubmission);
/// assert_eq!(i.callback_id.as_deref(), Some("deploy_form"));
/// assert_eq!(i.state_value("b1", "a1"), Some("x"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Interaction {
    /// `type`.
    pub kind: InteractionKind,
    /// `user.id`.
    pub user_id: String,
    /// `user.username` (or `user.name`).
    pub user_name: String,
    /// `team.id` (or `user.team_id`).
    pub team_id: String,
    /// `channel.id`, where there is a channel.
    pub channel_id: Option<String>,
    /// `trigger_id`: open a modal with it within 3 s.
    pub trigger_id: Option<String>,
    /// `response_url`, where given.
    pub response_url: Option<String>,
    /// `callback_id` (shortcuts, message actions) or `view.callback_id` (modals).
    pub callback_id: Option<String>,
    /// `action_id` (`block_suggestion`).
    pub action_id: Option<String>,
    /// `value`: the text typed so far (`block_suggestion`).
    pub value: Option<String>,
    /// `actions` (`block_actions`).
    pub actions: Vec<BlockAction>,
    /// `view` (modal interactions), as sent.
    pub view: Option<Value>,
    /// The whole payload.
    pub raw: Value,
}

impl Interaction {
    /// Reads a payload; absent or odd fields become empty.
    ///
    /// ```
    /// use slack_rtm::socket_mode::{Interaction, InteractionKind};
    /// let i = Interaction::from_payload(&serde_json::json!({
    ///     "type": "shortcut", "callback_id": "new_ticket", "user": {"id": "U1", "name": "dana"}
    /// }));
    /// assert_eq!(i.kind, InteractionKind::Shortcut);
    /// assert_eq!((i.user_id.as_str(), i.user_name.as_str()), ("U1", "dana"));
    /// assert!(i.actions.is_empty());
    /// ```
    pub fn from_payload(payload: &Value) -> Interaction {
        let user = payload.get("user").unwrap_or(&Value::Null);
        let view = payload.get("view").filter(|v| v.is_object());
        let team = match id_of(payload, "team") {
            t if t.is_empty() => text(user, "team_id"),
            t => t,
        };
        Interaction {
            kind: InteractionKind::parse(payload.get("type").and_then(Value::as_str).unwrap_or("")),
            user_id: id_of(payload, "user"),
            user_name: opt_text(user, "username").unwrap_or_else(|| text(user, "name")),
            team_id: team,
            channel_id: Some(id_of(payload, "channel")).filter(|c| !c.is_empty()),
            trigger_id: opt_text(payload, "trigger_id"),
            response_url: opt_text(payload, "response_url"),
            callback_id: opt_text(payload, "callback_id")
                .or_else(|| view.and_then(|v| opt_text(v, "callback_id"))),
            action_id: opt_text(payload, "action_id"),
            value: opt_text(payload, "value"),
            actions: payload
                .get("actions")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|x| BlockAction {
                            action_id: text(x, "action_id"),
                            block_id: text(x, "block_id"),
                            kind: text(x, "type"),
                            value: opt_text(x, "value"),
                            action_ts: opt_text(x, "action_ts"),
                            raw: x.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            view: view.cloned(),
            raw: payload.clone(),
        }
    }

    /// A submitted input's value: `view.state.values[block_id][action_id].value`.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Interaction;
    /// let i = Interaction::from_payload(&serde_json::json!({
    ///     "type": "view_submission",
    ///     "view": {"state": {"values": {"env": {"pick": {"type": "plain_text_input", "value": "staging"}}}}}
    /// }));
    /// assert_eq!(i.state_value("env", "pick"), Some("staging"));
    /// assert_eq!(i.state_value("env", "other"), None);
    /// ```
    pub fn state_value(&self, block_id: &str, action_id: &str) -> Option<&str> {
        self.view
            .as_ref()?
            .get("state")?
            .get("values")?
            .get(block_id)?
            .get(action_id)?
            .get("value")?
            .as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_button_click_reads_its_user_channel_and_action() {
        let i = Interaction::from_payload(&json!({
            "type": "block_actions", "user": {"id": "U0246MNOP", "username": "dana", "team_id": "T0"},
            "channel": {"id": "C0789IJKL", "name": "ops"}, "trigger_id": "t",
            "actions": [{"action_id": "approve", "block_id": "b1", "type": "button", "value": "release-42"}]
        }));
        assert_eq!(i.user_id, "U0246MNOP");
        assert_eq!(i.user_name, "dana");
        assert_eq!(i.team_id, "T0");
        assert_eq!(i.channel_id.as_deref(), Some("C0789IJKL"));
        assert_eq!(i.actions[0].selected_value(), Some("release-42"));
    }

    #[test]
    fn a_suggestion_request_reads_what_was_typed() {
        let i = Interaction::from_payload(
            &json!({"type": "block_suggestion", "action_id": "pick", "value": "sta"}),
        );
        assert_eq!(i.kind, InteractionKind::BlockSuggestion);
        assert_eq!(
            (i.action_id.as_deref(), i.value.as_deref()),
            (Some("pick"), Some("sta"))
        );
    }

    #[test]
    fn an_unknown_or_odd_payload_still_reads() {
        let i =
            Interaction::from_payload(&json!({"type": "brand_new", "actions": "nope", "user": 3}));
        assert_eq!(i.kind, InteractionKind::Other("brand_new".into()));
        assert!(i.actions.is_empty());
        assert_eq!(i.user_id, "");
        let i = Interaction::from_payload(&json!(null));
        assert_eq!(i.kind, InteractionKind::Other(String::new()));
    }
}
