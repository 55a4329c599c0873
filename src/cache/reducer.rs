//! Which events the cache follows and what each does to it, and how a connect response
//! seeds it (no I/O).

use parking_lot::{RwLock, RwLockWriteGuard};
use serde_json::Value;

use super::entries::{Bot, Conversation, User};
use super::parse::{id_of, owned, parse_bot, parse_conversation, parse_user, text};
use super::table::{Entry, Table};
use crate::model::{ConversationKind, Team};

/// The event types the cache follows: rows of the typed events' table, so a misspelt
/// type does not compile. A `match` on the row, so the reader's per-event check is cheap.
pub(super) fn follows(kind: &str) -> bool {
    use crate::typed::Kind as K;
    matches!(
        K::from_name(kind),
        Some(
            K::UserChange
                | K::TeamJoin
                | K::ChannelCreated
                | K::ChannelJoined
                | K::ChannelRename
                | K::ChannelArchive
                | K::ChannelUnarchive
                | K::ChannelDeleted
                | K::ChannelLeft
                | K::GroupJoined
                | K::GroupRename
                | K::GroupArchive
                | K::GroupUnarchive
                | K::GroupDeleted
                | K::GroupLeft
                | K::GroupOpen
                | K::GroupClose
                | K::ImCreated
                | K::ImOpen
                | K::ImClose
                | K::BotAdded
                | K::BotChanged
                | K::TeamRename
                | K::TeamDomainChange
                | K::EmailDomainChanged
        )
    )
}

/// Everything the cache holds.
pub(super) struct Store {
    pub(super) users: Table<User>,
    pub(super) conversations: Table<Conversation>,
    pub(super) bots: Table<Bot>,
    pub(super) team: Option<Team>,
}

/// A connect response, parsed (before taking the lock).
pub(super) struct Seed {
    pub(super) users: Vec<User>,
    pub(super) conversations: Vec<Conversation>,
    pub(super) bots: Vec<Bot>,
    pub(super) team: Option<Value>,
}

impl Seed {
    pub(super) fn parse(response: &Value) -> Self {
        let list = |key: &str| {
            response
                .get(key)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let mut conversations = Vec::new();
        for (key, hint) in [
            ("channels", ConversationKind::Channel),
            ("groups", ConversationKind::Private),
            ("mpims", ConversationKind::Mpim),
            ("ims", ConversationKind::Im),
        ] {
            conversations.extend(
                list(key)
                    .iter()
                    .filter_map(|c| parse_conversation(c, Some(hint))),
            );
        }
        Seed {
            users: list("users").iter().filter_map(parse_user).collect(),
            conversations,
            bots: list("bots").iter().filter_map(parse_bot).collect(),
            team: response.get("team").filter(|t| t.is_object()).cloned(),
        }
    }
}

/// Entries merged per hold of the write lock: lookups during a big seed wait for one chunk
/// (about half a millisecond), not the whole snapshot.
const SEED_CHUNK: usize = 1_000;

impl Seed {
    /// Merges into the store: what the response carries replaces what was known, the rest
    /// stays. Returns how many entries the bound evicted.
    pub(super) fn merge_into(self, store: &RwLock<Store>) -> usize {
        let mut evicted = merge_chunked(store, self.users, |s| &mut s.users);
        evicted += merge_chunked(store, self.conversations, |s| &mut s.conversations);
        evicted += merge_chunked(store, self.bots, |s| &mut s.bots);
        if let Some(team) = &self.team {
            store.write().merge_team(team);
        }
        evicted
    }
}

/// Upserts `items` into one table, [`SEED_CHUNK`] at a time, unlocking fairly in between
/// so that waiting lookups go first (parking_lot is not eventually fair on its own).
fn merge_chunked<T: Entry>(
    store: &RwLock<Store>,
    items: Vec<T>,
    table: fn(&mut Store) -> &mut Table<T>,
) -> usize {
    let mut evicted = 0;
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let mut guard = store.write();
        let table = table(&mut guard);
        for item in items.by_ref().take(SEED_CHUNK) {
            evicted += table.upsert(item);
        }
        RwLockWriteGuard::unlock_fair(guard);
    }
    evicted
}

impl Store {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            users: Table::new(capacity),
            conversations: Table::new(capacity),
            bots: Table::new(capacity),
            team: None,
        }
    }

    /// The team fields `v` carries replace the known ones (all of them if the id differs).
    fn merge_team(&mut self, v: &Value) {
        let Some(id) = text(v, "id") else { return };
        if self.team.as_ref().is_none_or(|t| t.id != id) {
            self.team = Some(Team {
                id: id.to_owned(),
                name: String::new(),
                domain: String::new(),
                email_domain: None,
            });
        }
        let Some(team) = self.team.as_mut() else {
            return;
        };
        if let Some(name) = text(v, "name") {
            team.name = name.to_owned();
        }
        if let Some(domain) = text(v, "domain") {
            team.domain = domain.to_owned();
        }
        if let Some(email) = v.get("email_domain").and_then(Value::as_str) {
            team.email_domain = (!email.is_empty()).then(|| email.to_owned());
        }
    }

    /// Applies one followed event. `Err` says what did not fit.
    pub(super) fn apply(&mut self, kind: &str, v: &Value) -> std::result::Result<(), &'static str> {
        use ConversationKind as K;
        const NO_ID: &str = "no channel id";
        let conversation_object = |hint| {
            v.get("channel")
                .and_then(|c| parse_conversation(c, Some(hint)))
                .ok_or("no channel object with an id")
        };
        let channel_id = || id_of(v.get("channel")).ok_or(NO_ID);
        match kind {
            "user_change" | "team_join" => {
                let user = v
                    .get("user")
                    .and_then(parse_user)
                    .ok_or("no user object with an id")?;
                self.users.upsert(user);
            }
            "channel_created" | "channel_joined" | "group_joined" => {
                let hint = if kind == "group_joined" {
                    K::Private
                } else {
                    K::Channel
                };
                let mut conversation = conversation_object(hint)?;
                if kind != "channel_created" {
                    conversation.is_member.get_or_insert(true);
                }
                self.conversations.upsert(conversation);
            }
            "im_created" => {
                let mut conversation = conversation_object(K::Im)?;
                conversation.kind = K::Im;
                if conversation.user.is_none() {
                    conversation.user = owned(v, "user");
                }
                self.conversations.upsert(conversation);
            }
            "channel_rename" | "group_rename" => {
                let renamed = conversation_object(if kind == "group_rename" {
                    K::Private
                } else {
                    K::Channel
                })?;
                let name = renamed.name.clone().ok_or("no new name")?;
                if !self
                    .conversations
                    .update(&renamed.id, |c| c.name = Some(name))
                {
                    self.conversations.upsert(renamed);
                }
            }
            "channel_archive" | "group_archive" | "channel_unarchive" | "group_unarchive" => {
                let archived = kind.ends_with("_archive");
                self.conversations
                    .update(channel_id()?, |c| c.is_archived = archived);
            }
            "channel_left" => {
                self.conversations
                    .update(channel_id()?, |c| c.is_member = Some(false));
            }
            "channel_deleted" | "group_deleted" | "group_left" => {
                self.conversations.remove(channel_id()?);
            }
            "group_open" | "group_close" | "im_close" => {
                let open = kind == "group_open";
                self.conversations
                    .update(channel_id()?, |c| c.is_open = Some(open));
            }
            "im_open" => {
                let id = channel_id()?;
                let user = owned(v, "user");
                let known = self.conversations.update(id, |c| {
                    c.is_open = Some(true);
                    if c.user.is_none() {
                        c.user.clone_from(&user);
                    }
                });
                if !known {
                    let user = user.ok_or("no user for an unknown DM")?;
                    self.conversations.upsert(Conversation {
                        id: id.to_owned(),
                        kind: K::Im,
                        name: None,
                        user: Some(user),
                        is_archived: false,
                        is_general: false,
                        is_member: None,
                        is_open: Some(true),
                    });
                }
            }
            "bot_added" | "bot_changed" => {
                let bot = v
                    .get("bot")
                    .and_then(parse_bot)
                    .ok_or("no bot object with an id")?;
                self.bots.upsert(bot);
            }
            "team_rename" => {
                let name = text(v, "name").ok_or("no name")?;
                if let Some(team) = &mut self.team {
                    team.name = name.to_owned();
                }
            }
            "team_domain_change" => {
                let domain = text(v, "domain").ok_or("no domain")?;
                if let Some(team) = &mut self.team {
                    team.domain = domain.to_owned();
                }
            }
            "email_domain_changed" => {
                let email = v
                    .get("email_domain")
                    .and_then(Value::as_str)
                    .ok_or("no email_domain")?;
                if let Some(team) = &mut self.team {
                    team.email_domain = (!email.is_empty()).then(|| email.to_owned());
                }
            }
            _ => return Err("a type the cache does not follow"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::table::{assert_consistent, BY_PEER};
    use serde_json::json;

    /// Seeds `s` from a connect response, as the reader does.
    fn merge(s: &mut Store, response: Value) -> usize {
        let lock = RwLock::new(std::mem::replace(s, Store::new(0)));
        let evicted = Seed::parse(&response).merge_into(&lock);
        *s = lock.into_inner();
        evicted
    }

    fn store() -> Store {
        let mut s = Store::new(100);
        merge(
            &mut s,
            json!({"team": {"id": "T1", "name": "Team", "domain": "t"}}),
        );
        s
    }

    fn apply(s: &mut Store, event: Value) {
        let kind = event["type"].as_str().unwrap_or_default().to_owned();
        assert!(follows(&kind), "{kind} is followed");
        s.apply(&kind, &event).expect("the event fits");
    }

    #[test]
    fn seeds_every_list_of_an_rtm_start_response() {
        // The documented rtm.start example (methods/rtm.start.json, success [1]), trimmed.
        let response = json!({
            "ok": true,
            "self": {"id": "U023BECGF", "name": "bobby", "prefs": {}, "created": 1402463766},
            "team": {"id": "T024BE7LD", "name": "Example Team", "email_domain": "",
                     "domain": "example", "icon": {}, "plan": "std"},
            "users": [{"id": "U023BECGF", "name": "bobby", "deleted": false,
                       "profile": {"first_name": "Bobby", "real_name": "Bobby Tables"},
                       "is_admin": true, "is_owner": true, "two_factor_type": "sms"}],
            "channels": [{"id": "C024BE91L", "name": "fun", "is_channel": true,
                          "created": 1360782804, "is_archived": false, "is_general": false,
                          "members": ["U024BE7LH"], "is_member": true}],
            "groups": [{"id": "G024BE91L", "name": "secretplans", "is_group": "true",
                        "is_archived": false, "is_mpim": false}],
            "mpims": [{"id": "G0MPIM", "name": "mpdm-a--b-1", "is_mpim": true}],
            "ims": [{"id": "D024BFF1M", "is_im": true, "user": "U024BE7LH",
                     "created": 1360782804, "is_user_deleted": false}],
            "bots": [{"id": "B024BE7LH", "name": "hugbot",
                      "icons": {"image_48": "https://slack.com/path/to/hugbot_48.png"}}]
        });
        let mut s = Store::new(100);
        assert_eq!(merge(&mut s, response), 0);
        let bobby = s.users.get("U023BECGF").expect("seeded");
        assert_eq!(bobby.real_name.as_deref(), Some("Bobby Tables"));
        assert!(bobby.is_admin && bobby.is_owner && !bobby.is_bot);
        let fun = s.conversations.by_name("fun").expect("seeded");
        assert_eq!(
            (fun.kind, fun.is_member),
            (ConversationKind::Channel, Some(true))
        );
        let group = s.conversations.get("G024BE91L").expect("seeded");
        assert_eq!(group.kind, ConversationKind::Private);
        assert_eq!(
            s.conversations.get("G0MPIM").map(|c| c.kind),
            Some(ConversationKind::Mpim)
        );
        let dm = s
            .conversations
            .by_key(BY_PEER, "U024BE7LH")
            .expect("seeded");
        assert_eq!(
            (dm.id.as_str(), dm.kind, dm.name.as_deref()),
            ("D024BFF1M", ConversationKind::Im, None)
        );
        assert_eq!(
            s.bots.by_name("hugbot").map(|b| b.id.as_str()),
            Some("B024BE7LH")
        );
        let team = s.team.clone().expect("seeded");
        assert_eq!(
            (team.name.as_str(), team.domain.as_str(), team.email_domain),
            ("Example Team", "example", None)
        );
    }

    #[test]
    fn a_seed_larger_than_a_chunk_and_the_bound_keeps_its_last_entries() {
        let mut s = Store::new(2 * SEED_CHUNK);
        let users: Vec<Value> = (0..2 * SEED_CHUNK + 500)
            .map(|i| json!({"id": format!("U{i}"), "name": format!("u{i}")}))
            .collect();
        assert_eq!(merge(&mut s, json!({ "users": users })), 500);
        assert_eq!(s.users.len(), 2 * SEED_CHUNK);
        assert!(s.users.get("U499").is_none() && s.users.by_name("u499").is_none());
        assert!(s.users.get("U500").is_some() && s.users.by_name("u2499").is_some());
        assert_consistent(&s.users);
    }

    #[test]
    fn a_reseed_merges_and_the_snapshot_wins_where_it_speaks() {
        let mut s = store();
        merge(
            &mut s,
            json!({"users": [{"id": "U1", "name": "old"}],
                                    "team": {"id": "T1", "name": "Team", "email_domain": "t.example"}}),
        );
        apply(
            &mut s,
            json!({"type": "team_join", "user": {"id": "U2", "name": "learned"}}),
        );
        // rtm.connect on reconnect: only self and team, and no email domain.
        merge(
            &mut s,
            json!({"self": {"id": "U0", "name": "me"},
                                    "team": {"id": "T1", "name": "Renamed", "domain": "t"}}),
        );
        assert_eq!(s.users.len(), 2, "nothing wiped");
        let team = s.team.clone().expect("kept");
        assert_eq!(
            (team.name.as_str(), team.email_domain.as_deref()),
            ("Renamed", Some("t.example"))
        );
        // rtm.start on reconnect: its users replace ours.
        merge(&mut s, json!({"users": [{"id": "U1", "name": "new"}]}));
        assert_eq!(s.users.get("U1").map(|u| u.name.as_str()), Some("new"));
        assert!(s.users.by_name("old").is_none());
        assert_eq!(
            s.users.by_name("learned").map(|u| u.id.as_str()),
            Some("U2")
        );
    }

    #[test]
    fn documented_user_and_team_events_apply() {
        let mut s = store();
        apply(
            &mut s,
            json!({"type": "team_join", "user": {"id": "W012A3CDE", "team_id": "T012AB3C4",
            "name": "spengler", "deleted": false, "real_name": "Egon Spengler",
            "profile": {"real_name": "Egon Spengler", "display_name": "spengler", "team": "T012AB3C4"},
            "is_admin": true, "is_bot": false, "updated": 1502138686}}),
        );
        let egon = s.users.get("W012A3CDE").expect("joined");
        assert_eq!(egon.display_name.as_deref(), Some("spengler"));
        assert_eq!(egon.team_id.as_deref(), Some("T012AB3C4"));
        apply(
            &mut s,
            json!({"type": "user_change", "user": {"id": "W012A3CDE", "name": "egon",
            "deleted": true, "profile": {"real_name": "Egon S.", "display_name": ""}}}),
        );
        let egon = s.users.by_name("egon").expect("renamed");
        assert!(egon.deleted && egon.display_name.is_none());
        assert_eq!(egon.to_model().shown_name(), "Egon S.");
        assert!(s.users.by_name("spengler").is_none());
        apply(
            &mut s,
            json!({"type": "team_rename", "name": "New Team Name Inc."}),
        );
        apply(
            &mut s,
            json!({"type": "team_domain_change", "url": "https://my.slack.com", "domain": "my"}),
        );
        apply(
            &mut s,
            json!({"type": "email_domain_changed", "email_domain": "example.com",
            "event_ts": "1360782804.083113"}),
        );
        let team = s.team.clone().expect("seeded");
        assert_eq!(team.name, "New Team Name Inc.");
        assert_eq!(team.domain, "my");
        assert_eq!(team.email_domain.as_deref(), Some("example.com"));
        apply(
            &mut s,
            json!({"type": "bot_added", "bot": {"id": "B024BE7LH", "app_id": "A4H1JB4AZ",
            "name": "hugbot", "icons": {"image_48": "https://slack.com/path/to/hugbot_48.png"}}}),
        );
        apply(
            &mut s,
            json!({"type": "bot_changed", "bot": {"id": "B024BE7LH", "name": "hugbot2"}}),
        );
        let bot = s.bots.get("B024BE7LH").expect("added");
        assert_eq!(
            (bot.name.as_str(), bot.app_id.as_deref()),
            ("hugbot2", None)
        );
        assert!(s.bots.by_name("hugbot").is_none());
    }

    #[test]
    fn documented_channel_events_apply() {
        let mut s = store();
        apply(
            &mut s,
            json!({"type": "channel_created", "channel": {"id": "C024BE91L", "name": "fun",
            "created": 1360782804, "creator": "U024BE7LH"}}),
        );
        let fun = s.conversations.get("C024BE91L").expect("created");
        assert_eq!((fun.kind, fun.is_member), (ConversationKind::Channel, None));
        apply(
            &mut s,
            json!({"type": "channel_joined", "channel": {"id": "C024BE91L", "name": "fun",
            "is_channel": true, "is_archived": false, "members": ["U024BE7LH"],
            "topic": {"value": "Fun times", "creator": "U024BE7LV", "last_set": 1369677212}}}),
        );
        assert_eq!(
            s.conversations.get("C024BE91L").and_then(|c| c.is_member),
            Some(true)
        );
        apply(
            &mut s,
            json!({"type": "channel_rename", "channel": {"id": "C024BE91L",
            "name": "new_name", "created": 1360782804}}),
        );
        assert!(s.conversations.by_name("fun").is_none());
        assert_eq!(
            s.conversations
                .by_name("new_name")
                .and_then(|c| c.is_member),
            Some(true),
            "kept"
        );
        apply(
            &mut s,
            json!({"type": "channel_archive", "channel": "C024BE91L", "user": "U024BE7LH"}),
        );
        assert!(s
            .conversations
            .get("C024BE91L")
            .is_some_and(|c| c.is_archived));
        apply(
            &mut s,
            json!({"type": "channel_unarchive", "channel": "C024BE91L", "user": "U024BE7LH"}),
        );
        assert!(s
            .conversations
            .get("C024BE91L")
            .is_some_and(|c| !c.is_archived));
        apply(
            &mut s,
            json!({"type": "channel_left", "channel": {"id": "C024BE91L"}}),
        );
        assert_eq!(
            s.conversations.get("C024BE91L").and_then(|c| c.is_member),
            Some(false)
        );
        apply(
            &mut s,
            json!({"type": "channel_deleted", "channel": "C024BE91L"}),
        );
        assert!(s.conversations.get("C024BE91L").is_none());
        assert!(s.conversations.by_name("new_name").is_none());
        // A rename of an unknown channel adds it.
        apply(
            &mut s,
            json!({"type": "channel_rename", "channel": {"id": "C02ELGNBH", "name": "n"}}),
        );
        assert_eq!(
            s.conversations
                .by_name("#n".trim_start_matches('#'))
                .map(|c| c.id.as_str()),
            Some("C02ELGNBH")
        );
        assert_consistent(&s.conversations);
    }

    #[test]
    fn documented_group_and_im_events_apply() {
        let mut s = store();
        apply(
            &mut s,
            json!({"type": "group_joined", "channel": {"id": "G024BE91L", "name": "secretplans",
            "is_group": "true", "is_archived": false, "is_mpim": false, "members": ["U024BE7LH"]}}),
        );
        let g = s.conversations.get("G024BE91L").expect("joined");
        assert_eq!(
            (g.kind, g.is_member),
            (ConversationKind::Private, Some(true))
        );
        apply(
            &mut s,
            json!({"type": "group_rename", "channel": {"id": "G024BE91L", "name": "plans"}}),
        );
        apply(
            &mut s,
            json!({"type": "group_archive", "channel": "G024BE91L"}),
        );
        apply(
            &mut s,
            json!({"type": "group_close", "user": "U024BE7LH", "channel": "G024BE91L"}),
        );
        let g = s.conversations.by_name("plans").expect("renamed");
        assert!(g.is_archived && g.is_open == Some(false));
        apply(
            &mut s,
            json!({"type": "group_unarchive", "channel": "G024BE91L"}),
        );
        apply(
            &mut s,
            json!({"type": "group_open", "user": "U024BE7LH", "channel": "G024BE91L"}),
        );
        let g = s.conversations.get("G024BE91L").expect("kept");
        assert!(!g.is_archived && g.is_open == Some(true));
        apply(
            &mut s,
            json!({"type": "group_left", "channel": "G024BE91L"}),
        );
        assert!(
            s.conversations.get("G024BE91L").is_none()
                && s.conversations.by_name("plans").is_none()
        );

        apply(
            &mut s,
            json!({"type": "im_created", "user": "U024BE7LH", "channel": {"id": "D024BFF1M",
            "is_im": true, "user": "U024BE7LH", "created": 1360782804, "is_user_deleted": false}}),
        );
        assert_eq!(
            s.conversations
                .by_key(BY_PEER, "U024BE7LH")
                .map(|c| c.id.as_str()),
            Some("D024BFF1M")
        );
        apply(
            &mut s,
            json!({"type": "im_close", "user": "U024BE7LH", "channel": "D024BFF1M"}),
        );
        assert_eq!(
            s.conversations.get("D024BFF1M").and_then(|c| c.is_open),
            Some(false)
        );
        // im_open of an unknown DM adds it; with the elided im_created shape, the user
        // comes from the event.
        apply(
            &mut s,
            json!({"type": "im_open", "user": "U2", "channel": "D2"}),
        );
        assert_eq!(
            s.conversations
                .by_key(BY_PEER, "U2")
                .and_then(|c| c.is_open),
            Some(true)
        );
        apply(
            &mut s,
            json!({"type": "im_created", "user": "U3", "channel": {"id": "D3"}}),
        );
        assert_eq!(
            s.conversations.by_key(BY_PEER, "U3").map(|c| c.id.as_str()),
            Some("D3")
        );
        assert_consistent(&s.conversations);
    }

    #[test]
    fn odd_payloads_are_refused_without_changes() {
        let mut s = store();
        merge(
            &mut s,
            json!({"users": [{"id": "U1", "name": "a"}],
                                    "channels": [{"id": "C1", "name": "c"}]}),
        );
        let odd = [
            json!({"type": "user_change", "user": {}}),
            json!({"type": "user_change", "user": "U1"}),
            json!({"type": "team_join"}),
            json!({"type": "channel_rename", "channel": "C1"}),
            json!({"type": "channel_rename", "channel": {"id": "C1", "name": 5}}),
            json!({"type": "channel_created", "channel": {}}),
            json!({"type": "channel_archive", "channel": 42}),
            json!({"type": "channel_deleted", "channel": null}),
            json!({"type": "im_open", "channel": "D9"}),
            json!({"type": "bot_added", "bot": []}),
            json!({"type": "team_rename", "name": 5}),
            json!({"type": "team_domain_change"}),
            json!([1, 2, 3]),
            json!("user_change"),
        ];
        for event in odd {
            let kind = event["type"].as_str().unwrap_or("user_change");
            assert!(s.apply(kind, &event).is_err(), "{event} is refused");
        }
        assert!(s.apply("message", &json!({"type": "message"})).is_err());
        assert_eq!(s.users.get("U1").map(|u| u.name.as_str()), Some("a"));
        assert_eq!(
            s.conversations.by_name("c").map(|c| c.id.as_str()),
            Some("C1")
        );
        assert_eq!(
            (s.users.len(), s.conversations.len(), s.bots.len()),
            (1, 1, 0)
        );
        // Wrong types inside an object that has an id are as good as missing.
        apply(
            &mut s,
            json!({"type": "user_change", "user": {"id": "U1", "name": ["x"],
            "is_bot": "yes", "deleted": 1, "profile": "none"}}),
        );
        let u = s.users.get("U1").expect("kept");
        assert!(u.name.is_empty() && !u.is_bot && u.deleted && u.real_name.is_none());
        assert_consistent(&s.users);
    }

    #[test]
    fn events_about_unknown_entries_change_nothing() {
        let mut s = store();
        for event in [
            json!({"type": "channel_archive", "channel": "C9"}),
            json!({"type": "channel_left", "channel": "C9"}),
            json!({"type": "channel_deleted", "channel": "C9"}),
            json!({"type": "group_close", "channel": "G9"}),
        ] {
            apply(&mut s, event);
        }
        assert_eq!(s.conversations.len(), 0);
    }

    #[test]
    fn conversation_kinds_come_from_flags_then_origin_then_id() {
        let kind = |v: Value, hint| parse_conversation(&v, hint).map(|c| c.kind);
        use ConversationKind as K;
        assert_eq!(
            kind(
                json!({"id": "C1", "is_channel": true, "is_private": true}),
                None
            ),
            Some(K::Private)
        );
        assert_eq!(
            kind(
                json!({"id": "G1", "is_group": true, "is_mpim": true}),
                Some(K::Private)
            ),
            Some(K::Mpim)
        );
        assert_eq!(
            kind(json!({"id": "C1", "is_im": true, "user": "U1"}), None),
            Some(K::Im)
        );
        assert_eq!(
            kind(json!({"id": "C1"}), Some(K::Private)),
            Some(K::Private)
        );
        assert_eq!(kind(json!({"id": "D1"}), None), Some(K::Im));
        assert_eq!(kind(json!({"id": "G1"}), None), Some(K::Private));
        assert_eq!(kind(json!({"id": "C1"}), None), Some(K::Channel));
        assert_eq!(kind(json!({"name": "x"}), None), None);
        assert_eq!(K::Mpim.as_str(), "mpim");
    }

    #[test]
    fn followed_kinds_and_applied_kinds_agree() {
        let mut s = store();
        for kind in [
            "user_change",
            "team_join",
            "channel_created",
            "channel_joined",
            "channel_rename",
            "channel_archive",
            "channel_unarchive",
            "channel_deleted",
            "channel_left",
            "group_joined",
            "group_rename",
            "group_archive",
            "group_unarchive",
            "group_deleted",
            "group_left",
            "group_open",
            "group_close",
            "im_created",
            "im_open",
            "im_close",
            "bot_added",
            "bot_changed",
            "team_rename",
            "team_domain_change",
            "email_domain_changed",
        ] {
            assert!(follows(kind), "{kind}");
            // An empty payload is refused as a misfit, never as an unfollowed type.
            let err = s.apply(kind, &json!({})).expect_err("empty payload");
            assert_ne!(err, "a type the cache does not follow", "{kind}");
        }
        for kind in [
            "message",
            "hello",
            "member_joined_channel",
            "presence_change",
            "",
        ] {
            assert!(!follows(kind), "{kind}");
        }
    }
}
