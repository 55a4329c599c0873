//! [`DeliveryDedup`]: Socket Mode delivers at least once (retries after a missed ack, the
//! same envelope on two overlapping sockets during a refresh), so the client remembers
//! every `envelope_id` and `events_api` `event_id` it handed to the app, for a window
//! longer than Slack's retry schedule (≈ 0 s, 1 min, 5 min after the deadline). Pure:
//! time is an argument.
//!
//! Memory is bounded twice: by the time window and by a capacity (oldest first out).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The default window: longer than the +5 min retry, with margin (the protocol asks for
/// at least 10 minutes).
pub(crate) const DEFAULT_DEDUP_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The default capacity in remembered keys (an envelope id and an event id each count
/// once): about 100 bytes a key, so a few megabytes at most for a very busy app.
pub(crate) const DEFAULT_DEDUP_CAPACITY: usize = 32_768;

/// What a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    Envelope,
    Event,
}

/// The delivery ids seen within the window.
#[derive(Debug)]
pub(crate) struct DeliveryDedup {
    window: Duration,
    capacity: usize,
    /// Envelope ids seen (each key is in `order` exactly once).
    envelopes: HashMap<Arc<str>, ()>,
    /// Event ids seen.
    events: HashMap<Arc<str>, ()>,
    /// Insertion order, for expiry and eviction (the key text is shared with the map).
    order: VecDeque<(Instant, Space, Arc<str>)>,
}

impl DeliveryDedup {
    pub(crate) fn new(window: Duration, capacity: usize) -> Self {
        Self {
            window,
            capacity: capacity.max(2),
            envelopes: HashMap::new(),
            events: HashMap::new(),
            order: VecDeque::new(),
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
        let by_envelope = self.contains(Space::Envelope, envelope_id);
        let by_event = event_id.is_some_and(|e| !e.is_empty() && self.contains(Space::Event, e));
        if by_envelope || by_event {
            // Remember the other id too, so a later copy that shares only it is caught.
            self.remember(Space::Envelope, envelope_id, now);
            if let Some(e) = event_id.filter(|e| !e.is_empty()) {
                self.remember(Space::Event, e, now);
            }
            return true;
        }
        self.remember(Space::Envelope, envelope_id, now);
        if let Some(e) = event_id.filter(|e| !e.is_empty()) {
            self.remember(Space::Event, e, now);
        }
        false
    }

    /// Keys remembered now.
    pub(crate) fn len(&self) -> usize {
        self.envelopes.len() + self.events.len()
    }

    fn map(&mut self, space: Space) -> &mut HashMap<Arc<str>, ()> {
        match space {
            Space::Envelope => &mut self.envelopes,
            Space::Event => &mut self.events,
        }
    }

    fn contains(&self, space: Space, key: &str) -> bool {
        match space {
            Space::Envelope => self.envelopes.contains_key(key),
            Space::Event => self.events.contains_key(key),
        }
    }

    fn remember(&mut self, space: Space, key: &str, now: Instant) {
        if self.contains(space, key) {
            return;
        }
        while self.len() >= self.capacity {
            if !self.pop_oldest() {
                break;
            }
        }
        let key: Arc<str> = Arc::from(key);
        self.map(space).insert(key.clone(), ());
        self.order.push_back((now, space, key));
    }

    /// Forgets the oldest key; false when there is none.
    fn pop_oldest(&mut self) -> bool {
        let Some((_, space, key)) = self.order.pop_front() else {
            return false;
        };
        self.map(space).remove(&key);
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
    fn envelope_and_event_ids_live_in_separate_spaces() {
        let t0 = Instant::now();
        let mut d = dedup();
        assert!(!d.is_duplicate("X", None, t0));
        assert!(!d.is_duplicate("Y", Some("X"), t0));
    }
}
