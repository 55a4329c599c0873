//! [`Request`]: one envelope from Slack (an event, a slash command, an interaction, or a
//! type this crate does not know), with its retry fields and the means to ack it.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::Value;

use super::events_api::EventsApi;
use super::interaction::Interaction;
use super::slash_command::SlashCommand;
use crate::error::{Error, Result};
use crate::socket_mode::protocol::frame::{classify, EnvelopeHead, Inbound};

/// An envelope's `type`.
///
/// ```
/// use slack_rtm::socket_mode::RequestKind;
/// assert_eq!(RequestKind::parse("slash_commands"), RequestKind::SlashCommands);
/// assert_eq!(RequestKind::parse("workflow_step").as_str(), "workflow_step");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestKind {
    /// `events_api`: an Events API event ([`Request::events_api`]).
    EventsApi,
    /// `slash_commands`: a slash command ([`Request::slash_command`]).
    SlashCommands,
    /// `interactive`: a button, a modal, a shortcut, a suggestion ([`Request::interaction`]).
    Interactive,
    /// Any other type, kept verbatim (`""` when the envelope had none).
    Other(String),
}

impl RequestKind {
    /// The kind from its wire name.
    ///
    /// ```
    /// use slack_rtm::socket_mode::RequestKind;
    /// assert_eq!(RequestKind::parse("events_api"), RequestKind::EventsApi);
    /// ```
    pub fn parse(kind: &str) -> RequestKind {
        match kind {
            "events_api" => RequestKind::EventsApi,
            "slash_commands" => RequestKind::SlashCommands,
            "interactive" => RequestKind::Interactive,
            other => RequestKind::Other(other.to_owned()),
        }
    }

    /// The wire name.
    ///
    /// ```
    /// use slack_rtm::socket_mode::RequestKind;
    /// assert_eq!(RequestKind::Interactive.as_str(), "interactive");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            RequestKind::EventsApi => "events_api",
            RequestKind::SlashCommands => "slash_commands",
            RequestKind::Interactive => "interactive",
            RequestKind::Other(s) => s,
        }
    }
}

/// Where a request's ack goes: the runtime's ack path, and the socket that delivered it.
pub(crate) trait AckSink: Send + Sync {
    /// Writes the encoded ack for `envelope_id` (preferably on socket `conn`).
    ///
    /// # Errors
    /// When no socket could take it; the error says whether anything was written.
    fn send_ack(&self, conn: u64, envelope_id: &str, text: String) -> Result<()>;
    /// The request was dropped without an ack: the sink decides (a bare ack by default).
    fn dropped_unacked(&self, conn: u64, envelope_id: &str);
}

/// One request from Slack: an envelope to ack within 3 seconds.
///
/// The app acks with [`Request::ack`] (bare) or [`Request::ack_with`] (a response
/// payload, where [`accepts_response_payload`](Request::accepts_response_payload) is true:
/// slash command replies, `view_submission` `response_action`s, `block_suggestion`
/// options). A request acks at most once; one dropped without an ack is acked bare by the
/// client (see the client's ack policy), so it never sits out the deadline unnoticed.
///
/// ```
/// use slack_rtm::socket_mode::{Request, RequestKind};
///
/// let req = Request::from_json(r#"{"envelope_id":"a8","type":"slash_commands","accepts_response_payload":true,"payload":{"command":"/deploy","text":"staging"}}"#).unwrap();
/// assert_eq!(req.kind(), &RequestKind::SlashCommands);
/// assert_eq!(req.envelope_id(), "a8");
/// let cmd = req.slash_command().unwrap();
/// assert_eq!((cmd.command.as_str(), cmd.text.as_str()), ("/deploy", "staging"));
/// ```
pub struct Request {
    head: EnvelopeHead,
    raw: tungstenite::Utf8Bytes,
    ack: Option<(Arc<dyn AckSink>, u64)>,
    acked: AtomicBool,
}

impl Request {
    pub(crate) fn new(
        head: EnvelopeHead,
        raw: tungstenite::Utf8Bytes,
        ack: Option<(Arc<dyn AckSink>, u64)>,
    ) -> Self {
        Self {
            head,
            raw,
            ack,
            acked: AtomicBool::new(false),
        }
    }

    /// Reads an envelope as the client does, detached from any connection (for tests and
    /// for replaying recorded envelopes): [`Request::ack`] on it fails.
    ///
    /// # Errors
    /// [`Error::Protocol`] when the text is not an envelope (not a JSON object, no string
    /// `envelope_id`, or a `hello`/`disconnect` control frame).
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// assert!(Request::from_json(r#"{"type":"hello"}"#).is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Request> {
        match classify(text) {
            Inbound::Envelope(head) => Ok(Request::new(head, text.to_owned().into(), None)),
            Inbound::Hello(_) | Inbound::Disconnect(_) => Err(Error::Protocol(
                "a control frame (hello or disconnect), not an envelope".into(),
            )),
            Inbound::Unrecognized(why) => Err(Error::Protocol(why)),
        }
    }

    /// The envelope's id (what the ack echoes).
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"a8","type":"events_api","payload":{}}"#).unwrap();
    /// assert_eq!(r.envelope_id(), "a8");
    /// ```
    pub fn envelope_id(&self) -> &str {
        &self.head.envelope_id
    }

    /// The envelope's `type`.
    ///
    /// ```
    /// use slack_rtm::socket_mode::{Request, RequestKind};
    /// let r = Request::from_json(r#"{"envelope_id":"a8","type":"interactive","payload":{}}"#).unwrap();
    /// assert_eq!(r.kind(), &RequestKind::Interactive);
    /// ```
    pub fn kind(&self) -> &RequestKind {
        &self.head.kind
    }

    /// `payload.type`: `event_callback`, `block_actions`, `view_submission`, … (`None`
    /// for slash commands, whose payload has none).
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"c4","type":"interactive","payload":{"type":"block_actions"}}"#).unwrap();
    /// assert_eq!(r.payload_type(), Some("block_actions"));
    /// ```
    pub fn payload_type(&self) -> Option<&str> {
        self.head.payload_type.as_deref()
    }

    /// Whether [`Request::ack_with`] may carry a response payload.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"a8","type":"slash_commands","accepts_response_payload":true,"payload":{}}"#).unwrap();
    /// assert!(r.accepts_response_payload());
    /// ```
    pub fn accepts_response_payload(&self) -> bool {
        self.head.accepts_response_payload
    }

    /// `retry_attempt`: 0 on a first delivery, 1–3 on Slack's retries after a missed ack.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"x","type":"events_api","retry_attempt":1,"retry_reason":"timeout","payload":{}}"#).unwrap();
    /// assert_eq!((r.retry_attempt(), r.retry_reason()), (1, Some("timeout")));
    /// ```
    pub fn retry_attempt(&self) -> u32 {
        self.head.retry_attempt
    }

    /// `retry_reason` (`"timeout"` after a missed ack); `None` on a first delivery.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"x","type":"events_api","retry_attempt":0,"payload":{}}"#).unwrap();
    /// assert_eq!(r.retry_reason(), None);
    /// ```
    pub fn retry_reason(&self) -> Option<&str> {
        Some(&*self.head.retry_reason).filter(|r| !r.is_empty())
    }

    /// `payload.event_id` of an `events_api` request: stable across Slack's retries.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"e","type":"events_api","payload":{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}}"#).unwrap();
    /// assert_eq!(r.event_id(), Some("Ev1"));
    /// ```
    pub fn event_id(&self) -> Option<&str> {
        self.head.event_id.as_deref()
    }

    /// The whole envelope as Slack sent it.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let text = r#"{"envelope_id":"z","type":"events_api","payload":{}}"#;
    /// let r = Request::from_json(text).unwrap();
    /// assert_eq!(r.raw(), text);
    /// ```
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The envelope's `payload`, parsed (`Value::Null` when absent).
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"z","type":"new_thing","payload":{"a":1}}"#).unwrap();
    /// assert_eq!(r.payload()["a"], 1);
    /// ```
    pub fn payload(&self) -> Value {
        self.envelope()
            .and_then(|mut v| v.get_mut("payload").map(Value::take))
            .unwrap_or(Value::Null)
    }

    /// The whole envelope, parsed (`None` in the rare case the reader let through text that
    /// `Value` cannot hold, such as a lone surrogate escape; [`Request::raw`] has it).
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"z","type":"events_api","payload":{}}"#).unwrap();
    /// assert_eq!(r.envelope().unwrap()["envelope_id"], "z");
    /// ```
    pub fn envelope(&self) -> Option<Value> {
        serde_json::from_str(&self.raw).ok()
    }

    /// The Events API event, for an `events_api` request.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"e","type":"events_api","payload":{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","text":"hi"}}}"#).unwrap();
    /// let ev = r.events_api().unwrap();
    /// assert_eq!(ev.event.kind(), "app_mention");
    /// ```
    pub fn events_api(&self) -> Option<EventsApi> {
        (self.head.kind == RequestKind::EventsApi).then(|| EventsApi::from_payload(&self.payload()))
    }

    /// The slash command, for a `slash_commands` request.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"s","type":"slash_commands","payload":{"command":"/deploy","text":"prod"}}"#).unwrap();
    /// assert_eq!(r.slash_command().unwrap().command, "/deploy");
    /// ```
    pub fn slash_command(&self) -> Option<SlashCommand> {
        (self.head.kind == RequestKind::SlashCommands)
            .then(|| SlashCommand::from_payload(&self.payload()))
    }

    /// The interaction, for an `interactive` request.
    ///
    /// ```
    /// use slack_rtm::socket_mode::{InteractionKind, Request};
    /// let r = Request::from_json(r#"{"envelope_id":"c4","type":"interactive","payload":{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"approve","value":"42"}]}}"#).unwrap();
    /// let i = r.interaction().unwrap();
    /// assert_eq!(i.kind, InteractionKind::BlockActions);
    /// assert_eq!(i.actions[0].action_id, "approve");
    /// ```
    pub fn interaction(&self) -> Option<Interaction> {
        (self.head.kind == RequestKind::Interactive)
            .then(|| Interaction::from_payload(&self.payload()))
    }

    /// Whether this request was acked already.
    ///
    /// ```
    /// use slack_rtm::socket_mode::Request;
    /// let r = Request::from_json(r#"{"envelope_id":"a","type":"events_api","payload":{}}"#).unwrap();
    /// assert!(!r.is_acked());
    /// ```
    pub fn is_acked(&self) -> bool {
        self.acked.load(Ordering::SeqCst)
    }

    /// Acks the request with no payload. A request acked already (by you, or by the client
    /// under [`AckPolicy::Auto`](crate::socket_mode::AckPolicy::Auto)) is left alone:
    /// nothing is sent and the call succeeds.
    ///
    /// # Errors
    /// As [`Request::ack_with`], except that a request acked already is not an error.
    ///
    /// ```no_run
    /// # fn demo(req: slack_rtm::socket_mode::Request) -> Result<(), slack_rtm::Error> {
    /// req.ack()?; // first, then do the slow work
    /// # Ok(()) }
    /// ```
    pub fn ack(&self) -> Result<()> {
        if self.is_acked() {
            return Ok(());
        }
        self.ack_inner(None)
    }

    /// Acks the request with a response payload (a JSON object): a slash command's reply
    /// (`text`/`blocks`, `response_type`), a `view_submission`'s `response_action`, a
    /// `block_suggestion`'s `options`.
    ///
    /// # Errors
    /// - [`Error::InvalidArgument`]: the request was acked already, does not
    ///   [accept a response payload](Request::accepts_response_payload), the payload is not
    ///   an object, or the request is detached ([`Request::from_json`]). Nothing was sent.
    /// - [`Error::FrameTooLarge`]: the ack would be [`MAX_ACK_BYTES`](crate::socket_mode::MAX_ACK_BYTES)
    ///   or more (Slack ignores those). Nothing was sent; the request is still unacked, so
    ///   a smaller answer can follow.
    /// - [`Error::SendWhileDisconnected`]: no socket is open; nothing was sent.
    /// - [`Error::Websocket`]: the write failed; the ack may or may not have gone out.
    ///
    /// While the client's reader is routing a batch of envelopes, the ack joins that
    /// batch's single write, which leaves before the reader waits for anything; a write
    /// failing then is retried on another socket and counted in the stats
    /// (`acks_failed`), not returned here.
    ///
    /// ```no_run
    /// # fn demo(req: slack_rtm::socket_mode::Request) -> Result<(), slack_rtm::Error> {
    /// req.ack_with(serde_json::json!({"response_type": "ephemeral", "text": "Deploying…"}))?;
    /// # Ok(()) }
    /// ```
    pub fn ack_with(&self, payload: Value) -> Result<()> {
        self.ack_inner(Some(&payload))
    }

    /// Marks the request acked: the client queued its ack itself (the automatic policy).
    pub(crate) fn set_acked(&self) {
        self.acked.store(true, Ordering::SeqCst);
    }

    fn ack_inner(&self, payload: Option<&Value>) -> Result<()> {
        let Some((sink, conn)) = &self.ack else {
            return Err(Error::InvalidArgument(
                "this request is detached (made by Request::from_json): there is no socket to ack on".into(),
            ));
        };
        let text = crate::socket_mode::protocol::ack::encode_ack(
            &self.head.envelope_id,
            payload,
            self.head.accepts_response_payload,
        )?;
        if self.acked.swap(true, Ordering::SeqCst) {
            return Err(Error::InvalidArgument(
                "this request was acked already".into(),
            ));
        }
        let sent = sink.send_ack(*conn, &self.head.envelope_id, text);
        if matches!(sent, Err(Error::SendWhileDisconnected)) {
            // Nothing went out: the app may try again once a socket is back.
            self.acked.store(false, Ordering::SeqCst);
        }
        sent
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        if let Some((sink, conn)) = &self.ack {
            if !self.acked.load(Ordering::SeqCst) {
                sink.dropped_unacked(*conn, &self.head.envelope_id);
            }
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The raw envelope holds the payload's verification `token`: not shown.
        f.debug_struct("Request")
            .field("envelope_id", &self.head.envelope_id)
            .field("kind", &self.head.kind)
            .field("payload_type", &self.head.payload_type)
            .field(
                "accepts_response_payload",
                &self.head.accepts_response_payload,
            )
            .field("retry_attempt", &self.head.retry_attempt)
            .field("retry_reason", &self.head.retry_reason)
            .field("event_id", &self.head.event_id)
            .field("acked", &self.is_acked())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    #[derive(Default)]
    struct Recorder {
        sent: Mutex<Vec<(u64, String)>>,
        dropped: Mutex<Vec<String>>,
    }

    impl AckSink for Recorder {
        fn send_ack(&self, conn: u64, _id: &str, text: String) -> Result<()> {
            self.sent.lock().push((conn, text));
            Ok(())
        }
        fn dropped_unacked(&self, _conn: u64, id: &str) {
            self.dropped.lock().push(id.to_owned());
        }
    }

    fn attached(text: &str, sink: &Arc<Recorder>) -> Request {
        let Inbound::Envelope(head) = classify(text) else {
            panic!()
        };
        Request::new(
            head,
            text.to_owned().into(),
            Some((sink.clone() as Arc<dyn AckSink>, 7)),
        )
    }

    const SLASH: &str = r#"{"envelope_id":"a8","type":"slash_commands","accepts_response_payload":true,"payload":{"command":"/deploy"}}"#;

    #[test]
    fn an_ack_goes_to_the_delivering_socket_once() {
        let sink = Arc::new(Recorder::default());
        let r = attached(SLASH, &sink);
        r.ack_with(serde_json::json!({"text": "ok"})).unwrap();
        assert!(r.ack().is_ok(), "a bare ack of an acked request is a no-op");
        assert!(matches!(
            r.ack_with(serde_json::json!({"text": "again"})),
            Err(Error::InvalidArgument(_))
        ));
        drop(r);
        let sent = sink.sent.lock().clone();
        assert_eq!(
            sent,
            vec![(
                7,
                r#"{"envelope_id":"a8","payload":{"text":"ok"}}"#.to_owned()
            )]
        );
        assert!(sink.dropped.lock().is_empty());
    }

    #[test]
    fn a_request_dropped_without_an_ack_is_reported_to_the_sink() {
        let sink = Arc::new(Recorder::default());
        drop(attached(SLASH, &sink));
        assert_eq!(*sink.dropped.lock(), vec!["a8".to_owned()]);
    }

    #[test]
    fn an_oversized_answer_leaves_the_request_unacked_for_a_smaller_one() {
        let sink = Arc::new(Recorder::default());
        let r = attached(SLASH, &sink);
        let big = serde_json::json!({"text": "x".repeat(30_000)});
        assert!(matches!(r.ack_with(big), Err(Error::FrameTooLarge { .. })));
        assert!(!r.is_acked());
        r.ack().unwrap();
        assert!(r.is_acked());
    }

    #[test]
    fn a_detached_request_cannot_be_acked() {
        let r = Request::from_json(SLASH).unwrap();
        assert!(matches!(r.ack(), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn debug_output_never_shows_the_payload_token() {
        let r = Request::from_json(
            r#"{"envelope_id":"a","type":"events_api","payload":{"token":"verif-secret"}}"#,
        )
        .unwrap();
        assert!(!format!("{r:?}").contains("verif-secret"));
    }

    #[test]
    fn every_request_exposes_its_retry_fields() {
        let r = Request::from_json(r#"{"envelope_id":"a","type":"events_api","retry_attempt":3,"retry_reason":"timeout","payload":{"event_id":"Ev9"}}"#).unwrap();
        assert_eq!(r.retry_attempt(), 3);
        assert_eq!(r.retry_reason(), Some("timeout"));
        assert_eq!(r.event_id(), Some("Ev9"));
        let first = Request::from_json(SLASH).unwrap();
        assert_eq!((first.retry_attempt(), first.retry_reason()), (0, None));
    }
}
