//! Message timestamps (`ts`): unique, ASCII-sortable strings, increasing across the
//! whole server.

use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;

/// Hands out `ts` values shaped like Slack's, `"<unix seconds>.<6 digits>"`.
///
/// The seconds part follows the wall clock but never goes back; the 6-digit part counts
/// the messages stamped within that second (`000001`, `000002`, ...) and, when it runs
/// out, moves on to the next second. Every value is therefore strictly greater than the
/// one before it, both numerically and as an ASCII string (the seconds part has 10
/// digits until the year 2286).
#[derive(Debug)]
pub(crate) struct TsGenerator {
    last: Mutex<(u64, u32)>,
}

impl TsGenerator {
    /// The largest value of the 6-digit part.
    const MAX_COUNTER: u32 = 999_999;

    /// A generator that starts at the current second.
    pub(crate) fn new() -> Self {
        Self {
            last: Mutex::new((unix_seconds(), 0)),
        }
    }

    /// The next `ts`.
    pub(crate) fn next(&self) -> String {
        let (secs, counter) = {
            let mut last = self.last.lock();
            *last = Self::advance(*last, unix_seconds());
            *last
        };
        format!("{secs}.{counter:06}")
    }

    /// The `(seconds, counter)` pair after `last`, given the clock reads `now`.
    fn advance((secs, counter): (u64, u32), now: u64) -> (u64, u32) {
        if now > secs {
            (now, 1)
        } else if counter < Self::MAX_COUNTER {
            (secs, counter + 1)
        } else {
            (secs + 1, 0)
        }
    }
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_unique_and_ascii_sorted() {
        let ts = TsGenerator::new();
        let values: Vec<String> = (0..1000).map(|_| ts.next()).collect();
        assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
        let (secs, frac) = values[0].split_once('.').expect("a dot");
        assert_eq!(secs.len(), 10);
        assert_eq!(frac.len(), 6);
    }

    #[test]
    fn counter_overflow_moves_to_the_next_second() {
        let after = TsGenerator::advance((100, TsGenerator::MAX_COUNTER), 100);
        assert_eq!(after, (101, 0));
        assert_eq!(TsGenerator::advance(after, 100), (101, 1));
    }

    #[test]
    fn a_clock_going_back_does_not_make_values_go_back() {
        assert_eq!(TsGenerator::advance((200, 5), 150), (200, 6));
        assert_eq!(TsGenerator::advance((200, 5), 201), (201, 1));
    }
}
