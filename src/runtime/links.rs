//! [`Links`]: the session's open websocket connections, each a [`Link`] that knows when it
//! last received something and whether it said hello. Shared by the reader (which opens
//! and closes them), the keepalive (which probes them) and senders (which write on them).

use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::net::websocket::{Connection, WriteFailure};

/// Which connection of the client's life a link is (1, 2, …; never reused).
pub(crate) type LinkId = u64;

/// One open websocket.
pub(crate) struct Link {
    conn: Connection,
    /// The link's id (named `generation` for the reply waiters, which key on it).
    pub(crate) generation: LinkId,
    /// What `last_rx` counts from.
    epoch: Instant,
    /// Nanoseconds after `epoch` when something last arrived.
    last_rx: AtomicU64,
    ready: AtomicBool,
    /// Its close was started (it is being replaced): still read, no longer written to.
    closing: AtomicBool,
}

impl Link {
    pub(crate) fn new(conn: Connection, now: Instant) -> Self {
        Self {
            generation: conn.generation,
            conn,
            epoch: now,
            last_rx: AtomicU64::new(0),
            ready: AtomicBool::new(false),
            closing: AtomicBool::new(false),
        }
    }

    pub(crate) fn id(&self) -> LinkId {
        self.generation
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Notes that something arrived at `now`.
    pub(crate) fn touch(&self, now: Instant) {
        let nanos = now.saturating_duration_since(self.epoch).as_nanos();
        self.last_rx
            .store(u64::try_from(nanos).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// When something last arrived (or the link opened).
    pub(crate) fn last_rx(&self) -> Instant {
        let nanos = Duration::from_nanos(self.last_rx.load(Ordering::Relaxed));
        crate::protocol::deadline::after(self.epoch, nanos)
    }

    pub(crate) fn set_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    /// Whether the link said hello.
    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Writes one text frame within `deadline`.
    pub(crate) fn send_text(&self, text: String, deadline: Instant) -> Result<()> {
        self.conn.send_text(text, deadline)
    }

    /// [`send_text`](Self::send_text), saying on failure whether later frames followed.
    pub(crate) fn send_frame(
        &self,
        text: String,
        deadline: Instant,
    ) -> std::result::Result<(), WriteFailure> {
        self.conn.send_frame(text, deadline)
    }

    /// Queues one text frame to leave with the next [`flush`](Self::flush) (see
    /// [`Protocol::end_of_batch`](crate::runtime::seam::Protocol::end_of_batch): the
    /// reader calls it after every batch, so nothing queued waits longer than that).
    pub(crate) fn queue_text(&self, text: String) -> Result<()> {
        self.conn.queue_text(text)
    }

    /// Writes out the frames queued with [`queue_text`](Self::queue_text) within `deadline`.
    pub(crate) fn flush(&self, deadline: Instant) -> Result<()> {
        self.conn.flush(deadline)
    }

    /// Writes one websocket Ping within `deadline`.
    pub(crate) fn send_ping(&self, payload: Vec<u8>, deadline: Instant) -> Result<()> {
        self.conn.send_ping(payload, deadline)
    }

    /// Kills the link now (no close frame), recording why; wakes the reader.
    pub(crate) fn kill(&self, why: Error) {
        self.conn.kill(why);
    }

    /// Kills the link because the client is moving to another one.
    pub(crate) fn retire(&self) {
        self.conn.retire();
    }

    /// Sends a close frame but keeps reading until the server answers it; from now on
    /// [`Links`] no longer offers the link for writes.
    pub(crate) fn start_close(&self) {
        self.closing.store(true, Ordering::Release);
        self.conn.start_close();
    }

    /// Whether the link is open for writes (not being closed).
    pub(crate) fn is_writable(&self) -> bool {
        !self.closing.load(Ordering::Acquire)
    }

    /// A clean close, best effort.
    pub(crate) fn close(&self) {
        self.conn.close();
    }
}

impl AsFd for Link {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.conn.as_fd()
    }
}

/// The open links, oldest first, and whether the reader is paused for a slow consumer.
#[derive(Default)]
pub(crate) struct Links {
    open: Mutex<Vec<Arc<Link>>>,
    /// True while the reader waits for a slow consumer (the keepalive spares the links).
    backpressured: AtomicBool,
    /// True while the reader is routing what it read: frames queued on a link now are
    /// written by the reader's [`end_of_batch`](crate::runtime::seam::Protocol::end_of_batch)
    /// within moments (it clears this, then flushes, before it waits for anything).
    reader_busy: AtomicBool,
}

impl Links {
    pub(crate) fn insert(&self, link: Arc<Link>) {
        self.open.lock().push(link);
    }

    pub(crate) fn remove(&self, id: LinkId) {
        self.open.lock().retain(|l| l.id() != id);
    }

    /// The newest open link that is not being closed (RTM's "the connection").
    pub(crate) fn newest(&self) -> Option<Arc<Link>> {
        self.open
            .lock()
            .iter()
            .rev()
            .find(|l| l.is_writable())
            .cloned()
    }

    /// The newest link that said hello and is not being closed.
    pub(crate) fn newest_ready(&self) -> Option<Arc<Link>> {
        self.newest_ready_other_than(None)
    }

    /// [`Links::newest_ready`], skipping the link `not` when one is given.
    fn newest_ready_other_than(&self, not: Option<LinkId>) -> Option<Arc<Link>> {
        self.open
            .lock()
            .iter()
            .rev()
            .find(|l| Some(l.id()) != not && l.is_ready() && l.is_writable())
            .cloned()
    }

    /// The link `id`, while it is open for writes (not being closed).
    pub(crate) fn get(&self, id: LinkId) -> Option<Arc<Link>> {
        self.open
            .lock()
            .iter()
            .find(|l| l.id() == id && l.is_writable())
            .cloned()
    }

    pub(crate) fn len(&self) -> usize {
        self.open.lock().len()
    }

    /// Writes `text` on the newest ready link, other than `not` when one is given (the one a
    /// write just failed on: it stays listed until the reader ends it, and a write that
    /// timed out leaves it open); returns which.
    ///
    /// # Errors
    /// [`Error::SendWhileDisconnected`] when no (other) link is ready, or the write's error.
    pub(crate) fn write_any(
        &self,
        text: String,
        deadline: Instant,
        not: Option<LinkId>,
    ) -> Result<LinkId> {
        let link = self
            .newest_ready_other_than(not)
            .ok_or(Error::SendWhileDisconnected)?;
        link.send_text(text, deadline)?;
        Ok(link.id())
    }

    pub(crate) fn set_backpressured(&self, on: bool) {
        self.backpressured.store(on, Ordering::SeqCst);
    }

    /// See `reader_busy`: set by the reader only.
    pub(crate) fn set_reader_busy(&self, on: bool) {
        self.reader_busy.store(on, Ordering::SeqCst);
    }

    /// Whether the reader will call `end_of_batch` again before it waits: a frame queued
    /// now (and checked again after queueing) leaves with that flush.
    pub(crate) fn reader_busy(&self) -> bool {
        self.reader_busy.load(Ordering::SeqCst)
    }

    pub(crate) fn is_backpressured(&self) -> bool {
        self.backpressured.load(Ordering::SeqCst)
    }
}
