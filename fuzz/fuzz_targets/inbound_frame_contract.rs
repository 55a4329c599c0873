//! The same input as `inbound_frame`, checked against what the documentation promises,
//! not only for panics:
//!
//! - `SlackEvent::from_json`: "`Error::Protocol` if the text is not a JSON object", so
//!   an `Ok` means the text is a JSON object;
//! - `SlackEvent::json`: fails only for an escaped lone surrogate (`\udc00`) or a number
//!   beyond f64's range in a field the reader did not look at (documented: such events
//!   are delivered, not dropped);
//!   frames nested deeper than 128 levels are never accepted;
//! - `raw()` is the text as received; `kind()` is the object's string `type`.
//!
//! A finding here is a contract violation (a doc or behaviour bug), not a crash of the
//! library: run it separately from `inbound_frame` (see the README).

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use slack_rtm::SlackEvent;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // the reader never sees invalid UTF-8
    };
    let parsed = serde_json::from_str::<Value>(text);
    let Ok(event) = SlackEvent::from_json(text) else {
        if let Ok(Value::Object(map)) = &parsed {
            if let Some(Value::String(kind)) = map.get("type") {
                assert!(
                    kind == "pong",
                    "an object with type {kind:?} was refused as an event"
                );
            }
        }
        return;
    };
    assert_eq!(event.raw(), text, "raw() is not the text received");
    match &parsed {
        Ok(Value::Object(map)) => {
            if let Some(Value::String(kind)) = map.get("type") {
                assert_eq!(event.kind(), kind, "kind() is not the object's type");
            }
        }
        Ok(other) => panic!("accepted a JSON value that is not an object: {other}"),
        Err(e) if is_lone_surrogate(e) => {}
        Err(e) => panic!("accepted text that serde_json cannot parse as a Value: {e}"),
    }
    if let Err(e) = event.json() {
        assert!(
            is_lone_surrogate(&e),
            "json() failed on an accepted event: {e}"
        );
    }
});

/// The documented reasons `json()` may fail on a delivered event (values in fields the
/// reader does not look at): a `\uD800`–`\uDFFF` escape not completed by a second one
/// (serde_json: "lone leading surrogate in hex escape", or "unexpected end of hex escape"),
/// or a number beyond the range of f64 ("number out of range").
fn is_lone_surrogate(e: &serde_json::Error) -> bool {
    let m = e.to_string();
    m.contains("surrogate") || m.contains("hex escape") || m.contains("number out of range")
}
