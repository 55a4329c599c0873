use super::*;
use serde_json::Value;

/// `(file stem, file text)` for a documented payload in `tests/data/events/`.
macro_rules! payload {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../tests/data/events/", $name, ".json")),
        )
    };
}

/// Every documented example payload (one object or an array of them per file).
const PAYLOADS: &[(&str, &str)] = &[
    payload!("accounts_changed"),
    payload!("bot_added"),
    payload!("bot_changed"),
    payload!("channel_archive"),
    payload!("channel_created"),
    payload!("channel_deleted"),
    payload!("channel_joined"),
    payload!("channel_left"),
    payload!("channel_marked"),
    payload!("channel_rename"),
    payload!("channel_unarchive"),
    payload!("commands_changed"),
    payload!("dnd_updated"),
    payload!("dnd_updated_user"),
    payload!("email_domain_changed"),
    payload!("emoji_changed"),
    payload!("error"),
    payload!("file_created"),
    payload!("file_shared"),
    payload!("goodbye"),
    payload!("group_archive"),
    payload!("group_close"),
    payload!("group_joined"),
    payload!("group_left"),
    payload!("group_open"),
    payload!("group_rename"),
    payload!("hello"),
    payload!("im_close"),
    payload!("im_created"),
    payload!("im_marked"),
    payload!("im_open"),
    payload!("manual_presence_change"),
    payload!("member_joined_channel"),
    payload!("member_left_channel"),
    payload!("message"),
    payload!("message.bot_message"),
    payload!("message.channel_join"),
    payload!("message.channel_leave"),
    payload!("message.channel_name"),
    payload!("message.channel_purpose"),
    payload!("message.channel_topic"),
    payload!("message.file_share"),
    payload!("message.me_message"),
    payload!("message.message_changed"),
    payload!("message.message_deleted"),
    payload!("message.message_replied"),
    payload!("message.thread_broadcast"),
    payload!("pin_added"),
    payload!("pin_removed"),
    payload!("pong"),
    payload!("pref_change"),
    payload!("presence_change"),
    payload!("reaction_added"),
    payload!("reaction_removed"),
    payload!("reconnect_url"),
    payload!("star_added"),
    payload!("star_removed"),
    payload!("subteam_created"),
    payload!("subteam_updated"),
    payload!("team_domain_change"),
    payload!("team_join"),
    payload!("team_rename"),
    payload!("user_change"),
    payload!("user_typing"),
];

fn event(json: &str) -> SlackEvent {
    SlackEvent::from_json(json).expect("a JSON object with a type")
}

fn typed(json: &str) -> TypedEvent {
    event(json).typed()
}

/// The examples of one payload file, each as JSON text.
fn examples(name: &str) -> Vec<String> {
    let (_, text) = PAYLOADS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a listed payload");
    match serde_json::from_str::<Value>(text).expect("valid JSON") {
        Value::Array(items) => items.iter().map(Value::to_string).collect(),
        one => vec![one.to_string()],
    }
}

fn message(json: &str) -> Message {
    match typed(json) {
        TypedEvent::Message(m) => *m,
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn the_payload_list_covers_every_file_in_the_test_data() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/events");
    for entry in std::fs::read_dir(dir).expect("the test data directory") {
        let path = entry.expect("a directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        assert!(
            PAYLOADS.iter().any(|(n, _)| *n == stem),
            "{stem}.json is not in PAYLOADS"
        );
    }
}

#[test]
fn every_documented_payload_yields_its_typed_case() {
    let mut checked = 0;
    for (name, _) in PAYLOADS {
        for json in examples(name) {
            if *name == "pong" {
                // A reply to our ping: the reader never delivers it as an event.
                assert!(SlackEvent::from_json(&json).is_err());
                continue;
            }
            let ev = event(&json);
            let (kind, subtype) = name.split_once('.').unwrap_or((name, ""));
            assert_eq!(ev.kind(), kind, "{name}");
            let t = ev.typed();
            assert!(
                !matches!(t, TypedEvent::Other(_)),
                "{name}: {json} gave Other"
            );
            assert_eq!(t.kind(), kind, "{name}");
            if let TypedEvent::Message(m) = &t {
                // file_share's current example has no subtype key at all.
                if m.subtype.is_some() || subtype != "file_share" {
                    let expected = (!subtype.is_empty()).then_some(subtype);
                    assert_eq!(m.subtype.as_deref(), expected, "{name}");
                    assert_ne!(m.kind(), MessageKind::Other, "{name}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 90, "only {checked} examples");
}

#[test]
fn unknown_types_yield_other_with_the_event_untouched() {
    let json = r#"{"type":"app_home_opened","user":"U1","tab":"home"}"#;
    match typed(json) {
        TypedEvent::Other(ev) => {
            assert_eq!(ev.kind(), "app_home_opened");
            assert_eq!(ev.raw(), json);
        }
        other => panic!("{other:?}"),
    }
    // Events the frame classifier only knows as "unknown" (no string type).
    assert!(matches!(typed(r#"{"type":5}"#), TypedEvent::Other(_)));
}

#[test]
fn malformed_shapes_yield_other() {
    for json in [
        r#"{"type":"user_typing","channel":"C1"}"#,
        r#"{"type":"user_typing","channel":5,"user":"U1"}"#,
        r#"{"type":"message","text":"no ts"}"#,
        r#"{"type":"message","ts":1355517523.000005}"#,
        r#"{"type":"message","ts":"1.0","text":{"rich":true}}"#,
        r#"{"type":"message","ts":"1.0","subtype":"message_changed","message":{"text":"nested, no ts"}}"#,
        r#"{"type":"presence_change","presence":"away"}"#,
        r#"{"type":"presence_change","users":[],"presence":"away"}"#,
        r#"{"type":"reaction_added","user":"U1","reaction":5}"#,
        r#"{"type":"channel_created","channel":"C1"}"#,
        r#"{"type":"channel_archive","channel":{"name":"no id"}}"#,
        r#"{"type":"pin_added","user":"U1","channel":"C1"}"#,
        r#"{"type":"team_rename"}"#,
        r#"{"type":"user_change","user":"U1"}"#,
    ] {
        let t = typed(json);
        assert!(matches!(t, TypedEvent::Other(_)), "{json} gave {t:?}");
        assert_eq!(t.kind(), event(json).kind());
    }
}

#[test]
fn no_shape_panics_for_any_known_type() {
    let kinds = PAYLOADS
        .iter()
        .map(|(n, _)| n.split('.').next().unwrap_or(n))
        .chain([
            "channel_history_changed",
            "group_marked",
            "im_history_changed",
        ]);
    let bodies = [
        "",
        r#","channel":null,"user":null,"ts":null"#,
        r#","channel":[],"user":{},"ts":{},"users":"U1","item":[1],"subteam":[]"#,
        r#","channel":{"id":{"id":"C1"}},"user":{"id":7},"presence":1e300"#,
        r#","user_count":-1,"reply_count":"1e3","created":"x","hidden":"maybe""#,
        r#","message":{"message":{"message":null}},"previous_message":7"#,
    ];
    for kind in kinds {
        for body in bodies {
            let json = format!(r#"{{"type":"{kind}"{body}}}"#);
            if let Ok(ev) = SlackEvent::from_json(&json) {
                let t = ev.typed();
                assert_eq!(t.kind(), kind, "{json}");
            }
        }
    }
}

#[test]
fn extra_fields_are_ignored() {
    let m = message(
        r#"{"type":"message","channel":"C1","ts":"1.0","text":"hi",
            "brand_new":{"nested":[1,2,{"x":null}]},"edited":{"ts":"2.0","why":"typo"}}"#,
    );
    assert_eq!(m.text.as_deref(), Some("hi"));
    assert_eq!(m.edited.and_then(|e| e.ts).as_deref(), Some("2.0"));
}

#[test]
fn plain_messages_have_their_documented_fields() {
    let all: Vec<Message> = examples("message").iter().map(|j| message(j)).collect();
    assert_eq!(all[0].channel.as_deref(), Some("C2147483705"));
    assert_eq!(all[0].ts, "1355517523.000005");
    assert_eq!(all[0].kind(), MessageKind::Plain);
    assert!(!all[0].hidden);
    assert_eq!(
        all[1].edited.as_ref().and_then(|e| e.ts.as_deref()),
        Some("1355517536.000001")
    );
    assert_eq!(all[2].pinned_to, ["C024BE7LT"]);
    assert_eq!(all[2].is_starred, Some(true));
    assert_eq!(all[2].reactions[1].name.as_deref(), Some("facepalm"));
    assert_eq!(all[2].reactions[1].count, Some(1034));
    assert_eq!(all[2].reactions[1].users.len(), 5);
    assert_eq!(all[3].channel, None, "the RTM page example has no channel");
}

#[test]
fn message_changed_reaches_the_new_and_previous_versions() {
    let docs = examples("message.message_changed");
    let doc = message(&docs[0]);
    assert_eq!(doc.kind(), MessageKind::MessageChanged);
    assert!(doc.hidden);
    assert_eq!(doc.ts, "1358878755.000001", "the outer ts is the edit time");
    let new = doc.changed_message().expect("the new version");
    assert_eq!(
        new.ts, "1355517523.000005",
        "the ts of the message to replace"
    );
    assert_eq!(new.text.as_deref(), Some("Hello, world!"));
    assert_eq!(doc.previous_message, None, "Slack's own example has none");

    let capture = message(&docs[1]);
    let previous = capture
        .previous_message
        .as_deref()
        .expect("previous_message");
    assert_eq!(
        previous.text.as_deref(),
        Some("referencing a #channel-that-doesnt-exist")
    );
    assert_eq!(
        capture.changed_message().map(|m| m.ts.as_str()),
        Some(previous.ts.as_str())
    );
    assert_eq!(capture.thread_parent(), None);
}

#[test]
fn deleted_replied_and_broadcast_messages_point_at_their_targets() {
    let deleted = message(&examples("message.message_deleted")[0]);
    assert_eq!(deleted.kind(), MessageKind::MessageDeleted);
    assert!(deleted.hidden);
    assert_eq!(deleted.deleted_ts.as_deref(), Some("1358878749.000002"));

    let replied = message(&examples("message.message_replied")[0]);
    let parent = replied.thread_parent().expect("the thread parent");
    assert_eq!(parent.reply_count, Some(1));
    assert_eq!(parent.replies[0].user.as_deref(), Some("U2222222"));
    assert_eq!(parent.thread_ts.as_deref(), Some(parent.ts.as_str()));
    assert!(!parent.is_thread_reply(), "the parent is not a reply");
    assert_eq!(replied.changed_message(), None);

    let broadcast = message(&examples("message.thread_broadcast")[0]);
    assert_eq!(broadcast.kind(), MessageKind::ThreadBroadcast);
    let root = broadcast.thread_parent().expect("root");
    assert_eq!(broadcast.thread_ts.as_deref(), Some(root.ts.as_str()));
    assert!(broadcast.is_thread_reply());
    assert_eq!(broadcast.thread_root_ts(), "1673464730.703009");
    assert_eq!(root.reply_users, ["U123ABC456"]);
    assert!(broadcast.blocks.is_some());
}

#[test]
fn channel_subtypes_carry_their_fields() {
    let bot = message(&examples("message.bot_message")[0]);
    assert_eq!(
        (bot.kind(), bot.user.as_deref()),
        (MessageKind::BotMessage, None)
    );
    assert_eq!(bot.bot_id.as_deref(), Some("BB12033"));
    assert_eq!(bot.username.as_deref(), Some("github"));

    let topic = message(&examples("message.channel_topic")[0]);
    assert_eq!(topic.topic.as_deref(), Some("hello world"));
    let purpose = message(&examples("message.channel_purpose")[0]);
    assert_eq!(purpose.purpose.as_deref(), Some("whatever"));
    let name = message(&examples("message.channel_name")[0]);
    assert_eq!(
        (name.old_name.as_deref(), name.name.as_deref()),
        (Some("random"), Some("watercooler"))
    );
    let join = message(&examples("message.channel_join")[1]);
    assert_eq!(join.kind(), MessageKind::ChannelJoin);
    let leave = message(&examples("message.channel_leave")[0]);
    assert_eq!(leave.kind(), MessageKind::ChannelLeave);
    let me = message(&examples("message.me_message")[0]);
    assert_eq!(me.kind(), MessageKind::MeMessage);

    let shares = examples("message.file_share");
    let old = message(&shares[0]);
    assert_eq!(
        (old.kind(), old.upload),
        (MessageKind::FileShare, Some(true))
    );
    assert_eq!(old.file, Some(File::default()));
    let new = message(&shares[1]);
    assert_eq!(new.files[0].id.as_deref(), Some("F0RDC39U1"));
    assert_eq!(new.files[0].size, Some(196920));
    assert_eq!(new.bot_id, None, "null is None");
}

#[test]
fn unknown_message_subtypes_are_still_messages() {
    let m = message(r#"{"type":"message","subtype":"huddle_thread","ts":"1.0","channel":"C1"}"#);
    assert_eq!(m.kind(), MessageKind::Other);
    assert_eq!(m.subtype.as_deref(), Some("huddle_thread"));
}

#[test]
fn presence_change_single_and_batched_fill_users() {
    let forms = examples("presence_change");
    let TypedEvent::PresenceChange(single) = typed(&forms[0]) else {
        panic!()
    };
    assert_eq!(single.users, ["U024BE7LH"]);
    let TypedEvent::PresenceChange(batch) = typed(&forms[1]) else {
        panic!()
    };
    assert_eq!(batch.users, ["U024BE7LH", "U012EA2U1"]);
    assert_eq!(batch.presence, "away");
    let TypedEvent::PresenceChange(both) =
        typed(r#"{"type":"presence_change","user":"U3","users":["U1"],"presence":"active"}"#)
    else {
        panic!()
    };
    assert_eq!(both.users, ["U3", "U1"]);
    assert!(both.is_active());
}

#[test]
fn channel_is_an_object_or_an_id_as_each_type_has_it() {
    let TypedEvent::ChannelRename(r) = typed(&examples("channel_rename")[0]) else {
        panic!()
    };
    assert_eq!(r.channel.name.as_deref(), Some("new_name"));
    assert_eq!(r.channel.created, Some(1360782804));
    let TypedEvent::ChannelCreated(c) = typed(&examples("channel_created")[0]) else {
        panic!()
    };
    assert_eq!(c.channel.creator.as_deref(), Some("U024BE7LH"));
    let TypedEvent::ChannelArchive(a) = typed(&examples("channel_archive")[0]) else {
        panic!()
    };
    assert_eq!(
        (a.channel.as_str(), a.user.as_deref()),
        ("C024BE91L", Some("U024BE7LH"))
    );
    let TypedEvent::GroupArchive(g) = typed(&examples("group_archive")[0]) else {
        panic!()
    };
    assert_eq!(g.user, None);
    // An older copy of channel_left showed the channel object: its id is taken.
    let TypedEvent::ChannelLeft(l) =
        typed(r#"{"type":"channel_left","channel":{"id":"C1","name":"fun"}}"#)
    else {
        panic!()
    };
    assert_eq!(l.channel, "C1");
    let TypedEvent::ChannelMarked(m) = typed(&examples("channel_marked")[0]) else {
        panic!()
    };
    assert_eq!(m.ts, "1401383885.000061");
    let TypedEvent::ImCreated(im) = typed(&examples("im_created")[1]) else {
        panic!()
    };
    assert!(im.channel.is_im);
    assert_eq!(im.user.as_deref(), Some("U024BE7LH"));
}

#[test]
fn elided_objects_parse_as_empty() {
    let TypedEvent::ChannelJoined(j) = typed(&examples("channel_joined")[0]) else {
        panic!()
    };
    assert_eq!(j.channel, Channel::default());
    let TypedEvent::TeamJoin(t) = typed(&examples("team_join")[0]) else {
        panic!()
    };
    assert_eq!(t.user, User::default());
    let TypedEvent::PinAdded(p) = typed(&examples("pin_added")[0]) else {
        panic!()
    };
    assert_eq!(
        (p.channel_id.as_str(), &p.item),
        ("C02ELGNBH", &Item::default())
    );
}

#[test]
fn string_typed_numbers_and_booleans_are_accepted() {
    let TypedEvent::SubteamUpdated(s) = typed(&examples("subteam_updated")[0]) else {
        panic!()
    };
    assert_eq!(s.subteam.user_count, Some(4));
    assert_eq!(s.subteam.users.len(), 4);
    assert_eq!(s.subteam.auto_type.as_deref(), Some("admin"));
    let TypedEvent::SubteamCreated(s) = typed(&examples("subteam_created")[0]) else {
        panic!()
    };
    assert_eq!(s.subteam.user_count, Some(0));
    assert_eq!(s.subteam.deleted_by, None);

    let TypedEvent::GroupJoined(g) = typed(&examples("group_joined")[1]) else {
        panic!()
    };
    assert!(g.channel.is_group, "\"true\" as a string");
    assert_eq!(g.channel.topic.and_then(|t| t.last_set), Some(1369677212));

    let TypedEvent::SubteamUpdated(s) = typed(
        r#"{"type":"subteam_updated","subteam":{"id":"S1","user_count":" 7 ","is_usergroup":1,"date_create":"1446598059"}}"#,
    ) else {
        panic!()
    };
    assert_eq!(s.subteam.user_count, Some(7));
    assert_eq!(s.subteam.is_usergroup, Some(true));
    assert_eq!(s.subteam.date_create, Some(1446598059));
}

#[test]
fn nonsense_in_lenient_fields_becomes_none_not_other() {
    let m = message(
        r#"{"type":"message","ts":"1.0","hidden":"maybe","reply_count":-3,"upload":[1],
            "reactions":null,"pinned_to":null,"is_starred":{"x":1}}"#,
    );
    assert!(!m.hidden);
    assert_eq!((m.reply_count, m.upload, m.is_starred), (None, None, None));
    assert!(m.reactions.is_empty() && m.pinned_to.is_empty());
    let m = message(r#"{"type":"message","ts":"1.0","hidden":"true","reply_count":2.0}"#);
    assert!(m.hidden);
    assert_eq!(m.reply_count, Some(2));
}

#[test]
fn reactions_pins_and_stars_name_their_item() {
    let forms = examples("reaction_added");
    let TypedEvent::ReactionAdded(on_message) = typed(&forms[0]) else {
        panic!()
    };
    assert_eq!(on_message.reaction, "thumbsup");
    assert_eq!(on_message.item.kind.as_deref(), Some("message"));
    assert_eq!(on_message.item.ts.as_deref(), Some("1360782400.498405"));
    let TypedEvent::ReactionAdded(on_comment) = typed(&forms[2]) else {
        panic!()
    };
    assert_eq!(on_comment.item.file_comment.as_deref(), Some("Fc0HS2KBEZ"));
    let TypedEvent::ReactionRemoved(r) = typed(&examples("reaction_removed")[1]) else {
        panic!()
    };
    assert_eq!(r.item.file.as_deref(), Some("F0HS27V1Z"));
    let TypedEvent::PinRemoved(p) = typed(&examples("pin_removed")[0]) else {
        panic!()
    };
    assert_eq!(p.has_pins, Some(false));
    // A star on a whole file object still names the file.
    let TypedEvent::StarAdded(s) = typed(
        r#"{"type":"star_added","user":"U1","item":{"type":"file","file":{"id":"F1","name":"a.png"}}}"#,
    ) else {
        panic!()
    };
    assert_eq!(s.item.file.as_deref(), Some("F1"));
}

#[test]
fn workspace_user_and_bot_events_parse() {
    let TypedEvent::UserChange(u) = typed(&examples("user_change")[1]) else {
        panic!()
    };
    assert_eq!(u.user.id, "U1234567");
    assert_eq!(u.user.tz_offset, Some(-25200));
    assert_eq!(u.cache_ts, Some(1648596421));
    let profile = u.user.profile.expect("profile");
    assert_eq!(profile.status_text.as_deref(), Some("riding a train"));
    let TypedEvent::TeamJoin(j) = typed(&examples("team_join")[1]) else {
        panic!()
    };
    assert!(j.user.is_admin);
    let TypedEvent::BotAdded(b) = typed(&examples("bot_added")[1]) else {
        panic!()
    };
    assert_eq!(b.bot.app_id.as_deref(), Some("A4H1JB4AZ"));
    let TypedEvent::TeamDomainChange(d) = typed(&examples("team_domain_change")[0]) else {
        panic!()
    };
    assert_eq!(d.domain, "my");
    let TypedEvent::DndUpdated(d) = typed(&examples("dnd_updated")[0]) else {
        panic!()
    };
    assert_eq!(d.dnd_status.snooze_endtime, Some(1450373897));
    let TypedEvent::DndUpdatedUser(d) = typed(&examples("dnd_updated_user")[0]) else {
        panic!()
    };
    assert_eq!(
        (d.dnd_status.next_dnd_end_ts, d.dnd_status.snooze_enabled),
        (Some(1450423800), None)
    );
    let TypedEvent::PrefChange(p) = typed(&examples("pref_change")[0]) else {
        panic!()
    };
    assert_eq!(p.value, Value::from("dense"));
    let TypedEvent::MemberJoinedChannel(m) = typed(&examples("member_joined_channel")[2]) else {
        panic!()
    };
    assert_eq!(m.enterprise.as_deref(), Some("E123456789"));
    let TypedEvent::MemberJoinedChannel(m) = typed(&examples("member_joined_channel")[1]) else {
        panic!()
    };
    assert_eq!(m.inviter, None);
}

#[test]
fn emoji_and_file_events_parse_in_every_form() {
    let forms = examples("emoji_changed");
    let TypedEvent::EmojiChanged(bare) = typed(&forms[0]) else {
        panic!()
    };
    assert_eq!(bare.subtype, None);
    let TypedEvent::EmojiChanged(remove) = typed(&forms[2]) else {
        panic!()
    };
    assert_eq!(remove.names, ["picard_facepalm"]);
    let TypedEvent::EmojiChanged(rename) = typed(&forms[3]) else {
        panic!()
    };
    assert_eq!(rename.new_name.as_deref(), Some("cheese-grin"));

    let TypedEvent::FileShared(old) = typed(&examples("file_shared")[0]) else {
        panic!()
    };
    assert_eq!(old.id(), None);
    let TypedEvent::FileShared(new) = typed(&examples("file_shared")[1]) else {
        panic!()
    };
    assert_eq!(new.id(), Some("F2147483862"));
    assert_eq!(new.channel_id.as_deref(), Some("D01315BHHSN"));
    let TypedEvent::FileCreated(f) = typed(r#"{"type":"file_created","file":{"id":"F9"}}"#) else {
        panic!()
    };
    assert_eq!(f.id(), Some("F9"));
}

#[test]
fn connection_events_parse() {
    assert!(matches!(typed(&examples("hello")[0]), TypedEvent::Hello));
    assert!(matches!(
        typed(&examples("goodbye")[0]),
        TypedEvent::Goodbye
    ));
    let TypedEvent::Error(e) = typed(&examples("error")[0]) else {
        panic!()
    };
    assert_eq!(
        (e.code, e.msg.as_deref()),
        (Some(1), Some("Socket URL has expired"))
    );
    let TypedEvent::Error(e) = typed(r#"{"type":"error"}"#) else {
        panic!()
    };
    assert_eq!(e, RtmError::default());
}

#[test]
fn reconnect_url_debug_hides_the_url() {
    let TypedEvent::ReconnectUrl(r) =
        typed(r#"{"type":"reconnect_url","url":"wss://secret.example/abc"}"#)
    else {
        panic!()
    };
    assert_eq!(r.url.as_deref(), Some("wss://secret.example/abc"));
    assert!(!format!("{r:?}").contains("secret"));
    let typed = Typed::from(event(
        r#"{"type":"reconnect_url","url":"wss://secret.example/abc"}"#,
    ));
    assert!(!format!("{typed:?}").contains("secret"));
}

#[test]
fn typed_keeps_the_raw_json_for_every_case() {
    for json in [
        r#"{"type":"user_typing","channel":"C1","user":"U1","extra":true}"#,
        r#"{"type":"not_yet_invented","x":1}"#,
    ] {
        let typed = Typed::from(event(json));
        assert_eq!(typed.raw(), json);
        assert_eq!(typed.source().raw(), json);
        let (t, source) = typed.into_parts();
        assert_eq!(t.kind(), source.kind());
    }
}

#[test]
fn from_an_owned_event_matches_typed() {
    for (name, _) in PAYLOADS.iter().filter(|(n, _)| *n != "pong") {
        for json in examples(name) {
            let ev = event(&json);
            let by_ref = format!("{:?}", ev.typed());
            assert_eq!(format!("{:?}", TypedEvent::from(ev)), by_ref);
        }
    }
}
