//! The reader thread: it runs a session for a [`Protocol`] — connect call, dial, read every
//! frame of every open link, deliver, reconnect — carrying out what the protocol and the
//! pure core ([`ReconnectPolicy`], [`LinkState`], [`Admission`](crate::protocol::admission))
//! decide. It is the only producer of lifecycle items, so they arrive in order.

use std::os::fd::{AsFd, BorrowedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use tungstenite::Message;

use crate::error::{Error, TimeoutKind, WebsocketError};
use crate::net::poll::{self, Interest, Readiness};
use crate::net::waker::Waker;
use crate::net::websocket::{Connection, Drain};
use crate::protocol::admission::Class;
use crate::protocol::backoff::random_seed;
use crate::protocol::deadline::{after, earliest};
use crate::protocol::lifecycle::State;
use crate::protocol::link_state::LinkState;
use crate::protocol::reconnect::{Decision, Ending, ReconnectPolicy};
use crate::runtime::delivery::{Delivery, Offer};
use crate::runtime::engine::{thread_died, Engine, EngineSettings};
use crate::runtime::keepalive::Signal;
use crate::runtime::links::{Link, Links};
use crate::runtime::seam::{Action, Change, Protocol, Replace};
use crate::runtime::session::Signals;
use crate::runtime::status::Status;
use crate::runtime::transport::Transport;
use crate::stats::Counters;

/// How often a reader with no link re-checks a disconnect in its grace (it wakes at once
/// on the stop that ends it).
const DISCONNECTING_RECHECK: Duration = Duration::from_secs(1);

/// Most messages read from one link under one hold of its lock.
const BATCH: usize = 256;

/// Puts `fd` at `fds[*len]` (dropped past the end: the poll covers at most
/// [`poll::MAX_FDS`]) and returns its index.
fn push<'a>(fds: &mut [BorrowedFd<'a>], len: &mut usize, fd: BorrowedFd<'a>) -> usize {
    let at = *len;
    if let Some(slot) = fds.get_mut(at) {
        *slot = fd;
        *len += 1;
    }
    at
}

/// Why a link ended.
enum End {
    /// The app asked to disconnect (or the session was stopped).
    Stopped,
    /// The connection failed or was closed.
    Closed(Error),
    /// The server refused the link before `hello`.
    Failed(Error),
    /// The server asked the link to go.
    Replace(Replace),
    /// The protocol ended the session.
    Stop(Error),
}

/// A link being read, with its phase.
struct Live {
    link: Arc<Link>,
    state: LinkState,
}

/// What a background dial hands back: the connect call's announcement and the open link.
type Dialed<I> = Result<(Option<I>, Connection), Error>;

/// A dial running on the helper thread.
struct Dialing<I> {
    /// The outcome, and when the connect call was answered (for the attempt budget).
    result: Receiver<(Dialed<I>, Instant)>,
    done: Arc<Waker>,
    thread: JoinHandle<()>,
}

/// The reader thread's state.
pub(crate) struct Reader<P: Protocol> {
    protocol: Arc<P>,
    settings: Arc<EngineSettings>,
    transport: Arc<Transport>,
    status: Arc<Status>,
    links: Arc<Links>,
    counters: Arc<Counters>,
    signals: Arc<Signals>,
    keepalive: Sender<Signal>,
    delivery: Delivery<P::Item>,
    session: u64,
    policy: ReconnectPolicy,
    live: Vec<Live>,
    /// A link being dialed on the helper thread while other links keep delivering.
    dial: Option<Dialing<P::Item>>,
    /// When to start the next background dial (a refresh, or filling the pool).
    dial_at: Option<Instant>,
    generation: u64,
    actions: Vec<Action<P::Item>>,
    batch: Vec<Message>,
}

impl<P: Protocol> Reader<P> {
    pub(crate) fn new(
        engine: &Engine<P>,
        items: Sender<P::Item>,
        keepalive: Sender<Signal>,
        signals: Arc<Signals>,
        session: u64,
    ) -> Self {
        let settings = engine.settings.clone();
        Self {
            protocol: engine.protocol.clone(),
            transport: engine.transport.clone(),
            status: engine.status.clone(),
            links: engine.links.clone(),
            counters: engine.counters.clone(),
            signals,
            keepalive,
            delivery: Delivery::new(items, engine.backlog.clone(), settings.slow_consumer),
            session,
            policy: ReconnectPolicy::new(
                settings.retry.clone(),
                settings.auto_reconnect,
                random_seed(),
            ),
            settings,
            live: Vec::new(),
            dial: None,
            dial_at: None,
            generation: 0,
            actions: Vec::new(),
            batch: Vec::new(),
        }
    }

    /// Runs the session to its end; the last item delivered is `Disconnected`. A panic
    /// inside ends the session visibly, with an error.
    pub(crate) fn run(mut self) {
        let outcome = catch_unwind(AssertUnwindSafe(|| self.session_loop()));
        let error = match outcome {
            Ok(error) => error,
            Err(_) => {
                log::error!("the reader thread panicked: ending the session");
                Some(thread_died("reader"))
            }
        };
        self.finish(error);
    }

    /// Connects, reads and reconnects until the session ends; returns its final error.
    fn session_loop(&mut self) -> Option<Error> {
        let mut next_at = Instant::now();
        loop {
            if self.live.is_empty() && self.dial.is_some() {
                // The replacement being dialed is the next attempt: wait for it.
                match self.wait_for_dial() {
                    Ok(()) => {}
                    Err(End::Stop(e)) => return Some(e),
                    Err(_) => return self.signals.stop_reason(),
                }
                if self.live.is_empty() {
                    next_at = self.dial_at.take().unwrap_or_else(Instant::now);
                    continue;
                }
            } else if self.live.is_empty() {
                if !self.pause_until(next_at) {
                    return self.signals.stop_reason();
                }
                let now = Instant::now();
                self.policy.attempt_started(now);
                if let Err(e) = self.attempt() {
                    if self.stopping() {
                        return self.signals.stop_reason();
                    }
                    match self.after(Ending::AttemptFailed(e)) {
                        Ok(at) => next_at = at,
                        Err(e) => return Some(e),
                    }
                    continue;
                }
            }
            let (index, end) = self.read();
            let Live { link, state } = self.live.remove(index);
            let now = Instant::now();
            let _ = self.keepalive.send(Signal::Down(link.id()));
            self.links.remove(link.id());
            match &end {
                End::Stopped => link.close(),
                _ => link.retire(),
            }
            self.protocol.on_link_closed(&link, now);
            let uptime = state.uptime(now);
            if state.is_draining() && !matches!(end, End::Stopped | End::Stop(_)) {
                // A link being replaced is gone: its replacement is ready or on its way.
                self.counters.reconnects.fetch_add(1, Ordering::Relaxed);
                if self.live.is_empty() {
                    // It died before its replacement said hello.
                    self.status.enter(State::Reconnecting);
                    self.control(Change::Reconnecting);
                    if self.dial.is_none() {
                        next_at = self.dial_at.take().unwrap_or_else(Instant::now);
                    }
                }
                continue;
            }
            let requested = self.signals.take_reconnect_request();
            let ending = match end {
                End::Stopped => return self.signals.stop_reason(),
                End::Stop(e) => return Some(e),
                End::Closed(_) if requested => {
                    log::info!("reconnecting as requested");
                    Ending::Requested
                }
                End::Closed(error) | End::Failed(error) => match uptime {
                    None => Ending::AttemptFailed(error),
                    Some(uptime) => Ending::Lost { error, uptime },
                },
                End::Replace(Replace::Reconnect) => Ending::Goodbye {
                    uptime: uptime.unwrap_or(Duration::ZERO),
                },
                // A refresh is carried out in place (the link drains); it ends here only
                // when it was the link's last word.
                End::Replace(Replace::Refresh) => Ending::Requested,
                End::Replace(Replace::BackOff(min)) => Ending::BackOff { min },
            };
            if !self.live.is_empty() || self.dial.is_some() {
                // Other links carry on (a pool, or a replacement on its way): dial
                // another in the background when the policy allows.
                let protocol = self.protocol.clone();
                match self
                    .policy
                    .decide(Instant::now(), ending, &|e| protocol.fatal(e))
                {
                    Decision::Stop(e) => return Some(e),
                    Decision::Retry { at } => {
                        self.counters.reconnects.fetch_add(1, Ordering::Relaxed);
                        self.want_dial(at);
                    }
                }
                continue;
            }
            self.dial_at = None;
            match self.after(ending) {
                Ok(at) => next_at = at,
                Err(e) => return Some(e),
            }
        }
    }

    /// Reports how the last attempt or link ended and decides when the next attempt
    /// starts, or the error that ends the session.
    fn after(&mut self, ending: Ending) -> Result<Instant, Error> {
        let failed = matches!(ending, Ending::AttemptFailed(_));
        match &ending {
            Ending::AttemptFailed(e) => {
                log::warn!("connection attempt failed: {e}");
                self.status.note_failure(e);
                self.control(Change::AttemptFailed(e.clone()));
            }
            Ending::Lost { error, .. } => log::warn!("connection lost: {error}"),
            Ending::Goodbye { .. } => log::info!("the server said goodbye: reconnecting"),
            Ending::BackOff { min } => {
                log::warn!("the server asked the client to stay away for {min:?}")
            }
            Ending::Requested => {}
        }
        let protocol = self.protocol.clone();
        match self
            .policy
            .decide(Instant::now(), ending, &|e| protocol.fatal(e))
        {
            Decision::Stop(e) => Err(e),
            Decision::Retry { at } => {
                if !failed {
                    self.counters.reconnects.fetch_add(1, Ordering::Relaxed);
                }
                self.status.enter(State::Reconnecting);
                self.control(Change::Reconnecting);
                Ok(at)
            }
        }
    }

    /// True once the session is asked to stop.
    fn stopping(&self) -> bool {
        poll::wait(
            self.signals.stop.as_fd(),
            Interest::Read,
            None,
            Some(Instant::now()),
        )
        .map(|r| r == Readiness::Ready)
        .unwrap_or(true)
    }

    /// Waits until the attempt planned for `planned` may start, unless asked to stop
    /// (false). A requested reconnect (the nudge) cuts the backoff short but never the
    /// attempt budget: [`ReconnectPolicy::start_at`] decides, and once nudged the pause
    /// waits for the budget alone. A request made while the attempt before it was under
    /// way (no link to retire) counts too, so none is lost to the nudge being drained.
    fn pause_until(&self, planned: Instant) -> bool {
        let nudge = &self.signals.nudge;
        let stop = self.signals.stop.as_fd();
        nudge.drain();
        let mut requested = self.signals.take_reconnect_request();
        loop {
            let now = Instant::now();
            if !self.status.state().may_dial() {
                // A graceful disconnect is waiting out its grace, and its stop follows
                // (within `disconnect_grace`): no new link meanwhile.
                match poll::wait(
                    stop,
                    Interest::Read,
                    None,
                    Some(after(now, DISCONNECTING_RECHECK)),
                ) {
                    Ok(Readiness::TimedOut) => continue,
                    _ => return false,
                }
            }
            let at = self.policy.start_at(now, planned, requested);
            if at <= now {
                return !self.stopping();
            }
            log::debug!("next connection attempt in {:?}", at - now);
            let woke = if requested {
                // The nudge has said all it can: only a stop ends this wait early.
                poll::wait(stop, Interest::Read, None, Some(at))
            } else {
                poll::wait(nudge.as_fd(), Interest::Read, Some(stop), Some(at))
            };
            match woke {
                Ok(Readiness::TimedOut) => {}
                Ok(Readiness::Ready) if !requested => {
                    // This pause answers the request: the next link's end is not "requested".
                    self.signals.take_reconnect_request();
                    requested = true;
                }
                _ => return false,
            }
        }
    }

    /// One attempt: the connect call, then the websocket. The new link joins `live`.
    fn attempt(&mut self) -> Result<(), Error> {
        self.status.enter(State::Connecting);
        self.control(Change::Connecting);
        let cancel = self.signals.cancel();
        let opened = self.protocol.open(&cancel);
        // The latest moment the server can have seen this attempt's connect call.
        self.policy.attempt_settled(Instant::now());
        let opened = opened?;
        if let Some(item) = opened.announce {
            self.status.enter(State::Authenticated);
            self.deliver(Class::Control, item);
        }
        self.generation += 1;
        let conn = self
            .transport
            .dial(opened.url.expose(), self.generation, &cancel)?;
        drop(opened.url);
        self.join(conn);
        Ok(())
    }

    /// A newly dialed connection joins the live links, awaiting its hello.
    fn join(&mut self, conn: Connection) {
        let now = Instant::now();
        let link = Arc::new(Link::new(conn, now));
        link.touch(now);
        self.links.insert(link.clone());
        let id = link.id();
        self.live.push(Live {
            link,
            state: LinkState::opened(now, self.settings.hello_timeout),
        });
        // A replacement dialed beside a ready link leaves the session Ready.
        if self.status.state() != State::Ready {
            self.status.enter(State::Connected);
        }
        self.control(Change::Connected(id));
    }

    /// Reads every live link until one ends: returns which and why.
    fn read(&mut self) -> (usize, End) {
        let ended = self.read_until_end();
        self.idle();
        ended
    }

    /// The reader is about to wait (or leave the read loop): what senders queued for its
    /// batch is written now, and from now on they write themselves.
    fn idle(&self) {
        self.links.set_reader_busy(false);
        self.protocol.end_of_batch(Instant::now());
    }

    fn read_until_end(&mut self) -> (usize, End) {
        loop {
            self.links.set_reader_busy(true);
            let mut more = false;
            for i in 0..self.live.len() {
                match self.drain(i) {
                    Ok(m) => more |= m,
                    Err(end) => return (i, end),
                }
            }
            let now = Instant::now();
            if let Some(i) = self.live.iter().position(|l| l.state.hello_overdue(now)) {
                return (i, End::Closed(Error::Timeout(TimeoutKind::Hello)));
            }
            if let Some(i) = self.live.iter().position(|l| l.state.close_overdue(now)) {
                return (
                    i,
                    End::Closed(Error::Websocket(WebsocketError::new(
                        "the replaced link did not answer its close in time",
                    ))),
                );
            }
            if let Some((error, repeated)) = self.delivery.flush_errors(now) {
                self.control(Change::Error { error, repeated });
            }
            if self.protocol.next_deadline().is_some_and(|t| t <= now) {
                if let Some(end) = self.timer(now) {
                    return end;
                }
            }
            if self.dial.is_none() && self.dial_at.is_some_and(|t| t <= now) {
                self.dial_at = None;
                if self.status.state().may_dial() {
                    self.start_dial(now);
                } else {
                    log::debug!("disconnecting: no replacement link is dialed");
                }
            }
            // With more to read, only look (stop, wakers, dial) without waiting.
            let deadline = if more {
                Some(now)
            } else {
                earliest(self.live.iter().map(|l| l.state.deadline()).chain([
                    self.protocol.next_deadline(),
                    self.delivery.errors_due_at(),
                    self.dial_at.filter(|_| self.dial.is_none()),
                ]))
            };
            let protocol = self.protocol.clone();
            let dial_done = self.dial.as_ref().map(|d| d.done.clone());
            // On the stack: this runs once per wait, so no allocation here.
            let stop = self.signals.stop.as_fd();
            let mut fds: [BorrowedFd<'_>; poll::MAX_FDS] = [stop; poll::MAX_FDS];
            let mut len = 1;
            let waker_at = protocol.waker().map(|fd| push(&mut fds, &mut len, fd));
            let dial_at = dial_done
                .as_ref()
                .map(|w| push(&mut fds, &mut len, w.as_fd()));
            for l in &self.live {
                push(&mut fds, &mut len, l.link.as_fd());
            }
            let fds = &fds[..len];
            if !more {
                self.links.set_reader_busy(false);
                self.protocol.end_of_batch(now);
            }
            match poll::wait_readable(fds, deadline) {
                Ok(Some(0)) => return (0, End::Stopped),
                Ok(Some(i)) if Some(i) == waker_at => {
                    if let Some(end) = self.timer(Instant::now()) {
                        return end;
                    }
                }
                Ok(Some(i)) if Some(i) == dial_at => {
                    if let Err(end) = self.finish_dial() {
                        return (0, end);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    return (
                        0,
                        End::Closed(Error::Websocket(WebsocketError::with_source(
                            format!("poll failed: {e}"),
                            e,
                        ))),
                    )
                }
            }
        }
    }

    /// Runs the protocol's timer; `Some` when it ends a link.
    fn timer(&mut self, now: Instant) -> Option<(usize, End)> {
        let mut actions = std::mem::take(&mut self.actions);
        self.protocol.on_timer(now, &mut actions);
        let mut end = None;
        for action in actions.drain(..) {
            if end.is_none() {
                end = self.apply(None, action, now);
            }
        }
        self.actions = actions;
        self.protocol.end_of_batch(now);
        end.map(|e| (0, e))
    }

    /// Reads one batch from link `i` and routes it: `Ok(true)` when more may be waiting,
    /// `Err` when the link must end. One batch at a time, so that a link that never runs
    /// dry (a flood) cannot keep the reader from its other links, its timers or a stop.
    fn drain(&mut self, i: usize) -> Result<bool, End> {
        let link = self.live[i].link.clone();
        let mut batch = std::mem::take(&mut self.batch);
        let drained = link.connection().drain(&mut batch, BATCH);
        let now = Instant::now();
        if !batch.is_empty() {
            link.touch(now);
        }
        let end = self.process(i, &link, &mut batch, now);
        self.batch = batch;
        self.protocol.end_of_batch(now);
        if let Some(end) = end {
            return Err(end);
        }
        match drained {
            Ok(Drain::More) => Ok(true),
            Ok(Drain::Empty) => Ok(false),
            Err(e) => Err(End::Closed(e)),
        }
    }

    /// Routes a batch of messages from link `i`. Returns `Some` when the link must end.
    fn process(
        &mut self,
        i: usize,
        link: &Arc<Link>,
        batch: &mut Vec<Message>,
        now: Instant,
    ) -> Option<End> {
        let mut end = None;
        let mut actions = std::mem::take(&mut self.actions);
        for message in batch.drain(..) {
            if end.is_some() {
                continue;
            }
            match message {
                Message::Text(text) => self.protocol.on_text(link, text, now, &mut actions),
                Message::Binary(b) => self.protocol.on_binary(link, b.len(), now, &mut actions),
                Message::Pong(payload) => self.protocol.on_pong(link, &payload, now),
                Message::Close(_) => {
                    end = Some(End::Closed(Error::Websocket(WebsocketError::new(
                        "the server closed the connection",
                    ))));
                }
                Message::Ping(_) | Message::Frame(_) => {}
            }
            for action in actions.drain(..) {
                if end.is_none() {
                    end = self.apply(Some(i), action, now);
                }
            }
        }
        self.actions = actions;
        end
    }

    /// Carries out one action for link `i` (`None`: a protocol timer's action).
    fn apply(&mut self, i: Option<usize>, action: Action<P::Item>, now: Instant) -> Option<End> {
        match action {
            Action::Deliver(item) => {
                if !self.deliver(Class::Data, item) {
                    return Some(End::Stopped);
                }
            }
            Action::Ready => {
                let live = &mut self.live[i?];
                if live.state.hello(now) {
                    let link = live.link.clone();
                    link.set_ready();
                    self.signals.clear_reconnect_request();
                    self.status.enter(State::Ready);
                    self.control(Change::Ready(link.id()));
                    let _ = self.keepalive.send(Signal::Up(link.clone()));
                    self.protocol.on_ready(&link, now);
                    // Make-before-break: the links this one replaces are closed now; what
                    // their server still sends is read until it answers the close.
                    let within = self.settings.hello_timeout;
                    for other in self.live.iter_mut() {
                        if other.state.closing(now, within) {
                            log::debug!(
                                "closing link {} (replaced by {})",
                                other.link.id(),
                                link.id()
                            );
                            other.link.start_close();
                        }
                    }
                    if self.serving() < self.settings.connections.max(1) {
                        self.want_dial(self.policy.earliest(now));
                    }
                }
            }
            Action::Replace(Replace::Refresh) if i.is_some() => {
                let live = &mut self.live[i?];
                if !live.state.is_draining() {
                    log::info!(
                        "link {} is being refreshed: dialing its replacement",
                        live.link.id()
                    );
                    live.state.drain();
                    self.want_dial(self.policy.earliest(now));
                }
            }
            Action::Failed(e) => return Some(End::Failed(e)),
            Action::Replace(how) => return Some(End::Replace(how)),
            Action::Stop(e) => return Some(End::Stop(e)),
            Action::Malformed(why) => {
                log::debug!("malformed frame: {why}");
                if let Some((error, repeated)) = self.delivery.error(now, Error::Protocol(why)) {
                    self.control(Change::Error { error, repeated });
                }
            }
        }
        None
    }

    /// Delivers a lifecycle item, if the protocol has one for `change`.
    fn control(&mut self, change: Change) {
        if matches!(change, Change::Reconnecting) && !self.status.state().may_dial() {
            // A link lost while disconnecting is not replaced: no reconnect to announce.
            return;
        }
        if let Some(item) = self.protocol.lifecycle(change) {
            self.deliver(Class::Control, item);
        }
    }

    /// Offers `item` to the bounded channel; false when the session is stopping (while
    /// waiting for room).
    fn deliver(&mut self, class: Class, item: P::Item) -> bool {
        if let Some(n) = self.delivery.take_drop_report() {
            log::warn!("the consumer fell behind: {n} events were dropped");
            if let Some(report) = self.protocol.lifecycle(Change::Dropped(n)) {
                let _ = self.delivery.offer(Class::Control, report);
            }
        }
        let mut item = item;
        loop {
            match self.delivery.offer(class, item) {
                Offer::Sent => return true,
                Offer::Dropped => {
                    self.counters.events_dropped.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
                Offer::Wait(back) => {
                    item = back;
                    if !self.wait_for_room() {
                        return false;
                    }
                }
            }
        }
    }

    /// Waits until the consumer has made room, without reading. False when stopping.
    fn wait_for_room(&mut self) -> bool {
        // What this batch queued (acks of what was delivered) must not wait for the app.
        let busy = self.links.reader_busy();
        self.idle();
        let backlog = self.delivery.backlog.clone();
        log::debug!(
            "the consumer is {} events behind: pausing reads",
            backlog.capacity
        );
        self.links.set_backpressured(true);
        backlog.reader_waiting.store(true, Ordering::SeqCst);
        let room = loop {
            if self.delivery.queued() < backlog.capacity {
                break true;
            }
            match poll::wait(
                backlog.space.as_fd(),
                Interest::Read,
                Some(self.signals.stop.as_fd()),
                None,
            ) {
                Ok(Readiness::Ready) => backlog.space.drain(),
                Ok(Readiness::TimedOut) => {}
                Ok(Readiness::Woken) | Err(_) => break false,
            }
        };
        backlog.reader_waiting.store(false, Ordering::SeqCst);
        self.links.set_backpressured(false);
        self.links.set_reader_busy(busy);
        let now = Instant::now();
        for live in &self.live {
            live.link.touch(now);
        }
        room
    }

    /// Links that are open and not being replaced.
    fn serving(&self) -> usize {
        self.live.iter().filter(|l| !l.state.is_draining()).count()
            + usize::from(self.dial.is_some())
    }

    /// Asks for a background dial at `at` (the earliest request wins).
    fn want_dial(&mut self, at: Instant) {
        if self.dial.is_none() {
            self.dial_at = Some(self.dial_at.map_or(at, |t| t.min(at)));
        }
    }

    /// Starts dialing a new link on the helper thread (the connect call and the dial),
    /// while the reader keeps reading the others.
    fn start_dial(&mut self, now: Instant) {
        let done = match Waker::new() {
            Ok(w) => Arc::new(w),
            Err(e) => {
                log::warn!("cannot create a wake-up pipe for a dial: {e}");
                return;
            }
        };
        self.policy.attempt_started(now);
        self.generation += 1;
        let generation = self.generation;
        let (tx, rx) = crossbeam_channel::bounded(1);
        let protocol = self.protocol.clone();
        let transport = self.transport.clone();
        let cancel = self.signals.cancel();
        let wake = done.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("{}-dialer", self.settings.name))
            .spawn(move || {
                let opened = protocol.open(&cancel);
                let answered = Instant::now();
                let dialed = opened.and_then(|opened| {
                    let conn = transport.dial(opened.url.expose(), generation, &cancel)?;
                    Ok((opened.announce, conn))
                });
                let _ = tx.send((dialed, answered));
                wake.wake();
            });
        match spawned {
            Ok(thread) => {
                self.dial = Some(Dialing {
                    result: rx,
                    done,
                    thread,
                })
            }
            Err(e) => {
                log::warn!("cannot spawn a dialer thread: {e}");
                self.want_dial(crate::protocol::deadline::after(
                    now,
                    Duration::from_secs(1),
                ));
            }
        }
    }

    /// Blocks until the background dial finishes (no link is left to read meanwhile).
    fn wait_for_dial(&mut self) -> Result<(), End> {
        let Some(done) = self.dial.as_ref().map(|d| d.done.clone()) else {
            return Ok(());
        };
        match poll::wait(
            done.as_fd(),
            Interest::Read,
            Some(self.signals.stop.as_fd()),
            None,
        ) {
            Ok(Readiness::Ready) => self.finish_dial(),
            _ => Err(End::Stopped),
        }
    }

    /// Takes the background dial's result: a new link joins `live`, or the failure is
    /// decided like any failed attempt (the next background dial is scheduled).
    fn finish_dial(&mut self) -> Result<(), End> {
        let Some(dial) = self.dial.take() else {
            return Ok(());
        };
        let (dialed, answered) = dial
            .result
            .recv()
            .unwrap_or_else(|_| (Err(thread_died("dialer")), Instant::now()));
        let _ = dial.thread.join();
        self.policy.attempt_settled(answered);
        match dialed {
            Ok((announce, conn)) => {
                if let Some(item) = announce {
                    self.deliver(Class::Control, item);
                }
                self.join(conn);
                Ok(())
            }
            Err(e) => {
                if self.stopping() {
                    return Err(End::Stopped);
                }
                log::warn!("connection attempt failed: {e}");
                self.status.note_failure(&e);
                self.control(Change::AttemptFailed(e.clone()));
                let protocol = self.protocol.clone();
                match self
                    .policy
                    .decide(Instant::now(), Ending::AttemptFailed(e), &|e| {
                        protocol.fatal(e)
                    }) {
                    Decision::Stop(e) => Err(End::Stop(e)),
                    Decision::Retry { at } => {
                        self.dial_at = Some(at);
                        Ok(())
                    }
                }
            }
        }
    }

    /// The end of the session: close what is open, fail what waits, then `Disconnected`.
    fn finish(mut self, error: Option<Error>) {
        if error.is_none() {
            self.status.enter(State::Disconnecting);
            self.control(Change::Disconnecting);
        }
        for live in self.live.drain(..) {
            live.link.close();
            self.links.remove(live.link.id());
        }
        if let Some(dial) = self.dial.take() {
            // Stopping cancelled it: it returns within moments.
            let _ = dial.thread.join();
        }
        self.protocol.on_session_end(error.as_ref());
        match &error {
            Some(e) => log::warn!("disconnected: {e}"),
            None => log::info!("disconnected"),
        }
        self.status.end_session(self.session, error.clone());
        if let Some(item) = self.protocol.lifecycle(Change::Disconnected(error)) {
            let _ = self.delivery.offer(Class::Final, item);
        }
    }
}
