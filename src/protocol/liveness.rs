//! [`Liveness`]: the keepalive verdict for one link — wait, probe, or dead — from when
//! something last arrived and when the last probe went out. Pure: the keepalive thread
//! passes the time in and carries out the verdict.

use std::time::{Duration, Instant};

use crate::protocol::deadline::after;

/// How a link is kept alive (each protocol picks its numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LivenessPolicy {
    /// Probe a link that has been silent this long (RTM: `client_ping_timeout`).
    pub(crate) probe_every: Duration,
    /// A probe with nothing heard back within this long is a miss (RTM: `server_pong_timeout`).
    pub(crate) answer_within: Duration,
    /// Consecutive misses that make the link dead (RTM: 1; Socket Mode tolerates 2).
    pub(crate) misses_allowed: u32,
    /// A watchdog: nothing at all heard for this long makes the link dead, whatever the
    /// probes say (`None`: no watchdog).
    pub(crate) silence_limit: Option<Duration>,
}

/// What the keepalive should do about one link now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Nothing to do until this moment.
    Wait(Instant),
    /// Send a probe now, then call [`Liveness::probed`].
    Probe,
    /// The link is dead: kill it.
    Dead(Death),
}

/// Why a link was declared dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Death {
    /// `misses_allowed` probes in a row went unanswered.
    Unanswered,
    /// Nothing arrived for `silence_limit`.
    Silent,
}

/// The keepalive state of one link.
#[derive(Debug, Clone)]
pub(crate) struct Liveness {
    policy: LivenessPolicy,
    /// When the unanswered probe went out.
    outstanding: Option<Instant>,
    misses: u32,
}

impl Liveness {
    pub(crate) fn new(policy: LivenessPolicy) -> Self {
        Self {
            policy,
            outstanding: None,
            misses: 0,
        }
    }

    /// The verdict at `now` for a link that last received something at `last_rx`.
    /// Anything received after a probe answers it (a late pong is still life). While
    /// `paused` (the reader does not read, waiting for a slow consumer) the link is spared:
    /// it is still probed, but an unanswered probe or silence does not make it dead.
    pub(crate) fn verdict(&mut self, now: Instant, last_rx: Instant, paused: bool) -> Verdict {
        let p = self.policy;
        if self.outstanding.is_some_and(|sent| last_rx >= sent) {
            self.outstanding = None;
            self.misses = 0;
        }
        let watchdog = p.silence_limit.map(|limit| after(last_rx, limit));
        if watchdog.is_some_and(|t| now >= t) && !paused {
            return Verdict::Dead(Death::Silent);
        }
        let due = match self.outstanding {
            Some(sent) => {
                let answer_by = after(sent, p.answer_within);
                if now < answer_by {
                    answer_by
                } else if paused {
                    // The reader cannot have read the answer: spare the link, probe again.
                    self.outstanding = None;
                    self.misses = 0;
                    return Verdict::Probe;
                } else {
                    self.outstanding = None;
                    self.misses = self.misses.saturating_add(1);
                    if self.misses >= p.misses_allowed.max(1) {
                        return Verdict::Dead(Death::Unanswered);
                    }
                    return Verdict::Probe;
                }
            }
            None => {
                let quiet_until = after(last_rx, p.probe_every);
                if now >= quiet_until {
                    return Verdict::Probe;
                }
                quiet_until
            }
        };
        Verdict::Wait(watchdog.map_or(due, |w| w.min(due)))
    }

    /// Records that a probe went out at `now`.
    pub(crate) fn probed(&mut self, now: Instant) {
        self.outstanding = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    fn rtm() -> Liveness {
        Liveness::new(LivenessPolicy {
            probe_every: 8 * S,
            answer_within: 4 * S,
            misses_allowed: 1,
            silence_limit: None,
        })
    }

    #[test]
    fn a_busy_link_is_never_probed() {
        let t0 = Instant::now();
        let mut l = rtm();
        for i in 0..100 {
            let now = t0 + i * S;
            // Something arrived a moment ago, every second.
            assert_eq!(l.verdict(now, now, false), Verdict::Wait(now + 8 * S));
        }
    }

    #[test]
    fn a_quiet_link_is_probed_once_the_interval_has_passed() {
        let t0 = Instant::now();
        let mut l = rtm();
        assert_eq!(l.verdict(t0 + 7 * S, t0, false), Verdict::Wait(t0 + 8 * S));
        assert_eq!(l.verdict(t0 + 8 * S, t0, false), Verdict::Probe);
    }

    #[test]
    fn an_answered_probe_keeps_the_link_and_the_next_probe_counts_from_the_answer() {
        let t0 = Instant::now();
        let mut l = rtm();
        assert_eq!(l.verdict(t0 + 8 * S, t0, false), Verdict::Probe);
        l.probed(t0 + 8 * S);
        assert_eq!(l.verdict(t0 + 9 * S, t0, false), Verdict::Wait(t0 + 12 * S));
        // The pong came at 10 s.
        let pong = t0 + 10 * S;
        assert_eq!(
            l.verdict(t0 + 12 * S, pong, false),
            Verdict::Wait(pong + 8 * S)
        );
    }

    #[test]
    fn an_unanswered_probe_makes_the_link_dead_at_its_deadline() {
        let t0 = Instant::now();
        let mut l = rtm();
        l.verdict(t0 + 8 * S, t0, false);
        l.probed(t0 + 8 * S);
        assert_eq!(
            l.verdict(t0 + 12 * S, t0, false),
            Verdict::Dead(Death::Unanswered)
        );
    }

    #[test]
    fn any_frame_after_the_probe_answers_it_even_without_a_pong() {
        let t0 = Instant::now();
        let mut l = rtm();
        l.probed(t0 + 8 * S);
        let event = t0 + 11 * S;
        assert_eq!(
            l.verdict(t0 + 12 * S, event, false),
            Verdict::Wait(event + 8 * S)
        );
    }

    #[test]
    fn a_paused_reader_spares_the_link_and_keeps_probing_it() {
        let t0 = Instant::now();
        let mut l = rtm();
        l.probed(t0 + 8 * S);
        assert_eq!(l.verdict(t0 + 12 * S, t0, true), Verdict::Probe);
        l.probed(t0 + 12 * S);
        assert_eq!(l.verdict(t0 + 13 * S, t0, true), Verdict::Wait(t0 + 16 * S));
        // Once reading again, an unanswered probe counts.
        assert_eq!(
            l.verdict(t0 + 16 * S, t0, false),
            Verdict::Dead(Death::Unanswered)
        );
    }

    #[test]
    fn a_tolerant_policy_probes_again_after_a_miss_and_dies_after_two() {
        let t0 = Instant::now();
        let mut l = Liveness::new(LivenessPolicy {
            probe_every: 15 * S,
            answer_within: 5 * S,
            misses_allowed: 2,
            silence_limit: None,
        });
        assert_eq!(l.verdict(t0 + 15 * S, t0, false), Verdict::Probe);
        l.probed(t0 + 15 * S);
        assert_eq!(l.verdict(t0 + 20 * S, t0, false), Verdict::Probe);
        l.probed(t0 + 20 * S);
        assert_eq!(
            l.verdict(t0 + 25 * S, t0, false),
            Verdict::Dead(Death::Unanswered)
        );
    }

    #[test]
    fn a_miss_followed_by_an_answer_starts_the_count_over() {
        let t0 = Instant::now();
        let mut l = Liveness::new(LivenessPolicy {
            probe_every: 15 * S,
            answer_within: 5 * S,
            misses_allowed: 2,
            silence_limit: None,
        });
        l.probed(t0 + 15 * S);
        assert_eq!(l.verdict(t0 + 20 * S, t0, false), Verdict::Probe);
        l.probed(t0 + 20 * S);
        let pong = t0 + 21 * S;
        assert_eq!(
            l.verdict(t0 + 22 * S, pong, false),
            Verdict::Wait(pong + 15 * S)
        );
        l.probed(pong + 15 * S);
        assert_eq!(l.verdict(pong + 20 * S, pong, false), Verdict::Probe);
    }

    #[test]
    fn the_silence_watchdog_kills_a_link_whose_probes_cannot_tell() {
        let t0 = Instant::now();
        let mut l = Liveness::new(LivenessPolicy {
            probe_every: 15 * S,
            answer_within: 30 * S,
            misses_allowed: 2,
            silence_limit: Some(40 * S),
        });
        assert_eq!(l.verdict(t0 + 15 * S, t0, false), Verdict::Probe);
        l.probed(t0 + 15 * S);
        // The probe's own deadline (45 s) is later than the watchdog's (40 s).
        assert_eq!(
            l.verdict(t0 + 16 * S, t0, false),
            Verdict::Wait(t0 + 40 * S)
        );
        assert_eq!(
            l.verdict(t0 + 40 * S, t0, false),
            Verdict::Dead(Death::Silent)
        );
    }

    /// Drives `l` as the keepalive thread does, against a server that answers every probe
    /// `rtt` after it went out and sends nothing else: the verdict is asked at `t0` and then
    /// only when the previous one said to (a `Wait` deadline), or at once after a probe.
    /// Returns the moments the thread woke up (ended a wait) and the probes sent, up to `end`.
    fn idle_schedule(
        mut l: Liveness,
        t0: Instant,
        end: Instant,
        rtt: Duration,
    ) -> (Vec<Instant>, Vec<Instant>) {
        let (mut wakes, mut probes) = (Vec::new(), Vec::new());
        let mut last_rx = t0;
        let mut now = t0;
        while now <= end {
            // The answer to the last probe arrives `rtt` after it (the reader notes it).
            if let Some(&p) = probes.last() {
                if p + rtt <= now {
                    last_rx = last_rx.max(p + rtt);
                }
            }
            match l.verdict(now, last_rx, false) {
                Verdict::Wait(t) => {
                    assert!(t > now, "a wait must end later than now");
                    now = t;
                    if now <= end {
                        wakes.push(now);
                    }
                }
                Verdict::Probe => {
                    l.probed(now);
                    probes.push(now);
                }
                Verdict::Dead(why) => panic!("an answered link died: {why:?}"),
            }
        }
        (wakes, probes)
    }

    #[test]
    fn an_idle_rtm_link_wakes_the_keepalive_twice_per_ping_interval() {
        // Defaults: ping after 8 s of silence, answer within 4 s; the server answers in 1 ms.
        let t0 = Instant::now();
        let rtt = Duration::from_millis(1);
        let (wakes, probes) = idle_schedule(rtm(), t0, t0 + 80 * S, rtt);
        // One probe per interval (each counted from the last answer), and two wake-ups for
        // it: one to send the probe, one at its answer's deadline (the thread cannot learn
        // of the answer any sooner without being woken for it). Nothing in between.
        assert_eq!(probes.len(), 9, "{probes:?}");
        assert_eq!(wakes.len(), 2 * probes.len(), "{wakes:?}");
        for pair in probes.windows(2) {
            assert_eq!(pair[1] - pair[0], 8 * S + rtt);
        }
        for (i, probe) in probes.iter().enumerate() {
            assert_eq!(wakes[2 * i], *probe, "woken to probe");
            assert_eq!(
                wakes[2 * i + 1],
                *probe + 4 * S,
                "woken at the answer's deadline"
            );
        }
    }

    #[test]
    fn an_idle_socket_mode_link_wakes_the_keepalive_no_more_often_than_rtm() {
        let t0 = Instant::now();
        let rtt = Duration::from_millis(1);
        let end = t0 + 80 * S;
        // Socket Mode's defaults: probe every 8 s, answer within 3 s, two misses, a 40 s
        // silence watchdog.
        let socket_mode = Liveness::new(LivenessPolicy {
            probe_every: 8 * S,
            answer_within: 3 * S,
            misses_allowed: 2,
            silence_limit: Some(40 * S),
        });
        let (sm_wakes, sm_probes) = idle_schedule(socket_mode, t0, end, rtt);
        let (rtm_wakes, _) = idle_schedule(rtm(), t0, end, rtt);
        assert_eq!(sm_probes.len(), 9, "{sm_probes:?}");
        assert_eq!(sm_wakes.len(), 2 * sm_probes.len(), "{sm_wakes:?}");
        assert!(sm_wakes.len() <= rtm_wakes.len());
    }

    #[test]
    fn huge_intervals_never_overflow() {
        let t0 = Instant::now();
        let mut l = Liveness::new(LivenessPolicy {
            probe_every: Duration::MAX,
            answer_within: Duration::MAX,
            misses_allowed: 0,
            silence_limit: Some(Duration::MAX),
        });
        assert!(matches!(l.verdict(t0, t0, false), Verdict::Wait(_)));
        l.probed(t0);
        assert!(matches!(l.verdict(t0 + S, t0, false), Verdict::Wait(_)));
    }
}
