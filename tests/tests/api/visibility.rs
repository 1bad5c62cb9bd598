//! A members-only workshop is seen only by those who may see it, on every path that shows one:
//! its page, its calendar entry, the lists and calendar feeds, the changes feed, the search, its
//! ticket.

use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

use crate::api_keys::{create_key, key_of};

/// Every workshop id the changes feed shows the caller, read to its end.
async fn feed_workshops(app: &TestApp, token: Option<&str>) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/changes?limit=100&cursor={c}"),
            None => "/api/v1/changes?limit=100".to_owned(),
        };
        let page = app.get_json(&path, token).await;
        for item in page["items"].as_array().expect("items") {
            if item["type"] == "workshops" {
                ids.push(item["id"].as_i64().expect("id"));
            }
        }
        if page["has_more"] != true {
            return ids;
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
}

/// The workshop ids a calendar lists (its `UID`s name them).
async fn calendar_mentions(app: &TestApp, path: &str, id: i64) -> bool {
    let res = app.get(path, None).await;
    assert_eq!(res.status(), 200, "{path}");
    let text = res.text().await.expect("text");
    text.contains(&format!("workshop-{id}@")) || text.contains(&format!("/workshops/{id}"))
}

/// Whether a search's answer names workshop `id`.
fn finds_workshop(search: &Value, id: i64) -> bool {
    search["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|h| h["kind"] == "workshop" && h["id"] == id)
}

#[tokio::test]
async fn a_members_only_workshop_is_seen_only_by_its_platforms_people_on_every_path() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let innovation = app.platform_id("innovation").await;
    let engineering = app.platform_id("engineering-planning").await;
    let now = chrono::Utc::now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": finance, "host_platform_ids": [innovation],
                    "title": {"ar": "ورشة للأعضاء فقط", "en": "Members only"},
                    "starts_at": now + chrono::Duration::hours(30),
                    "ends_at": now + chrono::Duration::hours(33),
                    "venue": {"city": "رام الله", "address": "قاعة الاتحاد"},
                    "status": "scheduled", "is_public": false}),
        )
        .await;
    let status = res.status();
    let w: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{w}");
    let id = w["id"].as_i64().expect("id");

    let (member_id, member) = app
        .quick_user("finance@example.org", None, "female", "ar")
        .await;
    app.make_member(finance, member_id).await;
    let (host_id, host_member) = app
        .quick_user("innovation@example.org", None, "male", "ar")
        .await;
    app.make_member(innovation, host_id).await;
    let (_, outsider) = app
        .quick_user("outsider@example.org", None, "male", "ar")
        .await;
    let (engineer_id, engineer) = app
        .quick_user("engineer@example.org", None, "female", "en")
        .await;
    app.make_member(engineering, engineer_id).await;
    // A person the coordinators registered though they belong to no host platform.
    let (guest_id, guest) = app
        .quick_user("guest@example.org", None, "female", "ar")
        .await;
    let res = app
        .post(
            &format!("/api/v1/workshops/{id}/registrations"),
            Some(&admin),
            &json!({"user_id": guest_id}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let other_key = key_of(
        &create_key(
            &app,
            &admin,
            json!({"name": "بوابة الهندسة", "scopes": ["workshops:read", "calendars:read", "changes:read", "search:read"], "platform_ids": [engineering]}),
        )
        .await,
    );
    let finance_key = key_of(
        &create_key(
            &app,
            &admin,
            json!({"name": "بوابة المالية", "scopes": ["workshops:read", "calendars:read", "changes:read", "search:read"], "platform_ids": [finance]}),
        )
        .await,
    );

    let callers: [(&str, Option<&str>, bool); 9] = [
        ("anonymous", None, false),
        ("a signed-in person of no platform", Some(&outsider), false),
        ("a member of another platform", Some(&engineer), false),
        ("a key limited to another platform", Some(&other_key), false),
        ("a member of the organiser", Some(&member), true),
        ("a member of a host platform", Some(&host_member), true),
        ("a person registered for it", Some(&guest), true),
        ("a key limited to the organiser", Some(&finance_key), true),
        ("an administrator", Some(&admin), true),
    ];
    for (who, token, sees) in callers {
        let page = app.get(&format!("/api/v1/workshops/{id}"), token).await;
        assert_eq!(
            page.status(),
            if sees { 200 } else { 404 },
            "{who}: its page"
        );
        let ics = app
            .get(&format!("/api/v1/workshops/{id}/calendar.ics"), token)
            .await;
        assert_eq!(
            ics.status(),
            if sees { 200 } else { 404 },
            "{who}: its calendar entry"
        );
        assert_eq!(
            feed_workshops(&app, token).await.contains(&id),
            sees,
            "{who}: the changes feed"
        );
        // The one search finds it by its title for exactly the same callers.
        let search = app
            .get_json(
                "/api/v1/search?q=%D9%84%D9%84%D8%A7%D8%B9%D8%B6%D8%A7%D8%A1%20%D9%81%D9%82%D8%B7&type=workshop",
                token,
            )
            .await;
        assert_eq!(finds_workshop(&search, id), sees, "{who}: the search");
        // The public list never shows a members-only workshop.
        let list = app.get_json("/api/v1/workshops", token).await;
        assert!(
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|w| w["id"] != id),
            "{who}: the list"
        );
    }
    // A key that may search but read no kind the search finds finds nothing, though it reaches
    // the organiser; given `workshops:read` as well, it finds the workshop.
    for (scopes, finds) in [
        (json!(["search:read", "calendars:read"]), false),
        (json!(["search:read", "workshops:read"]), true),
    ] {
        let key = key_of(
            &create_key(
                &app,
                &admin,
                json!({"name": "بوابة التقويم", "scopes": scopes, "platform_ids": [finance]}),
            )
            .await,
        );
        let search = app
            .get_json("/api/v1/search?q=members%20only", Some(&key))
            .await;
        assert_eq!(finds_workshop(&search, id), finds, "{scopes}: {search}");
        if !finds {
            assert_eq!(search["items"], json!([]), "{scopes}");
        }
    }
    // The platforms' calendar feeds are public, so they leave it out.
    for platform in [finance, innovation] {
        assert!(
            !calendar_mentions(
                &app,
                &format!("/api/v1/platforms/{platform}/calendar.ics"),
                id
            )
            .await,
            "platform {platform}'s calendar"
        );
    }
    // The person registered gets a ticket; someone who may not see the workshop gets 404.
    let ticket = app
        .get(&format!("/api/v1/workshops/{id}/ticket"), Some(&guest))
        .await;
    assert_eq!(ticket.status(), 200, "the registrant's ticket");
    let ticket = app
        .get(&format!("/api/v1/workshops/{id}/ticket"), Some(&outsider))
        .await;
    assert_eq!(ticket.status(), 404, "an outsider's ticket");
}
