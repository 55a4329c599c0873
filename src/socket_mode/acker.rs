//! [`Acker`]: where acks go. It writes each ack on the socket that delivered the envelope
//! while that socket is open, otherwise on any ready one, and feeds the pure
//! [`AckDeadlines`] tracker (latency, late acks) and the counters.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::runtime::links::Links;
use crate::socket_mode::protocol::ack::encode_ack;
use crate::socket_mode::protocol::ack_deadlines::{AckDeadlines, Overdue};
use crate::socket_mode::requests::request::AckSink;
use crate::socket_mode::stats::SmCounters;

/// The ack path of one client.
pub(crate) struct Acker {
    links: Arc<Links>,
    pub(crate) deadlines: Mutex<AckDeadlines>,
    pub(crate) counters: Arc<SmCounters>,
    write_timeout: Duration,
}

impl Acker {
    pub(crate) fn new(
        links: Arc<Links>,
        deadlines: AckDeadlines,
        counters: Arc<SmCounters>,
        write_timeout: Duration,
    ) -> Self {
        Self {
            links,
            deadlines: Mutex::new(deadlines),
            counters,
            write_timeout,
        }
    }

    /// An envelope was handed out (its deadline starts).
    pub(crate) fn delivered(&self, envelope_id: &str, now: Instant) {
        self.deadlines.lock().delivered(envelope_id, now);
    }

    /// Writes an ack text (preferably on `link`) without tracking it (a duplicate).
    pub(crate) fn write(&self, link: u64, text: String) -> Result<u64> {
        let deadline = Instant::now() + self.write_timeout;
        match self.links.get(link) {
            Some(l) => l.send_text(text, deadline).map(|()| link),
            None => self.links.write_any(text, deadline),
        }
    }

    /// Reports requests past the warning or the deadline; returns the next check time.
    pub(crate) fn check_deadlines(&self, now: Instant) -> Option<Instant> {
        let mut d = self.deadlines.lock();
        for overdue in d.due(now) {
            match overdue {
                Overdue::Held(id) => {
                    SmCounters::bump(&self.counters.held_past_warning);
                    log::warn!(
                        "request {id} is still unacked after 2.5 s (Slack's deadline is 3 s)"
                    );
                }
                Overdue::Missed(id) => {
                    SmCounters::bump(&self.counters.deadlines_missed);
                    log::warn!(
                        "request {id} missed its 3 s ack deadline: Slack retries events and shows an error for commands and interactions"
                    );
                }
            }
        }
        d.next_deadline()
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.lock().next_deadline()
    }

    pub(crate) fn awaiting(&self) -> usize {
        self.deadlines.lock().pending()
    }
}

impl AckSink for Acker {
    fn send_ack(&self, conn: u64, envelope_id: &str, text: String) -> Result<()> {
        match self.write(conn, text) {
            Ok(on) => {
                SmCounters::bump(&self.counters.acks_sent);
                let timing = self.deadlines.lock().acked(envelope_id, Instant::now());
                if let Some(t) = timing {
                    let us = u64::try_from(t.latency.as_micros())
                        .unwrap_or(u64::MAX)
                        .max(1);
                    self.counters
                        .last_ack_latency_us
                        .store(us, Ordering::Relaxed);
                    if t.late {
                        SmCounters::bump(&self.counters.acks_late);
                        log::warn!("request {envelope_id} acked late, after {:?}", t.latency);
                    }
                }
                if on != conn {
                    log::debug!(
                        "request {envelope_id} acked on socket {on} (socket {conn} is gone)"
                    );
                } else {
                    log::trace!("ack {envelope_id}");
                }
                Ok(())
            }
            Err(e) => {
                SmCounters::bump(&self.counters.acks_failed);
                log::warn!("the ack of request {envelope_id} could not be written: {e}");
                Err(e)
            }
        }
    }

    fn dropped_unacked(&self, conn: u64, envelope_id: &str) {
        SmCounters::bump(&self.counters.acks_on_drop);
        log::debug!("request {envelope_id} was dropped without an ack: acking it bare");
        let text = match encode_ack(envelope_id, None, false) {
            Ok(text) => text,
            Err(e) => return log::debug!("cannot ack request {envelope_id}: {e}"),
        };
        match self.write(conn, text) {
            Ok(_) => {
                SmCounters::bump(&self.counters.acks_sent);
                self.deadlines.lock().acked(envelope_id, Instant::now());
            }
            // The session is over (requests still queued are dropped with it): nothing
            // to ack on, and nothing to warn about.
            Err(Error::SendWhileDisconnected) => {
                self.deadlines.lock().forget(envelope_id);
                log::debug!("request {envelope_id} dropped after its socket closed: not acked");
            }
            Err(e) => {
                SmCounters::bump(&self.counters.acks_failed);
                log::warn!("the ack of dropped request {envelope_id} could not be written: {e}");
            }
        }
    }
}
