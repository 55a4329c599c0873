//! [`State`]: the client's lifecycle, as in the Node client's state machine.

/// Where the client is in its lifecycle. Each state is entered with the
/// [`Event`](crate::Event) of the same name.
///
/// ```text
/// disconnected ─start─▶ connecting ─▶ authenticated ─▶ connected ─hello─▶ ready
///      ▲                     ▲                                              │
///      │                     └──────────── reconnecting ◀── link lost ──────┤
///      └──────────────── disconnecting ◀── disconnect() / fatal error ──────┘
/// ```
///
/// ```
/// use slack_rtm::State;
/// assert!(State::Ready.is_connected() && State::Ready.is_authenticated());
/// assert!(!State::Connecting.is_connected());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Not connected and not trying to be.
    Disconnected,
    /// Calling `rtm.connect` / `rtm.start`.
    Connecting,
    /// `rtm.connect` succeeded; opening the websocket (a sub-state of connecting).
    Authenticated,
    /// The websocket is open; waiting for `hello`.
    Connected,
    /// `hello` received: sends are allowed (a sub-state of connected).
    Ready,
    /// Closing for good.
    Disconnecting,
    /// The link was lost; about to connect again.
    Reconnecting,
}

impl State {
    /// True in [`State::Connected`] and [`State::Ready`] (Node: `connected`).
    ///
    /// ```
    /// use slack_rtm::State;
    /// assert!(State::Connected.is_connected());
    /// assert!(!State::Authenticated.is_connected());
    /// ```
    pub fn is_connected(self) -> bool {
        matches!(self, State::Connected | State::Ready)
    }

    /// True from a successful `rtm.connect` until the connection is lost (Node:
    /// `authenticated`).
    ///
    /// ```
    /// use slack_rtm::State;
    /// assert!(State::Authenticated.is_authenticated());
    /// assert!(!State::Reconnecting.is_authenticated());
    /// ```
    pub fn is_authenticated(self) -> bool {
        matches!(self, State::Authenticated | State::Connected | State::Ready)
    }

    /// Whether the engine may dial a new link in this state: not while the session is
    /// disconnecting (a graceful `disconnect()` waiting for owed acks), whatever drops or
    /// refreshes meanwhile.
    pub(crate) fn may_dial(self) -> bool {
        self != State::Disconnecting
    }

    /// The state after the engine reports `to`: a session disconnecting stays so until it
    /// ends (the session's end sets `Disconnected` on its own), so that a link lost during
    /// the close cannot make it look like it is reconnecting.
    pub(crate) fn then(self, to: State) -> State {
        if self == State::Disconnecting {
            self
        } else {
            to
        }
    }

    /// The error a send gets in this state, if it is not allowed.
    pub(crate) fn send_error(self) -> Option<crate::Error> {
        match self {
            State::Ready => None,
            State::Authenticated | State::Connected => Some(crate::Error::SendWhileNotReady),
            _ => Some(crate::Error::SendWhileDisconnected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn sends_are_allowed_only_when_ready() {
        assert!(State::Ready.send_error().is_none());
        assert_eq!(
            State::Connected.send_error().map(|e| e.code()),
            Some(ErrorCode::SendWhileNotReady)
        );
        for s in [
            State::Disconnected,
            State::Connecting,
            State::Reconnecting,
            State::Disconnecting,
        ] {
            assert_eq!(
                s.send_error().map(|e| e.code()),
                Some(ErrorCode::SendWhileDisconnected)
            );
        }
    }

    #[test]
    fn no_new_link_is_dialed_while_disconnecting() {
        assert!(!State::Disconnecting.may_dial());
        for s in [
            State::Connecting,
            State::Reconnecting,
            State::Authenticated,
            State::Connected,
            State::Ready,
        ] {
            assert!(s.may_dial(), "{s:?}");
        }
    }

    #[test]
    fn a_disconnecting_session_stays_disconnecting_whatever_the_engine_reports() {
        for to in [
            State::Reconnecting,
            State::Connecting,
            State::Connected,
            State::Ready,
        ] {
            assert_eq!(State::Disconnecting.then(to), State::Disconnecting);
            assert!(!State::Disconnecting.then(to).may_dial());
        }
        assert_eq!(State::Ready.then(State::Reconnecting), State::Reconnecting);
        assert_eq!(
            State::Ready.then(State::Disconnecting),
            State::Disconnecting
        );
    }
}
