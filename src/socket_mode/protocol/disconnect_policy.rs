//! [`DisconnectPolicy`]: what a `disconnect` reason means for the socket it came on
//! (protocol §8), as a decision the engine carries out. Pure: time is an argument.
//!
//! | reason | decision |
//! |---|---|
//! | `warning`, `refresh_requested`, unknown | [`Decision::Refresh`]: make-before-break, dial now |
//! | `too_many_websockets` | [`Decision::BackOff`]: close this socket first, dial nothing for minutes (jittered, doubling on repeats, up to 8×) |
//! | `link_disabled` | [`Decision::Stop`]: no reconnect, a terminal error for the app |

use std::time::{Duration, Instant};

use super::control::DisconnectReason;
use crate::error::Error;
use crate::protocol::backoff::Jitter;

/// The default first pause after `too_many_websockets`.
pub(crate) const DEFAULT_TOO_MANY_BACKOFF: Duration = Duration::from_secs(120);
/// A run of `too_many_websockets` answers ends after this long without one.
const STRIKES_FORGOTTEN_AFTER: Duration = Duration::from_secs(30 * 60);

/// What to do about the socket a `disconnect` came on.
#[derive(Debug, Clone)]
pub(crate) enum Decision {
    /// Make-before-break.
    Refresh,
    /// Close it, and no new socket for at least this long.
    BackOff(Duration),
    /// End the session with this error.
    Stop(Error),
}

/// Decides, remembering repeated `too_many_websockets` answers.
#[derive(Debug)]
pub(crate) struct DisconnectPolicy {
    too_many_backoff: Duration,
    strikes: u32,
    last_strike: Option<Instant>,
    jitter: Jitter,
}

impl DisconnectPolicy {
    pub(crate) fn new(too_many_backoff: Duration, seed: u64) -> Self {
        Self {
            too_many_backoff,
            strikes: 0,
            last_strike: None,
            jitter: Jitter::new(seed),
        }
    }

    pub(crate) fn decide(&mut self, reason: &DisconnectReason, now: Instant) -> Decision {
        match reason {
            DisconnectReason::LinkDisabled => Decision::Stop(link_disabled()),
            DisconnectReason::TooManyWebsockets => {
                if self
                    .last_strike
                    .is_some_and(|t| now.saturating_duration_since(t) >= STRIKES_FORGOTTEN_AFTER)
                {
                    self.strikes = 0;
                }
                self.strikes = self.strikes.saturating_add(1);
                self.last_strike = Some(now);
                let factor = 2f64.powi(self.strikes.saturating_sub(1).min(3) as i32);
                let secs =
                    self.too_many_backoff.as_secs_f64() * factor * (1.0 + 0.5 * self.jitter.unit());
                Decision::BackOff(Duration::from_secs_f64(secs))
            }
            DisconnectReason::Warning
            | DisconnectReason::RefreshRequested
            | DisconnectReason::Other(_) => Decision::Refresh,
        }
    }
}

/// The error a `link_disabled` ends the session with: fatal, its own variant.
pub(crate) fn link_disabled() -> Error {
    Error::LinkDisabled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn warning_refresh_and_unknown_reasons_refresh_make_before_break() {
        let mut p = DisconnectPolicy::new(DEFAULT_TOO_MANY_BACKOFF, 1);
        let now = Instant::now();
        for r in ["warning", "refresh_requested", "brand_new", ""] {
            assert!(
                matches!(
                    p.decide(&DisconnectReason::parse(r), now),
                    Decision::Refresh
                ),
                "{r}"
            );
        }
    }

    #[test]
    fn link_disabled_stops_with_a_terminal_error_naming_it() {
        let mut p = DisconnectPolicy::new(DEFAULT_TOO_MANY_BACKOFF, 1);
        let Decision::Stop(e) = p.decide(&DisconnectReason::LinkDisabled, Instant::now()) else {
            panic!()
        };
        assert!(matches!(e, Error::LinkDisabled), "{e:?}");
        assert!(e.is_fatal());
        assert_eq!(e.code(), crate::ErrorCode::LinkDisabled);
    }

    #[test]
    fn too_many_websockets_backs_off_for_minutes_and_longer_each_time() {
        let mut p = DisconnectPolicy::new(DEFAULT_TOO_MANY_BACKOFF, 7);
        let t0 = Instant::now();
        let mut last = Duration::ZERO;
        for (i, t) in [0u64, 200, 700, 1800, 3000].into_iter().enumerate() {
            let Decision::BackOff(d) = p.decide(&DisconnectReason::TooManyWebsockets, t0 + s(t))
            else {
                panic!()
            };
            let base = 120.0 * 2f64.powi(i.min(3) as i32);
            assert!(
                d.as_secs_f64() >= base && d.as_secs_f64() <= base * 1.5,
                "strike {i}: {d:?}"
            );
            assert!(d >= last || i >= 3);
            last = d;
        }
    }

    #[test]
    fn a_long_quiet_spell_forgets_earlier_too_many_websockets() {
        let mut p = DisconnectPolicy::new(DEFAULT_TOO_MANY_BACKOFF, 7);
        let t0 = Instant::now();
        p.decide(&DisconnectReason::TooManyWebsockets, t0);
        p.decide(&DisconnectReason::TooManyWebsockets, t0 + s(60));
        let Decision::BackOff(d) =
            p.decide(&DisconnectReason::TooManyWebsockets, t0 + s(60 + 1800))
        else {
            panic!()
        };
        assert!(d <= s(180), "{d:?}");
    }
}
