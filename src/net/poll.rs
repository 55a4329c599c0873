//! Waiting for a socket to become readable or writable with `poll(2)`, without holding
//! any lock, optionally beside a [`Waker`](crate::net::waker::Waker).

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
    let wakers: &[BorrowedFd<'_>] = match &waker {
        Some(w) => std::slice::from_ref(w),
        None => &[],
    };
    Ok(match wait_any(socket, interest, wakers, deadline)? {
        Woke::Socket => Readiness::Ready,
        Woke::Waker(_) => Readiness::Woken,
        Woke::Deadline => Readiness::TimedOut,
    })
}

/// Why [`wait_any`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Woke {
    /// The socket is ready (or has failed).
    Socket,
    /// The waker at this index was signalled (the lowest index, if several).
    Waker(usize),
    /// The deadline passed.
    Deadline,
}

/// Like [`wait`], with any number of wakers (at most 3).
pub(crate) fn wait_any(
    socket: BorrowedFd<'_>,
    interest: Interest,
    wakers: &[BorrowedFd<'_>],
    deadline: Option<Instant>,
) -> io::Result<Woke> {
    const MAX_WAKERS: usize = 3;
    let flags = match interest {
        Interest::Read => PollFlags::IN,
        Interest::Write => PollFlags::OUT,
    };
    let wakers = &wakers[..wakers.len().min(MAX_WAKERS)];
    loop {
        // A deadline already passed still gets one non-blocking look, so that a check
        // "is it signalled now?" (a deadline of `Instant::now()`) sees a signal.
        let mut expired = false;
        let timeout = match deadline {
            None => None,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                expired = left.is_zero();
                Some(Timespec {
                    tv_sec: left.as_secs().try_into().unwrap_or(i64::MAX as _),
                    tv_nsec: left.subsec_nanos() as _,
                })
            }
        };
        let mut fds = [
            PollFd::from_borrowed_fd(socket, flags),
            PollFd::from_borrowed_fd(wakers.first().copied().unwrap_or(socket), PollFlags::IN),
            PollFd::from_borrowed_fd(wakers.get(1).copied().unwrap_or(socket), PollFlags::IN),
            PollFd::from_borrowed_fd(wakers.get(2).copied().unwrap_or(socket), PollFlags::IN),
        ];
        let count = 1 + wakers.len();
        match rustix::event::poll(&mut fds[..count], timeout.as_ref()) {
            Ok(0) if expired => return Ok(Woke::Deadline),
            Ok(0) => continue, // re-check the deadline
            Ok(_) => {
                if let Some(i) = (0..wakers.len()).find(|&i| !fds[1 + i].revents().is_empty()) {
                    return Ok(Woke::Waker(i));
                }
                return Ok(Woke::Socket);
            }
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Most fds [`wait_readable`] watches.
pub(crate) const MAX_FDS: usize = 16;

/// Waits until one of `fds` (at most [`MAX_FDS`]) is readable or `deadline` passes;
/// returns the lowest ready index (so put the most urgent first), `None` at the deadline.
/// A deadline already passed still gets one non-blocking look.
pub(crate) fn wait_readable(
    fds: &[BorrowedFd<'_>],
    deadline: Option<Instant>,
) -> io::Result<Option<usize>> {
    let Some(&first) = fds.first() else {
        return Ok(None);
    };
    let fds = &fds[..fds.len().min(MAX_FDS)];
    let mut looked = false;
    loop {
        let timeout = match deadline {
            None => None,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() && looked {
                    return Ok(None);
                }
                looked = true;
                Some(Timespec {
                    tv_sec: left.as_secs().try_into().unwrap_or(i64::MAX as _),
                    tv_nsec: left.subsec_nanos() as _,
                })
            }
        };
        let mut polled: [PollFd<'_>; MAX_FDS] = std::array::from_fn(|i| {
            PollFd::from_borrowed_fd(fds.get(i).copied().unwrap_or(first), PollFlags::IN)
        });
        match rustix::event::poll(&mut polled[..fds.len()], timeout.as_ref()) {
            Ok(0) => continue, // re-check the deadline
            Ok(_) => {
                return Ok(polled[..fds.len()]
                    .iter()
                    .position(|p| !p.revents().is_empty()))
            }
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}
