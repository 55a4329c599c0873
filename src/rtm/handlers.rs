//! [`Handlers`]: the closures registered with `on`, `on_any`, `on_typed` and `on_message`,
//! which [`RtmClient::run`](crate::RtmClient::run) dispatches on the caller's thread, and
//! [`HandlerResult`], what a handler may return.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::events::event::Event;
use crate::rtm::client::RtmClient;
use crate::typed::{Message, TypedEvent};

/// What a handler may return: `()`, or a `Result` whose error is reported (logged at
/// WARN and passed to the [`on_handler_error`](crate::RtmClient::on_handler_error) hook)
/// without stopping [`run`](crate::RtmClient::run).
///
/// ```
/// fn reply(client: &slack_rtm::RtmClient) -> slack_rtm::HandlerResult {
///     client.send_message("C123", "pong")?; // an error here is reported, run() goes on
///     Ok(())
/// }
/// ```
pub type HandlerResult = Result<(), HandlerError>;

/// The error a handler returned (any error type converts into it with `?`).
///
/// ```
/// use slack_rtm::{HandlerError, HandlerResult};
///
/// fn parse_count(text: &str) -> HandlerResult {
///     let n: u32 = text.trim().parse()?; // a ParseIntError becomes a HandlerError
///     println!("{n}");
///     Ok(())
/// }
/// let err: HandlerError = parse_count("many").unwrap_err();
/// assert!(err.is::<std::num::ParseIntError>());
/// let own: HandlerError = "a reason of my own".into();
/// assert_eq!(own.to_string(), "a reason of my own");
/// ```
pub type HandlerError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The return types a handler may have: `()` and [`HandlerResult`] (or any `Result<(), E>`
/// whose error converts into a [`HandlerError`]).
///
/// ```
/// use slack_rtm::HandlerOutcome;
/// assert!(().into_result().is_ok());
/// assert!(Err::<(), _>("nope").into_result().is_err());
/// ```
pub trait HandlerOutcome {
    /// The outcome as a [`HandlerResult`].
    ///
    /// ```
    /// use slack_rtm::HandlerOutcome;
    ///
    /// let parsed: Result<(), std::num::ParseIntError> = "x".parse::<u8>().map(drop);
    /// let err = parsed.into_result().unwrap_err();
    /// assert!(err.is::<std::num::ParseIntError>()); // the error keeps its type
    /// ```
    fn into_result(self) -> HandlerResult;
}

impl HandlerOutcome for () {
    fn into_result(self) -> HandlerResult {
        Ok(())
    }
}

impl<E: Into<HandlerError>> HandlerOutcome for Result<(), E> {
    fn into_result(self) -> HandlerResult {
        self.map_err(Into::into)
    }
}

/// A registered closure for events by name.
pub(crate) type Handler = Box<dyn FnMut(&RtmClient, &Event) -> HandlerResult + Send + 'static>;
/// A registered closure for typed Slack events.
pub(crate) type TypedHandler =
    Box<dyn FnMut(&RtmClient, &TypedEvent) -> HandlerResult + Send + 'static>;
/// A registered closure for typed messages.
pub(crate) type MessageHandler =
    Box<dyn FnMut(&RtmClient, &Message) -> HandlerResult + Send + 'static>;
/// The hook that receives handler errors.
pub(crate) type ErrorHook = Box<dyn FnMut(&RtmClient, &str, &HandlerError) + Send + 'static>;

/// The names that are not Slack event types: the lifecycle events and `slack_event`.
const LIFECYCLE_NAMES: &[&str] = &[
    "connecting",
    "authenticated",
    "connected",
    "ready",
    "disconnecting",
    "reconnecting",
    "disconnected",
    "unable_to_rtm_start",
    "error",
    "events_dropped",
    "slack_event",
];

/// Whether `name` (a lifecycle name, an event type, or `type::subtype`) is one the crate
/// knows (event types come from the one table in `typed`).
pub(crate) fn known_name(name: &str) -> bool {
    let kind = name.split_once("::").map_or(name, |(kind, _)| kind);
    LIFECYCLE_NAMES.contains(&kind) || crate::typed::known_kind(kind).is_some()
}

/// Closures by event name, plus typed handlers and catch-alls.
#[derive(Default)]
pub(crate) struct Handlers {
    by_name: HashMap<String, Vec<Handler>>,
    slack_events: Vec<Handler>,
    any: Vec<Handler>,
    typed: Vec<TypedHandler>,
    messages: Vec<MessageHandler>,
    on_error: Option<ErrorHook>,
    /// Unknown names already warned about.
    warned: HashSet<String>,
    /// Whether any name uses `type::subtype` routing (saves a lookup per event if not).
    has_subtypes: bool,
}

impl fmt::Debug for Handlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handlers")
            .field("names", &self.by_name.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Handlers {
    /// Registers `handler` under `name`; warns once per unknown name (a typo such as
    /// `"mesage"` would otherwise never fire).
    pub(crate) fn add(&mut self, name: &str, handler: Handler) {
        if name == "slack_event" {
            self.slack_events.push(handler);
            return;
        }
        if !known_name(name) && self.warned.insert(name.to_string()) {
            log::warn!(
                "a handler was registered for {name:?}, which is not an event type this crate \
                 knows: check the spelling (it fires only if Slack sends that type)"
            );
        }
        self.has_subtypes |= name.contains("::");
        self.by_name
            .entry(name.to_string())
            .or_default()
            .push(handler);
    }

    pub(crate) fn add_any(&mut self, handler: Handler) {
        self.any.push(handler);
    }

    pub(crate) fn add_typed(&mut self, handler: TypedHandler) {
        self.typed.push(handler);
    }

    pub(crate) fn add_message(&mut self, handler: MessageHandler) {
        self.messages.push(handler);
    }

    pub(crate) fn set_error_hook(&mut self, hook: ErrorHook) {
        self.on_error = Some(hook);
    }

    /// Calls, in order: handlers for the event's name, for `type::subtype`, the
    /// `slack_event` handlers (Slack events only), the typed handlers, then the catch-alls.
    /// A handler's error goes to the log and the error hook; dispatch goes on.
    pub(crate) fn dispatch(&mut self, client: &RtmClient, event: &Event) {
        let name = event.name();
        let mut failures: Vec<HandlerError> = Vec::new();
        let mut call = |h: &mut Handler| {
            if let Err(e) = h(client, event) {
                failures.push(e);
            }
        };
        if let Some(hs) = self.by_name.get_mut(name) {
            hs.iter_mut().for_each(&mut call);
        }
        if let Event::Slack(e) = event {
            if self.has_subtypes {
                if let Some(sub) = e.subtype() {
                    let key = format!("{}::{sub}", e.kind());
                    if let Some(hs) = self.by_name.get_mut(&key) {
                        hs.iter_mut().for_each(&mut call);
                    }
                }
            }
            self.slack_events.iter_mut().for_each(&mut call);
            let wants_message = !self.messages.is_empty() && e.kind() == "message";
            if !self.typed.is_empty() || wants_message {
                let typed = e.typed();
                for h in &mut self.typed {
                    if let Err(err) = h(client, &typed) {
                        failures.push(err);
                    }
                }
                if let TypedEvent::Message(m) = &typed {
                    for h in &mut self.messages {
                        if let Err(err) = h(client, m) {
                            failures.push(err);
                        }
                    }
                }
            }
        }
        for h in &mut self.any {
            if let Err(err) = h(client, event) {
                failures.push(err);
            }
        }
        for err in failures {
            log::warn!("a handler for {name:?} failed: {err}");
            if let Some(hook) = &mut self.on_error {
                hook(client, name, &err);
            }
        }
    }

    /// Adds `later`'s handlers after this registry's own.
    pub(crate) fn merge(&mut self, later: Handlers) {
        for (name, hs) in later.by_name {
            self.by_name.entry(name).or_default().extend(hs);
        }
        self.slack_events.extend(later.slack_events);
        self.any.extend(later.any);
        self.typed.extend(later.typed);
        self.messages.extend(later.messages);
        if later.on_error.is_some() {
            self.on_error = later.on_error;
        }
        self.warned.extend(later.warned);
        self.has_subtypes |= later.has_subtypes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_names_event_types_and_subtypes_are_known_and_typos_are_not() {
        for name in [
            "ready",
            "message",
            "message::me_message",
            "user_typing",
            "slack_event",
        ] {
            assert!(known_name(name), "{name}");
        }
        for name in ["mesage", "Ready", "message_typo::x"] {
            assert!(!known_name(name), "{name}");
        }
    }

    #[test]
    fn both_unit_and_result_are_handler_outcomes() {
        assert!(().into_result().is_ok());
        let failed: Result<(), crate::Error> = Err(crate::Error::Shutdown);
        assert!(failed.into_result().is_err());
    }
}
