//! The keepalive thread: it asks the pure [`Liveness`] verdict about every ready link and
//! carries it out — sleep until the next moment that matters, send the protocol's probe,
//! or kill a dead link (the reader then reconnects).
//!
//! It blocks on its channel with a deadline, so an idle client wakes once per probe
//! interval and not otherwise; with no ready link it does not wake at all.

use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::{Receiver, RecvTimeoutError};

use crate::error::Error;
use crate::protocol::deadline::after;
use crate::protocol::liveness::{Death, Liveness, LivenessPolicy, Verdict};
use crate::runtime::links::{Link, LinkId, Links};
use crate::runtime::seam::{Probe, Protocol};

/// What the reader tells the keepalive.
pub(crate) enum Signal {
    /// A link became ready: watch it.
    Up(Arc<Link>),
    /// The link is gone: stop watching it.
    Down(LinkId),
}

/// Runs until every sender of `rx` is dropped.
pub(crate) fn run<P: Protocol>(
    protocol: &P,
    links: &Links,
    policy: LivenessPolicy,
    rx: Receiver<Signal>,
) {
    let mut watched: Vec<(Arc<Link>, Liveness)> = Vec::new();
    loop {
        if watched.is_empty() {
            match rx.recv() {
                Ok(signal) => apply(&mut watched, signal, policy),
                Err(_) => return,
            }
            continue;
        }
        let now = Instant::now();
        let paused = links.is_backpressured();
        let mut wake = None::<Instant>;
        let mut i = 0;
        while i < watched.len() {
            let (link, liveness) = &mut watched[i];
            match liveness.verdict(now, link.last_rx(), paused) {
                Verdict::Wait(t) => {
                    wake = Some(wake.map_or(t, |w| w.min(t)));
                    i += 1;
                }
                Verdict::Probe => {
                    let deadline = after(now, policy.answer_within);
                    let sent = protocol.probe(link, now).and_then(|probe| match probe {
                        Probe::Text(text) => link.send_text(text, deadline),
                        Probe::Ping(payload) => link.send_ping(payload, deadline),
                    });
                    match sent {
                        Ok(()) => liveness.probed(now),
                        Err(e) => {
                            log::debug!("a keepalive probe could not be written: {e}");
                            link.kill(Error::KeepAliveTimeout);
                            watched.swap_remove(i);
                            continue;
                        }
                    }
                    // Asked again at once: the verdict is now a wait for the answer.
                }
                Verdict::Dead(why) => {
                    match why {
                        Death::Unanswered => log::warn!(
                            "no answer to the keepalive probe within {:?}: the connection is considered dead",
                            policy.answer_within
                        ),
                        Death::Silent => log::warn!(
                            "nothing received for {:?}: the connection is considered dead",
                            policy.silence_limit.unwrap_or_default()
                        ),
                    }
                    link.kill(Error::KeepAliveTimeout);
                    watched.swap_remove(i);
                }
            }
        }
        let signal = match wake {
            Some(t) => rx.recv_deadline(t),
            None => continue,
        };
        match signal {
            Ok(signal) => apply(&mut watched, signal, policy),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn apply(watched: &mut Vec<(Arc<Link>, Liveness)>, signal: Signal, policy: LivenessPolicy) {
    match signal {
        Signal::Up(link) => {
            watched.retain(|(l, _)| l.id() != link.id());
            watched.push((link, Liveness::new(policy)));
        }
        Signal::Down(id) => watched.retain(|(l, _)| l.id() != id),
    }
}
