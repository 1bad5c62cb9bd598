//! API keys of service accounts: shown once and stored hashed, scoped per operation, limited to
//! platforms, expiring, rotated with a grace period, revoked, rate-limited per key, and audited
//! as the key. The rights matrix (`matrix.rs`) runs every write route through keys too.

use chrono::Duration;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

/// Creates a key as `token`; answers the body (with `key`).
pub async fn create_key(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/api-keys", Some(token), &body).await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    body
}

pub fn key_of(created: &Value) -> String {
    created["key"].as_str().expect("key").to_owned()
}

#[tokio::test]
async fn a_key_is_shown_once_stored_hashed_and_works_within_its_scopes() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = create_key(
        &app,
        &admin,
        json!({"name": "وزارة الحكم المحلي", "scopes": ["workshops:read", "platforms:read"]}),
    )
    .await;
    let key = key_of(&created);
    assert!(key.starts_with("epk_") && key.len() > 40, "{key}");
    assert_eq!(created["api_key"]["prefix"], &key[..12]);
    let id = created["api_key"]["id"].as_i64().expect("id");
    // Only a hash is kept, and no read shows the key again.
    let stored = entity::api_key::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("db")
        .expect("row");
    assert_ne!(stored.secret_hash, key);
    assert_eq!(stored.secret_hash, api::auth::tokens::hash(&key));
    let shown = app
        .get_json(&format!("/api/v1/api-keys/{id}"), Some(&admin))
        .await;
    assert!(!shown.to_string().contains(&key[12..]), "{shown}");
    assert!(shown["last_used_at"].is_null());

    // Within its scopes it reads; its own quota is announced.
    let res = app.get("/api/v1/workshops", Some(&key)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["ratelimit-policy"], "\"key\";q=600;w=60");
    // Without the scope: 403 naming it; where a person is needed: 403 too.
    let problem = assert_problem(app.get("/api/v1/audit", Some(&key)).await, 403).await;
    assert_eq!(problem["code"], "insufficient_scope");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("audit:read")
    );
    let problem = assert_problem(app.get("/api/v1/me", Some(&key)).await, 403).await;
    assert_eq!(problem["code"], "not_for_api_keys");
    let problem = assert_problem(app.get("/api/v1/api-keys", Some(&key)).await, 403).await;
    assert_eq!(problem["code"], "not_for_api_keys");
    // An unknown key is no key.
    assert_problem(
        app.get("/api/v1/workshops", Some("epk_not-a-key")).await,
        401,
    )
    .await;
    let shown = app
        .get_json(&format!("/api/v1/api-keys/{id}"), Some(&admin))
        .await;
    assert!(shown["last_used_at"].is_string(), "{shown}");
}

#[tokio::test]
async fn a_write_through_a_key_is_audited_as_the_key_and_its_person() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = create_key(
        &app,
        &admin,
        json!({"name": "GIZ reporting", "scopes": ["local-authorities:write"]}),
    )
    .await;
    let key = key_of(&created);
    let res = app
        .post(
            "/api/v1/local-authorities",
            Some(&key),
            &json!({"name": {"ar": "بلدية بيت ساحور", "en": "Beit Sahour"}, "kind": "municipality", "region": "center", "governorate": "Bethlehem"}),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    let audit = app
        .get_json("/api/v1/audit?entity_type=local_authority", Some(&admin))
        .await;
    let entry = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["entity_id"] == body["id"])
        .expect("entry")
        .clone();
    assert_eq!(entry["api_key_id"], created["api_key"]["id"], "{entry}");
    assert!(entry["actor_id"].is_i64());
}

#[tokio::test]
async fn rotation_keeps_the_old_key_for_the_grace_period_and_revocation_ends_it_at_once() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = create_key(
        &app,
        &admin,
        json!({"name": "twin city", "scopes": ["workshops:read"]}),
    )
    .await;
    let id = created["api_key"]["id"].as_i64().expect("id");
    let old = key_of(&created);
    let res = app
        .post(
            &format!("/api/v1/api-keys/{id}/rotate"),
            Some(&admin),
            &json!({"grace_seconds": 3600}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let rotated: Value = res.json().await.expect("json");
    let new = key_of(&rotated);
    assert_ne!(new, old);
    assert!(rotated["api_key"]["previous_expires_at"].is_string());
    for key in [&old, &new] {
        assert_eq!(app.get("/api/v1/workshops", Some(key)).await.status(), 200);
    }
    app.advance_clock(Duration::minutes(61));
    assert_problem(app.get("/api/v1/workshops", Some(&old)).await, 401).await;
    assert_eq!(app.get("/api/v1/workshops", Some(&new)).await.status(), 200);

    // Without a grace period the old key ends at once.
    let res = app
        .post(
            &format!("/api/v1/api-keys/{id}/rotate"),
            Some(&admin),
            &json!({"grace_seconds": 0}),
        )
        .await;
    let newest = key_of(&res.json::<Value>().await.expect("json"));
    assert_problem(app.get("/api/v1/workshops", Some(&new)).await, 401).await;
    assert_eq!(
        app.get("/api/v1/workshops", Some(&newest)).await.status(),
        200
    );

    let res = app
        .post(
            &format!("/api/v1/api-keys/{id}/revoke"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["active"], false);
    assert_problem(app.get("/api/v1/workshops", Some(&newest)).await, 401).await;
    let res = app
        .post(
            &format!("/api/v1/api-keys/{id}/rotate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_problem(res, 409).await;
}

#[tokio::test]
async fn an_expired_key_or_a_deactivated_creator_ends_the_key() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let expires = app.state.clock.now() + Duration::hours(1);
    let created = create_key(
        &app,
        &admin,
        json!({"name": "pilot", "scopes": ["workshops:read"], "expires_at": expires}),
    )
    .await;
    let key = key_of(&created);
    assert_eq!(app.get("/api/v1/workshops", Some(&key)).await.status(), 200);
    app.advance_clock(Duration::hours(2));
    assert_problem(app.get("/api/v1/workshops", Some(&key)).await, 401).await;

    // A coordinator's key stops with the coordinator's account.
    let (coord_id, coord) = app.create_member(&admin, "coord@example.org", None).await;
    let finance = app.platform_id("financial-management").await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    let created = create_key(
        &app,
        &coord,
        json!({"name": "municipal site", "scopes": ["workshops:read"], "platform_ids": [finance]}),
    )
    .await;
    let key = key_of(&created);
    assert_eq!(app.get("/api/v1/workshops", Some(&key)).await.status(), 200);
    let res = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{coord_id}"),
            Some(&admin),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"is_active": false}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert_problem(app.get("/api/v1/workshops", Some(&key)).await, 401).await;
}

#[tokio::test]
async fn bad_keys_are_refused_with_the_field_named_and_nothing_created() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (coord_id, coord) = app.create_member(&admin, "coord@example.org", None).await;
    let finance = app.platform_id("financial-management").await;
    let engineering = app.platform_id("engineering-planning").await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    let (_, member) = app.create_member(&admin, "member@example.org", None).await;
    let past = app.state.clock.now() - Duration::hours(1);
    let cases = [
        (
            &admin,
            json!({"name": "x", "scopes": ["workshops:read", "workshops:destroy"]}),
            "/scopes/1",
            "unknown_scope",
        ),
        (
            &admin,
            json!({"name": "x", "scopes": ["workshops:read", "workshops:read"]}),
            "/scopes/1",
            "duplicate",
        ),
        (
            &admin,
            json!({"name": "x", "scopes": ["workshops:read"], "expires_at": past}),
            "/expires_at",
            "past",
        ),
        (
            &admin,
            json!({"name": "x", "scopes": ["workshops:read"], "platform_ids": [987654]}),
            "/platform_ids/0",
            "not_found",
        ),
        (
            &coord,
            json!({"name": "x", "scopes": ["workshops:read"]}),
            "/platform_ids",
            "required",
        ),
        (
            &coord,
            json!({"name": "x", "scopes": ["workshops:read"], "platform_ids": [finance, engineering]}),
            "/platform_ids/1",
            "not_allowed",
        ),
    ];
    for (token, body, pointer, code) in cases {
        let problem =
            assert_problem(app.post("/api/v1/api-keys", Some(token), &body).await, 422).await;
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .any(|e| e["pointer"] == pointer && e["code"] == code),
            "{body}: {problem}"
        );
    }
    // Members manage no platform: no keys for them.
    assert_problem(
        app.post(
            "/api/v1/api-keys",
            Some(&member),
            &json!({"name": "x", "scopes": ["workshops:read"]}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(
        entity::api_key::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    // A coordinator sees only their own keys; another's is 404.
    let mine = create_key(
        &app,
        &coord,
        json!({"name": "mine", "scopes": ["workshops:read"], "platform_ids": [finance]}),
    )
    .await;
    let theirs = create_key(
        &app,
        &admin,
        json!({"name": "admin's", "scopes": ["workshops:read"]}),
    )
    .await;
    let list = app.get_json("/api/v1/api-keys", Some(&coord)).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
    assert_eq!(list["items"][0]["id"], mine["api_key"]["id"]);
    let other = theirs["api_key"]["id"].as_i64().expect("id");
    assert_problem(
        app.get(&format!("/api/v1/api-keys/{other}"), Some(&coord))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/api-keys/{other}/revoke"),
            Some(&coord),
            &json!({}),
        )
        .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_key_has_its_own_rate_limit() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = create_key(
        &app,
        &admin,
        json!({"name": "busy portal", "scopes": ["workshops:read"], "rate_limit_per_minute": 3}),
    )
    .await;
    let key = key_of(&created);
    for left in [2, 1, 0] {
        let res = app.get("/api/v1/workshops", Some(&key)).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["ratelimit-policy"], "\"key\";q=3;w=60");
        let current = res.headers()["ratelimit"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            current.starts_with(&format!("\"key\";r={left};t=")),
            "{current}"
        );
    }
    let res = app.get("/api/v1/workshops", Some(&key)).await;
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("secs");
    assert!((1..=60).contains(&wait));
    assert_problem(res, 429).await;
    // The person who made it is not held by the key's limit.
    assert_eq!(
        app.get("/api/v1/workshops", Some(&admin)).await.status(),
        200
    );
}

#[tokio::test]
async fn a_key_limited_to_a_platform_reads_nothing_inner_of_the_others() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (coord_id, coord) = app.create_member(&admin, "coord@example.org", None).await;
    let here = app.platform_id("financial-management").await;
    let there = app.platform_id("public-relations").await;
    for p in [here, there] {
        app.make_coordinator(p, coord_id, "coordinator").await;
    }
    // A draft paper on the other platform, and an audited change on each.
    let res = app
        .post(
            "/api/v1/position-papers",
            Some(&coord),
            &json!({"platform_id": there, "target_body": "وزارة الحكم المحلي",
                    "title": {"ar": "مسودة ورقة موقف"}, "summary": {"ar": "ملخص"},
                    "body": {"ar": "نص"}}),
        )
        .await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
    for p in [here, there] {
        crate::workshops::scheduled(&app, &coord, p, 48, None, "رام الله").await;
    }
    let key = key_of(
        &create_key(
            &app,
            &coord,
            json!({"name": "this platform only", "platform_ids": [here],
                   "scopes": ["audit:read", "position-papers:read"]}),
        )
        .await,
    );
    // With their token the coordinator sees both platforms' inner work…
    let papers = app.get_json("/api/v1/position-papers", Some(&coord)).await;
    assert!(
        papers["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|p| p["platform_id"] == there)
    );
    // …through the key, only this platform's.
    let papers = app.get_json("/api/v1/position-papers", Some(&key)).await;
    assert!(
        papers["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["platform_id"] != there || p["status"] == "published")
    );
    let audit = app.get_json("/api/v1/audit", Some(&key)).await;
    let items = audit["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| e["platform_id"] == here), "{items:?}");
    let res = app
        .get(&format!("/api/v1/audit?platform_id={there}"), Some(&key))
        .await;
    assert_problem(res, 403).await;
}
