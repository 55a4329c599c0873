//! [`SessionSlot`]: what a client handle keeps between sessions — the running session,
//! if any, and the event channel of the current or next one — and the start / stop /
//! reconnect steps every client (RTM, Socket Mode) takes with them.
//!
//! The rules, for any item type `T`:
//! - `start` joins the running session, or spawns a new one with the channel's sender
//!   (the sender goes to the reader thread; the stream ends when the reader drops it);
//! - `stop` ends the session (with a reason for its final `Disconnected`) and joins its
//!   threads; streams taken from then on belong to the next session, while ones taken
//!   before still receive the end of this one;
//! - between sessions, [`SessionSlot::receiver`] is the next session's stream once the
//!   last one's events have all been received;
//! - dropping the slot stops the session.

use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::runtime::session::SessionHandle;

/// The event channel of the next or current session.
struct Channel<T> {
    /// Handed to the reader thread by `start`.
    tx: Option<Sender<T>>,
    rx: Receiver<T>,
}

/// A client's session and event channel; see the module docs.
pub(crate) struct SessionSlot<T> {
    session: Mutex<Option<SessionHandle>>,
    channel: Mutex<Channel<T>>,
}

impl<T> SessionSlot<T> {
    pub(crate) fn new() -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        Self {
            session: Mutex::new(None),
            channel: Mutex::new(Channel { tx: Some(tx), rx }),
        }
    }

    /// The running session's number (`false`: it was already running), or a new session
    /// made by `spawn` from the channel's sender (`true`). A finished session still in
    /// the slot is joined first.
    ///
    /// # Errors
    /// What `spawn` returns.
    pub(crate) fn start(
        &self,
        spawn: impl FnOnce(Sender<T>) -> Result<SessionHandle>,
    ) -> Result<(u64, bool)> {
        let mut session = self.session.lock();
        if let Some(n) = session
            .as_ref()
            .filter(|s| !s.is_finished())
            .map(|s| s.number)
        {
            return Ok((n, false));
        }
        if let Some(old) = session.take() {
            old.stop_and_join(None);
        }
        let tx = {
            let mut ch = self.channel.lock();
            match ch.tx.take() {
                Some(tx) => tx,
                None => {
                    let (tx, rx) = crossbeam_channel::unbounded();
                    ch.rx = rx;
                    tx
                }
            }
        };
        let new = spawn(tx)?;
        let n = new.number;
        *session = Some(new);
        Ok((n, true))
    }

    /// Stops the session, if any, with `reason` as its final error, and joins it.
    pub(crate) fn stop(&self, reason: Option<Error>) {
        let session = self.session.lock().take();
        if let Some(session) = session {
            session.stop_and_join(reason);
            // Streams taken from now on belong to the next session (ones taken before
            // still receive the end of this one).
            self.renew_channel(true);
        }
    }

    /// Asks the running session to reconnect now.
    ///
    /// # Errors
    /// [`Error::SendWhileDisconnected`] when no session is running.
    pub(crate) fn reconnect(&self) -> Result<()> {
        match self.session.lock().as_ref().filter(|s| !s.is_finished()) {
            Some(session) => {
                session.reconnect();
                Ok(())
            }
            None => Err(Error::SendWhileDisconnected),
        }
    }

    /// Whether a session is running (started and not finished).
    pub(crate) fn is_running(&self) -> bool {
        self.session
            .lock()
            .as_ref()
            .is_some_and(|s| !s.is_finished())
    }

    /// The receiving end for a new stream: the current session's, or between sessions the
    /// next one's (once the last one's events have all been received).
    pub(crate) fn receiver(&self) -> Receiver<T> {
        if !self.is_running() {
            self.renew_channel(false);
        }
        self.channel.lock().rx.clone()
    }

    /// Events waiting in the channel.
    pub(crate) fn waiting(&self) -> usize {
        self.channel.lock().rx.len()
    }

    /// Makes the channel the next session's, if the current one is spent.
    fn renew_channel(&self, force: bool) {
        let mut ch = self.channel.lock();
        if ch.tx.is_none() && (force || ch.rx.is_empty()) {
            let (tx, rx) = crossbeam_channel::unbounded();
            ch.tx = Some(tx);
            ch.rx = rx;
        }
    }
}

impl<T> Drop for SessionSlot<T> {
    fn drop(&mut self) {
        if let Some(session) = self.session.get_mut().take() {
            session.stop_and_join(None);
        }
    }
}
