//! [`Acker`]: where acks go. It writes each ack on the socket that delivered the envelope
//! while that socket is open, otherwise on any ready one, and feeds the pure
//! [`AckDeadlines`] tracker (latency, late acks) and the counters.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::error::{Error, Result};
use crate::runtime::links::{Link, LinkId, Links};
use crate::socket_mode::protocol::ack::encode_ack;
use crate::socket_mode::protocol::ack_deadlines::{AckDeadlines, Overdue};
use crate::socket_mode::protocol::graceful_close::{GracefulClose, Step};
use crate::socket_mode::requests::request::AckSink;
use crate::socket_mode::stats::SmCounters;

/// The ack path of one client.
pub(crate) struct Acker {
    links: Arc<Links>,
    pub(crate) deadlines: Mutex<AckDeadlines>,
    /// Signalled whenever an envelope stops being owed (acked, or forgotten): what a
    /// graceful disconnect waits on.
    settled: Condvar,
    pub(crate) counters: Arc<SmCounters>,
    write_timeout: Duration,
    /// Acks the reader queued during the batch it is routing (written at its end).
    queued: Mutex<Queued>,
}

/// Acks queued on links and not yet written out, without an allocation per ack in the
/// steady state: the envelope ids share one buffer.
#[derive(Default)]
struct Queued {
    /// The links holding queued frames (one, nearly always).
    links: Vec<Arc<Link>>,
    /// Each ack: its link, where its envelope id is in `ids`, and whose it is.
    acks: Vec<(LinkId, std::ops::Range<usize>, Kind)>,
    ids: String,
}

/// Whose ack a queued one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The automatic policy's (counted as sent).
    Auto,
    /// A duplicate's (not counted: the envelope was not delivered again).
    Duplicate,
    /// The app's `ack()` (counted, and its latency tracked).
    App,
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
            settled: Condvar::new(),
            counters,
            write_timeout,
            queued: Mutex::new(Queued::default()),
        }
    }

    /// Queues the bare ack of `envelope_id` on `link` (on the newest ready link when
    /// `link` is being closed), to be written by [`flush`](Self::flush) at the end of the
    /// reader's batch.
    ///
    /// # Errors
    /// When no link can take it (nothing was queued).
    pub(crate) fn queue(&self, link: &Arc<Link>, envelope_id: &str, kind: Kind) -> Result<()> {
        let target = if link.is_writable() {
            link.clone()
        } else {
            self.links
                .newest_ready()
                .ok_or(Error::SendWhileDisconnected)?
        };
        if let Err(e) = self.enqueue(
            &target,
            envelope_id,
            encode_ack(envelope_id, None, false)?,
            kind,
        ) {
            // That link just died: write it on another one now.
            log::debug!(
                "cannot queue the ack of {envelope_id} on socket {}: {e}",
                target.id()
            );
            let text = encode_ack(envelope_id, None, false)?;
            self.links
                .write_any(text, self.deadline(), Some(target.id()))?;
            if kind != Kind::Duplicate {
                SmCounters::bump(&self.counters.acks_sent);
            }
        }
        Ok(())
    }

    /// Hands `text` to `link`'s buffer and remembers it for [`flush`](Self::flush).
    fn enqueue(&self, link: &Arc<Link>, envelope_id: &str, text: String, kind: Kind) -> Result<()> {
        let mut q = self.queued.lock();
        link.queue_text(text)?;
        let start = q.ids.len();
        q.ids.push_str(envelope_id);
        let end = q.ids.len();
        q.acks.push((link.id(), start..end, kind));
        if !q.links.iter().any(|l| l.id() == link.id()) {
            q.links.push(link.clone());
        }
        Ok(())
    }

    /// Writes out every ack [`queue`](Self::queue)d since the last call, one write per
    /// link. An ack whose link failed is written again on another ready link.
    pub(crate) fn flush(&self) {
        let mut q = self.queued.lock();
        if q.acks.is_empty() {
            q.links.clear();
            return;
        }
        let deadline = self.deadline();
        let mut failed: Vec<(LinkId, Error)> = Vec::new();
        for link in q.links.drain(..) {
            if let Err(e) = link.flush(deadline) {
                failed.push((link.id(), e));
            }
        }
        let Queued { acks, ids, .. } = &mut *q;
        let now = Instant::now();
        for (link, span, kind) in acks.drain(..) {
            let id = &ids[span];
            let counted = kind != Kind::Duplicate;
            match failed.iter().find(|(l, _)| *l == link) {
                None if kind == Kind::App => self.record(id, now),
                None => {
                    if counted {
                        SmCounters::bump(&self.counters.acks_sent);
                    }
                    log::trace!("ack {id}");
                }
                Some((_, e)) => {
                    // The frame may or may not have left with the link: Slack ignores
                    // a second ack of an envelope, so it goes again on another live link
                    // (never the failed one: a timed-out write leaves it listed and open).
                    log::debug!(
                        "the ack of {id} on socket {link} may be lost ({e}): writing it again"
                    );
                    let again = encode_ack(id, None, false)
                        .and_then(|text| self.links.write_any(text, self.deadline(), Some(link)));
                    match again {
                        Ok(_) if kind == Kind::App => self.record(id, Instant::now()),
                        Ok(_) if counted => SmCounters::bump(&self.counters.acks_sent),
                        Ok(_) => {}
                        Err(e) => {
                            SmCounters::bump(&self.counters.acks_failed);
                            log::warn!("the ack of request {id} could not be written: {e}");
                        }
                    }
                }
            }
        }
        ids.clear();
    }

    fn deadline(&self) -> Instant {
        crate::protocol::deadline::after(Instant::now(), self.write_timeout)
    }

    /// An envelope was handed out (its deadline starts).
    pub(crate) fn delivered(&self, envelope_id: &str, now: Instant) {
        self.deadlines.lock().delivered(envelope_id, now);
    }

    /// Writes an ack text (preferably on `link`) without tracking it (a duplicate).
    pub(crate) fn write(&self, link: u64, text: String) -> Result<u64> {
        let deadline = crate::protocol::deadline::after(Instant::now(), self.write_timeout);
        match self.links.get(link) {
            // The delivering socket while it is open; if it dies between get() and the
            // write, any ready one (Slack ignores a second ack of an envelope, should
            // the first have left after all).
            Some(l) => match l.send_text(text.clone(), deadline) {
                Ok(()) => Ok(link),
                Err(e) => {
                    log::debug!("an ack on socket {link} failed ({e}): writing it on another");
                    // A write of its own: the failed one may have used up its deadline.
                    self.links.write_any(text, self.deadline(), Some(link))
                }
            },
            None => self.links.write_any(text, deadline, None),
        }
    }

    /// Reports requests past the warning or the deadline; returns the next check time.
    pub(crate) fn check_deadlines(&self, now: Instant) -> Option<Instant> {
        let mut d = self.deadlines.lock();
        let (warn_after, deadline) = d.limits();
        for overdue in d.due(now) {
            match overdue {
                Overdue::Held(id) => {
                    SmCounters::bump(&self.counters.held_past_warning);
                    log::warn!(
                        "request {id} is still unacked after {warn_after:?} (the ack deadline is {deadline:?})"
                    );
                }
                Overdue::Missed(id) => {
                    SmCounters::bump(&self.counters.deadlines_missed);
                    log::warn!(
                        "request {id} missed its {deadline:?} ack deadline: Slack retries events and shows an error for commands and interactions"
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

    /// Blocks (on the caller's thread) until `close` says to close the sockets: nothing
    /// owed, the grace over, or only requests past their deadline left. Returns how many
    /// requests are still owed then.
    pub(crate) fn wait_for_owed(&self, close: &GracefulClose) -> usize {
        let mut d = self.deadlines.lock();
        loop {
            match close.next(Instant::now(), d.owed_until()) {
                Step::Close => return d.pending(),
                Step::WaitUntil(at) => {
                    self.settled.wait_until(&mut d, at);
                }
            }
        }
    }

    /// The session is over: nothing it delivered can be acked any more.
    pub(crate) fn session_ended(&self) {
        self.deadlines.lock().clear();
        self.settled.notify_all();
    }
}

impl Acker {
    /// An app's ack was written: counted, and its latency tracked.
    fn record(&self, envelope_id: &str, now: Instant) {
        SmCounters::bump(&self.counters.acks_sent);
        let timing = self.deadlines.lock().acked(envelope_id, now);
        self.settled.notify_all();
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
    }
}

impl AckSink for Acker {
    fn send_ack(&self, conn: u64, envelope_id: &str, text: String) -> Result<()> {
        // While the reader is routing a batch, the ack joins that batch's single write
        // (the reader flushes before it waits for anything; checked again after queueing,
        // so that an ack queued as the reader went idle is flushed here).
        if self.links.reader_busy() {
            if let Some(link) = self.links.get(conn).or_else(|| self.links.newest_ready()) {
                let text = text.clone();
                if self.enqueue(&link, envelope_id, text, Kind::App).is_ok() {
                    if !self.links.reader_busy() {
                        self.flush();
                    }
                    return Ok(());
                }
            }
        }
        match self.write(conn, text) {
            Ok(on) => {
                self.record(envelope_id, Instant::now());
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
                self.settled.notify_all();
            }
            // The session is over (requests still queued are dropped with it): nothing
            // to ack on, and nothing to warn about.
            Err(Error::SendWhileDisconnected) => {
                self.deadlines.lock().forget(envelope_id);
                self.settled.notify_all();
                log::debug!("request {envelope_id} dropped after its socket closed: not acked");
            }
            Err(e) => {
                SmCounters::bump(&self.counters.acks_failed);
                log::warn!("the ack of dropped request {envelope_id} could not be written: {e}");
            }
        }
    }
}
