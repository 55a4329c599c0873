//! [`LinkState`]: where one connection is in its life — waiting for `hello` (with a
//! deadline), ready, or draining (being replaced) — and how long it was ready. Pure: the
//! time is passed in.

use std::time::{Duration, Instant};

use crate::protocol::deadline::after;

/// The phase of one link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Open; `hello` must come before the deadline.
    AwaitingHello {
        /// When the attempt fails without it.
        deadline: Instant,
    },
    /// `hello` came at `since`.
    Ready {
        /// When.
        since: Instant,
    },
    /// Being replaced: still read (and written), closed once the replacement is ready.
    Draining {
        /// When it became ready, if it did.
        ready_since: Option<Instant>,
        /// Once the replacement is ready: the close was started, and the server must
        /// answer it by then (until then, what it still sends is read and delivered).
        close_by: Option<Instant>,
    },
}

/// One link's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LinkState {
    phase: Phase,
}

impl LinkState {
    /// A link opened at `now` that must say hello within `hello_timeout`.
    pub(crate) fn opened(now: Instant, hello_timeout: Duration) -> Self {
        Self {
            phase: Phase::AwaitingHello {
                deadline: after(now, hello_timeout),
            },
        }
    }

    /// `hello` arrived at `now`: true when this made the link ready (a second `hello` is
    /// just an event).
    pub(crate) fn hello(&mut self, now: Instant) -> bool {
        match self.phase {
            Phase::AwaitingHello { .. } => {
                self.phase = Phase::Ready { since: now };
                true
            }
            _ => false,
        }
    }

    /// Marks the link as being replaced.
    pub(crate) fn drain(&mut self) {
        self.phase = Phase::Draining {
            ready_since: self.ready_since(),
            close_by: None,
        };
    }

    /// The replacement is ready: the close starts at `now` and must be answered within
    /// `within`. False when the link is not draining (or already closing).
    pub(crate) fn closing(&mut self, now: Instant, within: Duration) -> bool {
        match self.phase {
            Phase::Draining {
                ready_since,
                close_by: None,
            } => {
                self.phase = Phase::Draining {
                    ready_since,
                    close_by: Some(after(now, within)),
                };
                true
            }
            _ => false,
        }
    }

    #[cfg(test)]
    pub(crate) fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready { .. })
    }

    pub(crate) fn is_draining(&self) -> bool {
        matches!(self.phase, Phase::Draining { .. })
    }

    /// When it became ready, if it did.
    pub(crate) fn ready_since(&self) -> Option<Instant> {
        match self.phase {
            Phase::Ready { since } => Some(since),
            Phase::Draining { ready_since, .. } => ready_since,
            Phase::AwaitingHello { .. } => None,
        }
    }

    /// How long it has been (or was) ready at `now`; `None` if it never was.
    pub(crate) fn uptime(&self, now: Instant) -> Option<Duration> {
        self.ready_since()
            .map(|since| now.saturating_duration_since(since))
    }

    /// The link's deadline, while one runs: for `hello`, or for the answer to its close.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        match self.phase {
            Phase::AwaitingHello { deadline } => Some(deadline),
            Phase::Draining { close_by, .. } => close_by,
            Phase::Ready { .. } => None,
        }
    }

    /// True when `hello` did not come in time.
    pub(crate) fn hello_overdue(&self, now: Instant) -> bool {
        matches!(self.phase, Phase::AwaitingHello { deadline } if now >= deadline)
    }

    /// True when the server did not answer the close in time.
    pub(crate) fn close_overdue(&self, now: Instant) -> bool {
        matches!(self.phase, Phase::Draining { close_by: Some(t), .. } if now >= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn a_link_that_never_says_hello_is_overdue_at_its_deadline() {
        let t0 = Instant::now();
        let l = LinkState::opened(t0, 10 * S);
        assert!(!l.hello_overdue(t0 + 9 * S));
        assert!(l.hello_overdue(t0 + 10 * S));
        assert_eq!(l.uptime(t0 + 11 * S), None);
    }

    #[test]
    fn hello_makes_the_link_ready_once_and_clears_the_deadline() {
        let t0 = Instant::now();
        let mut l = LinkState::opened(t0, 10 * S);
        assert!(l.hello(t0 + S));
        assert!(!l.hello(t0 + 2 * S), "a second hello is only an event");
        assert!(l.is_ready());
        assert_eq!(l.deadline(), None);
        assert!(!l.hello_overdue(t0 + 100 * S));
        assert_eq!(l.uptime(t0 + 5 * S), Some(4 * S));
    }

    #[test]
    fn a_draining_link_remembers_how_long_it_was_ready() {
        let t0 = Instant::now();
        let mut l = LinkState::opened(t0, 10 * S);
        l.hello(t0);
        l.drain();
        assert!(l.is_draining() && !l.is_ready());
        assert_eq!(l.uptime(t0 + 3 * S), Some(3 * S));
        assert!(!l.hello(t0 + 4 * S));
    }

    #[test]
    fn a_replaced_link_closes_once_and_must_be_answered_in_time() {
        let t0 = Instant::now();
        let mut l = LinkState::opened(t0, 10 * S);
        l.hello(t0);
        assert!(!l.closing(t0, 5 * S), "only a draining link closes");
        l.drain();
        assert_eq!(
            l.deadline(),
            None,
            "a draining link has no deadline of its own"
        );
        assert!(l.closing(t0 + S, 5 * S));
        assert!(!l.closing(t0 + 2 * S, 5 * S), "the close starts once");
        assert_eq!(l.deadline(), Some(t0 + 6 * S));
        assert!(!l.close_overdue(t0 + 5 * S));
        assert!(l.close_overdue(t0 + 6 * S));
    }

    #[test]
    fn a_huge_hello_timeout_never_overflows() {
        let t0 = Instant::now();
        let l = LinkState::opened(t0, Duration::MAX);
        assert!(!l.hello_overdue(t0 + 1000 * S));
    }
}
