//! The Enterprise Grid duplicate filter: drop the second and later copies of a message
//! that several connections deliver.
//!
//! A bot installed on several workspaces of an Enterprise Grid organization, with one
//! connection per workspace, receives a message posted in a channel (or DM) those
//! workspaces share once per connection. The copies differ in their metadata (such as
//! `source_team` and the author's workspace details) but have the same `channel` and `ts`,
//! and a `ts` is unique within a channel, so `(channel, ts)` identifies the message. Slack
//! suggests de-duplicating on it; [`Deduplicator`] does that in bounded memory, and
//! [`SharedDeduplicator`] shares one between the threads of several clients.
//!
//! Opt-in: the client delivers every copy; nothing here runs unless you call it. The first
//! copy to arrive passes, whichever connection it came on. If a particular workspace
//! should answer for each shared channel (Slack's other suggestion, deciding from the
//! `channel_joined` event), filter on that instead.
//!
//! ```
//! use slack_rtm::dedup::Deduplicator;
//! use slack_rtm::SlackEvent;
//!
//! let mut dedup = Deduplicator::new(4096);
//! // The same message, as the connections of workspaces T1 and T2 deliver it.
//! let via_t1 = SlackEvent::from_json(
//!     r#"{"type":"message","channel":"C1","user":"W1","text":"hi","ts":"1355517523.000005","source_team":"T1"}"#,
//! )?;
//! let via_t2 = SlackEvent::from_json(
//!     r#"{"type":"message","channel":"C1","user":"W1","text":"hi","ts":"1355517523.000005","source_team":"T1","user_team":"T1"}"#,
//! )?;
//! assert!(!dedup.is_duplicate(&via_t1));
//! assert!(dedup.is_duplicate(&via_t2));
//! # Ok::<(), slack_rtm::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};
use std::fmt::{self, Write as _};
use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard};
use serde::Deserialize;

use crate::SlackEvent;

/// The capacity of [`Deduplicator::default`]: 4096 keys, under half a megabyte. Copies of one
/// message arrive within moments of each other, so this covers thousands of messages of
/// lag between the connections.
///
/// ```
/// use slack_rtm::dedup::{Deduplicator, DEFAULT_CAPACITY};
/// assert_eq!(Deduplicator::default().capacity(), DEFAULT_CAPACITY);
/// ```
pub const DEFAULT_CAPACITY: usize = 4096;

/// How many slots [`Deduplicator::new`] reserves up front at most; the rest grow on use.
const PREALLOCATE: usize = 1024;

/// Remembers the `(channel, ts)` of the last `capacity` messages seen and says whether a
/// message is a copy of one of them.
///
/// Memory is bounded: once `capacity` keys are remembered, each new one evicts the oldest
/// (first in, first out). One key costs 100 to 120 bytes with Slack's usual ids: the key
/// text (about 30 bytes) in one shared allocation, plus its slots in a hash set and a
/// queue; 4096 keys take under half a megabyte. Checking a key allocates nothing;
/// remembering a new one allocates once.
///
/// Only `message` events that carry both a `channel` and a `ts` (strings) are considered;
/// every other event is never a duplicate and is not remembered. That includes hidden
/// subtypes such as `message_changed`, whose `ts` is the time of the change: each copy of
/// one edit has the same `(channel, ts)` too.
///
/// Not thread-safe by itself (`&mut self`); see [`SharedDeduplicator`] for several
/// threads.
///
/// ```
/// use slack_rtm::dedup::Deduplicator;
/// use slack_rtm::SlackEvent;
///
/// // The same message, delivered on two connections.
/// const MSG: &str = r#"{"type":"message","channel":"C1","text":"hi","ts":"1.000001"}"#;
/// let mut dedup = Deduplicator::new(2);
/// assert!(!dedup.is_duplicate(&SlackEvent::from_json(MSG)?));
/// assert!(dedup.is_duplicate(&SlackEvent::from_json(MSG)?));
/// // Bounded: two newer messages evict it.
/// assert!(!dedup.is_duplicate_key("C1", "2.000001"));
/// assert!(!dedup.is_duplicate_key("C1", "3.000001"));
/// assert!(!dedup.is_duplicate(&SlackEvent::from_json(MSG)?));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub struct Deduplicator {
    capacity: usize,
    seen: HashSet<Arc<str>>,
    /// The remembered keys, oldest first: the eviction order.
    order: VecDeque<Arc<str>>,
    /// Reused to build the key being looked up.
    scratch: String,
}

impl Deduplicator {
    /// A filter that remembers up to `capacity` messages. With `0` it remembers nothing
    /// and reports no duplicates.
    ///
    /// ```
    /// use slack_rtm::dedup::Deduplicator;
    /// let dedup = Deduplicator::new(1000);
    /// assert_eq!(dedup.capacity(), 1000);
    /// ```
    pub fn new(capacity: usize) -> Self {
        let reserve = capacity.min(PREALLOCATE);
        Deduplicator {
            capacity,
            seen: HashSet::with_capacity(reserve),
            order: VecDeque::with_capacity(reserve),
            scratch: String::new(),
        }
    }

    /// Whether an event with the same `(channel, ts)` was seen before; the first time, it
    /// is remembered and this returns `false`.
    ///
    /// Events that are not `message`s, or lack a string `channel` or `ts`, are never
    /// duplicates. Parses only those two fields, on the calling thread.
    ///
    /// ```
    /// use slack_rtm::dedup::Deduplicator;
    /// use slack_rtm::SlackEvent;
    /// const MSG: &str = r#"{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.000001"}"#;
    /// let mut dedup = Deduplicator::new(10);
    /// let ev = SlackEvent::from_json(MSG)?;
    /// assert!(!dedup.is_duplicate(&ev));
    /// assert!(dedup.is_duplicate(&ev));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn is_duplicate(&mut self, event: &SlackEvent) -> bool {
        match MessageKey::of(event) {
            Some(key) => self.is_duplicate_key(&key.channel, &key.ts),
            None => false,
        }
    }

    /// [`is_duplicate`](Self::is_duplicate) for a key you already have (say, from a
    /// parsed [`Message`](crate::typed::Message)). Empty strings are never duplicates.
    ///
    /// ```
    /// let mut dedup = slack_rtm::dedup::Deduplicator::new(2);
    /// assert!(!dedup.is_duplicate_key("C1", "1.000001"));
    /// assert!(dedup.is_duplicate_key("C1", "1.000001"));
    /// assert!(!dedup.is_duplicate_key("C2", "1.000001"));
    /// ```
    pub fn is_duplicate_key(&mut self, channel: &str, ts: &str) -> bool {
        if channel.is_empty() || ts.is_empty() || self.capacity == 0 {
            return false;
        }
        write_key(&mut self.scratch, channel, ts);
        if self.seen.contains(self.scratch.as_str()) {
            return true;
        }
        while self.order.len() >= self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        let key: Arc<str> = Arc::from(self.scratch.as_str());
        self.seen.insert(Arc::clone(&key));
        self.order.push_back(key);
        false
    }

    /// How many keys it can remember.
    ///
    /// ```
    /// use slack_rtm::dedup::Deduplicator;
    /// assert_eq!(Deduplicator::default().capacity(), slack_rtm::dedup::DEFAULT_CAPACITY);
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many keys it remembers now.
    ///
    /// ```
    /// use slack_rtm::dedup::Deduplicator;
    /// let mut dedup = Deduplicator::new(10);
    /// dedup.is_duplicate_key("C1", "1.0");
    /// assert_eq!(dedup.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether it remembers no key.
    ///
    /// ```
    /// use slack_rtm::dedup::Deduplicator;
    /// assert!(Deduplicator::new(10).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Forgets every key.
    ///
    /// ```
    /// use slack_rtm::dedup::Deduplicator;
    /// let mut dedup = Deduplicator::new(10);
    /// dedup.is_duplicate_key("C1", "1.0");
    /// dedup.clear();
    /// assert!(!dedup.is_duplicate_key("C1", "1.0"));
    /// ```
    pub fn clear(&mut self) {
        self.seen.clear();
        self.order.clear();
    }
}

impl Default for Deduplicator {
    /// A filter with [`DEFAULT_CAPACITY`].
    fn default() -> Self {
        Deduplicator::new(DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for Deduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deduplicator")
            .field("capacity", &self.capacity)
            .field("len", &self.order.len())
            .finish()
    }
}

/// Writes the key for `(channel, ts)` into `out`: the channel's length, `:`, the channel,
/// then the ts. The length makes the split exact whatever the strings contain.
fn write_key(out: &mut String, channel: &str, ts: &str) {
    out.clear();
    // Writing to a String cannot fail.
    let _ = write!(out, "{}:{channel}{ts}", channel.len());
}

/// The two fields the filter needs, borrowed from the JSON text where possible.
#[derive(Deserialize)]
struct MessageKey<'a> {
    #[serde(borrow)]
    channel: Cow<'a, str>,
    #[serde(borrow)]
    ts: Cow<'a, str>,
}

impl<'a> MessageKey<'a> {
    /// The key of a `message` event, if it has a string `channel` and `ts`.
    fn of(event: &'a SlackEvent) -> Option<MessageKey<'a>> {
        if event.kind() != "message" {
            return None;
        }
        serde_json::from_str(event.raw()).ok()
    }
}

/// A [`Deduplicator`] behind a mutex, for the threads of several clients (one per
/// workspace) that feed one handler. Clones share the same filter.
///
/// The event's key is parsed before taking the lock, which is held only for the set
/// lookup and insertion (and released fairly, so no thread can starve another).
///
/// ```no_run
/// use slack_rtm::dedup::SharedDeduplicator;
/// use slack_rtm::RtmClient;
///
/// # fn main() -> Result<(), slack_rtm::Error> {
/// let dedup = SharedDeduplicator::default();
/// let mut bots = Vec::new();
/// for token in ["xoxb-workspace-1", "xoxb-workspace-2"] {
///     let client = RtmClient::builder(token).build()?;
///     let dedup = dedup.clone();
///     client.on("message", move |_client, event| {
///         let Some(ev) = event.as_slack() else { return };
///         if dedup.is_duplicate(ev) {
///             return; // another workspace's connection delivered it first
///         }
///         // ... handle the message once ...
///     });
///     client.start()?;
///     bots.push(std::thread::spawn(move || client.run()));
/// }
/// for bot in bots {
///     let _ = bot.join();
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct SharedDeduplicator {
    inner: Arc<Mutex<Deduplicator>>,
}

impl SharedDeduplicator {
    /// A shared filter that remembers up to `capacity` messages (see [`Deduplicator::new`]).
    ///
    /// ```
    /// use slack_rtm::dedup::SharedDeduplicator;
    /// let dedup = SharedDeduplicator::new(1000);
    /// assert!(dedup.is_empty());
    /// ```
    pub fn new(capacity: usize) -> Self {
        Deduplicator::new(capacity).into()
    }

    /// [`Deduplicator::is_duplicate`], from any thread.
    ///
    /// ```
    /// use slack_rtm::dedup::SharedDeduplicator;
    /// use slack_rtm::SlackEvent;
    /// const MSG: &str = r#"{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.000001"}"#;
    /// let dedup = SharedDeduplicator::new(10);
    /// let ev = SlackEvent::from_json(MSG)?;
    /// assert!(!dedup.is_duplicate(&ev));
    /// assert!(dedup.clone().is_duplicate(&ev)); // clones share the filter
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn is_duplicate(&self, event: &SlackEvent) -> bool {
        match MessageKey::of(event) {
            Some(key) => self.is_duplicate_key(&key.channel, &key.ts),
            None => false,
        }
    }

    /// [`Deduplicator::is_duplicate_key`], from any thread.
    ///
    /// ```
    /// use slack_rtm::dedup::SharedDeduplicator;
    /// let dedup = SharedDeduplicator::new(10);
    /// assert!(!dedup.is_duplicate_key("C1", "1.0"));
    /// assert!(dedup.is_duplicate_key("C1", "1.0"));
    /// ```
    pub fn is_duplicate_key(&self, channel: &str, ts: &str) -> bool {
        let mut filter = self.inner.lock();
        let duplicate = filter.is_duplicate_key(channel, ts);
        MutexGuard::unlock_fair(filter);
        duplicate
    }

    /// How many keys it remembers now.
    ///
    /// ```
    /// use slack_rtm::dedup::SharedDeduplicator;
    /// let dedup = SharedDeduplicator::new(10);
    /// dedup.is_duplicate_key("C1", "1.0");
    /// assert_eq!(dedup.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.lock().len()
    }

    /// Whether it remembers no key.
    ///
    /// ```
    /// use slack_rtm::dedup::SharedDeduplicator;
    /// assert!(SharedDeduplicator::new(10).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.lock().is_empty()
    }

    /// Forgets every key.
    ///
    /// ```
    /// use slack_rtm::dedup::SharedDeduplicator;
    /// let dedup = SharedDeduplicator::new(10);
    /// dedup.is_duplicate_key("C1", "1.0");
    /// dedup.clear();
    /// assert!(dedup.is_empty());
    /// ```
    pub fn clear(&self) {
        self.inner.lock().clear();
    }
}

impl From<Deduplicator> for SharedDeduplicator {
    fn from(filter: Deduplicator) -> Self {
        SharedDeduplicator {
            inner: Arc::new(Mutex::new(filter)),
        }
    }
}

impl fmt::Debug for SharedDeduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedDeduplicator")
            .field(&*self.inner.lock())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(channel: &str, ts: &str, source_team: &str) -> SlackEvent {
        let json = serde_json::json!({
            "type": "message", "channel": channel, "user": "W1", "text": "hi",
            "ts": ts, "source_team": source_team,
        });
        SlackEvent::from_json(&json.to_string()).expect("an event")
    }

    fn event(json: &str) -> SlackEvent {
        SlackEvent::from_json(json).expect("an event")
    }

    #[test]
    fn the_copy_from_a_second_connection_is_a_duplicate() {
        let mut dedup = Deduplicator::new(16);
        let via_workspace_1 = message("C1", "1355517523.000005", "T1");
        let via_workspace_2 = message("C1", "1355517523.000005", "T2");
        let via_workspace_3 = message("C1", "1355517523.000005", "T3");
        assert!(!dedup.is_duplicate(&via_workspace_1));
        assert!(dedup.is_duplicate(&via_workspace_2));
        assert!(dedup.is_duplicate(&via_workspace_3));
        assert_eq!(dedup.len(), 1);
    }

    #[test]
    fn another_ts_or_channel_is_not_a_duplicate() {
        let mut dedup = Deduplicator::new(16);
        assert!(!dedup.is_duplicate(&message("C1", "1.000001", "T1")));
        assert!(!dedup.is_duplicate(&message("C1", "1.000002", "T1")));
        assert!(!dedup.is_duplicate(&message("C2", "1.000001", "T1")));
        assert_eq!(dedup.len(), 3);
    }

    #[test]
    fn keys_do_not_run_together() {
        let mut dedup = Deduplicator::new(16);
        assert!(!dedup.is_duplicate_key("C1", "23.4"));
        assert!(!dedup.is_duplicate_key("C12", "3.4"));
        assert!(!dedup.is_duplicate_key("2:C1", "3.4"));
    }

    #[test]
    fn escaped_json_strings_give_the_same_key() {
        let mut dedup = Deduplicator::new(16);
        assert!(!dedup.is_duplicate(&event(r#"{"type":"message","channel":"C1","ts":"1.5"}"#)));
        assert!(dedup.is_duplicate(&event(
            r#"{"type":"message","channel":"\u00431","ts":"1\u002e5"}"#
        )));
    }

    #[test]
    fn the_oldest_key_is_forgotten_at_capacity() {
        let mut dedup = Deduplicator::new(3);
        for ts in ["1.1", "1.2", "1.3"] {
            assert!(!dedup.is_duplicate_key("C1", ts));
        }
        assert!(!dedup.is_duplicate_key("C1", "1.4"), "evicts 1.1");
        assert_eq!(dedup.len(), 3);
        assert!(dedup.is_duplicate_key("C1", "1.2"));
        assert!(dedup.is_duplicate_key("C1", "1.4"));
        assert!(
            !dedup.is_duplicate_key("C1", "1.1"),
            "forgotten, so it passes again"
        );
        assert!(
            !dedup.is_duplicate_key("C1", "1.2"),
            "evicted by 1.1's return"
        );
        assert_eq!(dedup.len(), 3);
    }

    #[test]
    fn only_messages_with_a_channel_and_ts_are_considered() {
        let mut dedup = Deduplicator::new(16);
        for json in [
            r#"{"type":"user_typing","channel":"C1","user":"U1"}"#,
            r#"{"type":"reaction_added","channel":"C1","ts":"1.0"}"#,
            r#"{"type":"message","ts":"1.0","text":"no channel"}"#,
            r#"{"type":"message","channel":"C1","text":"no ts"}"#,
            r#"{"type":"message","channel":"C1","ts":1.0}"#,
            r#"{"type":"message","channel":{"id":"C1"},"ts":"1.0"}"#,
            r#"{"type":"message","channel":"","ts":""}"#,
        ] {
            let ev = event(json);
            assert!(!dedup.is_duplicate(&ev), "{json}");
            assert!(!dedup.is_duplicate(&ev), "{json} again");
        }
        assert!(dedup.is_empty());
    }

    #[test]
    fn hidden_subtypes_dedup_on_their_own_ts() {
        let mut dedup = Deduplicator::new(16);
        let edit = r#"{"type":"message","subtype":"message_changed","hidden":true,"channel":"C1",
            "ts":"2.0","message":{"type":"message","ts":"1.0","text":"new"}}"#;
        assert!(!dedup.is_duplicate(&event(edit)));
        assert!(dedup.is_duplicate(&event(edit)));
        assert!(
            !dedup.is_duplicate_key("C1", "1.0"),
            "the nested ts is not the key"
        );
    }

    #[test]
    fn zero_capacity_remembers_nothing() {
        let mut dedup = Deduplicator::new(0);
        let ev = message("C1", "1.0", "T1");
        assert!(!dedup.is_duplicate(&ev));
        assert!(!dedup.is_duplicate(&ev));
        assert!(dedup.is_empty());
    }

    #[test]
    fn clear_forgets_everything() {
        let mut dedup = Deduplicator::default();
        assert_eq!(dedup.capacity(), DEFAULT_CAPACITY);
        assert!(!dedup.is_duplicate_key("C1", "1.0"));
        dedup.clear();
        assert!(!dedup.is_duplicate_key("C1", "1.0"));
        assert!(format!("{dedup:?}").contains("len: 1"));
    }

    #[test]
    fn a_shared_filter_passes_each_message_once_across_threads() {
        const MESSAGES: usize = 500;
        const CONNECTIONS: usize = 4;
        let shared = SharedDeduplicator::new(MESSAGES);
        let events: Arc<Vec<Vec<SlackEvent>>> = Arc::new(
            (0..CONNECTIONS)
                .map(|c| {
                    (0..MESSAGES)
                        .map(|i| message("C1", &format!("1.{i:06}"), &format!("T{c}")))
                        .collect()
                })
                .collect(),
        );
        let threads: Vec<_> = (0..CONNECTIONS)
            .map(|c| {
                let shared = shared.clone();
                let events = Arc::clone(&events);
                std::thread::spawn(move || {
                    events[c]
                        .iter()
                        .filter(|ev| !shared.is_duplicate(ev))
                        .count()
                })
            })
            .collect();
        let passed: usize = threads
            .into_iter()
            .map(|t| t.join().expect("no panic"))
            .sum();
        assert_eq!(passed, MESSAGES);
        assert_eq!(shared.len(), MESSAGES);
    }
}
