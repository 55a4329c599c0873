//! The frame ids a connection has used, kept as ranges: a client that numbers its frames
//! 1, 2, 3, ... costs one entry however long it runs, while every reuse is still caught.

use std::collections::BTreeMap;

/// A set of `u64`, stored as disjoint, non-adjacent inclusive ranges.
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    /// Range start → range end (inclusive).
    ranges: BTreeMap<u64, u64>,
}

impl IdSet {
    /// Adds `id`; false if it was already there.
    pub(crate) fn insert(&mut self, id: u64) -> bool {
        let mut start = id;
        if let Some((&s, &e)) = self.ranges.range(..=id).next_back() {
            if id <= e {
                return false;
            }
            if e.checked_add(1) == Some(id) {
                start = s;
            }
        }
        let end = id
            .checked_add(1)
            .and_then(|next| self.ranges.remove(&next))
            .unwrap_or(id);
        self.ranges.insert(start, end);
        true
    }

    /// How many ranges are stored (the memory it takes).
    #[cfg(test)]
    pub(crate) fn ranges(&self) -> usize {
        self.ranges.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increasing_ids_take_one_range_however_many() {
        let mut ids = IdSet::default();
        for n in 1..=100_000 {
            assert!(ids.insert(n));
        }
        assert_eq!(ids.ranges(), 1);
        assert!(!ids.insert(1));
        assert!(!ids.insert(50_000));
        assert!(!ids.insert(100_000));
        assert!(ids.insert(100_001));
    }

    #[test]
    fn out_of_order_ids_merge_when_the_gaps_fill() {
        let mut ids = IdSet::default();
        for n in [5, 1, 3, 2, 4] {
            assert!(ids.insert(n));
        }
        assert_eq!(ids.ranges(), 1);
        assert!(ids.insert(u64::MAX));
        assert!(!ids.insert(u64::MAX));
        assert!(ids.insert(7));
        assert_eq!(ids.ranges(), 3);
        for n in 1..=5 {
            assert!(!ids.insert(n), "{n} was used");
        }
        assert!(ids.insert(6));
        assert_eq!(ids.ranges(), 2);
    }
}
