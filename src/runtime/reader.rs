//! The reader thread: it connects (`rtm.connect` + websocket), reads every frame, routes
//! replies to their senders and events to the event stream, and reconnects per the retry
//! policy. It is the only producer of lifecycle events, so they arrive in order.

use std::cell::Cell;
use std::os::fd::AsFd;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use serde_json::Value;
use tungstenite::Message;

use crate::error::{Error, NoReplyCause, TimeoutKind};
use crate::events::event::{ConnectInfo, Event, SlackEvent};
use crate::net::cancel::Cancel;
use crate::net::dial::dial;
use crate::net::poll::{self, Interest, Readiness, Woke};
use crate::net::waker::Waker;
use crate::net::websocket::{Connection, Drain};
use crate::protocol::backoff::{random_seed, Backoff};
use crate::protocol::lifecycle::State;
use crate::rtm::frame::{classify, Frame};
use crate::runtime::backlog::SlowConsumerPolicy;
use crate::runtime::keepalive::Signal;
use crate::runtime::shared::Shared;

/// Most messages read under one hold of the socket lock.
const BATCH: usize = 256;

/// Why a connection ended.
enum End {
    /// The app asked to disconnect.
    Stopped,
    /// Slack said `goodbye`: reconnect at once.
    Goodbye,
    /// The connection failed.
    Lost(Error),
}

/// Deadlines the reader keeps for one connection.
#[derive(Default)]
struct Timers {
    /// When `hello` came; `None` until then.
    ready_at: Option<Instant>,
    /// When sends from the previous connection stop waiting for their replies.
    ack_deadline: Option<Instant>,
    /// When to send queued frames (now, or when the rate limit allows).
    outbox_at: Option<Instant>,
}

/// The reader thread's state.
pub(crate) struct Reader {
    pub(crate) shared: Arc<Shared>,
    pub(crate) events: Sender<Event>,
    pub(crate) keepalive: Sender<Signal>,
    pub(crate) stop: Arc<Waker>,
    pub(crate) session: u64,
    /// Slack events dropped since the last `EventsDropped` report.
    pub(crate) dropped: Cell<u64>,
}

impl Reader {
    /// Runs the session to its end; the last event sent is `Disconnected`.
    pub(crate) fn run(self) {
        let mut backoff = Backoff::new(self.shared.config.retry.clone(), random_seed());
        let mut generation = 0u64;
        let final_error = loop {
            if self.stopping() {
                break None;
            }
            generation += 1;
            // Ok: the connection became ready and later ended; Err: the attempt failed.
            let attempt = self.connect(generation).and_then(|conn| {
                let (end, ready_at) = self.read(&conn);
                let _ = self.keepalive.send(Signal::Down);
                self.shared.set_connection(None);
                if matches!(end, End::Stopped) {
                    conn.close();
                } else {
                    conn.retire();
                }
                match (end, ready_at) {
                    // No hello (a timeout, or Slack's `error` event instead): a failed attempt.
                    (End::Lost(e), None) => Err(e),
                    (end, ready_at) => Ok((end, ready_at)),
                }
            });
            let delay = match attempt {
                Ok((End::Stopped, _)) => break None,
                Err(e) => {
                    if self.stopping() {
                        break None;
                    }
                    log::warn!("connection attempt failed: {e}");
                    self.emit(Event::UnableToStart(e.clone()));
                    if e.is_fatal() || !self.shared.config.auto_reconnect {
                        break Some(e);
                    }
                    let floor = match &e {
                        Error::RateLimited { retry_after, .. } => Some(*retry_after),
                        _ => None,
                    };
                    match backoff.after_failure(floor) {
                        Some(delay) => delay,
                        None => break Some(e),
                    }
                }
                Ok((end, ready_at)) => {
                    let requested = self
                        .shared
                        .reconnect_requested
                        .swap(false, Ordering::SeqCst);
                    let error = match end {
                        End::Lost(_) if requested => {
                            log::info!("reconnecting as requested");
                            None
                        }
                        End::Lost(e) => Some(e),
                        End::Goodbye | End::Stopped => None,
                    };
                    if !self.shared.config.auto_reconnect {
                        break Some(error.unwrap_or_else(|| {
                            Error::Websocket(crate::error::WebsocketError::new(
                                "Slack said goodbye and auto_reconnect is off",
                            ))
                        }));
                    }
                    self.shared
                        .counters
                        .reconnects
                        .fetch_add(1, Ordering::Relaxed);
                    match (error, ready_at) {
                        (Some(e), _) if e.is_fatal() => break Some(e),
                        (Some(e), Some(at)) => {
                            log::warn!("connection lost: {e}; reconnecting");
                            backoff.after_connection(at.elapsed())
                        }
                        (Some(e), None) => {
                            log::warn!("connection lost: {e}; reconnecting");
                            backoff
                                .after_failure(None)
                                .unwrap_or(self.shared.config.retry.max_backoff)
                        }
                        (None, _) => {
                            log::info!("reconnecting now (goodbye or requested)");
                            Duration::ZERO
                        }
                    }
                }
            };
            self.shared
                .enter(State::Reconnecting, Event::Reconnecting, &self.events);
            if !self.pause(delay) {
                break None;
            }
        };
        self.finish(final_error);
    }

    fn stopping(&self) -> bool {
        poll::wait(
            self.stop.as_fd(),
            Interest::Read,
            None,
            Some(Instant::now()),
        )
        .map(|r| r == Readiness::Ready)
        .unwrap_or(true)
    }

    /// Sleeps `delay` unless asked to stop; false when stopping.
    fn pause(&self, delay: Duration) -> bool {
        if delay.is_zero() {
            return !self.stopping();
        }
        log::debug!("next connection attempt in {delay:?}");
        let nudge = &self.shared.nudge;
        nudge.drain();
        let woke = poll::wait(
            nudge.as_fd(),
            Interest::Read,
            Some(self.stop.as_fd()),
            Some(Instant::now() + delay),
        );
        // Ready: a requested reconnect cut the pause short.
        matches!(woke, Ok(Readiness::TimedOut | Readiness::Ready))
    }

    fn emit(&self, event: Event) {
        let _ = self.events.send(event);
    }

    /// Queues a Slack event within `event_queue_capacity`, per the slow-consumer policy.
    /// False when the client is stopping.
    fn deliver(&self, event: SlackEvent) -> bool {
        let shared = &self.shared;
        if self.events.len() >= shared.backlog.capacity {
            match shared.config.slow_consumer {
                SlowConsumerPolicy::Backpressure => {
                    if !self.wait_for_room() {
                        return false;
                    }
                }
                _ => {
                    self.dropped.set(self.dropped.get() + 1);
                    shared
                        .counters
                        .events_dropped
                        .fetch_add(1, Ordering::Relaxed);
                    return true;
                }
            }
        }
        let dropped = self.dropped.replace(0);
        if dropped > 0 {
            log::warn!("the consumer fell behind: {dropped} events were dropped");
            self.emit(Event::EventsDropped(dropped));
        }
        self.emit(Event::Slack(event));
        true
    }

    /// Waits until the consumer has made room, without reading the socket. False when
    /// the client is stopping.
    fn wait_for_room(&self) -> bool {
        let backlog = &self.shared.backlog;
        log::debug!(
            "the consumer is {} events behind: pausing reads",
            backlog.capacity
        );
        self.shared.backpressured.store(true, Ordering::SeqCst);
        backlog.reader_waiting.store(true, Ordering::SeqCst);
        let room = loop {
            if self.events.len() < backlog.capacity {
                break true;
            }
            match poll::wait(
                backlog.space.as_fd(),
                Interest::Read,
                Some(self.stop.as_fd()),
                None,
            ) {
                Ok(Readiness::Ready) => backlog.space.drain(),
                Ok(Readiness::TimedOut) => {}
                Ok(Readiness::Woken) | Err(_) => break false,
            }
        };
        backlog.reader_waiting.store(false, Ordering::SeqCst);
        self.shared.backpressured.store(false, Ordering::SeqCst);
        self.shared.touch_rx();
        room
    }

    /// One attempt: `rtm.connect` (or `rtm.start`), then the websocket.
    fn connect(&self, generation: u64) -> Result<Arc<Connection>, Error> {
        let shared = &self.shared;
        shared.enter(State::Connecting, Event::Connecting, &self.events);
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
        let cancel = Cancel::from_waker(self.stop.clone());
        let body = shared.web.call_cancellable(method, &params, &cancel)?;
        let (info, url) = ConnectInfo::from_response(body)?;
        log::info!(
            "{method} succeeded: {} ({}) in {} ({})",
            info.self_name,
            info.self_id,
            info.team_name,
            info.team_id
        );
        if let Some(cache) = &shared.cache {
            cache.seed(info.raw());
        }
        shared.enter(
            State::Authenticated,
            Event::Authenticated(Arc::new(info)),
            &self.events,
        );
        let conn = Arc::new(dial(&url, config, || shared.tls(), generation, &cancel)?);
        drop(url);
        shared.touch_rx();
        shared.set_connection(Some(conn.clone()));
        shared.enter(State::Connected, Event::Connected, &self.events);
        Ok(conn)
    }

    /// Reads until the connection ends. Returns why, and when it became ready.
    fn read(&self, conn: &Arc<Connection>) -> (End, Option<Instant>) {
        let shared = &self.shared;
        let hello_deadline = Instant::now() + shared.config.hello_timeout;
        let mut timers = Timers::default();
        let mut batch: Vec<Message> = Vec::with_capacity(BATCH);
        loop {
            let drained = match conn.drain(&mut batch, BATCH) {
                Ok(d) => d,
                Err(e) => {
                    // Deliver what was read before the failure.
                    let end = self.process(conn, &mut batch, &mut timers);
                    return (end.unwrap_or(End::Lost(e)), timers.ready_at);
                }
            };
            if !batch.is_empty() {
                shared.touch_rx();
                if let Some(end) = self.process(conn, &mut batch, &mut timers) {
                    return (end, timers.ready_at);
                }
            }
            if drained == Drain::More {
                continue;
            }
            let now = Instant::now();
            if timers.outbox_at.is_some_and(|t| t <= now) {
                timers.outbox_at = shared.flush_outbox();
            }
            if timers.ack_deadline.is_some_and(|t| t <= now) {
                timers.ack_deadline = None;
                let n = shared
                    .waiters
                    .fail_before(conn.generation, NoReplyCause::ConnectionLost);
                if n > 0 {
                    log::debug!("{n} sends from the previous connection got no reply");
                }
            }
            let deadline = [
                timers.ready_at.is_none().then_some(hello_deadline),
                timers.ack_deadline,
                timers.outbox_at,
            ]
            .into_iter()
            .flatten()
            .min();
            let wakers = [self.stop.as_fd(), shared.outbox_waker.as_fd()];
            match conn.wait_readable(&wakers, deadline) {
                Ok(Woke::Socket) => {}
                Ok(Woke::Waker(0)) => return (End::Stopped, timers.ready_at),
                Ok(Woke::Waker(_)) => timers.outbox_at = Some(Instant::now()),
                Ok(Woke::Deadline) => {
                    if timers.ready_at.is_none() && Instant::now() >= hello_deadline {
                        return (End::Lost(Error::Timeout(TimeoutKind::Hello)), None);
                    }
                }
                Err(e) => return (End::Lost(e), timers.ready_at),
            }
        }
    }

    /// Routes a batch of messages. Returns `Some` when the connection must end.
    fn process(
        &self,
        conn: &Arc<Connection>,
        batch: &mut Vec<Message>,
        timers: &mut Timers,
    ) -> Option<End> {
        let shared = &self.shared;
        let mut events = 0u64;
        let mut end = None;
        for message in batch.drain(..) {
            if end.is_some() {
                continue;
            }
            let text = match message {
                Message::Text(t) => t,
                Message::Binary(b) => {
                    shared
                        .counters
                        .malformed_frames
                        .fetch_add(1, Ordering::Relaxed);
                    self.emit(Event::Error(Error::Protocol(format!(
                        "a binary frame of {} bytes (RTM frames are JSON text)",
                        b.len()
                    ))));
                    continue;
                }
                Message::Close(_) => {
                    end = Some(End::Lost(Error::Websocket(
                        crate::error::WebsocketError::new("the server closed the connection"),
                    )));
                    continue;
                }
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
            };
            match classify(text) {
                Frame::Event(event) => {
                    match event.kind() {
                        "hello" if timers.ready_at.is_none() => {
                            timers.ready_at = Some(Instant::now());
                            shared.reconnect_requested.store(false, Ordering::SeqCst);
                            shared.enter(State::Ready, Event::Ready, &self.events);
                            let _ = self.keepalive.send(Signal::Up(conn.clone()));
                            if shared.waiters.len() > 0 {
                                timers.ack_deadline = Some(
                                    Instant::now() + shared.config.reply_ack_on_reconnect_timeout,
                                );
                            }
                            // Queued frames go out once this batch is routed.
                            timers.outbox_at = Some(Instant::now());
                        }
                        "goodbye" => end = Some(End::Goodbye),
                        "error" if timers.ready_at.is_none() => {
                            end = Some(End::Lost(server_error(event.raw())));
                        }
                        _ => {}
                    }
                    if let Some(cache) = &shared.cache {
                        if cache.wants(event.kind()) {
                            cache.observe(&event);
                        }
                    }
                    events += 1;
                    if !self.deliver(event) {
                        end = Some(End::Stopped);
                    }
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
                    if shared.waiters.resolve(id, outcome) {
                        counter.fetch_add(1, Ordering::Relaxed);
                    } else {
                        shared.counters.late_replies.fetch_add(1, Ordering::Relaxed);
                        log::debug!(
                            "reply to frame {id} came after its sender stopped waiting; dropped"
                        );
                    }
                }
                Frame::Pong { reply_to } => {
                    if let Some(id) = reply_to {
                        let _ = self.keepalive.send(Signal::Pong(id));
                    }
                }
                Frame::Malformed(why) => {
                    shared
                        .counters
                        .malformed_frames
                        .fetch_add(1, Ordering::Relaxed);
                    log::debug!("malformed frame: {why}");
                    self.emit(Event::Error(Error::Protocol(why)));
                }
            }
        }
        shared
            .counters
            .events_received
            .fetch_add(events, Ordering::Relaxed);
        end
    }

    /// The end of the session: fail what waits, then `disconnected`.
    fn finish(self, error: Option<Error>) {
        let shared = &self.shared;
        if error.is_none() {
            shared.enter(State::Disconnecting, Event::Disconnecting, &self.events);
        }
        if let Some(conn) = shared.connection() {
            conn.close();
            shared.set_connection(None);
        }
        shared.waiters.fail_all(NoReplyCause::Disconnected);
        shared.fail_outbox(&error.clone().unwrap_or(Error::SendWhileDisconnected));
        match &error {
            Some(e) => log::warn!("disconnected: {e}"),
            None => log::info!("disconnected"),
        }
        shared.end_session(self.session, error.clone());
        self.emit(Event::Disconnected(error));
    }
}

/// The `error` event Slack sends instead of `hello` (e.g. code 1, "Socket URL has expired").
fn server_error(raw: &str) -> Error {
    let v: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
    let err = v.get("error");
    Error::Server {
        code: err
            .and_then(|e| e.get("code"))
            .and_then(Value::as_i64)
            .unwrap_or(0),
        msg: err
            .and_then(|e| e.get("msg"))
            .and_then(Value::as_str)
            .unwrap_or("unknown error")
            .to_string(),
    }
}
