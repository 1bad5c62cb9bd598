//! The in-app inbox: who is told of what, in both languages, read and unread, page by page, and
//! in the caller's changes feed.

use chrono::Duration;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::changes::{drain, drain_until};
use crate::workshops::scheduled;

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json("/api/v1/me/notifications?limit=100", Some(token))
        .await["items"]
        .as_array()
        .expect("items")
        .clone()
}

async fn unread(app: &TestApp, token: &str) -> i64 {
    app.get_json("/api/v1/me/notifications/unread-count", Some(token))
        .await["unread_count"]
        .as_i64()
        .expect("count")
}

fn kinds(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|n| n["kind"].as_str().expect("kind"))
        .collect()
}

#[tokio::test]
async fn people_are_told_what_concerns_them_in_both_languages() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let (coord_id, coord) = app.create_member(&admin, "coord@example.org", None).await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    let (member_id, member) = app.create_member(&admin, "member@example.org", None).await;
    let (other_id, other) = app.create_member(&admin, "other@example.org", None).await;

    // A membership request tells the coordinators; nothing is told to the one asking.
    let base = format!("/api/v1/platforms/{finance}/members");
    assert_eq!(
        app.post(&base, Some(&member), &json!({})).await.status(),
        201
    );
    let items = inbox(&app, &coord).await;
    assert_eq!(kinds(&items), vec!["membership.requested"]);
    let notice = &items[0];
    assert!(
        notice["title"]["ar"]
            .as_str()
            .expect("ar")
            .contains("طلب عضوية")
    );
    assert!(
        notice["title"]["en"]
            .as_str()
            .expect("en")
            .contains("membership request")
    );
    assert_eq!(
        notice["link"],
        format!("/api/v1/platforms/{finance}/members?status=pending")
    );
    assert_eq!(notice["resource"]["type"], "membership");
    assert!(notice["read_at"].is_null());
    assert_eq!(unread(&app, &coord).await, 1);
    assert!(inbox(&app, &member).await.is_empty());

    // Approval and rejection tell the person.
    assert_eq!(
        app.post(&base, Some(&other), &json!({})).await.status(),
        201
    );
    let res = app
        .post(
            &format!("{base}/{member_id}/approve"),
            Some(&coord),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post(
            &format!("{base}/{other_id}/reject"),
            Some(&coord),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        kinds(&inbox(&app, &member).await),
        vec!["membership.approved"]
    );
    assert_eq!(
        kinds(&inbox(&app, &other).await),
        vec!["membership.rejected"]
    );

    // An election opening tells the platform's members.
    let now = app.state.clock.now();
    let res = app
        .post(
            &format!("/api/v1/platforms/{finance}/elections"),
            Some(&coord),
            &json!({"nomination_starts_at": now + Duration::hours(1),
                    "nomination_ends_at": now + Duration::hours(2),
                    "voting_starts_at": now + Duration::hours(3),
                    "voting_ends_at": now + Duration::hours(4)}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let election: Value = res.json().await.expect("json");
    let items = inbox(&app, &member).await;
    assert_eq!(
        kinds(&items),
        vec!["election.opened", "membership.approved"]
    );
    assert_eq!(
        items[0]["link"],
        format!("/api/v1/elections/{}", election["id"])
    );
    assert!(
        inbox(&app, &other).await.len() == 1,
        "the rejected applicant is no member"
    );

    // Workshops: a promotion from the waiting list, a move and a cancellation.
    let w = scheduled(&app, &admin, finance, 72, Some(1), "رام الله").await;
    let id = w["id"].as_i64().expect("id");
    let path = format!("/api/v1/workshops/{id}/registrations");
    assert_eq!(
        app.post(&path, Some(&other), &json!({})).await.status(),
        201
    );
    assert_eq!(
        app.post(&path, Some(&member), &json!({})).await.status(),
        201
    );
    let res = app
        .delete(&format!("{path}/{other_id}"), Some(&other))
        .await;
    assert_eq!(res.status(), 204);
    let items = inbox(&app, &member).await;
    assert_eq!(items[0]["kind"], "registration.promoted");
    assert_eq!(items[0]["link"], format!("/api/v1/workshops/{id}"));
    assert!(
        items[0]["body"]["ar"]
            .as_str()
            .expect("ar")
            .contains("ورشة نظم المعلومات الجغرافية")
    );
    let later = app.state.clock.now() + Duration::hours(120);
    let res = app
        .patch_if(
            &format!("/api/v1/workshops/{id}"),
            &admin,
            &format!("\"{}\"", w["version"]),
            &json!({"starts_at": later, "ends_at": later + Duration::hours(2)}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // A change that moves nothing (the title) tells nobody.
    let res = app
        .patch_if(
            &format!("/api/v1/workshops/{id}"),
            &admin,
            "\"2\"",
            &json!({"title": {"ar": "ورشة نظم المعلومات الجغرافية", "en": "GIS"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post(
            &format!("/api/v1/workshops/{id}/transitions"),
            Some(&admin),
            &json!({"to": "cancelled"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let items = inbox(&app, &member).await;
    assert_eq!(
        kinds(&items)[..3],
        [
            "workshop.cancelled",
            "workshop.changed",
            "registration.promoted"
        ]
    );
    // The person who left before the move is told nothing more.
    assert!(!kinds(&inbox(&app, &other).await).contains(&"workshop.changed"));

    // Reading: one, then all; another person's notice is not there to read.
    let before = unread(&app, &member).await;
    assert_eq!(before, 5);
    let first = items[0]["id"].as_i64().expect("id");
    let res = app
        .post(
            &format!("/api/v1/me/notifications/{first}/read"),
            Some(&member),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let read: Value = res.json().await.expect("json");
    assert!(read["read_at"].is_string());
    assert_eq!(unread(&app, &member).await, before - 1);
    assert_problem(
        app.post(
            &format!("/api/v1/me/notifications/{first}/read"),
            Some(&coord),
            &json!({}),
        )
        .await,
        404,
    )
    .await;
    let unread_only = app
        .get_json("/api/v1/me/notifications?unread=true", Some(&member))
        .await;
    assert_eq!(
        unread_only["items"].as_array().expect("items").len() as i64,
        before - 1
    );
    let res = app
        .post(
            "/api/v1/me/notifications/read-all",
            Some(&member),
            &json!({}),
        )
        .await;
    let marked: Value = res.json().await.expect("json");
    assert_eq!(marked["marked"].as_i64(), Some(before - 1));
    assert_eq!(unread(&app, &member).await, 0);
    // The coordinator's stay unread: two requests, and the election (a coordinator is a member).
    let theirs = inbox(&app, &coord).await;
    assert_eq!(
        kinds(&theirs),
        vec![
            "election.opened",
            "membership.requested",
            "membership.requested"
        ]
    );
    assert_eq!(unread(&app, &coord).await, 3);
}

#[tokio::test]
async fn the_inbox_pages_newest_first_and_follows_in_the_changes_feed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let (coord_id, coord) = app.create_member(&admin, "coord@example.org", None).await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let (id, token) = app
            .create_member(&admin, &format!("m{i}@example.org"), None)
            .await;
        ids.push(id);
        let res = app
            .post(
                &format!("/api/v1/platforms/{finance}/members"),
                Some(&token),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/me/notifications?limit=2&cursor={c}"),
            None => "/api/v1/me/notifications?limit=2".to_owned(),
        };
        let page = app.get_json(&path, Some(&coord)).await;
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|n| n["id"].as_i64().expect("id")));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seen:?}"
    );

    // The coordinator's feed carries the notices, and the read mark as an update; nobody
    // else's feed does.
    let notices_in = |items: &[Value]| -> Vec<Value> {
        items
            .iter()
            .filter(|c| c["type"] == "notifications")
            .cloned()
            .collect()
    };
    let (items, next) = drain_until(&app, None, Some(&coord), |items| {
        notices_in(items).len() == 5
    })
    .await;
    let notices = notices_in(&items);
    assert_eq!(notices[0]["data"]["kind"], "membership.requested");
    let res = app
        .post(
            "/api/v1/me/notifications/read-all",
            Some(&coord),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let (later, _) = drain_until(&app, Some(&next), Some(&coord), |items| {
        notices_in(items).len() == 5
    })
    .await;
    let updates = notices_in(&later);
    assert!(
        updates
            .iter()
            .all(|c| c["op"] == "update" && c["data"]["read_at"].is_string())
    );
    let (_, stranger) = app
        .create_member(&admin, "stranger@example.org", None)
        .await;
    let (theirs, _) = drain(&app, None, Some(&stranger)).await;
    assert!(notices_in(&theirs).is_empty());
}
