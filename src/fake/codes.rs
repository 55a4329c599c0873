//! The `error.code` values the fake server sends over the websocket.
//!
//! Slack documents only codes 1 and 2; the others are this fake's own choices, fixed so
//! tests can match on them. Errors about a frame that carries a usable `id` are replies,
//! `{"ok":false,"reply_to":id,"error":{"code":..,"msg":..}}`; errors with no usable `id`
//! (the frame is not a JSON object, its `id` is missing, invalid or reused, or the type
//! needs none and none was given) are events, `{"type":"error","error":{"code":..,"msg":..}}`.
//! After an error reply the session carries on, except for [`URL_EXPIRED`].
//!
//! A test matches on them through the error a send ends in:
//!
//! ```
//! use std::time::Duration;
//! use slack_rtm::fake::{codes, FakeSlack};
//! use slack_rtm::Error;
//!
//! let slack = FakeSlack::start()?;
//! let client = slack.client()?;
//! client.start()?;
//! // A message that names no channel.
//! let sent = client.add_outgoing_event(true, "message", serde_json::json!({"text": "hi"}))?;
//! match sent.wait(Duration::from_secs(10)) {
//!     Err(Error::Platform(refused)) => assert_eq!(refused.code, Some(codes::CHANNEL_MISSING)),
//!     other => panic!("not refused by the server: {other:?}"),
//! }
//! client.disconnect();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// `"Socket URL has expired"`: the websocket URL was already used, or is older than the
/// URL lifetime. Sent as an event right after the upgrade, then the server closes.
///
/// ```
/// use slack_rtm::fake::codes;
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// // What a client that dials a used URL reads before the server closes.
/// let ev = SlackEvent::from_json(r#"{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}"#)?;
/// let TypedEvent::Error(e) = ev.typed() else { panic!("not an error event") };
/// assert_eq!(e.code, Some(codes::URL_EXPIRED));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub const URL_EXPIRED: i64 = 1;
/// `"message text is missing"`: a `message` without a non-empty string `text`.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client()?;
/// client.start()?;
/// // A message without text.
/// let body = serde_json::json!({"channel": "C1"});
/// let sent = client.add_outgoing_event(true, "message", body)?;
/// let Err(Error::Platform(refused)) = sent.wait(Duration::from_secs(10)) else { panic!("not refused") };
/// assert_eq!(refused.code, Some(codes::TEXT_MISSING));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const TEXT_MISSING: i64 = 2;
/// `"channel is missing"`: a `message` or `typing` without a non-empty string `channel`.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client()?;
/// client.start()?;
/// // A message without a channel.
/// let body = serde_json::json!({"text": "hi"});
/// let sent = client.add_outgoing_event(true, "message", body)?;
/// let Err(Error::Platform(refused)) = sent.wait(Duration::from_secs(10)) else { panic!("not refused") };
/// assert_eq!(refused.code, Some(codes::CHANNEL_MISSING));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const CHANNEL_MISSING: i64 = 3;
/// `"message text too long"`: a `message` whose `text` is over 4000 characters.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client()?;
/// client.start()?;
/// // The client refuses such text itself by default; a raw frame still gets through.
/// let body = serde_json::json!({"channel": "C1", "text": "x".repeat(4001)});
/// let sent = client.add_outgoing_event(true, "message", body)?;
/// let Err(Error::Platform(refused)) = sent.wait(Duration::from_secs(10)) else { panic!("not refused") };
/// assert_eq!(refused.code, Some(codes::TEXT_TOO_LONG));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const TEXT_TOO_LONG: i64 = 4;
/// `"message is not a JSON object"`: malformed JSON, `null`, an array, a bare value, an
/// empty frame, or a binary frame (`"binary frames are not supported"`). Always an event.
///
/// ```
/// use slack_rtm::fake::codes;
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// // The event the fake sends for a frame such as `[1, 2]`.
/// let ev = SlackEvent::from_json(r#"{"type":"error","error":{"code":5,"msg":"message is not a JSON object"}}"#)?;
/// let TypedEvent::Error(e) = ev.typed() else { panic!("not an error event") };
/// assert_eq!(e.code, Some(codes::NOT_AN_OBJECT));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub const NOT_AN_OBJECT: i64 = 5;
/// `"id must be a positive integer"`: `id` is present but not a positive integer, or
/// missing on a type that needs one (`message`, `ping`, `typing`). Always an event.
///
/// ```
/// use slack_rtm::fake::codes;
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// // The event the fake sends for `{"type":"message","id":"one",...}`.
/// let ev = SlackEvent::from_json(r#"{"type":"error","error":{"code":6,"msg":"id must be a positive integer"}}"#)?;
/// let TypedEvent::Error(e) = ev.typed() else { panic!("not an error event") };
/// assert_eq!(e.code, Some(codes::INVALID_ID));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub const INVALID_ID: i64 = 6;
/// `"id was already used on this connection"`. Always an event, so the reply to the
/// earlier frame with that id is not confused with this error.
///
/// ```
/// use slack_rtm::fake::codes;
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// // The event the fake sends when an id comes twice on one connection.
/// let ev = SlackEvent::from_json(r#"{"type":"error","error":{"code":7,"msg":"id was already used on this connection"}}"#)?;
/// let TypedEvent::Error(e) = ev.typed() else { panic!("not an error event") };
/// assert_eq!(e.code, Some(codes::DUPLICATE_ID));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub const DUPLICATE_ID: i64 = 7;
/// `"type is missing"`: no string `type`.
///
/// ```
/// use slack_rtm::fake::codes;
/// use slack_rtm::typed::TypedEvent;
/// use slack_rtm::SlackEvent;
///
/// // The event the fake sends for `{"id":1}`.
/// let ev = SlackEvent::from_json(r#"{"type":"error","error":{"code":8,"msg":"type is missing"}}"#)?;
/// let TypedEvent::Error(e) = ev.typed() else { panic!("not an error event") };
/// assert_eq!(e.code, Some(codes::TYPE_MISSING));
/// # Ok::<(), slack_rtm::Error>(())
/// ```
pub const TYPE_MISSING: i64 = 8;
/// `"unsupported type"`: a `type` the server does not accept from clients.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client()?;
/// client.start()?;
/// // A type the server does not take from clients.
/// let body = serde_json::json!({});
/// let sent = client.add_outgoing_event(true, "no_such_type", body)?;
/// let Err(Error::Platform(refused)) = sent.wait(Duration::from_secs(10)) else { panic!("not refused") };
/// assert_eq!(refused.code, Some(codes::UNKNOWN_TYPE));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const UNKNOWN_TYPE: i64 = 9;
/// `"ids must be an array of user id strings"` (`presence_sub`, `presence_query`), or
/// `"too many ids"` (`presence_query` with more than 500).
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client()?;
/// client.start()?;
/// // A string where an array of user ids belongs.
/// let body = serde_json::json!({"ids": "U1"});
/// let sent = client.add_outgoing_event(true, "presence_query", body)?;
/// let Err(Error::Platform(refused)) = sent.wait(Duration::from_secs(10)) else { panic!("not refused") };
/// assert_eq!(refused.code, Some(codes::INVALID_IDS));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const INVALID_IDS: i64 = 10;
/// `"channel_not_found"`: a `message` or `typing` whose `channel` is not the id of a
/// conversation of the workspace (a channel added with
/// [`FakeSlack::add_channel`](super::FakeSlack::add_channel), `#general`, or a person's
/// direct-message conversation). A channel *name* such as `"#general"` is refused too:
/// the RTM API takes conversation ids (the Web API's `chat.postMessage` takes names as
/// well, as Slack's method docs say). Sent as the documented error reply,
/// `{"ok":false,"reply_to":id,"error":{"code":11,"msg":"channel_not_found"}}`.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// let client = slack.client()?;
/// client.start()?;
/// // A conversation the fake workspace does not have.
/// let body = serde_json::json!({"channel": "C0NOWHERE", "text": "hi"});
/// let sent = client.add_outgoing_event(true, "message", body)?;
/// let Err(Error::Platform(refused)) = sent.wait(Duration::from_secs(10)) else { panic!("not refused") };
/// assert_eq!(refused.code, Some(codes::CHANNEL_NOT_FOUND));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const CHANNEL_NOT_FOUND: i64 = 11;
/// `"rate_limited"`: a `message` beyond the RTM rate limit (one a second sustained, short
/// bursts allowed; see [`FakeSlackBuilder::rtm_rate_limit`](super::FakeSlackBuilder::rtm_rate_limit)).
/// Slack documents the error reply but not its code; the `msg` is the Web API's error
/// string for the same case. A client that keeps sending is disconnected.
///
/// ```
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::{Error, RateLimit};
///
/// let slack = FakeSlack::builder().rtm_rate_limit(Some(RateLimit::new(1.0, 1))).start()?;
/// let client = slack.client_builder().rate_limit(None).build()?; // no pacing of its own
/// client.start()?;
/// client.send_message(FakeSlack::GENERAL_CHANNEL, "first")?;
/// let Err(Error::Platform(refused)) = client.send_message(FakeSlack::GENERAL_CHANNEL, "second")
/// else {
///     panic!("not refused")
/// };
/// assert_eq!(refused.code, Some(codes::RATE_LIMITED));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const RATE_LIMITED: i64 = 12;
/// `"not_in_channel"`: a `message` for a channel of the workspace the bot is not a member
/// of (it was taken out with [`FakeSlack::remove_bot`](super::FakeSlack::remove_bot) and
/// not invited back with [`FakeSlack::invite_bot`](super::FakeSlack::invite_bot)). Slack's
/// `chat.postMessage` documents the error string ("Cannot post user messages to a channel
/// they are not in"); its RTM code is undocumented, so this one is the fake's own. Sent as
/// the documented error reply,
/// `{"ok":false,"reply_to":id,"error":{"code":13,"msg":"not_in_channel"}}`. A `typing` there
/// is not refused: Slack documents no error for it.
///
/// ```
/// use slack_rtm::fake::{codes, FakeSlack};
/// use slack_rtm::Error;
///
/// let slack = FakeSlack::start()?;
/// slack.add_channel("C1", "one");
/// slack.remove_bot("C1")?;
/// let client = slack.client()?;
/// client.start()?;
/// let Err(Error::Platform(refused)) = client.send_message("C1", "hi") else { panic!("not refused") };
/// assert_eq!(refused.code, Some(codes::NOT_IN_CHANNEL));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const NOT_IN_CHANNEL: i64 = 13;
