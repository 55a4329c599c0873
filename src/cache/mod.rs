//! [`WorkspaceCache`]: the opt-in cache of users, conversations, bots and the team (the v3
//! client's `dataStore`), seeded on every connect, kept current from RTM events, and filled
//! lazily through the Web API. The bookkeeping does no I/O and is unit-tested without
//! sockets: `table.rs` (a bounded table with indexes), `reducer.rs` (what each event and
//! seed does), `parse.rs` (reading entries from JSON), `entries.rs` (what is stored).
//!
//! ```
//! use slack_rtm::fake::FakeSlack;
//! use slack_rtm::{CacheConfig, RtmClient};
//!
//! let slack = FakeSlack::start()?;
//! slack.add_user("U0ALICE", "alice");
//! let client = RtmClient::builder(slack.token())
//!     .slack_api_url(slack.api_url())
//!     .no_proxy()
//!     .workspace_cache(Some(CacheConfig::default()))
//!     .build()?;
//! client.start()?;
//! let cache = client.cache().expect("turned on above");
//! // rtm.connect seeds only the bot itself: the first lookup asks users.info ...
//! assert!(cache.cached_user("U0ALICE").is_none());
//! assert_eq!(cache.user("U0ALICE")?.map(|u| u.name), Some("alice".to_owned()));
//! // ... and the answer is kept for the next ones, which make no call.
//! assert!(cache.cached_user("U0ALICE").is_some());
//! client.disconnect();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use parking_lot::RwLock;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::events::event::SlackEvent;
use crate::net::http::WebApi;

pub use crate::config::CacheConfig;

mod entries;
mod parse;
mod reducer;
mod table;

pub use crate::model::{Bot, Conversation, ConversationKind, Team, User};
use parse::{parse_conversation, parse_user};
use reducer::{follows, Seed, Store};
use table::BY_PEER;

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
/// Lookups return copies, so nothing stays locked while you use them. They are the
/// shared [`model`](crate::model) objects ([`User`], [`Conversation`], [`Bot`], [`Team`]),
/// with the fields the cache keeps filled: for users the id, names (the display name in
/// `profile`), workspace and flags; for conversations the id, kind (as its flag), name,
/// DM peer, archived/general/member/open; for bots all but the icons. The rest is empty:
/// ask `users.info` / `conversations.info` for it.
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
        Ok(Some(
            self.store.write().users.insert_absent(user).to_model(),
        ))
    }

    /// The user with this id, if cached. Never touches the network.
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let name = cache.cached_user("U024BE7LH").map(|u| u.name);
    /// # }
    /// ```
    pub fn cached_user(&self, id: &str) -> Option<User> {
        self.store.read().users.get(id).map(entries::User::to_model)
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
        self.store
            .read()
            .users
            .by_name(name)
            .map(entries::User::to_model)
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
        self.store
            .read()
            .users
            .values()
            .map(entries::User::to_model)
            .collect()
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
            self.store
                .write()
                .conversations
                .insert_absent(conversation)
                .to_model(),
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
        self.store
            .read()
            .conversations
            .get(id)
            .map(entries::Conversation::to_model)
    }

    /// The cached channel, private channel or group DM with this name (with or without a
    /// leading `#`; an exact match, then a lowercase one). Never touches the network.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// let cache = client.cache().expect("the cache is on");
    /// if let Some(general) = cache.channel_by_name("#general") {
    ///     client.send_message(&general.id, "hello")?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn channel_by_name(&self, name: &str) -> Option<Conversation> {
        let name = name.strip_prefix('#').unwrap_or(name);
        self.store
            .read()
            .conversations
            .by_name(name)
            .map(entries::Conversation::to_model)
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
        self.store
            .read()
            .conversations
            .values()
            .map(entries::Conversation::to_model)
            .collect()
    }

    /// The cached DM with this user. Never touches the network: opening a DM
    /// (`conversations.open`) is not a lookup.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::RtmClient) -> Result<(), slack_rtm::Error> {
    /// if let Some(dm) = client.cache().and_then(|c| c.im_for_user("U024BE7LH")) {
    ///     client.send_message(&dm.id, "psst")?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn im_for_user(&self, user_id: &str) -> Option<Conversation> {
        self.store
            .read()
            .conversations
            .by_key(BY_PEER, user_id)
            .map(entries::Conversation::to_model)
    }

    /// The bot with this id, if cached (from `rtm.start` or `bot_added`/`bot_changed`).
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let name = cache.bot("B024BE7LH").map(|b| b.name);
    /// # }
    /// ```
    pub fn bot(&self, id: &str) -> Option<Bot> {
        self.store.read().bots.get(id).map(entries::Bot::to_model)
    }

    /// The cached bot with this name (exact, then lowercase).
    ///
    /// ```no_run
    /// # fn demo(cache: &slack_rtm::WorkspaceCache) {
    /// let id = cache.bot_by_name("hugbot").map(|b| b.id);
    /// # }
    /// ```
    pub fn bot_by_name(&self, name: &str) -> Option<Bot> {
        self.store
            .read()
            .bots
            .by_name(name)
            .map(entries::Bot::to_model)
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
    pub(crate) fn seed(&self, response: &str) {
        let seed = match serde_json::from_str::<Value>(response) {
            Ok(response) => Seed::parse(&response),
            Err(e) => {
                log::debug!(
                    "workspace cache: the connect response is not JSON ({:?} error); not seeded",
                    e.classify()
                );
                return;
            }
        };
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
