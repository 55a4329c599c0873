//! A presence tracker: keeps a table of who is active and who is away.
//!
//! It shows the presence part of the RTM protocol:
//! - [`Builder::batch_presence_aware`]: Slack batches changes into one `presence_change`
//!   with a `users` list (the modern form) instead of one event per user with a `user`
//!   field (the old single form). [`PresenceChange`] reads both forms into `users`, so the
//!   tracker handles either without caring which one came;
//! - [`Builder::presence_sub`]: presence events only for the users subscribed to;
//! - [`RtmClient::subscribe_presence`]: which users to follow (it replaces the list);
//! - [`RtmClient::presence_query`]: ask for the current presence of up to 500 users (the
//!   answers come as `presence_change` events);
//! - a plain event loop over [`RtmClient::events`] instead of handlers.
//!
//! Without `SLACK_BOT_TOKEN` it runs offline against the crate's embedded fake Slack with
//! three users (alice, bob, carol): it subscribes, changes their presence, queries it,
//! checks the table after each step and exits 0 (non-zero if the table is wrong). With the
//! token it tracks the users given as arguments (or the first 50 people in the workspace,
//! with the `users:read` scope) and prints the table on every change until Ctrl-C.
//!
//! ```text
//! cargo run --example presence_tracker
//! SLACK_BOT_TOKEN=xoxb-... cargo run --example presence_tracker -- U0123ABC U0456DEF
//! ```
//!
//! [`Builder::batch_presence_aware`]: slack_rtm::Builder::batch_presence_aware
//! [`Builder::presence_sub`]: slack_rtm::Builder::presence_sub

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;
use slack_rtm::fake::FakeSlack;
use slack_rtm::typed::{PresenceChange, TypedEvent};
use slack_rtm::web::WebClient;
use slack_rtm::{Event, Events, RecvTimeoutError, RtmClient};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

fn main() -> ExitCode {
    let result = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => track_in_slack(token.trim()),
        _ => offline_scenario(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("presence_tracker failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One tracked user.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    name: String,
    /// `None` until Slack has told us.
    presence: Option<String>,
    /// How many `presence_change` reports named this user.
    reports: u32,
}

impl Row {
    /// A user whose presence is not known yet.
    fn new(name: &str) -> Self {
        Row {
            name: name.to_owned(),
            presence: None,
            reports: 0,
        }
    }
}

/// The tracker's state: user id → row, sorted by id.
#[derive(Debug, Default)]
struct PresenceTable {
    rows: BTreeMap<String, Row>,
}

impl PresenceTable {
    /// A table of `(id, name)` users with unknown presence.
    fn new(users: &[(String, String)]) -> Self {
        let rows = users
            .iter()
            .map(|(id, name)| (id.clone(), Row::new(name)))
            .collect();
        PresenceTable { rows }
    }

    /// Records a change (either form: both fill `users`).
    fn apply(&mut self, change: &PresenceChange) {
        for user in &change.users {
            let row = self
                .rows
                .entry(user.clone())
                .or_insert_with(|| Row::new(user));
            row.presence = Some(change.presence.clone());
            row.reports += 1;
        }
    }

    /// Handles one event; returns true when it was a presence change.
    fn track(&mut self, event: &Event) -> bool {
        let Some(ev) = event.as_slack() else {
            return false;
        };
        let TypedEvent::PresenceChange(change) = ev.typed() else {
            return false;
        };
        // Only to show which form arrived; the table does not need to know.
        let form = if ev.json().is_ok_and(|v| v.get("users").is_some()) {
            "batched"
        } else {
            "single"
        };
        println!(
            "  event  presence_change ({form} form): {} -> {}",
            change.users.join(", "),
            change.presence
        );
        self.apply(&change);
        true
    }

    fn print(&self) {
        println!("  {:<12} {:<12} {:<9} reports", "user", "name", "presence");
        for (id, row) in &self.rows {
            let presence = row.presence.as_deref().unwrap_or("?");
            println!("  {id:<12} {:<12} {presence:<9} {}", row.name, row.reports);
        }
    }
}

/// `(id, name)` for each id, names from `users.info` (the id itself when that fails).
fn with_names(web: &WebClient, ids: &[String]) -> Vec<(String, String)> {
    ids.iter()
        .map(|id| {
            let name = web
                .users_info(id)
                .map_or_else(|_| id.clone(), |u| u.value.name);
            (id.clone(), name)
        })
        .collect()
}

/// The real tracker: prints the table on every change until Ctrl-C.
fn track_in_slack(token: &str) -> Result<()> {
    let client = RtmClient::builder(token)
        .batch_presence_aware(true)
        .presence_sub(true)
        .build()?;
    let events = client.events();
    let me = client.start()?;
    println!("connected as {} in {}", me.self_name, me.team_name);

    let web = client.web();
    let mut ids: Vec<String> = std::env::args().skip(1).collect();
    if ids.is_empty() {
        ids = first_people(&web, 50)?;
    }
    let mut table = PresenceTable::new(&with_names(&web, &ids));
    println!("tracking {} users (Ctrl-C to stop)", ids.len());
    for event in &events {
        match &event {
            // Every connection starts without subscriptions, the first one included.
            Event::Ready => {
                let subscribed = client
                    .subscribe_presence(ids.iter().cloned())
                    .and_then(|()| client.presence_query(ids.iter().cloned()));
                if let Err(e) = subscribed {
                    eprintln!("could not subscribe (retried on the next connection): {e}");
                }
            }
            Event::Reconnecting => println!("connection lost, reconnecting…"),
            _ => {}
        }
        if table.track(&event) {
            table.print();
        }
    }
    Ok(())
}

/// The ids of the first `limit` people (no bots, no deactivated accounts).
fn first_people(web: &WebClient, limit: usize) -> Result<Vec<String>> {
    let answer = web.call("users.list", &[("limit", "200")])?;
    let members = answer["members"].as_array().cloned().unwrap_or_default();
    Ok(members
        .iter()
        .filter(|m| m["deleted"] != true && m["is_bot"] != true && m["id"] != "USLACKBOT")
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .take(limit)
        .collect())
}

/// Bound on every wait of the offline scenario.
const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// The offline scenario: each step does something, then waits until the table shows the
/// expected `(user, presence, reports)` rows.
fn offline_scenario() -> Result<()> {
    println!("SLACK_BOT_TOKEN is not set: running against the embedded fake Slack on 127.0.0.1");
    let fake = FakeSlack::start()?;
    for (id, name) in [("U0ALICE", "alice"), ("U0BOB", "bob"), ("U0CAROL", "carol")] {
        fake.add_user(id, name);
    }
    fake.set_presence("U0BOB", "away");
    let client = RtmClient::builder(fake.token())
        .slack_api_url(fake.api_url())
        .no_proxy() // the fake is on loopback: no proxy from the environment
        .batch_presence_aware(true)
        .presence_sub(true)
        .build()?;
    let events = client.events();
    let me = client.start()?;
    println!("connected as {} ({})", me.self_name, me.self_id);

    let ids: Vec<String> = ["U0ALICE", "U0BOB", "U0CAROL"].map(String::from).to_vec();
    let mut table = PresenceTable::new(&with_names(&client.web(), &ids));

    println!("step   subscribe to alice, bob, carol and U0NOBODY (unknown: no event for it)");
    client.subscribe_presence(["U0ALICE", "U0BOB", "U0CAROL", "U0NOBODY"])?;
    let expected = [
        ("U0ALICE", "active", 1),
        ("U0BOB", "away", 1),
        ("U0CAROL", "active", 1),
    ];
    wait_for_table(&events, &mut table, &expected)?;

    println!("step   alice goes away");
    fake.set_presence("U0ALICE", "away");
    let expected = [
        ("U0ALICE", "away", 2),
        ("U0BOB", "away", 1),
        ("U0CAROL", "active", 1),
    ];
    wait_for_table(&events, &mut table, &expected)?;

    println!("step   query everyone's presence");
    client.presence_query(ids.iter().cloned())?;
    let expected = [
        ("U0ALICE", "away", 3),
        ("U0BOB", "away", 2),
        ("U0CAROL", "active", 2),
    ];
    wait_for_table(&events, &mut table, &expected)?;

    println!(
        "step   carol goes away, reported in the single form (as without batch_presence_aware)"
    );
    fake.push(json!({"type": "presence_change", "user": "U0CAROL", "presence": "away"}));
    let expected = [
        ("U0ALICE", "away", 3),
        ("U0BOB", "away", 2),
        ("U0CAROL", "away", 3),
    ];
    wait_for_table(&events, &mut table, &expected)?;

    let subscribed = fake.presence_subscriptions();
    if subscribed != ["U0ALICE", "U0BOB", "U0CAROL", "U0NOBODY"] {
        return Err(format!("the fake saw the subscriptions {subscribed:?}").into());
    }
    client.disconnect();
    println!("done: the table followed every change");
    Ok(())
}

/// Receives events (bounded) until the table holds exactly the `expected` rows.
fn wait_for_table(
    events: &Events,
    table: &mut PresenceTable,
    expected: &[(&str, &str, u32)],
) -> Result<()> {
    let matches = |table: &PresenceTable| {
        table.rows.len() == expected.len()
            && expected.iter().all(|(id, presence, reports)| {
                table.rows.get(*id).is_some_and(|row| {
                    row.presence.as_deref() == Some(*presence) && row.reports == *reports
                })
            })
    };
    let deadline = Instant::now() + STEP_TIMEOUT;
    while !matches(table) {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(event) => {
                table.track(&event);
            }
            Err(RecvTimeoutError::Timeout) => {
                table.print();
                return Err(format!("the table did not reach {expected:?} in time").into());
            }
            Err(RecvTimeoutError::Ended) => return Err("the session ended unexpectedly".into()),
        }
    }
    table.print();
    Ok(())
}
