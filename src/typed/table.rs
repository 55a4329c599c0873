//! The one table of RTM event types: each row names a type, its [`TypedEvent`] case and
//! the payload struct it parses into. The enum, [`TypedEvent::kind`], the parser, the
//! fieldless [`Kind`] the cache matches on, and the reader's interning of type names are
//! all generated from it, so a type is added in one place.

use std::sync::OnceLock;

use super::*;
use crate::SlackEvent;

/// Generates [`TypedEvent`], [`Kind`] and the name/parse functions from the rows.
macro_rules! event_table {
    ($( $(#[$doc:meta])* $name:literal => $variant:ident $(($payload:ty))? ; )*) => {
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
            $( $(#[$doc])* $variant $(($payload))?, )*
            /// An event of a type not listed above, or whose payload did not fit its struct.
            Other(SlackEvent),
        }

        /// The event types that have a [`TypedEvent`] case, without their payloads: what
        /// the workspace cache and the reader match on, so that a misspelt type name is a
        /// compile error rather than a silent miss.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum Kind {
            $( $variant, )*
        }

        impl Kind {
            /// Every row of the table, in its order.
            pub(crate) const ALL: &'static [Kind] = &[$( Kind::$variant, )*];

            /// The type's name, as Slack writes it in `type`.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $( Kind::$variant => $name, )*
                }
            }

            /// The row for a `type`, if the table has one.
            pub(crate) fn from_name(name: &str) -> Option<Kind> {
                match name {
                    $( $name => Some(Kind::$variant), )*
                    _ => None,
                }
            }

            /// Parses an event of this type from its whole JSON text; `None` when the
            /// payload does not fit its struct.
            pub(super) fn parse(self, json: &str) -> Option<TypedEvent> {
                match self {
                    $( Kind::$variant => event_table!(@parse self, json, $variant $(, $payload)?), )*
                }
            }
        }

        impl TypedEvent {
            /// The event's `type` as Slack names it (`"message"`, `"user_typing"`, …).
            ///
            /// ```
            /// use slack_rtm::typed::TypedEvent;
            /// assert_eq!(TypedEvent::Hello.kind(), "hello");
            /// ```
            pub fn kind(&self) -> &str {
                match self {
                    $( event_table!(@pattern $variant $(, $payload)?) => $name, )*
                    TypedEvent::Other(ev) => ev.kind(),
                }
            }
        }
    };
    (@parse $kind:ident, $json:ident, $variant:ident) => { Some(TypedEvent::$variant) };
    (@parse $kind:ident, $json:ident, $variant:ident, $payload:ty) => {
        de::<$payload>($kind.name(), $json).map(TypedEvent::$variant)
    };
    (@pattern $variant:ident) => { TypedEvent::$variant };
    (@pattern $variant:ident, $payload:ty) => { TypedEvent::$variant(_) };
}

event_table! {
    /// `hello`: the connection is up; the first event of every connection.
    "hello" => Hello;
    /// `goodbye`: the server will close the connection soon (the client reconnects).
    "goodbye" => Goodbye;
    /// `error`: the server could not set up the connection (sent instead of `hello`).
    "error" => Error(RtmError);
    /// `reconnect_url`: experimental and undocumented beyond its type.
    "reconnect_url" => ReconnectUrl(ReconnectUrl);
    /// `message`, with every subtype (see [`Message::kind`]).
    "message" => Message(Box<Message>);
    /// `user_typing`: a member is typing in a channel.
    "user_typing" => UserTyping(UserTyping);
    /// `presence_change`, in its single (`user`) or batched (`users`) form.
    "presence_change" => PresenceChange(PresenceChange);
    /// `manual_presence_change`: you set your own presence.
    "manual_presence_change" => ManualPresenceChange(ManualPresenceChange);
    /// `member_joined_channel`: a user joined a channel.
    "member_joined_channel" => MemberJoinedChannel(ChannelMembership);
    /// `member_left_channel`: a user left a channel.
    "member_left_channel" => MemberLeftChannel(ChannelMembership);
    /// `reaction_added`.
    "reaction_added" => ReactionAdded(ReactionChange);
    /// `reaction_removed`.
    "reaction_removed" => ReactionRemoved(ReactionChange);
    /// `channel_created`: `channel` is an object.
    "channel_created" => ChannelCreated(ConversationInfo);
    /// `channel_deleted`.
    "channel_deleted" => ChannelDeleted(ConversationRef);
    /// `channel_rename`: `channel` is an object with the new name.
    "channel_rename" => ChannelRename(ConversationInfo);
    /// `channel_archive` (with the `user` who archived it).
    "channel_archive" => ChannelArchive(ConversationRef);
    /// `channel_unarchive` (with the `user` who unarchived it).
    "channel_unarchive" => ChannelUnarchive(ConversationRef);
    /// `channel_joined`: you joined a channel; `channel` is the channel object. On
    /// Enterprise Grid its [`Channel::shared_team_ids`] tells which workspaces share it.
    "channel_joined" => ChannelJoined(ConversationInfo);
    /// `channel_left`: you left a channel.
    "channel_left" => ChannelLeft(ConversationRef);
    /// `channel_marked`: your read marker moved.
    "channel_marked" => ChannelMarked(ConversationMarked);
    /// `channel_history_changed`: bulk changes to a channel's history; reload it.
    "channel_history_changed" => ChannelHistoryChanged(HistoryChanged);
    /// `group_archive`: a private channel was archived (no `user`).
    "group_archive" => GroupArchive(ConversationRef);
    /// `group_unarchive`.
    "group_unarchive" => GroupUnarchive(ConversationRef);
    /// `group_close`: you closed a private channel.
    "group_close" => GroupClose(ConversationRef);
    /// `group_deleted`.
    "group_deleted" => GroupDeleted(ConversationRef);
    /// `group_history_changed`.
    "group_history_changed" => GroupHistoryChanged(HistoryChanged);
    /// `group_joined`: you joined a private channel; `channel` is an object.
    "group_joined" => GroupJoined(ConversationInfo);
    /// `group_left`: you left a private channel.
    "group_left" => GroupLeft(ConversationRef);
    /// `group_marked`.
    "group_marked" => GroupMarked(ConversationMarked);
    /// `group_open`: you opened a group DM.
    "group_open" => GroupOpen(ConversationRef);
    /// `group_rename`: `channel` is an object with the new name.
    "group_rename" => GroupRename(ConversationInfo);
    /// `im_created`: a DM was created; `channel` is an object, `user` the other member.
    "im_created" => ImCreated(ConversationInfo);
    /// `im_open`: you opened a DM.
    "im_open" => ImOpen(ConversationRef);
    /// `im_close`: you closed a DM.
    "im_close" => ImClose(ConversationRef);
    /// `im_marked`.
    "im_marked" => ImMarked(ConversationMarked);
    /// `im_history_changed`.
    "im_history_changed" => ImHistoryChanged(HistoryChanged);
    /// `team_join`: a new member joined the workspace.
    "team_join" => TeamJoin(UserUpdate);
    /// `team_rename`.
    "team_rename" => TeamRename(TeamRename);
    /// `team_domain_change`.
    "team_domain_change" => TeamDomainChange(TeamDomainChange);
    /// `email_domain_changed`.
    "email_domain_changed" => EmailDomainChanged(EmailDomainChanged);
    /// `user_change`: a member's data changed.
    "user_change" => UserChange(UserUpdate);
    /// `bot_added`.
    "bot_added" => BotAdded(BotUpdate);
    /// `bot_changed`.
    "bot_changed" => BotChanged(BotUpdate);
    /// `pin_added` (note `channel_id`, not `channel`).
    "pin_added" => PinAdded(PinChange);
    /// `pin_removed`.
    "pin_removed" => PinRemoved(PinChange);
    /// `star_added`.
    "star_added" => StarAdded(StarChange);
    /// `star_removed`.
    "star_removed" => StarRemoved(StarChange);
    /// `emoji_changed`.
    "emoji_changed" => EmojiChanged(EmojiChanged);
    /// `dnd_updated`: your Do Not Disturb settings changed.
    "dnd_updated" => DndUpdated(DndUpdate);
    /// `dnd_updated_user`: a member's Do Not Disturb settings changed.
    "dnd_updated_user" => DndUpdatedUser(DndUpdate);
    /// `pref_change`: you changed a preference.
    "pref_change" => PrefChange(PrefChange);
    /// `subteam_created`: a user group was added.
    "subteam_created" => SubteamCreated(SubteamUpdate);
    /// `subteam_updated`: a user group or its members changed.
    "subteam_updated" => SubteamUpdated(SubteamUpdate);
    /// `file_created`.
    "file_created" => FileCreated(FileUpdate);
    /// `file_shared`.
    "file_shared" => FileShared(FileUpdate);
    /// `commands_changed` (non-web clients may ignore it).
    "commands_changed" => CommandsChanged(CommandsChanged);
    /// `accounts_changed` (non-web clients may ignore it).
    "accounts_changed" => AccountsChanged;
}

/// Documented RTM event types that have no typed case (no documented payload, or one a
/// bot has no use for): they arrive as [`TypedEvent::Other`], and are still known names.
const UNTYPED: &[&str] = &[
    "external_org_migration_finished",
    "external_org_migration_started",
    "file_change",
    "file_comment_added",
    "file_comment_deleted",
    "file_comment_edited",
    "file_deleted",
    "file_public",
    "file_unshared",
    "shared_channel_invite_received",
    "subteam_members_changed",
    "subteam_self_added",
    "subteam_self_removed",
    "team_migration_started",
    "team_plan_change",
    "team_pref_change",
    "team_profile_change",
    "team_profile_delete",
    "team_profile_reorder",
];

/// Every known event type name, sorted (the table's rows and [`UNTYPED`]).
fn known_sorted() -> &'static [&'static str] {
    static KNOWN: OnceLock<Vec<&'static str>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut all: Vec<&'static str> = Kind::ALL.iter().map(|k| k.name()).collect();
        all.extend_from_slice(UNTYPED);
        all.sort_unstable();
        all.dedup();
        all
    })
}

/// The `'static` spelling of a known event type name (so that the reader stores common
/// names without allocating); `None` for a type this crate does not know.
pub(crate) fn known_kind(name: &str) -> Option<&'static str> {
    let known = known_sorted();
    known.binary_search(&name).ok().map(|i| known[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_round_trips_through_its_name() {
        for &kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
            assert_eq!(known_kind(kind.name()), Some(kind.name()));
        }
        assert_eq!(Kind::from_name("app_home_opened"), None);
    }

    #[test]
    fn known_names_are_unique_and_include_the_untyped_ones() {
        let rows = Kind::ALL.len() + UNTYPED.len();
        assert_eq!(known_sorted().len(), rows, "no name is listed twice");
        assert!(known_sorted().windows(2).all(|w| w[0] < w[1]));
        for name in UNTYPED {
            assert_eq!(known_kind(name), Some(*name));
            assert!(Kind::from_name(name).is_none(), "{name} has no typed case");
        }
        assert_eq!(known_kind("mesage"), None);
    }
}
