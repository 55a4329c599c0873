//! [`RtmProtocol`]: RTM on the engine seam — `rtm.connect` (or `rtm.start`), what each
//! inbound frame means (events, replies to our ids, pongs), the RTM `ping` probe, the
//! lifecycle as [`Event`]s, and the timers of the send path (the outbox, the reply grace
//! period after a reconnect).

use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use serde_json::{Map, Value};
use tungstenite::Utf8Bytes;

#[cfg(feature = "workspace-cache")]
use crate::cache::WorkspaceCache;
use crate::config::Secret;
use crate::error::{Error, NoReplyCause, Result};
use crate::events::event::{ConnectInfo, Event};
use crate::net::cancel::Cancel;
use crate::protocol::deadline::{after, earliest};
use crate::protocol::liveness::LivenessPolicy;
use crate::rtm::frame::{classify, Frame};
use crate::rtm::rules::{meaning, server_error, Meaning};
use crate::runtime::engine::EngineSettings;
use crate::runtime::links::{Link, LinkId};
use crate::runtime::seam::{Action, Change, Opened, Probe, Protocol, Replace};
use crate::runtime::shared::Shared;

/// Timers the reader keeps for RTM's send path.
#[derive(Default)]
struct Timers {
    /// When sends from earlier links stop waiting for their replies.
    ack_deadline: Option<Instant>,
    /// When to send queued frames again (the rate limit stopped the last flush).
    outbox_at: Option<Instant>,
    /// The link that said hello last.
    ready_link: LinkId,
}

/// RTM's side of the engine seam.
pub(crate) struct RtmProtocol {
    shared: Arc<Shared>,
    /// The opt-in workspace cache, seeded by each connect call and fed the events it
    /// follows.
    #[cfg(feature = "workspace-cache")]
    cache: Option<Arc<WorkspaceCache>>,
    timers: Mutex<Timers>,
    /// The last ping: its id and when it went out.
    ping: Mutex<Option<(u64, Instant)>>,
}

impl RtmProtocol {
    pub(crate) fn new(
        shared: Arc<Shared>,
        #[cfg(feature = "workspace-cache")] cache: Option<Arc<WorkspaceCache>>,
    ) -> Self {
        Self {
            shared,
            #[cfg(feature = "workspace-cache")]
            cache,
            timers: Mutex::new(Timers::default()),
            ping: Mutex::new(None),
        }
    }

    /// The engine settings for RTM, from the client's configuration.
    pub(crate) fn settings(&self) -> EngineSettings {
        let c = &self.shared.config;
        EngineSettings {
            name: "slack-rtm",
            connections: 1,
            hello_timeout: c.hello_timeout,
            liveness: LivenessPolicy {
                probe_every: c.client_ping_timeout,
                answer_within: c.server_pong_timeout,
                misses_allowed: 1,
                silence_limit: None,
            },
            retry: c.retry.clone(),
            auto_reconnect: c.auto_reconnect,
            slow_consumer: c.slow_consumer,
        }
    }

    fn count(&self, counter: &std::sync::atomic::AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl Protocol for RtmProtocol {
    type Item = Event;

    fn open(&self, cancel: &Cancel) -> Result<Opened<Event>> {
        let shared = &self.shared;
        let config = &shared.config;
        let method = if config.use_rtm_connect {
            "rtm.connect"
        } else {
            "rtm.start"
        };
        let mut params: Vec<(&str, &str)> = Vec::new();
        if config.start_options.batch_presence_aware {
            params.push(("batch_presence_aware", "true"));
        }
        if config.start_options.presence_sub {
            params.push(("presence_sub", "true"));
        }
        let body = shared.web.call_cancellable(method, &params, cancel)?;
        let (info, url) = ConnectInfo::from_response(body)?;
        log::info!(
            "{method} succeeded: {} ({}) in {} ({})",
            info.self_name,
            info.self_id,
            info.team_name,
            info.team_id
        );
        #[cfg(feature = "workspace-cache")]
        if let Some(cache) = &self.cache {
            cache.seed(info.raw());
        }
        let info = Arc::new(info);
        shared.set_info(info.clone());
        Ok(Opened {
            url: Secret::new(url),
            announce: Some(Event::Authenticated(info)),
        })
    }

    fn on_text(
        &self,
        link: &Arc<Link>,
        text: Utf8Bytes,
        now: Instant,
        out: &mut Vec<Action<Event>>,
    ) {
        let shared = &self.shared;
        match classify(text) {
            Frame::Event(event) => {
                let after_delivery = match meaning(event.kind(), link.is_ready()) {
                    Meaning::Hello => {
                        out.push(Action::Ready);
                        None
                    }
                    Meaning::Goodbye => Some(Action::Replace(Replace::Reconnect)),
                    Meaning::Refused => Some(Action::Failed(server_error(event.raw()))),
                    Meaning::Event => None,
                };
                #[cfg(feature = "workspace-cache")]
                if let Some(cache) = &self.cache {
                    if cache.wants(event.kind()) {
                        cache.observe(&event);
                    }
                }
                self.count(&shared.counters.events_received);
                out.push(Action::Deliver(Event::Slack(event)));
                out.extend(after_delivery);
            }
            Frame::Reply(result) => {
                let (id, outcome, counter) = match result {
                    Ok(reply) => (
                        reply.reply_to,
                        Ok(Some(reply)),
                        &shared.counters.sends_acked,
                    ),
                    Err(p) => (
                        p.reply_to,
                        Err(Error::Platform(p)),
                        &shared.counters.sends_rejected,
                    ),
                };
                // Counted before the sender is woken, so that its next stats() sees it.
                self.count(counter);
                if !shared.waiters.resolve(id, outcome) {
                    counter.fetch_sub(1, Ordering::Relaxed);
                    self.count(&shared.counters.late_replies);
                    log::debug!(
                        "reply to frame {id} came after its sender stopped waiting; dropped"
                    );
                }
            }
            Frame::Pong { reply_to } => {
                let mut ping = self.ping.lock();
                if let (Some((id, sent_at)), Some(reply_to)) = (*ping, reply_to) {
                    if id == reply_to {
                        *ping = None;
                        let rtt = now.saturating_duration_since(sent_at);
                        let micros = u64::try_from(rtt.as_micros()).unwrap_or(u64::MAX).max(1);
                        shared
                            .counters
                            .last_ping_rtt_us
                            .store(micros, Ordering::Relaxed);
                        log::trace!("pong {id} after {rtt:?}");
                    }
                }
            }
            Frame::Malformed(why) => {
                self.count(&shared.counters.malformed_frames);
                out.push(Action::Malformed(why));
            }
        }
    }

    fn on_binary(
        &self,
        _link: &Arc<Link>,
        len: usize,
        _now: Instant,
        out: &mut Vec<Action<Event>>,
    ) {
        self.count(&self.shared.counters.malformed_frames);
        out.push(Action::Malformed(format!(
            "a binary frame of {len} bytes (RTM frames are JSON text)"
        )));
    }

    fn probe(&self, _link: &Arc<Link>, now: Instant) -> Result<Probe> {
        let id = self.shared.next_id();
        let mut body = Map::new();
        body.insert("time".into(), Value::from(unix_millis()));
        let text = crate::runtime::sender::encode_frame(id, "ping", body)?;
        *self.ping.lock() = Some((id, now));
        log::trace!("ping {id}");
        Ok(Probe::Text(text))
    }

    fn lifecycle(&self, change: Change) -> Option<Event> {
        Some(match change {
            Change::Connecting => Event::Connecting,
            Change::Connected(_) => Event::Connected,
            Change::Ready(_) => Event::Ready,
            Change::Reconnecting => Event::Reconnecting,
            Change::Disconnecting => Event::Disconnecting,
            Change::Disconnected(e) => Event::Disconnected(e),
            Change::AttemptFailed(e) => Event::UnableToStart(e),
            Change::Error { error, repeated } => Event::Error(match error {
                Error::Protocol(why) if repeated > 0 => Error::Protocol(format!(
                    "{why} (and {repeated} more malformed frames since the last report)"
                )),
                other => other,
            }),
            Change::Dropped(n) => Event::EventsDropped(n),
        })
    }

    fn on_ready(&self, link: &Arc<Link>, now: Instant) {
        let mut timers = self.timers.lock();
        timers.ready_link = link.generation;
        if self.shared.waiters.len() > 0 {
            timers.ack_deadline = Some(after(
                now,
                self.shared.config.reply_ack_on_reconnect_timeout,
            ));
        }
        // Queued frames go out once this batch is routed.
        timers.outbox_at = Some(now);
    }

    fn on_session_end(&self, error: Option<&Error>) {
        let shared = &self.shared;
        shared.waiters.fail_all(NoReplyCause::Disconnected);
        shared.fail_outbox(&error.cloned().unwrap_or(Error::SendWhileDisconnected));
    }

    fn next_deadline(&self) -> Option<Instant> {
        let timers = self.timers.lock();
        earliest([timers.ack_deadline, timers.outbox_at])
    }

    fn on_timer(&self, now: Instant, _out: &mut Vec<Action<Event>>) {
        let (ack_due, link) = {
            let mut timers = self.timers.lock();
            let due = timers.ack_deadline.is_some_and(|t| t <= now);
            if due {
                timers.ack_deadline = None;
            }
            timers.outbox_at = None;
            (due, timers.ready_link)
        };
        let retry_at = self.shared.flush_outbox();
        if retry_at.is_some() {
            self.timers.lock().outbox_at = retry_at;
        }
        if ack_due {
            let n = self
                .shared
                .waiters
                .fail_before(link, NoReplyCause::ConnectionLost);
            if n > 0 {
                log::debug!("{n} sends from the previous connection got no reply");
            }
        }
    }

    fn waker(&self) -> Option<BorrowedFd<'_>> {
        Some(self.shared.outbox_waker.as_fd())
    }
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
