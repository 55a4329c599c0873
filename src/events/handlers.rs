//! [`Handlers`]: the closures registered with `on` / `on_any`, which
//! [`RtmClient::run`](crate::RtmClient::run) dispatches on the caller's thread.

use std::collections::HashMap;

use crate::events::event::Event;
use crate::rtm::client::RtmClient;

/// A registered closure.
pub(crate) type Handler = Box<dyn FnMut(&RtmClient, &Event) + Send + 'static>;

/// Closures by event name, plus catch-alls.
#[derive(Default)]
pub(crate) struct Handlers {
    by_name: HashMap<String, Vec<Handler>>,
    slack_events: Vec<Handler>,
    any: Vec<Handler>,
    /// Whether any name uses `type::subtype` routing (saves a lookup per event if not).
    has_subtypes: bool,
}

impl Handlers {
    pub(crate) fn add(&mut self, name: &str, handler: Handler) {
        if name == "slack_event" {
            self.slack_events.push(handler);
            return;
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

    /// Calls, in order: handlers for the event's name, for `type::subtype`, the
    /// `slack_event` handlers (Slack events only), then the catch-alls.
    pub(crate) fn dispatch(&mut self, client: &RtmClient, event: &Event) {
        if let Some(hs) = self.by_name.get_mut(event.name()) {
            for h in hs {
                h(client, event);
            }
        }
        if let Event::Slack(e) = event {
            if self.has_subtypes {
                if let Some(sub) = e.subtype() {
                    let key = format!("{}::{sub}", e.kind());
                    if let Some(hs) = self.by_name.get_mut(&key) {
                        for h in hs {
                            h(client, event);
                        }
                    }
                }
            }
            for h in &mut self.slack_events {
                h(client, event);
            }
        }
        for h in &mut self.any {
            h(client, event);
        }
    }

    /// Adds `later`'s handlers after this registry's own.
    pub(crate) fn merge(&mut self, later: Handlers) {
        for (name, hs) in later.by_name {
            self.by_name.entry(name).or_default().extend(hs);
        }
        self.slack_events.extend(later.slack_events);
        self.any.extend(later.any);
        self.has_subtypes |= later.has_subtypes;
    }
}
