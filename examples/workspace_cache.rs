//! The opt-in workspace cache (the v3 client's `dataStore`): "who is U123?" and "what is
//! #general's id?" without a Web API call per event.
//!
//! Without `SLACK_BOT_TOKEN` it runs against the embedded fake Slack: it connects with
//! `rtm.start` (whose snapshot seeds the cache), shows an event updating it (a rename), and
//! a lazy lookup of a user the snapshot did not have (one `users.info` call, then cached).
//! With `SLACK_BOT_TOKEN` it prints who wrote each message, by name, until Ctrl-C.
//!
//! ```text
//! cargo run --example workspace_cache
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example workspace_cache
//! ```

use std::time::Duration;

use serde_json::json;
use slack_rtm::fake::FakeSlack;
use slack_rtm::{CacheConfig, Event, RtmClient};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => real(token.trim()),
        _ => offline(),
    }
}

/// Prints each message with its author's and channel's names, from the cache.
fn real(token: &str) -> Res<()> {
    let client = RtmClient::builder(token)
        .workspace_cache(Some(CacheConfig::default()))
        .build()?;
    client.on("message", |client, event| {
        let (Some(cache), Some(msg)) = (client.cache(), event.as_slack()) else {
            return;
        };
        let Ok(v) = msg.json() else { return };
        let user = v["user"].as_str().unwrap_or_default();
        let channel = v["channel"].as_str().unwrap_or_default();
        // A miss costs one Web API call (on this thread), then it is cached.
        let who = cache.user(user).ok().flatten();
        let wher = cache.channel(channel).ok().flatten();
        println!(
            "{} in #{}: {}",
            who.as_ref().map_or(user, |u| u.shown_name()),
            wher.as_ref()
                .and_then(|c| c.name.as_deref())
                .unwrap_or(channel),
            v["text"].as_str().unwrap_or_default()
        );
    });
    client.start()?;
    client.run()?;
    Ok(())
}

fn offline() -> Res<()> {
    println!("SLACK_BOT_TOKEN is not set: using the embedded fake Slack");
    let fake = FakeSlack::start()?;
    fake.set_rtm_start_snapshot(json!({
        "users": [{"id": "U0ALICE", "name": "alice", "real_name": "Alice Liddell"}],
        "channels": [{"id": "C0GENERAL", "name": "general", "is_channel": true}],
    }));
    fake.add_user("U0BOB", "bob"); // known to users.info, not in the snapshot
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy()
        .use_rtm_connect(false) // rtm.start: its snapshot seeds the cache
        .workspace_cache(Some(CacheConfig::default()))
        .build()?;
    let events = client.events();
    client.start()?;
    let cache = client.cache().ok_or("the cache is on")?;

    let general = cache
        .channel_by_name("#general")
        .ok_or("seeded from rtm.start")?;
    println!("#general is {}", general.id);
    let alice = cache
        .cached_user("U0ALICE")
        .ok_or("seeded from rtm.start")?;
    println!("U0ALICE is {} (@{})", alice.shown_name(), alice.name);

    // Events keep it current: the reader applies them before you see them.
    fake.push(json!({"type": "channel_rename", "channel": {"id": "C0GENERAL", "name": "town-square", "created": 1}}));
    loop {
        match events.recv_timeout(Duration::from_secs(5))? {
            Event::Slack(e) if e.kind() == "channel_rename" => break,
            _ => {}
        }
    }
    let renamed = cache.channel_by_name("town-square").ok_or("renamed")?;
    println!("after channel_rename, {} is #town-square", renamed.id);
    if cache.channel_by_name("general").is_some() {
        return Err("the old name should be gone".into());
    }

    // A user the snapshot did not have: one users.info call, then cached.
    let calls = |fake: &FakeSlack| {
        fake.requests()
            .iter()
            .filter(|r| r.method == "users.info")
            .count()
    };
    let bob = cache.user("U0BOB")?.ok_or("users.info knows bob")?;
    let bob_again = cache.user("U0BOB")?.ok_or("cached")?;
    println!(
        "U0BOB is @{} ({} users.info call for two lookups)",
        bob.name,
        calls(&fake)
    );
    if calls(&fake) != 1 || bob != bob_again {
        return Err("the second lookup should come from the cache".into());
    }
    client.disconnect();
    Ok(())
}
