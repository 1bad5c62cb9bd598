//! The changes feed as a mirror reads it: from the start every resource once, then each
//! create, update and delete in order with tombstones, only what the caller may see, a 410 past
//! the tombstones kept — and, on PostgreSQL, no change skipped when transactions commit out of
//! order.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::Duration;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::api_keys::create_key;
use crate::workshops::scheduled;

/// Reads the feed from `cursor` to its current end: the changes and the cursor to keep.
pub async fn drain(
    app: &TestApp,
    cursor: Option<&str>,
    token: Option<&str>,
) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut cursor = cursor.map(str::to_owned);
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/changes?limit=100&cursor={c}"),
            None => "/api/v1/changes?limit=100".to_owned(),
        };
        let res = app.get(&path, token).await;
        let status = res.status();
        let page: Value = res.json().await.expect("json");
        assert_eq!(status, 200, "{page}");
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        cursor = Some(page["next_cursor"].as_str().expect("cursor").to_owned());
        if page["has_more"] == false {
            return (items, cursor.expect("cursor"));
        }
    }
}

/// Reads the feed from `cursor` until `done` holds of what it read (up to 10 s): on PostgreSQL a
/// change is handed out once every transaction older than it has ended — at once on a quiet
/// database, a moment later while other databases of the cluster are busy (as in the test run).
pub async fn drain_until(
    app: &TestApp,
    cursor: Option<&str>,
    token: Option<&str>,
    done: impl Fn(&[Value]) -> bool,
) -> (Vec<Value>, String) {
    for _ in 0..200 {
        let (items, next) = drain(app, cursor, token).await;
        if done(&items) {
            return (items, next);
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    let (items, _) = drain(app, cursor, token).await;
    panic!("the feed did not settle: {items:?}");
}

fn of<'a>(items: &'a [Value], kind: &str, id: i64) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|c| c["type"] == kind && c["id"] == id)
        .collect()
}

#[tokio::test]
async fn a_mirror_gets_everything_once_then_each_change_with_tombstones() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // The reference data is there from the start (on PostgreSQL once the cluster's older
    // transactions have ended), each resource once, as its own GET shows it.
    let finance = app.platform_id("financial-management").await;
    let (all, head) = drain_until(&app, None, None, |items| {
        !of(items, "platforms", finance).is_empty()
    })
    .await;
    let platform = of(&all, "platforms", finance);
    assert_eq!(platform.len(), 1);
    assert_eq!(platform[0]["op"], "create");
    assert_eq!(platform[0]["data"]["slug"], "financial-management");
    let mut seen = std::collections::HashSet::new();
    for c in &all {
        assert!(
            seen.insert((c["type"].to_string(), c["id"].to_string())),
            "twice: {c}"
        );
    }
    assert!(all.iter().any(|c| c["type"] == "task-forces"));
    assert!(all.iter().any(|c| c["type"] == "workshops"));

    // Nothing new: an empty page, and the same cursor back.
    let (none, same) = drain(&app, Some(&head), None).await;
    assert!(none.is_empty(), "{none:?}");
    assert_eq!(same, head);

    // A resource created, changed and deleted: create, update, then a tombstone.
    let id = app.create_authority(&admin, "بلدية دورا", "Dura").await;
    let (items, c1) = drain_until(&app, Some(&head), None, |i| !i.is_empty()).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["op"], "create");
    assert_eq!(items[0]["version"], 1);
    assert_eq!(items[0]["data"]["name"]["en"], "Dura");
    let res = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/local-authorities/{id}"),
            Some(&admin),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"name": {"ar": "بلدية دورا", "en": "Dura Municipality"}}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let (items, c2) = drain_until(&app, Some(&c1), None, |i| !i.is_empty()).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(
        (items[0]["op"].as_str(), items[0]["version"].as_i64()),
        (Some("update"), Some(2))
    );
    assert_eq!(items[0]["data"]["name"]["en"], "Dura Municipality");
    assert_eq!(
        app.delete(&format!("/api/v1/local-authorities/{id}"), Some(&admin))
            .await
            .status(),
        204
    );
    let (items, _) = drain_until(&app, Some(&c2), None, |i| !i.is_empty()).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["op"], "delete");
    assert!(items[0]["data"].is_null());
    // Read from the start again, the deleted resource is only its tombstone.
    let (all, _) = drain(&app, None, None).await;
    let dura = of(&all, "local-authorities", id);
    assert_eq!(dura.len(), 1);
    assert_eq!(dura[0]["op"], "delete");
    // A cursor this API did not make is refused.
    assert_problem(app.get("/api/v1/changes?cursor=bm9wZQ", None).await, 400).await;
}

#[tokio::test]
async fn each_caller_sees_what_they_may_read_and_no_more() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let (_, start) = drain(&app, None, None).await;
    // A draft workshop: its platform's managers see it; nobody else.
    let now = app.state.clock.now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": finance, "title": {"ar": "مسودة ورشة"},
                    "starts_at": now + Duration::days(9), "ends_at": now + Duration::days(9) + Duration::hours(2),
                    "venue": {"city": "رام الله", "address": "مقر الاتحاد"}}),
        )
        .await;
    let draft: Value = res.json().await.expect("json");
    let draft = draft["id"].as_i64().expect("draft id");
    // Registrations: each person sees their own.
    let open = scheduled(&app, &admin, finance, 72, Some(20), "أريحا").await["id"]
        .as_i64()
        .expect("id");
    let (a_id, a) = app.quick_user("a@example.org", None, "female", "ar").await;
    let (_, b) = app.quick_user("b@example.org", None, "male", "ar").await;
    let res = app
        .post(
            &format!("/api/v1/workshops/{open}/registrations"),
            Some(&a),
            &json!({}),
        )
        .await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );

    let (anonymous, _) = drain_until(&app, Some(&start), None, |i| {
        i.iter()
            .any(|c| c["type"] == "workshops" && c["id"] == open)
    })
    .await;
    assert!(of(&anonymous, "workshops", draft).is_empty());
    assert_eq!(of(&anonymous, "workshops", open).len(), 1);
    assert!(anonymous.iter().all(|c| c["type"] != "registrations"));
    let (managers, _) = drain(&app, Some(&start), Some(&admin)).await;
    assert_eq!(of(&managers, "workshops", draft).len(), 1);
    let (mine, _) = drain_until(&app, Some(&start), Some(&a), |i| {
        i.iter().any(|c| c["type"] == "registrations")
    })
    .await;
    let regs: Vec<&Value> = mine
        .iter()
        .filter(|c| c["type"] == "registrations")
        .collect();
    assert_eq!(regs.len(), 1, "{mine:?}");
    assert_eq!(regs[0]["data"]["user_id"], a_id);
    assert_eq!(regs[0]["data"]["workshop_id"], open);
    let (theirs, _) = drain(&app, Some(&start), Some(&b)).await;
    assert!(theirs.iter().all(|c| c["type"] != "registrations"));

    // A key sees the kinds its scopes read.
    let created = create_key(
        &app,
        &admin,
        json!({"name": "mirror", "scopes": ["changes:read", "platforms:read"]}),
    )
    .await;
    let key = created["key"].as_str().expect("key").to_owned();
    let (all, _) = drain(&app, None, Some(&key)).await;
    assert!(all.iter().any(|c| c["type"] == "platforms"));
    assert!(
        all.iter().all(|c| c["type"] == "platforms"),
        "only platforms"
    );
    let created = create_key(
        &app,
        &admin,
        json!({"name": "no feed", "scopes": ["platforms:read"]}),
    )
    .await;
    let res = app
        .get(
            "/api/v1/changes",
            Some(created["key"].as_str().expect("key")),
        )
        .await;
    assert_eq!(assert_problem(res, 403).await["code"], "insufficient_scope");
}

#[tokio::test]
async fn a_mirror_follows_the_programme_milestones_and_activities() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (all, head) = drain(&app, None, None).await;
    // The activities the sources name are there from the start, as their own GET shows them.
    let seeded: Vec<&Value> = all.iter().filter(|c| c["type"] == "activities").collect();
    assert!(seeded.len() >= 4, "{seeded:?}");
    for c in &seeded {
        assert_eq!(c["op"], "create");
        let own = app
            .get_json(&format!("/api/v1/activities/{}", c["id"]), None)
            .await;
        assert_eq!(c["data"], own);
    }

    // A milestone, and a union activity serving it.
    let res = app
        .post(
            "/api/v1/milestones",
            Some(&admin),
            &json!({"programme": "mirror-check", "rank": 1, "name": {"ar": "التخطيط", "en": "Planning"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let milestone = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"kind": "guide", "milestone_id": milestone, "title": {"ar": "دليل التخطيط"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let activity = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let (items, c1) = drain_until(&app, Some(&head), None, |i| {
        i.iter()
            .any(|c| c["type"] == "activities" && c["id"] == activity)
    })
    .await;
    let m = of(&items, "milestones", milestone);
    assert_eq!(m.len(), 1, "{items:?}");
    assert_eq!(m[0]["data"]["name"]["en"], "Planning");
    let a = of(&items, "activities", activity);
    assert_eq!((a.len(), &a[0]["op"]), (1, &json!("create")), "{items:?}");
    assert_eq!(a[0]["data"]["milestone_id"], milestone);
    assert_eq!(a[0]["data"]["level"], "union");

    // The milestone deleted: the activity comes again, serving none, and the milestone leaves
    // its tombstone.
    assert_eq!(
        app.delete(&format!("/api/v1/milestones/{milestone}"), Some(&admin))
            .await
            .status(),
        204
    );
    let (items, c2) = drain_until(&app, Some(&c1), None, |i| i.len() >= 2).await;
    let a = of(&items, "activities", activity);
    assert_eq!((a.len(), &a[0]["op"]), (1, &json!("update")), "{items:?}");
    assert!(a[0]["data"]["milestone_id"].is_null(), "{items:?}");
    assert_eq!(a[0]["version"], 2);
    // A new version of the activity: an edit prepared before the unlink is refused, as stale
    // before anything else (here the milestone it names, gone) is looked at.
    assert_eq!(a[0]["data"]["version"], 2);
    let res = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/activities/{activity}"),
            Some(&admin),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"milestone_id": milestone}))
        .send()
        .await
        .expect("patch");
    assert_eq!(assert_problem(res, 412).await["code"], "stale_version");
    let m = of(&items, "milestones", milestone);
    assert_eq!((m.len(), &m[0]["op"]), (1, &json!("delete")), "{items:?}");
    assert!(m[0]["data"].is_null());

    // The activity deleted: its tombstone, which anyone may read, as its GET is public.
    assert_eq!(
        app.delete(&format!("/api/v1/activities/{activity}"), Some(&admin))
            .await
            .status(),
        204
    );
    let (items, _) = drain_until(&app, Some(&c2), None, |i| !i.is_empty()).await;
    let a = of(&items, "activities", activity);
    assert_eq!((a.len(), &a[0]["op"]), (1, &json!("delete")), "{items:?}");

    // A key reads the activities when it holds their scope, and nothing else of the programme.
    let created = create_key(
        &app,
        &admin,
        json!({"name": "programme mirror", "scopes": ["changes:read", "activities:read"]}),
    )
    .await;
    let (all, _) = drain(&app, None, created["key"].as_str()).await;
    assert!(of(&all, "activities", activity).len() == 1);
    assert!(all.iter().all(|c| c["type"] == "activities"), "{all:?}");
}

#[tokio::test]
async fn a_cursor_older_than_the_tombstones_kept_gets_410_and_the_mirror_starts_again() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (_, old) = drain(&app, None, None).await;
    let id = app.create_authority(&admin, "بلدية يطا", "Yatta").await;
    assert_eq!(
        app.delete(&format!("/api/v1/local-authorities/{id}"), Some(&admin))
            .await
            .status(),
        204
    );
    // Within the retention period the old cursor still sees the deletion.
    let (items, _) = drain_until(&app, Some(&old), None, |i| {
        i.iter().any(|c| c["id"] == id && c["op"] == "delete")
    })
    .await;
    assert_eq!(of(&items, "local-authorities", id)[0]["op"], "delete");
    // Past it (30 days by default) the housekeeping purge removes the tombstone…
    app.advance_clock(Duration::days(31));
    let keep = chrono::Duration::from_std(app.config.changes_retention).expect("retention");
    let purged = api::services::events::changes::purge(&app.db, app.state.clock.now() - keep)
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    // …so a mirror that had not seen it must start again.
    let problem = assert_problem(
        app.get(&format!("/api/v1/changes?cursor={old}"), None)
            .await,
        410,
    )
    .await;
    assert_eq!(problem["code"], "cursor_expired");
    let (fresh, _) = drain(&app, None, None).await;
    assert!(of(&fresh, "local-authorities", id).is_empty());
    assert!(!fresh.is_empty());
}

/// Records a change of a local authority in a transaction of its own that stays open for
/// `hold`: what a slow write looks like to the feed.
async fn slow_change(db: sea_orm::DatabaseConnection, id: i64, hold: StdDuration) {
    use api::services::events::changes::{Change, Op, record};
    use sea_orm::TransactionTrait;
    let txn = db.begin().await.expect("begin");
    let change = Change {
        entity_type: "local_authority",
        entity_id: id,
        op: Op::Update,
        platform_id: None,
        user_id: None,
    };
    record(&txn, change, chrono::Utc::now())
        .await
        .expect("record");
    tokio::time::sleep(hold).await;
    txn.commit().await.expect("commit");
}

#[tokio::test]
async fn no_change_is_skipped_when_transactions_commit_out_of_order() {
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        eprintln!("skipped: writers commit one at a time on SQLite; this runs on PostgreSQL");
        return;
    }
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(
            app.create_authority(&admin, &format!("هيئة {i}"), &format!("Authority {i}"))
                .await,
        );
    }
    // Start once all of them are in the feed (on a busy cluster that takes a moment).
    let (_, start) = drain_until(&app, None, None, |i| {
        i.iter()
            .filter(|c| {
                c["type"] == "local-authorities" && ids.contains(&c["id"].as_i64().unwrap_or(0))
            })
            .count()
            == ids.len()
    })
    .await;

    // The first writer starts before the second and commits after it.
    let (first, second) = (ids[0], ids[1]);
    let updated = |items: &[Value], id: i64| {
        items
            .iter()
            .position(|c| c["id"] == id && c["version"].as_i64() >= Some(2))
    };
    let slow = tokio::spawn(slow_change(
        app.db.clone(),
        first,
        StdDuration::from_millis(1500),
    ));
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    slow_change(app.db.clone(), second, StdDuration::ZERO).await;
    // The second has committed, but it is not handed out while the first could still land
    // before it, so the cursor cannot move past the first's place.
    let (early, cursor) = drain(&app, Some(&start), None).await;
    assert!(
        updated(&early, second).is_none() && updated(&early, first).is_none(),
        "handed out ahead of an open transaction: {early:?}"
    );
    slow.await.expect("slow writer");
    let (items, _) = drain_until(&app, Some(&cursor), None, |i| {
        updated(i, first).is_some() && updated(i, second).is_some()
    })
    .await;
    assert!(
        updated(&items, first) < updated(&items, second),
        "the first writer's change comes first: {items:?}"
    );

    // Many writers whose commits interleave at random, and a mirror following the feed all
    // along: at the end it holds the last version of every authority.
    let (_, start) = drain(&app, None, None).await;
    let writers = (0..8).map(|w| {
        let db = app.db.clone();
        let ids = ids.clone();
        tokio::spawn(async move {
            for round in 0..6u64 {
                let id = ids[(w * 3 + (round as usize % 3)) % ids.len()];
                let hold = StdDuration::from_millis((w as u64 * 37 + round * 53) % 120);
                slow_change(db.clone(), id, hold).await;
            }
        })
    });
    let writers: Vec<_> = writers.collect();
    let mut mirror: HashMap<i64, i64> = HashMap::new();
    let mut cursor = start;
    let follow = async |cursor: &mut String, mirror: &mut HashMap<i64, i64>| {
        let (items, next) = drain(&app, Some(cursor), None).await;
        for c in items {
            let (id, v) = (
                c["id"].as_i64().expect("id"),
                c["version"].as_i64().expect("version"),
            );
            let known = mirror.entry(id).or_insert(0);
            *known = (*known).max(v);
        }
        *cursor = next;
    };
    while writers.iter().any(|w| !w.is_finished()) {
        follow(&mut cursor, &mut mirror).await;
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
    for w in writers {
        w.await.expect("writer");
    }
    // Once every writer has committed, the mirror catches up with the truth.
    let mut missed = Vec::new();
    for _ in 0..100 {
        follow(&mut cursor, &mut mirror).await;
        let (truth, _) = drain(&app, None, None).await;
        missed.clear();
        for c in truth.iter().filter(|c| c["type"] == "local-authorities") {
            let (id, v) = (
                c["id"].as_i64().expect("id"),
                c["version"].as_i64().expect("version"),
            );
            if ids.contains(&id) && v > 1 && mirror.get(&id).copied().unwrap_or(0) != v {
                missed.push((id, v, mirror.get(&id).copied()));
            }
        }
        let written = truth
            .iter()
            .filter(|c| c["type"] == "local-authorities" && c["version"].as_i64() > Some(1))
            .count();
        if missed.is_empty() && written >= ids.len() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert!(missed.is_empty(), "the mirror missed changes: {missed:?}");
    assert!(mirror.len() >= 8, "{mirror:?}");
}
