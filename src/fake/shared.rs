//! State shared by the public handle, the Web API threads and the websocket sessions.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use parking_lot::{Condvar, Mutex};
use serde_json::Value;
use tungstenite::Utf8Bytes;

use super::bot_message::BotMessage;
use super::bounded_log::BoundedLog;
use super::directory::Directory;
use super::history::History;
use super::script::AckPolicy;
use super::ts::TsGenerator;
use super::ws::Command;
use super::RecordedRequest;
use crate::net::waker::Waker;

/// Who the token belongs to, as reported by `rtm.connect` and `auth.test`.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) bot_id: String,
    pub(crate) bot_name: String,
    pub(crate) team_id: String,
    pub(crate) team_name: String,
    pub(crate) team_domain: String,
}

/// Settings fixed when the server starts.
pub(crate) struct Settings {
    pub(crate) token: String,
    pub(crate) url_ttl: Duration,
    pub(crate) identity: Identity,
    pub(crate) echo_own_messages: bool,
    pub(crate) goodbye_close_after: Duration,
    pub(crate) tls: Option<native_tls::TlsAcceptor>,
    /// How many entries each record (frames, requests, bot messages, history, peers) keeps.
    pub(crate) record_limit: usize,
    /// The RTM message rate limit per connection (`None`: not enforced).
    pub(crate) rtm_rate_limit: Option<crate::RateLimit>,
}

/// How many websocket URLs are remembered (to tell a reused or expired one, answered
/// with error code 1, from one never issued, answered 404); the oldest go first.
const TICKETS_KEPT: usize = 1024;

/// A websocket URL ticket handed out by `rtm.connect` / `rtm.start`.
struct Ticket {
    issued: Instant,
    used: bool,
    batch_presence_aware: bool,
    /// The workspace events published since the ticket was issued, for its session to
    /// send after `hello`; `None` once taken, or once the ticket can no longer open a
    /// session (stale, or unused past the URL lifetime).
    backlog: Option<BoundedLog<Utf8Bytes>>,
}

/// What an upgrade request's ticket turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TicketCheck {
    /// Fresh and unused (now used): open a session.
    Valid {
        /// The `batch_presence_aware` flag of the `rtm.connect` call that issued it.
        batch_presence_aware: bool,
    },
    /// Used before, or too old: upgrade, send error code 1, close.
    Stale,
    /// Never issued: 404.
    Unknown,
}

/// Mutable server state, behind [`Shared::state`]. (No `Debug`: tickets are secrets.)
///
/// Everything that grows with use is bounded: the records keep their most recent
/// `record_limit` entries, the tickets their most recent [`TICKETS_KEPT`].
pub(crate) struct State {
    tickets: HashMap<String, Ticket>,
    /// Tickets in the order they were issued, for forgetting the oldest.
    ticket_order: VecDeque<String>,
    /// The tickets that may still have a backlog (see [`State::hold_for_pending`]).
    collecting: Vec<String>,
    record_limit: usize,
    pub(crate) directory: Directory,
    pub(crate) ack_policy: AckPolicy,
    /// Upgrades still to fail, and with which HTTP status.
    pub(crate) fail_upgrades: (usize, u16),
    /// `rtm.connect`/`rtm.start` calls still to answer 429, and the `Retry-After` value.
    pub(crate) rate_limit_connect: (usize, u64),
    pub(crate) suppress_hello: usize,
    /// Acks held for the next session ([`AckPolicy::NextConnection`]).
    pub(crate) carried_acks: Vec<tungstenite::Utf8Bytes>,
    /// Upgrades still to treat as if their URL had expired.
    pub(crate) expire_urls: usize,
    pub(crate) rtm_start_snapshot: serde_json::Map<String, Value>,
    /// The frames the clients sent, in order.
    pub(crate) sent: BoundedLog<Value>,
    pub(crate) requests: BoundedLog<RecordedRequest>,
    /// The bot's chat messages (RTM and `chat.postMessage`), with the fake's answers.
    pub(crate) bot_messages: BoundedLog<BotMessage>,
    /// The number of the next bot message `next_bot_message` returns.
    pub(crate) bot_cursor: usize,
    /// The channels of the accepted `typing` frames, in order.
    pub(crate) typing: BoundedLog<String>,
    pub(crate) presence_subscriptions: Vec<String>,
    pub(crate) sessions_opened: usize,
    /// Sessions registered in [`Shared::sessions`] (kept here too, so waiters on
    /// [`Shared::changed`] see changes).
    pub(crate) open_sessions: usize,
    pub(crate) stale_url_upgrades: usize,
    pub(crate) closed_for_size: usize,
    pub(crate) connect_calls: usize,
    /// Messages posted in the workspace, by `(channel, ts)` (for `chat.update` and threads).
    pub(crate) history: History,
}

impl State {
    /// Empty state whose records keep at most `record_limit` entries each.
    pub(crate) fn new(record_limit: usize) -> Self {
        Self {
            tickets: HashMap::new(),
            ticket_order: VecDeque::new(),
            collecting: Vec::new(),
            record_limit,
            directory: Directory::default(),
            ack_policy: AckPolicy::default(),
            fail_upgrades: (0, 0),
            rate_limit_connect: (0, 0),
            suppress_hello: 0,
            carried_acks: Vec::new(),
            expire_urls: 0,
            rtm_start_snapshot: serde_json::Map::new(),
            sent: BoundedLog::new(record_limit),
            requests: BoundedLog::new(record_limit),
            bot_messages: BoundedLog::new(record_limit),
            bot_cursor: 0,
            typing: BoundedLog::new(record_limit),
            presence_subscriptions: Vec::new(),
            sessions_opened: 0,
            open_sessions: 0,
            stale_url_upgrades: 0,
            closed_for_size: 0,
            connect_calls: 0,
            history: History::new(record_limit),
        }
    }

    /// Records a new ticket and returns it.
    pub(crate) fn issue_ticket(&mut self, batch_presence_aware: bool) -> String {
        let ticket = random_ticket();
        while self.ticket_order.len() >= TICKETS_KEPT {
            if let Some(old) = self.ticket_order.pop_front() {
                self.tickets.remove(&old);
            }
        }
        self.ticket_order.push_back(ticket.clone());
        self.collecting.push(ticket.clone());
        self.tickets.insert(
            ticket.clone(),
            Ticket {
                issued: Instant::now(),
                used: false,
                batch_presence_aware,
                backlog: Some(BoundedLog::new(self.record_limit)),
            },
        );
        ticket
    }

    /// Keeps a published workspace event for every ticket that may still open a session:
    /// issued and unused within the URL lifetime `ttl`, or used and its session not yet
    /// registered. Each keeps the most recent `record_limit` events.
    pub(crate) fn hold_for_pending(&mut self, event: &Utf8Bytes, ttl: Duration) {
        let tickets = &mut self.tickets;
        self.collecting.retain(|key| {
            let Some(t) = tickets.get_mut(key) else {
                return false; // forgotten
            };
            if !t.used && t.issued.elapsed() >= ttl {
                t.backlog = None; // expired before anyone used it
            }
            match &mut t.backlog {
                Some(backlog) => {
                    backlog.push(event.clone());
                    true
                }
                None => false,
            }
        });
    }

    /// The events held for `ticket` since it was issued, in order; it holds no more.
    pub(crate) fn take_backlog(&mut self, ticket: &str) -> Vec<Utf8Bytes> {
        self.collecting.retain(|key| key != ticket);
        self.tickets
            .get_mut(ticket)
            .and_then(|t| t.backlog.take())
            .map(|backlog| backlog.to_vec())
            .unwrap_or_default()
    }

    /// Uses up `ticket` if it is fresh.
    pub(crate) fn redeem_ticket(&mut self, ticket: &str, ttl: Duration) -> TicketCheck {
        let Some(t) = self.tickets.get_mut(ticket) else {
            return TicketCheck::Unknown;
        };
        let mut fresh = !t.used && t.issued.elapsed() < ttl;
        t.used = true;
        if fresh && self.expire_urls > 0 {
            self.expire_urls -= 1;
            fresh = false;
        }
        if fresh {
            TicketCheck::Valid {
                batch_presence_aware: t.batch_presence_aware,
            }
        } else {
            t.backlog = None;
            TicketCheck::Stale
        }
    }
}

/// 128 random bits in hex, from std's randomly keyed hasher (no crypto needed here).
fn random_ticket() -> String {
    let mut halves = [0u64; 2];
    for (i, half) in halves.iter_mut().enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(i);
        *half = h.finish();
    }
    format!("{:016x}{:016x}", halves[0], halves[1])
}

/// How the rest of the server reaches one websocket session thread.
pub(crate) struct SessionHandle {
    tx: Sender<Command>,
    waker: Arc<Waker>,
    /// Whether `hello` was sent: only greeted sessions get pushed events.
    pub(crate) greeted: bool,
}

impl SessionHandle {
    pub(crate) fn new(tx: Sender<Command>, waker: Arc<Waker>, greeted: bool) -> Self {
        Self { tx, waker, greeted }
    }

    /// Queues `cmd` and wakes the session; false if the session has ended.
    pub(crate) fn send(&self, cmd: Command) -> bool {
        let sent = self.tx.send(cmd).is_ok();
        if sent {
            self.waker.wake();
        }
        sent
    }

    pub(crate) fn wake(&self) {
        self.waker.wake();
    }
}

/// Everything the server's threads share.
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    /// `http://127.0.0.1:PORT/api/`.
    pub(crate) api_url: String,
    /// `ws://127.0.0.1:PORT/websocket/`.
    pub(crate) ws_url_base: String,
    pub(crate) state: Mutex<State>,
    /// Signalled when `sent` or the session counters change.
    pub(crate) changed: Condvar,
    /// Open websocket sessions, by id.
    pub(crate) sessions: Mutex<BTreeMap<u64, SessionHandle>>,
    pub(crate) ts: TsGenerator,
    shutdown: AtomicBool,
    /// Never drained: once woken, every accept loop sees it.
    pub(crate) shutdown_waker: Waker,
    next_id: AtomicU64,
    /// A clone of every connected socket, so shutdown can unblock its thread.
    pub(crate) conns: Mutex<HashMap<u64, TcpStream>>,
    /// Connection threads (finished ones are pruned as new ones start).
    pub(crate) threads: Mutex<Vec<JoinHandle<()>>>,
    /// The peer address of every accepted connection (Web API and websocket).
    pub(crate) peers: Mutex<BoundedLog<std::net::SocketAddr>>,
    /// The Socket Mode side (src/fake/socket_mode/), set once at start.
    pub(crate) socket_mode: std::sync::OnceLock<Arc<super::socket_mode::server::Server>>,
}

impl Shared {
    pub(crate) fn new(
        settings: Settings,
        api_url: String,
        ws_url_base: String,
        state: State,
    ) -> std::io::Result<Self> {
        let peers = Mutex::new(BoundedLog::new(settings.record_limit));
        Ok(Self {
            settings,
            api_url,
            ws_url_base,
            state: Mutex::new(state),
            changed: Condvar::new(),
            sessions: Mutex::new(BTreeMap::new()),
            ts: TsGenerator::new(),
            shutdown: AtomicBool::new(false),
            shutdown_waker: Waker::new()?,
            next_id: AtomicU64::new(1),
            conns: Mutex::new(HashMap::new()),
            threads: Mutex::new(Vec::new()),
            peers,
            socket_mode: std::sync::OnceLock::new(),
        })
    }

    /// A fresh id for a connection.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn is_shutting_down(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }

    /// Flags shutdown and wakes the accept loops.
    pub(crate) fn begin_shutdown(&self) {
        self.shutdown.store(true, Ordering::Release);
        self.shutdown_waker.wake();
    }

    /// Sends a command built by `make` to every greeted session; returns how many took it.
    pub(crate) fn to_greeted(&self, mut make: impl FnMut() -> Command) -> usize {
        let sessions = self.sessions.lock();
        sessions
            .values()
            .filter(|s| s.greeted)
            .filter(|s| s.send(make()))
            .count()
    }

    /// Sends a command built by `make` to every open session, greeted or not.
    pub(crate) fn to_all(&self, mut make: impl FnMut() -> Command) -> usize {
        let sessions = self.sessions.lock();
        sessions.values().filter(|s| s.send(make())).count()
    }

    /// Pushes an event that happened in the workspace (a message, an edit, a person typing
    /// or joining, the bot joining or leaving a channel) to every greeted session, and
    /// holds it for the URLs issued but not connected yet, whose sessions send it right
    /// after `hello`: "This will be followed by any events that occurred between the call
    /// to `rtm.connect` and the connection to the message server" (rtm-protocol.md).
    /// Returns how many open sessions got it.
    pub(crate) fn publish(&self, event: &Value) -> usize {
        let text = Utf8Bytes::from(event.to_string());
        // Under the sessions lock, as a new session takes its backlog and registers: an
        // event is either in the backlog or queued to the session, never both or neither.
        let sessions = self.sessions.lock();
        self.state
            .lock()
            .hold_for_pending(&text, self.settings.url_ttl);
        sessions
            .values()
            .filter(|s| s.greeted)
            .filter(|s| s.send(Command::Text(text.clone())))
            .count()
    }

    /// Pushes an event (encoded once) to every greeted session, and to no later one.
    pub(crate) fn broadcast(&self, event: &Value) -> usize {
        let text = Utf8Bytes::from(event.to_string());
        self.to_greeted(|| Command::Text(text.clone()))
    }

    /// Sets a known user's presence and, if it changed, tells the sessions subscribed to
    /// them; false for an unknown user.
    pub(crate) fn set_presence(&self, user: &str, presence: &str) -> bool {
        let changed = self.state.lock().directory.set_presence(user, presence);
        let Some(changed) = changed else {
            return false;
        };
        if !changed {
            // `presence_change`: "A member's presence changed" (nothing did).
            return true;
        }
        self.to_greeted(|| Command::Presence {
            user: user.to_owned(),
            presence: presence.to_owned(),
        });
        true
    }

    /// Records a chat message of the bot and wakes the waiters.
    pub(crate) fn record_bot_message(&self, message: BotMessage) {
        self.update(|st| st.bot_messages.push(message));
    }

    /// Waits until `check` finds something in the state, at most `timeout`; `None` then.
    /// `check` runs under the state lock, at once and after each change.
    pub(crate) fn wait_for<R>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&mut State) -> Option<R>,
    ) -> Option<R> {
        let deadline = Instant::now().checked_add(timeout);
        let mut st = self.state.lock();
        loop {
            if let Some(found) = check(&mut st) {
                return Some(found);
            }
            let timed_out = match deadline {
                Some(deadline) => self.changed.wait_until(&mut st, deadline).timed_out(),
                None => {
                    self.changed.wait(&mut st);
                    false
                }
            };
            if timed_out {
                return check(&mut st);
            }
        }
    }

    /// Updates the state and wakes everyone waiting on [`Shared::changed`].
    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let r = f(&mut self.state.lock());
        self.changed.notify_all();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_single_use_and_expire() {
        let mut st = State::new(10);
        let long = Duration::from_secs(30);
        let t = st.issue_ticket(true);
        assert_eq!(t.len(), 32);
        assert_eq!(
            st.redeem_ticket(&t, long),
            TicketCheck::Valid {
                batch_presence_aware: true
            }
        );
        assert_eq!(st.redeem_ticket(&t, long), TicketCheck::Stale);
        let old = st.issue_ticket(false);
        assert_eq!(st.redeem_ticket(&old, Duration::ZERO), TicketCheck::Stale);
        assert_eq!(st.redeem_ticket("nope", long), TicketCheck::Unknown);
        assert_ne!(st.issue_ticket(false), st.issue_ticket(false));
    }

    #[test]
    fn only_the_most_recent_tickets_are_remembered() {
        let mut st = State::new(10);
        let first = st.issue_ticket(false);
        for _ in 0..TICKETS_KEPT {
            st.issue_ticket(false);
        }
        assert_eq!(st.tickets.len(), TICKETS_KEPT);
        assert_eq!(
            st.redeem_ticket(&first, Duration::from_secs(30)),
            TicketCheck::Unknown
        );
        st.hold_for_pending(&Utf8Bytes::from("e"), Duration::from_secs(30));
        assert_eq!(st.collecting.len(), TICKETS_KEPT, "forgotten ones dropped");
    }

    #[test]
    fn a_url_holds_the_events_published_until_its_session_takes_them() {
        let long = Duration::from_secs(30);
        let mut st = State::new(2);
        let early = st.issue_ticket(false);
        st.hold_for_pending(&Utf8Bytes::from("one"), long);
        let late = st.issue_ticket(false);
        let unused = st.issue_ticket(false);
        let stale = st.issue_ticket(false);
        st.redeem_ticket(&stale, Duration::ZERO);
        st.hold_for_pending(&Utf8Bytes::from("two"), long);
        // Used, its session not registered yet: it still collects.
        assert!(matches!(
            st.redeem_ticket(&early, long),
            TicketCheck::Valid { .. }
        ));
        st.hold_for_pending(&Utf8Bytes::from("three"), long);
        let texts = |v: Vec<Utf8Bytes>| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(
            texts(st.take_backlog(&early)),
            ["two", "three"],
            "the most recent 2"
        );
        assert!(st.take_backlog(&early).is_empty(), "taken once");
        assert!(
            st.take_backlog(&stale).is_empty(),
            "a stale URL opens no session"
        );
        // Unused past the URL lifetime: it stops collecting and drops what it held.
        st.hold_for_pending(&Utf8Bytes::from("four"), Duration::ZERO);
        assert!(st.take_backlog(&unused).is_empty());
        assert!(st.take_backlog(&late).is_empty());
        assert!(st.collecting.is_empty());
    }
}
