//! [`Connection`]: one open websocket, shared by the reader, the keepalive and senders
//! (dialing it is [`dial`](crate::net::dial)).
//!
//! The socket is non-blocking after the handshake. The reader waits for readiness in
//! `poll(2)` *without* the lock and holds it only to drain what is already there; senders
//! hold it only to hand a frame to the kernel. So a send never waits behind a blocked read.

use std::io::{self, ErrorKind};
use std::net::TcpStream;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use parking_lot::{Mutex, MutexGuard};
use tungstenite::{Message, WebSocket};

use crate::error::{Error, Result, TimeoutKind, WebsocketError};
use crate::net::poll::{self, Interest, Readiness};
use crate::net::socket::Socket;
use crate::net::stream::Stream;

/// Whether a drain emptied the socket or stopped at the batch limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Drain {
    /// Nothing more to read now: wait for readiness.
    Empty,
    /// The batch is full and more may be buffered: read again before waiting.
    More,
}

/// Bytes of queued frames ([`Connection::queue_text`]) tungstenite holds before it starts
/// writing them out without waiting for the flush.
const QUEUE_BYTES: usize = 64 * 1024;

/// An open websocket.
pub(crate) struct Connection {
    ws: Mutex<WebSocket<Stream<Socket>>>,
    /// A second handle on the same socket, for `poll` and `shutdown` without the lock.
    socket: TcpStream,
    /// Which connection of the client's life this is (1, 2, …).
    pub(crate) generation: u64,
    /// Why the connection was killed from outside the reader (keepalive).
    death: Mutex<Option<Error>>,
    /// Frames handed to the websocket so far (see [`Connection::send_frame`]).
    appended: AtomicU64,
}

/// A failed [`Connection::send_frame`].
pub(crate) struct WriteFailure {
    pub(crate) error: Error,
    /// Whether frames were handed to the websocket after this one before it failed.
    pub(crate) later_frames: bool,
}

impl Connection {
    /// An open connection over `ws`, whose socket `socket` is a second handle on (for
    /// `poll` and `shutdown` without the lock). Dialing is [`dial`](crate::net::dial::dial).
    pub(crate) fn new(
        ws: WebSocket<Stream<Socket>>,
        socket: TcpStream,
        generation: u64,
    ) -> Result<Connection> {
        socket.set_nonblocking(true).map_err(io_err)?;
        let mut ws = ws;
        // Frames queued with `queue_text` stay in tungstenite's buffer until `flush` (or
        // until this much piles up); `send_*` still writes and flushes each frame at once.
        ws.set_config(|c| {
            c.write_buffer_size = QUEUE_BYTES;
            c.max_write_buffer_size = c.max_write_buffer_size.max(QUEUE_BYTES * 2);
        });
        Ok(Connection {
            ws: Mutex::new(ws),
            socket,
            generation,
            death: Mutex::new(None),
            appended: AtomicU64::new(0),
        })
    }

    /// Reads whole messages into `out` until the socket has nothing more (or `max` were
    /// read). Holds the lock only while reading what the kernel already has.
    pub(crate) fn drain(&self, out: &mut Vec<Message>, max: usize) -> Result<Drain> {
        let mut ws = self.ws.lock();
        let result = loop {
            if out.len() >= max {
                break Ok(Drain::More);
            }
            match ws.read() {
                Ok(m) => out.push(m),
                Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                    break Ok(Drain::Empty)
                }
                Err(e) => break Err(self.death_or(map_ws_error(e, "connection lost"))),
            }
        };
        MutexGuard::unlock_fair(ws);
        result
    }

    /// Sends one text frame, waiting for room in the socket until `deadline`.
    ///
    /// # Errors
    /// [`Error::Timeout`] ([`TimeoutKind::Write`]) if the peer does not take the bytes in
    /// time (the frame stays queued and goes out with the next write), or
    /// [`Error::Websocket`] if the connection is broken.
    pub(crate) fn send_text(&self, text: String, deadline: Instant) -> Result<()> {
        self.send_frame(text, deadline).map_err(|f| f.error)
    }

    /// [`send_text`](Self::send_text), saying on failure whether frames were handed to the
    /// websocket after this one (then this frame may have left whole; otherwise its last
    /// bytes are still buffered and it can never be complete once the connection dies).
    pub(crate) fn send_frame(
        &self,
        text: String,
        deadline: Instant,
    ) -> std::result::Result<(), WriteFailure> {
        self.send_message(Message::text(text), deadline)
    }

    /// Sends one websocket Ping (a liveness probe), as [`send_text`](Self::send_text).
    pub(crate) fn send_ping(&self, payload: Vec<u8>, deadline: Instant) -> Result<()> {
        self.send_message(Message::Ping(payload.into()), deadline)
            .map_err(|f| f.error)
    }

    /// Hands one text frame to the websocket without writing it out: it leaves with the
    /// next [`flush`](Self::flush) (or any send on this connection). For a burst of small
    /// frames (acks) that one write syscall carries. The frame is whole and unfragmented.
    ///
    /// # Errors
    /// [`Error::Websocket`] if the connection is broken or closing (nothing was queued).
    pub(crate) fn queue_text(&self, text: String) -> Result<()> {
        let mut ws = self.ws.lock();
        self.appended.fetch_add(1, Ordering::SeqCst);
        match ws.write(Message::text(text)) {
            Ok(()) => Ok(()),
            // Over QUEUE_BYTES, tungstenite started writing and the socket is full: the
            // frame is buffered all the same and leaves with the flush.
            Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(self.death_or(map_ws_error(e, "sending failed"))),
        }
    }

    /// Writes out every frame queued with [`queue_text`](Self::queue_text), waiting for
    /// room in the socket until `deadline`.
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub(crate) fn flush(&self, deadline: Instant) -> Result<()> {
        let ws = self.ws.lock();
        self.finish_write(ws, deadline, |error| error)
    }

    fn send_message(
        &self,
        message: Message,
        deadline: Instant,
    ) -> std::result::Result<(), WriteFailure> {
        let mut ws = self.ws.lock();
        let seq = self.appended.fetch_add(1, Ordering::SeqCst) + 1;
        let fail = |error: Error| WriteFailure {
            error,
            later_frames: self.appended.load(Ordering::SeqCst) != seq,
        };
        if let Err(e) = ws.write(message) {
            match e {
                tungstenite::Error::Io(e) if e.kind() == ErrorKind::WouldBlock => {}
                e => return Err(fail(self.death_or(map_ws_error(e, "sending failed")))),
            }
        }
        self.finish_write(ws, deadline, fail)
    }

    /// Flushes what the websocket holds, waiting for room until `deadline`; `fail` turns
    /// an error into the caller's failure.
    fn finish_write<F>(
        &self,
        mut ws: MutexGuard<'_, WebSocket<Stream<Socket>>>,
        deadline: Instant,
        fail: impl Fn(Error) -> F,
    ) -> std::result::Result<(), F> {
        match ws.flush() {
            Ok(()) => return Ok(()),
            Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(fail(self.death_or(map_ws_error(e, "sending failed")))),
        }
        MutexGuard::unlock_fair(ws);
        loop {
            let ready = poll::wait(self.socket.as_fd(), Interest::Write, None, Some(deadline))
                .map_err(|e| fail(io_err(e)))?;
            let mut ws = self.ws.lock();
            let flushed = ws.flush();
            let failure = match flushed {
                Ok(()) => return Ok(()),
                Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                    (ready == Readiness::TimedOut).then(|| fail(Error::Timeout(TimeoutKind::Write)))
                }
                Err(e) => Some(fail(self.death_or(map_ws_error(e, "sending failed")))),
            };
            MutexGuard::unlock_fair(ws);
            if let Some(failure) = failure {
                return Err(failure);
            }
        }
    }

    /// Starts a clean close (close frame), best effort, then shuts the socket down.
    pub(crate) fn close(&self) {
        {
            let mut ws = self.ws.lock();
            let _ = ws.close(None);
            let _ = ws.flush();
        }
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }

    /// Starts a clean close (close frame) and keeps the socket open, so that what the
    /// server still sends can be read until it answers the close (a link being replaced).
    pub(crate) fn start_close(&self) {
        let mut ws = self.ws.lock();
        let _ = ws.close(None);
        let _ = ws.flush();
    }

    /// Kills the connection because the client is moving to another one (a loss already
    /// noticed, or a requested reconnect): a send racing with it gets a websocket error.
    pub(crate) fn retire(&self) {
        self.kill(Error::Websocket(WebsocketError::new(
            "the connection was closed: the client is reconnecting",
        )));
    }

    /// Kills the connection now (no close frame), recording why; wakes the reader.
    pub(crate) fn kill(&self, why: Error) {
        self.death.lock().get_or_insert(why);
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }

    /// The reason recorded by [`Connection::kill`], if any, else `fallback`.
    pub(crate) fn death_or(&self, fallback: Error) -> Error {
        self.death.lock().clone().unwrap_or(fallback)
    }
}

impl AsFd for Connection {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

fn io_err(e: io::Error) -> Error {
    Error::Websocket(WebsocketError::with_source(format!("socket error: {e}"), e))
}

/// Maps a tungstenite error to ours. tungstenite's errors carry no URL. (An upgrade refused
/// with an HTTP status is the crate's own upgrade's error, never tungstenite's.)
pub(crate) fn map_ws_error(e: tungstenite::Error, context: &str) -> Error {
    use tungstenite::Error as T;
    match e {
        T::Io(io) if matches!(io.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            Error::Timeout(TimeoutKind::Connect)
        }
        T::Io(io) => Error::Websocket(WebsocketError::with_source(format!("{context}: {io}"), io)),
        T::ConnectionClosed | T::AlreadyClosed => Error::Websocket(WebsocketError::new(format!(
            "{context}: the connection was closed"
        ))),
        T::Capacity(c) => Error::Websocket(WebsocketError::new(format!(
            "{context}: an inbound message exceeded max_inbound_message ({c})"
        ))),
        other => Error::Websocket(WebsocketError::new(format!("{context}: {other}"))),
    }
}
