//! What the cache holds: users, conversations, bots and the team, in the compact form
//! its memory bound is measured with.

/// A member of the workspace, as the cache keeps it: the fields bots use most. For the
/// rest (profile images, status, time zone, …) call `users.info` yourself.
///
/// ```no_run
/// # fn demo(cache: &slack_rtm::WorkspaceCache) -> Result<(), slack_rtm::Error> {
/// if let Some(user) = cache.user("U024BE7LH")? {
///     println!("{} (@{}), bot: {}", user.shown_name(), user.name, user.is_bot);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct User {
    /// The user id (`U…`, or `W…` on Enterprise Grid).
    pub id: String,
    /// The username (`name`), unique in the workspace; empty when Slack did not say.
    pub name: String,
    /// The full name (`real_name`, else `profile.real_name`).
    pub real_name: Option<String>,
    /// The display name (`profile.display_name`); `None` when empty, as it often is.
    pub display_name: Option<String>,
    /// The user's home workspace (`team_id`, else `profile.team`).
    pub team_id: Option<String>,
    /// A bot user.
    pub is_bot: bool,
    /// An app user.
    pub is_app_user: bool,
    /// Deactivated.
    pub deleted: bool,
    /// A workspace admin.
    pub is_admin: bool,
    /// A workspace owner.
    pub is_owner: bool,
    /// A multi-channel guest.
    pub is_restricted: bool,
    /// A single-channel guest.
    pub is_ultra_restricted: bool,
}

impl User {
    /// The name Slack shows: the display name, else the real name, else the username.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let who = cache.cached_user("U024BE7LH");
    /// println!("hello {}", who.as_ref().map_or("stranger", |u| u.shown_name()));
    /// # }
    /// ```
    pub fn shown_name(&self) -> &str {
        self.display_name
            .as_deref()
            .or(self.real_name.as_deref())
            .unwrap_or(&self.name)
    }
}

/// What kind of conversation a [`Conversation`] is.
///
/// ```no_run
/// # fn demo(cache: &slack_rtm::WorkspaceCache) -> Result<(), slack_rtm::Error> {
/// if let Some(c) = cache.channel("D024BFF1M")? {
///     println!("{} is a {}", c.id, c.kind.as_str()); // "im"
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConversationKind {
    /// A public channel (`C…`).
    Channel,
    /// A private channel (a "group": `G…`, or `C…` with `is_private`).
    Private,
    /// A direct message with one user (`D…`).
    Im,
    /// A group direct message (multi-party IM).
    Mpim,
}

impl ConversationKind {
    /// `"channel"`, `"private"`, `"im"` or `"mpim"`.
    ///
    /// ```no_run
    /// # fn demo(c: &slack_rtm::WorkspaceCache) {
    /// let dms = c.channels().into_iter().filter(|c| c.kind.as_str() == "im").count();
    /// # }
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Channel => "channel",
            Self::Private => "private",
            Self::Im => "im",
            Self::Mpim => "mpim",
        }
    }
}

/// A channel, private channel, DM or group DM, as the cache keeps it.
///
/// Topics, purposes and member lists are not kept: they change through `message` events
/// the cache does not follow, and member lists are the part of `rtm.start` that made it
/// fail on large workspaces.
///
/// ```no_run
/// # fn demo(cache: &slack_rtm::WorkspaceCache) {
/// if let Some(general) = cache.channel_by_name("#general") {
///     let archived = if general.is_archived { " (archived)" } else { "" };
///     println!("#general is {}{archived}", general.id);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Conversation {
    /// The id (`C…`, `G…`, `D…`).
    pub id: String,
    /// Public channel, private channel, DM or group DM.
    pub kind: ConversationKind,
    /// The name without `#`; `None` for DMs.
    pub name: Option<String>,
    /// The other member of a DM ([`ConversationKind::Im`]); `None` otherwise.
    pub user: Option<String>,
    /// Archived.
    pub is_archived: bool,
    /// The workspace's general channel.
    pub is_general: bool,
    /// Whether you are a member, when known (`channel_joined`/`channel_left` keep it
    /// current).
    pub is_member: Option<bool>,
    /// Whether a DM or group DM is open, when known (`im_open`/`im_close`,
    /// `group_open`/`group_close` keep it current).
    pub is_open: Option<bool>,
}

/// A bot integration (`bots` of `rtm.start`, `bot_added`, `bot_changed`).
///
/// ```no_run
/// # fn demo(cache: &slack_rtm::WorkspaceCache) {
/// if let Some(bot) = cache.bot("B024BE7LH") {
///     println!("{} (app {:?})", bot.name, bot.app_id);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bot {
    /// The bot id (`B…`).
    pub id: String,
    /// The name; empty when Slack did not say.
    pub name: String,
    /// The app it belongs to.
    pub app_id: Option<String>,
    /// The bot's user, when Slack says.
    pub user_id: Option<String>,
    /// Removed.
    pub deleted: bool,
}

/// The workspace (`team` of the connect response, `team_rename`, `team_domain_change`,
/// `email_domain_changed`).
///
/// ```no_run
/// # fn demo(cache: &slack_rtm::WorkspaceCache) {
/// if let Some(team) = cache.team() {
///     println!("{} at https://{}.slack.com/", team.name, team.domain);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Team {
    /// The workspace id (`T…`).
    pub id: String,
    /// The workspace name.
    pub name: String,
    /// The domain (`example` for `example.slack.com`).
    pub domain: String,
    /// The email domain, when the workspace has one (only `rtm.start` says).
    pub email_domain: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::WorkspaceCache;

    #[test]
    fn the_cache_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<WorkspaceCache>();
        assert_send_sync::<User>();
        assert_send_sync::<Conversation>();
    }

    #[test]
    fn entry_sizes_match_the_documented_memory_cost() {
        // The inline sizes the docs quote (x86-64); the heap part is measured by the
        // ignored `memory_cost_per_entry` test in tests/cache.rs.
        if cfg!(target_pointer_width = "64") {
            assert_eq!(std::mem::size_of::<User>(), 128);
            assert_eq!(std::mem::size_of::<Conversation>(), 80);
            assert_eq!(std::mem::size_of::<Bot>(), 104);
        }
    }
}
