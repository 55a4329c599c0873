//! A message entering the fake workspace (from a person, or from the bot over RTM or
//! `chat.postMessage`): remembered in the history, counted in its thread, and pushed to
//! the open sessions, followed by the thread parent's `message_replied` when it is a
//! reply.

use serde_json::{json, Value};

use super::shared::Shared;

/// Records the `message` event `event` (with `channel`, `user`, `text`, `ts`, maybe
/// `thread_ts`) and, if `broadcast`, pushes it (then `message_replied`) to every greeted
/// session. Returns how many sessions got the message.
pub(crate) fn post(shared: &Shared, event: &Value, broadcast: bool) -> usize {
    let field = |k: &str| event[k].as_str().unwrap_or_default();
    let (channel, ts, user) = (field("channel"), field("ts"), field("user"));
    let thread_ts = event["thread_ts"].as_str().filter(|t| *t != ts);
    let replied = shared.update(|st| {
        st.history
            .record(channel, ts, user, field("text"), thread_ts);
        let parent_ts = thread_ts?;
        let parent = st.history.add_reply(channel, parent_ts, user, ts)?;
        Some(message_replied(channel, parent_ts, parent))
    });
    if !broadcast {
        return 0;
    }
    let delivered = shared.publish(event);
    if let Some(mut replied) = replied {
        let now = shared.ts.next();
        replied["ts"] = json!(now);
        replied["event_ts"] = json!(now);
        shared.publish(&replied);
    }
    delivered
}

/// The hidden `message_replied` event for a thread parent (its `ts` fields are set by the
/// caller).
fn message_replied(channel: &str, parent_ts: &str, parent: &super::history::Posted) -> Value {
    let replies: Vec<Value> = parent
        .replies
        .iter()
        .map(|(user, ts)| json!({"user": user, "ts": ts}))
        .collect();
    json!({
        "type": "message",
        "subtype": "message_replied",
        "hidden": true,
        "channel": channel,
        "message": {
            "type": "message",
            "user": parent.author,
            "text": parent.text,
            "thread_ts": parent_ts,
            "reply_count": replies.len(),
            "replies": replies,
            "ts": parent_ts,
        },
    })
}
