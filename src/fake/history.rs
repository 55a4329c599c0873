//! The messages posted in the fake workspace, by `(channel, ts)`: who wrote each and what
//! it says now, so `chat.update` can tell the bot's own messages (editable) from other
//! people's (`cant_update_message`) and from ones that never existed
//! (`message_not_found`). Bounded: the oldest are forgotten first.

use std::collections::{HashMap, VecDeque};

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Posted {
    /// The user id of its author.
    pub(crate) author: String,
    /// Its current text.
    pub(crate) text: String,
    /// The thread it replies in, if it is a reply.
    pub(crate) thread_ts: Option<String>,
    /// When it is a thread's parent: its replies, `(user, ts)`, oldest first (at most
    /// the history's limit).
    pub(crate) replies: Vec<(String, String)>,
}

/// The most recent `limit` messages.
#[derive(Debug)]
pub(crate) struct History {
    messages: HashMap<(String, String), Posted>,
    /// Keys in the order they were posted, for forgetting the oldest.
    order: VecDeque<(String, String)>,
    limit: usize,
}

impl History {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            messages: HashMap::new(),
            order: VecDeque::new(),
            limit,
        }
    }

    /// Records a new message, forgetting the oldest one when full.
    pub(crate) fn record(
        &mut self,
        channel: &str,
        ts: &str,
        author: &str,
        text: &str,
        thread_ts: Option<&str>,
    ) {
        if self.limit == 0 {
            return;
        }
        while self.order.len() >= self.limit {
            if let Some(old) = self.order.pop_front() {
                self.messages.remove(&old);
            }
        }
        let key = (channel.to_owned(), ts.to_owned());
        let posted = Posted {
            author: author.to_owned(),
            text: text.to_owned(),
            thread_ts: thread_ts.map(str::to_owned),
            replies: Vec::new(),
        };
        if self.messages.insert(key.clone(), posted).is_none() {
            self.order.push_back(key);
        }
    }

    /// Adds a reply `(user, ts)` to the thread of `(channel, parent_ts)` and returns the
    /// parent, or `None` if the parent is not remembered (or is itself a reply).
    pub(crate) fn add_reply(
        &mut self,
        channel: &str,
        parent_ts: &str,
        user: &str,
        ts: &str,
    ) -> Option<&Posted> {
        let limit = self.limit;
        let parent = self.get_mut(channel, parent_ts)?;
        if parent.thread_ts.as_deref().is_some_and(|t| t != parent_ts) {
            return None;
        }
        if parent.replies.len() >= limit {
            parent.replies.remove(0);
        }
        parent.replies.push((user.to_owned(), ts.to_owned()));
        Some(parent)
    }

    /// The message at `(channel, ts)`, if remembered.
    pub(crate) fn get_mut(&mut self, channel: &str, ts: &str) -> Option<&mut Posted> {
        self.messages.get_mut(&(channel.to_owned(), ts.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_messages_are_forgotten_first() {
        let mut h = History::new(2);
        h.record("C1", "1.1", "U1", "one", None);
        h.record("C1", "1.2", "U1", "two", None);
        h.record("C1", "1.3", "U2", "three", None);
        assert!(h.get_mut("C1", "1.1").is_none());
        assert_eq!(
            h.get_mut("C1", "1.2").map(|p| p.text.clone()),
            Some("two".into())
        );
        assert_eq!(
            h.get_mut("C1", "1.3").map(|p| p.author.clone()),
            Some("U2".into())
        );
    }

    #[test]
    fn replies_are_counted_on_their_parent_only() {
        let mut h = History::new(10);
        h.record("C1", "1.1", "U1", "parent", None);
        h.record("C1", "1.2", "U2", "reply", Some("1.1"));
        let parent = h.add_reply("C1", "1.1", "U2", "1.2").expect("known parent");
        assert_eq!(parent.replies, vec![("U2".to_owned(), "1.2".to_owned())]);
        assert!(
            h.add_reply("C1", "1.2", "U2", "1.3").is_none(),
            "a reply is no parent"
        );
        assert!(h.add_reply("C1", "9.9", "U2", "1.4").is_none());
    }
}
