//! [`ReconnectPolicy`]: what the engine does after a connection attempt fails or a link
//! ends — when to try again, or to stop. It combines the [`Backoff`] (delays that grow with
//! consecutive failures) with the [`AttemptBudget`] (a cap no server can break). Pure: the
//! time is passed in.
//!
//! The rules:
//! - a fatal error stops, and so does any failure with `auto_reconnect` off;
//! - a failed attempt (no `hello`) backs off, with a `Retry-After` as the floor;
//! - a link that was ready retries fast (`first_retry`; `goodbye`: at once) only if it was
//!   *healthy*: up for `reset_after`, or the first loss since the backoff last started over.
//!   A link that dies soon after `hello`, again and again, counts as a failure each time;
//! - whatever the delays say, attempts stay within the budget.

use std::time::{Duration, Instant};

use crate::error::{Error, WebsocketError};
use crate::protocol::attempt_budget::AttemptBudget;
use crate::protocol::backoff::Backoff;
use crate::protocol::deadline::after;
use crate::protocol::retry_policy::RetryPolicy;

/// How a connection attempt or a link ended.
#[derive(Debug, Clone)]
pub(crate) enum Ending {
    /// The attempt failed before the link said `hello` (the connect call, the dial, no
    /// `hello` in time, or the server's refusal).
    AttemptFailed(Error),
    /// A link that was ready for `uptime` was lost.
    Lost {
        /// Why.
        error: Error,
        /// How long it was ready.
        uptime: Duration,
    },
    /// The server asked the link to go and the client to come back at once (RTM `goodbye`).
    Goodbye {
        /// How long it was ready.
        uptime: Duration,
    },
    /// The server asked the client to stay away at least `min` (Socket Mode's
    /// `too_many_websockets`).
    BackOff {
        /// The least delay.
        min: Duration,
    },
    /// The app asked for a reconnect.
    Requested,
}

/// What to do next.
#[derive(Debug, Clone)]
pub(crate) enum Decision {
    /// Start the next attempt at this moment.
    Retry {
        /// When.
        at: Instant,
    },
    /// Give up: the session ends with this error.
    Stop(Error),
}

/// The reconnect state of one session.
#[derive(Debug)]
pub(crate) struct ReconnectPolicy {
    policy: RetryPolicy,
    auto_reconnect: bool,
    backoff: Backoff,
    budget: AttemptBudget,
    /// The fast retry after a lost link was used since the backoff last started over.
    quick_used: bool,
}

impl ReconnectPolicy {
    pub(crate) fn new(policy: RetryPolicy, auto_reconnect: bool, seed: u64) -> Self {
        Self {
            backoff: Backoff::new(policy.clone(), seed),
            policy,
            auto_reconnect,
            budget: AttemptBudget::default(),
            quick_used: false,
        }
    }

    /// Replaces the budget (tests, protocols with their own limits).
    #[cfg(test)]
    pub(crate) fn with_budget(mut self, budget: AttemptBudget) -> Self {
        self.budget = budget;
        self
    }

    /// The earliest moment an attempt may start (the budget's say).
    pub(crate) fn earliest(&self, now: Instant) -> Instant {
        self.budget.earliest(now)
    }

    /// When the attempt planned for `planned` may start, looking at `now`; `requested`:
    /// the app asked for a reconnect during the pause. The request cuts the backoff short,
    /// never the budget: the attempt starts at the later of `now` and the budget's next
    /// allowed instant. Without a request, the plan stands, budget permitting.
    pub(crate) fn start_at(&self, now: Instant, planned: Instant, requested: bool) -> Instant {
        let wanted = if requested { now.min(planned) } else { planned };
        self.budget.earliest(wanted)
    }

    /// Records that an attempt started at `now`.
    pub(crate) fn attempt_started(&mut self, now: Instant) {
        self.budget.record(now);
    }

    /// Records that the attempt started last has been answered or has failed, at `now`
    /// (see [`AttemptBudget::settled`]).
    pub(crate) fn attempt_settled(&mut self, now: Instant) {
        self.budget.settled(now);
    }

    /// Decides what follows `ending` at `now`; `fatal` says which errors end the session.
    pub(crate) fn decide(
        &mut self,
        now: Instant,
        ending: Ending,
        fatal: &dyn Fn(&Error) -> bool,
    ) -> Decision {
        let delay = match ending {
            Ending::AttemptFailed(error) => {
                if fatal(&error) || !self.auto_reconnect {
                    return Decision::Stop(error);
                }
                let floor = match &error {
                    Error::RateLimited { retry_after, .. } => Some(*retry_after),
                    _ => None,
                };
                match self.backoff.after_failure(floor) {
                    Some(delay) => delay,
                    None => return Decision::Stop(error),
                }
            }
            Ending::Lost { error, uptime } => {
                if fatal(&error) || !self.auto_reconnect {
                    return Decision::Stop(error);
                }
                self.after_link(uptime, self.policy.first_retry)
            }
            Ending::Goodbye { uptime } => {
                if !self.auto_reconnect {
                    return Decision::Stop(Error::Websocket(WebsocketError::new(
                        "Slack said goodbye and auto_reconnect is off",
                    )));
                }
                self.after_link(uptime, Duration::ZERO)
            }
            Ending::BackOff { min } => {
                if !self.auto_reconnect {
                    return Decision::Stop(Error::Websocket(WebsocketError::new(
                        "the server asked the client to back off and auto_reconnect is off",
                    )));
                }
                self.quick_used = true;
                self.backoff
                    .after_failure(Some(min))
                    .unwrap_or(min.max(self.policy.max_backoff))
            }
            Ending::Requested => Duration::ZERO,
        };
        Decision::Retry {
            at: self.budget.earliest(after(now, delay)),
        }
    }

    /// The delay after a ready link ended: `quick` if it was healthy, else a failure's.
    fn after_link(&mut self, uptime: Duration, quick: Duration) -> Duration {
        if uptime >= self.policy.reset_after {
            self.backoff.reset();
            self.quick_used = false;
        }
        if !self.quick_used {
            self.quick_used = true;
            return quick;
        }
        self.backoff
            .after_failure(None)
            .unwrap_or(self.policy.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::attempt_budget::Window;

    const MS: Duration = Duration::from_millis(1);
    const S: Duration = Duration::from_secs(1);

    fn never_fatal(_: &Error) -> bool {
        false
    }

    fn ws(msg: &str) -> Error {
        Error::Websocket(WebsocketError::new(msg))
    }

    /// Runs a session against a server that decides how each attempt (started at the given
    /// moment) ends and how long that takes; returns the attempts' start times.
    fn simulate(
        seed: u64,
        budget: AttemptBudget,
        until: Duration,
        mut server: impl FnMut(Instant) -> (Duration, Ending),
    ) -> Vec<Instant> {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, seed).with_budget(budget);
        let mut starts = Vec::new();
        let mut at = t0;
        while at < t0 + until {
            p.attempt_started(at);
            starts.push(at);
            let (took, ending) = server(at);
            match p.decide(at + took, ending, &never_fatal) {
                Decision::Retry { at: next } => at = next,
                Decision::Stop(e) => panic!("stopped: {e}"),
            }
        }
        starts
    }

    fn busiest(starts: &[Instant], len: Duration) -> usize {
        starts
            .iter()
            .map(|&a| starts.iter().filter(|&&b| b >= a && b < a + len).count())
            .max()
            .unwrap_or(0)
    }

    /// No budget at all, to see what the backoff alone does.
    fn unlimited() -> AttemptBudget {
        AttemptBudget::new(&[])
    }

    #[test]
    fn a_server_that_closes_right_after_hello_is_backed_off_by_the_delays_alone() {
        for seed in 0..50 {
            let starts = simulate(seed, unlimited(), 600 * S, |_| {
                (
                    2 * MS,
                    Ending::Lost {
                        error: ws("closed"),
                        uptime: MS,
                    },
                )
            });
            assert!(busiest(&starts, 10 * S) <= 5, "seed {seed}");
            assert!(busiest(&starts, 60 * S) <= 10, "seed {seed}");
        }
    }

    #[test]
    fn a_goodbye_loop_is_backed_off_too() {
        for seed in 0..50 {
            let starts = simulate(seed, unlimited(), 600 * S, |_| {
                (
                    MS,
                    Ending::Goodbye {
                        uptime: Duration::ZERO,
                    },
                )
            });
            assert!(busiest(&starts, 10 * S) <= 5, "seed {seed}");
            assert!(busiest(&starts, 60 * S) <= 10, "seed {seed}");
            assert!(
                starts.len() >= 30,
                "seed {seed}: {} in 10 min",
                starts.len()
            );
        }
    }

    #[test]
    fn goodbye_from_a_healthy_link_reconnects_at_once() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        p.attempt_started(t0);
        let now = t0 + 3600 * S;
        match p.decide(now, Ending::Goodbye { uptime: 3600 * S }, &never_fatal) {
            Decision::Retry { at } => assert_eq!(at, now),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_link_lost_after_a_long_healthy_life_retries_fast_even_after_earlier_flapping() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        let mut now = t0;
        for _ in 0..6 {
            let lost = Ending::Lost {
                error: ws("x"),
                uptime: MS,
            };
            if let Decision::Retry { at } = p.decide(now, lost, &never_fatal) {
                now = at;
            }
        }
        let lost = Ending::Lost {
            error: ws("x"),
            uptime: 61 * S,
        };
        match p.decide(now, lost, &never_fatal) {
            Decision::Retry { at } => assert_eq!(at, now + 100 * MS),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_budget_holds_whatever_the_server_does() {
        // Every kind of ending a hostile server can cause, in a rotating mix.
        let mut n = 0u32;
        for seed in 0..20 {
            let starts = simulate(seed, AttemptBudget::default(), 900 * S, |_| {
                n = n.wrapping_add(1);
                match n % 4 {
                    0 => (MS, Ending::Goodbye { uptime: 61 * S }),
                    1 => (
                        MS,
                        Ending::Lost {
                            error: ws("x"),
                            uptime: 61 * S,
                        },
                    ),
                    2 => (MS, Ending::Requested),
                    _ => (MS, Ending::AttemptFailed(ws("refused"))),
                }
            });
            assert!(busiest(&starts, 10 * S) <= 5, "seed {seed}");
            assert!(busiest(&starts, 60 * S) <= 10, "seed {seed}");
        }
    }

    #[test]
    fn after_a_one_minute_outage_the_client_is_back_within_90_seconds_of_the_drop() {
        for seed in 0..200 {
            let t0 = Instant::now();
            let healthy_again = t0 + 60 * S;
            let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, seed);
            // The link had been up for an hour when it dropped at t0.
            let lost = Ending::Lost {
                error: ws("dropped"),
                uptime: 3600 * S,
            };
            let Decision::Retry { mut at } = p.decide(t0, lost, &never_fatal) else {
                panic!()
            };
            while at < healthy_again {
                p.attempt_started(at);
                // Refused upgrades take a few ms each.
                match p.decide(at + 5 * MS, Ending::AttemptFailed(ws("503")), &never_fatal) {
                    Decision::Retry { at: next } => at = next,
                    Decision::Stop(e) => panic!("{e}"),
                }
            }
            assert!(at - t0 <= 90 * S, "seed {seed}: back after {:?}", at - t0);
        }
    }

    #[test]
    fn refused_attempts_make_at_most_five_tries_in_the_first_ten_seconds() {
        for seed in 0..200 {
            let starts = simulate(seed, unlimited(), 10 * S, |_| {
                (MS, Ending::AttemptFailed(ws("refused")))
            });
            assert!(starts.len() <= 5, "seed {seed}: {}", starts.len());
        }
    }

    #[test]
    fn retry_after_is_a_floor_and_a_huge_one_does_not_panic() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        let limited = |s: u64| {
            Ending::AttemptFailed(Error::RateLimited {
                method: "rtm.connect".into(),
                retry_after: Duration::from_secs(s),
            })
        };
        match p.decide(t0, limited(45), &never_fatal) {
            Decision::Retry { at } => assert!(at >= t0 + 45 * S),
            other => panic!("{other:?}"),
        }
        match p.decide(t0, limited(u64::MAX), &never_fatal) {
            Decision::Retry { at } => assert!(at > t0 + 365 * 24 * 3600 * S),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fatal_errors_stop_and_so_does_any_failure_with_auto_reconnect_off() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        let fatal = |e: &Error| matches!(e, Error::Config(_));
        assert!(matches!(
            p.decide(t0, Ending::AttemptFailed(Error::Config("x".into())), &fatal),
            Decision::Stop(Error::Config(_))
        ));
        let mut off = ReconnectPolicy::new(RetryPolicy::default(), false, 1);
        assert!(matches!(
            off.decide(t0, Ending::AttemptFailed(ws("x")), &never_fatal),
            Decision::Stop(Error::Websocket(_))
        ));
        assert!(matches!(
            off.decide(t0, Ending::Goodbye { uptime: S }, &never_fatal),
            Decision::Stop(Error::Websocket(_))
        ));
        // A reconnect the app asked for happens even so.
        assert!(matches!(
            off.decide(t0, Ending::Requested, &never_fatal),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn max_attempts_gives_up_on_failed_attempts() {
        let policy = RetryPolicy {
            max_attempts: Some(2),
            ..RetryPolicy::default()
        };
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(policy, true, 1);
        assert!(matches!(
            p.decide(t0, Ending::AttemptFailed(ws("x")), &never_fatal),
            Decision::Retry { .. }
        ));
        assert!(matches!(
            p.decide(t0, Ending::AttemptFailed(ws("x")), &never_fatal),
            Decision::Stop(_)
        ));
    }

    #[test]
    fn a_back_off_request_waits_at_least_what_the_server_asked() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        match p.decide(t0, Ending::BackOff { min: 120 * S }, &never_fatal) {
            Decision::Retry { at } => assert!(at >= t0 + 120 * S),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_custom_budget_is_honoured() {
        let budget = AttemptBudget::new(&[Window {
            attempts: 1,
            within: 60 * S,
        }]);
        let starts = simulate(1, budget, 300 * S, |_| (MS, Ending::Requested));
        assert!(busiest(&starts, 60 * S) <= 1);
    }
    #[test]
    fn a_request_during_a_backoff_pause_starts_the_attempt_now_when_the_budget_allows() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        p.attempt_started(t0);
        let planned = t0 + 30 * S;
        let now = t0 + 2 * S;
        assert_eq!(p.start_at(now, planned, true), now);
    }

    #[test]
    fn a_request_during_a_backoff_pause_waits_for_the_budget() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        for i in 0..5 {
            p.attempt_started(t0 + i * MS);
        }
        let planned = t0 + 30 * S;
        // Five attempts in the last 10 s: the sixth waits until the first leaves the window.
        assert_eq!(p.start_at(t0 + S, planned, true), t0 + 10 * S);
    }

    #[test]
    fn a_request_never_makes_the_attempt_later_than_planned() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        for i in 0..5 {
            p.attempt_started(t0 + i * MS);
        }
        let planned = t0 + 11 * S;
        assert_eq!(p.start_at(t0 + 12 * S, planned, true), t0 + 11 * S);
        assert_eq!(p.start_at(t0 + S, planned, true), t0 + 10 * S);
    }

    #[test]
    fn without_a_request_the_plan_stands_but_never_before_the_budget() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        p.attempt_started(t0);
        assert_eq!(p.start_at(t0 + S, t0 + 30 * S, false), t0 + 30 * S);
        for i in 1..5 {
            p.attempt_started(t0 + i * MS);
        }
        // A plan made elsewhere ("at once") still waits for the budget.
        assert_eq!(p.start_at(t0 + S, t0 + S, false), t0 + 10 * S);
    }

    #[test]
    fn an_app_asking_to_reconnect_in_a_loop_gets_no_more_than_the_budget() {
        let t0 = Instant::now();
        let mut p = ReconnectPolicy::new(RetryPolicy::default(), true, 1);
        let mut starts = Vec::new();
        let mut now = t0;
        // Each attempt fails at once and backs off; the app asks again every millisecond.
        while now < t0 + 600 * S {
            let at = p.start_at(now, now + 3600 * S, true);
            p.attempt_started(at);
            starts.push(at);
            let _ = p.decide(at + MS, Ending::AttemptFailed(ws("refused")), &never_fatal);
            now = at + MS;
        }
        assert!(busiest(&starts, 10 * S) <= 5);
        assert!(busiest(&starts, 60 * S) <= 10);
        assert!(
            starts.len() >= 95,
            "{} attempts in 10 minutes",
            starts.len()
        );
    }
}
