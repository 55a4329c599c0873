//! Typed RTM events: [`SlackEvent::typed`] turns an event into a [`TypedEvent`], one case per
//! event type a bot meets, each carrying a struct with the documented fields.
//!
//! ```
//! use slack_rtm::typed::TypedEvent;
//! use slack_rtm::SlackEvent;
//!
//! let ev = SlackEvent::from_json(
//!     r#"{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1355517523.000005"}"#,
//! )?;
//! match ev.typed() {
//!     TypedEvent::Message(m) => assert_eq!(m.text.as_deref(), Some("hi")),
//!     TypedEvent::ReactionAdded(r) => println!("{} reacted with {}", r.user, r.reaction),
//!     _ => {} // every other event, including types this crate does not know
//! }
//! # Ok::<(), slack_rtm::Error>(())
//! ```
//!
//! # Parsing happens where you ask for it
//! The reader thread only peeks at `type` and `subtype`. [`SlackEvent::typed`] parses the
//! whole event on the thread that calls it (under a microsecond for a typical message),
//! so events you skip by [`SlackEvent::kind`] cost nothing more.
//!
//! # Never an error
//! An event whose type this crate does not know, or whose JSON does not fit its struct,
//! becomes [`TypedEvent::Other`] with the untouched [`SlackEvent`]: a new event type or an
//! odd payload never stops a bot. Parsing is lenient so that this stays rare:
//! - fields every documented example of a type carries (the ids that make the event
//!   useful, such as [`UserTyping::channel`]) are plain; everything else is an `Option`,
//!   a `bool` that defaults to `false` or a `Vec` that defaults to empty (`null` too);
//! - fields of nested objects (channels, users, files, …) are all optional, because the
//!   docs often show them elided (`{}`);
//! - numbers and booleans also accept their string forms (`"user_count": "4"`,
//!   `"is_group": "true"`) and become `None` when they make no sense, rather than failing;
//! - an id field also accepts an object with an `id` (older payloads of `channel_left`
//!   carried the channel object);
//! - unknown fields are ignored.
//!
//! Timestamps (`ts`, `event_ts`, `thread_ts`, …) are strings, as Slack says to treat them:
//! they are per-channel ids, exact and ASCII-sortable, not floats. Other time fields
//! (`created`, DND times, `cache_ts`) are integer seconds.
//!
//! # Keeping the raw JSON
//! [`SlackEvent::typed`] borrows the event, so its [`raw`](SlackEvent::raw) text stays at
//! hand. To pass both along as one value, use [`Typed`] (`Typed::from(event)`).
//!
//! # Where things are
//! One file per family of events: the connection events, messages, presence,
//! conversations, reactions/pins/stars (items), the workspace (members, bots, team, emoji,
//! user groups) and files. The list of types itself is one table (`typed/table.rs`) from
//! which the enum, [`TypedEvent::kind`] and the parser are generated.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::SlackEvent;

mod connection;
mod conversations;
mod files;
mod items;
mod message;
mod presence;
mod table;
mod workspace;

pub use connection::{ReconnectUrl, RtmError};
pub use conversations::{
    Channel, ChannelMembership, ConversationInfo, ConversationMarked, ConversationRef,
    HistoryChanged, Topic,
};
pub use files::{File, FileUpdate};
pub use items::{Item, PinChange, ReactionChange, StarChange};
pub use message::{Edited, Message, MessageKind, Reaction, ThreadReply};
pub use presence::{DndStatus, DndUpdate, ManualPresenceChange, PresenceChange, UserTyping};
pub use table::TypedEvent;
pub(crate) use table::{known_kind, Kind};
pub use workspace::{
    Bot, BotUpdate, CommandsChanged, EmailDomainChanged, EmojiChanged, PrefChange, Profile,
    Subteam, SubteamUpdate, TeamDomainChange, TeamRename, User, UserUpdate,
};

impl SlackEvent {
    /// Parses the event into its [`TypedEvent`] case, on the calling thread.
    ///
    /// Unknown types and payloads that do not fit their struct give
    /// [`TypedEvent::Other`] with a clone of this event (cheap: the JSON text is shared).
    /// Each call parses again; keep the result if you need it twice.
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// use slack_rtm::SlackEvent;
    ///
    /// let ev = SlackEvent::from_json(r#"{"type":"user_typing","channel":"C1","user":"U1"}"#)?;
    /// let TypedEvent::UserTyping(t) = ev.typed() else { panic!("not typed") };
    /// assert_eq!((t.channel.as_str(), t.user.as_str()), ("C1", "U1"));
    ///
    /// let odd = SlackEvent::from_json(r#"{"type":"user_typing","channel":"C1"}"#)?;
    /// assert!(matches!(odd.typed(), TypedEvent::Other(_))); // no `user`: not its shape
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn typed(&self) -> TypedEvent {
        parse(self).unwrap_or_else(|| TypedEvent::Other(self.clone()))
    }
}

impl From<&SlackEvent> for TypedEvent {
    fn from(event: &SlackEvent) -> Self {
        event.typed()
    }
}

impl From<SlackEvent> for TypedEvent {
    /// Like [`SlackEvent::typed`], without the clone when the result is `Other`.
    fn from(event: SlackEvent) -> Self {
        parse(&event).unwrap_or(TypedEvent::Other(event))
    }
}

/// The typed form of an event together with the event itself, so the raw JSON travels
/// with it.
///
/// ```
/// use slack_rtm::typed::{Typed, TypedEvent};
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(r#"{"type":"team_rename","name":"Acme","new_field":1}"#)?;
/// let typed = Typed::from(ev);
/// if let TypedEvent::TeamRename(r) = &typed.event {
///     assert_eq!(r.name, "Acme");
/// }
/// // The fields the struct does not model are still in the raw JSON.
/// assert!(typed.raw().contains("new_field"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Clone)]
pub struct Typed {
    /// The parsed event.
    pub event: TypedEvent,
    source: SlackEvent,
}

impl Typed {
    /// The event as received.
    ///
    /// ```
    /// let typed = slack_rtm::typed::Typed::from(slack_rtm::SlackEvent::from_json(r#"{"type":"hello"}"#)?);
    /// assert_eq!(typed.source().kind(), "hello");
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn source(&self) -> &SlackEvent {
        &self.source
    }

    /// The raw JSON text of the event.
    ///
    /// ```
    /// let typed = slack_rtm::typed::Typed::from(slack_rtm::SlackEvent::from_json(r#"{"type":"hello"}"#)?);
    /// assert_eq!(typed.raw(), r#"{"type":"hello"}"#);
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn raw(&self) -> &str {
        self.source.raw()
    }

    /// Splits into the parsed event and the event as received.
    ///
    /// ```
    /// use slack_rtm::typed::{Typed, TypedEvent};
    /// let typed = Typed::from(slack_rtm::SlackEvent::from_json(r#"{"type":"goodbye"}"#)?);
    /// let (event, source) = typed.into_parts();
    /// assert!(matches!(event, TypedEvent::Goodbye));
    /// assert_eq!(source.kind(), "goodbye");
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn into_parts(self) -> (TypedEvent, SlackEvent) {
        (self.event, self.source)
    }
}

impl fmt::Debug for Typed {
    /// Shows the parsed event only: the raw text can hold what the typed form hides (the
    /// URL of a `reconnect_url` event).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Typed")
            .field("event", &self.event)
            .finish_non_exhaustive()
    }
}

impl From<SlackEvent> for Typed {
    fn from(source: SlackEvent) -> Self {
        Typed {
            event: source.typed(),
            source,
        }
    }
}

impl TypedEvent {
    /// Parses one event given as JSON text, as [`SlackEvent::typed`] does: for events that
    /// did not come through the RTM socket (a recorded event, or the inner `event` of an
    /// Events API / Socket Mode envelope, whose shapes are the same).
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    ///
    /// let inner = r#"{"type":"reaction_added","user":"U1","reaction":"eyes",
    ///     "item":{"type":"message","channel":"C1","ts":"1.000001"},"event_ts":"2.0"}"#;
    /// let TypedEvent::ReactionAdded(r) = TypedEvent::from_json(inner)? else { panic!() };
    /// assert_eq!(r.reaction, "eyes");
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Protocol`](crate::Error::Protocol) when the text is not a JSON object with
    /// a `type`; a known type whose payload does not fit is `Ok(TypedEvent::Other(_))`.
    pub fn from_json(json: &str) -> Result<TypedEvent, crate::Error> {
        SlackEvent::from_json(json).map(TypedEvent::from)
    }
}

/// The typed case for an event of type `kind` whose whole JSON text is `json`: `None` for
/// a type without a typed case, or a payload that does not fit its struct. Socket Mode
/// calls this on the inner event of an `events_api` envelope.
pub(crate) fn parse_parts(kind: &str, json: &str) -> Option<TypedEvent> {
    Kind::from_name(kind)?.parse(json)
}

/// The typed case for a known type whose payload fits, `None` otherwise.
fn parse(ev: &SlackEvent) -> Option<TypedEvent> {
    parse_parts(ev.kind(), ev.raw())
}

/// Deserializes a whole event; a misfit is logged at DEBUG without the event's content
/// (serde's message can quote values, such as message text).
fn de<T: DeserializeOwned>(kind: &str, json: &str) -> Option<T> {
    match serde_json::from_str(json) {
        Ok(v) => Some(v),
        Err(e) => {
            log::debug!(
                "a {kind} event does not fit its typed form ({:?} error at column {}): TypedEvent::Other",
                e.classify(),
                e.column()
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
