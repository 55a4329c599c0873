//! One Socket Mode websocket session: the upgrade (scripted refusals, the single-use
//! ticket, the connection limit), `hello`, then a loop that writes envelopes and control
//! frames, reads acks, pings the client, and carries out faults.

use std::io;
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use serde_json::json;
use tungstenite::handshake::server::{Callback, ErrorResponse, Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tungstenite::{Message, WebSocket};

use super::blast::BlastJob;
use super::frame_tap::FrameTap;
use super::server::{Command, Server, SessionEntry, TicketCheck, MAX_SOCKETS};
use crate::fake::shared::Shared;
use crate::fake::upgrade::{handshake_stream, refusal, session_mode};
use crate::net::poll::{wait, wait_any, Interest};
use crate::net::waker::Waker;

/// After the server sends a close frame, how long it waits for the client's.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long after `too_many_websockets` the server closes the socket itself.
const TOO_MANY_CLOSE_AFTER: Duration = Duration::from_secs(1);
/// The largest client frame read (acks over 20 KB are read, recorded and ignored).
const MAX_CLIENT_MESSAGE: usize = 1 << 20;

/// Serves one connection to the Socket Mode listener.
pub(crate) fn serve(shared: &Arc<Shared>, tcp: TcpStream) {
    let Some(server) = shared.socket_mode.get().cloned() else {
        return;
    };
    let Some(stream) = handshake_stream(shared, tcp, "socket mode") else {
        return;
    };
    // tungstenite zero-fills the free part of its read buffer on every read: 16 KiB (as
    // the client's) instead of the default 128 KiB keeps reading one small ack cheap.
    let config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .max_message_size(Some(MAX_CLIENT_MESSAGE))
        .max_frame_size(Some(MAX_CLIENT_MESSAGE));
    let mut valid = false;
    let check = UpgradeCheck {
        server: &server,
        valid: &mut valid,
    };
    let mut ws =
        match tungstenite::accept_hdr_with_config(FrameTap::new(stream), check, Some(config)) {
            Ok(ws) => ws,
            Err(e) => {
                log::debug!("fake slack: socket mode upgrade refused or failed: {e}");
                return;
            }
        };
    if !valid {
        return;
    }
    ws.get_mut().start_counting();
    if !session_mode(ws.get_ref().tcp(), "socket mode") {
        return;
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    let Ok(waker) = Waker::new().map(Arc::new) else {
        return;
    };
    let id = shared.next_id();
    // Registered before hello, so num_connections counts this socket.
    let (held, greet, over_limit) = {
        let mut sessions = server.sessions.lock();
        sessions.insert(id, SessionEntry::new(tx, waker.clone()));
        server.update(|st| {
            st.sessions_opened += 1;
            st.open_sessions += 1;
            st.max_open_sessions = st.max_open_sessions.max(st.open_sessions);
            let greet = st.suppress_hello == 0;
            st.suppress_hello = st.suppress_hello.saturating_sub(1);
            let held = sessions.len() + st.ghosts;
            let over = held > MAX_SOCKETS;
            if over {
                st.too_many_refusals += 1;
            }
            (held, greet, over)
        })
    };
    let mut session = Session {
        shared: shared.clone(),
        server: server.clone(),
        id,
        ws,
        rx,
        waker,
        want_write: false,
        close_at: None,
        close_deadline: None,
        next_ping: None,
        blast: None,
    };
    log::debug!("fake slack: socket mode session {id} opened ({held} held)");
    session.schedule_ping(Instant::now());
    let ended = (|| {
        if greet {
            // Marked greeted first: envelopes dispatched now wait in the session's queue,
            // which it reads only after hello is written, so a client that has seen hello
            // can be sent envelopes at once.
            if !over_limit {
                server.greeted(id);
            }
            let app_id = server.state.lock().app_id.clone();
            session.send_json(&json!({
                "type": "hello",
                "num_connections": held,
                "debug_info": {"host": format!("fake-applink-{id}"), "build_number": 1,
                               "approximate_connection_time": 18060},
                "connection_info": {"app_id": app_id},
            }))?;
            if over_limit {
                session.send_json(
                    &json!({"type": "disconnect", "reason": "too_many_websockets",
                                          "debug_info": {"host": format!("fake-applink-{id}")}}),
                )?;
                session.close_at = Some(Instant::now() + TOO_MANY_CLOSE_AFTER);
            }
        }
        session.run()
    })();
    if let Err(e) = ended {
        log::debug!("fake slack: socket mode session {id} ended: {e}");
    }
    session.publish_blast();
    server.sessions.lock().remove(&id);
    server.update(|st| st.open_sessions -= 1);
    // Envelopes queued for a session that has gone find another one.
    server.dispatch();
}

struct UpgradeCheck<'a> {
    server: &'a Server,
    valid: &'a mut bool,
}

impl Callback for UpgradeCheck<'_> {
    fn on_request(self, req: &Request, resp: Response) -> Result<Response, ErrorResponse> {
        let mut st = self.server.state.lock();
        if st.fail_upgrades.0 > 0 {
            st.fail_upgrades.0 -= 1;
            return Err(refusal(st.fail_upgrades.1));
        }
        if req.uri().path() != "/link/" {
            return Err(refusal(404));
        }
        let ticket = req
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .find_map(|kv| kv.strip_prefix("ticket="));
        match ticket.map(|t| st.redeem(t)) {
            Some(TicketCheck::Valid) => {
                *self.valid = true;
                Ok(resp)
            }
            Some(TicketCheck::Stale) => {
                st.stale_url_upgrades += 1;
                drop(st);
                self.server.changed.notify_all();
                Err(refusal(401))
            }
            None | Some(TicketCheck::Unknown) => Err(refusal(404)),
        }
    }
}

struct Session {
    shared: Arc<Shared>,
    server: Arc<Server>,
    id: u64,
    ws: WebSocket<FrameTap>,
    rx: Receiver<Command>,
    waker: Arc<Waker>,
    want_write: bool,
    /// When to close after a `disconnect`.
    close_at: Option<Instant>,
    /// After our close frame: when to stop waiting for the client's.
    close_deadline: Option<Instant>,
    next_ping: Option<Instant>,
    blast: Option<BlastJob>,
}

type Step = Result<(), String>;

impl Session {
    fn run(&mut self) -> Step {
        loop {
            if self.shared.is_shutting_down() {
                return Ok(());
            }
            self.waker.drain();
            // While a blast is being written, commands wait (no frame may land inside a
            // partly written one).
            let writing = self.blast.as_ref().is_some_and(|b| !b.written_all());
            if !writing {
                while let Ok(cmd) = self.rx.try_recv() {
                    self.command(cmd)?;
                }
            }
            if self.blast.is_some() {
                self.blast_step()?;
            }
            let now = Instant::now();
            if self.close_at.is_some_and(|t| t <= now) {
                self.close_at = None;
                self.start_close(CloseCode::Normal)?;
            }
            if self.close_deadline.is_some_and(|t| t <= now) {
                return Ok(());
            }
            if self.next_ping.is_some_and(|t| t <= now) {
                self.write(Message::Ping(b"fake-slack".to_vec().into()))?;
                self.schedule_ping(now);
                self.flush()?;
            }
            self.read_all()?;
            self.flush()?;
            let deadline = [self.close_at, self.close_deadline, self.next_ping]
                .into_iter()
                .flatten()
                .min();
            let fd = self.ws.get_ref().as_fd();
            let blasting = self.blast.as_ref().is_some_and(|b| !b.written_all());
            if self.want_write || blasting {
                // Writable, or an ack to read (the socket as a second, readable fd).
                wait_any(fd, Interest::Write, &[self.waker.as_fd(), fd], deadline)
                    .map_err(|e| e.to_string())?;
            } else {
                wait(fd, Interest::Read, Some(self.waker.as_fd()), deadline)
                    .map_err(|e| e.to_string())?;
            }
        }
    }

    fn schedule_ping(&mut self, now: Instant) {
        self.next_ping = self
            .server
            .state
            .lock()
            .ping_interval
            .map(|i| crate::protocol::deadline::after(now, i));
    }

    fn command(&mut self, cmd: Command) -> Step {
        match cmd {
            Command::Text(text) => {
                self.write(Message::Text(text))?;
                self.flush()
            }
            Command::Disconnect(reason) => {
                self.send_json(&json!({"type": "disconnect", "reason": reason,
                                       "debug_info": {"host": format!("fake-applink-{}", self.id)}}))?;
                if let Some(s) = self.server.sessions.lock().get_mut(&self.id) {
                    s.draining = true;
                }
                let after = self.server.state.lock().disconnect_close_after;
                self.close_at
                    .get_or_insert(crate::protocol::deadline::after(Instant::now(), after));
                Ok(())
            }
            Command::Close => self.start_close(CloseCode::Normal),
            Command::Drop => {
                let _ = self.ws.get_ref().tcp().shutdown(Shutdown::Both);
                Err("dropped by the script".into())
            }
            Command::Silent => self.run_silent(),
            Command::Blast(n) => {
                let (team, bot) = {
                    let id = &self.shared.settings.identity;
                    (id.team_id.clone(), id.bot_id.clone())
                };
                let app = self.server.state.lock().app_id.clone();
                self.server.update(|st| st.blast_report = None);
                self.blast = Some(BlastJob::new(n, &team, &bot, &app));
                Ok(())
            }
            Command::FinishBlast => {
                self.publish_blast();
                Ok(())
            }
        }
    }

    /// Writes as much of the blast as the socket takes, raw (tungstenite's own buffer is
    /// flushed first).
    fn blast_step(&mut self) -> Step {
        if self
            .blast
            .as_ref()
            .is_some_and(|b| b.acked_all() && b.written_all())
        {
            self.publish_blast();
            return Ok(());
        }
        self.flush()?;
        if self.want_write {
            return Ok(());
        }
        let Some(job) = self.blast.as_mut() else {
            return Ok(());
        };
        loop {
            let pending = job.pending();
            if pending.is_empty() {
                return Ok(());
            }
            match std::io::Write::write(self.ws.get_mut(), pending) {
                Ok(0) => return Err("the socket took nothing".into()),
                Ok(n) => job.advance(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    fn publish_blast(&mut self) {
        if let Some(job) = self.blast.take() {
            let report = job.report();
            self.server.update(|st| st.blast_report = Some(report));
        }
    }

    /// Half-open: neither reads nor writes until dropped or shut down.
    fn run_silent(&mut self) -> Step {
        loop {
            if self.shared.is_shutting_down() {
                return Ok(());
            }
            self.waker.drain();
            while let Ok(cmd) = self.rx.try_recv() {
                if let Command::Drop = cmd {
                    let _ = self.ws.get_ref().tcp().shutdown(Shutdown::Both);
                    return Err("dropped by the script".into());
                }
            }
            wait(
                self.waker.as_fd(),
                Interest::Read,
                Some(self.shared.shutdown_waker.as_fd()),
                None,
            )
            .map_err(|e| e.to_string())?;
        }
    }

    fn start_close(&mut self, code: CloseCode) -> Step {
        if self.close_deadline.is_some() {
            return Ok(());
        }
        self.close_deadline = Some(Instant::now() + CLOSE_TIMEOUT);
        match self.ws.close(Some(CloseFrame {
            code,
            reason: "".into(),
        })) {
            Ok(()) | Err(tungstenite::Error::ConnectionClosed) => {}
            Err(e) => return Err(e.to_string()),
        }
        self.flush()
    }

    fn send_json(&mut self, v: &serde_json::Value) -> Step {
        self.write(Message::text(v.to_string()))?;
        self.flush()
    }

    fn read_all(&mut self) -> Step {
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => {
                    // Slack takes an ack only as one unfragmented text frame.
                    let frames = self.ws.get_mut().frames.take_message().unwrap_or(1);
                    let blasted = self.blast.as_mut().is_some_and(|b| b.take_ack(&t, frames));
                    if !blasted {
                        self.server.client_text(self.id, &t, frames);
                    } else if self
                        .blast
                        .as_ref()
                        .is_some_and(|b| b.acked_all() && b.written_all())
                    {
                        self.publish_blast();
                    }
                }
                Ok(Message::Binary(b)) => {
                    self.ws.get_mut().frames.take_message();
                    self.server.update(|st| {
                        st.unexpected
                            .push(format!("a binary frame of {} bytes", b.len()))
                    })
                }
                Ok(Message::Ping(_)) => self.server.update(|st| st.client_pings += 1),
                Ok(Message::Pong(_) | Message::Frame(_)) => {}
                Ok(Message::Close(_)) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                    return Ok(())
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    /// Queues a frame (tungstenite keeps it when the socket would block).
    fn write(&mut self, msg: Message) -> Step {
        match self.ws.write(msg) {
            Ok(()) => Ok(()),
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                self.want_write = true;
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    fn flush(&mut self) -> Step {
        match self.ws.flush() {
            Ok(()) => {
                self.want_write = false;
                Ok(())
            }
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                self.want_write = true;
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    }
}
