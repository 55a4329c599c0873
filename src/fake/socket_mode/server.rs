//! The Socket Mode side of the fake's state: tickets, sessions, envelopes in flight, acks,
//! retries and scripted faults; `apps.connections.open`; the timer thread that enforces
//! the ack deadline and sends Slack's retries.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::TcpListener;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use parking_lot::{Condvar, Mutex};
use serde_json::{json, Value};
use tungstenite::Utf8Bytes;

use super::envelopes;
use super::{AckRecord, Delivery};
use crate::fake::api::{ApiCall, ApiReply};
use crate::fake::shared::Shared;
use crate::net::poll::{wait, Interest};
use crate::net::waker::Waker;

/// The most sockets an app may hold.
pub(crate) const MAX_SOCKETS: usize = 10;
/// Acks of this many bytes or more are ignored, as Slack does ("below 20 KB", read
/// strictly).
pub(crate) const MAX_ACK_BYTES: usize = 20_000;

/// What the rest of the fake asks a Socket Mode session to do.
#[derive(Debug, Clone)]
pub(crate) enum Command {
    /// Write a text frame.
    Text(Utf8Bytes),
    /// Send `disconnect` with this reason, then close after the grace period.
    Disconnect(String),
    /// Close cleanly.
    Close,
    /// Drop the TCP connection, no close frame.
    Drop,
    /// Stop reading and writing for good (half-open).
    Silent,
    /// Write this many blasted envelopes.
    Blast(usize),
    /// Publish the blast's report now.
    FinishBlast,
}

pub(crate) struct SessionEntry {
    tx: Sender<Command>,
    waker: Arc<Waker>,
    pub(crate) greeted: bool,
    /// Sent a `disconnect`.
    pub(crate) draining: bool,
}

impl SessionEntry {
    pub(crate) fn new(tx: Sender<Command>, waker: Arc<Waker>) -> Self {
        Self {
            tx,
            waker,
            greeted: false,
            draining: false,
        }
    }

    pub(crate) fn send(&self, cmd: Command) -> bool {
        let ok = self.tx.send(cmd).is_ok();
        if ok {
            self.waker.wake();
        }
        ok
    }
}

/// One delivery in flight or done.
struct Envelope {
    kind: String,
    accepts_response_payload: bool,
    payload_type: Option<String>,
    event_id: Option<String>,
    /// Shared by an event's first delivery and its retries.
    logical: u64,
    attempt: u32,
    /// The frame, kept until it is written (no session may be open yet).
    text: Utf8Bytes,
    delivered: Option<(u64, Instant)>,
    acked: bool,
    /// The deadline passed unacked (reported once).
    missed: bool,
}

/// What an upgrade's ticket turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TicketCheck {
    Valid,
    Stale,
    Unknown,
}

/// Mutable state, behind [`Server::state`]. (No `Debug`: tickets and tokens.)
pub(crate) struct State {
    pub(crate) app_token: String,
    pub(crate) app_id: String,
    pub(crate) url_ttl: Duration,
    pub(crate) ack_deadline: Duration,
    pub(crate) retry_delays: [Duration; 3],
    pub(crate) disconnect_close_after: Duration,
    pub(crate) ping_interval: Option<Duration>,
    pub(crate) route_to_draining: bool,
    tickets: HashMap<String, (Instant, bool)>,
    // Faults.
    pub(crate) rate_limit_connect: (usize, Option<u64>),
    pub(crate) connect_errors: VecDeque<String>,
    pub(crate) fail_upgrades: (usize, u16),
    pub(crate) suppress_hello: usize,
    pub(crate) ghosts: usize,
    pub(crate) duplicate_next: usize,
    // Counters.
    pub(crate) connect_calls: usize,
    pub(crate) connect_call_times: Vec<Instant>,
    pub(crate) refused_connect_calls: Vec<String>,
    pub(crate) sessions_opened: usize,
    pub(crate) open_sessions: usize,
    pub(crate) max_open_sessions: usize,
    pub(crate) stale_url_upgrades: usize,
    pub(crate) too_many_refusals: usize,
    pub(crate) client_pings: usize,
    // Envelopes.
    envelopes: HashMap<String, Envelope>,
    /// Delivery order, for `deliveries()`.
    order: Vec<String>,
    /// Envelopes waiting for an open session.
    queued: VecDeque<String>,
    /// Logical event → acked?
    logical_acked: HashMap<u64, bool>,
    /// Retries to send: (when, logical, attempt, template envelope id).
    retries: Vec<(Instant, u64, u32, String)>,
    pub(crate) acks: Vec<AckRecord>,
    pub(crate) unexpected: Vec<String>,
    pub(crate) blast_report: Option<super::BlastReport>,
    next_logical: u64,
    next_envelope: u64,
    next_event: u64,
    rr: usize,
}

impl Default for State {
    fn default() -> Self {
        Self {
            app_token: super::FakeSocketMode::DEFAULT_APP_TOKEN.to_owned(),
            app_id: super::FakeSocketMode::APP_ID.to_owned(),
            url_ttl: Duration::from_secs(10),
            ack_deadline: Duration::from_secs(3),
            retry_delays: [
                Duration::ZERO,
                Duration::from_secs(60),
                Duration::from_secs(300),
            ],
            disconnect_close_after: Duration::from_secs(10),
            ping_interval: Some(Duration::from_secs(30)),
            route_to_draining: true,
            tickets: HashMap::new(),
            rate_limit_connect: (0, None),
            connect_errors: VecDeque::new(),
            fail_upgrades: (0, 503),
            suppress_hello: 0,
            ghosts: 0,
            duplicate_next: 0,
            connect_calls: 0,
            connect_call_times: Vec::new(),
            refused_connect_calls: Vec::new(),
            sessions_opened: 0,
            open_sessions: 0,
            max_open_sessions: 0,
            stale_url_upgrades: 0,
            too_many_refusals: 0,
            client_pings: 0,
            envelopes: HashMap::new(),
            order: Vec::new(),
            queued: VecDeque::new(),
            logical_acked: HashMap::new(),
            retries: Vec::new(),
            acks: Vec::new(),
            unexpected: Vec::new(),
            blast_report: None,
            next_logical: 0,
            next_envelope: 0,
            next_event: 0,
            rr: 0,
        }
    }
}

impl State {
    pub(crate) fn redeem(&mut self, ticket: &str) -> TicketCheck {
        let ttl = self.url_ttl;
        match self.tickets.get_mut(ticket) {
            None => TicketCheck::Unknown,
            Some((issued, used)) => {
                let fresh = !*used && issued.elapsed() < ttl;
                *used = true;
                if fresh {
                    TicketCheck::Valid
                } else {
                    TicketCheck::Stale
                }
            }
        }
    }

    fn new_envelope_id(&mut self) -> String {
        self.next_envelope += 1;
        let r = random_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (r >> 32) as u32,
            (r >> 16) as u16,
            self.next_envelope & 0xfff,
            (r >> 4) & 0xfff,
            self.next_envelope
        )
    }

    pub(crate) fn new_event_id(&mut self) -> String {
        self.next_event += 1;
        format!("Ev{:010}", self.next_event)
    }

    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.order
            .iter()
            .filter_map(|id| {
                let e = self.envelopes.get(id)?;
                let (session, at) = e.delivered?;
                Some(Delivery {
                    envelope_id: id.clone(),
                    kind: e.kind.clone(),
                    payload_type: e.payload_type.clone(),
                    event_id: e.event_id.clone(),
                    retry_attempt: e.attempt,
                    session,
                    delivered_at: at,
                    acked: e.acked,
                })
            })
            .collect()
    }

    /// Whether the event (or command, or interaction) `envelope_id` carried was acked,
    /// through this delivery or one of its retries.
    pub(crate) fn logically_acked(&self, envelope_id: &str) -> bool {
        self.envelopes
            .get(envelope_id)
            .and_then(|e| self.logical_acked.get(&e.logical))
            .copied()
            .unwrap_or(false)
    }

    pub(crate) fn missed(&self) -> Vec<String> {
        self.order
            .iter()
            .filter(|id| {
                self.envelopes
                    .get(*id)
                    .is_some_and(|e| e.missed && !e.acked)
            })
            .cloned()
            .collect()
    }
}

/// The Socket Mode server of one fake.
pub(crate) struct Server {
    /// `ws://127.0.0.1:PORT/link/` (or `wss://`).
    pub(crate) ws_base: String,
    pub(crate) state: Mutex<State>,
    pub(crate) changed: Condvar,
    pub(crate) sessions: Mutex<BTreeMap<u64, SessionEntry>>,
    /// Wakes the timer thread (a new deadline).
    timer: Waker,
}

impl Server {
    /// Updates the state and wakes every waiter.
    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let r = f(&mut self.state.lock());
        self.changed.notify_all();
        r
    }

    /// Blocks until `pred` holds for the state, or `timeout`; returns its last value.
    pub(crate) fn wait_until(&self, timeout: Duration, pred: impl Fn(&State) -> bool) -> bool {
        let deadline = crate::protocol::deadline::after(Instant::now(), timeout);
        let mut st = self.state.lock();
        while !pred(&st) {
            if self.changed.wait_until(&mut st, deadline).timed_out() {
                return pred(&st);
            }
        }
        true
    }

    /// Queues an envelope for delivery; returns its id.
    pub(crate) fn push(
        &self,
        kind: &str,
        payload: Value,
        accepts_response_payload: bool,
        event_id: Option<String>,
    ) -> String {
        let id = self.update(|st| {
            st.next_logical += 1;
            let logical = st.next_logical;
            let id = st.new_envelope_id();
            let retry = (kind == "events_api").then_some((0, ""));
            let payload_type = payload
                .get("type")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let text = envelopes::envelope(&id, kind, payload, accepts_response_payload, retry)
                .to_string();
            st.envelopes.insert(
                id.clone(),
                Envelope {
                    kind: kind.to_owned(),
                    accepts_response_payload,
                    payload_type,
                    event_id,
                    logical,
                    attempt: 0,
                    text: text.into(),
                    delivered: None,
                    acked: false,
                    missed: false,
                },
            );
            st.logical_acked.insert(logical, false);
            st.queued.push_back(id.clone());
            id
        });
        self.dispatch();
        id
    }

    /// Sends queued envelopes, round robin over the greeted sessions.
    pub(crate) fn dispatch(&self) {
        let sessions = self.sessions.lock();
        let mut st = self.state.lock();
        let route_draining = st.route_to_draining;
        let targets: Vec<u64> = sessions
            .iter()
            .filter(|(_, s)| s.greeted && (route_draining || !s.draining))
            .map(|(id, _)| *id)
            .collect();
        if targets.is_empty() {
            return;
        }
        let now = Instant::now();
        while let Some(id) = st.queued.pop_front() {
            st.rr = st.rr.wrapping_add(1);
            let target = targets[st.rr % targets.len()];
            let duplicate = st.duplicate_next > 0 && targets.len() > 1;
            let Some(env) = st.envelopes.get_mut(&id) else {
                continue;
            };
            let text = env.text.clone();
            env.delivered = Some((target, now));
            if let Some(s) = sessions.get(&target) {
                s.send(Command::Text(text.clone()));
            }
            if duplicate {
                st.duplicate_next -= 1;
                let other = targets[(st.rr + 1) % targets.len()];
                if let Some(s) = sessions.get(&other) {
                    s.send(Command::Text(text));
                }
            }
            st.order.push(id);
        }
        drop(st);
        self.changed.notify_all();
        self.timer.wake();
    }

    /// A text message from a client on `session`, which came in `frames` websocket
    /// frames: an ack, or something unexpected.
    pub(crate) fn client_text(&self, session: u64, text: &str, frames: u32) {
        let now = Instant::now();
        let mut st = self.state.lock();
        let value: Option<Value> = serde_json::from_str(text).ok();
        let Some(Value::Object(map)) = value else {
            st.unexpected.push(format!(
                "a frame that is not a JSON object ({} bytes)",
                text.len()
            ));
            drop(st);
            self.changed.notify_all();
            return;
        };
        let Some(id) = map
            .get("envelope_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            st.unexpected
                .push("a JSON object without a string envelope_id".into());
            drop(st);
            self.changed.notify_all();
            return;
        };
        let bytes = text.len();
        let oversized = bytes >= MAX_ACK_BYTES;
        let fragmented = frames != 1;
        let ack_deadline = st.ack_deadline;
        let Some(env) = st.envelopes.get_mut(&id) else {
            let what = if id.is_empty() {
                "an ack with an empty envelope_id (hello and disconnect are never acked)".to_owned()
            } else {
                "an ack for an envelope never delivered".to_owned()
            };
            st.unexpected.push(what);
            drop(st);
            self.changed.notify_all();
            return;
        };
        let Some((delivered_on, at)) = env.delivered else {
            st.unexpected
                .push("an ack for an envelope not delivered yet".into());
            drop(st);
            self.changed.notify_all();
            return;
        };
        let payload = map.get("payload").cloned();
        let has_payload = payload
            .as_ref()
            .is_some_and(|p| p.as_object().is_some_and(|o| !o.is_empty()));
        let payload_ignored = has_payload && !env.accepts_response_payload;
        let duplicate = env.acked;
        let latency = now.saturating_duration_since(at);
        let late = latency > ack_deadline;
        let logical = env.logical;
        if !oversized && !fragmented && !duplicate {
            env.acked = true;
            st.logical_acked.insert(logical, true);
        }
        st.acks.push(AckRecord {
            envelope_id: id,
            session,
            delivered_on,
            latency,
            late,
            payload: if payload_ignored {
                None
            } else {
                payload.filter(|_| has_payload)
            },
            bytes,
            oversized,
            fragmented,
            frames,
            payload_ignored,
            duplicate,
        });
        drop(st);
        self.changed.notify_all();
    }

    /// A session said hello (or was registered without one).
    pub(crate) fn greeted(&self, session: u64) {
        if let Some(s) = self.sessions.lock().get_mut(&session) {
            s.greeted = true;
        }
        self.dispatch();
    }

    /// The timer: deadlines and retries. Returns when the next thing is due.
    fn tick(&self, now: Instant) -> Option<Instant> {
        let mut st = self.state.lock();
        let deadline = st.ack_deadline;
        let delays = st.retry_delays;
        let mut next: Option<Instant> = None;
        let mut new_retries = Vec::new();
        for (id, e) in st.envelopes.iter_mut() {
            if e.acked || e.missed {
                continue;
            }
            let Some((_, at)) = e.delivered else { continue };
            let due = crate::protocol::deadline::after(at, deadline);
            if now >= due {
                e.missed = true;
                if e.kind == "events_api" && e.attempt < 3 {
                    let delay = delays[e.attempt as usize];
                    new_retries.push((due + delay, e.logical, e.attempt + 1, id.clone()));
                }
            } else {
                next = Some(next.map_or(due, |n| n.min(due)));
            }
        }
        st.retries.extend(new_retries);
        let mut send = Vec::new();
        st.retries.retain(|r| {
            if r.0 <= now {
                send.push(r.clone());
                false
            } else {
                next = Some(next.map_or(r.0, |n| n.min(r.0)));
                true
            }
        });
        let mut pushed = false;
        for (_, logical, attempt, template) in send {
            if st.logical_acked.get(&logical).copied().unwrap_or(true) {
                continue;
            }
            let Some(t) = st.envelopes.get(&template) else {
                continue;
            };
            let mut v: Value = serde_json::from_str(&t.text).unwrap_or(Value::Null);
            let (kind, accepts, payload_type, event_id) = (
                t.kind.clone(),
                t.accepts_response_payload,
                t.payload_type.clone(),
                t.event_id.clone(),
            );
            let id = st.new_envelope_id();
            v["envelope_id"] = json!(id);
            v["retry_attempt"] = json!(attempt);
            v["retry_reason"] = json!("timeout");
            st.envelopes.insert(
                id.clone(),
                Envelope {
                    kind,
                    accepts_response_payload: accepts,
                    payload_type,
                    event_id,
                    logical,
                    attempt,
                    text: v.to_string().into(),
                    delivered: None,
                    acked: false,
                    missed: false,
                },
            );
            st.queued.push_back(id);
            pushed = true;
        }
        drop(st);
        self.changed.notify_all();
        if pushed {
            self.dispatch();
            return Some(now);
        }
        next
    }

    /// `apps.connections.open`.
    pub(crate) fn connections_open(&self, call: &ApiCall) -> ApiReply {
        let mut st = self.state.lock();
        st.connect_calls += 1;
        st.connect_call_times.push(Instant::now());
        let param_token = call.params.iter().any(|(k, _)| k == "token");
        let refusal = match call.bearer.as_deref() {
            None if param_token => Some("invalid_auth"),
            None => Some("not_authed"),
            Some(t) if t == st.app_token => None,
            Some(t) if t.starts_with("xoxb-") || t.starts_with("xoxp-") => {
                Some("not_allowed_token_type")
            }
            Some(_) => Some("invalid_auth"),
        };
        if let Some(code) = refusal {
            st.refused_connect_calls.push(code.to_owned());
            drop(st);
            self.changed.notify_all();
            return reply(200, None, json!({"ok": false, "error": code}));
        }
        if st.rate_limit_connect.0 > 0 {
            st.rate_limit_connect.0 -= 1;
            let after = st.rate_limit_connect.1;
            st.refused_connect_calls.push("ratelimited".into());
            drop(st);
            self.changed.notify_all();
            return reply(429, after, json!({"ok": false, "error": "ratelimited"}));
        }
        if let Some(code) = st.connect_errors.pop_front() {
            st.refused_connect_calls.push(code.clone());
            drop(st);
            self.changed.notify_all();
            return reply(200, None, json!({"ok": false, "error": code}));
        }
        let ticket = format!("{:016x}{:016x}", random_u64(), random_u64());
        st.tickets.insert(ticket.clone(), (Instant::now(), false));
        let url = format!("{}?ticket={ticket}&app_id={}", self.ws_base, st.app_id);
        drop(st);
        self.changed.notify_all();
        reply(200, None, json!({"ok": true, "url": url}))
    }
}

fn reply(status: u16, retry_after: Option<u64>, body: Value) -> ApiReply {
    ApiReply {
        status,
        retry_after,
        body,
    }
}

/// Random bits from std's randomly keyed hasher (no crypto needed in a fake).
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x5eed);
    h.finish()
}

/// Binds the Socket Mode listener and starts its accept loop and timer thread; the
/// server is stored in `shared` and both threads stop with the fake.
pub(crate) fn start(shared: &Arc<Shared>) -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let scheme = if shared.settings.tls.is_some() {
        "wss"
    } else {
        "ws"
    };
    let server = Arc::new(Server {
        ws_base: format!("{scheme}://{}/link/", listener.local_addr()?),
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
        sessions: Mutex::new(BTreeMap::new()),
        timer: Waker::new()?,
    });
    if shared.socket_mode.set(server.clone()).is_err() {
        return Err(std::io::Error::other(
            "the Socket Mode server was started twice",
        ));
    }
    let accept = crate::fake::listen::spawn_accept_loop(
        "fake-slack-socket-mode",
        listener,
        shared.clone(),
        super::session::serve,
    )?;
    let timer_shared = shared.clone();
    let timer = std::thread::Builder::new()
        .name("fake-slack-socket-mode-timer".into())
        .spawn(move || run_timer(&timer_shared, &server))?;
    let mut threads = shared.threads.lock();
    threads.push(accept);
    threads.push(timer);
    Ok(())
}

fn run_timer(shared: &Shared, server: &Server) {
    loop {
        if shared.is_shutting_down() {
            return;
        }
        server.timer.drain();
        let next = server.tick(Instant::now());
        if next.is_some_and(|n| n <= Instant::now()) {
            continue;
        }
        if wait(
            server.timer.as_fd(),
            Interest::Read,
            Some(shared.shutdown_waker.as_fd()),
            next,
        )
        .is_err()
        {
            return;
        }
    }
}
