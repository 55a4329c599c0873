//! Websocket sessions: the upgrade (ticket check, scripted failures) and one thread per
//! session that answers client frames and carries out script commands.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use serde_json::{json, Value};
use tungstenite::handshake::server::{Callback, ErrorResponse, Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tungstenite::{Bytes, Message, Utf8Bytes, WebSocket};

use super::blast::FrameBatch;
use super::bot_message::{BotMessage, Outcome, Via};
use super::codes;
use super::message_rate::{self, MessageRate};
use super::posting;
use super::rtm::{self, Action, FrameChecker};
use super::script::{AckPolicy, AckQueue};
use super::shared::{SessionHandle, Shared, TicketCheck};
use super::upgrade::refusal;
use crate::net::poll::{wait, Interest, Readiness};
use crate::net::stream::Stream;
use crate::net::waker::Waker;

/// The largest client frame (payload bytes) the server accepts; anything longer closes
/// the connection ("longer than 16 kilobytes").
pub(crate) const MAX_CLIENT_FRAME: usize = 16 * 1024;
/// After the server sends a close frame, how long it waits for the client's.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the rest of the server can ask a session to do.
pub(crate) enum Command {
    /// Send a text frame.
    Text(Utf8Bytes),
    /// Send a binary frame.
    Binary(Bytes),
    /// Write `n` copies of a pre-encoded frame, then report how many were written.
    Blast {
        batch: Arc<FrameBatch>,
        n: usize,
        done: Sender<usize>,
    },
    /// Send `goodbye`, then close after the grace period.
    Goodbye,
    /// Close cleanly (close frame).
    Close,
    /// Close the TCP connection at once, no close frame.
    Drop,
    /// Stop reading and writing for good.
    Silent,
    /// A user's presence changed: tell the client if it subscribed.
    Presence { user: String, presence: String },
}

/// Serves one connection to the websocket listener: upgrade, then the session.
pub(crate) fn serve(shared: &Arc<Shared>, tcp: TcpStream) {
    let Some(stream) = super::upgrade::handshake_stream(shared, tcp, "ws") else {
        return;
    };
    let mut check = TicketCheck::Unknown;
    let mut ticket = String::new();
    let callback = UpgradeCheck {
        shared,
        outcome: &mut check,
        ticket: &mut ticket,
    };
    let config = WebSocketConfig::default()
        .read_buffer_size(32 * 1024)
        .max_message_size(Some(MAX_CLIENT_FRAME))
        .max_frame_size(Some(MAX_CLIENT_FRAME));
    let ws = match tungstenite::accept_hdr_with_config(stream, callback, Some(config)) {
        Ok(ws) => ws,
        Err(e) => {
            log::debug!("fake slack: websocket upgrade refused or failed: {e}");
            shared.state.lock().take_backlog(&ticket); // no session will send it
            return;
        }
    };
    if !super::upgrade::session_mode(ws.get_ref().tcp(), "ws") {
        shared.state.lock().take_backlog(&ticket);
        return;
    }
    match check {
        TicketCheck::Valid {
            batch_presence_aware,
        } => open_session(shared, ws, batch_presence_aware, &ticket),
        TicketCheck::Stale | TicketCheck::Unknown => reject_stale(shared, ws),
    }
}

/// Decides an upgrade request (tungstenite's handshake callback): a scripted failure,
/// 404 for an unknown ticket or path, else the upgrade goes ahead and `outcome` says
/// what the ticket was (and `ticket`, which it is).
struct UpgradeCheck<'a> {
    shared: &'a Shared,
    outcome: &'a mut TicketCheck,
    ticket: &'a mut String,
}

impl Callback for UpgradeCheck<'_> {
    fn on_request(self, req: &Request, resp: Response) -> Result<Response, ErrorResponse> {
        let mut st = self.shared.state.lock();
        if st.fail_upgrades.0 > 0 {
            st.fail_upgrades.0 -= 1;
            return Err(refusal(st.fail_upgrades.1));
        }
        let ticket = req
            .uri()
            .path()
            .strip_prefix("/websocket/")
            .filter(|t| !t.is_empty() && !t.contains('/'));
        match ticket.map(|t| (t, st.redeem_ticket(t, self.shared.settings.url_ttl))) {
            None | Some((_, TicketCheck::Unknown)) => Err(refusal(404)),
            Some((ticket, check)) => {
                *self.outcome = check;
                *self.ticket = ticket.to_owned();
                Ok(resp)
            }
        }
    }
}

/// A reused or expired URL: the upgrade succeeded, so say why in an error event and close.
fn reject_stale(shared: &Arc<Shared>, ws: WebSocket<Stream>) {
    shared.update(|st| st.stale_url_upgrades += 1);
    let (_tx, rx) = crossbeam_channel::unbounded();
    let Ok(waker) = Waker::new() else { return };
    let mut session = Session::new(shared.clone(), ws, rx, Arc::new(waker), false);
    session.send_value(&rtm::error_event(
        codes::URL_EXPIRED,
        "Socket URL has expired",
    ));
    session.start_close(CloseCode::Policy);
    session.run();
}

/// A valid upgrade: greet (unless suppressed), register, send what happened since the
/// URL was issued, run.
fn open_session(
    shared: &Arc<Shared>,
    ws: WebSocket<Stream>,
    batch_presence_aware: bool,
    ticket: &str,
) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let waker = match Waker::new() {
        Ok(w) => Arc::new(w),
        Err(e) => {
            log::debug!("fake slack: no waker for a session: {e}");
            return;
        }
    };
    let mut session = Session::new(shared.clone(), ws, rx, waker.clone(), batch_presence_aware);
    let greet = shared.update(|st| {
        let suppress = st.suppress_hello > 0;
        st.suppress_hello = st.suppress_hello.saturating_sub(1);
        !suppress
    });
    // Registered and counted before `hello` goes out: a client that has seen `hello` sees
    // the counters include its session, and anything pushed from then on reaches it
    // after the `hello` (queued commands are only handled once `hello` is written).
    // The backlog is taken as the session registers, under the sessions lock that
    // `Shared::publish` holds: each event is in one or the other.
    let id = shared.next_id();
    let backlog = {
        let mut sessions = shared.sessions.lock();
        let backlog = shared.state.lock().take_backlog(ticket);
        sessions.insert(id, SessionHandle::new(tx, waker, greet));
        backlog
    };
    shared.update(|st| {
        st.open_sessions += 1;
        st.sessions_opened += 1;
    });
    if greet {
        session.send_value(&json!({"type": "hello"}));
        let carried = std::mem::take(&mut shared.state.lock().carried_acks);
        for ack in carried {
            session.send_text(ack);
        }
        for event in backlog {
            session.send_text(event);
        }
        session.flush();
    }
    log::debug!("fake slack: ws session {id} opened (hello: {greet})");
    session.run();
    shared.sessions.lock().remove(&id);
    shared.update(|st| st.open_sessions -= 1);
    log::debug!("fake slack: ws session {id} ended");
}

/// A blast in progress.
struct BlastJob {
    batch: Arc<FrameBatch>,
    remaining: usize,
    /// Bytes of the current chunk already written.
    offset: usize,
    written: usize,
    done: Sender<usize>,
}

/// How a step of work left the session.
enum Step {
    /// Carry on.
    Continue,
    /// The socket's send buffer is full: wait until it can take more.
    WaitWrite,
    /// The session is over.
    End,
}

/// One websocket session, owned by its thread.
struct Session {
    shared: Arc<Shared>,
    ws: WebSocket<Stream>,
    rx: Receiver<Command>,
    waker: Arc<Waker>,
    checker: FrameChecker,
    acks: AckQueue<Utf8Bytes>,
    /// Users subscribed to with `presence_sub`.
    subscriptions: Vec<String>,
    batch_presence_aware: bool,
    /// When to close after a `goodbye`.
    goodbye_close_at: Option<Instant>,
    /// After sending a close frame: when to stop waiting for the client's.
    close_deadline: Option<Instant>,
    /// tungstenite holds bytes the socket would not take yet.
    want_write: bool,
    blast: Option<BlastJob>,
    silent: bool,
    /// The RTM message rate limit on this connection.
    rate: MessageRate,
}

impl Session {
    fn new(
        shared: Arc<Shared>,
        ws: WebSocket<Stream>,
        rx: Receiver<Command>,
        waker: Arc<Waker>,
        batch_presence_aware: bool,
    ) -> Self {
        let rate = MessageRate::new(shared.settings.rtm_rate_limit, Instant::now());
        Self {
            shared,
            ws,
            rx,
            waker,
            checker: FrameChecker::default(),
            acks: AckQueue::default(),
            subscriptions: Vec::new(),
            batch_presence_aware,
            goodbye_close_at: None,
            close_deadline: None,
            want_write: false,
            blast: None,
            silent: false,
            rate,
        }
    }

    /// The session loop: commands, timers, client frames, then wait in `poll` on the
    /// socket and the waker until one of them (or the next timer) needs attention.
    fn run(&mut self) {
        loop {
            if self.shared.is_shutting_down() {
                return;
            }
            if self.silent {
                return self.run_silent();
            }
            self.waker.drain();
            let blasting = self.blast.is_some();
            let step = if blasting {
                self.blast_step()
            } else {
                self.normal_step()
            };
            let interest = match step {
                Step::End => return,
                Step::WaitWrite => Interest::Write,
                // A blast started or finished, or the session fell silent: go round again
                // (commands held back during a blast are still queued).
                Step::Continue if blasting || self.silent || self.blast.is_some() => continue,
                Step::Continue if self.want_write => Interest::Write,
                Step::Continue => Interest::Read,
            };
            let deadline = [
                self.acks.next_deadline(),
                self.goodbye_close_at,
                self.close_deadline,
            ]
            .into_iter()
            .flatten()
            .min();
            let fd = self.ws.get_ref().as_fd();
            match wait(fd, interest, Some(self.waker.as_fd()), deadline) {
                Ok(Readiness::Ready | Readiness::Woken | Readiness::TimedOut) => {}
                Err(e) => {
                    log::debug!("fake slack: poll failed: {e}");
                    return;
                }
            }
        }
    }

    /// Commands, due timers, client frames, flush.
    fn normal_step(&mut self) -> Step {
        while let Ok(cmd) = self.rx.try_recv() {
            if let Step::End = self.command(cmd) {
                return Step::End;
            }
            if self.silent || self.blast.is_some() {
                return Step::Continue;
            }
        }
        let now = Instant::now();
        for ack in self.acks.due(now) {
            self.send_text(ack);
        }
        if self.goodbye_close_at.is_some_and(|t| t <= now) {
            self.start_close(CloseCode::Away);
        }
        if self.close_deadline.is_some_and(|t| t <= now) {
            return Step::End;
        }
        loop {
            match self.ws.read() {
                Ok(msg) => self.client_message(msg),
                Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(tungstenite::Error::Capacity(e)) => {
                    log::debug!("fake slack: closing a session for an oversized frame: {e}");
                    self.shared.update(|st| st.closed_for_size += 1);
                    let _ = self.ws.get_ref().tcp().shutdown(Shutdown::Both);
                    return Step::End;
                }
                Err(e) => {
                    log::debug!("fake slack: session read ended: {e}");
                    return Step::End;
                }
            }
        }
        self.flush()
    }

    /// Pushes tungstenite's buffered frames to the socket.
    fn flush(&mut self) -> Step {
        match self.ws.flush() {
            Ok(()) => {
                self.want_write = false;
                Step::Continue
            }
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                self.want_write = true;
                Step::Continue
            }
            Err(e) => {
                log::debug!("fake slack: session write ended: {e}");
                Step::End
            }
        }
    }

    /// Writes as much of the blast as the socket takes. Nothing else is read or written
    /// meanwhile, so no frame can land inside a partly written one.
    fn blast_step(&mut self) -> Step {
        match self.flush() {
            Step::Continue if self.want_write => return Step::WaitWrite,
            Step::Continue => {}
            other => return other,
        }
        let Some(mut job) = self.blast.take() else {
            return Step::Continue;
        };
        while job.remaining > 0 {
            let (chunk, count) = job.batch.chunk(job.remaining);
            match self.ws.get_mut().write(&chunk[job.offset..]) {
                Ok(0) => break,
                Ok(n) => {
                    job.offset += n;
                    if job.offset == chunk.len() {
                        job.offset = 0;
                        job.remaining -= count;
                        job.written += count;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.blast = Some(job);
                    return Step::WaitWrite;
                }
                Err(_) => break,
            }
        }
        let finished = job.remaining == 0;
        let _ = job.done.send(job.written);
        if finished {
            Step::Continue
        } else {
            Step::End
        }
    }

    /// A silenced session: no reads, no writes; it waits on its waker alone (not on the
    /// socket, which may stay readable) until it is dropped or the server shuts down.
    fn run_silent(&mut self) {
        loop {
            if self.shared.is_shutting_down() {
                return;
            }
            if let Err(e) = wait(self.waker.as_fd(), Interest::Read, None, None) {
                log::debug!("fake slack: poll failed: {e}");
                return;
            }
            self.waker.drain();
            while let Ok(cmd) = self.rx.try_recv() {
                if let Command::Drop = cmd {
                    let _ = self.ws.get_ref().tcp().shutdown(Shutdown::Both);
                    return;
                }
            }
        }
    }

    fn command(&mut self, cmd: Command) -> Step {
        match cmd {
            Command::Text(text) => self.send_text(text),
            Command::Binary(bytes) => self.send(Message::Binary(bytes)),
            Command::Blast { batch, n, done } => {
                if self.ws.can_write() {
                    self.blast = Some(BlastJob {
                        batch,
                        remaining: n,
                        offset: 0,
                        written: 0,
                        done,
                    });
                } else {
                    let _ = done.send(0);
                }
            }
            Command::Goodbye => {
                self.send_value(&json!({"type": "goodbye"}));
                if self.goodbye_close_at.is_none() && self.close_deadline.is_none() {
                    self.goodbye_close_at = Some(crate::protocol::deadline::after(
                        Instant::now(),
                        self.shared.settings.goodbye_close_after,
                    ));
                }
            }
            Command::Close => self.start_close(CloseCode::Normal),
            Command::Drop => {
                let _ = self.ws.get_ref().tcp().shutdown(Shutdown::Both);
                return Step::End;
            }
            Command::Silent => self.silent = true,
            Command::Presence { user, presence } => {
                if self.subscriptions.contains(&user) {
                    self.send_presence(vec![(user, presence)]);
                }
            }
        }
        Step::Continue
    }

    /// Sends a close frame and gives the client [`CLOSE_TIMEOUT`] to answer it.
    fn start_close(&mut self, code: CloseCode) {
        self.goodbye_close_at = None;
        if self.close_deadline.is_some() {
            return;
        }
        self.close_deadline = Some(crate::protocol::deadline::after(
            Instant::now(),
            CLOSE_TIMEOUT,
        ));
        if self.ws.can_write() {
            let frame = CloseFrame {
                code,
                reason: Utf8Bytes::from_static(""),
            };
            let result = self.ws.close(Some(frame));
            self.queued(result);
        }
    }

    fn client_message(&mut self, msg: Message) {
        let frame = match msg {
            Message::Text(text) => rtm::parse_frame(&text),
            Message::Binary(_) => {
                let err = rtm::error_event(codes::NOT_AN_OBJECT, "binary frames are not supported");
                return self.send_value(&err);
            }
            Message::Ping(_) | Message::Pong(_) | Message::Close(_) | Message::Frame(_) => return,
        };
        let action = self.checker.check(&frame);
        let is_message = frame["type"] == "message";
        let sent = is_message.then(|| frame.clone());
        self.shared.update(|st| st.sent.push(frame));
        match action {
            Action::Reply(reply) => {
                if let Some(frame) = sent {
                    self.record_refused(frame, &reply);
                }
                self.send_value(&reply)
            }
            Action::Typing { id, channel } => {
                let known = self.shared.update(|st| {
                    let known = st.directory.has_conversation(&channel);
                    if known {
                        st.typing.push(channel);
                    }
                    known
                });
                if !known {
                    self.send_value(&rtm::channel_not_found(id));
                }
            }
            Action::Message {
                id,
                channel,
                text,
                thread_ts,
            } => {
                let frame = sent.unwrap_or_default();
                let verdict = self.rate.admit(Instant::now());
                if verdict == message_rate::Verdict::Accept {
                    return self.chat_message(id, &channel, &text, thread_ts, frame);
                }
                let reply = rtm::error_reply(Some(id), codes::RATE_LIMITED, "rate_limited");
                self.record_refused(frame, &reply);
                self.send_value(&reply);
                if verdict == message_rate::Verdict::Disconnect {
                    log::debug!("fake slack: a client kept sending over the rate limit");
                    self.start_close(CloseCode::Policy);
                }
            }
            Action::PresenceSub(ids) => {
                let new: Vec<String> = ids
                    .iter()
                    .filter(|id| !self.subscriptions.contains(id))
                    .cloned()
                    .collect();
                self.shared
                    .update(|st| st.presence_subscriptions = ids.clone());
                self.subscriptions = ids;
                self.report_presence(new);
            }
            Action::PresenceQuery(ids) => self.report_presence(ids),
        }
    }

    /// Records a `message` frame that was refused with `reply` (an error reply or event).
    fn record_refused(&self, frame: Value, reply: &Value) {
        let field = |k: &str| frame[k].as_str().unwrap_or_default().to_owned();
        let outcome = Outcome::Refused {
            code: reply["error"]["code"].as_i64(),
            error: reply["error"]["msg"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        let message = BotMessage {
            channel: field("channel"),
            text: field("text"),
            thread_ts: frame["thread_ts"].as_str().map(str::to_owned),
            via: Via::Rtm,
            outcome,
            raw: frame,
        };
        self.shared.record_bot_message(message);
    }

    /// A valid chat message: refused if its conversation is unknown or the bot is not a
    /// member of it, else replied to under the ack policy, recorded, and echoed to every
    /// session.
    fn chat_message(
        &mut self,
        id: u64,
        channel: &str,
        text: &str,
        thread_ts: Option<String>,
        frame: Value,
    ) {
        let (known, member, policy) = {
            let st = self.shared.state.lock();
            (
                st.directory.has_conversation(channel),
                st.directory.bot_is_member(channel),
                st.ack_policy.clone(),
            )
        };
        let refusal = match &policy {
            _ if !known => Some(rtm::channel_not_found(id)),
            _ if !member => Some(rtm::not_in_channel(id)),
            AckPolicy::Error { code, msg } => Some(rtm::error_reply(Some(id), *code, msg)),
            _ => None,
        };
        if let Some(reply) = refusal {
            self.record_refused(frame, &reply);
            return self.send_value(&reply);
        }
        let ts = self.shared.ts.next();
        let canonical = rtm::canonical_text(text);
        let ack = Utf8Bytes::from(rtm::ack(id, &ts, &canonical).to_string());
        let outcome = match policy {
            AckPolicy::Drop => Outcome::Unacknowledged { ts: ts.clone() },
            _ => Outcome::Acknowledged { ts: ts.clone() },
        };
        self.shared.record_bot_message(BotMessage {
            channel: channel.to_owned(),
            text: text.to_owned(),
            thread_ts: thread_ts.clone(),
            via: Via::Rtm,
            outcome,
            raw: frame,
        });
        // Recorded (history, echo) before the ack can reach the client, so a client that
        // has its reply can at once edit the message or reply in its thread.
        let settings = &self.shared.settings;
        let mut event = json!({
            "type": "message",
            "channel": channel,
            "user": settings.identity.bot_id,
            "text": canonical,
            "ts": ts,
            "team": settings.identity.team_id,
        });
        if let Some(thread_ts) = thread_ts {
            event["thread_ts"] = json!(thread_ts);
        }
        posting::post(&self.shared, &event, settings.echo_own_messages);
        if policy == AckPolicy::NextConnection {
            self.shared.state.lock().carried_acks.push(ack);
        } else {
            for ack in self.acks.submit(&policy, ack, Instant::now()) {
                self.send_text(ack);
            }
        }
    }

    /// `presence_change` events for the known users among `ids`.
    fn report_presence(&mut self, ids: Vec<String>) {
        let known: Vec<(String, String)> = {
            let st = self.shared.state.lock();
            ids.into_iter()
                .filter_map(|id| {
                    let presence = st.directory.presence(&id)?.to_owned();
                    Some((id, presence))
                })
                .collect()
        };
        self.send_presence(known);
    }

    /// One event per user, or (batch-presence-aware sessions) one per presence value.
    fn send_presence(&mut self, users: Vec<(String, String)>) {
        if !self.batch_presence_aware {
            for (user, presence) in users {
                let event = json!({"type": "presence_change", "user": user, "presence": presence});
                self.send_value(&event);
            }
            return;
        }
        let mut by_presence: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (user, presence) in users {
            by_presence.entry(presence).or_default().push(user);
        }
        for (presence, users) in by_presence {
            let event = json!({"type": "presence_change", "users": users, "presence": presence});
            self.send_value(&event);
        }
    }

    fn send_value(&mut self, v: &Value) {
        self.send_text(Utf8Bytes::from(v.to_string()));
    }

    fn send_text(&mut self, text: Utf8Bytes) {
        self.send(Message::Text(text));
    }

    /// Queues a frame (nothing once a close frame has gone either way).
    fn send(&mut self, msg: Message) {
        if self.ws.can_write() {
            let result = self.ws.write(msg);
            self.queued(result);
        }
    }

    /// Notes the outcome of queueing a frame: `WouldBlock` means it waits in the buffer;
    /// other errors surface again on the next read or flush, which ends the session.
    fn queued(&mut self, result: tungstenite::Result<()>) {
        match result {
            Ok(()) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                self.want_write = true;
            }
            Err(e) => log::debug!("fake slack: session write failed: {e}"),
        }
    }
}
