//! The audit trail: every write leaves an entry (actor, action, entity, time, changed fields,
//! secrets redacted) in the write's own transaction; admins read everything, a coordinator
//! their platform's entries. The rights matrix checks an entry for each of its write routes;
//! these tests cover the account routes and the reading side.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{ADMIN_PASSWORD, MEMBER_PASSWORD, TestApp, assert_problem, link_token, spawn_app};

async fn entries(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let page = app
        .get_json(&format!("/api/v1/audit?limit=100&{query}"), Some(admin))
        .await;
    page["items"].as_array().expect("items").clone()
}

async fn newest(app: &TestApp, admin: &str) -> Value {
    app.get_json("/api/v1/audit?limit=1", Some(admin)).await["items"][0].clone()
}

#[tokio::test]
async fn account_writes_are_audited_and_secrets_never_appear() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let admin_id = app.get_json("/api/v1/me", Some(&admin)).await["id"]
        .as_i64()
        .expect("id");

    // Authorities: create, update, delete.
    let a = app.create_authority(&admin, "بلدية طوباس", "Tubas").await;
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "local_authority.create");
    assert_eq!(e["entity_type"], "local_authority");
    assert_eq!(e["entity_id"].as_i64(), Some(a));
    assert_eq!(e["actor_id"].as_i64(), Some(admin_id));
    assert_eq!(e["actor"]["id"].as_i64(), Some(admin_id));
    assert_eq!(e["changes"]["name_ar"], "بلدية طوباس");
    let res = app
        .patch(
            &format!("/api/v1/local-authorities/{a}"),
            Some(&admin),
            &json!({"name": {"ar": "بلدية طوباس الكبرى", "en": "Greater Tubas"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "local_authority.update");
    assert_eq!(e["changes"]["name_ar"]["from"], "بلدية طوباس");
    assert_eq!(e["changes"]["name_ar"]["to"], "بلدية طوباس الكبرى");
    assert!(
        e["changes"].get("governorate").is_none(),
        "unchanged fields are left out: {e}"
    );

    // Users: invitation, acceptance (password set), login, refresh, profile, password change,
    // reset, logout, deletion.
    let (uid, token) = app
        .create_member(&admin, "audited@example.org", Some(a))
        .await;
    let mine = entries(&app, &admin, &format!("entity_type=user&entity_id={uid}")).await;
    let actions: Vec<&str> = mine.iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"user.create"), "{actions:?}");
    assert!(actions.contains(&"user.accept_invitation"), "{actions:?}");
    let accepted = mine
        .iter()
        .find(|e| e["action"] == "user.accept_invitation")
        .expect("acceptance");
    assert_eq!(accepted["actor_id"].as_i64(), Some(uid));
    assert_eq!(accepted["changes"]["password_hash"]["to"], "[redacted]");

    let res = app
        .patch("/api/v1/me", Some(&token), &json!({"job_title": "مهندسة"}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(newest(&app, &admin).await["action"], "user.update_self");
    let res = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": MEMBER_PASSWORD, "new_password": "another long password"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "user.password_change");
    assert_eq!(e["actor_id"].as_i64(), Some(uid));
    assert_eq!(e["changes"]["password_hash"]["from"], "[redacted]");

    let tokens = app
        .login("audited@example.org", "another long password")
        .await;
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "session.login");
    assert_eq!(e["actor_id"].as_i64(), Some(uid));
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let refreshed: Value = res.json().await.expect("json");
    assert_eq!(newest(&app, &admin).await["action"], "session.refresh");
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": refreshed["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(newest(&app, &admin).await["action"], "session.logout");

    let before = app.mails().len();
    let res = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": "audited@example.org"}),
        )
        .await;
    assert_eq!(res.status(), 202);
    // The worker answers the request: the entry is written with the link it mails.
    let mail = app.wait_for_mails(before + 1).await.pop().expect("mail");
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "user.password_reset_request");
    assert!(e["actor_id"].is_null(), "nobody was signed in: {e}");
    let reset = link_token(&mail.text, "reset-password");
    let res = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": reset, "password": "a third long password"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(newest(&app, &admin).await["action"], "user.password_reset");

    let res = app
        .patch(
            &format!("/api/v1/users/{uid}"),
            Some(&admin),
            &json!({"is_active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "user.update");
    assert_eq!(e["changes"]["is_active"]["from"], true);
    assert_eq!(e["changes"]["is_active"]["to"], false);

    // Calendar tokens are secrets too.
    let (_, other) = app.create_member(&admin, "cal@example.org", Some(a)).await;
    let res = app
        .post("/api/v1/me/calendar-token", Some(&other), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let feed: Value = res.json().await.expect("json");
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "calendar_token.create");
    assert_eq!(e["changes"]["token_hash"], "[redacted]");
    let res = app.delete("/api/v1/me/calendar-token", Some(&other)).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        newest(&app, &admin).await["action"],
        "calendar_token.revoke"
    );

    let spare = app
        .create_authority(&admin, "بلدية مؤقتة", "Temporary")
        .await;
    let res = app
        .delete(&format!("/api/v1/local-authorities/{spare}"), Some(&admin))
        .await;
    assert_eq!(res.status(), 204);
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "local_authority.delete");
    assert_eq!(e["changes"]["deleted"]["name_ar"], "بلدية مؤقتة");

    // A workshop's check-in code is a secret of its managers.
    let gaza = app.platform_id("gaza").await;
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": gaza, "title": {"ar": "ورشة"},
                    "starts_at": "2030-01-15T10:00:00+02:00", "ends_at": "2030-01-15T12:30:00+02:00",
                    "online_url": "https://meet.example.org/w"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let w: Value = res.json().await.expect("json");
    let code = w["check_in_code"].as_str().expect("code").to_owned();
    let e = newest(&app, &admin).await;
    assert_eq!(e["action"], "workshop.create");
    assert_eq!(e["platform_id"].as_i64(), Some(gaza));
    assert_eq!(e["changes"]["check_in_code"], "[redacted]");

    // Nothing secret anywhere in the whole trail: no password, hash, token or code.
    let mut all = String::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_ref()
            .map(|c| format!("cursor={c}"))
            .unwrap_or_default();
        let page = app
            .get_json(&format!("/api/v1/audit?limit=100&{q}"), Some(&admin))
            .await;
        all.push_str(&page["items"].to_string());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    for secret in [
        "$argon2",
        MEMBER_PASSWORD,
        ADMIN_PASSWORD,
        "another long password",
        "a third long password",
        reset.as_str(),
        feed["token"].as_str().expect("token"),
        tokens["refresh_token"].as_str().expect("refresh"),
        code.as_str(),
    ] {
        assert!(!all.contains(secret), "the trail leaks {secret}");
    }
}

#[tokio::test]
async fn a_refused_or_failed_write_leaves_no_entry() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let p = app.create_platform(&admin, "audit-stale").await;
    let count = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            use sea_orm::{EntityTrait, PaginatorTrait};
            entity::audit_entry::Entity::find()
                .count(&db)
                .await
                .expect("count")
        }
    };
    let before = count(&app).await;
    // A stale version (412), bad input (422), a unique clash (409): nothing is written.
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/platforms/{p}"),
            Some(&admin),
        )
        .header("If-Match", "\"7\"")
        .json(&json!({"status": "suspended"}))
        .send()
        .await
        .expect("send");
    assert_problem(res, 412).await;
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": ""}, "slug": "x", "kind": "thematic"}),
        )
        .await;
    assert_problem(res, 422).await;
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "مكررة"}, "slug": "audit-stale", "kind": "thematic"}),
        )
        .await;
    assert_problem(res, 409).await;
    assert_eq!(count(&app).await, before);

    // A write whose audit entry cannot be stored is rolled back whole: the change and its
    // entry go together.
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await
        .expect("rename");
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/platforms/{p}"),
            Some(&admin),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"status": "suspended"}))
        .send()
        .await
        .expect("send");
    assert_problem(res, 500).await;
    app.db
        .execute_unprepared("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await
        .expect("rename back");
    let platform = app
        .get_json(&format!("/api/v1/platforms/{p}"), Some(&admin))
        .await;
    assert_eq!(platform["status"], "active", "the change was rolled back");
    assert_eq!(platform["version"], 1);
    assert_eq!(count(&app).await, before);
}

#[tokio::test]
async fn admins_filter_the_trail_and_coordinators_see_their_platform_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let authority = app.create_authority(&admin, "بلدية سلفيت", "Salfit").await;
    let (coord_id, coord) = app
        .create_member(&admin, "coord-audit@example.org", Some(authority))
        .await;
    let (_, member) = app
        .create_member(&admin, "member-audit@example.org", Some(authority))
        .await;
    let here = app.create_platform(&admin, "audit-here").await;
    let there = app.create_platform(&admin, "audit-there").await;
    app.make_coordinator(here, coord_id, "coordinator").await;
    let started = chrono::Utc::now();
    for (p, period) in [(here, "2027"), (there, "2027"), (here, "2028")] {
        let res = app
            .post(
                &format!("/api/v1/platforms/{p}/work-plans"),
                Some(&admin),
                &json!({"period": period}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }

    // Filters: entity type, platform, action, actor, time range; newest first; paging.
    let plans = entries(&app, &admin, "entity_type=work_plan").await;
    assert_eq!(plans.len(), 3);
    assert!(
        plans[0]["id"].as_i64() > plans[1]["id"].as_i64(),
        "newest first"
    );
    assert_eq!(
        entries(
            &app,
            &admin,
            &format!("entity_type=work_plan&platform_id={here}")
        )
        .await
        .len(),
        2
    );
    assert_eq!(
        entries(&app, &admin, "action=work_plan.create").await.len(),
        3
    );
    assert_eq!(
        entries(
            &app,
            &admin,
            &format!("actor_id={coord_id}&entity_type=work_plan")
        )
        .await
        .len(),
        0
    );
    let from = urlencode(&started.to_rfc3339());
    assert_eq!(
        entries(&app, &admin, &format!("entity_type=work_plan&from={from}"))
            .await
            .len(),
        3
    );
    assert_eq!(
        entries(&app, &admin, &format!("entity_type=work_plan&to={from}"))
            .await
            .len(),
        0
    );
    let first = app
        .get_json("/api/v1/audit?entity_type=work_plan&limit=2", Some(&admin))
        .await;
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app
        .get_json(
            &format!("/api/v1/audit?entity_type=work_plan&limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(second["items"][0]["id"], plans[2]["id"]);

    // The coordinator sees their platform's entries, and only those.
    let seen = app.get_json("/api/v1/audit?limit=100", Some(&coord)).await;
    let seen = seen["items"].as_array().expect("items");
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|e| e["platform_id"].as_i64() == Some(here)),
        "{seen:?}"
    );
    let res = app
        .get(&format!("/api/v1/audit?platform_id={there}"), Some(&coord))
        .await;
    assert_problem(res, 403).await;
    let res = app.get("/api/v1/audit", Some(&member)).await;
    assert_problem(res, 403).await;
    let res = app.get("/api/v1/audit", None).await;
    assert_problem(res, 401).await;
    let res = app
        .get(
            &format!("/api/v1/audit?from={from}&to={from}"),
            Some(&admin),
        )
        .await;
    assert_problem(res, 422).await;
    let res = app.get("/api/v1/audit?limit=0", Some(&admin)).await;
    assert_problem(res, 400).await;
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn the_trail_shows_instants_in_rfc_3339_and_plain_values() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let w = crate::workshops::scheduled(&app, &admin, finance, 48, Some(10), "رام الله").await;
    let res = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/workshops/{}", w["id"]),
            Some(&admin),
        )
        .header("If-Match", "\"1\"")
        .json(
            &json!({"starts_at": chrono::Utc::now() + chrono::Duration::hours(49),
                      "ends_at": chrono::Utc::now() + chrono::Duration::hours(52), "capacity": 12}),
        )
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    let entry = newest(&app, &admin).await;
    assert_eq!(entry["action"], "workshop.update", "{entry}");
    let changes = &entry["changes"];
    for field in ["starts_at", "ends_at", "updated_at"] {
        for side in ["from", "to"] {
            let text = changes[field][side]
                .as_str()
                .unwrap_or_else(|| panic!("{field}: {entry}"));
            assert!(
                chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.ends_with('Z'),
                "{field}.{side} is an RFC 3339 instant: {text}"
            );
        }
    }
    assert_eq!(changes["capacity"]["from"], 10);
    assert_eq!(changes["capacity"]["to"], 12);
    let created = entries(&app, &admin, "action=workshop.create").await;
    let snapshot = &created[0]["changes"];
    assert!(
        snapshot["starts_at"]
            .as_str()
            .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()),
        "{snapshot}"
    );
    assert_eq!(snapshot["is_public"], true, "{snapshot}");
}
