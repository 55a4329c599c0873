//! [`DeliveryDedup`]: Socket Mode delivers at least once (retries after a missed ack, the
//! same envelope on two overlapping sockets during a refresh), so the client remembers
//! every `envelope_id` and `events_api` `event_id` it handed to the app, for a window
//! longer than Slack's retry schedule (≈ 0 s, 1 min, 5 min after the deadline). Pure:
//! time is an argument.
//!
//! Memory is bounded twice: by the time window and by a capacity (oldest first out). A
//! key the capacity pushes out before its window ends is counted
//! ([`DeliveryDedup::take_forgotten_early`]): a retry of it would be delivered again.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::time::{Duration, Instant};

/// The default window: longer than the +5 min retry, with margin (the protocol asks for
/// at least 10 minutes).
pub(crate) const DEFAULT_DEDUP_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The default capacity in remembered keys (an envelope id and an event id each count
/// once): about 100 bytes a key, so a few megabytes at most for a very busy app.
pub(crate) const DEFAULT_DEDUP_CAPACITY: usize = 32_768;

/// Early forgetting that follows the last by less than this belongs to the same burst
/// (reported once).
pub(crate) const FORGET_BURST_QUIET: Duration = Duration::from_secs(60);

/// Keys the capacity pushed out before their window ended, since the last
/// [`DeliveryDedup::take_forgotten_early`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ForgottenEarly {
    /// How many.
    pub(crate) keys: u64,
    /// Whether they start a burst: none was forgotten early for [`FORGET_BURST_QUIET`]
    /// (or ever) before.
    pub(crate) new_burst: bool,
}

/// What a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    Envelope,
    Event,
}

/// Key texts up to this long are kept inline (Slack's envelope ids are 36-character
/// UUIDs, event ids about 11 characters): remembering them allocates nothing.
const INLINE: usize = 46;

/// A remembered key's text.
#[derive(Debug)]
enum Text {
    Inline(u8, [u8; INLINE]),
    Heap(Box<str>),
}

impl Text {
    fn new(key: &str) -> Self {
        match u8::try_from(key.len()) {
            Ok(len) if key.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..key.len()].copy_from_slice(key.as_bytes());
                Text::Inline(len, bytes)
            }
            _ => Text::Heap(Box::from(key)),
        }
    }

    fn is(&self, key: &str) -> bool {
        match self {
            Text::Inline(len, bytes) => bytes.get(..usize::from(*len)) == Some(key.as_bytes()),
            Text::Heap(text) => &**text == key,
        }
    }
}

/// The maps are keyed by the key's hash, already computed once with a random key: this
/// hands it through instead of hashing it a second time.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed here; fold anything else in all the same.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Seen = HashMap<u64, Text, BuildHasherDefault<Prehashed>>;

/// The delivery ids seen within the window.
///
/// Each key is hashed once (SipHash with a random key) and remembered under that hash
/// with its text. Two different keys that share a hash (about one chance in 10^10 per
/// window at full capacity) are told apart by the text: the second is delivered and
/// not remembered, so a collision can only let a copy through (at least once, as Slack
/// promises anyway), never drop a request.
#[derive(Debug)]
pub(crate) struct DeliveryDedup<S = RandomState> {
    window: Duration,
    capacity: usize,
    hasher: S,
    /// Envelope ids seen (each key is in `order` exactly once).
    envelopes: Seen,
    /// Event ids seen.
    events: Seen,
    /// Insertion order, for expiry and eviction.
    order: VecDeque<(Instant, Space, u64)>,
    /// Keys evicted by the capacity inside their window, not yet taken.
    forgotten_early: u64,
    /// When keys were last taken as forgotten early (the current burst).
    last_forgotten: Option<Instant>,
}

impl DeliveryDedup {
    pub(crate) fn new(window: Duration, capacity: usize) -> Self {
        DeliveryDedup::with_hasher(window, capacity, RandomState::new())
    }
}

/// What looking a key up found.
enum Found {
    /// Remembered already: a duplicate.
    Same,
    /// Not remembered.
    New(u64),
    /// Another key has its hash: not a duplicate, and not remembered.
    Collision,
}

impl<S: BuildHasher> DeliveryDedup<S> {
    fn with_hasher(window: Duration, capacity: usize, hasher: S) -> Self {
        Self {
            window,
            capacity: capacity.max(2),
            hasher,
            envelopes: Seen::default(),
            events: Seen::default(),
            order: VecDeque::new(),
            forgotten_early: 0,
            last_forgotten: None,
        }
    }

    /// True when this delivery repeats one seen within the window (same `envelope_id`,
    /// or, for `events_api`, the same `event_id`); otherwise remembers it and returns
    /// false.
    pub(crate) fn is_duplicate(
        &mut self,
        envelope_id: &str,
        event_id: Option<&str>,
        now: Instant,
    ) -> bool {
        self.expire(now);
        let event_id = event_id.filter(|e| !e.is_empty());
        let by_envelope = self.find(Space::Envelope, envelope_id);
        let by_event = event_id.map(|e| self.find(Space::Event, e));
        let duplicate = matches!(by_envelope, Found::Same) || matches!(by_event, Some(Found::Same));
        // On a duplicate, the other id is remembered too, so that a later copy that
        // shares only it is caught.
        if let Found::New(hash) = by_envelope {
            self.remember(Space::Envelope, hash, envelope_id, now);
        }
        if let (Some(Found::New(hash)), Some(e)) = (by_event, event_id) {
            self.remember(Space::Event, hash, e, now);
        }
        duplicate
    }

    /// The keys the capacity pushed out before their window ended since the last call,
    /// if any, taken at `now`; a burst starts when none was for [`FORGET_BURST_QUIET`].
    /// (Every capacity eviction is early: expired keys are dropped first.)
    pub(crate) fn take_forgotten_early(&mut self, now: Instant) -> Option<ForgottenEarly> {
        if self.forgotten_early == 0 {
            return None;
        }
        let keys = std::mem::take(&mut self.forgotten_early);
        let new_burst = self
            .last_forgotten
            .is_none_or(|at| now.saturating_duration_since(at) >= FORGET_BURST_QUIET);
        self.last_forgotten = Some(now);
        Some(ForgottenEarly { keys, new_burst })
    }

    /// The most keys remembered.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Keys remembered now.
    pub(crate) fn len(&self) -> usize {
        self.envelopes.len() + self.events.len()
    }

    fn map(&mut self, space: Space) -> &mut Seen {
        match space {
            Space::Envelope => &mut self.envelopes,
            Space::Event => &mut self.events,
        }
    }

    fn find(&mut self, space: Space, key: &str) -> Found {
        let hash = self.hasher.hash_one(key);
        match self.map(space).get(&hash) {
            None => Found::New(hash),
            Some(text) if text.is(key) => Found::Same,
            Some(_) => Found::Collision,
        }
    }

    fn remember(&mut self, space: Space, hash: u64, key: &str, now: Instant) {
        while self.len() >= self.capacity {
            if !self.pop_oldest() {
                break;
            }
            // `expire` ran first at this `now`: what is left is inside its window.
            self.forgotten_early += 1;
        }
        if let Entry::Vacant(slot) = self.map(space).entry(hash) {
            slot.insert(Text::new(key));
            self.order.push_back((now, space, hash));
        }
    }

    /// Forgets the oldest key; false when there is none.
    fn pop_oldest(&mut self) -> bool {
        let Some((_, space, hash)) = self.order.pop_front() else {
            return false;
        };
        self.map(space).remove(&hash);
        true
    }

    fn expire(&mut self, now: Instant) {
        while let Some((at, _, _)) = self.order.front() {
            if now.saturating_duration_since(*at) < self.window {
                break;
            }
            self.pop_oldest();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn dedup() -> DeliveryDedup {
        DeliveryDedup::new(DEFAULT_DEDUP_WINDOW, DEFAULT_DEDUP_CAPACITY)
    }

    #[test]
    fn the_first_delivery_passes_and_the_same_envelope_again_is_a_duplicate() {
        let t0 = Instant::now();
        let mut d = dedup();
        assert!(!d.is_duplicate("env1", None, t0));
        assert!(d.is_duplicate("env1", None, t0 + secs(1)));
    }

    #[test]
    fn a_retry_five_minutes_later_with_a_new_envelope_id_is_caught_by_its_event_id() {
        let t0 = Instant::now();
        let mut d = dedup();
        assert!(!d.is_duplicate("env1", Some("Ev1"), t0));
        assert!(d.is_duplicate("env2", Some("Ev1"), t0 + secs(60)));
        assert!(d.is_duplicate("env3", Some("Ev1"), t0 + secs(6 * 60 + 3)));
    }

    #[test]
    fn different_events_are_not_duplicates() {
        let t0 = Instant::now();
        let mut d = dedup();
        assert!(!d.is_duplicate("env1", Some("Ev1"), t0));
        assert!(!d.is_duplicate("env2", Some("Ev2"), t0));
        assert!(!d.is_duplicate("env3", None, t0));
        assert!(!d.is_duplicate("env4", Some(""), t0));
        assert!(!d.is_duplicate("env5", Some(""), t0));
    }

    #[test]
    fn keys_are_forgotten_after_the_window() {
        let t0 = Instant::now();
        let mut d = DeliveryDedup::new(secs(600), 100);
        assert!(!d.is_duplicate("env1", Some("Ev1"), t0));
        assert!(!d.is_duplicate("env1", Some("Ev1"), t0 + secs(600)));
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn memory_stays_within_the_capacity_oldest_out_first() {
        let t0 = Instant::now();
        let mut d = DeliveryDedup::new(secs(600), 10);
        for i in 0..100 {
            assert!(!d.is_duplicate(&format!("env{i}"), Some(&format!("Ev{i}")), t0));
            assert!(d.len() <= 10);
        }
        assert!(d.is_duplicate("env99", None, t0));
        assert!(!d.is_duplicate("env0", None, t0));
    }

    #[test]
    fn keys_the_capacity_pushes_out_inside_their_window_are_counted() {
        let t0 = Instant::now();
        let mut d = DeliveryDedup::new(secs(600), 4);
        assert!(!d.is_duplicate("env1", Some("Ev1"), t0));
        assert!(!d.is_duplicate("env2", Some("Ev2"), t0));
        assert_eq!(
            d.take_forgotten_early(t0),
            None,
            "full, nothing forgotten yet"
        );
        assert!(!d.is_duplicate("env3", Some("Ev3"), t0 + secs(1)));
        assert_eq!(
            d.take_forgotten_early(t0 + secs(1)),
            Some(ForgottenEarly {
                keys: 2,
                new_burst: true
            })
        );
        assert_eq!(d.take_forgotten_early(t0 + secs(1)), None, "taken once");
    }

    #[test]
    fn keys_forgotten_at_the_end_of_their_window_are_not_counted() {
        let t0 = Instant::now();
        let mut d = DeliveryDedup::new(secs(600), 4);
        assert!(!d.is_duplicate("env1", Some("Ev1"), t0));
        assert!(!d.is_duplicate("env2", Some("Ev2"), t0 + secs(1)));
        // env1/Ev1 expire at t0 + 600 s, making room: no early forgetting.
        assert!(!d.is_duplicate("env3", Some("Ev3"), t0 + secs(600)));
        assert_eq!(d.take_forgotten_early(t0 + secs(600)), None);
        assert_eq!(d.capacity(), 4);
    }

    #[test]
    fn early_forgetting_is_one_burst_until_a_minute_passes_without_it() {
        let t0 = Instant::now();
        let mut d = DeliveryDedup::new(secs(3600), 2);
        let mut bursts = Vec::new();
        let mut total = 0;
        // One delivery a second for 100 s, a 90 s pause, then 10 more.
        let times = (0..100).chain(190..200);
        for (i, t) in times.enumerate() {
            let now = t0 + secs(t);
            assert!(!d.is_duplicate(&format!("env{i}"), None, now));
            if let Some(f) = d.take_forgotten_early(now) {
                total += f.keys;
                if f.new_burst {
                    bursts.push(t);
                }
            }
        }
        assert_eq!(
            total, 108,
            "every delivery past the first two pushed one out"
        );
        assert_eq!(bursts, vec![2, 190], "reported once per burst");
    }

    #[test]
    fn early_forgetting_a_minute_after_the_last_starts_a_new_burst_and_sooner_does_not() {
        let t0 = Instant::now();
        let mut d = DeliveryDedup::new(secs(3600), 2);
        let mut seen = Vec::new();
        for (i, t) in [0, 1, 2, 61, 122].into_iter().enumerate() {
            d.is_duplicate(&format!("env{i}"), None, t0 + secs(t));
            if let Some(f) = d.take_forgotten_early(t0 + secs(t)) {
                seen.push((t, f.new_burst));
            }
        }
        // 2 s: the first; 61 s is 59 s after it (the same burst); 122 s is 61 s after that.
        assert_eq!(seen, vec![(2, true), (61, false), (122, true)]);
    }

    /// Every key hashes alike: every lookup meets a collision.
    #[derive(Default)]
    struct Colliding;

    impl BuildHasher for Colliding {
        type Hasher = Prehashed;
        fn build_hasher(&self) -> Prehashed {
            Prehashed(7)
        }
    }

    #[test]
    fn a_key_that_shares_another_keys_hash_is_delivered_never_dropped() {
        let t0 = Instant::now();
        let mut d = DeliveryDedup::with_hasher(secs(600), 100, Colliding);
        assert!(!d.is_duplicate("env1", Some("Ev1"), t0));
        assert!(
            !d.is_duplicate("env2", Some("Ev2"), t0),
            "a collision is no copy"
        );
        assert!(
            d.is_duplicate("env1", None, t0),
            "the key remembered still matches"
        );
        assert!(d.is_duplicate("env3", Some("Ev1"), t0));
    }

    #[test]
    fn long_keys_are_remembered_as_well_as_short_ones() {
        let t0 = Instant::now();
        let mut d = dedup();
        let long = "e".repeat(300);
        assert!(!d.is_duplicate(&long, None, t0));
        assert!(d.is_duplicate(&long, None, t0));
        assert!(!d.is_duplicate(&long[..299], None, t0));
    }

    #[test]
    fn envelope_and_event_ids_live_in_separate_spaces() {
        let t0 = Instant::now();
        let mut d = dedup();
        assert!(!d.is_duplicate("X", None, t0));
        assert!(!d.is_duplicate("Y", Some("X"), t0));
    }
}
