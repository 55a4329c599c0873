//! Pure decisions: no sockets, no threads, time passed in as an argument. Each module is
//! unit-tested with a virtual clock.

pub(crate) mod backoff;
pub(crate) mod lifecycle;
pub(crate) mod outbox;
pub(crate) mod rate_limit;
pub(crate) mod reply_waiters;
