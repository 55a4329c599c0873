//! [`WorkspaceCache`]: the opt-in cache of users, conversations, bots and the team (the v3
//! client's `dataStore`), seeded on every connect, kept current from RTM events, and filled
//! lazily through the Web API. The bookkeeping (`Table`, `Store`) does no I/O and is
//! unit-tested without sockets.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::{RwLock, RwLockWriteGuard};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::events::event::SlackEvent;
use crate::net::http::WebApi;

/// Settings of the opt-in workspace cache ([`Config::workspace_cache`](crate::Config::workspace_cache)).
///
/// Memory: roughly 0.5 KB per cached user and 0.4 KB per conversation or bot (measured;
/// see [`WorkspaceCache`], *Memory*), so the default bound, with 10,000 of each kind,
/// costs about 12 MB.
///
/// ```
/// use slack_rtm::{CacheConfig, RtmClient};
///
/// let settings = CacheConfig { capacity: 2_000 }; // at most ~1 MB of users
/// assert_eq!(CacheConfig::default().capacity, 10_000);
/// let client = RtmClient::builder("xoxb-your-token")
///     .workspace_cache(Some(settings))
///     .build()?;
/// assert!(client.cache().is_some());
/// # Ok::<(), slack_rtm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Most entries kept per kind: at most `capacity` users, `capacity` conversations
    /// (channels, private channels, DMs and group DMs together) and `capacity` bots. Past
    /// it, the entry written longest ago is evicted, unless it was looked up since (see
    /// [`WorkspaceCache`], *Bound and eviction*). `0` keeps nothing: lookups still work,
    /// through the Web API every time. Default 10,000.
    pub capacity: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self { capacity: 10_000 }
    }
}

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

/// The opt-in workspace cache (the v3 client's `dataStore`): users, conversations
/// (channels, private channels, DMs, group DMs), bots and the team, so that "who is
/// U123?" and "what is #general's id?" cost no Web API call per event.
///
/// Turn it on with [`Builder::workspace_cache`](crate::Builder::workspace_cache) and
/// reach it with [`RtmClient::cache`](crate::RtmClient::cache):
///
/// ```no_run
/// use slack_rtm::{CacheConfig, Event, RtmClient};
///
/// # fn main() -> Result<(), slack_rtm::Error> {
/// let client = RtmClient::builder(std::env::var("SLACK_BOT_TOKEN").unwrap())
///     .workspace_cache(Some(CacheConfig::default()))
///     .build()?;
/// client.start()?;
/// let cache = client.cache().expect("turned on above");
/// let general = cache.channel_by_name("#general").map(|c| c.id);
/// for event in client.events() {
///     let Event::Slack(ev) = event else { continue };
///     let Ok(msg) = ev.json() else { continue };
///     if let (Some(user), Some(channel)) = (msg["user"].as_str(), msg["channel"].as_str()) {
///         // A Web API call on the first sight of each user, none after.
///         let who = cache.user(user)?.map(|u| u.shown_name().to_owned());
///         let place = cache.channel(channel)?.and_then(|c| c.name);
///         println!("{who:?} in {place:?} (general is {general:?})");
///     }
/// }
/// # Ok(()) }
/// ```
///
/// # Filling
/// - **On every connect** the cache is seeded from the `rtm.connect` / `rtm.start`
///   response. `rtm.connect` (the default) carries only `self` and `team`, so only
///   [`team`](Self::team) is filled; `rtm.start`
///   ([`Config::use_rtm_connect`](crate::Config::use_rtm_connect) `= false`) also carries
///   `users`, `channels`, `groups`, `mpims`, `ims` and `bots`, all of which are kept (up to
///   the bound). A reconnect *merges*: what the new response carries replaces what was
///   known (it is newer than anything learned before it), and everything it does not
///   mention — lazily fetched entries, or what events taught — is kept.
/// - **Lazily**: [`user`](Self::user) and [`channel`](Self::channel) ask the Web API
///   (`users.info`, `conversations.info`) on a miss, on the calling thread, and keep the
///   answer. The `cached_*` lookups never touch the network.
/// - **From RTM events**, on the reader thread before the event reaches you (so once you
///   have received an event, lookups see its effect):
///
/// | events | effect |
/// |---|---|
/// | `user_change`, `team_join` | the user is replaced / added |
/// | `channel_created`, `channel_joined`, `group_joined`, `im_created` | the conversation is replaced / added (`*_joined`: you are a member) |
/// | `channel_rename`, `group_rename` | renamed (added if unknown) |
/// | `channel_archive`, `group_archive`, `channel_unarchive`, `group_unarchive` | `is_archived` |
/// | `channel_left` | `is_member = Some(false)` |
/// | `channel_deleted`, `group_deleted`, `group_left` | removed (a private channel you left is no longer visible to you) |
/// | `im_open`, `im_close`, `group_open`, `group_close` | `is_open` (`im_open` adds an unknown DM) |
/// | `bot_added`, `bot_changed` | the bot is replaced / added |
/// | `team_rename`, `team_domain_change`, `email_domain_changed` | the team's name, domain, email domain |
///
/// An event whose payload does not fit (missing id, wrong types) is ignored and logged at
/// `DEBUG`; an event about an entry the cache does not hold changes nothing (except where
/// the table says "added"). Member lists (`member_joined_channel`, `member_left_channel`)
/// and topics/purposes (`message` subtypes) are not followed.
///
/// # Lookups
/// | lookup | on a miss |
/// |---|---|
/// | [`user`](Self::user), [`channel`](Self::channel) | Web API call on the caller's thread, then cached; "not found" is `Ok(None)` |
/// | [`cached_user`](Self::cached_user), [`cached_channel`](Self::cached_channel), [`user_by_name`](Self::user_by_name), [`channel_by_name`](Self::channel_by_name), [`im_for_user`](Self::im_for_user), [`bot`](Self::bot), [`bot_by_name`](Self::bot_by_name), [`team`](Self::team) | `None` (cache only: Slack has no cheap lookup by name, and opening a DM has side effects) |
/// | [`users`](Self::users), [`channels`](Self::channels) | copies of every cached entry, to search as you like |
///
/// Lookups return copies, so nothing stays locked while you use them.
///
/// # Bound and eviction
/// Users, conversations and bots are each bounded by [`CacheConfig::capacity`]. Past it,
/// the entry *written* longest ago (inserted, or changed by an event, a seed or a fetch)
/// is evicted — FIFO — except that an entry looked up since it was last considered gets a
/// second chance (the "CLOCK" approximation of least-recently-used): it is moved to the
/// back once instead. So users your bot keeps asking about stay, while lookups still take
/// only a shared lock (they set a flag; no reordering). Eviction keeps the name and DM
/// indexes consistent; an evicted entry is fetched again by [`user`](Self::user) /
/// [`channel`](Self::channel). An `rtm.start` snapshot larger than the bound leaves its
/// last `capacity` entries of each kind.
///
/// # Memory
/// Live heap per entry, measured on x86-64 with typical Slack strings (11-character ids,
/// 9–15 character names):
///
/// | entries of one kind | user | conversation | bot |
/// |---|---|---|---|
/// | 10,000 | 463 B | 348 B | 390 B |
/// | 7,000 or 14,000 (hash tables near full) | 361 B | 268 B | 299 B |
///
/// How: the ignored test `memory_cost_per_entry` in `tests/cache.rs` seeds N entries of
/// one kind through `rtm.start`, then counts with a counting global allocator the bytes
/// [`clear`](Self::clear) frees (bytes requested: the allocator's own overhead, some 8–16
/// bytes for each of a user's 7 allocations, comes on top). It adds up from the parts: the
/// id map's bucket (the entry struct — `User` is 128 bytes, `Conversation` 80, `Bot` 104 —
/// plus a 16-byte shared id key and 16 bytes of bookkeeping), times 1.14–2.3 as the table
/// fills and doubles; the strings, the id twice (in the struct and in the shared key); the
/// write-order queue (24 bytes an item, up to two items per entry); and the name index (a
/// 33-byte bucket and a copy of the name). Longer names add their length. At the default
/// bound, with 10,000 of each kind: about 12 MB.
///
/// # Threads and locking
/// One `parking_lot` read-write lock. Lookups take it shared, briefly (a lookup and its
/// copy: about 0.2 µs). The reader thread takes it exclusively for each followed event
/// (about 0.3 µs; the JSON is parsed before locking) and, for a seed, once per 1,000
/// entries (about 0.5 ms each in a release build; 10,000 users take 5–8 ms in all),
/// unlocking fairly in between so waiting lookups go first. Web API calls are made
/// without the lock, on the thread that called the lookup — never on the reader thread.
/// Two threads missing the same id at once may both call the Web API; the first answer is
/// kept, and an answer never overwrites what an event wrote meanwhile.
///
/// # Staleness
/// Slack does not replay events missed while disconnected: with `rtm.connect`, a user
/// renamed during a reconnect keeps their old name here until the next `user_change`.
/// Call [`clear`](Self::clear) (for example on [`Event::Ready`](crate::Event::Ready)
/// after a reconnect) if that matters more than the Web API calls to refill.
pub struct WorkspaceCache {
    web: WebApi,
    config: CacheConfig,
    store: RwLock<Store>,
}

impl fmt::Debug for WorkspaceCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("WorkspaceCache");
        d.field("capacity", &self.config.capacity);
        // `try_read`: formatting never waits for (or deadlocks with) a writer.
        match self.store.try_read() {
            Some(store) => d
                .field("users", &store.users.len())
                .field("conversations", &store.conversations.len())
                .field("bots", &store.bots.len())
                .field("team", &store.team.as_ref().map(|t| t.id.as_str())),
            None => d.field("store", &"<locked>"),
        };
        d.finish_non_exhaustive()
    }
}

/// `users.info` errors that mean "no such user for you".
const USER_NOT_FOUND: &[&str] = &["user_not_found", "user_not_visible"];
/// `conversations.info` errors that mean "no such conversation for you".
const CHANNEL_NOT_FOUND: &[&str] = &["channel_not_found"];

impl WorkspaceCache {
    pub(crate) fn new(config: CacheConfig, web: WebApi) -> Self {
        Self {
            web,
            config,
            store: RwLock::new(Store::new(config.capacity)),
        }
    }

    /// The settings the cache was built with.
    ///
    /// ```
    /// use slack_rtm::{CacheConfig, RtmClient};
    ///
    /// let client = RtmClient::builder("xoxb-your-token")
    ///     .workspace_cache(Some(CacheConfig { capacity: 500 }))
    ///     .build()?;
    /// assert_eq!(client.cache().map(|c| c.config().capacity), Some(500));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn config(&self) -> CacheConfig {
        self.config
    }

    /// The user with this id, asking `users.info` on a miss (on this thread) and caching
    /// the answer. `Ok(None)` when Slack says there is no such user (`user_not_found`,
    /// `user_not_visible`), or for an empty id (without a call).
    ///
    /// # Errors
    /// The Web API call's: [`Error::RateLimited`], [`Error::Http`] (unreachable, bounded by
    /// [`Config::http_timeout`](crate::Config::http_timeout)), [`Error::Api`] (e.g.
    /// `missing_scope`: the token needs `users:read`), [`Error::Protocol`] when the answer
    /// holds no user object.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) -> Result<(), slack_rtm::Error> {
    /// match cache.user("U024BE7LH")? {
    ///     Some(user) => println!("that is @{}", user.name),
    ///     None => println!("no such user"),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn user(&self, id: &str) -> Result<Option<User>> {
        if let Some(user) = self.cached_user(id) {
            return Ok(Some(user));
        }
        if id.is_empty() {
            return Ok(None);
        }
        let Some(body) = self.fetch("users.info", "user", id, USER_NOT_FOUND)? else {
            return Ok(None);
        };
        let user = body.get("user").and_then(parse_user).ok_or_else(|| {
            Error::Protocol("users.info answered without a user object with an id".into())
        })?;
        Ok(Some(self.store.write().users.insert_absent(user)))
    }

    /// The user with this id, if cached. Never touches the network.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let name = cache.cached_user("U024BE7LH").map(|u| u.name);
    /// # }
    /// ```
    pub fn cached_user(&self, id: &str) -> Option<User> {
        self.store.read().users.get(id).cloned()
    }

    /// The cached user with this username (`name`, with or without a leading `@`; an
    /// exact match, then a lowercase one). Never touches the network: Slack has no lookup
    /// by name short of listing every user.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let id = cache.user_by_name("@spengler").map(|u| u.id);
    /// # }
    /// ```
    pub fn user_by_name(&self, name: &str) -> Option<User> {
        let name = name.strip_prefix('@').unwrap_or(name);
        self.store.read().users.by_name(name).cloned()
    }

    /// Copies of every cached user, in no particular order (for searches the indexes do
    /// not cover: by real name, display name, …). Costs a copy of each entry.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let egon = cache
    ///     .users()
    ///     .into_iter()
    ///     .find(|u| u.real_name.as_deref() == Some("Egon Spengler"));
    /// # }
    /// ```
    pub fn users(&self) -> Vec<User> {
        self.store.read().users.values().cloned().collect()
    }

    /// The conversation (channel, private channel, DM or group DM) with this id, asking
    /// `conversations.info` on a miss (on this thread) and caching the answer. `Ok(None)`
    /// when Slack says `channel_not_found` (which includes private channels you are not
    /// in), or for an empty id (without a call).
    ///
    /// # Errors
    /// The Web API call's: [`Error::RateLimited`], [`Error::Http`], [`Error::Api`] (e.g.
    /// `missing_scope`), [`Error::Protocol`] when the answer holds no channel object.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) -> Result<(), slack_rtm::Error> {
    /// if let Some(c) = cache.channel("C024BE91L")? {
    ///     println!("#{}", c.name.as_deref().unwrap_or("?"));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn channel(&self, id: &str) -> Result<Option<Conversation>> {
        if let Some(conversation) = self.cached_channel(id) {
            return Ok(Some(conversation));
        }
        if id.is_empty() {
            return Ok(None);
        }
        let Some(body) = self.fetch("conversations.info", "channel", id, CHANNEL_NOT_FOUND)? else {
            return Ok(None);
        };
        let conversation = body
            .get("channel")
            .and_then(|c| parse_conversation(c, None))
            .ok_or_else(|| {
                Error::Protocol(
                    "conversations.info answered without a channel object with an id".into(),
                )
            })?;
        Ok(Some(
            self.store.write().conversations.insert_absent(conversation),
        ))
    }

    /// The conversation with this id, if cached. Never touches the network.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let archived = cache.cached_channel("C024BE91L").is_some_and(|c| c.is_archived);
    /// # }
    /// ```
    pub fn cached_channel(&self, id: &str) -> Option<Conversation> {
        self.store.read().conversations.get(id).cloned()
    }

    /// The cached channel, private channel or group DM with this name (with or without a
    /// leading `#`; an exact match, then a lowercase one). Never touches the network.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// let cache = client.cache().expect("the cache is on");
    /// if let Some(general) = cache.channel_by_name("#general") {
    ///     client.send_message("hello", &general.id)?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn channel_by_name(&self, name: &str) -> Option<Conversation> {
        let name = name.strip_prefix('#').unwrap_or(name);
        self.store.read().conversations.by_name(name).cloned()
    }

    /// Copies of every cached conversation, in no particular order.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let mine: Vec<String> = cache
    ///     .channels()
    ///     .into_iter()
    ///     .filter(|c| c.is_member == Some(true))
    ///     .map(|c| c.id)
    ///     .collect();
    /// # }
    /// ```
    pub fn channels(&self) -> Vec<Conversation> {
        self.store.read().conversations.values().cloned().collect()
    }

    /// The cached DM with this user. Never touches the network: opening a DM
    /// (`conversations.open`) is not a lookup.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// if let Some(dm) = client.cache().and_then(|c| c.im_for_user("U024BE7LH")) {
    ///     client.send_message("psst", &dm.id)?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn im_for_user(&self, user_id: &str) -> Option<Conversation> {
        self.store
            .read()
            .conversations
            .by_key(BY_PEER, user_id)
            .cloned()
    }

    /// The bot with this id, if cached (from `rtm.start` or `bot_added`/`bot_changed`).
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let name = cache.bot("B024BE7LH").map(|b| b.name);
    /// # }
    /// ```
    pub fn bot(&self, id: &str) -> Option<Bot> {
        self.store.read().bots.get(id).cloned()
    }

    /// The cached bot with this name (exact, then lowercase).
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let id = cache.bot_by_name("hugbot").map(|b| b.id);
    /// # }
    /// ```
    pub fn bot_by_name(&self, name: &str) -> Option<Bot> {
        self.store.read().bots.by_name(name).cloned()
    }

    /// The workspace, once connected.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let domain = cache.team().map(|t| t.domain);
    /// # }
    /// ```
    pub fn team(&self) -> Option<Team> {
        self.store.read().team.clone()
    }

    /// How many users are cached.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// assert!(cache.user_count() <= cache.config().capacity);
    /// # }
    /// ```
    pub fn user_count(&self) -> usize {
        self.store.read().users.len()
    }

    /// How many conversations are cached.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// assert!(cache.channel_count() <= cache.config().capacity);
    /// # }
    /// ```
    pub fn channel_count(&self) -> usize {
        self.store.read().conversations.len()
    }

    /// How many bots are cached.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// assert!(cache.bot_count() <= cache.config().capacity);
    /// # }
    /// ```
    pub fn bot_count(&self) -> usize {
        self.store.read().bots.len()
    }

    /// Forgets every user, conversation and bot, and frees their memory; the team is kept
    /// (every connect refreshes it). Later lookups refill the cache through the Web API.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// cache.clear();
    /// assert_eq!(cache.user_count(), 0);
    /// # }
    /// ```
    pub fn clear(&self) {
        let fresh = Store::new(self.config.capacity);
        let old = {
            let mut store = self.store.write();
            let team = store.team.take();
            let old = std::mem::replace(&mut *store, fresh);
            store.team = team;
            old
        };
        drop(old); // freed outside the lock
    }

    /// Whether events of this type change the cache (cheap; called on the reader thread).
    pub(crate) fn wants(&self, kind: &str) -> bool {
        follows(kind)
    }

    /// Applies an event that changes the workspace (called on the reader thread; never
    /// makes a Web API call).
    pub(crate) fn observe(&self, event: &SlackEvent) {
        let kind = event.kind();
        let value = match event.json() {
            Ok(v) => v,
            Err(e) => {
                log::debug!(
                    "workspace cache: a {kind} event is not JSON ({:?} error); ignored",
                    e.classify()
                );
                return;
            }
        };
        if let Err(why) = self.store.write().apply(kind, &value) {
            log::debug!("workspace cache: a {kind} event has {why}; ignored");
        }
    }

    /// Seeds from a successful rtm.connect / rtm.start response (without `url`).
    pub(crate) fn seed(&self, response: &Value) {
        let seed = Seed::parse(response);
        let counts = (seed.users.len(), seed.conversations.len(), seed.bots.len());
        let evicted = seed.merge_into(&self.store);
        log::debug!(
            "workspace cache: seeded {} users, {} conversations, {} bots ({evicted} evicted \
             over the bound)",
            counts.0,
            counts.1,
            counts.2
        );
    }

    /// One lazy Web API call: `Ok(None)` when Slack answers one of `not_found`.
    fn fetch(
        &self,
        method: &str,
        param: &str,
        id: &str,
        not_found: &[&str],
    ) -> Result<Option<Value>> {
        match self.web.call(method, &[(param, id)]) {
            Ok(body) => Ok(Some(body)),
            Err(Error::Api { error, .. }) if not_found.contains(&error.as_str()) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Which events, and what they do (no I/O)
// ---------------------------------------------------------------------------------------

/// The event types the cache follows; a `match`, so the reader's per-event check is a
/// few comparisons.
fn follows(kind: &str) -> bool {
    matches!(
        kind,
        "user_change"
            | "team_join"
            | "channel_created"
            | "channel_joined"
            | "channel_rename"
            | "channel_archive"
            | "channel_unarchive"
            | "channel_deleted"
            | "channel_left"
            | "group_joined"
            | "group_rename"
            | "group_archive"
            | "group_unarchive"
            | "group_deleted"
            | "group_left"
            | "group_open"
            | "group_close"
            | "im_created"
            | "im_open"
            | "im_close"
            | "bot_added"
            | "bot_changed"
            | "team_rename"
            | "team_domain_change"
            | "email_domain_changed"
    )
}

/// Everything the cache holds.
struct Store {
    users: Table<User>,
    conversations: Table<Conversation>,
    bots: Table<Bot>,
    team: Option<Team>,
}

/// A connect response, parsed (before taking the lock).
struct Seed {
    users: Vec<User>,
    conversations: Vec<Conversation>,
    bots: Vec<Bot>,
    team: Option<Value>,
}

impl Seed {
    fn parse(response: &Value) -> Self {
        let list = |key: &str| {
            response
                .get(key)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let mut conversations = Vec::new();
        for (key, hint) in [
            ("channels", ConversationKind::Channel),
            ("groups", ConversationKind::Private),
            ("mpims", ConversationKind::Mpim),
            ("ims", ConversationKind::Im),
        ] {
            conversations.extend(
                list(key)
                    .iter()
                    .filter_map(|c| parse_conversation(c, Some(hint))),
            );
        }
        Seed {
            users: list("users").iter().filter_map(parse_user).collect(),
            conversations,
            bots: list("bots").iter().filter_map(parse_bot).collect(),
            team: response.get("team").filter(|t| t.is_object()).cloned(),
        }
    }
}

/// Entries merged per hold of the write lock: lookups during a big seed wait for one chunk
/// (about half a millisecond), not the whole snapshot.
const SEED_CHUNK: usize = 1_000;

impl Seed {
    /// Merges into the store: what the response carries replaces what was known, the rest
    /// stays. Returns how many entries the bound evicted.
    fn merge_into(self, store: &RwLock<Store>) -> usize {
        let mut evicted = merge_chunked(store, self.users, |s| &mut s.users);
        evicted += merge_chunked(store, self.conversations, |s| &mut s.conversations);
        evicted += merge_chunked(store, self.bots, |s| &mut s.bots);
        if let Some(team) = &self.team {
            store.write().merge_team(team);
        }
        evicted
    }
}

/// Upserts `items` into one table, [`SEED_CHUNK`] at a time, unlocking fairly in between
/// so that waiting lookups go first (parking_lot is not eventually fair on its own).
fn merge_chunked<T: Entry>(
    store: &RwLock<Store>,
    items: Vec<T>,
    table: fn(&mut Store) -> &mut Table<T>,
) -> usize {
    let mut evicted = 0;
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let mut guard = store.write();
        let table = table(&mut guard);
        for item in items.by_ref().take(SEED_CHUNK) {
            evicted += table.upsert(item);
        }
        RwLockWriteGuard::unlock_fair(guard);
    }
    evicted
}

impl Store {
    fn new(capacity: usize) -> Self {
        Self {
            users: Table::new(capacity),
            conversations: Table::new(capacity),
            bots: Table::new(capacity),
            team: None,
        }
    }

    /// The team fields `v` carries replace the known ones (all of them if the id differs).
    fn merge_team(&mut self, v: &Value) {
        let Some(id) = text(v, "id") else { return };
        if self.team.as_ref().is_none_or(|t| t.id != id) {
            self.team = Some(Team {
                id: id.to_owned(),
                name: String::new(),
                domain: String::new(),
                email_domain: None,
            });
        }
        let Some(team) = self.team.as_mut() else {
            return;
        };
        if let Some(name) = text(v, "name") {
            team.name = name.to_owned();
        }
        if let Some(domain) = text(v, "domain") {
            team.domain = domain.to_owned();
        }
        if let Some(email) = v.get("email_domain").and_then(Value::as_str) {
            team.email_domain = (!email.is_empty()).then(|| email.to_owned());
        }
    }

    /// Applies one followed event. `Err` says what did not fit.
    fn apply(&mut self, kind: &str, v: &Value) -> std::result::Result<(), &'static str> {
        use ConversationKind as K;
        const NO_ID: &str = "no channel id";
        let conversation_object = |hint| {
            v.get("channel")
                .and_then(|c| parse_conversation(c, Some(hint)))
                .ok_or("no channel object with an id")
        };
        let channel_id = || id_of(v.get("channel")).ok_or(NO_ID);
        match kind {
            "user_change" | "team_join" => {
                let user = v
                    .get("user")
                    .and_then(parse_user)
                    .ok_or("no user object with an id")?;
                self.users.upsert(user);
            }
            "channel_created" | "channel_joined" | "group_joined" => {
                let hint = if kind == "group_joined" {
                    K::Private
                } else {
                    K::Channel
                };
                let mut conversation = conversation_object(hint)?;
                if kind != "channel_created" {
                    conversation.is_member.get_or_insert(true);
                }
                self.conversations.upsert(conversation);
            }
            "im_created" => {
                let mut conversation = conversation_object(K::Im)?;
                conversation.kind = K::Im;
                if conversation.user.is_none() {
                    conversation.user = owned(v, "user");
                }
                self.conversations.upsert(conversation);
            }
            "channel_rename" | "group_rename" => {
                let renamed = conversation_object(if kind == "group_rename" {
                    K::Private
                } else {
                    K::Channel
                })?;
                let name = renamed.name.clone().ok_or("no new name")?;
                if !self
                    .conversations
                    .update(&renamed.id, |c| c.name = Some(name))
                {
                    self.conversations.upsert(renamed);
                }
            }
            "channel_archive" | "group_archive" | "channel_unarchive" | "group_unarchive" => {
                let archived = kind.ends_with("_archive");
                self.conversations
                    .update(channel_id()?, |c| c.is_archived = archived);
            }
            "channel_left" => {
                self.conversations
                    .update(channel_id()?, |c| c.is_member = Some(false));
            }
            "channel_deleted" | "group_deleted" | "group_left" => {
                self.conversations.remove(channel_id()?);
            }
            "group_open" | "group_close" | "im_close" => {
                let open = kind == "group_open";
                self.conversations
                    .update(channel_id()?, |c| c.is_open = Some(open));
            }
            "im_open" => {
                let id = channel_id()?;
                let user = owned(v, "user");
                let known = self.conversations.update(id, |c| {
                    c.is_open = Some(true);
                    if c.user.is_none() {
                        c.user.clone_from(&user);
                    }
                });
                if !known {
                    let user = user.ok_or("no user for an unknown DM")?;
                    self.conversations.upsert(Conversation {
                        id: id.to_owned(),
                        kind: K::Im,
                        name: None,
                        user: Some(user),
                        is_archived: false,
                        is_general: false,
                        is_member: None,
                        is_open: Some(true),
                    });
                }
            }
            "bot_added" | "bot_changed" => {
                let bot = v
                    .get("bot")
                    .and_then(parse_bot)
                    .ok_or("no bot object with an id")?;
                self.bots.upsert(bot);
            }
            "team_rename" => {
                let name = text(v, "name").ok_or("no name")?;
                if let Some(team) = &mut self.team {
                    team.name = name.to_owned();
                }
            }
            "team_domain_change" => {
                let domain = text(v, "domain").ok_or("no domain")?;
                if let Some(team) = &mut self.team {
                    team.domain = domain.to_owned();
                }
            }
            "email_domain_changed" => {
                let email = v
                    .get("email_domain")
                    .and_then(Value::as_str)
                    .ok_or("no email_domain")?;
                if let Some(team) = &mut self.team {
                    team.email_domain = (!email.is_empty()).then(|| email.to_owned());
                }
            }
            _ => return Err("a type the cache does not follow"),
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Lenient parsing: missing fields default, wrong types are as good as missing
// ---------------------------------------------------------------------------------------

/// A non-empty string field.
fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str().filter(|s| !s.is_empty())
}

fn owned(v: &Value, key: &str) -> Option<String> {
    text(v, key).map(str::to_owned)
}

/// A boolean field: `true`/`false`, `"true"`/`"false"`, `1`/`0` (the docs show
/// `"is_group": "true"`).
fn flag(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_u64()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        _ => None,
    }
}

fn is(v: &Value, key: &str) -> bool {
    flag(v, key).unwrap_or(false)
}

/// An id given as a string, or as an object with an `id` (older payloads).
fn id_of(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s),
        obj @ Value::Object(_) => text(obj, "id"),
        _ => None,
    }
}

fn parse_user(v: &Value) -> Option<User> {
    let profile = v.get("profile").filter(|p| p.is_object());
    let from_profile = |key| profile.and_then(|p| owned(p, key));
    Some(User {
        id: owned(v, "id")?,
        name: owned(v, "name").unwrap_or_default(),
        real_name: owned(v, "real_name").or_else(|| from_profile("real_name")),
        display_name: from_profile("display_name"),
        team_id: owned(v, "team_id").or_else(|| from_profile("team")),
        is_bot: is(v, "is_bot"),
        is_app_user: is(v, "is_app_user"),
        deleted: is(v, "deleted"),
        is_admin: is(v, "is_admin"),
        is_owner: is(v, "is_owner"),
        is_restricted: is(v, "is_restricted"),
        is_ultra_restricted: is(v, "is_ultra_restricted"),
    })
}

/// A conversation object; its own flags decide the kind, then `hint` (where it came from),
/// then the id's first letter.
fn parse_conversation(v: &Value, hint: Option<ConversationKind>) -> Option<Conversation> {
    use ConversationKind as K;
    let id = owned(v, "id")?;
    let kind = if is(v, "is_im") {
        K::Im
    } else if is(v, "is_mpim") {
        K::Mpim
    } else if is(v, "is_private") || is(v, "is_group") {
        K::Private
    } else if is(v, "is_channel") {
        K::Channel
    } else if let Some(hint) = hint {
        hint
    } else {
        match id.as_bytes().first() {
            Some(b'D') => K::Im,
            Some(b'G') => K::Private,
            _ => K::Channel,
        }
    };
    Some(Conversation {
        kind,
        name: if kind == K::Im {
            None
        } else {
            owned(v, "name")
        },
        user: if kind == K::Im {
            owned(v, "user")
        } else {
            None
        },
        is_archived: is(v, "is_archived"),
        is_general: is(v, "is_general"),
        is_member: flag(v, "is_member"),
        is_open: flag(v, "is_open"),
        id,
    })
}

fn parse_bot(v: &Value) -> Option<Bot> {
    Some(Bot {
        id: owned(v, "id")?,
        name: owned(v, "name").unwrap_or_default(),
        app_id: owned(v, "app_id"),
        user_id: owned(v, "user_id"),
        deleted: is(v, "deleted"),
    })
}

// ---------------------------------------------------------------------------------------
// A bounded table with secondary indexes (no I/O)
// ---------------------------------------------------------------------------------------

/// Secondary indexes per table.
const INDEXES: usize = 2;
/// The name index (users: `name`; conversations: `name`; bots: `name`).
const BY_NAME: usize = 0;
/// The DM index (conversations of kind `Im`: the other member).
const BY_PEER: usize = 1;

/// What a [`Table`] stores.
trait Entry: Clone {
    fn id(&self) -> &str;
    /// The entry's key in secondary index `index`, if it has one.
    fn key(&self, index: usize) -> Option<&str>;
}

impl Entry for User {
    fn id(&self) -> &str {
        &self.id
    }
    fn key(&self, index: usize) -> Option<&str> {
        match index {
            BY_NAME => Some(self.name.as_str()).filter(|n| !n.is_empty()),
            _ => None,
        }
    }
}

impl Entry for Conversation {
    fn id(&self) -> &str {
        &self.id
    }
    fn key(&self, index: usize) -> Option<&str> {
        match index {
            BY_NAME => self.name.as_deref(),
            BY_PEER if self.kind == ConversationKind::Im => self.user.as_deref(),
            _ => None,
        }
    }
}

impl Entry for Bot {
    fn id(&self) -> &str {
        &self.id
    }
    fn key(&self, index: usize) -> Option<&str> {
        match index {
            BY_NAME => Some(self.name.as_str()).filter(|n| !n.is_empty()),
            _ => None,
        }
    }
}

/// One stored entry.
struct Slot<T> {
    value: T,
    /// Its latest write, matched against the queue to tell live queue entries from stale.
    seq: u64,
    /// Looked up since it was last written or given a second chance (set under the
    /// shared lock, hence atomic).
    used: AtomicBool,
}

/// Entries by id, at most `capacity` of them, with name (and DM) indexes that stay
/// consistent through writes, renames, removals and evictions.
///
/// Eviction is FIFO by last write with a second chance for entries looked up meanwhile
/// (CLOCK). The queue holds `(id, seq)` for every write; an entry rewritten or removed
/// leaves a stale queue item behind, skipped at eviction and dropped by compaction.
struct Table<T> {
    slots: HashMap<Arc<str>, Slot<T>>,
    queue: VecDeque<(Arc<str>, u64)>,
    /// Secondary key → id. On a collision the latest write wins.
    index: [HashMap<Box<str>, Arc<str>>; INDEXES],
    next_seq: u64,
    capacity: usize,
}

impl<T: Entry> Table<T> {
    fn new(capacity: usize) -> Self {
        Self {
            slots: HashMap::new(),
            queue: VecDeque::new(),
            index: Default::default(),
            next_seq: 0,
            capacity,
        }
    }

    fn len(&self) -> usize {
        self.slots.len()
    }

    /// A lookup: marks the entry as used.
    fn get(&self, id: &str) -> Option<&T> {
        let slot = self.slots.get(id)?;
        if !slot.used.load(Ordering::Relaxed) {
            slot.used.store(true, Ordering::Relaxed);
        }
        Some(&slot.value)
    }

    fn by_key(&self, index: usize, key: &str) -> Option<&T> {
        let id = self.index.get(index)?.get(key)?;
        self.get(id)
    }

    /// By name: exact, then lowercased (Slack names are lowercase).
    fn by_name(&self, name: &str) -> Option<&T> {
        self.by_key(BY_NAME, name).or_else(|| {
            name.chars()
                .any(char::is_uppercase)
                .then(|| self.by_key(BY_NAME, &name.to_lowercase()))
                .flatten()
        })
    }

    fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.values().map(|s| &s.value)
    }

    fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Inserts or replaces; the entry becomes the newest. Returns how many were evicted.
    fn upsert(&mut self, value: T) -> usize {
        let mut evicted = 0;
        let known = self
            .slots
            .get_key_value(value.id())
            .map(|(id, _)| id.clone());
        let id = match known {
            Some(id) => id,
            None => {
                // Make room first, as CLOCK does: entries given a second chance on the
                // way go behind the new one, which is examined last.
                evicted += self.make_room(1);
                Arc::from(value.id())
            }
        };
        let seq = self.next_seq();
        let old = match self.slots.get_mut(&id) {
            Some(slot) => {
                slot.seq = seq;
                Some(std::mem::replace(&mut slot.value, value))
            }
            None => {
                let slot = Slot {
                    value,
                    seq,
                    used: AtomicBool::new(false),
                };
                self.slots.insert(id.clone(), slot);
                None
            }
        };
        if let Some(slot) = self.slots.get(&id) {
            reindex(&mut self.index, old.as_ref(), Some(&slot.value), &id);
        }
        self.queue.push_back((id, seq));
        evicted += self.make_room(0); // capacity 0
        self.compact();
        evicted
    }

    /// Inserts unless the id is known; returns what is stored (or, with capacity 0, the
    /// value). Fetched answers use this, so they never overwrite what an event wrote
    /// while the call was in flight.
    fn insert_absent(&mut self, value: T) -> T {
        if let Some(known) = self.get(value.id()) {
            return known.clone();
        }
        let out = value.clone();
        self.upsert(value);
        out
    }

    /// Changes a known entry in place (never its id); it becomes the newest. False if
    /// unknown.
    fn update(&mut self, id: &str, change: impl FnOnce(&mut T)) -> bool {
        let seq = self.next_seq();
        let Some((key, slot)) = self.slots.get_key_value(id) else {
            return false;
        };
        let key = key.clone();
        let old = slot.value.clone();
        let Some(slot) = self.slots.get_mut(&key) else {
            return false;
        };
        change(&mut slot.value);
        debug_assert_eq!(slot.value.id(), old.id(), "update must not change the id");
        slot.seq = seq;
        reindex(&mut self.index, Some(&old), Some(&slot.value), &key);
        self.queue.push_back((key, seq));
        self.compact();
        true
    }

    fn remove(&mut self, id: &str) -> Option<T> {
        let (key, slot) = self.slots.remove_entry(id)?;
        reindex(&mut self.index, Some(&slot.value), None, &key);
        self.compact();
        Some(slot.value)
    }

    /// Evicts until `room` more entries fit under the bound (or nothing is left).
    /// Returns how many were evicted.
    fn make_room(&mut self, room: usize) -> usize {
        let mut evicted = 0;
        while self.slots.len() + room > self.capacity {
            let Some((id, seq)) = self.queue.pop_front() else {
                break; // empty (capacity 0), or a broken invariant: never loop
            };
            let Some(slot) = self.slots.get_mut(&id) else {
                continue; // removed since
            };
            if slot.seq != seq {
                continue; // written since: a later queue item stands for it
            }
            if std::mem::replace(slot.used.get_mut(), false) {
                // Looked up since last considered: a second chance, at the back.
                self.next_seq += 1;
                slot.seq = self.next_seq;
                self.queue.push_back((id, self.next_seq));
                continue;
            }
            if let Some(slot) = self.slots.remove(&id) {
                reindex(&mut self.index, Some(&slot.value), None, &id);
                evicted += 1;
            }
        }
        evicted
    }

    /// Drops stale queue items once they outnumber the live ones (amortized O(1)).
    fn compact(&mut self) {
        if self.queue.len() > 2 * self.slots.len() + 64 {
            let slots = &self.slots;
            self.queue
                .retain(|(id, seq)| slots.get(id).is_some_and(|s| s.seq == *seq));
            self.queue.shrink_to(2 * self.slots.len() + 64);
        }
    }
}

/// Moves `id`'s index keys from `old`'s to `new`'s. A key is removed only while it still
/// points at `id` (another entry may have taken the name since); an unchanged key that
/// lost its mapping (its other holder went away) gets it back.
fn reindex<T: Entry>(
    index: &mut [HashMap<Box<str>, Arc<str>>; INDEXES],
    old: Option<&T>,
    new: Option<&T>,
    id: &Arc<str>,
) {
    for (i, map) in index.iter_mut().enumerate() {
        let before = old.and_then(|v| v.key(i));
        let after = new.and_then(|v| v.key(i));
        if before == after {
            if let Some(key) = after {
                if !map.contains_key(key) {
                    map.insert(key.into(), id.clone());
                }
            }
            continue;
        }
        if let Some(key) = before {
            if map.get(key).is_some_and(|owner| owner == id) {
                map.remove(key);
            }
        }
        if let Some(key) = after {
            map.insert(key.into(), id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(id: &str, name: &str) -> User {
        parse_user(&json!({"id": id, "name": name})).expect("has an id")
    }

    /// Seeds `s` from a connect response, as the reader does.
    fn merge(s: &mut Store, response: Value) -> usize {
        let lock = RwLock::new(std::mem::replace(s, Store::new(0)));
        let evicted = Seed::parse(&response).merge_into(&lock);
        *s = lock.into_inner();
        evicted
    }

    fn store() -> Store {
        let mut s = Store::new(100);
        merge(
            &mut s,
            json!({"team": {"id": "T1", "name": "Team", "domain": "t"}}),
        );
        s
    }

    fn apply(s: &mut Store, event: Value) {
        let kind = event["type"].as_str().unwrap_or_default().to_owned();
        assert!(follows(&kind), "{kind} is followed");
        s.apply(&kind, &event).expect("the event fits");
    }

    /// Every index entry points at a stored entry that has that key, and every stored key
    /// is indexed (names are unique in these tests).
    fn assert_consistent<T: Entry + fmt::Debug>(t: &Table<T>) {
        for (i, map) in t.index.iter().enumerate() {
            for (key, id) in map {
                let slot = t.slots.get(id).expect("index points at a stored entry");
                assert_eq!(slot.value.key(i), Some(&**key), "index {i} key {key}");
            }
            for slot in t.slots.values() {
                if let Some(key) = slot.value.key(i) {
                    assert!(map.contains_key(key), "{key} is indexed");
                }
            }
        }
        assert!(t.slots.len() <= t.capacity);
        for slot in t.slots.values() {
            assert!(
                t.queue.iter().any(|(_, s)| *s == slot.seq),
                "every entry has a live queue item"
            );
        }
    }

    #[test]
    fn the_bound_evicts_the_entry_written_longest_ago() {
        let mut t = Table::new(2);
        assert_eq!(t.upsert(user("U1", "a")), 0);
        assert_eq!(t.upsert(user("U2", "b")), 0);
        assert_eq!(t.upsert(user("U3", "c")), 1);
        assert!(t.get("U1").is_none() && t.by_name("a").is_none());
        assert!(t.get("U2").is_some() && t.get("U3").is_some());
        assert_consistent(&t);
    }

    #[test]
    fn a_rewrite_makes_an_entry_the_newest() {
        let mut t = Table::new(2);
        t.upsert(user("U1", "a"));
        t.upsert(user("U2", "b"));
        t.upsert(user("U1", "a2")); // U2 is now the oldest write
        t.upsert(user("U3", "c"));
        assert!(t.get("U2").is_none());
        assert_eq!(t.by_name("a2").map(|u| u.id.as_str()), Some("U1"));
        assert!(t.by_name("a").is_none(), "the old name is gone");
        assert_consistent(&t);
    }

    #[test]
    fn an_entry_looked_up_gets_a_second_chance() {
        let mut t = Table::new(2);
        t.upsert(user("U1", "a"));
        t.upsert(user("U2", "b"));
        assert!(t.get("U1").is_some());
        t.upsert(user("U3", "c"));
        assert!(t.slots.contains_key("U1"), "used: moved back instead");
        assert!(!t.slots.contains_key("U2"), "evicted in its place");
        // The chance is used up: without another lookup U1 is now the oldest.
        t.upsert(user("U4", "d"));
        assert!(!t.slots.contains_key("U1") && t.slots.contains_key("U3"));
        assert_consistent(&t);
    }

    #[test]
    fn every_entry_used_still_evicts_exactly_one() {
        let mut t = Table::new(3);
        for i in 0..3 {
            t.upsert(user(&format!("U{i}"), &format!("n{i}")));
        }
        for i in 0..3 {
            assert!(t.get(&format!("U{i}")).is_some());
        }
        assert_eq!(t.upsert(user("U9", "n9")), 1);
        assert_eq!(t.len(), 3);
        assert!(t.slots.contains_key("U9"), "the new entry is examined last");
        assert!(
            !t.slots.contains_key("U0"),
            "after one sweep, the first goes"
        );
        assert_consistent(&t);
    }

    #[test]
    fn capacity_zero_keeps_nothing_but_answers() {
        let mut t = Table::new(0);
        assert_eq!(t.insert_absent(user("U1", "a")).name, "a");
        assert_eq!(t.len(), 0);
        assert!(t.index.iter().all(HashMap::is_empty));
    }

    #[test]
    fn insert_absent_keeps_what_is_there() {
        let mut t = Table::new(10);
        t.upsert(user("U1", "from-event"));
        assert_eq!(t.insert_absent(user("U1", "fetched")).name, "from-event");
    }

    #[test]
    fn names_follow_renames_removals_and_collisions() {
        let mut t = Table::new(10);
        t.upsert(user("U1", "x"));
        t.upsert(user("U2", "y"));
        // Swap names through renames.
        assert!(t.update("U1", |u| u.name = "y".into()));
        assert!(t.update("U2", |u| u.name = "x".into()));
        assert_eq!(t.by_name("x").map(|u| u.id.as_str()), Some("U2"));
        assert_eq!(t.by_name("y").map(|u| u.id.as_str()), Some("U1"));
        assert_consistent(&t);
        // A name taken by a newer entry survives the removal of the older holder.
        t.upsert(user("U3", "y"));
        assert_eq!(t.by_name("y").map(|u| u.id.as_str()), Some("U3"));
        assert!(t.remove("U1").is_some());
        assert_eq!(t.by_name("y").map(|u| u.id.as_str()), Some("U3"));
        assert!(t.remove("U3").is_some());
        assert!(t.by_name("y").is_none());
        assert!(!t.update("U1", |u| u.name = "z".into()), "removed");
        assert_consistent(&t);
    }

    #[test]
    fn lookups_by_name_fall_back_to_lowercase() {
        let mut t = Table::new(10);
        t.upsert(user("U1", "general"));
        assert!(t.by_name("General").is_some());
        assert!(t.by_name("GENERAL").is_some());
        assert!(t.by_name("genera").is_none());
    }

    #[test]
    fn the_queue_stays_bounded_under_rewrites_and_removals() {
        let mut t = Table::new(5);
        for round in 0..1_000 {
            let id = format!("U{}", round % 7);
            t.upsert(user(&id, &format!("n{}", round % 7)));
            if round % 3 == 0 {
                t.remove(&format!("U{}", round % 5));
            }
            assert!(t.queue.len() <= 2 * t.slots.len() + 65);
        }
        assert_consistent(&t);
    }

    #[test]
    fn seeds_every_list_of_an_rtm_start_response() {
        // The documented rtm.start example (methods/rtm.start.json, success [1]), trimmed.
        let response = json!({
            "ok": true,
            "self": {"id": "U023BECGF", "name": "bobby", "prefs": {}, "created": 1402463766},
            "team": {"id": "T024BE7LD", "name": "Example Team", "email_domain": "",
                     "domain": "example", "icon": {}, "plan": "std"},
            "users": [{"id": "U023BECGF", "name": "bobby", "deleted": false,
                       "profile": {"first_name": "Bobby", "real_name": "Bobby Tables"},
                       "is_admin": true, "is_owner": true, "two_factor_type": "sms"}],
            "channels": [{"id": "C024BE91L", "name": "fun", "is_channel": true,
                          "created": 1360782804, "is_archived": false, "is_general": false,
                          "members": ["U024BE7LH"], "is_member": true}],
            "groups": [{"id": "G024BE91L", "name": "secretplans", "is_group": "true",
                        "is_archived": false, "is_mpim": false}],
            "mpims": [{"id": "G0MPIM", "name": "mpdm-a--b-1", "is_mpim": true}],
            "ims": [{"id": "D024BFF1M", "is_im": true, "user": "U024BE7LH",
                     "created": 1360782804, "is_user_deleted": false}],
            "bots": [{"id": "B024BE7LH", "name": "hugbot",
                      "icons": {"image_48": "https://slack.com/path/to/hugbot_48.png"}}]
        });
        let mut s = Store::new(100);
        assert_eq!(merge(&mut s, response), 0);
        let bobby = s.users.get("U023BECGF").expect("seeded");
        assert_eq!(bobby.real_name.as_deref(), Some("Bobby Tables"));
        assert!(bobby.is_admin && bobby.is_owner && !bobby.is_bot);
        let fun = s.conversations.by_name("fun").expect("seeded");
        assert_eq!(
            (fun.kind, fun.is_member),
            (ConversationKind::Channel, Some(true))
        );
        let group = s.conversations.get("G024BE91L").expect("seeded");
        assert_eq!(group.kind, ConversationKind::Private);
        assert_eq!(
            s.conversations.get("G0MPIM").map(|c| c.kind),
            Some(ConversationKind::Mpim)
        );
        let dm = s
            .conversations
            .by_key(BY_PEER, "U024BE7LH")
            .expect("seeded");
        assert_eq!(
            (dm.id.as_str(), dm.kind, dm.name.as_deref()),
            ("D024BFF1M", ConversationKind::Im, None)
        );
        assert_eq!(
            s.bots.by_name("hugbot").map(|b| b.id.as_str()),
            Some("B024BE7LH")
        );
        let team = s.team.clone().expect("seeded");
        assert_eq!(
            (team.name.as_str(), team.domain.as_str(), team.email_domain),
            ("Example Team", "example", None)
        );
    }

    #[test]
    fn a_seed_larger_than_a_chunk_and_the_bound_keeps_its_last_entries() {
        let mut s = Store::new(2 * SEED_CHUNK);
        let users: Vec<Value> = (0..2 * SEED_CHUNK + 500)
            .map(|i| json!({"id": format!("U{i}"), "name": format!("u{i}")}))
            .collect();
        assert_eq!(merge(&mut s, json!({ "users": users })), 500);
        assert_eq!(s.users.len(), 2 * SEED_CHUNK);
        assert!(s.users.get("U499").is_none() && s.users.by_name("u499").is_none());
        assert!(s.users.get("U500").is_some() && s.users.by_name("u2499").is_some());
        assert_consistent(&s.users);
    }

    #[test]
    fn a_reseed_merges_and_the_snapshot_wins_where_it_speaks() {
        let mut s = store();
        merge(
            &mut s,
            json!({"users": [{"id": "U1", "name": "old"}],
                                    "team": {"id": "T1", "name": "Team", "email_domain": "t.example"}}),
        );
        apply(
            &mut s,
            json!({"type": "team_join", "user": {"id": "U2", "name": "learned"}}),
        );
        // rtm.connect on reconnect: only self and team, and no email domain.
        merge(
            &mut s,
            json!({"self": {"id": "U0", "name": "me"},
                                    "team": {"id": "T1", "name": "Renamed", "domain": "t"}}),
        );
        assert_eq!(s.users.len(), 2, "nothing wiped");
        let team = s.team.clone().expect("kept");
        assert_eq!(
            (team.name.as_str(), team.email_domain.as_deref()),
            ("Renamed", Some("t.example"))
        );
        // rtm.start on reconnect: its users replace ours.
        merge(&mut s, json!({"users": [{"id": "U1", "name": "new"}]}));
        assert_eq!(s.users.get("U1").map(|u| u.name.as_str()), Some("new"));
        assert!(s.users.by_name("old").is_none());
        assert_eq!(
            s.users.by_name("learned").map(|u| u.id.as_str()),
            Some("U2")
        );
    }

    #[test]
    fn documented_user_and_team_events_apply() {
        let mut s = store();
        apply(
            &mut s,
            json!({"type": "team_join", "user": {"id": "W012A3CDE", "team_id": "T012AB3C4",
            "name": "spengler", "deleted": false, "real_name": "Egon Spengler",
            "profile": {"real_name": "Egon Spengler", "display_name": "spengler", "team": "T012AB3C4"},
            "is_admin": true, "is_bot": false, "updated": 1502138686}}),
        );
        let egon = s.users.get("W012A3CDE").expect("joined");
        assert_eq!(egon.display_name.as_deref(), Some("spengler"));
        assert_eq!(egon.team_id.as_deref(), Some("T012AB3C4"));
        apply(
            &mut s,
            json!({"type": "user_change", "user": {"id": "W012A3CDE", "name": "egon",
            "deleted": true, "profile": {"real_name": "Egon S.", "display_name": ""}}}),
        );
        let egon = s.users.by_name("egon").expect("renamed");
        assert!(egon.deleted && egon.display_name.is_none());
        assert_eq!(egon.shown_name(), "Egon S.");
        assert!(s.users.by_name("spengler").is_none());
        apply(
            &mut s,
            json!({"type": "team_rename", "name": "New Team Name Inc."}),
        );
        apply(
            &mut s,
            json!({"type": "team_domain_change", "url": "https://my.slack.com", "domain": "my"}),
        );
        apply(
            &mut s,
            json!({"type": "email_domain_changed", "email_domain": "example.com",
            "event_ts": "1360782804.083113"}),
        );
        let team = s.team.clone().expect("seeded");
        assert_eq!(team.name, "New Team Name Inc.");
        assert_eq!(team.domain, "my");
        assert_eq!(team.email_domain.as_deref(), Some("example.com"));
        apply(
            &mut s,
            json!({"type": "bot_added", "bot": {"id": "B024BE7LH", "app_id": "A4H1JB4AZ",
            "name": "hugbot", "icons": {"image_48": "https://slack.com/path/to/hugbot_48.png"}}}),
        );
        apply(
            &mut s,
            json!({"type": "bot_changed", "bot": {"id": "B024BE7LH", "name": "hugbot2"}}),
        );
        let bot = s.bots.get("B024BE7LH").expect("added");
        assert_eq!(
            (bot.name.as_str(), bot.app_id.as_deref()),
            ("hugbot2", None)
        );
        assert!(s.bots.by_name("hugbot").is_none());
    }

    #[test]
    fn documented_channel_events_apply() {
        let mut s = store();
        apply(
            &mut s,
            json!({"type": "channel_created", "channel": {"id": "C024BE91L", "name": "fun",
            "created": 1360782804, "creator": "U024BE7LH"}}),
        );
        let fun = s.conversations.get("C024BE91L").expect("created");
        assert_eq!((fun.kind, fun.is_member), (ConversationKind::Channel, None));
        apply(
            &mut s,
            json!({"type": "channel_joined", "channel": {"id": "C024BE91L", "name": "fun",
            "is_channel": true, "is_archived": false, "members": ["U024BE7LH"],
            "topic": {"value": "Fun times", "creator": "U024BE7LV", "last_set": 1369677212}}}),
        );
        assert_eq!(
            s.conversations.get("C024BE91L").and_then(|c| c.is_member),
            Some(true)
        );
        apply(
            &mut s,
            json!({"type": "channel_rename", "channel": {"id": "C024BE91L",
            "name": "new_name", "created": 1360782804}}),
        );
        assert!(s.conversations.by_name("fun").is_none());
        assert_eq!(
            s.conversations
                .by_name("new_name")
                .and_then(|c| c.is_member),
            Some(true),
            "kept"
        );
        apply(
            &mut s,
            json!({"type": "channel_archive", "channel": "C024BE91L", "user": "U024BE7LH"}),
        );
        assert!(s
            .conversations
            .get("C024BE91L")
            .is_some_and(|c| c.is_archived));
        apply(
            &mut s,
            json!({"type": "channel_unarchive", "channel": "C024BE91L", "user": "U024BE7LH"}),
        );
        assert!(s
            .conversations
            .get("C024BE91L")
            .is_some_and(|c| !c.is_archived));
        apply(
            &mut s,
            json!({"type": "channel_left", "channel": {"id": "C024BE91L"}}),
        );
        assert_eq!(
            s.conversations.get("C024BE91L").and_then(|c| c.is_member),
            Some(false)
        );
        apply(
            &mut s,
            json!({"type": "channel_deleted", "channel": "C024BE91L"}),
        );
        assert!(s.conversations.get("C024BE91L").is_none());
        assert!(s.conversations.by_name("new_name").is_none());
        // A rename of an unknown channel adds it.
        apply(
            &mut s,
            json!({"type": "channel_rename", "channel": {"id": "C02ELGNBH", "name": "n"}}),
        );
        assert_eq!(
            s.conversations
                .by_name("#n".trim_start_matches('#'))
                .map(|c| c.id.as_str()),
            Some("C02ELGNBH")
        );
        assert_consistent(&s.conversations);
    }

    #[test]
    fn documented_group_and_im_events_apply() {
        let mut s = store();
        apply(
            &mut s,
            json!({"type": "group_joined", "channel": {"id": "G024BE91L", "name": "secretplans",
            "is_group": "true", "is_archived": false, "is_mpim": false, "members": ["U024BE7LH"]}}),
        );
        let g = s.conversations.get("G024BE91L").expect("joined");
        assert_eq!(
            (g.kind, g.is_member),
            (ConversationKind::Private, Some(true))
        );
        apply(
            &mut s,
            json!({"type": "group_rename", "channel": {"id": "G024BE91L", "name": "plans"}}),
        );
        apply(
            &mut s,
            json!({"type": "group_archive", "channel": "G024BE91L"}),
        );
        apply(
            &mut s,
            json!({"type": "group_close", "user": "U024BE7LH", "channel": "G024BE91L"}),
        );
        let g = s.conversations.by_name("plans").expect("renamed");
        assert!(g.is_archived && g.is_open == Some(false));
        apply(
            &mut s,
            json!({"type": "group_unarchive", "channel": "G024BE91L"}),
        );
        apply(
            &mut s,
            json!({"type": "group_open", "user": "U024BE7LH", "channel": "G024BE91L"}),
        );
        let g = s.conversations.get("G024BE91L").expect("kept");
        assert!(!g.is_archived && g.is_open == Some(true));
        apply(
            &mut s,
            json!({"type": "group_left", "channel": "G024BE91L"}),
        );
        assert!(
            s.conversations.get("G024BE91L").is_none()
                && s.conversations.by_name("plans").is_none()
        );

        apply(
            &mut s,
            json!({"type": "im_created", "user": "U024BE7LH", "channel": {"id": "D024BFF1M",
            "is_im": true, "user": "U024BE7LH", "created": 1360782804, "is_user_deleted": false}}),
        );
        assert_eq!(
            s.conversations
                .by_key(BY_PEER, "U024BE7LH")
                .map(|c| c.id.as_str()),
            Some("D024BFF1M")
        );
        apply(
            &mut s,
            json!({"type": "im_close", "user": "U024BE7LH", "channel": "D024BFF1M"}),
        );
        assert_eq!(
            s.conversations.get("D024BFF1M").and_then(|c| c.is_open),
            Some(false)
        );
        // im_open of an unknown DM adds it; with the elided im_created shape, the user
        // comes from the event.
        apply(
            &mut s,
            json!({"type": "im_open", "user": "U2", "channel": "D2"}),
        );
        assert_eq!(
            s.conversations
                .by_key(BY_PEER, "U2")
                .and_then(|c| c.is_open),
            Some(true)
        );
        apply(
            &mut s,
            json!({"type": "im_created", "user": "U3", "channel": {"id": "D3"}}),
        );
        assert_eq!(
            s.conversations.by_key(BY_PEER, "U3").map(|c| c.id.as_str()),
            Some("D3")
        );
        assert_consistent(&s.conversations);
    }

    #[test]
    fn odd_payloads_are_refused_without_changes() {
        let mut s = store();
        merge(
            &mut s,
            json!({"users": [{"id": "U1", "name": "a"}],
                                    "channels": [{"id": "C1", "name": "c"}]}),
        );
        let odd = [
            json!({"type": "user_change", "user": {}}),
            json!({"type": "user_change", "user": "U1"}),
            json!({"type": "team_join"}),
            json!({"type": "channel_rename", "channel": "C1"}),
            json!({"type": "channel_rename", "channel": {"id": "C1", "name": 5}}),
            json!({"type": "channel_created", "channel": {}}),
            json!({"type": "channel_archive", "channel": 42}),
            json!({"type": "channel_deleted", "channel": null}),
            json!({"type": "im_open", "channel": "D9"}),
            json!({"type": "bot_added", "bot": []}),
            json!({"type": "team_rename", "name": 5}),
            json!({"type": "team_domain_change"}),
            json!([1, 2, 3]),
            json!("user_change"),
        ];
        for event in odd {
            let kind = event["type"].as_str().unwrap_or("user_change");
            assert!(s.apply(kind, &event).is_err(), "{event} is refused");
        }
        assert!(s.apply("message", &json!({"type": "message"})).is_err());
        assert_eq!(s.users.get("U1").map(|u| u.name.as_str()), Some("a"));
        assert_eq!(
            s.conversations.by_name("c").map(|c| c.id.as_str()),
            Some("C1")
        );
        assert_eq!(
            (s.users.len(), s.conversations.len(), s.bots.len()),
            (1, 1, 0)
        );
        // Wrong types inside an object that has an id are as good as missing.
        apply(
            &mut s,
            json!({"type": "user_change", "user": {"id": "U1", "name": ["x"],
            "is_bot": "yes", "deleted": 1, "profile": "none"}}),
        );
        let u = s.users.get("U1").expect("kept");
        assert!(u.name.is_empty() && !u.is_bot && u.deleted && u.real_name.is_none());
        assert_consistent(&s.users);
    }

    #[test]
    fn events_about_unknown_entries_change_nothing() {
        let mut s = store();
        for event in [
            json!({"type": "channel_archive", "channel": "C9"}),
            json!({"type": "channel_left", "channel": "C9"}),
            json!({"type": "channel_deleted", "channel": "C9"}),
            json!({"type": "group_close", "channel": "G9"}),
        ] {
            apply(&mut s, event);
        }
        assert_eq!(s.conversations.len(), 0);
    }

    #[test]
    fn conversation_kinds_come_from_flags_then_origin_then_id() {
        let kind = |v: Value, hint| parse_conversation(&v, hint).map(|c| c.kind);
        use ConversationKind as K;
        assert_eq!(
            kind(
                json!({"id": "C1", "is_channel": true, "is_private": true}),
                None
            ),
            Some(K::Private)
        );
        assert_eq!(
            kind(
                json!({"id": "G1", "is_group": true, "is_mpim": true}),
                Some(K::Private)
            ),
            Some(K::Mpim)
        );
        assert_eq!(
            kind(json!({"id": "C1", "is_im": true, "user": "U1"}), None),
            Some(K::Im)
        );
        assert_eq!(
            kind(json!({"id": "C1"}), Some(K::Private)),
            Some(K::Private)
        );
        assert_eq!(kind(json!({"id": "D1"}), None), Some(K::Im));
        assert_eq!(kind(json!({"id": "G1"}), None), Some(K::Private));
        assert_eq!(kind(json!({"id": "C1"}), None), Some(K::Channel));
        assert_eq!(kind(json!({"name": "x"}), None), None);
        assert_eq!(K::Mpim.as_str(), "mpim");
    }

    #[test]
    fn followed_kinds_and_applied_kinds_agree() {
        let mut s = store();
        for kind in [
            "user_change",
            "team_join",
            "channel_created",
            "channel_joined",
            "channel_rename",
            "channel_archive",
            "channel_unarchive",
            "channel_deleted",
            "channel_left",
            "group_joined",
            "group_rename",
            "group_archive",
            "group_unarchive",
            "group_deleted",
            "group_left",
            "group_open",
            "group_close",
            "im_created",
            "im_open",
            "im_close",
            "bot_added",
            "bot_changed",
            "team_rename",
            "team_domain_change",
            "email_domain_changed",
        ] {
            assert!(follows(kind), "{kind}");
            // An empty payload is refused as a misfit, never as an unfollowed type.
            let err = s.apply(kind, &json!({})).expect_err("empty payload");
            assert_ne!(err, "a type the cache does not follow", "{kind}");
        }
        for kind in [
            "message",
            "hello",
            "member_joined_channel",
            "presence_change",
            "",
        ] {
            assert!(!follows(kind), "{kind}");
        }
    }

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
