//! The holes a security review found, closed: a person's authority is an administrator's to
//! change, sessions end their access tokens at once, a deactivated account loses its feed, and
//! every answer carries the security fields.

use serde_json::{Value, json};
use tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD, assert_problem, spawn_app, spawn_app_with,
};

#[tokio::test]
async fn a_person_cannot_move_themself_to_another_authority_and_endorse_in_its_name() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let hebron = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    let jenin = app.create_authority(&admin, "بلدية جنين", "Jenin").await;
    let (id, member) = app
        .create_member(&admin, "planner@example.org", Some(hebron))
        .await;
    // Not through their own profile: the field is not theirs.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&member),
            &json!({"local_authority_id": jenin}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/local_authority_id");
    let me = app.get_json("/api/v1/me", Some(&member)).await;
    assert_eq!(me["local_authority"]["id"], hebron);

    // An adopted paper of a platform the person belongs to.
    let (paper, platform) = crate::position_papers::adopted_paper(&app).await;
    app.make_member(platform, id).await;
    // The administrator moves the person; their endorsement is then Jenin's, not Hebron's.
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"local_authority_id": jenin}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post(
            &format!("/api/v1/position-papers/{paper}/endorsements"),
            Some(&member),
            &json!({"statement": "نؤيد هذه الورقة"}),
        )
        .await;
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["local_authority"]["id"], jenin, "{body}");
}

#[tokio::test]
async fn logout_and_password_change_end_the_access_tokens_of_their_sessions_at_once() {
    let app = spawn_app().await;
    let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let second = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let access = |t: &Value| t["access_token"].as_str().expect("token").to_owned();
    assert_eq!(
        app.get("/api/v1/me", Some(&access(&first))).await.status(),
        200
    );

    // Logging out ends that session's access token, not the other session's.
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(app.get("/api/v1/me", Some(&access(&first))).await, 401).await;
    assert_eq!(
        app.get("/api/v1/me", Some(&access(&second))).await.status(),
        200
    );

    // A password change ends every session, the one it was made from included.
    let third = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = app
        .post(
            "/api/v1/me/password",
            Some(&access(&third)),
            &json!({"current_password": ADMIN_PASSWORD, "new_password": "a whole new password"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    for t in [&second, &third] {
        assert_problem(app.get("/api/v1/me", Some(&access(t))).await, 401).await;
    }
    app.login(ADMIN_EMAIL, "a whole new password").await;
}

#[tokio::test]
async fn deactivation_ends_the_sessions_and_the_calendar_feed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (id, member) = app.create_member(&admin, "leaving@example.org", None).await;
    let session = app.login("leaving@example.org", MEMBER_PASSWORD).await;
    let res = app
        .post("/api/v1/me/calendar-token", Some(&member), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let feed: Value = res.json().await.expect("json");
    let path = format!(
        "/api/v1/calendar/{}.ics",
        feed["token"].as_str().expect("token")
    );
    assert_eq!(app.get(&path, None).await.status(), 200);

    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"is_active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(app.get(&path, None).await, 404).await;
    assert_problem(app.get("/api/v1/me", Some(&member)).await, 401).await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": session["refresh_token"]}),
        )
        .await;
    assert_problem(res, 401).await;
    // Coming back does not bring the old feed back.
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"is_active": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(app.get(&path, None).await, 404).await;
}

fn field<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn every_answer_carries_the_security_fields_and_tokens_are_never_cached() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/platforms",
        "/api/v1/nothing-here",
        "/health/live",
        "/openapi.json",
    ] {
        let res = app.get(path, None).await;
        assert_eq!(
            field(&res, "x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(field(&res, "x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            field(&res, "referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        let csp = field(&res, "content-security-policy").expect("csp");
        assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        // Development serves plain HTTP: no HSTS.
        assert_eq!(field(&res, "strict-transport-security"), None, "{path}");
        // Public data may be cached.
        assert_ne!(field(&res, "cache-control"), Some("no-store"), "{path}");
    }
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), 200);
    let csp = field(&res, "content-security-policy").expect("csp");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));

    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(field(&res, "cache-control"), Some("no-store"));
    let tokens: Value = res.json().await.expect("json");
    let token = tokens["access_token"].as_str().expect("token");
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(field(&res, "cache-control"), Some("no-store"));
    let res = app
        .post("/api/v1/me/calendar-token", Some(token), &json!({}))
        .await;
    assert_eq!(field(&res, "cache-control"), Some("no-store"));
    let res = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(field(&res, "cache-control"), Some("no-store"));

    let production = spawn_app_with(&[("APP_ENV", "production")]).await;
    let res = production.get("/api/v1/platforms", None).await;
    assert_eq!(
        field(&res, "strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
}
