//! Typed answers of the Web API methods the client wraps.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// What `chat.postMessage` or `chat.update` answered.
///
/// ```
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::web::WebClient;
///
/// let slack = FakeSlack::start()?;
/// let web = WebClient::builder(slack.token())
///     .slack_api_url(slack.api_url())
///     .no_proxy()
///     .build()?;
/// slack.add_channel("C1", "one");
/// let posted = web.chat_post_message(&slack_rtm::web::PostMessage::new("C1", "hello"))?;
/// assert_eq!(posted.channel, "C1");
/// assert!(!posted.ts.is_empty());
/// assert_eq!(posted.message["text"], "hello");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PostedMessage {
    /// The channel id (Slack's, even when a name or user id was given).
    pub channel: String,
    /// The message's timestamp: its id within the channel (a string, not a float). For
    /// `chat.update`, the edited message's original `ts`.
    pub ts: String,
    /// The message as Slack stored it (`Value::Null` if absent).
    pub message: Value,
    /// The whole answer.
    pub raw: Value,
}

impl PostedMessage {
    pub(super) fn from_answer(method: &str, raw: Value) -> Result<Self> {
        let field = |name: &str| {
            raw.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| Error::Protocol(format!("{method} answered without `{name}`")))
        };
        Ok(Self {
            channel: field("channel")?,
            ts: field("ts")?,
            message: raw.get("message").cloned().unwrap_or(Value::Null),
            raw,
        })
    }
}

/// Who a token belongs to: the answer of `auth.test`.
///
/// ```
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::web::WebClient;
///
/// let slack = FakeSlack::start()?;
/// let web = WebClient::builder(slack.token())
///     .slack_api_url(slack.api_url())
///     .no_proxy()
///     .build()?;
/// let me = web.auth_test()?;
/// assert_eq!(me.user_id, "U0FAKEBOT");
/// assert!(me.url.starts_with("https://"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AuthTest {
    /// The user id (for a bot token, the bot user's).
    pub user_id: String,
    /// The user name.
    #[serde(default)]
    pub user: String,
    /// The workspace id.
    pub team_id: String,
    /// The workspace name.
    #[serde(default)]
    pub team: String,
    /// The workspace URL, e.g. `https://example.slack.com/`.
    #[serde(default)]
    pub url: String,
    /// The bot id, for bot tokens.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The Enterprise Grid organization id, when there is one.
    #[serde(default)]
    pub enterprise_id: Option<String>,
    /// The whole answer.
    #[serde(skip)]
    pub raw: Value,
}

/// A user's presence: the answer of `users.getPresence`.
///
/// ```
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::web::WebClient;
///
/// let slack = FakeSlack::start()?;
/// let web = WebClient::builder(slack.token())
///     .slack_api_url(slack.api_url())
///     .no_proxy()
///     .build()?;
/// slack.add_user("U0BOB", "bob");
/// slack.set_presence("U0BOB", "away");
/// let bob = web.users_get_presence("U0BOB")?;
/// assert_eq!(bob.presence, "away");
/// assert!(!bob.is_active());
/// assert_eq!(bob.online, None); // only for one's own user
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Presence {
    /// `"active"` or `"away"`.
    pub presence: String,
    /// Whether the user has a connected client (own user only).
    #[serde(default)]
    pub online: Option<bool>,
    /// Set away by Slack for inactivity (own user only).
    #[serde(default)]
    pub auto_away: Option<bool>,
    /// Set away by the user (own user only).
    #[serde(default)]
    pub manual_away: Option<bool>,
    /// How many clients are connected (own user only).
    #[serde(default)]
    pub connection_count: Option<u64>,
    /// Unix time of the last activity (own user only).
    #[serde(default)]
    pub last_activity: Option<i64>,
    /// The whole answer.
    #[serde(skip)]
    pub raw: Value,
}

impl Presence {
    /// Whether `presence` is `"active"`.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let web = slack_rtm::web::WebClient::new("xoxb-...")?;
    /// let away = !web.users_get_presence("U0123456")?.is_active();
    /// # Ok(()) }
    /// ```
    pub fn is_active(&self) -> bool {
        self.presence == "active"
    }
}

/// An object of the shared [`model`](crate::model) as a Web API method answered it,
/// with the whole object Slack sent in [`raw`](Self::raw) for the fields the model does
/// not carry. Derefs to the object, so its fields read directly.
///
/// ```
/// use slack_rtm::model::User;
/// use slack_rtm::web::WithRaw;
///
/// let raw = serde_json::json!({"id": "U1", "name": "egon", "tz_label": "Eastern"});
/// let user = WithRaw::<User>::from_json(raw)?;
/// assert_eq!(user.name, "egon"); // a field of the User
/// assert_eq!(user.raw["tz_label"], "Eastern"); // a field it does not model
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WithRaw<T> {
    /// The parsed object.
    pub value: T,
    /// The object as Slack sent it.
    pub raw: Value,
}

impl<T: DeserializeOwned> WithRaw<T> {
    /// Parses `raw` into `T`, keeping it beside.
    ///
    /// ```
    /// use slack_rtm::model::Conversation;
    /// let c = slack_rtm::web::WithRaw::<Conversation>::from_json(serde_json::json!({"id": "C1"}))?;
    /// assert_eq!(c.id, "C1");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    /// When `raw` does not fit `T` (for the model's objects: when it is not an object).
    pub fn from_json(raw: Value) -> serde_json::Result<Self> {
        Ok(Self {
            value: T::deserialize(&raw)?,
            raw,
        })
    }
}

impl<T> std::ops::Deref for WithRaw<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Deserializes an `ok: true` answer (or part of one) into a typed struct.
pub(super) fn parse<T: DeserializeOwned>(method: &str, value: &Value) -> Result<T> {
    T::deserialize(value)
        .map_err(|e| Error::Protocol(format!("{method} answered in an unexpected shape: {e}")))
}

/// Takes the object `field` out of `answer`.
pub(super) fn take_object(method: &str, mut answer: Value, field: &str) -> Result<Value> {
    match answer.get_mut(field).map(Value::take) {
        Some(v @ Value::Object(_)) => Ok(v),
        _ => Err(Error::Protocol(format!(
            "{method} answered without a `{field}` object"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Conversation;
    use serde_json::json;

    #[test]
    fn typed_answers_keep_the_raw_json_and_report_missing_fields() {
        let answer = json!({"ok": true, "presence": "away", "online": false});
        let p: Presence = parse("users.getPresence", &answer).unwrap();
        assert_eq!((p.is_active(), p.online), (false, Some(false)));
        assert!(matches!(
            parse::<AuthTest>("auth.test", &json!({"ok": true})),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            PostedMessage::from_answer("chat.postMessage", json!({"ok": true, "channel": "C1"})),
            Err(Error::Protocol(_))
        ));
        assert!(matches!(
            take_object("users.info", json!({"ok": true}), "user"),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn reference_payloads_parse() {
        let conv: Conversation = parse(
            "conversations.info",
            &json!({"id": "D1", "is_im": true, "user": "U2", "priority": 0.04}),
        )
        .unwrap();
        assert_eq!(
            (conv.name, conv.is_im, conv.user.as_deref()),
            (None, true, Some("U2"))
        );
        let me: AuthTest = parse(
            "auth.test",
            &json!({"ok": true, "url": "https://x.slack.com/", "team": "X", "user": "bot",
                    "team_id": "T1", "user_id": "W2", "bot_id": "B3"}),
        )
        .unwrap();
        assert_eq!(
            (me.user_id.as_str(), me.bot_id.as_deref()),
            ("W2", Some("B3"))
        );
    }
}
