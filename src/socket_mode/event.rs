//! [`SocketEvent`]: what a [`SocketModeClient`](super::SocketModeClient) delivers —
//! requests from Slack, and the client's lifecycle.

use crate::error::Error;
use crate::socket_mode::{Disconnect, Hello, Request};

/// One thing that happened: a request from Slack, a control frame, or a lifecycle change.
///
/// [`SocketEvent::name`] gives the names the RTM client uses for the same lifecycle
/// changes (`connecting`, `connected`, `ready`, …), so logs read alike.
///
/// ```
/// use slack_rtm::socket_mode::SocketEvent;
/// assert_eq!(SocketEvent::Ready.name(), "ready");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SocketEvent {
    /// The client is calling `apps.connections.open`.
    Connecting,
    /// A websocket is open (no `hello` yet).
    Connected,
    /// A socket said `hello` (its fields; `num_connections` is what Slack counts).
    Hello(Hello),
    /// A socket is ready: requests flow.
    Ready,
    /// Slack asked a socket to go away; the client handles it (a make-before-break
    /// refresh, a back-off, or a stop), this is for your logs.
    Disconnect(Disconnect),
    /// A socket was lost and the client is connecting again.
    Reconnecting,
    /// The client is closing for good. Delivered as soon as
    /// [`disconnect`](super::SocketModeClient::disconnect) is called: no new request
    /// follows, and the requests you hold should be acked now (within
    /// [`disconnect_grace`](super::SocketModeBuilder::disconnect_grace)).
    Disconnecting,
    /// The client is disconnected and will not reconnect; `None` when the app asked. The
    /// last event: the stream ends after it.
    Disconnected(Option<Error>),
    /// A connection attempt failed; another follows unless the error is fatal.
    UnableToStart(Error),
    /// Something went wrong that did not stop the client (a malformed frame, an ack that
    /// could not be written, …).
    Error(Error),
    /// The app fell `event_queue_capacity` behind and this many requests were dropped.
    EventsDropped(u64),
    /// A request from Slack: ack it within 3 s (see [`AckPolicy`](super::AckPolicy)).
    Request(Request),
}

impl SocketEvent {
    /// The event's name: a lifecycle name, `hello`, `disconnect`, or for a request its
    /// envelope type (`events_api`, `slash_commands`, `interactive`, …).
    ///
    /// ```
    /// use slack_rtm::socket_mode::{Request, SocketEvent};
    /// let r = Request::from_json(r#"{"envelope_id":"1","type":"slash_commands","payload":{}}"#).unwrap();
    /// assert_eq!(SocketEvent::Request(r).name(), "slash_commands");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            SocketEvent::Connecting => "connecting",
            SocketEvent::Connected => "connected",
            SocketEvent::Hello(_) => "hello",
            SocketEvent::Ready => "ready",
            SocketEvent::Disconnect(_) => "disconnect",
            SocketEvent::Reconnecting => "reconnecting",
            SocketEvent::Disconnecting => "disconnecting",
            SocketEvent::Disconnected(_) => "disconnected",
            SocketEvent::UnableToStart(_) => "unable_to_start",
            SocketEvent::Error(_) => "error",
            SocketEvent::EventsDropped(_) => "events_dropped",
            SocketEvent::Request(r) => r.kind().as_str(),
        }
    }

    /// The request, if this is one.
    ///
    /// ```
    /// use slack_rtm::socket_mode::SocketEvent;
    /// assert!(SocketEvent::Connected.as_request().is_none());
    /// ```
    pub fn as_request(&self) -> Option<&Request> {
        match self {
            SocketEvent::Request(r) => Some(r),
            _ => None,
        }
    }
}
