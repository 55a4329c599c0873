//! [`Socket`]: a non-blocking TCP socket that reads and writes like a blocking one while a
//! dial or a Web API call is running — every wait bounded by ONE total deadline and woken
//! by a [`Cancel`] — and passes straight through once the connection is open.

use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Instant;

use crate::net::cancel::Cancel;
use crate::net::deadline::Deadline;
use crate::net::poll::{self, Interest, Readiness};

/// The bounds a blocking step runs under.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// When the whole dial (or call) must be over.
    pub(crate) deadline: Deadline,
    /// What ends it early (`None`: nothing but the deadline).
    pub(crate) cancel: Option<Cancel>,
}

/// A TCP socket in non-blocking mode; see the module docs.
#[derive(Debug)]
pub(crate) struct Socket {
    tcp: TcpStream,
    limits: Option<Limits>,
}

impl Socket {
    /// Wraps `tcp` (switched to non-blocking) for a step bounded by `limits`.
    pub(crate) fn new(tcp: TcpStream, limits: Limits) -> io::Result<Socket> {
        tcp.set_nonblocking(true)?;
        Ok(Socket {
            tcp,
            limits: Some(limits),
        })
    }

    /// New bounds for the next reads and writes (`None`: plain non-blocking I/O, which
    /// reports `WouldBlock`, for an open connection driven by `poll`).
    pub(crate) fn set_limits(&mut self, limits: Option<Limits>) {
        self.limits = limits;
    }

    /// The TCP socket underneath.
    pub(crate) fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    fn wait(&self, interest: Interest) -> io::Result<()> {
        match &self.limits {
            Some(limits) => wait(self.tcp.as_fd(), interest, limits),
            None => Err(ErrorKind::WouldBlock.into()),
        }
    }
}

/// Waits until `fd` is ready for `interest`, within `limits`.
///
/// # Errors
/// `TimedOut` when the deadline passes, `ConnectionAborted` carrying [`Cancelled`] when
/// the cancel fires (see [`is_cancelled`]).
pub(crate) fn wait(fd: BorrowedFd<'_>, interest: Interest, limits: &Limits) -> io::Result<()> {
    if limits.deadline.left(Instant::now()).is_none() {
        return Err(timed_out());
    }
    let cancel = limits.cancel.as_ref().map(|c| c.as_fd());
    match poll::wait(fd, interest, cancel, limits.deadline.at())? {
        Readiness::Ready => Ok(()),
        Readiness::Woken => Err(cancelled()),
        Readiness::TimedOut => Err(timed_out()),
    }
}

/// Why a step under a fired [`Cancel`] failed.
#[derive(Debug)]
pub(crate) struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled: the client is disconnecting")
    }
}

impl std::error::Error for Cancelled {}

/// The error of a cancelled step.
pub(crate) fn cancelled() -> io::Error {
    io::Error::new(ErrorKind::ConnectionAborted, Cancelled)
}

/// The error of a step whose deadline passed.
pub(crate) fn timed_out() -> io::Error {
    io::Error::new(ErrorKind::TimedOut, "the deadline passed")
}

/// Whether `e` (or what it wraps) says the step was cancelled.
pub(crate) fn is_cancelled(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Cancelled>())
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match (&self.tcp).read(buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.wait(Interest::Read)?,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match (&self.tcp).write(buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.wait(Interest::Write)?,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.tcp.as_fd()
    }
}
