//! [`Cancel`]: the signal that ends a dial or a Web API call early, fired when the client
//! disconnects or is dropped.
//!
//! Every blocking step under a [`Cancel`] waits in `poll(2)` on its socket *and* the
//! cancel's fd, so firing it wakes the step at once, whatever the server does.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::time::Instant;

use crate::net::poll::{self, Interest, Readiness};
use crate::net::waker::Waker;

/// A cancellation token: cheap to clone, fired once, never reset (a new session makes a
/// new one).
#[derive(Debug, Clone)]
pub(crate) struct Cancel {
    signal: Arc<Waker>,
}

impl Cancel {
    /// A fresh, unfired token.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn new() -> io::Result<Cancel> {
        Ok(Cancel::from_waker(Arc::new(Waker::new()?)))
    }

    /// A token fired by `signal`: waking it (and never draining it) cancels. The session's
    /// stop waker is such a signal, so stopping the session cancels its dials and calls.
    pub(crate) fn from_waker(signal: Arc<Waker>) -> Cancel {
        Cancel { signal }
    }

    /// Fires the token (idempotent, from any thread).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn cancel(&self) {
        self.signal.wake();
    }

    /// Whether the token was fired.
    pub(crate) fn is_cancelled(&self) -> bool {
        matches!(
            poll::wait(
                self.signal.as_fd(),
                Interest::Read,
                None,
                Some(Instant::now())
            ),
            Ok(Readiness::Ready) | Err(_)
        )
    }
}

impl AsFd for Cancel {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.signal.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_unfired_until_cancelled_and_stays_fired() {
        let c = Cancel::new().unwrap();
        let clone = c.clone();
        assert!(!c.is_cancelled());
        clone.cancel();
        assert!(c.is_cancelled() && clone.is_cancelled());
        c.cancel();
        assert!(c.is_cancelled());
    }
}
