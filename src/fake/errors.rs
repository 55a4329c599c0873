//! The fake's own errors: a test step Slack would refuse, and a wait that timed out.

use std::fmt;
use std::time::Duration;

/// Slack would refuse this: a test acted on a conversation the fake workspace does not
/// have. Add it first ([`FakeSlack::add_channel`](super::FakeSlack::add_channel)); a
/// person's direct-message conversation comes with [`FakeSlack::user`](super::FakeSlack::user).
///
/// ```
/// use slack_rtm::fake::FakeSlack;
///
/// let slack = FakeSlack::start()?;
/// let alice = slack.user("U0ALICE", "alice");
/// let refused = alice.say("C0NOWHERE", "hi").unwrap_err();
/// assert_eq!(refused.error(), "channel_not_found");
/// assert!(refused.to_string().contains("C0NOWHERE"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    error: &'static str,
    id: String,
}

impl Refused {
    pub(crate) fn channel_not_found(id: &str) -> Self {
        Self {
            error: "channel_not_found",
            id: id.to_owned(),
        }
    }

    /// Slack's error code, e.g. `"channel_not_found"`.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// assert_eq!(slack.user("U0A", "a").say("#general", "x").unwrap_err().error(), "channel_not_found");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn error(&self) -> &'static str {
        self.error
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {:?} is not a conversation of the fake workspace (Slack wants the id of a \
             known channel or direct-message conversation)",
            self.error, self.id
        )
    }
}

impl std::error::Error for Refused {}

/// A bounded wait of the fake ended without what it waited for.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::FakeSlack;
///
/// let slack = FakeSlack::start()?;
/// let waited = slack.next_bot_message(Duration::from_millis(10)).unwrap_err();
/// assert_eq!(waited.after(), Duration::from_millis(10));
/// assert!(waited.to_string().contains("bot message"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitTimeout {
    what: String,
    after: Duration,
}

impl WaitTimeout {
    pub(crate) fn new(what: impl Into<String>, after: Duration) -> Self {
        Self {
            what: what.into(),
            after,
        }
    }

    /// How long it waited.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let waited = slack.wait_for_typing("C0GENERAL", Duration::ZERO).unwrap_err();
    /// assert_eq!(waited.after(), Duration::ZERO);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timed out after {:?} waiting for {}",
            self.after, self.what
        )
    }
}

impl std::error::Error for WaitTimeout {}
