//! [`SlackEvent::from_json`]: an event from JSON text, classified as the reader thread
//! classifies frames. It lives with RTM's frames rather than with [`SlackEvent`] in
//! `events/event.rs`: the frame classifier (`rtm/frame.rs`) builds `SlackEvent`s and
//! interns their names from `typed`'s table, which is built on `SlackEvent`, so
//! `events/event.rs` calling the classifier was an import cycle
//! (`rtm/frame.rs → typed → events/event.rs → rtm/frame.rs`).

use tungstenite::Utf8Bytes;

use crate::error::Error;
use crate::events::event::SlackEvent;
use crate::rtm::frame::{classify, Frame};

impl SlackEvent {
    /// Classifies a JSON text as an event, as the reader thread does (for tests and for
    /// replaying recorded events).
    ///
    /// ```
    /// use slack_rtm::SlackEvent;
    /// assert!(SlackEvent::from_json(r#"{"type":"hello"}"#).is_ok());
    /// assert!(SlackEvent::from_json("[1, 2]").is_err()); // not an object
    /// ```
    ///
    /// # Errors
    /// [`Error::Protocol`] if the text is not a JSON object.
    pub fn from_json(text: &str) -> Result<SlackEvent, Error> {
        match classify(Utf8Bytes::from(text.to_string())) {
            Frame::Event(e) => Ok(e),
            Frame::Malformed(why) => Err(Error::Protocol(why)),
            _ => Err(Error::Protocol("the JSON is a reply, not an event".into())),
        }
    }
}
