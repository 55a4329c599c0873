//! Presence and activity: `user_typing`, `presence_change`, `manual_presence_change`,
//! `dnd_updated`, `dnd_updated_user`.

use serde::Deserialize;

use crate::model::lenient;

/// `user_typing`: `user` is typing in `channel` (sent at most every 3 s or so per user).
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"user_typing","channel":"C02ELGNBH","user":"U024BE7LH"}"#,
/// )?;
/// let TypedEvent::UserTyping(t) = ev.typed() else { panic!("not UserTyping") };
/// assert_eq!((t.channel.as_str(), t.user.as_str()), ("C02ELGNBH", "U024BE7LH"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserTyping {
    /// The channel id.
    #[serde(deserialize_with = "lenient::id")]
    pub channel: String,
    /// The user id.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
}

/// `presence_change`, in either form: the single form (`"user": "U1"`, deprecated) and
/// the batched one (`"users": ["U1", "U2"]`, with `batch_presence_aware=1`) both fill
/// `users`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
/// for json in [
///     r#"{"type":"presence_change","user":"U1","presence":"away"}"#,
///     r#"{"type":"presence_change","users":["U1"],"presence":"away"}"#,
/// ] {
///     let TypedEvent::PresenceChange(p) = SlackEvent::from_json(json)?.typed() else { panic!() };
///     assert_eq!(p.users, ["U1"]);
///     assert!(!p.is_active());
/// }
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "PresenceWire")]
#[non_exhaustive]
pub struct PresenceChange {
    /// The users whose presence is now `presence` (never empty).
    pub users: Vec<String>,
    /// `active` or `away`.
    pub presence: String,
}

impl PresenceChange {
    /// Whether `presence` is `active`.
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"presence_change","user":"U1","presence":"active"}"#)?;
    /// let TypedEvent::PresenceChange(p) = ev.typed() else { panic!() };
    /// assert!(p.is_active());
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn is_active(&self) -> bool {
        self.presence == "active"
    }
}

#[derive(Deserialize)]
struct PresenceWire {
    #[serde(default)]
    user: Option<String>,
    #[serde(default, deserialize_with = "lenient::seq")]
    users: Vec<String>,
    presence: String,
}

impl TryFrom<PresenceWire> for PresenceChange {
    type Error = &'static str;

    fn try_from(w: PresenceWire) -> Result<Self, Self::Error> {
        let mut users = w.users;
        if let Some(user) = w.user {
            if !users.contains(&user) {
                users.insert(0, user);
            }
        }
        if users.is_empty() {
            return Err("a presence_change without user or users");
        }
        Ok(PresenceChange {
            users,
            presence: w.presence,
        })
    }
}

/// `manual_presence_change`: you set your presence yourself.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"manual_presence_change","presence":"away"}"#,
/// )?;
/// let TypedEvent::ManualPresenceChange(p) = ev.typed() else { panic!("not ManualPresenceChange") };
/// assert_eq!(p.presence, "away");
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ManualPresenceChange {
    /// `active` or `away`.
    pub presence: String,
}

/// `dnd_updated` (yours) and `dnd_updated_user` (a member's, without the snooze fields).
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"dnd_updated_user","user":"U1234","dnd_status":{"dnd_enabled":true,"next_dnd_start_ts":1450387800,"next_dnd_end_ts":1450423800}}"#,
/// )?;
/// let TypedEvent::DndUpdatedUser(d) = ev.typed() else { panic!("not DndUpdatedUser") };
/// assert_eq!(d.user, "U1234");
/// assert_eq!(d.dnd_status.dnd_enabled, Some(true));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct DndUpdate {
    /// Whose settings changed.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// The new settings.
    #[serde(default)]
    pub dnd_status: DndStatus,
}

/// Do Not Disturb settings. Times are seconds since the epoch.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"dnd_updated","user":"U1","dnd_status":{"dnd_enabled":true,"snooze_enabled":true,"snooze_endtime":1450373897}}"#,
/// )?;
/// let TypedEvent::DndUpdated(d) = ev.typed() else { panic!("not DndUpdated") };
/// assert_eq!(d.dnd_status.snooze_endtime, Some(1450373897));
/// assert_eq!(d.dnd_status.next_dnd_start_ts, None);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct DndStatus {
    /// Whether a DND schedule is on.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub dnd_enabled: Option<bool>,
    /// When the next scheduled DND starts.
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub next_dnd_start_ts: Option<i64>,
    /// When the next scheduled DND ends.
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub next_dnd_end_ts: Option<i64>,
    /// Whether notifications are snoozed (`dnd_updated` only).
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub snooze_enabled: Option<bool>,
    /// When the snooze ends (`dnd_updated` only).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub snooze_endtime: Option<i64>,
}
