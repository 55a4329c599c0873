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

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::SlackEvent;

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

/// One RTM event, parsed: a case per event type, [`Other`](TypedEvent::Other) for the rest.
///
/// Built by [`SlackEvent::typed`] or `TypedEvent::from(event)`. Several types share a
/// struct when their payloads have the same shape (the `*_archive`, `*_open`, … events all
/// carry a [`ConversationRef`]). New cases may be added in minor versions: keep a `_` arm.
///
/// ```
/// use slack_rtm::typed::{MessageKind, TypedEvent};
/// use slack_rtm::SlackEvent;
///
/// fn describe(ev: &SlackEvent) -> String {
///     match ev.typed() {
///         TypedEvent::Message(m) if m.kind() == MessageKind::MessageChanged => {
///             let new = m.changed_message().and_then(|n| n.text.as_deref()).unwrap_or("");
///             format!("edited to {new:?}")
///         }
///         TypedEvent::Message(m) => format!("message at {}", m.ts),
///         TypedEvent::PresenceChange(p) => format!("{} user(s) now {}", p.users.len(), p.presence),
///         TypedEvent::Other(ev) => format!("untyped {}", ev.kind()),
///         other => format!("a {} event", other.kind()),
///     }
/// }
/// let ev = SlackEvent::from_json(r#"{"type":"presence_change","users":["U1","U2"],"presence":"away"}"#)?;
/// assert_eq!(describe(&ev), "2 user(s) now away");
/// let ev = SlackEvent::from_json(r#"{"type":"app_home_opened","user":"U1"}"#)?;
/// assert_eq!(describe(&ev), "untyped app_home_opened");
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TypedEvent {
    /// `hello`: the connection is up; the first event of every connection.
    Hello,
    /// `goodbye`: the server will close the connection soon (the client reconnects).
    Goodbye,
    /// `error`: the server could not set up the connection (sent instead of `hello`).
    Error(RtmError),
    /// `reconnect_url`: experimental and undocumented beyond its type.
    ReconnectUrl(ReconnectUrl),
    /// `message`, with every subtype (see [`Message::kind`]).
    Message(Box<Message>),
    /// `user_typing`: a member is typing in a channel.
    UserTyping(UserTyping),
    /// `presence_change`, in its single (`user`) or batched (`users`) form.
    PresenceChange(PresenceChange),
    /// `manual_presence_change`: you set your own presence.
    ManualPresenceChange(ManualPresenceChange),
    /// `member_joined_channel`: a user joined a channel.
    MemberJoinedChannel(ChannelMembership),
    /// `member_left_channel`: a user left a channel.
    MemberLeftChannel(ChannelMembership),
    /// `reaction_added`.
    ReactionAdded(ReactionChange),
    /// `reaction_removed`.
    ReactionRemoved(ReactionChange),
    /// `channel_created`: `channel` is an object.
    ChannelCreated(ConversationInfo),
    /// `channel_deleted`.
    ChannelDeleted(ConversationRef),
    /// `channel_rename`: `channel` is an object with the new name.
    ChannelRename(ConversationInfo),
    /// `channel_archive` (with the `user` who archived it).
    ChannelArchive(ConversationRef),
    /// `channel_unarchive` (with the `user` who unarchived it).
    ChannelUnarchive(ConversationRef),
    /// `channel_joined`: you joined a channel; `channel` is the channel object. On
    /// Enterprise Grid its [`Channel::shared_team_ids`] tells which workspaces share it.
    ChannelJoined(ConversationInfo),
    /// `channel_left`: you left a channel.
    ChannelLeft(ConversationRef),
    /// `channel_marked`: your read marker moved.
    ChannelMarked(ConversationMarked),
    /// `channel_history_changed`: bulk changes to a channel's history; reload it.
    ChannelHistoryChanged(HistoryChanged),
    /// `group_archive`: a private channel was archived (no `user`).
    GroupArchive(ConversationRef),
    /// `group_unarchive`.
    GroupUnarchive(ConversationRef),
    /// `group_close`: you closed a private channel.
    GroupClose(ConversationRef),
    /// `group_deleted`.
    GroupDeleted(ConversationRef),
    /// `group_history_changed`.
    GroupHistoryChanged(HistoryChanged),
    /// `group_joined`: you joined a private channel; `channel` is an object.
    GroupJoined(ConversationInfo),
    /// `group_left`: you left a private channel.
    GroupLeft(ConversationRef),
    /// `group_marked`.
    GroupMarked(ConversationMarked),
    /// `group_open`: you opened a group DM.
    GroupOpen(ConversationRef),
    /// `group_rename`: `channel` is an object with the new name.
    GroupRename(ConversationInfo),
    /// `im_created`: a DM was created; `channel` is an object, `user` the other member.
    ImCreated(ConversationInfo),
    /// `im_open`: you opened a DM.
    ImOpen(ConversationRef),
    /// `im_close`: you closed a DM.
    ImClose(ConversationRef),
    /// `im_marked`.
    ImMarked(ConversationMarked),
    /// `im_history_changed`.
    ImHistoryChanged(HistoryChanged),
    /// `team_join`: a new member joined the workspace.
    TeamJoin(UserUpdate),
    /// `team_rename`.
    TeamRename(TeamRename),
    /// `team_domain_change`.
    TeamDomainChange(TeamDomainChange),
    /// `email_domain_changed`.
    EmailDomainChanged(EmailDomainChanged),
    /// `user_change`: a member's data changed.
    UserChange(UserUpdate),
    /// `bot_added`.
    BotAdded(BotUpdate),
    /// `bot_changed`.
    BotChanged(BotUpdate),
    /// `pin_added` (note `channel_id`, not `channel`).
    PinAdded(PinChange),
    /// `pin_removed`.
    PinRemoved(PinChange),
    /// `star_added`.
    StarAdded(StarChange),
    /// `star_removed`.
    StarRemoved(StarChange),
    /// `emoji_changed`.
    EmojiChanged(EmojiChanged),
    /// `dnd_updated`: your Do Not Disturb settings changed.
    DndUpdated(DndUpdate),
    /// `dnd_updated_user`: a member's Do Not Disturb settings changed.
    DndUpdatedUser(DndUpdate),
    /// `pref_change`: you changed a preference.
    PrefChange(PrefChange),
    /// `subteam_created`: a user group was added.
    SubteamCreated(SubteamUpdate),
    /// `subteam_updated`: a user group or its members changed.
    SubteamUpdated(SubteamUpdate),
    /// `file_created`.
    FileCreated(FileUpdate),
    /// `file_shared`.
    FileShared(FileUpdate),
    /// `commands_changed` (non-web clients may ignore it).
    CommandsChanged(CommandsChanged),
    /// `accounts_changed` (non-web clients may ignore it).
    AccountsChanged,
    /// An event of a type not listed above, or whose payload did not fit its struct.
    Other(SlackEvent),
}

impl TypedEvent {
    /// The event's `type` as Slack names it (`"message"`, `"user_typing"`, …).
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// assert_eq!(TypedEvent::Hello.kind(), "hello");
    /// ```
    pub fn kind(&self) -> &str {
        use TypedEvent as T;
        match self {
            T::Hello => "hello",
            T::Goodbye => "goodbye",
            T::Error(_) => "error",
            T::ReconnectUrl(_) => "reconnect_url",
            T::Message(_) => "message",
            T::UserTyping(_) => "user_typing",
            T::PresenceChange(_) => "presence_change",
            T::ManualPresenceChange(_) => "manual_presence_change",
            T::MemberJoinedChannel(_) => "member_joined_channel",
            T::MemberLeftChannel(_) => "member_left_channel",
            T::ReactionAdded(_) => "reaction_added",
            T::ReactionRemoved(_) => "reaction_removed",
            T::ChannelCreated(_) => "channel_created",
            T::ChannelDeleted(_) => "channel_deleted",
            T::ChannelRename(_) => "channel_rename",
            T::ChannelArchive(_) => "channel_archive",
            T::ChannelUnarchive(_) => "channel_unarchive",
            T::ChannelJoined(_) => "channel_joined",
            T::ChannelLeft(_) => "channel_left",
            T::ChannelMarked(_) => "channel_marked",
            T::ChannelHistoryChanged(_) => "channel_history_changed",
            T::GroupArchive(_) => "group_archive",
            T::GroupUnarchive(_) => "group_unarchive",
            T::GroupClose(_) => "group_close",
            T::GroupDeleted(_) => "group_deleted",
            T::GroupHistoryChanged(_) => "group_history_changed",
            T::GroupJoined(_) => "group_joined",
            T::GroupLeft(_) => "group_left",
            T::GroupMarked(_) => "group_marked",
            T::GroupOpen(_) => "group_open",
            T::GroupRename(_) => "group_rename",
            T::ImCreated(_) => "im_created",
            T::ImOpen(_) => "im_open",
            T::ImClose(_) => "im_close",
            T::ImMarked(_) => "im_marked",
            T::ImHistoryChanged(_) => "im_history_changed",
            T::TeamJoin(_) => "team_join",
            T::TeamRename(_) => "team_rename",
            T::TeamDomainChange(_) => "team_domain_change",
            T::EmailDomainChanged(_) => "email_domain_changed",
            T::UserChange(_) => "user_change",
            T::BotAdded(_) => "bot_added",
            T::BotChanged(_) => "bot_changed",
            T::PinAdded(_) => "pin_added",
            T::PinRemoved(_) => "pin_removed",
            T::StarAdded(_) => "star_added",
            T::StarRemoved(_) => "star_removed",
            T::EmojiChanged(_) => "emoji_changed",
            T::DndUpdated(_) => "dnd_updated",
            T::DndUpdatedUser(_) => "dnd_updated_user",
            T::PrefChange(_) => "pref_change",
            T::SubteamCreated(_) => "subteam_created",
            T::SubteamUpdated(_) => "subteam_updated",
            T::FileCreated(_) => "file_created",
            T::FileShared(_) => "file_shared",
            T::CommandsChanged(_) => "commands_changed",
            T::AccountsChanged => "accounts_changed",
            T::Other(ev) => ev.kind(),
        }
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
    pub fn source(&self) -> &SlackEvent {
        &self.source
    }

    /// The raw JSON text of the event.
    pub fn raw(&self) -> &str {
        self.source.raw()
    }

    /// Splits into the parsed event and the event as received.
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

/// The typed case for a known type whose payload fits, `None` otherwise.
fn parse(ev: &SlackEvent) -> Option<TypedEvent> {
    use TypedEvent as T;
    match ev.kind() {
        "hello" => Some(T::Hello),
        "goodbye" => Some(T::Goodbye),
        "accounts_changed" => Some(T::AccountsChanged),
        "error" => de(ev).map(T::Error),
        "reconnect_url" => de(ev).map(T::ReconnectUrl),
        "message" => de(ev).map(T::Message),
        "user_typing" => de(ev).map(T::UserTyping),
        "presence_change" => de(ev).map(T::PresenceChange),
        "manual_presence_change" => de(ev).map(T::ManualPresenceChange),
        "member_joined_channel" => de(ev).map(T::MemberJoinedChannel),
        "member_left_channel" => de(ev).map(T::MemberLeftChannel),
        "reaction_added" => de(ev).map(T::ReactionAdded),
        "reaction_removed" => de(ev).map(T::ReactionRemoved),
        "channel_created" => de(ev).map(T::ChannelCreated),
        "channel_deleted" => de(ev).map(T::ChannelDeleted),
        "channel_rename" => de(ev).map(T::ChannelRename),
        "channel_archive" => de(ev).map(T::ChannelArchive),
        "channel_unarchive" => de(ev).map(T::ChannelUnarchive),
        "channel_joined" => de(ev).map(T::ChannelJoined),
        "channel_left" => de(ev).map(T::ChannelLeft),
        "channel_marked" => de(ev).map(T::ChannelMarked),
        "channel_history_changed" => de(ev).map(T::ChannelHistoryChanged),
        "group_archive" => de(ev).map(T::GroupArchive),
        "group_unarchive" => de(ev).map(T::GroupUnarchive),
        "group_close" => de(ev).map(T::GroupClose),
        "group_deleted" => de(ev).map(T::GroupDeleted),
        "group_history_changed" => de(ev).map(T::GroupHistoryChanged),
        "group_joined" => de(ev).map(T::GroupJoined),
        "group_left" => de(ev).map(T::GroupLeft),
        "group_marked" => de(ev).map(T::GroupMarked),
        "group_open" => de(ev).map(T::GroupOpen),
        "group_rename" => de(ev).map(T::GroupRename),
        "im_created" => de(ev).map(T::ImCreated),
        "im_open" => de(ev).map(T::ImOpen),
        "im_close" => de(ev).map(T::ImClose),
        "im_marked" => de(ev).map(T::ImMarked),
        "im_history_changed" => de(ev).map(T::ImHistoryChanged),
        "team_join" => de(ev).map(T::TeamJoin),
        "team_rename" => de(ev).map(T::TeamRename),
        "team_domain_change" => de(ev).map(T::TeamDomainChange),
        "email_domain_changed" => de(ev).map(T::EmailDomainChanged),
        "user_change" => de(ev).map(T::UserChange),
        "bot_added" => de(ev).map(T::BotAdded),
        "bot_changed" => de(ev).map(T::BotChanged),
        "pin_added" => de(ev).map(T::PinAdded),
        "pin_removed" => de(ev).map(T::PinRemoved),
        "star_added" => de(ev).map(T::StarAdded),
        "star_removed" => de(ev).map(T::StarRemoved),
        "emoji_changed" => de(ev).map(T::EmojiChanged),
        "dnd_updated" => de(ev).map(T::DndUpdated),
        "dnd_updated_user" => de(ev).map(T::DndUpdatedUser),
        "pref_change" => de(ev).map(T::PrefChange),
        "subteam_created" => de(ev).map(T::SubteamCreated),
        "subteam_updated" => de(ev).map(T::SubteamUpdated),
        "file_created" => de(ev).map(T::FileCreated),
        "file_shared" => de(ev).map(T::FileShared),
        "commands_changed" => de(ev).map(T::CommandsChanged),
        _ => None,
    }
}

/// Deserializes the whole event; a misfit is logged at DEBUG without the event's content
/// (serde's message can quote values, such as message text).
fn de<T: DeserializeOwned>(ev: &SlackEvent) -> Option<T> {
    match serde_json::from_str(ev.raw()) {
        Ok(v) => Some(v),
        Err(e) => {
            log::debug!(
                "a {} event does not fit its typed form ({:?} error at column {}): TypedEvent::Other",
                ev.kind(),
                e.classify(),
                e.column()
            );
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// Connection events
// ---------------------------------------------------------------------------------------

/// The `error` event: the server could not set up the connection, for example
/// `{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}`.
///
/// Not to be confused with an error *reply* to something you sent, which has no `type`
/// and reaches you as [`Error::Platform`](crate::Error::Platform).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(from = "RtmErrorWire")]
#[non_exhaustive]
pub struct RtmError {
    /// `error.code` (`1`: the socket URL has expired).
    pub code: Option<i64>,
    /// `error.msg`, a human-readable description.
    pub msg: Option<String>,
}

#[derive(Deserialize)]
struct RtmErrorWire {
    #[serde(default)]
    error: RtmErrorBody,
}

#[derive(Default, Deserialize)]
struct RtmErrorBody {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
}

impl From<RtmErrorWire> for RtmError {
    fn from(w: RtmErrorWire) -> Self {
        RtmError {
            code: w.error.code,
            msg: w.error.msg,
        }
    }
}

/// The `reconnect_url` event (experimental). Its `Debug` output hides the URL, as the
/// client never shows websocket URLs.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct ReconnectUrl {
    /// A websocket URL to reconnect with, when present (not in the documented example).
    #[serde(default)]
    pub url: Option<String>,
}

impl fmt::Debug for ReconnectUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReconnectUrl")
            .field("url", &self.url.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

/// A `message` event of any subtype: one struct whose optional fields are filled as the
/// subtype has them; [`Message::kind`] names the subtype.
///
/// What each subtype carries, beyond `channel`, `user`, `text` and `ts`:
///
/// | subtype ([`MessageKind`]) | fields |
/// |---|---|
/// | none (`Plain`) | `edited`, `thread_ts`, `reactions`, `files`, … |
/// | `bot_message` | `bot_id`, `username`, `icons`; no `user` |
/// | `me_message` | — |
/// | `message_changed` | `hidden`; `message` = the new version, `previous_message` (optional) |
/// | `message_deleted` | `hidden`; `deleted_ts` = the ts of the removed message |
/// | `message_replied` | `hidden`; `message` = the thread parent with `reply_count`, `replies` |
/// | `thread_broadcast` | `thread_ts`; `root` = the thread parent |
/// | `channel_join` | `inviter` when invited |
/// | `channel_topic` / `channel_purpose` | `topic` / `purpose` |
/// | `channel_name` | `old_name`, `name` |
/// | `file_share` | `file` (old form) or `files`, `upload` |
///
/// Hidden messages (`hidden: true`) are history records (edits, deletions, thread
/// bookkeeping), not something a person just said.
///
/// ```
/// use slack_rtm::typed::{MessageKind, TypedEvent};
/// use slack_rtm::SlackEvent;
///
/// let ev = SlackEvent::from_json(r#"{"type":"message","subtype":"message_changed",
///     "hidden":true,"channel":"C1","ts":"1358878755.000001",
///     "message":{"type":"message","user":"U1","text":"Hello, world!","ts":"1355517523.000005",
///                "edited":{"user":"U1","ts":"1358878755.000001"}},
///     "previous_message":{"type":"message","user":"U1","text":"Hello","ts":"1355517523.000005"}}"#)?;
/// let TypedEvent::Message(m) = ev.typed() else { panic!() };
/// assert_eq!(m.kind(), MessageKind::MessageChanged);
/// let new = m.changed_message().expect("the new version");
/// // Replace the local message whose ts is `new.ts`; the outer ts is the time of the edit.
/// assert_eq!((new.ts.as_str(), new.text.as_deref()), ("1355517523.000005", Some("Hello, world!")));
/// assert_eq!(m.previous_message.as_ref().and_then(|p| p.text.as_deref()), Some("Hello"));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// The subtype, if any (see [`Message::kind`]).
    #[serde(default)]
    pub subtype: Option<String>,
    /// The channel id (absent in nested messages and in the RTM page's simplest example).
    #[serde(default)]
    pub channel: Option<String>,
    /// The author's user id (absent for `bot_message`).
    #[serde(default)]
    pub user: Option<String>,
    /// The text, in Slack's markup (`<@U123>` mentions, `<https://…|label>` links).
    #[serde(default)]
    pub text: Option<String>,
    /// The message's timestamp, unique within its channel: its id. For `message_changed`,
    /// `message_deleted` and `message_replied` it is the time of the change.
    pub ts: String,
    /// The ts of the thread's parent, for messages in a thread (the parent has its own
    /// `ts` here).
    #[serde(default)]
    pub thread_ts: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
    /// A history record rather than a new message (see the type's docs).
    #[serde(default, deserialize_with = "lenient::flag")]
    pub hidden: bool,
    /// `channel`, `group`, `im`, `mpim` or `app_home`, when Slack says.
    #[serde(default)]
    pub channel_type: Option<String>,
    /// The workspace of the author, when Slack says.
    #[serde(default)]
    pub team: Option<String>,
    /// On Enterprise Grid: the workspace the message originates from.
    #[serde(default)]
    pub source_team: Option<String>,
    /// On Enterprise Grid: the workspace of the author.
    #[serde(default)]
    pub user_team: Option<String>,
    /// The bot's id, for messages posted by a bot.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The display name a bot posted under (`bot_message`).
    #[serde(default)]
    pub username: Option<String>,
    /// Icon overrides of a `bot_message` (`{"image_64": url}` or `{"emoji": ":x:"}`).
    #[serde(default)]
    pub icons: Option<Value>,
    /// The id a client chose for the message, when sent by a Slack client.
    #[serde(default)]
    pub client_msg_id: Option<String>,
    /// Who edited the message last, and when.
    #[serde(default)]
    pub edited: Option<Edited>,
    /// The nested message: the new version (`message_changed`) or the thread parent
    /// (`message_replied`). See [`Message::changed_message`] and [`Message::thread_parent`].
    #[serde(default)]
    pub message: Option<Box<Message>>,
    /// The version before an edit (`message_changed`); Slack does not always send it.
    #[serde(default)]
    pub previous_message: Option<Box<Message>>,
    /// The ts of the deleted message (`message_deleted`).
    #[serde(default)]
    pub deleted_ts: Option<String>,
    /// A copy of the thread parent (`thread_broadcast`).
    #[serde(default)]
    pub root: Option<Box<Message>>,
    /// Replies in the thread this message starts.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub reply_count: Option<u64>,
    /// Distinct members who replied in the thread.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub reply_users_count: Option<u64>,
    /// The ts of the thread's latest reply.
    #[serde(default)]
    pub latest_reply: Option<String>,
    /// Members who replied in the thread.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub reply_users: Vec<String>,
    /// The thread's replies, oldest first (thread parents in `message_replied`).
    #[serde(default, deserialize_with = "lenient::seq")]
    pub replies: Vec<ThreadReply>,
    /// The new topic (`channel_topic`, `group_topic`).
    #[serde(default)]
    pub topic: Option<String>,
    /// The new purpose (`channel_purpose`, `group_purpose`).
    #[serde(default)]
    pub purpose: Option<String>,
    /// The new channel name (`channel_name`).
    #[serde(default)]
    pub name: Option<String>,
    /// The former channel name (`channel_name`).
    #[serde(default)]
    pub old_name: Option<String>,
    /// Who invited the member (`channel_join`, when invited).
    #[serde(default)]
    pub inviter: Option<String>,
    /// Shared files (the current `file_share` form).
    #[serde(default, deserialize_with = "lenient::seq")]
    pub files: Vec<File>,
    /// The shared file (the old `file_share` form).
    #[serde(default)]
    pub file: Option<File>,
    /// Whether the file was uploaded with the message (`file_share`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub upload: Option<bool>,
    /// Reactions on the message.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub reactions: Vec<Reaction>,
    /// Channels the message is pinned in.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub pinned_to: Vec<String>,
    /// Whether you starred (saved) it.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_starred: Option<bool>,
    /// Legacy attachments, untyped.
    #[serde(default)]
    pub attachments: Option<Value>,
    /// Block Kit blocks, untyped.
    #[serde(default)]
    pub blocks: Option<Value>,
}

impl Message {
    /// The subtype as a [`MessageKind`].
    pub fn kind(&self) -> MessageKind {
        MessageKind::from_subtype(self.subtype.as_deref())
    }

    /// The new version of an edited message: `message` for `message_changed`, else `None`.
    pub fn changed_message(&self) -> Option<&Message> {
        match self.kind() {
            MessageKind::MessageChanged => self.message.as_deref(),
            _ => None,
        }
    }

    /// The thread parent this event carries: `message` for `message_replied`, `root` for
    /// `thread_broadcast`, else `None`.
    pub fn thread_parent(&self) -> Option<&Message> {
        match self.kind() {
            MessageKind::MessageReplied => self.message.as_deref(),
            MessageKind::ThreadBroadcast => self.root.as_deref(),
            _ => None,
        }
    }

    /// Whether this is a reply inside a thread (it has a `thread_ts` other than its own
    /// `ts`).
    pub fn is_thread_reply(&self) -> bool {
        self.thread_ts.as_deref().is_some_and(|t| t != self.ts)
    }

    /// The ts to answer in this message's thread with: its `thread_ts` when it is in a
    /// thread, else its own `ts` (which starts a thread).
    ///
    /// ```
    /// use slack_rtm::typed::TypedEvent;
    /// use slack_rtm::SlackEvent;
    /// let ev = SlackEvent::from_json(r#"{"type":"message","channel":"C1","text":"hi","ts":"2.0"}"#)?;
    /// let TypedEvent::Message(m) = ev.typed() else { panic!() };
    /// assert_eq!(m.thread_root_ts(), "2.0");
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn thread_root_ts(&self) -> &str {
        self.thread_ts.as_deref().unwrap_or(&self.ts)
    }
}

/// A message's subtype, for matching; [`Other`](MessageKind::Other) for subtypes not
/// listed (read [`Message::subtype`]).
///
/// [`MessageKind::from_subtype`] also works on [`SlackEvent::subtype`], before any parsing.
///
/// ```
/// use slack_rtm::typed::MessageKind;
/// use slack_rtm::SlackEvent;
/// let ev = SlackEvent::from_json(r#"{"type":"message","subtype":"bot_message","ts":"1.0"}"#)?;
/// assert_eq!(MessageKind::from_subtype(ev.subtype()), MessageKind::BotMessage);
/// assert_eq!(MessageKind::from_subtype(None), MessageKind::Plain);
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// No subtype: a message someone wrote (thread replies included).
    Plain,
    /// `bot_message`: posted by a bot or integration.
    BotMessage,
    /// `me_message`: a `/me` message.
    MeMessage,
    /// `message_changed`: an edit (hidden).
    MessageChanged,
    /// `message_deleted`: a deletion (hidden).
    MessageDeleted,
    /// `message_replied`: a thread got a reply; carries the updated parent (hidden).
    MessageReplied,
    /// `thread_broadcast`: a thread reply also sent to the channel.
    ThreadBroadcast,
    /// `channel_join`: a member joined the channel.
    ChannelJoin,
    /// `channel_leave`: a member left the channel.
    ChannelLeave,
    /// `channel_topic`: the topic was set.
    ChannelTopic,
    /// `channel_purpose`: the purpose was set.
    ChannelPurpose,
    /// `channel_name`: the channel was renamed.
    ChannelName,
    /// `file_share`: a file was shared (no longer sent over RTM since 2018).
    FileShare,
    /// Any other subtype.
    Other,
}

impl MessageKind {
    /// The kind for a `subtype` value (`None`: no subtype).
    pub fn from_subtype(subtype: Option<&str>) -> MessageKind {
        use MessageKind as K;
        match subtype {
            None => K::Plain,
            Some("bot_message") => K::BotMessage,
            Some("me_message") => K::MeMessage,
            Some("message_changed") => K::MessageChanged,
            Some("message_deleted") => K::MessageDeleted,
            Some("message_replied") => K::MessageReplied,
            Some("thread_broadcast") => K::ThreadBroadcast,
            Some("channel_join") => K::ChannelJoin,
            Some("channel_leave") => K::ChannelLeave,
            Some("channel_topic") => K::ChannelTopic,
            Some("channel_purpose") => K::ChannelPurpose,
            Some("channel_name") => K::ChannelName,
            Some("file_share") => K::FileShare,
            Some(_) => K::Other,
        }
    }
}

/// A message's `edited` marker.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Edited {
    /// Who edited it.
    pub user: Option<String>,
    /// When (the ts of the edit).
    pub ts: Option<String>,
}

/// One entry of a thread parent's `replies`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ThreadReply {
    /// The reply's author.
    pub user: Option<String>,
    /// The reply's ts.
    pub ts: Option<String>,
}

/// One emoji reaction on a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Reaction {
    /// The emoji name, without colons.
    pub name: Option<String>,
    /// How many reacted (may exceed `users.len()`: the list is truncated).
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub count: Option<u64>,
    /// Some of the users who reacted.
    #[serde(deserialize_with = "lenient::seq")]
    pub users: Vec<String>,
}

/// A file, as far as events describe it. Since 2018 file events carry only the `id`:
/// call `files.info` for the rest.
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

// ---------------------------------------------------------------------------------------
// Members, presence, reactions, pins, stars
// ---------------------------------------------------------------------------------------

/// `user_typing`: `user` is typing in `channel` (sent at most every 3 s or so per user).
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ManualPresenceChange {
    /// `active` or `away`.
    pub presence: String,
}

/// `member_joined_channel` and `member_left_channel`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ChannelMembership {
    /// The member who joined or left.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// The channel id.
    #[serde(deserialize_with = "lenient::id")]
    pub channel: String,
    /// `C` (public, and every channel created after March 2021) or `G` (private).
    #[serde(default)]
    pub channel_type: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub team: Option<String>,
    /// Who added the member, when someone did (joins only).
    #[serde(default)]
    pub inviter: Option<String>,
    /// The Enterprise Grid organization, when there is one.
    #[serde(default)]
    pub enterprise: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// What a reaction, pin or star applies to: a message (`channel`, `ts`), a file, a file
/// comment, or a channel. The docs elide it for pins and stars, so every field is optional.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Item {
    /// `message`, `file`, `file_comment`, `channel`, `im` or `group`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The channel, for a message (or the channel itself).
    #[serde(deserialize_with = "lenient::opt_id")]
    pub channel: Option<String>,
    /// The message's ts.
    pub ts: Option<String>,
    /// The file id (an object's `id` when the file is given whole).
    #[serde(deserialize_with = "lenient::opt_id")]
    pub file: Option<String>,
    /// The file comment id.
    #[serde(deserialize_with = "lenient::opt_id")]
    pub file_comment: Option<String>,
    /// The message itself, when the item carries it (pins and stars), untyped.
    pub message: Option<Value>,
}

/// `reaction_added` and `reaction_removed`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ReactionChange {
    /// Who reacted.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// The emoji name, without colons (`thumbsup`).
    pub reaction: String,
    /// The author of the item reacted to.
    #[serde(default)]
    pub item_user: Option<String>,
    /// What was reacted to.
    #[serde(default)]
    pub item: Item,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `pin_added` and `pin_removed`. The channel is in `channel_id` here, not `channel`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PinChange {
    /// Who pinned or unpinned.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// The channel.
    #[serde(deserialize_with = "lenient::id")]
    pub channel_id: String,
    /// What was pinned.
    #[serde(default)]
    pub item: Item,
    /// Whether other pins remain (`pin_removed`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub has_pins: Option<bool>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `star_added` and `star_removed` (items saved for later).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct StarChange {
    /// Who starred or unstarred.
    #[serde(deserialize_with = "lenient::id")]
    pub user: String,
    /// What was starred.
    #[serde(default)]
    pub item: Item,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Channels, groups, DMs
// ---------------------------------------------------------------------------------------

/// An event about one conversation named by its id: `channel_archive`, `channel_unarchive`,
/// `channel_deleted`, `channel_left`, and the `group_*` and `im_*` events of that shape
/// (`*_archive`, `*_unarchive`, `*_deleted`, `*_left`, `*_open`, `*_close`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConversationRef {
    /// The channel, private channel or DM id.
    #[serde(deserialize_with = "lenient::id")]
    pub channel: String,
    /// Who did it, when the event says (`channel_archive`, `*_open`, `*_close`, …).
    #[serde(default)]
    pub user: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// An event that carries the whole conversation object: `channel_created`,
/// `channel_rename`, `channel_joined`, `group_joined`, `group_rename`, `im_created`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConversationInfo {
    /// The conversation (for renames: with the new name).
    pub channel: Channel,
    /// The other member (`im_created`).
    #[serde(default)]
    pub user: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `channel_marked`, `group_marked`, `im_marked`: your read marker moved to `ts`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConversationMarked {
    /// The conversation id.
    #[serde(deserialize_with = "lenient::id")]
    pub channel: String,
    /// The ts of the last message read.
    pub ts: String,
    /// Unread messages left, when Slack says.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub unread_count: Option<u64>,
    /// Unread messages a client should display, when Slack says.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub unread_count_display: Option<u64>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `channel_history_changed`, `group_history_changed`, `im_history_changed`: bulk
/// changes to the history; reload it rather than patching.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct HistoryChanged {
    /// The conversation, when the event names it.
    #[serde(deserialize_with = "lenient::opt_id")]
    pub channel: Option<String>,
    /// The ts of the latest message affected.
    pub latest: Option<String>,
    /// The ts of the change.
    pub ts: Option<String>,
    /// When the event was dispatched.
    pub event_ts: Option<String>,
}

/// A channel, private channel (group) or DM object, as events carry it. Every field is
/// optional: the docs show it elided (`{}`) in several events.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Channel {
    /// The id (`C…`, `G…`, `D…`).
    pub id: Option<String>,
    /// The name, without `#` (none for DMs).
    pub name: Option<String>,
    /// When it was created (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub created: Option<i64>,
    /// Who created it.
    pub creator: Option<String>,
    /// The other member of a DM.
    pub user: Option<String>,
    /// A public channel.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_channel: Option<bool>,
    /// A private channel (old style). The docs show `"true"` as a string: both are accepted.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_group: Option<bool>,
    /// A DM.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_im: Option<bool>,
    /// A group DM.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_mpim: Option<bool>,
    /// A private conversation.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_private: Option<bool>,
    /// Archived.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_archived: Option<bool>,
    /// The workspace's general channel.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_general: Option<bool>,
    /// Whether you are a member.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_member: Option<bool>,
    /// Shared with other workspaces (Enterprise Grid or Slack Connect).
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_shared: Option<bool>,
    /// Shared within the Enterprise Grid organization.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_org_shared: Option<bool>,
    /// Shared with an external organization.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_ext_shared: Option<bool>,
    /// The workspaces it is shared with: on Grid, the workspaces whose connections will
    /// each deliver its messages (see [`crate::dedup`]).
    #[serde(deserialize_with = "lenient::seq")]
    pub shared_team_ids: Vec<String>,
    /// Member ids (capped, and often absent).
    #[serde(deserialize_with = "lenient::seq")]
    pub members: Vec<String>,
    /// The topic.
    pub topic: Option<Topic>,
    /// The purpose.
    pub purpose: Option<Topic>,
    /// The ts of your read marker.
    pub last_read: Option<String>,
    /// Unread messages.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub unread_count: Option<u64>,
    /// Unread messages a client should display.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub unread_count_display: Option<u64>,
}

/// A channel's topic or purpose.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Topic {
    /// The text.
    pub value: Option<String>,
    /// Who set it.
    pub creator: Option<String>,
    /// When (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub last_set: Option<i64>,
}

// ---------------------------------------------------------------------------------------
// Workspace, users, bots
// ---------------------------------------------------------------------------------------

/// `team_join` and `user_change`: the member's user object.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserUpdate {
    /// The member.
    pub user: User,
    /// When the user data was cached (seconds since the epoch; `user_change`).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cache_ts: Option<i64>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// A member's user object (the common fields; the rest is in the raw JSON).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct User {
    /// The user id (`U…`, or `W…` on Enterprise Grid).
    pub id: Option<String>,
    /// The workspace.
    pub team_id: Option<String>,
    /// The username.
    pub name: Option<String>,
    /// The full name.
    pub real_name: Option<String>,
    /// Deactivated.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub deleted: Option<bool>,
    /// The time zone (`America/Los_Angeles`).
    pub tz: Option<String>,
    /// Offset from UTC in seconds.
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub tz_offset: Option<i64>,
    /// A bot user.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_bot: Option<bool>,
    /// An app user.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_app_user: Option<bool>,
    /// A workspace admin.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_admin: Option<bool>,
    /// A workspace owner.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_owner: Option<bool>,
    /// A guest (multi-channel).
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_restricted: Option<bool>,
    /// A guest (single-channel).
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_ultra_restricted: Option<bool>,
    /// When the user object last changed (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub updated: Option<i64>,
    /// The profile.
    pub profile: Option<Profile>,
}

/// A member's profile (the common fields).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Profile {
    /// The full name.
    pub real_name: Option<String>,
    /// The display name (may be empty: then use `real_name`).
    pub display_name: Option<String>,
    /// The email address (needs the `users:read.email` scope).
    pub email: Option<String>,
    /// The job title.
    pub title: Option<String>,
    /// The status text.
    pub status_text: Option<String>,
    /// The status emoji (`:books:`).
    pub status_emoji: Option<String>,
    /// When the status expires (seconds since the epoch; 0: never).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub status_expiration: Option<i64>,
    /// A 72 px avatar URL.
    pub image_72: Option<String>,
    /// The workspace.
    pub team: Option<String>,
}

/// `team_rename`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TeamRename {
    /// The new workspace name.
    pub name: String,
}

/// `team_domain_change`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TeamDomainChange {
    /// The new workspace URL.
    #[serde(default)]
    pub url: Option<String>,
    /// The new domain.
    pub domain: String,
}

/// `email_domain_changed`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct EmailDomainChanged {
    /// The new email domain.
    pub email_domain: String,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `bot_added` and `bot_changed`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BotUpdate {
    /// The bot.
    pub bot: Bot,
}

/// A bot integration.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Bot {
    /// The bot id (`B…`).
    pub id: Option<String>,
    /// The app it belongs to.
    pub app_id: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// Removed.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub deleted: Option<bool>,
    /// Icon URLs by size (`{"image_48": url}`), untyped.
    pub icons: Option<Value>,
}

/// `emoji_changed`. The `subtype` says what changed: `add` (`name`, `value`), `remove`
/// (`names`), `rename` (`old_name`, `new_name`, `value`). Without a subtype, or with an
/// unknown one, reload the list with `emoji.list`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct EmojiChanged {
    /// `add`, `remove` or `rename`, when Slack says.
    #[serde(default)]
    pub subtype: Option<String>,
    /// The added emoji.
    #[serde(default)]
    pub name: Option<String>,
    /// The removed emoji.
    #[serde(default, deserialize_with = "lenient::seq")]
    pub names: Vec<String>,
    /// The image URL, or `alias:<name>` for an alias.
    #[serde(default)]
    pub value: Option<String>,
    /// The name before a rename.
    #[serde(default)]
    pub old_name: Option<String>,
    /// The name after a rename.
    #[serde(default)]
    pub new_name: Option<String>,
    /// When the event was dispatched.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `dnd_updated` (yours) and `dnd_updated_user` (a member's, without the snooze fields).
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

/// `pref_change`: one of your preferences changed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PrefChange {
    /// The preference.
    pub name: String,
    /// Its new value; the JSON type depends on the preference.
    #[serde(default)]
    pub value: Value,
}

/// `subteam_created` and `subteam_updated`: a user group.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct SubteamUpdate {
    /// The user group.
    pub subteam: Subteam,
}

/// A user group.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Subteam {
    /// The id (`S…`).
    pub id: Option<String>,
    /// The workspace.
    pub team_id: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The mention handle, without `@`.
    pub handle: Option<String>,
    /// Whether it is a user group.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_usergroup: Option<bool>,
    /// Whether it is external.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_external: Option<bool>,
    /// `admin`, `owner`, … for the automatic groups.
    pub auto_type: Option<String>,
    /// When it was created (seconds since the epoch).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub date_create: Option<i64>,
    /// When it was last updated.
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub date_update: Option<i64>,
    /// When it was deleted (0: it was not).
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub date_delete: Option<i64>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Who updated it last.
    pub updated_by: Option<String>,
    /// Who deleted it.
    pub deleted_by: Option<String>,
    /// Member ids (`subteam_updated`).
    #[serde(deserialize_with = "lenient::seq")]
    pub users: Vec<String>,
    /// How many members. Slack sends it as a string (`"4"`); numbers work too.
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub user_count: Option<u64>,
    /// Default channels and groups, untyped.
    pub prefs: Option<Value>,
}

/// `file_created` and `file_shared`. Current payloads carry only ids: call `files.info`.
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
    pub fn id(&self) -> Option<&str> {
        self.file_id
            .as_deref()
            .or_else(|| self.file.as_ref().and_then(|f| f.id.as_deref()))
    }
}

/// `commands_changed`: a slash command was added or changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CommandsChanged {
    /// When the event was dispatched.
    pub event_ts: Option<String>,
}

/// Deserializers that accept the shapes Slack actually sends rather than fail the event.
mod lenient {
    use std::fmt;

    use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    /// A JSON value as the number and boolean readers see it.
    enum Scalar {
        Int(i128),
        Float(f64),
        Bool(bool),
        Text(String),
    }

    /// Reads any JSON value: scalars as [`Scalar`], `null` and containers as `None`.
    struct ScalarVisitor;

    impl<'de> Visitor<'de> for ScalarVisitor {
        type Value = Option<Scalar>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, boolean, string or null")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(Scalar::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Scalar::Int(v.into())))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Scalar::Int(v.into())))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(Scalar::Float(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Scalar::Text(v.to_owned())))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }

    fn integer(s: Scalar) -> Option<i128> {
        match s {
            Scalar::Int(i) => Some(i),
            Scalar::Float(f) => whole(f),
            Scalar::Text(t) => {
                let t = t.trim();
                t.parse::<i128>()
                    .ok()
                    .or_else(|| t.parse::<f64>().ok().and_then(whole))
            }
            Scalar::Bool(_) => None,
        }
    }

    /// `f` as an integer when it is one and fits an `i64` or `u64`.
    fn whole(f: f64) -> Option<i128> {
        const LIMIT: f64 = 18_446_744_073_709_551_616.0; // 2^64
        (f.is_finite() && f.fract() == 0.0 && f.abs() < LIMIT).then_some(f as i128)
    }

    /// An optional unsigned number: a number or numeric string; anything else is `None`.
    pub(super) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let s = d.deserialize_any(ScalarVisitor)?;
        Ok(s.and_then(integer).and_then(|i| u64::try_from(i).ok()))
    }

    /// An optional signed number: a number or numeric string; anything else is `None`.
    pub(super) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        let s = d.deserialize_any(ScalarVisitor)?;
        Ok(s.and_then(integer).and_then(|i| i64::try_from(i).ok()))
    }

    /// An optional boolean: `true`/`false`, `"true"`/`"false"`, `1`/`0` (numbers or
    /// strings); anything else is `None`.
    pub(super) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(match d.deserialize_any(ScalarVisitor)? {
            Some(Scalar::Bool(b)) => Some(b),
            Some(Scalar::Int(0)) => Some(false),
            Some(Scalar::Int(1)) => Some(true),
            Some(Scalar::Text(t)) => match t.trim() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        })
    }

    /// A boolean that is `false` unless the value reads as true.
    pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(opt_bool(d)?.unwrap_or(false))
    }

    /// A list where `null` means empty.
    pub(super) fn seq<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }

    /// Reads an id: a string, or an object's `id` string. `None` for anything else.
    struct IdVisitor;

    impl<'de> Visitor<'de> for IdVisitor {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id string or an object with an id")
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut id = None;
            while let Some(key) = map.next_key::<String>()? {
                if key == "id" && id.is_none() {
                    id = map.next_value_seed(IdSeed)?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(id)
        }
    }

    /// The `id` inside an object: only a string counts.
    struct IdSeed;

    impl<'de> de::DeserializeSeed<'de> for IdSeed {
        type Value = Option<String>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            match d.deserialize_any(ScalarVisitor)? {
                Some(Scalar::Text(t)) => Ok(Some(t)),
                _ => Ok(None),
            }
        }
    }

    /// A required id: a string, or an object with an `id` string.
    pub(super) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        d.deserialize_any(IdVisitor)?
            .ok_or_else(|| de::Error::custom("expected an id string or an object with an id"))
    }

    /// An optional id: a string, an object's `id`, or `None`.
    pub(super) fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(IdVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(file stem, file text)` for a documented payload in `tests/data/events/`.
    macro_rules! payload {
        ($name:literal) => {
            (
                $name,
                include_str!(concat!("../tests/data/events/", $name, ".json")),
            )
        };
    }

    /// Every documented example payload (one object or an array of them per file).
    const PAYLOADS: &[(&str, &str)] = &[
        payload!("accounts_changed"),
        payload!("bot_added"),
        payload!("bot_changed"),
        payload!("channel_archive"),
        payload!("channel_created"),
        payload!("channel_deleted"),
        payload!("channel_joined"),
        payload!("channel_left"),
        payload!("channel_marked"),
        payload!("channel_rename"),
        payload!("channel_unarchive"),
        payload!("commands_changed"),
        payload!("dnd_updated"),
        payload!("dnd_updated_user"),
        payload!("email_domain_changed"),
        payload!("emoji_changed"),
        payload!("error"),
        payload!("file_created"),
        payload!("file_shared"),
        payload!("goodbye"),
        payload!("group_archive"),
        payload!("group_close"),
        payload!("group_joined"),
        payload!("group_left"),
        payload!("group_open"),
        payload!("group_rename"),
        payload!("hello"),
        payload!("im_close"),
        payload!("im_created"),
        payload!("im_marked"),
        payload!("im_open"),
        payload!("manual_presence_change"),
        payload!("member_joined_channel"),
        payload!("member_left_channel"),
        payload!("message"),
        payload!("message.bot_message"),
        payload!("message.channel_join"),
        payload!("message.channel_leave"),
        payload!("message.channel_name"),
        payload!("message.channel_purpose"),
        payload!("message.channel_topic"),
        payload!("message.file_share"),
        payload!("message.me_message"),
        payload!("message.message_changed"),
        payload!("message.message_deleted"),
        payload!("message.message_replied"),
        payload!("message.thread_broadcast"),
        payload!("pin_added"),
        payload!("pin_removed"),
        payload!("pong"),
        payload!("pref_change"),
        payload!("presence_change"),
        payload!("reaction_added"),
        payload!("reaction_removed"),
        payload!("reconnect_url"),
        payload!("star_added"),
        payload!("star_removed"),
        payload!("subteam_created"),
        payload!("subteam_updated"),
        payload!("team_domain_change"),
        payload!("team_join"),
        payload!("team_rename"),
        payload!("user_change"),
        payload!("user_typing"),
    ];

    fn event(json: &str) -> SlackEvent {
        SlackEvent::from_json(json).expect("a JSON object with a type")
    }

    fn typed(json: &str) -> TypedEvent {
        event(json).typed()
    }

    /// The examples of one payload file, each as JSON text.
    fn examples(name: &str) -> Vec<String> {
        let (_, text) = PAYLOADS
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a listed payload");
        match serde_json::from_str::<Value>(text).expect("valid JSON") {
            Value::Array(items) => items.iter().map(Value::to_string).collect(),
            one => vec![one.to_string()],
        }
    }

    fn message(json: &str) -> Message {
        match typed(json) {
            TypedEvent::Message(m) => *m,
            other => panic!("not a message: {other:?}"),
        }
    }

    #[test]
    fn the_payload_list_covers_every_file_in_the_test_data() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/events");
        for entry in std::fs::read_dir(dir).expect("the test data directory") {
            let path = entry.expect("a directory entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            assert!(
                PAYLOADS.iter().any(|(n, _)| *n == stem),
                "{stem}.json is not in PAYLOADS"
            );
        }
    }

    #[test]
    fn every_documented_payload_yields_its_typed_case() {
        let mut checked = 0;
        for (name, _) in PAYLOADS {
            for json in examples(name) {
                if *name == "pong" {
                    // A reply to our ping: the reader never delivers it as an event.
                    assert!(SlackEvent::from_json(&json).is_err());
                    continue;
                }
                let ev = event(&json);
                let (kind, subtype) = name.split_once('.').unwrap_or((name, ""));
                assert_eq!(ev.kind(), kind, "{name}");
                let t = ev.typed();
                assert!(
                    !matches!(t, TypedEvent::Other(_)),
                    "{name}: {json} gave Other"
                );
                assert_eq!(t.kind(), kind, "{name}");
                if let TypedEvent::Message(m) = &t {
                    // file_share's current example has no subtype key at all.
                    if m.subtype.is_some() || subtype != "file_share" {
                        let expected = (!subtype.is_empty()).then_some(subtype);
                        assert_eq!(m.subtype.as_deref(), expected, "{name}");
                        assert_ne!(m.kind(), MessageKind::Other, "{name}");
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 90, "only {checked} examples");
    }

    #[test]
    fn unknown_types_yield_other_with_the_event_untouched() {
        let json = r#"{"type":"app_home_opened","user":"U1","tab":"home"}"#;
        match typed(json) {
            TypedEvent::Other(ev) => {
                assert_eq!(ev.kind(), "app_home_opened");
                assert_eq!(ev.raw(), json);
            }
            other => panic!("{other:?}"),
        }
        // Events the frame classifier only knows as "unknown" (no string type).
        assert!(matches!(typed(r#"{"type":5}"#), TypedEvent::Other(_)));
    }

    #[test]
    fn malformed_shapes_yield_other() {
        for json in [
            r#"{"type":"user_typing","channel":"C1"}"#,
            r#"{"type":"user_typing","channel":5,"user":"U1"}"#,
            r#"{"type":"message","text":"no ts"}"#,
            r#"{"type":"message","ts":1355517523.000005}"#,
            r#"{"type":"message","ts":"1.0","text":{"rich":true}}"#,
            r#"{"type":"message","ts":"1.0","subtype":"message_changed","message":{"text":"nested, no ts"}}"#,
            r#"{"type":"presence_change","presence":"away"}"#,
            r#"{"type":"presence_change","users":[],"presence":"away"}"#,
            r#"{"type":"reaction_added","user":"U1","reaction":5}"#,
            r#"{"type":"channel_created","channel":"C1"}"#,
            r#"{"type":"channel_archive","channel":{"name":"no id"}}"#,
            r#"{"type":"pin_added","user":"U1","channel":"C1"}"#,
            r#"{"type":"team_rename"}"#,
            r#"{"type":"user_change","user":"U1"}"#,
        ] {
            let t = typed(json);
            assert!(matches!(t, TypedEvent::Other(_)), "{json} gave {t:?}");
            assert_eq!(t.kind(), event(json).kind());
        }
    }

    #[test]
    fn no_shape_panics_for_any_known_type() {
        let kinds = PAYLOADS
            .iter()
            .map(|(n, _)| n.split('.').next().unwrap_or(n))
            .chain([
                "channel_history_changed",
                "group_marked",
                "im_history_changed",
            ]);
        let bodies = [
            "",
            r#","channel":null,"user":null,"ts":null"#,
            r#","channel":[],"user":{},"ts":{},"users":"U1","item":[1],"subteam":[]"#,
            r#","channel":{"id":{"id":"C1"}},"user":{"id":7},"presence":1e300"#,
            r#","user_count":-1,"reply_count":"1e3","created":"x","hidden":"maybe""#,
            r#","message":{"message":{"message":null}},"previous_message":7"#,
        ];
        for kind in kinds {
            for body in bodies {
                let json = format!(r#"{{"type":"{kind}"{body}}}"#);
                if let Ok(ev) = SlackEvent::from_json(&json) {
                    let t = ev.typed();
                    assert_eq!(t.kind(), kind, "{json}");
                }
            }
        }
    }

    #[test]
    fn extra_fields_are_ignored() {
        let m = message(
            r#"{"type":"message","channel":"C1","ts":"1.0","text":"hi",
                "brand_new":{"nested":[1,2,{"x":null}]},"edited":{"ts":"2.0","why":"typo"}}"#,
        );
        assert_eq!(m.text.as_deref(), Some("hi"));
        assert_eq!(m.edited.and_then(|e| e.ts).as_deref(), Some("2.0"));
    }

    #[test]
    fn plain_messages_have_their_documented_fields() {
        let all: Vec<Message> = examples("message").iter().map(|j| message(j)).collect();
        assert_eq!(all[0].channel.as_deref(), Some("C2147483705"));
        assert_eq!(all[0].ts, "1355517523.000005");
        assert_eq!(all[0].kind(), MessageKind::Plain);
        assert!(!all[0].hidden);
        assert_eq!(
            all[1].edited.as_ref().and_then(|e| e.ts.as_deref()),
            Some("1355517536.000001")
        );
        assert_eq!(all[2].pinned_to, ["C024BE7LT"]);
        assert_eq!(all[2].is_starred, Some(true));
        assert_eq!(all[2].reactions[1].name.as_deref(), Some("facepalm"));
        assert_eq!(all[2].reactions[1].count, Some(1034));
        assert_eq!(all[2].reactions[1].users.len(), 5);
        assert_eq!(all[3].channel, None, "the RTM page example has no channel");
    }

    #[test]
    fn message_changed_reaches_the_new_and_previous_versions() {
        let docs = examples("message.message_changed");
        let doc = message(&docs[0]);
        assert_eq!(doc.kind(), MessageKind::MessageChanged);
        assert!(doc.hidden);
        assert_eq!(doc.ts, "1358878755.000001", "the outer ts is the edit time");
        let new = doc.changed_message().expect("the new version");
        assert_eq!(
            new.ts, "1355517523.000005",
            "the ts of the message to replace"
        );
        assert_eq!(new.text.as_deref(), Some("Hello, world!"));
        assert_eq!(doc.previous_message, None, "Slack's own example has none");

        let capture = message(&docs[1]);
        let previous = capture
            .previous_message
            .as_deref()
            .expect("previous_message");
        assert_eq!(
            previous.text.as_deref(),
            Some("referencing a #channel-that-doesnt-exist")
        );
        assert_eq!(
            capture.changed_message().map(|m| m.ts.as_str()),
            Some(previous.ts.as_str())
        );
        assert_eq!(capture.thread_parent(), None);
    }

    #[test]
    fn deleted_replied_and_broadcast_messages_point_at_their_targets() {
        let deleted = message(&examples("message.message_deleted")[0]);
        assert_eq!(deleted.kind(), MessageKind::MessageDeleted);
        assert!(deleted.hidden);
        assert_eq!(deleted.deleted_ts.as_deref(), Some("1358878749.000002"));

        let replied = message(&examples("message.message_replied")[0]);
        let parent = replied.thread_parent().expect("the thread parent");
        assert_eq!(parent.reply_count, Some(1));
        assert_eq!(parent.replies[0].user.as_deref(), Some("U2222222"));
        assert_eq!(parent.thread_ts.as_deref(), Some(parent.ts.as_str()));
        assert!(!parent.is_thread_reply(), "the parent is not a reply");
        assert_eq!(replied.changed_message(), None);

        let broadcast = message(&examples("message.thread_broadcast")[0]);
        assert_eq!(broadcast.kind(), MessageKind::ThreadBroadcast);
        let root = broadcast.thread_parent().expect("root");
        assert_eq!(broadcast.thread_ts.as_deref(), Some(root.ts.as_str()));
        assert!(broadcast.is_thread_reply());
        assert_eq!(broadcast.thread_root_ts(), "1673464730.703009");
        assert_eq!(root.reply_users, ["U123ABC456"]);
        assert!(broadcast.blocks.is_some());
    }

    #[test]
    fn channel_subtypes_carry_their_fields() {
        let bot = message(&examples("message.bot_message")[0]);
        assert_eq!(
            (bot.kind(), bot.user.as_deref()),
            (MessageKind::BotMessage, None)
        );
        assert_eq!(bot.bot_id.as_deref(), Some("BB12033"));
        assert_eq!(bot.username.as_deref(), Some("github"));

        let topic = message(&examples("message.channel_topic")[0]);
        assert_eq!(topic.topic.as_deref(), Some("hello world"));
        let purpose = message(&examples("message.channel_purpose")[0]);
        assert_eq!(purpose.purpose.as_deref(), Some("whatever"));
        let name = message(&examples("message.channel_name")[0]);
        assert_eq!(
            (name.old_name.as_deref(), name.name.as_deref()),
            (Some("random"), Some("watercooler"))
        );
        let join = message(&examples("message.channel_join")[1]);
        assert_eq!(join.kind(), MessageKind::ChannelJoin);
        let leave = message(&examples("message.channel_leave")[0]);
        assert_eq!(leave.kind(), MessageKind::ChannelLeave);
        let me = message(&examples("message.me_message")[0]);
        assert_eq!(me.kind(), MessageKind::MeMessage);

        let shares = examples("message.file_share");
        let old = message(&shares[0]);
        assert_eq!(
            (old.kind(), old.upload),
            (MessageKind::FileShare, Some(true))
        );
        assert_eq!(old.file, Some(File::default()));
        let new = message(&shares[1]);
        assert_eq!(new.files[0].id.as_deref(), Some("F0RDC39U1"));
        assert_eq!(new.files[0].size, Some(196920));
        assert_eq!(new.bot_id, None, "null is None");
    }

    #[test]
    fn unknown_message_subtypes_are_still_messages() {
        let m =
            message(r#"{"type":"message","subtype":"huddle_thread","ts":"1.0","channel":"C1"}"#);
        assert_eq!(m.kind(), MessageKind::Other);
        assert_eq!(m.subtype.as_deref(), Some("huddle_thread"));
    }

    #[test]
    fn presence_change_single_and_batched_fill_users() {
        let forms = examples("presence_change");
        let TypedEvent::PresenceChange(single) = typed(&forms[0]) else {
            panic!()
        };
        assert_eq!(single.users, ["U024BE7LH"]);
        let TypedEvent::PresenceChange(batch) = typed(&forms[1]) else {
            panic!()
        };
        assert_eq!(batch.users, ["U024BE7LH", "U012EA2U1"]);
        assert_eq!(batch.presence, "away");
        let TypedEvent::PresenceChange(both) =
            typed(r#"{"type":"presence_change","user":"U3","users":["U1"],"presence":"active"}"#)
        else {
            panic!()
        };
        assert_eq!(both.users, ["U3", "U1"]);
        assert!(both.is_active());
    }

    #[test]
    fn channel_is_an_object_or_an_id_as_each_type_has_it() {
        let TypedEvent::ChannelRename(r) = typed(&examples("channel_rename")[0]) else {
            panic!()
        };
        assert_eq!(r.channel.name.as_deref(), Some("new_name"));
        assert_eq!(r.channel.created, Some(1360782804));
        let TypedEvent::ChannelCreated(c) = typed(&examples("channel_created")[0]) else {
            panic!()
        };
        assert_eq!(c.channel.creator.as_deref(), Some("U024BE7LH"));
        let TypedEvent::ChannelArchive(a) = typed(&examples("channel_archive")[0]) else {
            panic!()
        };
        assert_eq!(
            (a.channel.as_str(), a.user.as_deref()),
            ("C024BE91L", Some("U024BE7LH"))
        );
        let TypedEvent::GroupArchive(g) = typed(&examples("group_archive")[0]) else {
            panic!()
        };
        assert_eq!(g.user, None);
        // An older copy of channel_left showed the channel object: its id is taken.
        let TypedEvent::ChannelLeft(l) =
            typed(r#"{"type":"channel_left","channel":{"id":"C1","name":"fun"}}"#)
        else {
            panic!()
        };
        assert_eq!(l.channel, "C1");
        let TypedEvent::ChannelMarked(m) = typed(&examples("channel_marked")[0]) else {
            panic!()
        };
        assert_eq!(m.ts, "1401383885.000061");
        let TypedEvent::ImCreated(im) = typed(&examples("im_created")[1]) else {
            panic!()
        };
        assert_eq!(im.channel.is_im, Some(true));
        assert_eq!(im.user.as_deref(), Some("U024BE7LH"));
    }

    #[test]
    fn elided_objects_parse_as_empty() {
        let TypedEvent::ChannelJoined(j) = typed(&examples("channel_joined")[0]) else {
            panic!()
        };
        assert_eq!(j.channel, Channel::default());
        let TypedEvent::TeamJoin(t) = typed(&examples("team_join")[0]) else {
            panic!()
        };
        assert_eq!(t.user, User::default());
        let TypedEvent::PinAdded(p) = typed(&examples("pin_added")[0]) else {
            panic!()
        };
        assert_eq!(
            (p.channel_id.as_str(), &p.item),
            ("C02ELGNBH", &Item::default())
        );
    }

    #[test]
    fn string_typed_numbers_and_booleans_are_accepted() {
        let TypedEvent::SubteamUpdated(s) = typed(&examples("subteam_updated")[0]) else {
            panic!()
        };
        assert_eq!(s.subteam.user_count, Some(4));
        assert_eq!(s.subteam.users.len(), 4);
        assert_eq!(s.subteam.auto_type.as_deref(), Some("admin"));
        let TypedEvent::SubteamCreated(s) = typed(&examples("subteam_created")[0]) else {
            panic!()
        };
        assert_eq!(s.subteam.user_count, Some(0));
        assert_eq!(s.subteam.deleted_by, None);

        let TypedEvent::GroupJoined(g) = typed(&examples("group_joined")[1]) else {
            panic!()
        };
        assert_eq!(g.channel.is_group, Some(true), "\"true\" as a string");
        assert_eq!(g.channel.topic.and_then(|t| t.last_set), Some(1369677212));

        let TypedEvent::SubteamUpdated(s) = typed(
            r#"{"type":"subteam_updated","subteam":{"id":"S1","user_count":" 7 ","is_usergroup":1,"date_create":"1446598059"}}"#,
        ) else {
            panic!()
        };
        assert_eq!(s.subteam.user_count, Some(7));
        assert_eq!(s.subteam.is_usergroup, Some(true));
        assert_eq!(s.subteam.date_create, Some(1446598059));
    }

    #[test]
    fn nonsense_in_lenient_fields_becomes_none_not_other() {
        let m = message(
            r#"{"type":"message","ts":"1.0","hidden":"maybe","reply_count":-3,"upload":[1],
                "reactions":null,"pinned_to":null,"is_starred":{"x":1}}"#,
        );
        assert!(!m.hidden);
        assert_eq!((m.reply_count, m.upload, m.is_starred), (None, None, None));
        assert!(m.reactions.is_empty() && m.pinned_to.is_empty());
        let m = message(r#"{"type":"message","ts":"1.0","hidden":"true","reply_count":2.0}"#);
        assert!(m.hidden);
        assert_eq!(m.reply_count, Some(2));
    }

    #[test]
    fn reactions_pins_and_stars_name_their_item() {
        let forms = examples("reaction_added");
        let TypedEvent::ReactionAdded(on_message) = typed(&forms[0]) else {
            panic!()
        };
        assert_eq!(on_message.reaction, "thumbsup");
        assert_eq!(on_message.item.kind.as_deref(), Some("message"));
        assert_eq!(on_message.item.ts.as_deref(), Some("1360782400.498405"));
        let TypedEvent::ReactionAdded(on_comment) = typed(&forms[2]) else {
            panic!()
        };
        assert_eq!(on_comment.item.file_comment.as_deref(), Some("Fc0HS2KBEZ"));
        let TypedEvent::ReactionRemoved(r) = typed(&examples("reaction_removed")[1]) else {
            panic!()
        };
        assert_eq!(r.item.file.as_deref(), Some("F0HS27V1Z"));
        let TypedEvent::PinRemoved(p) = typed(&examples("pin_removed")[0]) else {
            panic!()
        };
        assert_eq!(p.has_pins, Some(false));
        // A star on a whole file object still names the file.
        let TypedEvent::StarAdded(s) = typed(
            r#"{"type":"star_added","user":"U1","item":{"type":"file","file":{"id":"F1","name":"a.png"}}}"#,
        ) else {
            panic!()
        };
        assert_eq!(s.item.file.as_deref(), Some("F1"));
    }

    #[test]
    fn workspace_user_and_bot_events_parse() {
        let TypedEvent::UserChange(u) = typed(&examples("user_change")[1]) else {
            panic!()
        };
        assert_eq!(u.user.id.as_deref(), Some("U1234567"));
        assert_eq!(u.user.tz_offset, Some(-25200));
        assert_eq!(u.cache_ts, Some(1648596421));
        let profile = u.user.profile.expect("profile");
        assert_eq!(profile.status_text.as_deref(), Some("riding a train"));
        let TypedEvent::TeamJoin(j) = typed(&examples("team_join")[1]) else {
            panic!()
        };
        assert_eq!(j.user.is_admin, Some(true));
        let TypedEvent::BotAdded(b) = typed(&examples("bot_added")[1]) else {
            panic!()
        };
        assert_eq!(b.bot.app_id.as_deref(), Some("A4H1JB4AZ"));
        let TypedEvent::TeamDomainChange(d) = typed(&examples("team_domain_change")[0]) else {
            panic!()
        };
        assert_eq!(d.domain, "my");
        let TypedEvent::DndUpdated(d) = typed(&examples("dnd_updated")[0]) else {
            panic!()
        };
        assert_eq!(d.dnd_status.snooze_endtime, Some(1450373897));
        let TypedEvent::DndUpdatedUser(d) = typed(&examples("dnd_updated_user")[0]) else {
            panic!()
        };
        assert_eq!(
            (d.dnd_status.next_dnd_end_ts, d.dnd_status.snooze_enabled),
            (Some(1450423800), None)
        );
        let TypedEvent::PrefChange(p) = typed(&examples("pref_change")[0]) else {
            panic!()
        };
        assert_eq!(p.value, Value::from("dense"));
        let TypedEvent::MemberJoinedChannel(m) = typed(&examples("member_joined_channel")[2])
        else {
            panic!()
        };
        assert_eq!(m.enterprise.as_deref(), Some("E123456789"));
        let TypedEvent::MemberJoinedChannel(m) = typed(&examples("member_joined_channel")[1])
        else {
            panic!()
        };
        assert_eq!(m.inviter, None);
    }

    #[test]
    fn emoji_and_file_events_parse_in_every_form() {
        let forms = examples("emoji_changed");
        let TypedEvent::EmojiChanged(bare) = typed(&forms[0]) else {
            panic!()
        };
        assert_eq!(bare.subtype, None);
        let TypedEvent::EmojiChanged(remove) = typed(&forms[2]) else {
            panic!()
        };
        assert_eq!(remove.names, ["picard_facepalm"]);
        let TypedEvent::EmojiChanged(rename) = typed(&forms[3]) else {
            panic!()
        };
        assert_eq!(rename.new_name.as_deref(), Some("cheese-grin"));

        let TypedEvent::FileShared(old) = typed(&examples("file_shared")[0]) else {
            panic!()
        };
        assert_eq!(old.id(), None);
        let TypedEvent::FileShared(new) = typed(&examples("file_shared")[1]) else {
            panic!()
        };
        assert_eq!(new.id(), Some("F2147483862"));
        assert_eq!(new.channel_id.as_deref(), Some("D01315BHHSN"));
        let TypedEvent::FileCreated(f) = typed(r#"{"type":"file_created","file":{"id":"F9"}}"#)
        else {
            panic!()
        };
        assert_eq!(f.id(), Some("F9"));
    }

    #[test]
    fn connection_events_parse() {
        assert!(matches!(typed(&examples("hello")[0]), TypedEvent::Hello));
        assert!(matches!(
            typed(&examples("goodbye")[0]),
            TypedEvent::Goodbye
        ));
        let TypedEvent::Error(e) = typed(&examples("error")[0]) else {
            panic!()
        };
        assert_eq!(
            (e.code, e.msg.as_deref()),
            (Some(1), Some("Socket URL has expired"))
        );
        let TypedEvent::Error(e) = typed(r#"{"type":"error"}"#) else {
            panic!()
        };
        assert_eq!(e, RtmError::default());
    }

    #[test]
    fn reconnect_url_debug_hides_the_url() {
        let TypedEvent::ReconnectUrl(r) =
            typed(r#"{"type":"reconnect_url","url":"wss://secret.example/abc"}"#)
        else {
            panic!()
        };
        assert_eq!(r.url.as_deref(), Some("wss://secret.example/abc"));
        assert!(!format!("{r:?}").contains("secret"));
        let typed = Typed::from(event(
            r#"{"type":"reconnect_url","url":"wss://secret.example/abc"}"#,
        ));
        assert!(!format!("{typed:?}").contains("secret"));
    }

    #[test]
    fn typed_keeps_the_raw_json_for_every_case() {
        for json in [
            r#"{"type":"user_typing","channel":"C1","user":"U1","extra":true}"#,
            r#"{"type":"not_yet_invented","x":1}"#,
        ] {
            let typed = Typed::from(event(json));
            assert_eq!(typed.raw(), json);
            assert_eq!(typed.source().raw(), json);
            let (t, source) = typed.into_parts();
            assert_eq!(t.kind(), source.kind());
        }
    }

    #[test]
    fn from_an_owned_event_matches_typed() {
        for (name, _) in PAYLOADS.iter().filter(|(n, _)| *n != "pong") {
            for json in examples(name) {
                let ev = event(&json);
                let by_ref = format!("{:?}", ev.typed());
                assert_eq!(format!("{:?}", TypedEvent::from(ev)), by_ref);
            }
        }
    }
}
