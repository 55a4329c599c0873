//! A bot under test: a client connected to the fake, dispatching its events on a thread
//! of its own as [`RtmClient::run`] does in production.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::Receiver;
use serde_json::json;

use super::shared::Shared;
use super::FakeSlack;
use crate::{Error, Result, RtmClient};

/// The `type` of the event [`RunningBot::stop`] pushes to find out when the bot's
/// handlers are done with everything pushed before.
pub(crate) const BARRIER_TYPE: &str = "slack_rtm_fake_barrier";

/// Tells the barriers of different bots apart.
static NEXT_BARRIER: AtomicU64 = AtomicU64::new(1);

/// A bot connected to a fake Slack and running, made by [`FakeSlack::start_bot`] or
/// [`RunningBot::start`].
///
/// Its handlers run on a thread of its own, so the test thread plays the other side.
/// Dropping it disconnects and joins that thread, so a failed assertion never leaves a
/// bot running; [`RunningBot::stop`] does the same and says how `run()` ended.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{FakeSlack, RunningBot};
/// use slack_rtm::HandlerResult;
///
/// let slack = FakeSlack::start()?;
/// let client = slack.client_builder().reply_timeout(Duration::from_secs(2)).build()?;
/// client.on_message(|client, msg| -> HandlerResult {
///     if let (Some("hi"), Some(channel)) = (msg.text.as_deref(), msg.channel.as_deref()) {
///         client.send_message(channel, "hello!")?;
///     }
///     Ok(())
/// });
/// let bot = RunningBot::start(&slack, client)?;
/// slack.user("U0ALICE", "alice").say(FakeSlack::GENERAL_CHANNEL, "hi")?;
/// assert_eq!(slack.next_bot_message(Duration::from_secs(5))?.text, "hello!");
/// bot.stop()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RunningBot {
    client: RtmClient,
    thread: Option<JoinHandle<Result<()>>>,
    shared: Arc<Shared>,
    barrier: u64,
    /// Signalled by the bot's thread when it handles its barrier event.
    barrier_seen: Receiver<()>,
}

impl RunningBot {
    /// Connects `client` (made for `slack`, e.g. with [`FakeSlack::client_builder`]) with
    /// [`RtmClient::start`] — it returns once Slack said `hello`, so whatever the test
    /// pushes from now on reaches the bot — and runs its handlers ([`RtmClient::run`]) on
    /// a new thread.
    ///
    /// # Errors
    ///
    /// The error of [`RtmClient::start`], or [`Error::Internal`] if the thread cannot be
    /// started.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let client = slack.client_builder().reply_timeout(Duration::from_secs(1)).build()?;
    /// let bot = slack_rtm::fake::RunningBot::start(&slack, client)?;
    /// assert!(bot.client().connected());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start(slack: &FakeSlack, client: RtmClient) -> Result<RunningBot> {
        let barrier = NEXT_BARRIER.fetch_add(1, Ordering::Relaxed);
        let (seen, barrier_seen) = crossbeam_channel::bounded(1);
        client.on_any(move |_client, event| {
            let Some(event) = event.as_slack() else {
                return;
            };
            if event.kind() == BARRIER_TYPE && event.json().is_ok_and(|v| v["barrier"] == barrier) {
                let _ = seen.try_send(());
            }
        });
        client.start()?;
        let runner = client.clone();
        // This session's stream, taken here: if the test drops the bot before its thread
        // starts, the thread still sees this session end instead of waiting for another.
        let events = client.events();
        let thread = std::thread::Builder::new()
            .name("bot-under-test".into())
            .spawn(move || runner.run_on(events));
        match thread {
            Ok(thread) => Ok(RunningBot {
                client,
                thread: Some(thread),
                shared: slack.shared.clone(),
                barrier,
                barrier_seen,
            }),
            Err(e) => {
                client.disconnect();
                Err(Error::Internal(format!(
                    "cannot start the bot's thread: {e}"
                )))
            }
        }
    }

    /// The bot's client, e.g. to read its [`stats`](RtmClient::stats) or send from the
    /// test.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let bot = slack.start_bot(|_client| {})?;
    /// assert_eq!(bot.client().active_user_id().as_deref(), Some("U0FAKEBOT"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client(&self) -> &RtmClient {
        &self.client
    }

    /// Lets the bot finish what it is doing, disconnects it and waits for its thread:
    /// `Ok` after this clean stop, or the error that had already ended its session.
    ///
    /// "Finish" is decided by an event, not a timer: while connected, the bot is pushed a
    /// last event (`{"type":"slack_rtm_fake_barrier",..}`, which its own `on_any`
    /// handlers see too) and once its thread has handled it, every event before it has
    /// been handled, and every send those handlers made has its reply. This waits at most
    /// the client's `reply_timeout` plus 5 s for it.
    ///
    /// # Errors
    ///
    /// The error [`RtmClient::run`] returned, or [`Error::Internal`] if a handler
    /// panicked.
    ///
    /// ```
    /// # let slack = slack_rtm::fake::FakeSlack::start()?;
    /// let bot = slack.start_bot(|_client| {})?;
    /// bot.stop()?;
    /// assert!(slack.wait_for_open_sessions(0, std::time::Duration::from_secs(5)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stop(mut self) -> Result<()> {
        if self.client.connected() {
            let event = json!({"type": BARRIER_TYPE, "barrier": self.barrier});
            if self.shared.broadcast(&event) > 0 {
                let patience = self
                    .client
                    .config()
                    .reply_timeout
                    .saturating_add(Duration::from_secs(5));
                let _ = self.barrier_seen.recv_timeout(patience);
            }
        }
        self.client.disconnect();
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(outcome)) => outcome,
            Some(Err(_)) => Err(Error::Internal("a handler of the bot panicked".into())),
            None => Ok(()),
        }
    }
}

impl std::fmt::Debug for RunningBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningBot")
            .field("client", &self.client)
            .field("running", &self.thread.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for RunningBot {
    fn drop(&mut self) {
        self.client.disconnect();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
