//! The keepalive thread: an RTM `ping` when the link has been quiet for
//! `client_ping_timeout`; no answer within `server_pong_timeout` kills the connection.
//!
//! It blocks on its channel with a deadline, so an idle client wakes once per ping
//! interval and not otherwise; with no connection it does not wake at all.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::net::websocket::Connection;
use crate::runtime::shared::Shared;

/// What the reader tells the keepalive.
#[derive(Clone)]
pub(crate) enum Signal {
    /// A connection became ready: watch it.
    Up(Arc<Connection>),
    /// The connection is gone: stop watching.
    Down,
    /// A `pong` with this `reply_to` arrived.
    Pong(u64),
}

/// Runs until every sender of `rx` is dropped.
pub(crate) fn run(shared: Arc<Shared>, rx: Receiver<Signal>) {
    let ping_every = shared.config.client_ping_timeout;
    let pong_within = shared.config.server_pong_timeout;
    let mut watched: Option<Arc<Connection>> = None;
    loop {
        let Some(conn) = watched.clone() else {
            match rx.recv() {
                Ok(Signal::Up(c)) => watched = Some(c),
                Ok(_) => {}
                Err(_) => return,
            }
            continue;
        };
        let quiet = shared.quiet_for();
        if quiet < ping_every {
            match rx.recv_timeout(ping_every - quiet) {
                Ok(signal) => apply(&mut watched, signal),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            continue;
        }

        let id = shared.next_id();
        let stamp = shared.rx_stamp();
        let sent_at = Instant::now();
        let deadline = sent_at + pong_within;
        let mut body = Map::new();
        body.insert("time".into(), Value::from(unix_millis()));
        let text = match crate::runtime::sender::encode_frame(id, "ping", body) {
            Ok(t) => t,
            Err(e) => {
                log::error!("cannot encode a ping: {e}");
                return;
            }
        };
        log::trace!("ping {id}");
        if let Err(e) = conn.send_text(text, deadline) {
            log::debug!("ping {id} could not be written: {e}");
            conn.kill(Error::KeepAliveTimeout);
            watched = None;
            continue;
        }
        loop {
            match rx.recv_deadline(deadline) {
                Ok(Signal::Pong(reply_to)) if reply_to == id => {
                    let rtt = sent_at.elapsed();
                    shared
                        .counters
                        .last_ping_rtt_us
                        .store(rtt.as_micros().max(1) as u64, Ordering::Relaxed);
                    log::trace!("pong {id} after {rtt:?}");
                    break;
                }
                Ok(Signal::Pong(_)) => {}
                Ok(signal) => {
                    apply(&mut watched, signal);
                    break;
                }
                Err(RecvTimeoutError::Timeout) => {
                    if shared.rx_stamp() != stamp || shared.backpressured.load(Ordering::SeqCst) {
                        // Frames arrived after the ping (the link is alive even if the
                        // pong itself is late), or the reader is paused for a slow consumer
                        // and cannot have read the pong.
                        break;
                    }
                    log::warn!("no pong within {pong_within:?}: the connection is considered dead");
                    conn.kill(Error::KeepAliveTimeout);
                    watched = None;
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

fn apply(watched: &mut Option<Arc<Connection>>, signal: Signal) {
    match signal {
        Signal::Up(c) => *watched = Some(c),
        Signal::Down => *watched = None,
        Signal::Pong(_) => {}
    }
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
