//! [`SocketModeStats`]: the health of a Socket Mode client, and the counters behind it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::State;

/// Counters the protocol side updates (relaxed atomics: figures, not synchronization).
#[derive(Debug, Default)]
pub(crate) struct SmCounters {
    pub(crate) requests_received: AtomicU64,
    pub(crate) acks_sent: AtomicU64,
    pub(crate) acks_late: AtomicU64,
    pub(crate) acks_failed: AtomicU64,
    pub(crate) acks_on_drop: AtomicU64,
    pub(crate) held_past_warning: AtomicU64,
    pub(crate) deadlines_missed: AtomicU64,
    pub(crate) retries_seen: AtomicU64,
    pub(crate) duplicates_dropped: AtomicU64,
    pub(crate) dedup_forgotten_early: AtomicU64,
    pub(crate) refused_while_closing: AtomicU64,
    pub(crate) unacked_at_disconnect: AtomicU64,
    pub(crate) disconnects: AtomicU64,
    pub(crate) ghost_warnings: AtomicU64,
    /// The last `num_connections` a `hello` reported (0: none yet).
    pub(crate) num_connections: AtomicU64,
    /// The last ack's latency, in microseconds (0: none yet).
    pub(crate) last_ack_latency_us: AtomicU64,
}

impl SmCounters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A snapshot of a [`SocketModeClient`](super::SocketModeClient)'s health.
///
/// ```no_run
/// # fn demo(client: &slack_rtm::socket_mode::SocketModeClient) {
/// let s = client.stats();
/// println!("{} sockets, {} acks ({} late), {} duplicates dropped",
///          s.connections, s.acks_sent, s.acks_late, s.duplicates_dropped);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SocketModeStats {
    /// The lifecycle state.
    pub state: State,
    /// Sockets open now (a refresh briefly holds one more).
    pub connections: usize,
    /// What the last `hello` said Slack counts (`num_connections`).
    pub num_connections_reported: Option<u64>,
    /// Times Slack counted more sockets than this client held (ghost registrations).
    pub ghost_warnings: u64,
    /// Reconnections (lost sockets, refreshes).
    pub reconnects: u64,
    /// `disconnect` frames received.
    pub disconnects: u64,
    /// Envelopes received (duplicates included).
    pub requests_received: u64,
    /// Acks written.
    pub acks_sent: u64,
    /// Acks written after the 3-second deadline.
    pub acks_late: u64,
    /// Acks that could not be written.
    pub acks_failed: u64,
    /// Requests the app dropped without an ack (acked bare by the client).
    pub acks_on_drop: u64,
    /// Requests still unacked past the warning threshold (2.5 s).
    pub held_past_warning: u64,
    /// Requests still unacked past the 3-second deadline.
    pub deadlines_missed: u64,
    /// Requests that were Slack's retries (`retry_attempt` > 0).
    pub retries_seen: u64,
    /// Deliveries acked and dropped as duplicates.
    pub duplicates_dropped: u64,
    /// Delivery ids (envelope ids, and `events_api` event ids) the deduplication forgot
    /// before their `dedup_window` ended, because `dedup_capacity` was full: a retry of
    /// one of them would be delivered again. Not 0 means the capacity is too small for
    /// the app's rate; a warning with the capacity is logged once per burst.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::socket_mode::SocketModeClient) {
    /// let s = client.stats();
    /// if s.dedup_forgotten_early > 0 {
    ///     eprintln!("{} ids forgotten early: raise dedup_capacity", s.dedup_forgotten_early);
    /// }
    /// # }
    /// ```
    pub dedup_forgotten_early: u64,
    /// Envelopes that arrived after [`disconnect`](super::SocketModeClient::disconnect)
    /// was called, while it waited for the acks still owed: neither delivered nor acked
    /// (nor remembered as delivered), so Slack retries an `events_api` one on another
    /// socket or after the next start; for a refused command or interaction Slack shows
    /// the user an error.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::socket_mode::SocketModeClient) {
    /// client.disconnect();
    /// println!("{} requests left to Slack's retry", client.stats().refused_while_disconnecting);
    /// # }
    /// ```
    pub refused_while_disconnecting: u64,
    /// Requests delivered (to the app, or waiting in its queue) that were still not
    /// acked when [`disconnect`](super::SocketModeClient::disconnect) closed the sockets
    /// after its grace; each close logs them at WARN.
    ///
    /// ```no_run
    /// # fn demo(client: &slack_rtm::socket_mode::SocketModeClient) {
    /// client.disconnect();
    /// assert_eq!(client.stats().unacked_at_disconnect, 0, "every request was acked");
    /// # }
    /// ```
    pub unacked_at_disconnect: u64,
    /// Requests dropped for a slow consumer.
    pub events_dropped: u64,
    /// Requests delivered and waiting for their ack now.
    pub awaiting_ack: usize,
    /// Events waiting in the queue to the app.
    pub events_waiting: usize,
    /// The last ack's latency from delivery.
    pub last_ack_latency: Option<Duration>,
}

impl SocketModeStats {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn snapshot(
        state: State,
        connections: usize,
        reconnects: u64,
        events_dropped: u64,
        awaiting_ack: usize,
        events_waiting: usize,
        c: &SmCounters,
    ) -> Self {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        SocketModeStats {
            state,
            connections,
            num_connections_reported: Some(get(&c.num_connections)).filter(|n| *n > 0),
            ghost_warnings: get(&c.ghost_warnings),
            reconnects,
            disconnects: get(&c.disconnects),
            requests_received: get(&c.requests_received),
            acks_sent: get(&c.acks_sent),
            acks_late: get(&c.acks_late),
            acks_failed: get(&c.acks_failed),
            acks_on_drop: get(&c.acks_on_drop),
            held_past_warning: get(&c.held_past_warning),
            deadlines_missed: get(&c.deadlines_missed),
            retries_seen: get(&c.retries_seen),
            duplicates_dropped: get(&c.duplicates_dropped),
            dedup_forgotten_early: get(&c.dedup_forgotten_early),
            refused_while_disconnecting: get(&c.refused_while_closing),
            unacked_at_disconnect: get(&c.unacked_at_disconnect),
            events_dropped,
            awaiting_ack,
            events_waiting,
            last_ack_latency: Some(get(&c.last_ack_latency_us))
                .filter(|n| *n > 0)
                .map(Duration::from_micros),
        }
    }
}
