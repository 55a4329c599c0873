//! [`PostMessage`]: the arguments of `chat.postMessage`.

use serde_json::Value;

/// The arguments of `chat.postMessage`, built with setters; unset options are not sent
/// (Slack's defaults apply).
///
/// ```
/// use serde_json::json;
/// use slack_rtm::web::PostMessage;
///
/// let msg = PostMessage::new("C0123456", "fallback text for notifications")
///     .blocks(json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]))
///     .thread_ts("1700000000.000100")
///     .unfurl_links(false);
/// assert_eq!(msg.unfurl_links, Some(false));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PostMessage {
    /// Channel, private channel or IM id (or a user id for the app's DM).
    pub channel: String,
    /// The text; with blocks, the notification fallback. Not sent when empty.
    pub text: String,
    /// Block Kit blocks (a JSON array).
    pub blocks: Option<Value>,
    /// Legacy attachments (a JSON array).
    pub attachments: Option<Value>,
    /// Reply in the thread of this parent message.
    pub thread_ts: Option<String>,
    /// With `thread_ts`: also show the reply in the channel.
    pub reply_broadcast: Option<bool>,
    /// Post as the authed user (legacy tokens only).
    pub as_user: Option<bool>,
    /// Whether `text` is formatted as mrkdwn. Slack's default: true.
    pub mrkdwn: Option<bool>,
    /// Unfurl links to text-based content.
    pub unfurl_links: Option<bool>,
    /// Unfurl links to media content.
    pub unfurl_media: Option<bool>,
    /// Find and link user groups and channel names.
    pub link_names: Option<bool>,
    /// The bot's display name for this message (needs `chat:write.customize`).
    pub username: Option<String>,
    /// An emoji for the bot's icon, e.g. `:robot_face:`.
    pub icon_emoji: Option<String>,
    /// An image URL for the bot's icon.
    pub icon_url: Option<String>,
    /// Message metadata (`{"event_type": .., "event_payload": {..}}`).
    pub metadata: Option<Value>,
    /// Other arguments, sent as they are.
    pub extra: Vec<(String, String)>,
}

impl PostMessage {
    /// A message with `text` to `channel`.
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hello");
    /// assert_eq!((msg.channel.as_str(), msg.text.as_str()), ("C0123456", "hello"));
    /// ```
    pub fn new(channel: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            text: text.into(),
            blocks: None,
            attachments: None,
            thread_ts: None,
            reply_broadcast: None,
            as_user: None,
            mrkdwn: None,
            unfurl_links: None,
            unfurl_media: None,
            link_names: None,
            username: None,
            icon_emoji: None,
            icon_url: None,
            metadata: None,
            extra: Vec::new(),
        }
    }

    /// Sets [`PostMessage::blocks`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").blocks(serde_json::json!([{"type": "divider"}]));
    /// assert!(msg.blocks.is_some());
    /// ```
    pub fn blocks(mut self, blocks: Value) -> Self {
        self.blocks = Some(blocks);
        self
    }

    /// Sets [`PostMessage::attachments`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").attachments(serde_json::json!([{"text": "legacy"}]));
    /// assert!(msg.attachments.is_some());
    /// ```
    pub fn attachments(mut self, attachments: Value) -> Self {
        self.attachments = Some(attachments);
        self
    }

    /// Sets [`PostMessage::thread_ts`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").thread_ts("1700000000.000100");
    /// assert!(msg.thread_ts.as_deref() == Some("1700000000.000100"));
    /// ```
    pub fn thread_ts(mut self, ts: impl Into<String>) -> Self {
        self.thread_ts = Some(ts.into());
        self
    }

    /// Sets [`PostMessage::reply_broadcast`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").thread_ts("1700000000.000100").reply_broadcast(true);
    /// assert!(msg.reply_broadcast == Some(true));
    /// ```
    pub fn reply_broadcast(mut self, on: bool) -> Self {
        self.reply_broadcast = Some(on);
        self
    }

    /// Sets [`PostMessage::as_user`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").as_user(true);
    /// assert!(msg.as_user == Some(true));
    /// ```
    pub fn as_user(mut self, on: bool) -> Self {
        self.as_user = Some(on);
        self
    }

    /// Sets [`PostMessage::mrkdwn`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").mrkdwn(false);
    /// assert!(msg.mrkdwn == Some(false));
    /// ```
    pub fn mrkdwn(mut self, on: bool) -> Self {
        self.mrkdwn = Some(on);
        self
    }

    /// Sets [`PostMessage::unfurl_links`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").unfurl_links(false);
    /// assert!(msg.unfurl_links == Some(false));
    /// ```
    pub fn unfurl_links(mut self, on: bool) -> Self {
        self.unfurl_links = Some(on);
        self
    }

    /// Sets [`PostMessage::unfurl_media`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").unfurl_media(false);
    /// assert!(msg.unfurl_media == Some(false));
    /// ```
    pub fn unfurl_media(mut self, on: bool) -> Self {
        self.unfurl_media = Some(on);
        self
    }

    /// Sets [`PostMessage::link_names`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").link_names(true);
    /// assert!(msg.link_names == Some(true));
    /// ```
    pub fn link_names(mut self, on: bool) -> Self {
        self.link_names = Some(on);
        self
    }

    /// Sets [`PostMessage::username`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").username("deploy-bot");
    /// assert!(msg.username.as_deref() == Some("deploy-bot"));
    /// ```
    pub fn username(mut self, name: impl Into<String>) -> Self {
        self.username = Some(name.into());
        self
    }

    /// Sets [`PostMessage::icon_emoji`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").icon_emoji(":robot_face:");
    /// assert!(msg.icon_emoji.as_deref() == Some(":robot_face:"));
    /// ```
    pub fn icon_emoji(mut self, emoji: impl Into<String>) -> Self {
        self.icon_emoji = Some(emoji.into());
        self
    }

    /// Sets [`PostMessage::icon_url`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").icon_url("https://example.com/bot.png");
    /// assert!(msg.icon_url.is_some());
    /// ```
    pub fn icon_url(mut self, url: impl Into<String>) -> Self {
        self.icon_url = Some(url.into());
        self
    }

    /// Sets [`PostMessage::metadata`].
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").metadata(serde_json::json!({"event_type": "deploy", "event_payload": {"id": 1}}));
    /// assert!(msg.metadata.is_some());
    /// ```
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Adds another argument (appended to [`PostMessage::extra`]).
    ///
    /// ```
    /// let msg = slack_rtm::web::PostMessage::new("C0123456", "hi").param("parse", "full");
    /// assert!(msg.extra == [("parse".to_string(), "full".to_string())]);
    /// ```
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The form fields, in a stable order.
    pub(super) fn form(&self) -> Vec<(&str, String)> {
        let mut form: Vec<(&str, String)> = vec![("channel", self.channel.clone())];
        if !self.text.is_empty() {
            form.push(("text", self.text.clone()));
        }
        let json = [
            ("blocks", &self.blocks),
            ("attachments", &self.attachments),
            ("metadata", &self.metadata),
        ];
        form.extend(
            json.into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.to_string()))),
        );
        let strings = [
            ("thread_ts", &self.thread_ts),
            ("username", &self.username),
            ("icon_emoji", &self.icon_emoji),
            ("icon_url", &self.icon_url),
        ];
        form.extend(
            strings
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.clone()))),
        );
        let flags = [
            ("reply_broadcast", self.reply_broadcast),
            ("as_user", self.as_user),
            ("mrkdwn", self.mrkdwn),
            ("unfurl_links", self.unfurl_links),
            ("unfurl_media", self.unfurl_media),
            ("link_names", self.link_names),
        ];
        form.extend(
            flags
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v.to_string()))),
        );
        form.extend(self.extra.iter().map(|(k, v)| (k.as_str(), v.clone())));
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn post_message_sends_only_what_was_set() {
        let msg = PostMessage::new("C1", "").blocks(json!([])).mrkdwn(false);
        assert_eq!(
            msg.form(),
            vec![
                ("channel", "C1".to_string()),
                ("blocks", "[]".to_string()),
                ("mrkdwn", "false".to_string()),
            ]
        );
    }
}
