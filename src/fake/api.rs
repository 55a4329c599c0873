//! The Web API methods: what each answers, given the parsed request. The HTTP side lives
//! in `http.rs`.

use serde_json::{json, Map, Value};

use super::bot_message::{BotMessage, Outcome, Via};
use super::posting;
use super::shared::{Shared, State};
use super::{RecordedRequest, TokenSource};

/// One Web API call, parsed. (No `Debug`: it holds the token.)
pub(crate) struct ApiCall {
    /// `GET` or `POST`.
    pub(crate) http_method: String,
    /// The method name from `/api/<name>`.
    pub(crate) method: String,
    /// Query parameters, then form-body parameters.
    pub(crate) params: Vec<(String, String)>,
    /// The token of an `Authorization: Bearer` header.
    pub(crate) bearer: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) user_agent: Option<String>,
}

impl ApiCall {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A non-empty parameter.
    fn arg(&self, name: &str) -> Option<&str> {
        self.param(name).filter(|v| !v.is_empty())
    }

    fn flag(&self, name: &str) -> bool {
        matches!(self.param(name), Some("1" | "true"))
    }
}

/// What to send back.
#[derive(Debug, PartialEq)]
pub(crate) struct ApiReply {
    pub(crate) status: u16,
    /// `Retry-After`, in seconds.
    pub(crate) retry_after: Option<u64>,
    pub(crate) body: Value,
}

impl ApiReply {
    /// HTTP 200 with `body`.
    pub(crate) fn ok(body: Value) -> Self {
        Self {
            status: 200,
            retry_after: None,
            body,
        }
    }

    /// HTTP 200 with `{"ok":false,"error":code}`, as Slack answers a refused call.
    pub(crate) fn error(code: &str) -> Self {
        Self::ok(json!({"ok": false, "error": code}))
    }
}

/// The methods this server implements.
const METHODS: &[&str] = &[
    "rtm.connect",
    "rtm.start",
    "auth.test",
    "chat.postMessage",
    "chat.update",
    "users.info",
    "users.getPresence",
    "conversations.info",
];

/// The longest `chat.postMessage` text accepted (Slack truncates at 40 000 characters
/// and documents `msg_too_long`).
const MAX_POST_CHARS: usize = 40_000;

/// Answers one Web API call, recording it first.
pub(crate) fn handle(shared: &Shared, call: ApiCall) -> ApiReply {
    let header_token = call.bearer.as_deref();
    let token = header_token.or_else(|| call.param("token"));
    let token_source = match (header_token, call.param("token")) {
        (Some(_), _) => Some(TokenSource::Header),
        (None, Some(_)) => Some(TokenSource::Param),
        (None, None) => None,
    };
    let authed = token.map(|t| t == shared.settings.token);
    let is_connect = matches!(call.method.as_str(), "rtm.connect" | "rtm.start");
    shared.update(|st| {
        st.requests
            .push(RecordedRequest::redacted(&call, token_source));
        if is_connect {
            st.connect_calls += 1;
        }
    });

    // Socket Mode's connect call takes the app token, in the header only (src/fake/socket_mode/).
    if call.method == "apps.connections.open" {
        if let Some(sm) = shared.socket_mode.get() {
            return sm.connections_open(&call);
        }
    }
    if !METHODS.contains(&call.method.as_str()) {
        return ApiReply::error("unknown_method");
    }
    match authed {
        None => return ApiReply::error("not_authed"),
        Some(false) => return ApiReply::error("invalid_auth"),
        Some(true) => {}
    }
    let mut st = shared.state.lock();
    match call.method.as_str() {
        "rtm.connect" | "rtm.start" => connect(shared, &mut st, &call),
        "auth.test" => {
            let id = &shared.settings.identity;
            ApiReply::ok(json!({
                "ok": true,
                "url": format!("https://{}.slack.com/", id.team_domain),
                "team": id.team_name,
                "user": id.bot_name,
                "team_id": id.team_id,
                "user_id": id.bot_id,
                // A bot token's answer names the bot too (payloads/methods/auth.test.json [1]).
                "bot_id": super::directory::bot_profile_id(&id.bot_id),
            }))
        }
        "chat.postMessage" => {
            drop(st);
            post_message(shared, &call)
        }
        "chat.update" => {
            drop(st);
            update_message(shared, &call)
        }
        "users.info" => {
            let team = &shared.settings.identity.team_id;
            match call
                .arg("user")
                .and_then(|u| st.directory.user_json(u, team))
            {
                Some(user) => ApiReply::ok(json!({"ok": true, "user": user})),
                None => ApiReply::error("user_not_found"),
            }
        }
        "users.getPresence" => {
            let me = &shared.settings.identity.bot_id;
            let user = call.arg("user").unwrap_or(me);
            let Some(presence) = st.directory.presence(user).map(str::to_owned) else {
                return ApiReply::error("user_not_found");
            };
            let mut body = json!({"ok": true, "presence": presence});
            if user == me {
                let connections = st.open_sessions;
                body["online"] = json!(connections > 0);
                body["auto_away"] = json!(false);
                body["manual_away"] = json!(presence == "away");
                body["connection_count"] = json!(connections);
                body["last_activity"] = json!(0);
            }
            ApiReply::ok(body)
        }
        "conversations.info" => {
            let team = &shared.settings.identity.team_id;
            match call
                .arg("channel")
                .and_then(|c| st.directory.channel_json(c, team))
            {
                Some(channel) => ApiReply::ok(json!({"ok": true, "channel": channel})),
                None => ApiReply::error("channel_not_found"),
            }
        }
        _ => ApiReply::error("unknown_method"),
    }
}

/// `rtm.connect` and `rtm.start`: rate limiting, then a fresh websocket URL.
fn connect(shared: &Shared, st: &mut State, call: &ApiCall) -> ApiReply {
    if st.rate_limit_connect.0 > 0 {
        st.rate_limit_connect.0 -= 1;
        return ApiReply {
            status: 429,
            retry_after: Some(st.rate_limit_connect.1),
            body: json!({"ok": false, "error": "ratelimited"}),
        };
    }
    let ticket = st.issue_ticket(call.flag("batch_presence_aware"));
    let url = format!("{}{ticket}", shared.ws_url_base);
    let id = &shared.settings.identity;
    if call.method == "rtm.connect" {
        return ApiReply::ok(json!({
            "ok": true,
            "url": url,
            "self": {"id": id.bot_id, "name": id.bot_name},
            "team": {"id": id.team_id, "name": id.team_name, "domain": id.team_domain},
        }));
    }
    let mut body = json!({
        "ok": true,
        "url": url,
        "self": {
            "id": id.bot_id,
            "name": id.bot_name,
            "prefs": {},
            "created": 0,
            "manual_presence": "active",
        },
        "team": {
            "id": id.team_id,
            "name": id.team_name,
            "email_domain": "",
            "domain": id.team_domain,
            "icon": {},
            "msg_edit_window_mins": -1,
            "over_storage_limit": false,
            "prefs": {},
            "plan": "std",
        },
        "users": st.directory.all_users_json(&id.team_id),
        "channels": st.directory.all_channels_json(&id.team_id),
        "groups": [],
        "mpims": [],
        "ims": st.directory.all_ims_json(),
        "bots": [],
    });
    if let Some(obj) = body.as_object_mut() {
        for (k, v) in &st.rtm_start_snapshot {
            obj.insert(k.clone(), v.clone());
        }
    }
    ApiReply::ok(body)
}

/// The `blocks` and `attachments` parameters, parsed as JSON where they are JSON.
fn rich_fields(call: &ApiCall) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ["blocks", "attachments"] {
        if let Some(raw) = call.arg(key) {
            let v = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()));
            out.insert(key.to_owned(), v);
        }
    }
    out
}

/// `chat.postMessage`, recorded as a [`BotMessage`] whatever the answer.
fn post_message(shared: &Shared, call: &ApiCall) -> ApiReply {
    let reply = post_message_reply(shared, call);
    let outcome = match (reply.body["ok"].as_bool(), reply.body["ts"].as_str()) {
        (Some(true), Some(ts)) => Outcome::Acknowledged { ts: ts.to_owned() },
        _ => Outcome::Refused {
            code: None,
            error: reply.body["error"].as_str().unwrap_or_default().to_owned(),
        },
    };
    let raw: Map<String, Value> = call
        .params
        .iter()
        .filter(|(k, _)| k != "token")
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    // Recorded under the conversation's id when a name was resolved.
    let channel = reply.body["channel"]
        .as_str()
        .or(call.param("channel"))
        .unwrap_or_default()
        .to_owned();
    shared.record_bot_message(BotMessage {
        channel,
        text: call.param("text").unwrap_or_default().to_owned(),
        thread_ts: call.arg("thread_ts").map(str::to_owned),
        via: Via::WebApi,
        outcome,
        raw: Value::Object(raw),
    });
    reply
}

fn post_message_reply(shared: &Shared, call: &ApiCall) -> ApiReply {
    let Some(named) = call.arg("channel") else {
        return ApiReply::error("channel_not_found");
    };
    // An id, or a channel's name: the method takes both (the RTM API takes ids only).
    let (channel, member) = {
        let st = shared.state.lock();
        let Some(channel) = st.directory.resolve_conversation(named) else {
            return ApiReply::error("channel_not_found");
        };
        let member = st.directory.bot_is_member(&channel);
        (channel, member)
    };
    if !member {
        // "Cannot post user messages to a channel they are not in." (Slack's method docs)
        return ApiReply::error("not_in_channel");
    }
    let channel = channel.as_str();
    let rich = rich_fields(call);
    let text = call.arg("text").unwrap_or_default();
    if text.is_empty() && rich.is_empty() {
        return ApiReply::error("no_text");
    }
    if text.chars().count() > MAX_POST_CHARS {
        return ApiReply::error("msg_too_long");
    }
    let id = &shared.settings.identity;
    let ts = shared.ts.next();
    let mut message = json!({
        "type": "message",
        "user": id.bot_id,
        "text": text,
        "ts": ts,
        "team": id.team_id,
    });
    if let Some(thread_ts) = call.arg("thread_ts") {
        message["thread_ts"] = json!(thread_ts);
    }
    extend(&mut message, &rich);
    let mut event = message.clone();
    event["channel"] = json!(channel);
    posting::post(shared, &event, shared.settings.echo_own_messages);
    ApiReply::ok(json!({"ok": true, "channel": channel, "ts": ts, "message": message}))
}

fn update_message(shared: &Shared, call: &ApiCall) -> ApiReply {
    let Some(channel) = call.arg("channel") else {
        return ApiReply::error("channel_not_found");
    };
    if !shared.state.lock().directory.has_conversation(channel) {
        return ApiReply::error("channel_not_found");
    }
    let Some(ts) = call.arg("ts") else {
        return ApiReply::error("message_not_found");
    };
    let rich = rich_fields(call);
    let text = call.arg("text").unwrap_or_default();
    if text.is_empty() && rich.is_empty() {
        return ApiReply::error("no_text");
    }
    let bot = &shared.settings.identity.bot_id;
    let previous = shared.update(|st| {
        let posted = st.history.get_mut(channel, ts).ok_or("message_not_found")?;
        if posted.author != *bot {
            return Err("cant_update_message");
        }
        Ok(std::mem::replace(&mut posted.text, text.to_owned()))
    });
    let previous = match previous {
        Ok(previous) => previous,
        Err(code) => return ApiReply::error(code),
    };
    let id = &shared.settings.identity;
    let mut message = json!({"text": text, "user": id.bot_id});
    extend(&mut message, &rich);
    if shared.settings.echo_own_messages {
        let edit_ts = shared.ts.next();
        let mut edited = json!({
            "type": "message",
            "user": id.bot_id,
            "text": text,
            "ts": ts,
            "edited": {"user": id.bot_id, "ts": edit_ts},
        });
        extend(&mut edited, &rich);
        shared.publish(&json!({
            "type": "message",
            "subtype": "message_changed",
            "hidden": true,
            "channel": channel,
            "ts": edit_ts,
            "message": edited,
            "previous_message": {"type": "message", "user": id.bot_id, "text": previous, "ts": ts},
        }));
    }
    ApiReply::ok(json!({
        "ok": true,
        "channel": channel,
        "ts": ts,
        "text": text,
        "message": message,
    }))
}

fn extend(target: &mut Value, fields: &Map<String, Value>) {
    if let Some(obj) = target.as_object_mut() {
        obj.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}
