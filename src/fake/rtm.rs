//! Checking and classifying what a client sends over the websocket. Pure: no I/O.

use serde_json::{json, Map, Value};

use super::codes;
use super::id_set::IdSet;

/// The longest chat text accepted, in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 4000;
/// The most ids one `presence_query` may ask about.
pub(crate) const MAX_QUERY_IDS: usize = 500;

/// What to do about one client frame.
#[derive(Debug, PartialEq)]
pub(crate) enum Action {
    /// Send this at once (a `pong` or an error).
    Reply(Value),
    /// A valid chat message: ack it under the ack policy, echo it.
    Message {
        /// The frame's `id`.
        id: u64,
        /// Where it goes.
        channel: String,
        /// What it says, as sent.
        text: String,
        /// The thread it replies in (a string `thread_ts`), if any.
        thread_ts: Option<String>,
    },
    /// A valid `typing`: no reply if the conversation exists.
    Typing {
        /// The frame's `id`.
        id: u64,
        /// Where the bot is typing.
        channel: String,
    },
    /// Replace the subscription list with these user ids.
    PresenceSub(Vec<String>),
    /// Report the presence of these user ids.
    PresenceQuery(Vec<String>),
}

/// The per-connection state needed to check client frames: the ids already used (kept as
/// ranges, so a client numbering 1, 2, 3, ... costs one entry however long it runs).
#[derive(Debug, Default)]
pub(crate) struct FrameChecker {
    seen_ids: IdSet,
}

impl FrameChecker {
    /// Checks a frame already parsed as JSON (see [`parse_frame`]).
    pub(crate) fn check(&mut self, frame: &Value) -> Action {
        let Some(obj) = frame.as_object() else {
            return Action::Reply(error_event(
                codes::NOT_AN_OBJECT,
                "message is not a JSON object",
            ));
        };
        let id = match obj.get("id") {
            None => None,
            Some(v) => match v.as_u64().filter(|&n| n > 0) {
                Some(n) => Some(n),
                None => return Action::Reply(error_event(codes::INVALID_ID, INVALID_ID_MSG)),
            },
        };
        if let Some(n) = id {
            if !self.seen_ids.insert(n) {
                return Action::Reply(error_event(
                    codes::DUPLICATE_ID,
                    "id was already used on this connection",
                ));
            }
        }
        let fail = |code, msg| Action::Reply(error_reply(id, code, msg));
        let Some(kind) = obj.get("type").and_then(Value::as_str) else {
            return fail(codes::TYPE_MISSING, "type is missing");
        };
        match kind {
            "message" | "ping" | "typing" if id.is_none() => {
                Action::Reply(error_event(codes::INVALID_ID, INVALID_ID_MSG))
            }
            "message" => {
                let Some(channel) = non_empty_str(obj, "channel") else {
                    return fail(codes::CHANNEL_MISSING, "channel is missing");
                };
                let Some(text) = non_empty_str(obj, "text") else {
                    return fail(codes::TEXT_MISSING, "message text is missing");
                };
                if text.chars().count() > MAX_TEXT_CHARS {
                    return fail(codes::TEXT_TOO_LONG, "message text too long");
                }
                Action::Message {
                    id: id.unwrap_or_default(),
                    channel: channel.to_owned(),
                    text: text.to_owned(),
                    thread_ts: non_empty_str(obj, "thread_ts").map(str::to_owned),
                }
            }
            "ping" => Action::Reply(pong(obj, id.unwrap_or_default())),
            "typing" => match non_empty_str(obj, "channel") {
                Some(channel) => Action::Typing {
                    id: id.unwrap_or_default(),
                    channel: channel.to_owned(),
                },
                None => fail(codes::CHANNEL_MISSING, "channel is missing"),
            },
            "presence_sub" | "presence_query" => {
                let ids = obj.get("ids").and_then(Value::as_array).and_then(|ids| {
                    ids.iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                });
                match ids {
                    None => fail(
                        codes::INVALID_IDS,
                        "ids must be an array of user id strings",
                    ),
                    Some(ids) if kind == "presence_sub" => Action::PresenceSub(ids),
                    Some(ids) if ids.len() > MAX_QUERY_IDS => {
                        fail(codes::INVALID_IDS, "too many ids")
                    }
                    Some(ids) => Action::PresenceQuery(ids),
                }
            }
            _ => fail(codes::UNKNOWN_TYPE, "unsupported type"),
        }
    }
}

const INVALID_ID_MSG: &str = "id must be a positive integer";

/// The error reply to a `message` or `typing` frame naming a conversation the workspace
/// does not have (see [`codes::CHANNEL_NOT_FOUND`]).
pub(crate) fn channel_not_found(id: u64) -> Value {
    error_reply(Some(id), codes::CHANNEL_NOT_FOUND, CHANNEL_NOT_FOUND_MSG)
}

/// The `error.msg` of [`channel_not_found`]: the Web API's error string for the same case.
pub(crate) const CHANNEL_NOT_FOUND_MSG: &str = "channel_not_found";

/// The error reply to a `message` frame for a channel the bot is not a member of (see
/// [`codes::NOT_IN_CHANNEL`]).
pub(crate) fn not_in_channel(id: u64) -> Value {
    error_reply(Some(id), codes::NOT_IN_CHANNEL, NOT_IN_CHANNEL_MSG)
}

/// The `error.msg` of [`not_in_channel`]: the Web API's error string for the same case.
pub(crate) const NOT_IN_CHANNEL_MSG: &str = "not_in_channel";

/// Parses a text frame. Text that is not JSON at all comes back as a JSON string holding
/// the raw text (which [`FrameChecker::check`] then rejects as not an object).
pub(crate) fn parse_frame(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// `{"type":"error","error":{"code","msg"}}`.
pub(crate) fn error_event(code: i64, msg: &str) -> Value {
    json!({"type": "error", "error": {"code": code, "msg": msg}})
}

/// `{"ok":false,"reply_to":id,"error":{..}}`, or an error event when there is no id.
pub(crate) fn error_reply(id: Option<u64>, code: i64, msg: &str) -> Value {
    match id {
        Some(id) => json!({"ok": false, "reply_to": id, "error": {"code": code, "msg": msg}}),
        None => error_event(code, msg),
    }
}

/// `{"ok":true,"reply_to":id,"ts","text"}`.
pub(crate) fn ack(id: u64, ts: &str, text: &str) -> Value {
    json!({"ok": true, "reply_to": id, "ts": ts, "text": text})
}

/// The pong for a ping: `type`, `reply_to`, and every other flat (scalar) field of the
/// ping. Arrays and objects are not echoed.
fn pong(ping: &Map<String, Value>, id: u64) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), "pong".into());
    out.insert("reply_to".into(), id.into());
    for (k, v) in ping {
        let scalar = !(v.is_array() || v.is_object());
        if scalar && !matches!(k.as_str(), "id" | "type" | "reply_to") {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

fn non_empty_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The text Slack would record: bare `http://` and `https://` links are wrapped in
/// `<...>` (Slack's URL detection), which is why a reply's text can differ from what was
/// sent. Trailing `.,;:!?)` stay outside the link; text already in `<...>` is unchanged.
pub(crate) fn canonical_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if !(word.starts_with("http://") || word.starts_with("https://")) {
            out.push_str(word);
            continue;
        }
        let link = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
        let is_bare_scheme = link.ends_with("://");
        if is_bare_scheme {
            out.push_str(word);
        } else {
            out.push('<');
            out.push_str(link);
            out.push('>');
            out.push_str(&word[link.len()..]);
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &mut FrameChecker, text: &str) -> Action {
        c.check(&parse_frame(text))
    }

    fn code_of(a: &Action) -> (Option<i64>, i64) {
        match a {
            Action::Reply(v) => (
                v["reply_to"].as_i64(),
                v["error"]["code"].as_i64().unwrap_or(-1),
            ),
            other => panic!("not an error reply: {other:?}"),
        }
    }

    #[test]
    fn valid_message() {
        let mut c = FrameChecker::default();
        let a = check(
            &mut c,
            r#"{"id":1,"type":"message","channel":"C1","text":"hi"}"#,
        );
        assert_eq!(
            a,
            Action::Message {
                id: 1,
                channel: "C1".into(),
                text: "hi".into(),
                thread_ts: None,
            }
        );
    }

    #[test]
    fn message_errors_are_replies_with_documented_codes() {
        let mut c = FrameChecker::default();
        let no_text = check(&mut c, r#"{"id":1,"type":"message","channel":"C1"}"#);
        assert_eq!(code_of(&no_text), (Some(1), codes::TEXT_MISSING));
        let no_chan = check(&mut c, r#"{"id":2,"type":"message","text":"x"}"#);
        assert_eq!(code_of(&no_chan), (Some(2), codes::CHANNEL_MISSING));
        let long = json!({"id":3,"type":"message","channel":"C","text":"é".repeat(4001)});
        assert_eq!(code_of(&c.check(&long)), (Some(3), codes::TEXT_TOO_LONG));
        let ok = json!({"id":4,"type":"message","channel":"C","text":"é".repeat(4000)});
        assert!(matches!(c.check(&ok), Action::Message { .. }));
    }

    #[test]
    fn ids_must_be_positive_unique_integers() {
        let mut c = FrameChecker::default();
        for bad in [
            r#"{"id":0,"type":"ping"}"#,
            r#"{"id":-1,"type":"ping"}"#,
            r#"{"id":1.5,"type":"ping"}"#,
            r#"{"id":"1","type":"ping"}"#,
            r#"{"type":"ping"}"#,
            r#"{"type":"typing","channel":"C1"}"#,
        ] {
            assert_eq!(
                code_of(&check(&mut c, bad)),
                (None, codes::INVALID_ID),
                "{bad}"
            );
        }
        assert!(matches!(
            check(&mut c, r#"{"id":5,"type":"ping"}"#),
            Action::Reply(_)
        ));
        let dup = check(&mut c, r#"{"id":5,"type":"ping"}"#);
        assert_eq!(code_of(&dup), (None, codes::DUPLICATE_ID));
    }

    #[test]
    fn non_objects_are_error_events() {
        let mut c = FrameChecker::default();
        for bad in ["", "null", "[1]", "42", "\"str\"", "{not json", "true"] {
            assert_eq!(
                code_of(&check(&mut c, bad)),
                (None, codes::NOT_AN_OBJECT),
                "{bad}"
            );
        }
    }

    #[test]
    fn type_problems() {
        let mut c = FrameChecker::default();
        assert_eq!(
            code_of(&check(&mut c, r#"{"id":1}"#)),
            (Some(1), codes::TYPE_MISSING)
        );
        assert_eq!(
            code_of(&check(&mut c, r#"{"id":2,"type":7}"#)),
            (Some(2), codes::TYPE_MISSING)
        );
        assert_eq!(
            code_of(&check(&mut c, r#"{"id":3,"type":"pong"}"#)),
            (Some(3), codes::UNKNOWN_TYPE)
        );
        assert_eq!(
            code_of(&check(&mut c, r#"{"type":"what"}"#)),
            (None, codes::UNKNOWN_TYPE)
        );
    }

    #[test]
    fn pong_echoes_only_flat_fields() {
        let mut c = FrameChecker::default();
        let a = check(
            &mut c,
            r#"{"id":9,"type":"ping","time":14,"s":"x","b":true,"n":null,"arr":[1],"obj":{}}"#,
        );
        assert_eq!(
            a,
            Action::Reply(json!({"type":"pong","reply_to":9,"time":14,"s":"x","b":true,"n":null}))
        );
    }

    #[test]
    fn typing_and_presence() {
        let mut c = FrameChecker::default();
        assert_eq!(
            check(&mut c, r#"{"id":1,"type":"typing","channel":"C1"}"#),
            Action::Typing {
                id: 1,
                channel: "C1".into()
            }
        );
        let no_chan = check(&mut c, r#"{"id":2,"type":"typing"}"#);
        assert_eq!(code_of(&no_chan), (Some(2), codes::CHANNEL_MISSING));
        assert_eq!(
            check(&mut c, r#"{"type":"presence_sub","ids":["U1","U2"]}"#),
            Action::PresenceSub(vec!["U1".into(), "U2".into()])
        );
        assert_eq!(
            check(&mut c, r#"{"type":"presence_query","ids":["U1"]}"#),
            Action::PresenceQuery(vec!["U1".into()])
        );
        let bad = check(&mut c, r#"{"type":"presence_sub","ids":"U1"}"#);
        assert_eq!(code_of(&bad), (None, codes::INVALID_IDS));
        let many = json!({"id": 3, "type": "presence_query", "ids": vec!["U"; 501]});
        assert_eq!(code_of(&c.check(&many)), (Some(3), codes::INVALID_IDS));
    }

    #[test]
    fn url_detection_wraps_bare_links() {
        assert_eq!(canonical_text("plain text"), "plain text");
        assert_eq!(
            canonical_text("see https://example.com/a?b=1, ok"),
            "see <https://example.com/a?b=1>, ok"
        );
        assert_eq!(canonical_text("(http://x.org)."), "(http://x.org)."); // not at a word start
        assert_eq!(canonical_text("http://x.org)."), "<http://x.org>).");
        assert_eq!(canonical_text("<https://done>"), "<https://done>");
        assert_eq!(canonical_text("  https:// \n"), "  https:// \n");
    }
}
