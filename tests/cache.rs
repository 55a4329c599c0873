//! The opt-in workspace cache against the fake Slack over real loopback sockets: seeded
//! from `rtm.start`, kept current by events (waited for on the event stream: the reader
//! applies an event to the cache before delivering it), filled lazily through the Web API,
//! merged on reconnect, bounded.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use common::{builder, fake, wait_for, wait_for_slack};
use serde_json::{json, Value};
use slack_rtm::fake::FakeSlack;
use slack_rtm::{CacheConfig, Error, Event, Events, RetryPolicy, RtmClient, State, WorkspaceCache};

/// A client with the cache on; `rtm_start` picks `rtm.start` (with its snapshot) over
/// `rtm.connect`. Started, with the event stream taken before the start.
fn cached(fake: &FakeSlack, capacity: usize, rtm_start: bool) -> (RtmClient, Events) {
    let client = builder(fake)
        .workspace_cache(Some(CacheConfig { capacity }))
        .use_rtm_connect(!rtm_start)
        .retry(
            RetryPolicy::default()
                .first_retry(Duration::from_millis(10))
                .initial_backoff(Duration::from_millis(20))
                .max_backoff(Duration::from_millis(200)),
        )
        .build()
        .expect("valid config");
    let events = client.events();
    client.start().expect("start");
    (client, events)
}

/// The ids of the cached users, sorted (`users()` copies without counting as a lookup).
fn user_ids(cache: &WorkspaceCache) -> Vec<String> {
    let mut ids: Vec<String> = cache.users().into_iter().map(|u| u.id).collect();
    ids.sort();
    ids
}

/// How many times the fake was asked `method`.
fn calls(fake: &FakeSlack, method: &str) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == method)
        .count()
}

#[test]
fn the_cache_is_off_by_default() {
    let fake = fake();
    let client = builder(&fake).build().expect("valid config");
    assert!(client.cache().is_none());
    client.start().expect("start");
    assert!(client.cache().is_none());
}

#[test]
fn an_rtm_start_snapshot_seeds_every_kind_and_events_keep_it_current() {
    let fake = fake();
    fake.set_rtm_start_snapshot(json!({
        "users": [
            {"id": "U1", "name": "alice", "real_name": "Alice Liddell",
             "profile": {"display_name": "ali", "team": "T0FAKETEAM"}},
            {"id": "U2", "name": "robot", "is_bot": true, "deleted": false},
        ],
        "channels": [
            {"id": "C1", "name": "general", "is_channel": true, "is_general": true, "is_member": true},
            {"id": "C2", "name": "fun", "is_channel": true, "is_member": false},
        ],
        "groups": [{"id": "G1", "name": "secret", "is_group": "true", "is_archived": false}],
        "mpims": [{"id": "G2", "name": "mpdm-alice--robot-1", "is_mpim": true}],
        "ims": [{"id": "D1", "is_im": true, "user": "U1", "is_open": true}],
        "bots": [{"id": "B1", "name": "hugbot", "app_id": "A1"}],
    }));
    let (client, events) = cached(&fake, 100, true);
    let cache = client.cache().expect("turned on");

    // Seeded: every list of the snapshot, and the team.
    let alice = cache.user("U1").expect("cached: no call").expect("seeded");
    assert_eq!(alice.name, "alice");
    assert_eq!(alice.real_name.as_deref(), Some("Alice Liddell"));
    assert_eq!(alice.shown_name(), "ali");
    assert_eq!(alice.team_id.as_deref(), Some("T0FAKETEAM"));
    assert!(cache.user_by_name("@robot").is_some_and(|u| u.is_bot));
    let general = cache.channel_by_name("#general").expect("seeded");
    assert_eq!(general.id, "C1");
    assert!(general.is_general && general.is_member == Some(true));
    assert_eq!(format!("{:?}", general.kind()), "Channel");
    let secret = cache.channel("G1").expect("cached").expect("seeded");
    assert_eq!(secret.kind().as_str(), "private");
    assert_eq!(
        cache
            .channel_by_name("mpdm-alice--robot-1")
            .map(|c| c.kind().as_str()),
        Some("mpim")
    );
    let dm = cache.im_for_user("U1").expect("seeded");
    assert_eq!((dm.id.as_str(), dm.kind().as_str()), ("D1", "im"));
    assert_eq!(cache.bot("B1").map(|b| b.name), Some("hugbot".to_owned()));
    let team = cache.team().expect("seeded");
    assert_eq!(
        (team.id.as_str(), team.name.as_str(), team.domain.as_str()),
        ("T0FAKETEAM", "Fake Team", "fake")
    );
    assert_eq!(
        (cache.user_count(), cache.channel_count(), cache.bot_count()),
        (2, 5, 1)
    );

    // Events that change the workspace; delivery order is application order, so waiting
    // for the last one is enough.
    fake.push(
        json!({"type": "user_change", "user": {"id": "U1", "name": "alicia",
        "real_name": "Alicia Liddell", "profile": {"display_name": ""}}}),
    );
    fake.push(json!({"type": "team_join", "user": {"id": "U3", "name": "newbie"}}));
    fake.push(
        json!({"type": "channel_rename", "channel": {"id": "C2", "name": "fun2", "created": 1}}),
    );
    fake.push(
        json!({"type": "channel_created", "channel": {"id": "C3", "name": "brand-new",
        "created": 1360782804, "creator": "U1"}}),
    );
    fake.push(json!({"type": "channel_archive", "channel": "C2", "user": "U1"}));
    fake.push(json!({"type": "channel_joined", "channel": {"id": "C3", "name": "brand-new", "is_channel": true}}));
    fake.push(json!({"type": "group_left", "channel": "G1"}));
    fake.push(json!({"type": "im_created", "user": "U2", "channel": {"id": "D2", "is_im": true, "user": "U2"}}));
    fake.push(json!({"type": "im_close", "user": "U1", "channel": "D1"}));
    fake.push(
        json!({"type": "bot_changed", "bot": {"id": "B1", "name": "hugbot2", "app_id": "A1"}}),
    );
    fake.push(json!({"type": "team_domain_change", "url": "https://renamed.slack.com", "domain": "renamed"}));
    fake.push(json!({"type": "team_rename", "name": "Renamed Team"}));
    wait_for_slack(&events, "team_rename");

    let alicia = cache.user_by_name("alicia").expect("renamed");
    assert_eq!(
        (alicia.id.as_str(), alicia.shown_name()),
        ("U1", "Alicia Liddell")
    );
    assert!(
        cache.user_by_name("alice").is_none(),
        "the old name is unindexed"
    );
    assert_eq!(
        cache.user_by_name("newbie").map(|u| u.id),
        Some("U3".to_owned())
    );
    assert!(cache.channel_by_name("fun").is_none());
    let fun2 = cache.channel_by_name("#fun2").expect("renamed");
    assert!(fun2.id == "C2" && fun2.is_archived);
    let created = cache.channel_by_name("brand-new").expect("created");
    assert_eq!((created.id.as_str(), created.is_member), ("C3", Some(true)));
    assert!(cache.cached_channel("G1").is_none(), "left: gone");
    assert!(cache.channel_by_name("secret").is_none());
    assert_eq!(cache.im_for_user("U2").map(|c| c.id), Some("D2".to_owned()));
    assert_eq!(
        cache.cached_channel("D1").and_then(|c| c.is_open),
        Some(false)
    );
    assert_eq!(
        cache.bot_by_name("hugbot2").map(|b| b.id),
        Some("B1".to_owned())
    );
    assert!(cache.bot_by_name("hugbot").is_none());
    let team = cache.team().expect("kept");
    assert_eq!(
        (team.name.as_str(), team.domain.as_str()),
        ("Renamed Team", "renamed")
    );

    // All of it without one Web API lookup.
    assert_eq!(
        calls(&fake, "users.info") + calls(&fake, "conversations.info"),
        0
    );
}

#[test]
fn a_miss_asks_the_web_api_once_then_answers_from_the_cache() {
    let fake = fake();
    fake.add_user("U77", "zed");
    fake.add_channel("C77", "random");
    let (client, _events) = cached(&fake, 100, false);
    let cache = client.cache().expect("turned on");

    // rtm.connect: only the team.
    assert_eq!(cache.team().map(|t| t.name), Some("Fake Team".to_owned()));
    assert_eq!((cache.user_count(), cache.channel_count()), (0, 0));
    assert!(cache.cached_user("U77").is_none());
    assert!(cache.user_by_name("zed").is_none(), "names are cache-only");

    let zed = cache
        .user("U77")
        .expect("the call succeeds")
        .expect("known");
    assert_eq!(zed.name, "zed");
    let asked: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "users.info")
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].param("user"), Some("U77"));
    assert_eq!(
        cache.user("U77").expect("cached").map(|u| u.name),
        Some("zed".into())
    );
    assert_eq!(cache.user_by_name("zed").map(|u| u.id), Some("U77".into()));
    assert_eq!(
        calls(&fake, "users.info"),
        1,
        "the second lookup made no call"
    );

    let random = cache
        .channel("C77")
        .expect("the call succeeds")
        .expect("known");
    assert_eq!(
        (random.name.as_deref(), random.kind().as_str()),
        (Some("random"), "channel")
    );
    assert!(cache.channel("C77").expect("cached").is_some());
    assert_eq!(
        cache.channel_by_name("#random").map(|c| c.id),
        Some("C77".into())
    );
    assert_eq!(calls(&fake, "conversations.info"), 1);

    // "Not found" is no error, and is not cached (a later lookup asks again).
    assert_eq!(cache.user("U404").expect("not an error"), None);
    assert_eq!(cache.channel("C404").expect("not an error"), None);
    assert_eq!(cache.user("").expect("no call for an empty id"), None);
    assert_eq!(
        (
            calls(&fake, "users.info"),
            calls(&fake, "conversations.info")
        ),
        (2, 2)
    );
}

#[test]
fn a_failed_lookup_is_an_error_and_caches_nothing() {
    let fake = fake();
    // Nothing listens on port 1: the Web API is unreachable. The cache exists from build.
    let client = builder(&fake)
        .slack_api_url("http://127.0.0.1:1/api/")
        .workspace_cache(Some(CacheConfig::default()))
        .build()
        .expect("valid config");
    let cache = client.cache().expect("turned on");
    match cache.user("U1") {
        Err(Error::Http { method, .. }) => assert_eq!(method, "users.info"),
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert!(matches!(cache.channel("C1"), Err(Error::Http { .. })));
    assert_eq!((cache.user_count(), cache.channel_count()), (0, 0));
}

#[test]
fn a_reconnect_merges_the_new_snapshot_and_keeps_what_it_does_not_mention() {
    let fake = fake();
    fake.set_rtm_start_snapshot(json!({
        "users": [{"id": "U1", "name": "alice"}],
        "channels": [{"id": "C1", "name": "fun", "is_channel": true}],
    }));
    fake.add_user("U9", "lazy");
    let (client, events) = cached(&fake, 100, true);
    let cache = client.cache().expect("turned on");
    assert!(cache.user("U9").expect("fetched").is_some());
    fake.push(json!({"type": "team_join", "user": {"id": "U5", "name": "newbie"}}));
    fake.push(json!({"type": "channel_rename", "channel": {"id": "C1", "name": "fun2"}}));
    wait_for_slack(&events, "channel_rename");
    assert!(cache.channel_by_name("fun2").is_some());

    // While the client is away, Slack changes; the next rtm.start says so.
    fake.set_rtm_start_snapshot(json!({
        "users": [{"id": "U1", "name": "alice2"}],
        "channels": [{"id": "C1", "name": "fun3", "is_channel": true}],
    }));
    fake.drop_connections();
    wait_for(&events, "reconnecting", |e| {
        matches!(e, Event::Reconnecting)
    });
    wait_for(&events, "ready again", |e| matches!(e, Event::Ready));
    assert_eq!(client.state(), State::Ready);

    // What the snapshot carries supersedes what we knew...
    assert_eq!(
        cache.user_by_name("alice2").map(|u| u.id),
        Some("U1".into())
    );
    assert!(cache.user_by_name("alice").is_none());
    assert_eq!(
        cache.channel_by_name("fun3").map(|c| c.id),
        Some("C1".into())
    );
    assert!(cache.channel_by_name("fun2").is_none());
    // ...and what it does not mention is kept: taught by an event, or fetched.
    assert_eq!(
        cache.user_by_name("newbie").map(|u| u.id),
        Some("U5".into())
    );
    assert!(cache.user("U9").expect("cached").is_some());
    assert_eq!(
        calls(&fake, "users.info"),
        1,
        "no refetch after the reconnect"
    );
    assert_eq!(calls(&fake, "rtm.start"), 2);

    // Events on the new connection are followed too.
    fake.push(json!({"type": "user_change", "user": {"id": "U5", "name": "regular"}}));
    wait_for_slack(&events, "user_change");
    assert_eq!(
        cache.cached_user("U5").map(|u| u.name),
        Some("regular".into())
    );
}

#[test]
fn the_bound_evicts_the_oldest_write_unless_it_was_looked_up() {
    let fake = fake();
    let users = vec![
        json!({"id": "U1", "name": "a"}),
        json!({"id": "U2", "name": "b"}),
        json!({"id": "U3", "name": "c"}),
    ];
    for (id, name) in [("U1", "a"), ("U2", "b"), ("U3", "c")] {
        fake.add_user(id, name);
    }
    fake.set_rtm_start_snapshot(json!({"users": users, "bots": []}));
    let (client, events) = cached(&fake, 2, true);
    let cache = client.cache().expect("turned on");
    assert_eq!(cache.config().capacity, 2);

    // Three users into two places: the first written is gone, name and all.
    assert_eq!(cache.user_count(), 2);
    assert!(cache.cached_user("U1").is_none() && cache.user_by_name("a").is_none());
    assert_eq!(user_ids(cache), ["U2", "U3"]);
    // U2 is now the oldest; a lookup gives it a second chance.
    assert!(cache.cached_user("U2").is_some());
    fake.push(json!({"type": "team_join", "user": {"id": "U4", "name": "d"}}));
    wait_for_slack(&events, "team_join");
    assert_eq!(cache.user_count(), 2);
    assert!(cache.cached_user("U2").is_some(), "looked up: kept");
    assert!(cache.cached_user("U3").is_none() && cache.user_by_name("c").is_none());
    assert_eq!(cache.user_by_name("d").map(|u| u.id), Some("U4".into()));

    // An evicted user comes back through the Web API, within the bound.
    assert_eq!(calls(&fake, "users.info"), 0);
    assert_eq!(
        cache.user("U1").expect("fetched").map(|u| u.name),
        Some("a".into())
    );
    assert_eq!(calls(&fake, "users.info"), 1);
    assert_eq!(cache.user_count(), 2);
}

#[test]
fn odd_payloads_are_ignored_and_the_client_carries_on() {
    let fake = fake();
    fake.set_rtm_start_snapshot(json!({
        "users": [{"id": "U1", "name": "alice"}],
        "channels": [{"id": "C1", "name": "fun"}],
    }));
    let (client, events) = cached(&fake, 100, true);
    let cache = client.cache().expect("turned on");
    let before = (cache.users(), cache.channels(), cache.team());
    for odd in [
        json!({"type": "user_change", "user": {}}),
        json!({"type": "user_change", "user": "U1"}),
        json!({"type": "team_join"}),
        json!({"type": "channel_rename", "channel": "C1"}),
        json!({"type": "channel_rename", "channel": {"id": "C1", "name": 7}}),
        json!({"type": "channel_created", "channel": null}),
        json!({"type": "channel_archive", "channel": 42}),
        json!({"type": "channel_deleted", "channel": ["C1"]}),
        json!({"type": "im_open", "channel": "D9"}),
        json!({"type": "bot_added", "bot": []}),
        json!({"type": "team_rename", "name": 5}),
        json!({"type": "team_domain_change", "domain": {}}),
    ] {
        fake.push(odd);
    }
    fake.push_raw(r#"{"type":"user_change","user":{"id":"U1","name":"#);
    // A good event after them (the odd `channel_archive` above comes first: skip it).
    fake.push(json!({"type": "channel_archive", "channel": "C1"}));
    wait_for(
        &events,
        "the good channel_archive",
        |e| matches!(e, Event::Slack(s) if s.kind() == "channel_archive" && s.raw().contains("C1")),
    );

    assert_eq!(client.state(), State::Ready);
    assert_eq!(cache.users(), before.0);
    assert_eq!(cache.team(), before.2);
    assert_eq!(cache.channels().len(), before.1.len());
    assert!(cache
        .channel_by_name("fun")
        .is_some_and(|c| c.is_archived && c.id == "C1"));
}

#[test]
fn clear_forgets_entries_but_keeps_the_team() {
    let fake = fake();
    let (client, _events) = cached(&fake, 100, true);
    let cache = client.cache().expect("turned on");
    assert!(cache.cached_channel(FakeSlack::GENERAL_CHANNEL).is_some());
    assert!(cache.user_count() > 0);
    cache.clear();
    assert_eq!(
        (cache.user_count(), cache.channel_count(), cache.bot_count()),
        (0, 0, 0)
    );
    assert!(cache.channel_by_name("general").is_none());
    assert!(cache.team().is_some());
    assert!(format!("{cache:?}").contains("users: 0"));
}

// ---------------------------------------------------------------------------------------
// Memory cost per entry (run by hand; it prints)
// ---------------------------------------------------------------------------------------

/// The system allocator, counting live bytes requested.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counter only observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract for `layout` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `System` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Live heap the cache frees on `clear`, per entry, after seeding `n` entries of one kind.
fn bytes_per_entry(snapshot: Value, n: usize) -> f64 {
    let fake = fake();
    fake.set_rtm_start_snapshot(snapshot);
    let (client, _events) = cached(&fake, n, true);
    let cache = client.cache().expect("turned on");
    let before = LIVE.load(Ordering::SeqCst);
    cache.clear();
    let after = LIVE.load(Ordering::SeqCst);
    (before - after) as f64 / n as f64
}

/// `cargo test --test cache -- --ignored --nocapture memory_cost_per_entry`
///
/// Seeds 10,000 entries of one kind with typical Slack string lengths (11-character ids,
/// 9–15 character names) and measures the live heap that [`clear`] frees, with the
/// counting allocator above. Run alone: other tests' allocations would blur it.
#[test]
#[ignore = "a measurement: run alone, with --nocapture"]
fn memory_cost_per_entry() {
    const N: usize = 10_000;
    let users: Vec<Value> = (0..N)
        .map(|i| {
            json!({"id": format!("U{i:010}"), "team_id": "T0123456789",
                   "name": format!("user.name{i:05}"), "real_name": format!("User Name {i:05}"),
                   "profile": {"display_name": format!("user{i:05}")}})
        })
        .collect();
    let channels: Vec<Value> = (0..N)
        .map(|i| {
            json!({"id": format!("C{i:010}"), "name": format!("channel-{i:05}"),
                        "is_channel": true, "is_member": true})
        })
        .collect();
    let bots: Vec<Value> = (0..N)
        .map(|i| {
            json!({"id": format!("B{i:010}"), "name": format!("bot-{i:05}"),
                        "app_id": format!("A{i:010}")})
        })
        .collect();
    let user = bytes_per_entry(json!({"users": users, "channels": [], "bots": []}), N);
    let conversation = bytes_per_entry(json!({"users": [], "channels": channels, "bots": []}), N);
    let bot = bytes_per_entry(json!({"users": [], "channels": [], "bots": bots}), N);
    println!(
        "live heap per entry: user {user:.0} B, conversation {conversation:.0} B, bot {bot:.0} B"
    );
    for cost in [user, conversation, bot] {
        assert!(cost > 100.0 && cost < 1024.0, "{cost} bytes per entry");
    }
}
