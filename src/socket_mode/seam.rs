//! [`SocketModeProtocol`]: Socket Mode on the engine seam (`runtime/seam.rs`). The engine
//! connects, dials, reads, keeps sockets alive, reconnects and delivers; this says what
//! `apps.connections.open` is, what each inbound frame means, and acks.
//!
//! Per frame (on the reader thread): `hello` → [`SocketEvent::Hello`], the ghost check,
//! and `Ready`; `disconnect` → [`SocketEvent::Disconnect`] and the engine action of its
//! reason (make-before-break, back off, or stop); an envelope → dedup (a duplicate is
//! acked and dropped), the deadline tracker, the automatic ack of events under
//! [`AckPolicy::Auto`], and [`SocketEvent::Request`].

use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tungstenite::Utf8Bytes;

use crate::config::Secret;
use crate::error::{Error, Result};
use crate::net::cancel::Cancel;
use crate::net::http::WebApi;
use crate::net::waker::Waker;
use crate::protocol::liveness::LivenessPolicy;
use crate::runtime::engine::EngineSettings;
use crate::runtime::links::{Link, Links};
use crate::runtime::seam::{Action, Change, Opened, Probe, Protocol, Replace};
use crate::socket_mode::acker::{Acker, Kind};
use crate::socket_mode::config::{AckPolicy, SocketModeSettings};
use crate::socket_mode::protocol::ack_deadlines::AckDeadlines;
use crate::socket_mode::protocol::connect_budget::ConnectBudget;
use crate::socket_mode::protocol::dedup::DeliveryDedup;
use crate::socket_mode::protocol::disconnect_policy::{Decision, DisconnectPolicy};
use crate::socket_mode::protocol::frame::{classify, Inbound};
use crate::socket_mode::protocol::registrations::ghosts;
use crate::socket_mode::requests::request::{AckSink, Request, RequestKind};
use crate::socket_mode::stats::SmCounters;
use crate::socket_mode::SocketEvent;

/// The connect call's name, as errors report it.
pub(crate) const CONNECT_METHOD: &str = "apps.connections.open";

/// Answers of `apps.connections.open` that no retry can fix (protocol §2).
const FATAL_CONNECT_ERRORS: &[&str] = &[
    "not_authed",
    "invalid_auth",
    "token_revoked",
    "account_inactive",
    "not_allowed_token_type",
    "missing_scope",
    "team_access_not_granted",
    "forbidden_team",
    "access_denied",
    "ekm_access_denied",
    "enterprise_is_restricted",
    "link_disabled",
];

/// What the reader thread decides under one lock.
struct Decisions {
    dedup: Option<DeliveryDedup>,
    disconnects: DisconnectPolicy,
    /// `disconnect()` was called: envelopes are refused until the session ends.
    closing: bool,
    /// The `Disconnecting` event of this close was delivered (by the reader, woken by
    /// `disconnect()`), so the session's end does not deliver a second one.
    closing_announced: bool,
    /// `disconnect()` asked the reader to deliver `Disconnecting`.
    announce_closing: bool,
}

/// Socket Mode's side of the engine seam.
pub(crate) struct SocketModeProtocol {
    settings: Arc<SocketModeSettings>,
    api: WebApi,
    links: Arc<Links>,
    pub(crate) acker: Arc<Acker>,
    pub(crate) counters: Arc<SmCounters>,
    decisions: Mutex<Decisions>,
    budget: Mutex<ConnectBudget>,
    /// Wakes the reader to announce a graceful close (`Protocol::waker`).
    closing_waker: Waker,
}

impl SocketModeProtocol {
    pub(crate) fn new(settings: Arc<SocketModeSettings>, links: Arc<Links>) -> Result<Self> {
        let t = &settings.tuning;
        let counters = Arc::new(SmCounters::default());
        let acker = Arc::new(Acker::new(
            links.clone(),
            AckDeadlines::new(t.ack_warn_after, t.ack_deadline),
            counters.clone(),
            t.ack_write_timeout,
        ));
        let seed = crate::protocol::backoff::random_seed();
        Ok(Self {
            api: WebApi::new(&settings.transport)?,
            decisions: Mutex::new(Decisions {
                dedup: t
                    .dedup
                    .then(|| DeliveryDedup::new(t.dedup_window, t.dedup_capacity)),
                disconnects: DisconnectPolicy::new(t.too_many_backoff, seed),
                closing: false,
                closing_announced: false,
                announce_closing: false,
            }),
            closing_waker: Waker::new()
                .map_err(|e| Error::Internal(format!("cannot create a wake-up pipe: {e}")))?,
            budget: Mutex::new(ConnectBudget::new(
                t.connect_burst,
                t.connect_refill,
                Instant::now(),
            )),
            links,
            acker,
            counters,
            settings,
        })
    }

    /// The engine settings for Socket Mode.
    pub(crate) fn engine_settings(&self) -> EngineSettings {
        let c = &self.settings.transport;
        let t = &self.settings.tuning;
        EngineSettings {
            name: "slack-sm",
            connections: t.pool_size,
            hello_timeout: c.hello_timeout,
            liveness: LivenessPolicy {
                probe_every: t.ping_interval,
                answer_within: t.pong_timeout,
                misses_allowed: 2,
                silence_limit: Some(t.silence_limit),
            },
            retry: c.retry.clone(),
            auto_reconnect: true,
            slow_consumer: c.slow_consumer,
        }
    }

    /// `disconnect()` was called: from now on no envelope is delivered or acked; the
    /// reader is woken to deliver `Disconnecting` (so the app knows to ack what it
    /// holds). Returns false when a close had already begun.
    pub(crate) fn begin_closing(&self) -> bool {
        {
            let mut d = self.decisions.lock();
            if d.closing {
                return false;
            }
            d.closing = true;
            d.announce_closing = true;
        }
        self.closing_waker.wake();
        true
    }

    /// The close is over (or was never started): envelopes are taken again.
    pub(crate) fn end_closing(&self) {
        let mut d = self.decisions.lock();
        d.closing = false;
        d.announce_closing = false;
        d.closing_announced = false;
    }

    fn envelope(
        &self,
        link: &Arc<Link>,
        head: crate::socket_mode::protocol::frame::EnvelopeHead,
        text: Utf8Bytes,
        now: Instant,
        out: &mut Vec<Action<SocketEvent>>,
    ) {
        SmCounters::bump(&self.counters.requests_received);
        if head.retry_attempt > 0 {
            SmCounters::bump(&self.counters.retries_seen);
        }
        let auto = self.settings.tuning.ack_policy == AckPolicy::Auto
            && matches!(head.kind, RequestKind::EventsApi | RequestKind::Other(_));
        // One lock for the closing check, the dedup and the start of the ack deadline, so
        // that once disconnect() has set `closing` nothing more becomes owed.
        let (refused, duplicate, forgotten) = {
            let mut d = self.decisions.lock();
            if d.closing {
                (true, false, None)
            } else {
                let (duplicate, forgotten) = match d.dedup.as_mut() {
                    None => (false, None),
                    Some(dd) => {
                        let duplicate =
                            dd.is_duplicate(&head.envelope_id, head.event_id.as_deref(), now);
                        let forgotten = dd.take_forgotten_early(now);
                        (duplicate, forgotten.map(|f| (f, dd.capacity())))
                    }
                };
                if !duplicate && !auto {
                    // Acked by the app: its deadline starts now.
                    self.acker.delivered(&head.envelope_id, now);
                }
                (false, duplicate, forgotten)
            }
        };
        if refused {
            // Neither delivered nor acked (nor remembered by the dedup): Slack retries an
            // events_api envelope on another socket, or after the next start.
            SmCounters::bump(&self.counters.refused_while_closing);
            log::debug!(
                "request {} arrived while disconnecting: not delivered, not acked",
                head.envelope_id
            );
            return;
        }
        if let Some((f, capacity)) = forgotten {
            self.counters
                .dedup_forgotten_early
                .fetch_add(f.keys, Ordering::Relaxed);
            if f.new_burst {
                let t = &self.settings.tuning;
                log::warn!(
                    "dedup_capacity ({capacity} ids) is full: delivery ids are forgotten before their {:?} window ends, \
                     so Slack's retries of them would be delivered again; raise dedup_capacity \
                     (counted in stats().dedup_forgotten_early; logged once per burst)",
                    t.dedup_window
                );
            }
        }
        if duplicate {
            SmCounters::bump(&self.counters.duplicates_dropped);
            log::debug!(
                "request {} (retry {}) repeats one already delivered: acked, not delivered again",
                head.envelope_id,
                head.retry_attempt
            );
            if let Err(e) = self.acker.queue(link, &head.envelope_id, Kind::Duplicate) {
                log::debug!("the ack of duplicate {} failed: {e}", head.envelope_id);
            }
            return;
        }
        // An automatic ack is queued on the link and written at the end of this batch
        // (Protocol::end_of_batch), one write for the whole batch's acks.
        let acked = auto
            && match self.acker.queue(link, &head.envelope_id, Kind::Auto) {
                Ok(()) => true,
                Err(e) => {
                    out.push(Action::Malformed(format!("an automatic ack failed: {e}")));
                    false
                }
            };
        let sink: Arc<dyn AckSink> = self.acker.clone();
        let request = Request::new(head, text, Some((sink, link.id())));
        if acked {
            request.set_acked();
        }
        out.push(Action::Deliver(SocketEvent::Request(request)));
    }
}

impl Protocol for SocketModeProtocol {
    type Item = SocketEvent;

    fn open(&self, cancel: &Cancel) -> Result<Opened<SocketEvent>> {
        let now = Instant::now();
        {
            let mut budget = self.budget.lock();
            if !budget.try_take(now) {
                let wait = budget.ready_at(now).saturating_duration_since(now);
                log::debug!("apps.connections.open budget used up: next call in {wait:?}");
                return Err(Error::RateLimited {
                    method: CONNECT_METHOD.into(),
                    retry_after: wait.max(Duration::from_millis(1)),
                });
            }
        }
        match self.api.call_cancellable(CONNECT_METHOD, &[], cancel) {
            Ok(body) => {
                let Some(url) = body.get("url").and_then(|u| u.as_str()) else {
                    return Err(Error::Protocol(format!("{CONNECT_METHOD} returned no url")));
                };
                let mut url = url.to_owned();
                if self.settings.tuning.debug_reconnects {
                    url.push_str(if url.contains('?') { "&" } else { "?" });
                    url.push_str("debug_reconnects=true");
                }
                Ok(Opened {
                    url: Secret::new(url),
                    announce: None,
                })
            }
            Err(Error::RateLimited {
                method,
                retry_after,
            }) => {
                // `retry_after` is Slack's Retry-After as sent (`Retry-After: 1` is 1 s);
                // without one, the HTTP layer reported MISSING_RETRY_AFTER (30 s), as
                // this Tier 1 call wants (protocol §2).
                self.budget.lock().rate_limited(Some(retry_after), now);
                Err(Error::RateLimited {
                    method,
                    retry_after,
                })
            }
            Err(e) => Err(e),
        }
    }

    fn fatal(&self, error: &Error) -> bool {
        match error {
            Error::Api { error, .. } => FATAL_CONNECT_ERRORS.contains(&error.as_str()),
            other => other.is_fatal(),
        }
    }

    fn on_text(
        &self,
        link: &Arc<Link>,
        text: Utf8Bytes,
        now: Instant,
        out: &mut Vec<Action<SocketEvent>>,
    ) {
        match classify(&text) {
            Inbound::Envelope(head) => self.envelope(link, head, text, now, out),
            Inbound::Hello(hello) => {
                let held = self.links.len().max(1);
                if let Some(n) = hello.num_connections {
                    self.counters
                        .num_connections
                        .store(u64::from(n), Ordering::Relaxed);
                }
                if let Some(extra) = ghosts(hello.num_connections, held) {
                    SmCounters::bump(&self.counters.ghost_warnings);
                    log::warn!(
                        "Slack counts {extra} more socket(s) for this app than this client holds ({held}): \
                         other processes share the app, or stale registrations linger (they count toward the limit of 10)"
                    );
                }
                log::info!(
                    "socket {} ready ({} held, Slack counts {})",
                    link.id(),
                    held,
                    hello
                        .num_connections
                        .map_or("?".to_owned(), |n| n.to_string())
                );
                out.push(Action::Deliver(SocketEvent::Hello(hello)));
                out.push(Action::Ready);
            }
            Inbound::Disconnect(d) => {
                SmCounters::bump(&self.counters.disconnects);
                let decision = self.decisions.lock().disconnects.decide(&d.reason, now);
                log::info!("Slack asked socket {} to go: {}", link.id(), d.reason);
                out.push(Action::Deliver(SocketEvent::Disconnect(d)));
                out.push(match decision {
                    Decision::Refresh => Action::Replace(Replace::Refresh),
                    Decision::BackOff(pause) => Action::Replace(Replace::BackOff(pause)),
                    Decision::Stop(e) => Action::Stop(e),
                });
            }
            Inbound::Unrecognized(why) => out.push(Action::Malformed(why)),
        }
    }

    fn probe(&self, _link: &Arc<Link>, _now: Instant) -> Result<Probe> {
        Ok(Probe::Ping(b"slack-rtm".to_vec()))
    }

    fn lifecycle(&self, change: Change) -> Option<SocketEvent> {
        Some(match change {
            Change::Connecting => SocketEvent::Connecting,
            Change::Connected(_) => SocketEvent::Connected,
            Change::Ready(_) => SocketEvent::Ready,
            Change::Reconnecting => SocketEvent::Reconnecting,
            // Already delivered when disconnect() began its graceful close.
            Change::Disconnecting if self.decisions.lock().closing_announced => return None,
            Change::Disconnecting => SocketEvent::Disconnecting,
            Change::Disconnected(e) => SocketEvent::Disconnected(e),
            Change::AttemptFailed(e) => SocketEvent::UnableToStart(e),
            Change::Error { error, .. } => SocketEvent::Error(error),
            Change::Dropped(n) => SocketEvent::EventsDropped(n),
        })
    }

    fn end_of_batch(&self, _now: Instant) {
        self.acker.flush();
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.acker.next_deadline()
    }

    fn on_timer(&self, now: Instant, out: &mut Vec<Action<SocketEvent>>) {
        self.closing_waker.drain();
        let announce = {
            let mut d = self.decisions.lock();
            let announce = std::mem::take(&mut d.announce_closing);
            d.closing_announced |= announce;
            announce
        };
        if announce {
            out.push(Action::Deliver(SocketEvent::Disconnecting));
        }
        self.acker.check_deadlines(now);
    }

    fn waker(&self) -> Option<BorrowedFd<'_>> {
        Some(self.closing_waker.as_fd())
    }

    fn on_session_end(&self, _error: Option<&Error>) {
        // What the session delivered can no longer be acked: nothing is owed.
        self.acker.session_ended();
    }
}
