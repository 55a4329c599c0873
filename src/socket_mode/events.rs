//! [`SocketEvents`]: the receiving side of one Socket Mode session, for the caller's own
//! loop — the crate's one [`EventStream`] over [`SocketEvent`]s (RTM's
//! [`Events`](crate::Events) is the same stream over its events).

use crate::events::stream::EventStream;
use crate::socket_mode::SocketEvent;

/// The stream of [`SocketEvent`]s of one session, from `start` to the final
/// `Disconnected`: [`recv`](EventStream::recv), [`recv_timeout`](EventStream::recv_timeout),
/// [`try_recv`](EventStream::try_recv), [`len`](EventStream::len),
/// [`iter`](EventStream::iter), and `for event in events`. Clones share one queue: each
/// event goes to exactly one receiver.
///
/// ```no_run
/// # fn main() -> Result<(), slack_rtm::Error> {
/// use std::time::Duration;
/// use slack_rtm::socket_mode::{SocketEvent, SocketEvents, SocketModeClient};
/// use slack_rtm::RecvTimeoutError;
/// let client = SocketModeClient::builder(std::env::var("SLACK_APP_TOKEN").unwrap()).build()?;
/// client.start()?;
/// let events: SocketEvents = client.events();
/// loop {
///     match events.recv_timeout(Duration::from_secs(30)) {
///         Ok(SocketEvent::Request(req)) => {
///             println!("{} {}", req.kind().as_str(), req.envelope_id());
///             req.ack()?; // events are acked on arrival under AckPolicy::Auto: then a no-op
///         }
///         Ok(other) => println!("{}", other.name()),
///         Err(RecvTimeoutError::Timeout) => println!("quiet"),
///         Err(RecvTimeoutError::Ended) => break,
///     }
/// }
/// # Ok(()) }
/// ```
pub type SocketEvents = EventStream<SocketEvent>;
