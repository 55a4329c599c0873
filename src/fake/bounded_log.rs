//! A log that keeps only its most recent entries, numbered from the first one ever
//! pushed, so a reader can resume where it stopped even after old entries were dropped.

use std::collections::VecDeque;

/// The most recent `limit` entries pushed, oldest first. Entry number `n` (counting
/// from 0, dropped and cleared ones included) stays number `n` for as long as it is kept.
#[derive(Debug)]
pub(crate) struct BoundedLog<T> {
    items: VecDeque<T>,
    /// The number of `items[0]`: how many entries were dropped or cleared before it.
    base: usize,
    limit: usize,
}

impl<T> BoundedLog<T> {
    /// An empty log keeping at most `limit` entries (0 keeps none, but still counts).
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            items: VecDeque::new(),
            base: 0,
            limit,
        }
    }

    /// Appends `item`, dropping the oldest entry when the log is full.
    pub(crate) fn push(&mut self, item: T) {
        if self.limit == 0 {
            self.base = self.base.saturating_add(1);
            return;
        }
        if self.items.len() >= self.limit {
            self.items.pop_front();
            self.base = self.base.saturating_add(1);
        }
        self.items.push_back(item);
    }

    /// Forgets every entry kept; numbering carries on.
    pub(crate) fn clear(&mut self) {
        self.base = self.base.saturating_add(self.items.len());
        self.items.clear();
    }

    /// The number the next entry pushed will get.
    pub(crate) fn end(&self) -> usize {
        self.base.saturating_add(self.items.len())
    }

    /// The kept entries numbered `from` or later, with their numbers, oldest first.
    pub(crate) fn since(&self, from: usize) -> impl Iterator<Item = (usize, &T)> {
        let skip = from.saturating_sub(self.base);
        self.items
            .iter()
            .enumerate()
            .skip(skip)
            .map(move |(i, item)| (self.base + i, item))
    }

    /// Every kept entry, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    /// How many entries are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

impl<T: Clone> BoundedLog<T> {
    /// A copy of every kept entry, oldest first.
    pub(crate) fn to_vec(&self) -> Vec<T> {
        self.items.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_log_drops_its_oldest_entries_and_keeps_their_numbers() {
        let mut log = BoundedLog::new(3);
        for n in 0..5 {
            log.push(n * 10);
        }
        assert_eq!(log.to_vec(), vec![20, 30, 40]);
        assert_eq!(log.end(), 5);
        let since: Vec<_> = log.since(3).collect();
        assert_eq!(since, vec![(3, &30), (4, &40)]);
        // Asking for dropped entries gives the oldest kept one.
        assert_eq!(log.since(0).next(), Some((2, &20)));
    }

    #[test]
    fn clearing_keeps_the_numbering_going() {
        let mut log = BoundedLog::new(10);
        log.push("a");
        log.push("b");
        log.clear();
        assert_eq!(log.len(), 0);
        log.push("c");
        assert_eq!(log.since(0).collect::<Vec<_>>(), vec![(2, &"c")]);
    }

    #[test]
    fn a_zero_limit_keeps_nothing_but_counts() {
        let mut log = BoundedLog::new(0);
        log.push(1);
        log.push(2);
        assert_eq!(log.len(), 0);
        assert_eq!(log.end(), 2);
    }
}
