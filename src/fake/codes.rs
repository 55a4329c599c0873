//! The `error.code` values the fake server sends over the websocket.
//!
//! Slack documents only codes 1 and 2; the others are this fake's own choices, fixed so
//! tests can match on them. Errors about a frame that carries a usable `id` are replies,
//! `{"ok":false,"reply_to":id,"error":{"code":..,"msg":..}}`; errors with no usable `id`
//! (the frame is not a JSON object, its `id` is missing, invalid or reused, or the type
//! needs none and none was given) are events, `{"type":"error","error":{"code":..,"msg":..}}`.
//! After an error reply the session carries on, except for [`URL_EXPIRED`].

/// `"Socket URL has expired"`: the websocket URL was already used, or is older than the
/// URL lifetime. Sent as an event right after the upgrade, then the server closes.
pub const URL_EXPIRED: i64 = 1;
/// `"message text is missing"`: a `message` without a non-empty string `text`.
pub const TEXT_MISSING: i64 = 2;
/// `"channel is missing"`: a `message` or `typing` without a non-empty string `channel`.
pub const CHANNEL_MISSING: i64 = 3;
/// `"message text too long"`: a `message` whose `text` is over 4000 characters.
pub const TEXT_TOO_LONG: i64 = 4;
/// `"message is not a JSON object"`: malformed JSON, `null`, an array, a bare value, an
/// empty frame, or a binary frame (`"binary frames are not supported"`). Always an event.
pub const NOT_AN_OBJECT: i64 = 5;
/// `"id must be a positive integer"`: `id` is present but not a positive integer, or
/// missing on a type that needs one (`message`, `ping`, `typing`). Always an event.
pub const INVALID_ID: i64 = 6;
/// `"id was already used on this connection"`. Always an event, so the reply to the
/// earlier frame with that id is not confused with this error.
pub const DUPLICATE_ID: i64 = 7;
/// `"type is missing"`: no string `type`.
pub const TYPE_MISSING: i64 = 8;
/// `"unsupported type"`: a `type` the server does not accept from clients.
pub const UNKNOWN_TYPE: i64 = 9;
/// `"ids must be an array of user id strings"` (`presence_sub`, `presence_query`), or
/// `"too many ids"` (`presence_query` with more than 500).
pub const INVALID_IDS: i64 = 10;
/// `"channel_not_found"`: a `message` or `typing` whose `channel` is not the id of a
/// conversation of the workspace (a channel added with
/// [`FakeSlack::add_channel`](super::FakeSlack::add_channel), `#general`, or a person's
/// direct-message conversation). A channel *name* such as `"#general"` is refused too:
/// the RTM API takes conversation ids. Sent as the documented error reply,
/// `{"ok":false,"reply_to":id,"error":{"code":11,"msg":"channel_not_found"}}`.
pub const CHANNEL_NOT_FOUND: i64 = 11;
