//! [`Status`]: the session's lifecycle state, shared by the reader (which changes it) and
//! the handles (which read it and wait on it), with a condvar so that `start` can wait for
//! a session to become ready or end.

use std::time::Instant;

use parking_lot::{Condvar, Mutex};

use crate::error::{Error, Result};
use crate::protocol::lifecycle::State;

/// The lifecycle, guarded together so that waiters see consistent snapshots.
pub(crate) struct Life {
    pub(crate) state: State,
    /// Incremented by every session start.
    pub(crate) session: u64,
    /// The session that ended last and how.
    pub(crate) ended: Option<(u64, Option<Error>)>,
    /// The last failed attempt of the current session (cleared when a link is ready).
    pub(crate) last_failure: Option<Error>,
    /// Whether a link of the current session has been ready (said hello) at all.
    pub(crate) was_ready: bool,
}

/// The lifecycle and its condvar.
pub(crate) struct Status {
    life: Mutex<Life>,
    changed: Condvar,
}

impl Default for Status {
    fn default() -> Self {
        Self {
            life: Mutex::new(Life {
                state: State::Disconnected,
                session: 0,
                ended: None,
                last_failure: None,
                was_ready: false,
            }),
            changed: Condvar::new(),
        }
    }
}

impl Status {
    pub(crate) fn state(&self) -> State {
        self.life.lock().state
    }

    /// Enters `state` (as [`State::then`] allows: a session disconnecting stays so),
    /// waking waiters.
    pub(crate) fn enter(&self, state: State) {
        {
            let mut life = self.life.lock();
            life.state = life.state.then(state);
            if state == State::Ready {
                life.last_failure = None;
                life.was_ready = true;
            }
        }
        self.changed.notify_all();
        log::debug!("state: {state:?}");
    }

    /// Records a failed attempt (what a `start` that times out reports as its cause).
    pub(crate) fn note_failure(&self, error: &Error) {
        self.life.lock().last_failure = Some(error.clone());
    }

    /// The last failed attempt of the current session, if no link was ready since.
    #[cfg(test)]
    pub(crate) fn last_failure(&self) -> Option<Error> {
        self.life.lock().last_failure.clone()
    }

    /// Starts a new session: returns its number.
    pub(crate) fn begin_session(&self) -> u64 {
        let mut life = self.life.lock();
        life.session += 1;
        life.state = State::Connecting;
        life.last_failure = None;
        life.was_ready = false;
        life.session
    }

    /// Records that `session` ended (state `Disconnected`), waking waiters.
    pub(crate) fn end_session(&self, session: u64, error: Option<Error>) {
        {
            let mut life = self.life.lock();
            life.state = State::Disconnected;
            life.ended = Some((session, error));
        }
        self.changed.notify_all();
    }

    /// Blocks until `session` has been ready, has ended (its error), or `deadline`.
    ///
    /// "Has been": a link that said hello and was lost before this thread looked (a server
    /// that closes right after hello; a loaded machine) still counts, the session having
    /// moved on to reconnecting. Waking to find the state Ready again would miss it.
    ///
    /// # Errors
    /// The session's error ([`Error::Shutdown`] when it was stopped without one), or
    /// [`Error::StartTimeout`] at the deadline, carrying the last failed attempt.
    pub(crate) fn wait_ready(&self, session: u64, deadline: Instant) -> Result<()> {
        let mut life = self.life.lock();
        loop {
            if let Some((s, err)) = &life.ended {
                if *s == session {
                    return Err(err.clone().unwrap_or(Error::Shutdown));
                }
            }
            if life.session == session && life.was_ready {
                return Ok(());
            }
            if self.changed.wait_until(&mut life, deadline).timed_out() {
                return Err(Error::StartTimeout {
                    last: life.last_failure.clone().map(Box::new),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_ready_session_is_reported_ready() {
        let s = Status::default();
        let n = s.begin_session();
        s.enter(State::Ready);
        assert!(s.wait_ready(n, Instant::now()).is_ok());
    }

    #[test]
    fn a_session_whose_ready_link_was_lost_before_the_wait_looked_is_reported_ready() {
        let s = Status::default();
        let n = s.begin_session();
        s.enter(State::Ready);
        s.enter(State::Reconnecting);
        s.enter(State::Connecting);
        assert!(s.wait_ready(n, Instant::now()).is_ok());
    }

    #[test]
    fn a_new_session_is_not_ready_because_the_last_one_was() {
        let s = Status::default();
        let n = s.begin_session();
        s.enter(State::Ready);
        s.end_session(n, None);
        let m = s.begin_session();
        assert!(matches!(
            s.wait_ready(m, Instant::now()),
            Err(Error::StartTimeout { .. })
        ));
    }

    #[test]
    fn an_ended_session_reports_its_error_and_a_stopped_one_shutdown() {
        let s = Status::default();
        let n = s.begin_session();
        s.end_session(n, Some(Error::KeepAliveTimeout));
        assert!(matches!(
            s.wait_ready(n, Instant::now() + Duration::from_secs(5)),
            Err(Error::KeepAliveTimeout)
        ));
        let m = s.begin_session();
        s.end_session(m, None);
        assert!(matches!(
            s.wait_ready(m, Instant::now()),
            Err(Error::Shutdown)
        ));
    }

    #[test]
    fn a_wait_that_times_out_carries_the_last_failure() {
        let s = Status::default();
        let n = s.begin_session();
        s.note_failure(&Error::KeepAliveTimeout);
        match s.wait_ready(n, Instant::now()) {
            Err(Error::StartTimeout { last: Some(e) }) => {
                assert!(matches!(*e, Error::KeepAliveTimeout))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_last_failure_is_kept_until_a_link_is_ready() {
        let s = Status::default();
        s.begin_session();
        s.note_failure(&Error::KeepAliveTimeout);
        assert!(matches!(s.last_failure(), Some(Error::KeepAliveTimeout)));
        s.enter(State::Ready);
        assert!(s.last_failure().is_none());
    }
}
