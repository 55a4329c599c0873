//! The send path's I/O: [`Outgoing`] (the outgoing queue, the rate limit and the typing
//! throttle) and the writing of frames on the current connection. What goes out next is
//! decided by [`crate::protocol::outbox`]; this file carries it out.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use parking_lot::Mutex;
use serde_json::{Map, Value};

use crate::config::MAX_FRAME_BYTES;
use crate::error::{Error, Result};
use crate::protocol::outbox::{self, Next, Outbox, Queued, Slot};
use crate::protocol::rate_limit::{RateLimit, TokenBucket, TypingThrottle};
use crate::protocol::reply_waiters::Outcome;
use crate::runtime::shared::Shared;

/// The sending side's state: what waits to be written and the limits on writing.
pub(crate) struct Outgoing {
    outbox: Mutex<Outbox>,
    bucket: Option<Mutex<TokenBucket>>,
    typing: Mutex<TypingThrottle>,
}

impl Outgoing {
    pub(crate) fn new(capacity: usize, rate_limit: Option<RateLimit>) -> Self {
        Self {
            outbox: Mutex::new(Outbox::new(capacity)),
            bucket: rate_limit.map(|limit| Mutex::new(TokenBucket::new(limit, Instant::now()))),
            typing: Mutex::new(TypingThrottle::default()),
        }
    }
}

impl Shared {
    /// Writes `{"id", "type": kind, ...body}` now. With `reply`, registers it to receive the
    /// reply before writing. Returns the frame's id.
    ///
    /// # Errors
    /// `SendWhileDisconnected` / `SendWhileNotReady` by state, `FrameTooLarge`, or a write
    /// failure (then the waiter is removed).
    pub(crate) fn send_now(
        &self,
        kind: &str,
        body: Map<String, Value>,
        reply: Option<Sender<Outcome>>,
        deadline: Instant,
    ) -> Result<u64> {
        self.wait_for_rate_limit(kind, deadline)?;
        self.send_unthrottled(kind, body, reply, deadline)
    }

    /// [`send_now`](Self::send_now) without the rate limit (the caller took a token).
    fn send_unthrottled(
        &self,
        kind: &str,
        body: Map<String, Value>,
        reply: Option<Sender<Outcome>>,
        deadline: Instant,
    ) -> Result<u64> {
        if let Some(e) = self.state().send_error() {
            return Err(e);
        }
        let conn = self.connection().ok_or(Error::SendWhileDisconnected)?;
        let id = self.next_id();
        let text = encode_frame(id, kind, body)?;
        let awaits = reply.is_some();
        if let Some(tx) = reply {
            self.waiters.register(id, conn.generation, tx);
        }
        if let Err(e) = conn.send_text(text, deadline) {
            self.waiters.cancel(id);
            return Err(e);
        }
        log::trace!("sent {kind} frame {id}");
        if !awaits {
            self.counters.sent_unacked.fetch_add(1, Ordering::Relaxed);
        }
        Ok(id)
    }

    /// Takes a rate-limit token for a frame of type `kind` now, or says how long until one
    /// is available. Typing indicators have their own limit and take none.
    fn try_token(&self, kind: &str) -> std::result::Result<(), Duration> {
        match &self.outgoing.bucket {
            Some(bucket) if outbox::rate_limited(kind) => bucket.lock().take(Instant::now()),
            _ => Ok(()),
        }
    }

    /// Waits for the outgoing rate limit to allow one frame, within `deadline`.
    fn wait_for_rate_limit(&self, kind: &str, deadline: Instant) -> Result<()> {
        loop {
            let now = Instant::now();
            let wait = match self.try_token(kind) {
                Ok(()) => return Ok(()),
                Err(wait) => wait,
            };
            if now + wait > deadline {
                return Err(Error::Timeout(crate::TimeoutKind::RateLimit));
            }
            log::debug!("outgoing rate limit: waiting {wait:?}");
            std::thread::sleep(wait);
        }
    }

    /// Whether a typing indicator may go to `channel` now (at most one per 3 s).
    pub(crate) fn typing_allowed(&self, channel: &str) -> bool {
        self.outgoing.typing.lock().allow(channel, Instant::now())
    }

    /// Queues a frame; the reader sends the queue, in order, whenever the client is ready.
    pub(crate) fn enqueue(&self, item: Queued) -> Result<()> {
        self.outgoing.outbox.lock().push(item)?;
        self.outbox_waker.wake();
        Ok(())
    }

    /// Sends queued frames while the client is ready, in order, never waiting for the rate
    /// limit (this runs on the reader thread): returns when to try again if the rate limit
    /// stopped it.
    pub(crate) fn flush_outbox(&self) -> Option<Instant> {
        self.outbox_waker.drain();
        let mut q = self.outgoing.outbox.lock();
        loop {
            let ready = self.state().send_error().is_none();
            let next = {
                let mut bucket = self.outgoing.bucket.as_ref().map(|b| b.lock());
                q.next(ready, bucket.as_deref_mut(), Instant::now())
            };
            let item = match next {
                Next::Write(item) => item,
                Next::WaitUntil(at) => return Some(at),
                Next::NotReady => {
                    log::trace!("outbox waits for the client to be ready");
                    return None;
                }
                Next::Empty => return None,
            };
            // Held through the write, so that a caller giving up cannot miss that it went out.
            let mut slot = item.slot.lock();
            if *slot == Slot::Cancelled {
                continue;
            }
            let deadline = Instant::now() + self.config.reply_timeout;
            let reply = item.await_reply.then(|| item.tx.clone());
            match self.send_unthrottled(&item.kind, item.body.clone(), reply, deadline) {
                Ok(id) => {
                    *slot = Slot::Sent(id);
                    if !item.await_reply {
                        let _ = item.tx.try_send(Ok(None));
                    }
                }
                Err(Error::SendWhileDisconnected | Error::SendWhileNotReady) => {
                    drop(slot);
                    q.push_front(item);
                    return None;
                }
                Err(e) => {
                    *slot = Slot::Cancelled;
                    let _ = item.tx.try_send(Err(e));
                }
            }
        }
    }

    /// Fails every queued frame with `error` (the client will not connect again).
    pub(crate) fn fail_outbox(&self, error: &Error) {
        let items = self.outgoing.outbox.lock().drain();
        for item in items {
            *item.slot.lock() = Slot::Cancelled;
            let _ = item.tx.try_send(Err(error.clone()));
        }
    }

    pub(crate) fn outbox_len(&self) -> usize {
        self.outgoing.outbox.lock().len()
    }
}

/// Serializes one client frame; refuses frames over the protocol's 16 KB limit.
pub(crate) fn encode_frame(id: u64, kind: &str, mut body: Map<String, Value>) -> Result<String> {
    body.insert("id".into(), Value::from(id));
    body.insert("type".into(), Value::from(kind));
    let text = serde_json::to_string(&Value::Object(body))
        .map_err(|e| Error::InvalidArgument(format!("the frame cannot be serialized: {e}")))?;
    if text.len() > MAX_FRAME_BYTES {
        return Err(Error::FrameTooLarge {
            size: text.len(),
            limit: MAX_FRAME_BYTES,
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_over_16_kb_are_refused_locally() {
        let mut body = Map::new();
        body.insert("text".into(), Value::from("x".repeat(MAX_FRAME_BYTES)));
        assert!(matches!(
            encode_frame(1, "message", body),
            Err(Error::FrameTooLarge {
                limit: MAX_FRAME_BYTES,
                ..
            })
        ));
    }

    #[test]
    fn id_and_type_cannot_be_overridden_by_the_body() {
        let mut body = Map::new();
        body.insert("id".into(), Value::from(99));
        body.insert("type".into(), Value::from("ping"));
        let v: Value = serde_json::from_str(&encode_frame(3, "message", body).unwrap()).unwrap();
        assert_eq!(
            (v["id"].as_u64(), v["type"].as_str()),
            (Some(3), Some("message"))
        );
    }
}
