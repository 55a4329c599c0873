//! The throughput fast path for benches: `events_api` envelopes of about 880 bytes, each
//! with its own envelope id and event id, pre-encoded once and patched per frame, written
//! in 64 KiB batches while acks are read; acks of blasted envelopes are matched by their
//! sequence number, not parsed as JSON.

use std::time::{Duration, Instant};

use serde_json::json;

use super::envelopes;
use crate::fake::blast::encode_text_frame;

/// The id prefixes of blasted envelopes; the 12 digits after them are the sequence.
const ENVELOPE_PREFIX: &str = "blast-";
const EVENT_PREFIX: &str = "EvB";
const DIGITS: usize = 12;
/// Bytes of frames per `write` call.
const BATCH_BYTES: usize = 64 * 1024;
/// How an ack of a blasted envelope starts, as this crate's client and a plain
/// serde_json encoder write it.
const ACK_START: &str = "{\"envelope_id\":\"blast-";

/// What a blast found, published when every envelope is acked, when the session ends,
/// or when the test asks for it.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::FakeSlack;
/// use slack_rtm::socket_mode::SocketModeClient;
///
/// let slack = FakeSlack::start()?;
/// let sm = slack.socket_mode();
/// let client = SocketModeClient::builder(sm.app_token())
///     .slack_api_url(slack.api_url())
///     .no_proxy()
///     .build()?;
/// client.start()?; // acks every envelope by itself
/// assert!(sm.wait_for_open_sessions(1, Duration::from_secs(10)));
/// assert!(sm.blast_events(100));
/// let report = sm.wait_for_blast(Duration::from_secs(10)).expect("a report");
/// assert_eq!((report.written, report.acked, report.duplicate_acks), (100, 100, 0));
/// assert_eq!(report.refused_acks, 0); // every ack one frame under 20 KB
/// assert_eq!(report.latencies.len(), 100);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlastReport {
    /// Envelopes to write.
    pub n: usize,
    /// Envelopes written.
    pub written: usize,
    /// Envelopes acked (each once).
    pub acked: usize,
    /// Acks for an envelope already acked.
    pub duplicate_acks: usize,
    /// Acks Slack would ignore: fragmented (several websocket frames) or of 20 000 bytes
    /// or more. Their envelopes are not counted as acked.
    pub refused_acks: usize,
    /// From each envelope's write to its ack, for the acked ones, in sequence order.
    pub latencies: Vec<Duration>,
    /// From the first write to the last ack.
    pub elapsed: Duration,
}

/// One blast in progress on a session.
pub(crate) struct BlastJob {
    n: usize,
    /// One frame, header included, with sequence 0 in both ids.
    template: Vec<u8>,
    /// Where the 12 digits of every id occurrence start in `template`.
    id_at: Vec<usize>,
    next: usize,
    buf: Vec<u8>,
    offset: usize,
    /// When the batch in `buf` was handed to the kernel (per frame: its batch's time).
    sent_at: Vec<Option<Instant>>,
    acked_at: Vec<Option<Instant>>,
    acked: usize,
    duplicate_acks: usize,
    refused_acks: usize,
    started: Option<Instant>,
    last_ack: Option<Instant>,
}

impl BlastJob {
    pub(crate) fn new(n: usize, team: &str, bot: &str, app: &str) -> Self {
        let zeros = "0".repeat(DIGITS);
        let event = json!({"type": "message", "channel": "C0GENERAL", "user": "U0FAKEUSER",
                           "text": "deploy finished", "ts": "1764494043.001200", "event_ts": "1764494043.001200",
                           "channel_type": "channel", "team": team,
                           "client_msg_id": "0d7c3b2a-1f4e-4c5d-8a9b-7e6f5d4c3b2a",
                           "blocks": [{"type": "rich_text", "block_id": "b1", "elements": [
                               {"type": "rich_text_section", "elements": [{"type": "text", "text": "deploy finished"}]}]}]});
        let event_id = format!("{EVENT_PREFIX}{zeros}");
        let payload = envelopes::event_callback(event, &event_id, team, app, bot);
        let envelope_id = format!("{ENVELOPE_PREFIX}{zeros}");
        let text = envelopes::envelope(&envelope_id, "events_api", payload, false, Some((0, "")))
            .to_string();
        let frame = encode_text_frame(text.as_bytes());
        let mut id_at = Vec::new();
        for needle in [envelope_id.as_bytes(), event_id.as_bytes()] {
            id_at.extend(
                frame
                    .windows(needle.len())
                    .enumerate()
                    .filter(|(_, w)| *w == needle)
                    .map(|(p, _)| p + needle.len() - DIGITS),
            );
        }
        Self {
            n,
            template: frame,
            id_at,
            next: 0,
            buf: Vec::new(),
            offset: 0,
            sent_at: vec![None; n],
            acked_at: vec![None; n],
            acked: 0,
            duplicate_acks: 0,
            refused_acks: 0,
            started: None,
            last_ack: None,
        }
    }

    /// Whether every frame has been handed to the kernel.
    pub(crate) fn written_all(&self) -> bool {
        self.next >= self.n && self.offset >= self.buf.len()
    }

    pub(crate) fn acked_all(&self) -> bool {
        self.acked >= self.n
    }

    /// The bytes still to write (refilled with the next batch when empty).
    pub(crate) fn pending(&mut self) -> &[u8] {
        if self.offset >= self.buf.len() && self.next < self.n {
            self.buf.clear();
            self.offset = 0;
            let now = Instant::now();
            self.started.get_or_insert(now);
            while self.buf.len() + self.template.len() <= BATCH_BYTES.max(self.template.len())
                && self.next < self.n
            {
                let start = self.buf.len();
                self.buf.extend_from_slice(&self.template);
                let digits = format!("{:0width$}", self.next, width = DIGITS);
                for &at in &self.id_at {
                    self.buf[start + at..start + at + DIGITS].copy_from_slice(digits.as_bytes());
                }
                self.sent_at[self.next] = Some(now);
                self.next += 1;
                if self.buf.len() >= BATCH_BYTES {
                    break;
                }
            }
        }
        &self.buf[self.offset..]
    }

    pub(crate) fn advance(&mut self, written: usize) {
        self.offset += written;
    }

    /// Counts `text` if it acks a blasted envelope; false when it is something else.
    pub(crate) fn take_ack(&mut self, text: &str, frames: u32) -> bool {
        let Some(rest) = text.strip_prefix(ACK_START) else {
            return false;
        };
        let Some(seq) = rest.get(..DIGITS).and_then(|d| d.parse::<usize>().ok()) else {
            return false;
        };
        if seq >= self.n {
            return false;
        }
        // Held to the rule every ack is held to: one frame, under 20 KB.
        if frames != 1 || text.len() >= super::server::MAX_ACK_BYTES {
            self.refused_acks += 1;
            return true;
        }
        let now = Instant::now();
        match self.acked_at[seq] {
            Some(_) => self.duplicate_acks += 1,
            None => {
                self.acked_at[seq] = Some(now);
                self.acked += 1;
            }
        }
        self.last_ack = Some(now);
        true
    }

    pub(crate) fn report(&self) -> BlastReport {
        let latencies = self
            .sent_at
            .iter()
            .zip(&self.acked_at)
            .filter_map(|(s, a)| Some(a.as_ref()?.saturating_duration_since(*s.as_ref()?)))
            .collect();
        BlastReport {
            n: self.n,
            written: self.next.min(self.n),
            acked: self.acked,
            duplicate_acks: self.duplicate_acks,
            refused_acks: self.refused_acks,
            latencies,
            elapsed: match (self.started, self.last_ack) {
                (Some(s), Some(e)) => e.saturating_duration_since(s),
                _ => Duration::ZERO,
            },
        }
    }
}

#[cfg(test)]
fn header_len(frame: &[u8]) -> usize {
    match frame.get(1) {
        Some(126) => 4,
        Some(127) => 10,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_blasted_frame_has_its_own_ids_and_its_ack_is_matched() {
        let mut job = BlastJob::new(3, "T1", "U0BOT", "A1");
        let bytes = job.pending().to_vec();
        let h = header_len(&bytes);
        let len = job.template.len();
        let texts: Vec<String> = (0..3)
            .map(|i| String::from_utf8(bytes[i * len + h..(i + 1) * len].to_vec()).unwrap())
            .collect();
        let values: Vec<serde_json::Value> = texts
            .iter()
            .map(|t| serde_json::from_str(t).unwrap())
            .collect();
        assert_eq!(values[2]["envelope_id"], "blast-000000000002");
        assert_eq!(values[1]["payload"]["event_id"], "EvB000000000001");
        assert!(
            texts[0].len() > 800 && texts[0].len() < 1000,
            "{}",
            texts[0].len()
        );
        job.advance(bytes.len());
        assert!(job.written_all());
        assert!(job.take_ack(r#"{"envelope_id":"blast-000000000002"}"#, 2));
        assert!(job.take_ack(r#"{"envelope_id":"blast-000000000001"}"#, 1));
        assert!(job.take_ack(r#"{"envelope_id":"blast-000000000001"}"#, 1));
        assert!(!job.take_ack(r#"{"envelope_id":"other"}"#, 1));
        let r = job.report();
        assert_eq!((r.acked, r.duplicate_acks, r.latencies.len()), (1, 1, 1));
        assert_eq!(r.refused_acks, 1, "a fragmented ack is not an ack");
    }
}
