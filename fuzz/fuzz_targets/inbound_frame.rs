//! Every inbound text frame goes through the reader's classification
//! (`frame::classify`, private); `SlackEvent::from_json` runs that same code, and
//! the consumer side then reads the event with `kind`, `subtype`, `raw`, `json`.
//! None of it may panic, whatever the server sends.
//!
//! Frames reach the reader as UTF-8 (tungstenite rejects anything else), so input
//! bytes are read as UTF-8, invalid sequences replaced rather than wasted.

#![no_main]

use libfuzzer_sys::fuzz_target;
use slack_rtm::{Event, SlackEvent};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match SlackEvent::from_json(&text) {
        Ok(event) => {
            let _ = event.kind().len();
            let _ = event.subtype().map(str::len);
            let _ = event.raw().len();
            let _ = event.json();
            let _ = event.deserialize::<serde_json::Map<String, serde_json::Value>>();
            let event = Event::Slack(event);
            let _ = event.name().len();
            let _ = format!("{event:?}");
        }
        Err(error) => {
            // Error text is built from the frame's parse error: it must not panic either.
            let _ = error.code();
            let _ = error.to_string();
        }
    }
});
