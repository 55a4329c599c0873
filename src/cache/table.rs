//! A bounded table with secondary indexes, evicting with CLOCK (no I/O).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::entries::{Bot, Conversation, User};
use crate::model::ConversationKind;

/// Secondary indexes per table.
const INDEXES: usize = 2;
/// The name index (users: `name`; conversations: `name`; bots: `name`).
pub(super) const BY_NAME: usize = 0;
/// The DM index (conversations of kind `Im`: the other member).
pub(super) const BY_PEER: usize = 1;

/// What a [`Table`] stores.
pub(super) trait Entry: Clone {
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
pub(super) struct Table<T> {
    slots: HashMap<Arc<str>, Slot<T>>,
    queue: VecDeque<(Arc<str>, u64)>,
    /// Secondary key → id. On a collision the latest write wins.
    index: [HashMap<Box<str>, Arc<str>>; INDEXES],
    next_seq: u64,
    capacity: usize,
}

impl<T: Entry> Table<T> {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            slots: HashMap::new(),
            queue: VecDeque::new(),
            index: Default::default(),
            next_seq: 0,
            capacity,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    /// A lookup: marks the entry as used.
    pub(super) fn get(&self, id: &str) -> Option<&T> {
        let slot = self.slots.get(id)?;
        if !slot.used.load(Ordering::Relaxed) {
            slot.used.store(true, Ordering::Relaxed);
        }
        Some(&slot.value)
    }

    pub(super) fn by_key(&self, index: usize, key: &str) -> Option<&T> {
        let id = self.index.get(index)?.get(key)?;
        self.get(id)
    }

    /// By name: exact, then lowercased (Slack names are lowercase).
    pub(super) fn by_name(&self, name: &str) -> Option<&T> {
        self.by_key(BY_NAME, name).or_else(|| {
            name.chars()
                .any(char::is_uppercase)
                .then(|| self.by_key(BY_NAME, &name.to_lowercase()))
                .flatten()
        })
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.values().map(|s| &s.value)
    }

    fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Inserts or replaces; the entry becomes the newest. Returns how many were evicted.
    pub(super) fn upsert(&mut self, value: T) -> usize {
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
    pub(super) fn insert_absent(&mut self, value: T) -> T {
        if let Some(known) = self.get(value.id()) {
            return known.clone();
        }
        let out = value.clone();
        self.upsert(value);
        out
    }

    /// Changes a known entry in place (never its id); it becomes the newest. False if
    /// unknown.
    pub(super) fn update(&mut self, id: &str, change: impl FnOnce(&mut T)) -> bool {
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

    pub(super) fn remove(&mut self, id: &str) -> Option<T> {
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
/// Every index entry points at a stored entry that has that key, and every stored key
/// is indexed (names are unique in these tests).
pub(super) fn assert_consistent<T: Entry + std::fmt::Debug>(t: &Table<T>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::parse::parse_user;
    use serde_json::json;

    fn user(id: &str, name: &str) -> User {
        parse_user(&json!({"id": id, "name": name})).expect("has an id")
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
}
