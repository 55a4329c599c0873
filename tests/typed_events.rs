//! Typed events and the Enterprise Grid duplicate filter over real loopback connections to
//! the fake Slack: what the reader delivers parses into its typed case on the consumer's
//! thread, and one shared filter passes a message once across two workspaces' clients.

mod common;

use std::path::Path;
use std::sync::mpsc;
use std::thread;

use common::{builder, fake, started, wait_for_slack, SOON};
use serde_json::{json, Value};
use slack_rtm::dedup::SharedDeduplicator;
use slack_rtm::typed::{MessageKind, TypedEvent};

/// Every documented example event, as `(file stem, JSON text)`, from `tests/data/events`.
fn documented_examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/events");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the test data directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut examples = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 file name")
            .to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        match serde_json::from_str::<Value>(&text).expect("valid JSON") {
            Value::Array(items) => {
                examples.extend(items.iter().map(|v| (stem.clone(), v.to_string())))
            }
            one => examples.push((stem, one.to_string())),
        }
    }
    examples
}

#[test]
fn documented_payloads_sent_by_the_server_arrive_as_their_typed_cases() {
    let fake = fake();
    let (client, events) = started(&fake);
    wait_for_slack(&events, "hello");
    let mut checked = 0;
    for (name, text) in documented_examples() {
        // pong is a reply, not an event; hello and goodbye drive the connection itself.
        if matches!(name.as_str(), "pong" | "hello" | "goodbye") {
            continue;
        }
        let kind = name.split('.').next().unwrap_or(&name);
        assert_eq!(fake.push_raw(text.clone()), 1);
        let event = wait_for_slack(&events, kind);
        assert_eq!(event.raw(), text);
        let typed = event.typed();
        assert!(
            !matches!(typed, TypedEvent::Other(_)),
            "{name}: {text} arrived as Other"
        );
        assert_eq!(typed.kind(), kind);
        checked += 1;
    }
    assert!(checked >= 85, "only {checked} examples");
    client.disconnect();
}

#[test]
fn a_shared_filter_passes_a_grid_message_once_across_two_workspaces() {
    let workspaces = [fake(), fake()];
    let dedup = SharedDeduplicator::new(1024);
    let (seen_tx, seen_rx) = mpsc::channel();
    let mut clients = Vec::new();
    let mut runs = Vec::new();
    for (n, slack) in workspaces.iter().enumerate() {
        let client = builder(slack).build().expect("valid config");
        let dedup = dedup.clone();
        let seen_tx = seen_tx.clone();
        client.on("message", move |_client, event| {
            let Some(ev) = event.as_slack() else { return };
            let TypedEvent::Message(m) = ev.typed() else {
                return;
            };
            let passed = !dedup.is_duplicate(ev);
            let _ = seen_tx.send((n, m.ts.clone(), m.kind(), passed));
        });
        client.start().expect("start");
        let runner = client.clone();
        runs.push(thread::spawn(move || runner.run()));
        clients.push(client);
    }

    // A user of workspace 1 posts in a channel shared with workspace 2: both connections
    // deliver it, the second copy with the author's workspace details.
    let original = json!({"type": "message", "channel": "C0SHARED", "user": "W1",
        "text": "hello both", "ts": "1700000000.000100", "source_team": "T1"});
    let copy = json!({"type": "message", "channel": "C0SHARED", "user": "W1",
        "text": "hello both", "ts": "1700000000.000100", "source_team": "T1",
        "user_team": "T1", "user_profile": {"name": "w1"}});
    // A later message that only workspace 2's connection sees.
    let later = json!({"type": "message", "channel": "C0SHARED", "user": "W2",
        "text": "just us", "ts": "1700000000.000200", "source_team": "T2"});
    assert_eq!(workspaces[0].push(original), 1);
    assert_eq!(workspaces[1].push(copy), 1);
    assert_eq!(workspaces[1].push(later), 1);

    let mut seen: Vec<_> = (0..3)
        .map(|_| seen_rx.recv_timeout(SOON).expect("a handled message"))
        .collect();
    seen.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    let first: Vec<_> = seen
        .iter()
        .filter(|s| s.1 == "1700000000.000100")
        .map(|s| s.3)
        .collect();
    assert_eq!(
        first.iter().filter(|passed| **passed).count(),
        1,
        "exactly one copy passes: {seen:?}"
    );
    assert_eq!(first.len(), 2, "both connections delivered it");
    assert_eq!(
        seen.last().map(|s| (s.0, s.1.as_str(), s.2, s.3)),
        Some((1, "1700000000.000200", MessageKind::Plain, true))
    );
    assert_eq!(dedup.len(), 2);

    for client in &clients {
        client.disconnect();
    }
    for run in runs {
        run.join().expect("no panic").expect("a clean disconnect");
    }
}
