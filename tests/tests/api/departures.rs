//! A person who leaves releases what they held: deactivation releases everything, leaving a
//! platform what they held there; what happened (attendance, authorship, the audit trail and
//! the ended seats themselves) stays.

use chrono::Duration;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::workshops::scheduled;

/// A workshop of `platform` with `capacity` seats, public or members-only.
async fn workshop(app: &TestApp, admin: &str, platform: i64, capacity: i32, public: bool) -> i64 {
    let now = app.state.clock.now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(admin),
            &json!({"platform_id": platform, "title": {"ar": "ورشة", "en": "Workshop"},
                    "starts_at": now + Duration::hours(40), "ends_at": now + Duration::hours(43),
                    "venue": {"city": "رام الله", "address": "قاعة"}, "capacity": capacity,
                    "status": "scheduled", "is_public": public}),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().expect("id")
}

async fn register(app: &TestApp, admin: &str, workshop: i64, user: i64) -> reqwest::Response {
    app.post(
        &format!("/api/v1/workshops/{workshop}/registrations"),
        Some(admin),
        &json!({"user_id": user}),
    )
    .await
}

/// The status of each person's registration at a workshop, as its managers see them.
async fn statuses(app: &TestApp, admin: &str, workshop: i64) -> Vec<(i64, String)> {
    let page = app
        .get_json(
            &format!("/api/v1/workshops/{workshop}/registrations?limit=100"),
            Some(admin),
        )
        .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| {
            (
                r["user_id"].as_i64().expect("user"),
                r["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect()
}

/// The working group of the platform's first topic, formed; answers (topic, group).
async fn group(app: &TestApp, admin: &str, platform: i64) -> i64 {
    let plan = app
        .get_json(&format!("/api/v1/platforms/{platform}/work-plans"), None)
        .await;
    let topic = plan["items"][0]["topics"][0]["id"].as_i64().expect("topic");
    let res = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/topics/{topic}/working-group"),
            Some(admin),
        )
        .json(&json!({}))
        .send()
        .await
        .expect("put");
    assert!(res.status().is_success());
    topic
}

async fn group_members(app: &TestApp, token: &str, topic: i64) -> Vec<i64> {
    let g = app
        .get_json(
            &format!("/api/v1/topics/{topic}/working-group"),
            Some(token),
        )
        .await;
    g["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["user_id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn deactivating_a_person_releases_every_seat_and_place_they_held_and_keeps_the_record() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let authority = app.create_authority(&admin, "بلدية نابلس", "Nablus").await;
    let (leaver, leaver_token) = app
        .create_member(&admin, "leaver@example.org", Some(authority))
        .await;
    app.make_coordinator(finance, leaver, "deputy").await;
    let (waiting, _) = app
        .create_member(&admin, "waiting@example.org", Some(authority))
        .await;
    app.make_member(finance, waiting).await;

    // A seat with someone waiting for it, and a place on a waiting list.
    let full = workshop(&app, &admin, finance, 1, true).await;
    assert_eq!(register(&app, &admin, full, leaver).await.status(), 201);
    assert_eq!(register(&app, &admin, full, waiting).await.status(), 201);
    let queue = workshop(&app, &admin, finance, 1, false).await;
    assert_eq!(register(&app, &admin, queue, waiting).await.status(), 201);
    assert_eq!(register(&app, &admin, queue, leaver).await.status(), 201);
    // A working-group seat (as its lead), a task-force seat, a nomination, a paper authored.
    let topic = group(&app, &admin, finance).await;
    let res = app
        .post(
            &format!("/api/v1/topics/{topic}/working-group/members"),
            Some(&admin),
            &json!({"user_id": leaver}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let task_force = app.get_json("/api/v1/task-forces", None).await["items"][0]["id"]
        .as_i64()
        .expect("task force");
    let res = app
        .post(
            &format!("/api/v1/task-forces/{task_force}/members"),
            Some(&admin),
            &json!({"user_id": leaver}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let paper = app
        .post(
            "/api/v1/position-papers",
            Some(&leaver_token),
            &json!({"platform_id": finance, "target_body": "وزارة المالية",
                    "title": {"ar": "ورقة موقف", "en": "Paper"}, "summary": {"ar": "ملخص"}}),
        )
        .await;
    assert_eq!(paper.status(), 201);
    let paper: Value = paper.json().await.expect("json");
    let now = app.state.clock.now();
    let res = app
        .post(
            &format!("/api/v1/platforms/{finance}/elections"),
            Some(&admin),
            &json!({"nomination_starts_at": now + Duration::minutes(1),
                    "nomination_ends_at": now + Duration::hours(2),
                    "voting_starts_at": now + Duration::hours(3),
                    "voting_ends_at": now + Duration::hours(4)}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let election = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("election");
    app.advance_clock(Duration::minutes(2));
    let res = app
        .post(
            &format!("/api/v1/elections/{election}/candidates"),
            Some(&leaver_token),
            &json!({"seat": "coordinator", "user_id": leaver}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mails_before = app.mails_to("waiting@example.org").len();

    let res = app
        .patch(
            &format!("/api/v1/users/{leaver}"),
            Some(&admin),
            &json!({"is_active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // The seat went to the person waiting, who is told; the waiting place is gone.
    assert_eq!(
        statuses(&app, &admin, full).await,
        [(leaver, "cancelled".into()), (waiting, "registered".into())]
    );
    assert_eq!(
        statuses(&app, &admin, queue).await,
        [(waiting, "registered".into()), (leaver, "cancelled".into())]
    );
    let told = app
        .wait_for_mails_to("waiting@example.org", mails_before + 1)
        .await;
    assert!(told.len() > mails_before);
    // Membership ended (dated), the deputy's term, the seats and the nomination too.
    let left = app
        .get_json(
            &format!("/api/v1/platforms/{finance}/members?status=left&limit=100"),
            Some(&admin),
        )
        .await;
    let mine = left["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["user_id"] == leaver)
        .unwrap_or_else(|| panic!("the membership is kept as left: {left}"));
    assert!(mine["left_at"].is_string(), "{mine}");
    let active = app
        .get_json(
            &format!("/api/v1/platforms/{finance}/members?limit=100"),
            Some(&admin),
        )
        .await;
    assert!(
        active["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|m| m["user_id"] != leaver),
        "{active}"
    );
    let coordinators = app
        .get_json(&format!("/api/v1/platforms/{finance}/coordinators"), None)
        .await;
    assert!(
        coordinators["current"]
            .as_array()
            .expect("current")
            .iter()
            .all(|t| t["user_id"] != leaver),
        "{coordinators}"
    );
    assert!(
        coordinators["history"][0]["ended_at"].is_string(),
        "{coordinators}"
    );
    assert!(!group_members(&app, &admin, topic).await.contains(&leaver));
    let tf = app
        .get_json(
            &format!("/api/v1/task-forces/{task_force}/members"),
            Some(&admin),
        )
        .await;
    assert!(
        tf["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|m| m["user_id"] != leaver)
    );
    let e = app
        .get_json(&format!("/api/v1/elections/{election}"), Some(&admin))
        .await;
    assert!(
        e["candidates"].as_array().expect("candidates").is_empty(),
        "{e}"
    );
    // The record stays: authorship, and every release in the audit trail.
    let kept = app
        .get_json(
            &format!("/api/v1/position-papers/{}", paper["id"]),
            Some(&admin),
        )
        .await;
    assert_eq!(kept["authors"][0]["user_id"], leaver);
    let audit = app
        .get_json("/api/v1/audit?limit=100", Some(&admin))
        .await
        .to_string();
    for action in [
        "registration.cancel",
        "registration.promote",
        "membership.leave",
        "coordinator_term.end",
        "working_group.remove_member",
        "task_force.remove_member",
        "election.withdraw_candidate",
    ] {
        assert!(audit.contains(action), "{action} is audited");
    }

    // A deactivated person can be added to nothing.
    let another = workshop(&app, &admin, finance, 10, true).await;
    let refused = [
        register(&app, &admin, another, leaver).await,
        app.post(
            &format!("/api/v1/topics/{topic}/working-group/members"),
            Some(&admin),
            &json!({"user_id": leaver}),
        )
        .await,
        app.post(
            &format!("/api/v1/task-forces/{task_force}/members"),
            Some(&admin),
            &json!({"user_id": leaver}),
        )
        .await,
        app.post(
            "/api/v1/position-papers",
            Some(&admin),
            &json!({"platform_id": finance, "target_body": "وزارة المالية", "author_ids": [leaver],
                    "title": {"ar": "ورقة"}, "summary": {"ar": "ملخص"}}),
        )
        .await,
    ];
    for res in refused {
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["code"], "deactivated", "{problem}");
    }

    // Reactivation restores the account, not the places.
    let res = app
        .patch(
            &format!("/api/v1/users/{leaver}"),
            Some(&admin),
            &json!({"is_active": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(statuses(&app, &admin, full).await[0].1, "cancelled");
    assert!(!group_members(&app, &admin, topic).await.contains(&leaver));
}

#[tokio::test]
async fn leaving_a_platform_releases_what_was_held_there_and_only_that() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let (leaver, token) = app.quick_user("goes@example.org", None, "male", "ar").await;
    app.make_member(finance, leaver).await;
    let private = workshop(&app, &admin, finance, 10, false).await;
    let public = scheduled(&app, &admin, finance, 50, Some(10), "جنين").await["id"]
        .as_i64()
        .expect("id");
    assert_eq!(register(&app, &admin, private, leaver).await.status(), 201);
    assert_eq!(register(&app, &admin, public, leaver).await.status(), 201);
    let topic = group(&app, &admin, finance).await;
    let res = app
        .post(
            &format!("/api/v1/topics/{topic}/working-group/members"),
            Some(&admin),
            &json!({"user_id": leaver}),
        )
        .await;
    assert_eq!(res.status(), 201);

    let res = app
        .delete(
            &format!("/api/v1/platforms/{finance}/members/{leaver}"),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(statuses(&app, &admin, private).await[0].1, "cancelled");
    assert_eq!(statuses(&app, &admin, public).await[0].1, "registered");
    assert!(!group_members(&app, &admin, topic).await.contains(&leaver));
    // The seat report still counts the ended seat in the period it was held.
    let year = chrono::Utc::now().format("%Y");
    let report = app
        .get_json(
            &format!("/api/v1/reports/seats?from={year}-01-01&to={year}-12-31"),
            Some(&admin),
        )
        .await;
    assert_eq!(report["totals"]["seats"], 1, "{report}");
}
