//! A wake-up signal that a thread blocked in `poll(2)` can wait on beside its socket.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;

/// A level-triggered wake-up: once [`Waker::wake`] is called, the read end stays
/// readable until [`Waker::drain`] empties it, so a wake-up sent before the sleeper
/// reaches `poll` is never lost.
#[derive(Debug)]
pub(crate) struct Waker {
    read: UnixStream,
    write: UnixStream,
}

impl Waker {
    /// Creates a new, unsignalled waker.
    pub(crate) fn new() -> io::Result<Self> {
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        write.set_nonblocking(true)?;
        Ok(Self { read, write })
    }

    /// Signals the waker. Never blocks: if the pipe is full, a wake-up is already pending.
    pub(crate) fn wake(&self) {
        match (&self.write).write(&[1]) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => log::debug!("waker write failed: {e}"),
        }
    }

    /// Clears pending wake-ups.
    pub(crate) fn drain(&self) {
        let mut buf = [0u8; 64];
        while let Ok(n) = (&self.read).read(&mut buf) {
            if n < buf.len() {
                break;
            }
        }
    }
}

impl AsFd for Waker {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }
}
