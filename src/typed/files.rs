//! Files, as events describe them: `file_created`, `file_shared`, and a message's files.

use serde::Deserialize;

use crate::model::lenient;

/// A file, as far as events describe it. Since 2018 file events carry only the `id`:
/// call `files.info` for the rest.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"file_shared","file_id":"F1","file":{"id":"F1","name":"a.png","size":"1024"}}"#,
/// )?;
/// let TypedEvent::FileShared(f) = ev.typed() else { panic!("not FileShared") };
/// let file = f.file.expect("the file is given");
/// assert_eq!(file.name.as_deref(), Some("a.png"));
/// assert_eq!(file.size, Some(1024));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct File {
    /// The file id (`F…`).
    pub id: Option<String>,
    /// The file name.
    pub name: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// The MIME type.
    pub mimetype: Option<String>,
    /// Slack's file type (`png`, `text`, …).
    pub filetype: Option<String>,
    /// Who uploaded it.
    pub user: Option<String>,
    /// Size in bytes.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub size: Option<u64>,
    /// When it was created (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub created: Option<i64>,
    /// `hosted`, `external`, `snippet`, `post`, …
    pub mode: Option<String>,
    /// Whether it is public in the workspace.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_public: Option<bool>,
    /// The URL to fetch it (needs the token).
    pub url_private: Option<String>,
    /// The URL to download it (needs the token).
    pub url_private_download: Option<String>,
    /// The permalink.
    pub permalink: Option<String>,
}

/// `file_created` and `file_shared`. Current payloads carry only ids: call `files.info`.
///
/// ```
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(
///     r#"{"type":"file_created","file_id":"F2147483862","file":{"id":"F2147483862"},"user_id":"U1"}"#,
/// )?;
/// let TypedEvent::FileCreated(f) = ev.typed() else { panic!("not FileCreated") };
/// assert_eq!(f.file_id.as_deref(), Some("F2147483862"));
/// assert_eq!(f.user_id.as_deref(), Some("U1"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct FileUpdate {
    /// The file id.
    pub file_id: Option<String>,
    /// The file (just its `id` in current payloads).
    pub file: Option<File>,
    /// Where it was shared (`file_shared`).
    pub channel_id: Option<String>,
    /// Who shared it (`file_shared`).
    pub user_id: Option<String>,
    /// When the event was dispatched.
    pub event_ts: Option<String>,
}

impl FileUpdate {
    /// The file id: `file_id`, or else `file.id`.
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// let ev = slack_rtm::SlackEvent::from_json(r#"{"type":"file_shared","file":{"id":"F1"},"user_id":"U1"}"#)?;
    /// let TypedEvent::FileShared(f) = ev.typed() else { panic!() };
    /// assert_eq!(f.id(), Some("F1"));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn id(&self) -> Option<&str> {
        self.file_id
            .as_deref()
            .or_else(|| self.file.as_ref().and_then(|f| f.id.as_deref()))
    }
}
