//! Waiting for a socket to become readable or writable with `poll(2)`, without holding
//! any lock, optionally beside a [`Waker`](crate::wake::Waker).

use std::io;
use std::os::fd::BorrowedFd;
use std::time::Instant;

use rustix::event::{PollFd, PollFlags, Timespec};

/// What to wait for on the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interest {
    /// Data (or end of stream, or an error) to read.
    Read,
    /// Room in the kernel's send buffer.
    Write,
}

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readiness {
    /// The socket is ready (or has failed: the next I/O call reports how).
    Ready,
    /// The waker was signalled.
    Woken,
    /// The deadline passed.
    TimedOut,
}

/// Blocks until `socket` is ready for `interest`, `waker` (if any) is signalled, or
/// `deadline` (if any) passes. A `None` deadline waits without waking up at all.
pub(crate) fn wait(
    socket: BorrowedFd<'_>,
    interest: Interest,
    waker: Option<BorrowedFd<'_>>,
    deadline: Option<Instant>,
) -> io::Result<Readiness> {
    let flags = match interest {
        Interest::Read => PollFlags::IN,
        Interest::Write => PollFlags::OUT,
    };
    loop {
        let timeout = match deadline {
            None => None,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(Readiness::TimedOut);
                }
                Some(Timespec {
                    tv_sec: left.as_secs() as _,
                    tv_nsec: left.subsec_nanos() as _,
                })
            }
        };
        let mut fds = [
            PollFd::from_borrowed_fd(socket, flags),
            PollFd::from_borrowed_fd(waker.unwrap_or(socket), PollFlags::IN),
        ];
        let count = if waker.is_some() { 2 } else { 1 };
        match rustix::event::poll(&mut fds[..count], timeout.as_ref()) {
            Ok(0) => continue, // re-check the deadline
            Ok(_) => {
                if waker.is_some() && !fds[1].revents().is_empty() {
                    return Ok(Readiness::Woken);
                }
                return Ok(Readiness::Ready);
            }
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}
