//! [`Stats`]: a cheap snapshot of the client's health.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::protocol::lifecycle::State;

/// Counters updated by the threads; read by [`RtmClient::stats`](crate::RtmClient::stats).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) events_received: AtomicU64,
    pub(crate) sends_acked: AtomicU64,
    pub(crate) sends_rejected: AtomicU64,
    pub(crate) sends_failed: AtomicU64,
    pub(crate) sent_unacked: AtomicU64,
    pub(crate) reconnects: AtomicU64,
    pub(crate) malformed_frames: AtomicU64,
    pub(crate) late_replies: AtomicU64,
    pub(crate) events_dropped: AtomicU64,
    /// Microseconds; 0 before the first pong.
    pub(crate) last_ping_rtt_us: AtomicU64,
}

/// A snapshot of the client's health, cheap enough to take on every loop iteration.
///
/// ```
/// let client = slack_rtm::RtmClient::builder("xoxb-...").build().unwrap();
/// let stats = client.stats();
/// assert_eq!(stats.events_received, 0);
/// assert_eq!(stats.state, slack_rtm::State::Disconnected);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Stats {
    /// The lifecycle state.
    pub state: State,
    /// The round trip of the last RTM ping, once one was answered.
    pub last_ping_rtt: Option<Duration>,
    /// Connections re-established after a loss.
    pub reconnects: u64,
    /// Slack events delivered to the event stream.
    pub events_received: u64,
    /// Sends acknowledged with `ok: true`.
    pub sends_acked: u64,
    /// Sends answered with `ok: false`.
    pub sends_rejected: u64,
    /// Sends (`send_message`, `send`, typing, presence, `add_outgoing_event`) that ended in
    /// another error: not connected, queue full, withdrawn at `queue_timeout` or at a
    /// [`PendingSend::wait`](crate::PendingSend::wait) timeout, write failure, no reply.
    /// Counted once, when the failure is decided, whether or not anyone still waits for
    /// the outcome (a dropped `PendingSend`'s frame counts too). Calls refused for their
    /// arguments before anything was queued (`TextTooLong`, `FrameTooLarge`,
    /// `InvalidArgument`) are not counted.
    pub sends_failed: u64,
    /// Frames written without waiting for a reply (`send`, typing, presence).
    pub sent_without_reply: u64,
    /// Inbound frames that were not JSON objects (reported as `Event::Error`).
    pub malformed_frames: u64,
    /// Replies that came after their sender stopped waiting (logged and dropped).
    pub late_replies: u64,
    /// Slack events dropped because the consumer was `event_queue_capacity` behind.
    pub events_dropped: u64,
    /// Sends waiting for a reply now.
    pub awaiting_reply: usize,
    /// Frames in the outgoing queue, waiting to be written (for the client to be ready or
    /// for the rate limit). Frames withdrawn by their caller are not counted.
    pub queued: usize,
    /// Events delivered to the event stream and not yet received by the consumer.
    pub events_waiting: usize,
}

impl Counters {
    pub(crate) fn snapshot(
        &self,
        state: State,
        awaiting_reply: usize,
        queued: usize,
        events_waiting: usize,
    ) -> Stats {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let rtt = get(&self.last_ping_rtt_us);
        Stats {
            state,
            last_ping_rtt: (rtt > 0).then(|| Duration::from_micros(rtt)),
            reconnects: get(&self.reconnects),
            events_received: get(&self.events_received),
            sends_acked: get(&self.sends_acked),
            sends_rejected: get(&self.sends_rejected),
            sends_failed: get(&self.sends_failed),
            sent_without_reply: get(&self.sent_unacked),
            malformed_frames: get(&self.malformed_frames),
            late_replies: get(&self.late_replies),
            events_dropped: get(&self.events_dropped),
            awaiting_reply,
            queued,
            events_waiting,
        }
    }
}
