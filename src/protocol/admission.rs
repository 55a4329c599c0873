//! [`Admission`]: what the bounded delivery does with each item, whatever arrives — so the
//! event queue stays within `event_queue_capacity` (plus a small reserve for lifecycle
//! items) under any flood and with nobody reading. Pure: the caller passes the queue's
//! length in.

/// What the reader does when `event_queue_capacity` Slack events wait unconsumed.
/// Lifecycle events never wait; they may use 16 slots beyond the capacity, and only a
/// consumer that lets even those fill up loses some (counted like dropped events). The
/// final `Disconnected` is always delivered. Repeated errors (malformed frames) are
/// reported at most once a second, each report counting the ones folded into it.
///
/// ```
/// use slack_rtm::SlowConsumerPolicy;
/// assert_eq!(SlowConsumerPolicy::default(), SlowConsumerPolicy::DropNewest);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SlowConsumerPolicy {
    /// Drop new Slack events while the queue is full, and tell the consumer how many with
    /// an [`Event::EventsDropped`](crate::Event::EventsDropped) once there is room again.
    /// Replies and pongs are still read, so sends and the keepalive keep working even if
    /// nobody reads the events (the default).
    #[default]
    DropNewest,
    /// Stop reading the socket until the consumer catches up: nothing is dropped, but
    /// replies wait too, and Slack may close a connection that stays blocked for long. The
    /// keepalive does not count the pause against the link.
    Backpressure,
}

/// Lifecycle items may use this many slots beyond the capacity (they are never dropped
/// while the reserve lasts, and never wait).
pub(crate) const CONTROL_RESERVE: usize = 16;

/// What an item is, for the bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// An event from the server (the bulk of the traffic).
    Data,
    /// A lifecycle change, an error report, a drop report.
    Control,
    /// The session's last item (`Disconnected`): always delivered.
    Final,
}

/// The verdict for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admit {
    /// Queue it.
    Send,
    /// Drop it (counted; reported later with [`Admission::take_report`]).
    Drop,
    /// Wait for room without reading the socket ([`SlowConsumerPolicy::Backpressure`]).
    Wait,
}

/// The bound and the drops not yet reported.
#[derive(Debug, Clone)]
pub(crate) struct Admission {
    capacity: usize,
    policy: SlowConsumerPolicy,
    /// Dropped since the last report.
    unreported: u64,
}

impl Admission {
    pub(crate) fn new(capacity: usize, policy: SlowConsumerPolicy) -> Self {
        Self {
            capacity,
            policy,
            unreported: 0,
        }
    }

    /// The verdict for an item of `class` when `queued` items wait.
    pub(crate) fn admit(&mut self, class: Class, queued: usize) -> Admit {
        let verdict = match class {
            Class::Final => Admit::Send,
            Class::Control if queued < self.capacity.saturating_add(CONTROL_RESERVE) => Admit::Send,
            Class::Control => Admit::Drop,
            Class::Data if queued < self.capacity => Admit::Send,
            Class::Data => match self.policy {
                SlowConsumerPolicy::Backpressure => Admit::Wait,
                _ => Admit::Drop,
            },
        };
        if verdict == Admit::Drop {
            self.unreported = self.unreported.saturating_add(1);
        }
        verdict
    }

    /// The number of drops to report now, once there is room again (a report is itself a
    /// control item).
    pub(crate) fn take_report(&mut self, queued: usize) -> Option<u64> {
        if self.unreported > 0 && queued < self.capacity {
            Some(std::mem::take(&mut self.unreported))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_beyond_the_capacity_is_dropped_and_counted() {
        let mut a = Admission::new(10, SlowConsumerPolicy::DropNewest);
        assert_eq!(a.admit(Class::Data, 9), Admit::Send);
        assert_eq!(a.admit(Class::Data, 10), Admit::Drop);
        assert_eq!(a.admit(Class::Data, 10), Admit::Drop);
        assert_eq!(a.take_report(10), None, "no room to report yet");
        assert_eq!(a.take_report(9), Some(2));
        assert_eq!(a.take_report(0), None);
    }

    #[test]
    fn backpressure_makes_data_wait_instead() {
        let mut a = Admission::new(10, SlowConsumerPolicy::Backpressure);
        assert_eq!(a.admit(Class::Data, 10), Admit::Wait);
        assert_eq!(a.take_report(0), None);
    }

    #[test]
    fn lifecycle_items_use_the_reserve_and_then_are_dropped_too() {
        let mut a = Admission::new(10, SlowConsumerPolicy::Backpressure);
        assert_eq!(a.admit(Class::Control, 10), Admit::Send);
        assert_eq!(
            a.admit(Class::Control, 10 + CONTROL_RESERVE - 1),
            Admit::Send
        );
        assert_eq!(a.admit(Class::Control, 10 + CONTROL_RESERVE), Admit::Drop);
        assert_eq!(a.take_report(3), Some(1));
    }

    #[test]
    fn nothing_ever_queues_beyond_capacity_plus_reserve_plus_the_final_item() {
        for policy in [
            SlowConsumerPolicy::DropNewest,
            SlowConsumerPolicy::Backpressure,
        ] {
            let mut a = Admission::new(100, policy);
            let mut queued = 0usize;
            // Nobody reads: a million items of every class.
            for i in 0..1_000_000u32 {
                let class = if i % 3 == 0 {
                    Class::Control
                } else {
                    Class::Data
                };
                if a.admit(class, queued) == Admit::Send {
                    queued += 1;
                }
            }
            assert_eq!(a.admit(Class::Final, queued), Admit::Send);
            assert!(queued <= 100 + CONTROL_RESERVE, "{queued}");
        }
    }

    #[test]
    fn the_final_item_always_has_a_slot() {
        let mut a = Admission::new(0, SlowConsumerPolicy::DropNewest);
        assert_eq!(a.admit(Class::Final, usize::MAX), Admit::Send);
    }
}
