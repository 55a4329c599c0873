//! The closures [`SocketModeClient::run`](super::SocketModeClient::run) dispatches on the
//! caller's thread, and how their answers become acks.

use serde_json::Value;

use crate::socket_mode::{EventsApi, Interaction, Request, SlashCommand, SocketEvent};

type EventsFn = Box<dyn FnMut(&Request, &EventsApi) + Send>;
type AnswerFn<T> = Box<dyn FnMut(&Request, &T) -> Option<Value> + Send>;
type RequestFn = Box<dyn FnMut(&Request) -> Option<Value> + Send>;
type LifecycleFn = Box<dyn FnMut(&SocketEvent) + Send>;

/// The registered handlers (one of each kind; a later registration replaces the earlier).
#[derive(Default)]
pub(crate) struct Handlers {
    pub(crate) events_api: Option<EventsFn>,
    pub(crate) slash_command: Option<AnswerFn<SlashCommand>>,
    pub(crate) interaction: Option<AnswerFn<Interaction>>,
    pub(crate) other: Option<RequestFn>,
    pub(crate) lifecycle: Option<LifecycleFn>,
}

impl Handlers {
    /// Runs the handler for `event`; for a request, acks it with the handler's answer
    /// unless the handler acked it itself (a request no handler takes is acked bare).
    pub(crate) fn dispatch(&mut self, event: SocketEvent) {
        let SocketEvent::Request(req) = event else {
            if let Some(f) = self.lifecycle.as_mut() {
                f(&event);
            }
            return;
        };
        let answer = if let Some(ev) = req.events_api() {
            if let Some(f) = self.events_api.as_mut() {
                f(&req, &ev);
            }
            None
        } else if let Some(cmd) = req.slash_command() {
            self.slash_command.as_mut().and_then(|f| f(&req, &cmd))
        } else if let Some(i) = req.interaction() {
            self.interaction.as_mut().and_then(|f| f(&req, &i))
        } else {
            self.other.as_mut().and_then(|f| f(&req))
        };
        if req.is_acked() {
            if answer.is_some() {
                log::warn!(
                    "request {}: the handler answered, but the request was acked already; the answer is dropped",
                    req.envelope_id()
                );
            }
            return;
        }
        let acked = match answer {
            Some(payload) if req.accepts_response_payload() => req.ack_with(payload),
            Some(_) => {
                log::warn!(
                    "request {}: the handler answered, but this {} does not accept a response payload; acked bare",
                    req.envelope_id(),
                    req.payload_type().unwrap_or(req.kind().as_str())
                );
                req.ack()
            }
            None => req.ack(),
        };
        if let Err(e) = acked {
            log::warn!("request {}: the ack failed: {e}", req.envelope_id());
            // Too large, say: the bare ack still stops Slack's error.
            if !req.is_acked() {
                let _ = req.ack();
            }
        }
    }
}

impl Handlers {
    /// Takes `newer`'s handlers over these.
    pub(crate) fn merge(&mut self, newer: Handlers) {
        if newer.events_api.is_some() {
            self.events_api = newer.events_api;
        }
        if newer.slash_command.is_some() {
            self.slash_command = newer.slash_command;
        }
        if newer.interaction.is_some() {
            self.interaction = newer.interaction;
        }
        if newer.other.is_some() {
            self.other = newer.other;
        }
        if newer.lifecycle.is_some() {
            self.lifecycle = newer.lifecycle;
        }
    }
}
