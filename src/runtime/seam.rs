//! The engine seam: what a websocket protocol (RTM, Socket Mode) tells the engine. The
//! engine connects, dials, reads, keeps links alive, reconnects within a budget and
//! delivers to a bounded channel; a [`Protocol`] says what the connect call is, what each
//! inbound frame means, how to probe a quiet link, and what the lifecycle looks like to
//! its users. The protocol never drives the engine's threads: it answers, and the engine
//! carries the answers out.

use std::os::fd::BorrowedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tungstenite::Utf8Bytes;

use crate::config::Secret;
use crate::error::{Error, Result};
use crate::net::cancel::Cancel;
use crate::runtime::links::{Link, LinkId};

/// What the connect call returned.
pub(crate) struct Opened<I> {
    /// The websocket URL: single use, never logged, never dialed twice.
    pub(crate) url: Secret,
    /// An item to deliver now (RTM: `Authenticated(info)`), if any.
    pub(crate) announce: Option<I>,
}

/// One thing the engine must do about an inbound frame (or a protocol timer).
#[derive(Debug)]
pub(crate) enum Action<I> {
    /// Deliver to the app's bounded channel (the slow-consumer policy applies).
    Deliver(I),
    /// `hello` on this link: it becomes ready (its hello deadline is cleared).
    Ready,
    /// The server refused the link before `hello` (RTM's `error` event): a failed attempt.
    Failed(Error),
    /// The server asks this link to go.
    Replace(Replace),
    /// End the session with this error, without retrying.
    Stop(Error),
    /// A frame the protocol does not allow: counted, and reported coalesced (at most one
    /// report a second, saying how many were folded into it).
    Malformed(String),
}

/// How a link the server wants gone is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replace {
    /// Make-before-break: dial a new link now on a helper thread (the budget applies, no
    /// backoff on this first try) while this one keeps delivering; close this one once the
    /// new one is ready. If the new one fails, keep this one and retry with backoff; if
    /// this one dies first, the new one is the next attempt. (Socket Mode `warning`,
    /// `refresh_requested`.)
    Refresh,
    /// Break-then-make (RTM `goodbye`): at once from a healthy link; from a link that
    /// keeps going away soon after `hello`, it counts as a failure.
    Reconnect,
    /// Close this link first and dial nothing for at least this long (Socket Mode
    /// `too_many_websockets`).
    BackOff(Duration),
}

/// The probe the keepalive sends on a quiet link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Probe {
    /// A text frame (RTM's `ping`).
    Text(String),
    /// A websocket Ping with this payload (Socket Mode).
    Ping(Vec<u8>),
}

/// A lifecycle change, for [`Protocol::lifecycle`] to turn into the protocol's item.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// An attempt starts (the connect call).
    Connecting,
    /// A websocket is open. (Which link: neither protocol needs it yet; the engine's
    /// tests read it.)
    Connected(#[cfg_attr(not(test), allow(dead_code))] LinkId),
    /// A link said hello.
    Ready(#[cfg_attr(not(test), allow(dead_code))] LinkId),
    /// A link was lost; the engine will connect again.
    Reconnecting,
    /// The session is closing for good.
    Disconnecting,
    /// The session ended (the last item); `None` when the app asked for it.
    Disconnected(Option<Error>),
    /// An attempt failed.
    AttemptFailed(Error),
    /// A non-fatal error; `repeated` more of the same kind were folded into it since the
    /// last report.
    Error {
        /// The error.
        error: Error,
        /// How many were folded into this report.
        repeated: u64,
    },
    /// This many items were dropped since the last report (the bound was reached).
    Dropped(u64),
}

/// A websocket protocol the engine runs. See [`crate::runtime`] for the whole seam.
pub(crate) trait Protocol: Send + Sync + 'static {
    /// What goes to the app's bounded channel (RTM: [`Event`](crate::Event)).
    type Item: Send + 'static;

    /// The connect call that yields a single-use websocket URL; called for every attempt.
    /// A rate-limit answer is [`Error::RateLimited`] (its `retry_after` is a floor). Make
    /// the call with `cancel` (`WebApi::call_cancellable`), so that stopping the session
    /// aborts it within milliseconds.
    fn open(&self, cancel: &Cancel) -> Result<Opened<Self::Item>>;

    /// Whether `error` ends the session rather than being retried.
    fn fatal(&self, error: &Error) -> bool {
        error.is_fatal()
    }

    /// What an inbound text frame from `link` means: push the actions into `out`.
    fn on_text(
        &self,
        link: &Arc<Link>,
        text: Utf8Bytes,
        now: Instant,
        out: &mut Vec<Action<Self::Item>>,
    );

    /// A binary frame of `len` bytes arrived (neither protocol uses them).
    fn on_binary(
        &self,
        link: &Arc<Link>,
        len: usize,
        now: Instant,
        out: &mut Vec<Action<Self::Item>>,
    ) {
        let _ = (link, now);
        out.push(Action::Malformed(format!(
            "a binary frame of {len} bytes (frames are JSON text)"
        )));
    }

    /// A websocket Pong arrived (to measure a [`Probe::Ping`]'s round trip).
    fn on_pong(&self, link: &Arc<Link>, payload: &[u8], now: Instant) {
        let _ = (link, payload, now);
    }

    /// The probe for a quiet link.
    fn probe(&self, link: &Arc<Link>, now: Instant) -> Result<Probe>;

    /// The item announcing a lifecycle change, if the protocol delivers one.
    fn lifecycle(&self, change: Change) -> Option<Self::Item>;

    /// A link said hello.
    fn on_ready(&self, link: &Arc<Link>, now: Instant) {
        let _ = (link, now);
    }

    /// A link is gone.
    fn on_link_closed(&self, link: &Arc<Link>, now: Instant) {
        let _ = (link, now);
    }

    /// The session ends (fail what still waits).
    fn on_session_end(&self, error: Option<&Error>) {
        let _ = error;
    }

    /// The reader has routed everything it read in one go (a drained batch, or a
    /// timer's actions) and is about to read again, wait, or block on a slow consumer:
    /// write out the frames [`on_text`](Self::on_text) queued on links
    /// ([`Link::queue_text`]), so that a burst of acks costs one write each batch and no
    /// ack waits longer than the batch that caused it.
    fn end_of_batch(&self, now: Instant) {
        let _ = now;
    }

    /// The protocol's next timer, folded into the reader's wait.
    fn next_deadline(&self) -> Option<Instant> {
        None
    }

    /// Called when [`next_deadline`](Self::next_deadline) has passed or
    /// [`waker`](Self::waker) fired.
    fn on_timer(&self, now: Instant, out: &mut Vec<Action<Self::Item>>) {
        let _ = (now, out);
    }

    /// A wake-up fd the reader also waits on (RTM: frames queued for it to send).
    fn waker(&self) -> Option<BorrowedFd<'_>> {
        None
    }
}
