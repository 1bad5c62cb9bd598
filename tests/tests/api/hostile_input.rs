//! Input that once reached the database unchecked, or that a fuzzer driven by the OpenAPI document
//! found: control characters, arrays where objects belong, integers written with a fraction,
//! links with other schemes, and the order of authorization and validation.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

/// A work plan of the SDGs platform with one topic; returns (plan id, topic id).
async fn plan_with_topic(app: &TestApp, admin: &str) -> (i64, i64) {
    let platform = app.platform_id("sdgs").await;
    let res = app
        .post(
            &format!("/api/v1/platforms/{platform}/work-plans"),
            Some(admin),
            &json!({"period": "2027", "topics": [{"title": {"ar": "المؤشرات المحلية"}}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let plan: Value = res.json().await.expect("json");
    (
        plan["id"].as_i64().expect("id"),
        plan["topics"][0]["id"].as_i64().expect("topic"),
    )
}

async fn send_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: &str,
) -> reqwest::Response {
    app.request(method, path, Some(token))
        .header("content-type", "application/json")
        .header("accept-language", "ar")
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_control_character_in_a_query_or_path_is_a_400_naming_it() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (path, name) in [
        ("/api/v1/search?q=%00", "`q`"),
        ("/api/v1/partnerships?q=twin%00ning", "`q`"),
        ("/api/v1/activities?quarter=2026-Q1%00", "`quarter`"),
        ("/api/v1/platforms?limit=5&cursor=%1b", "`cursor`"),
        ("/api/v1/workshops?q=%C2%85", "`q`"),
    ] {
        let body = assert_problem(app.get(path, Some(&admin)).await, 400).await;
        let detail = body["detail"].as_str().expect("detail");
        assert!(detail.contains(name), "{path}: {detail}");
        assert!(detail.contains("control character"), "{path}: {detail}");
    }
    let res = app.get("/api/v1/calendar/ab%00cd.ics", None).await;
    assert_problem(res, 400).await;
    // Ordinary text, Arabic included, still passes.
    let res = app
        .get(
            "/api/v1/search?q=%D8%A7%D9%84%D9%85%D9%86%D8%B5%D8%A9+x",
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_control_character_in_a_body_is_a_422_with_its_pointer_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (plan, _) = plan_with_topic(&app, &admin).await;
    for (path, body, pointer) in [
        (
            format!("/api/v1/work-plans/{plan}/axes"),
            r#"{"name": {"ar": "محور\u0000", "en": "Axis"}}"#,
            "/name/ar",
        ),
        (
            format!("/api/v1/work-plans/{plan}/topics"),
            r#"{"title": {"ar": "موضوع", "en": "Top\u001bic"}}"#,
            "/title/en",
        ),
    ] {
        let res = send_raw(&app, Method::POST, &path, &admin, body).await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{path}");
        assert_eq!(problem["errors"][0]["code"], "control_character");
    }
    let plan_now = app
        .get_json(&format!("/api/v1/work-plans/{plan}"), Some(&admin))
        .await;
    assert_eq!(plan_now["topics"].as_array().expect("topics").len(), 1);
    assert_eq!(plan_now["axes"], json!([]));

    // Line breaks and tabs are text.
    let res = app
        .post(
            &format!("/api/v1/work-plans/{plan}/topics"),
            Some(&admin),
            &json!({"title": {"ar": "موضوع\tجديد", "en": "New\ntopic"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn an_array_or_a_scalar_where_an_object_belongs_is_a_422() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (_, topic) = plan_with_topic(&app, &admin).await;
    let before = app
        .get_json(&format!("/api/v1/topics/{topic}"), Some(&admin))
        .await;
    for body in ["[null, null]", "[]", "\"title\"", "42", "null"] {
        let res = send_raw(
            &app,
            Method::PATCH,
            &format!("/api/v1/topics/{topic}"),
            &admin,
            body,
        )
        .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], "", "{body}");
        assert_eq!(problem["errors"][0]["code"], "type", "{body}");
        let res = send_raw(
            &app,
            Method::PUT,
            &format!("/api/v1/topics/{topic}/working-group"),
            &admin,
            body,
        )
        .await;
        assert_problem(res, 422).await;
    }
    // Nested objects too.
    let res = send_raw(
        &app,
        Method::PATCH,
        &format!("/api/v1/topics/{topic}"),
        &admin,
        r#"{"title": ["عنوان", "Title"]}"#,
    )
    .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/title");
    let after = app
        .get_json(&format!("/api/v1/topics/{topic}"), Some(&admin))
        .await;
    assert_eq!(before, after);
    let res = app
        .get(
            &format!("/api/v1/topics/{topic}/working-group"),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 404, "no working group was formed");
}

#[tokio::test]
async fn integers_written_with_a_zero_fraction_are_integers() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "منصة المياه"}, "slug": "water", "kind": "thematic",
                    "launch_attendance": 316.0, "launch_authority_count": 4e1}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let platform: Value = res.json().await.expect("json");
    assert_eq!(platform["launch_attendance"], 316);
    assert_eq!(platform["launch_authority_count"], 40);

    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "منصة الطاقة"}, "slug": "energy", "kind": "thematic",
                    "launch_attendance": 316.5}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/launch_attendance");
}

#[tokio::test]
async fn links_must_be_http_or_https() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("innovation").await;
    for url in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://files.example.org/x",
        "HTTPS://MEET.EXAMPLE.ORG/x",
        "https://",
        "https://meet.example.org/a b",
    ] {
        let res = app
            .post(
                "/api/v1/workshops",
                Some(&admin),
                &json!({"platform_id": platform, "title": {"ar": "ورشة"},
                        "starts_at": "2030-01-15T08:00:00Z", "ends_at": "2030-01-15T10:00:00Z",
                        "online_url": url}),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], "/online_url", "{url}");
        assert_eq!(problem["errors"][0]["code"], "url", "{url}");
        // Every other link a person may follow: a workshop's materials, a partnership's documents.
        let res = app
            .post(
                "/api/v1/workshops",
                Some(&admin),
                &json!({"platform_id": platform, "title": {"ar": "ورشة"},
                        "starts_at": "2030-01-15T08:00:00Z", "ends_at": "2030-01-15T10:00:00Z",
                        "online_url": "https://meet.example.org/x",
                        "materials": [{"title": "العرض", "url": url}]}),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], "/materials/0/url", "{url}");
        let res = app
            .post(
                "/api/v1/partnerships",
                Some(&admin),
                &json!({"kind": "twinning", "subject": {"ar": "توأمة"}, "objectives": {"ar": "تبادل"},
                        "supervising_body": "لجنة المتابعة", "starts_on": "2026-01-01", "ends_on": "2028-01-01",
                        "documents": [{"title": "مذكرة", "url": url}],
                        "parties": [{"kind": "local_authority", "local_authority_id": 1,
                                     "obligations": {"ar": "مقر"}}]}),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        let pointers: Vec<&str> = problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["pointer"].as_str())
            .collect();
        assert!(pointers.contains(&"/documents/0/url"), "{url}: {problem}");
    }
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": platform, "title": {"ar": "ورشة"},
                    "starts_at": "2030-01-15T08:00:00Z", "ends_at": "2030-01-15T10:00:00Z",
                    "online_url": "https://meet.example.org/innovation?room=1"}),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_caller_who_may_not_use_a_route_hears_that_before_what_is_wrong_with_the_body() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (_, member) = app
        .create_member(&admin, "plain-member@example.org", None)
        .await;
    let (_, topic) = plan_with_topic(&app, &admin).await;
    let bad = "[1, 2, 3]";
    for (method, path) in [
        (Method::POST, "/api/v1/platforms".to_owned()),
        (Method::POST, "/api/v1/local-authorities".to_owned()),
        (Method::POST, "/api/v1/users".to_owned()),
        (Method::POST, "/api/v1/workshops".to_owned()),
        (Method::POST, "/api/v1/activities".to_owned()),
        (Method::POST, "/api/v1/position-papers".to_owned()),
        (Method::POST, "/api/v1/partnerships".to_owned()),
        (Method::PATCH, format!("/api/v1/topics/{topic}")),
        (Method::PUT, format!("/api/v1/topics/{topic}/working-group")),
    ] {
        let res = send_raw(&app, method.clone(), &path, &member, bad).await;
        assert_problem(res, 403).await;
        let res = app
            .request(method.clone(), &path, None)
            .header("content-type", "application/json")
            .body(bad)
            .send()
            .await
            .expect("request");
        assert_problem(res, 401).await;
        // Even a body that is not JSON at all, or of another type.
        let res = app
            .request(method, &path, Some(&member))
            .header("content-type", "text/plain")
            .body("{")
            .send()
            .await
            .expect("request");
        assert_problem(res, 403).await;
    }
}

/// No Latin letters outside the left-to-right isolates that quote field names and values.
fn assert_arabic_only(message: &str) {
    let outside_isolates: String = message
        .split('\u{2066}')
        .map(|part| part.split('\u{2069}').next_back().unwrap_or(""))
        .collect();
    assert!(
        !outside_isolates.chars().any(|c| c.is_ascii_alphabetic()),
        "{message}"
    );
}

#[tokio::test]
async fn arabic_messages_carry_no_english_from_the_parser() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for body in [
        r#"{"name": {"ar": 5}, "slug": "x-y", "kind": "thematic"}"#,
        r#"{"name": {"ar": "منصة"}, "slug": "x-y", "kind": "global"}"#,
        r#"{"slug": "x-y", "kind": "thematic"}"#,
        r#"{"name": {"ar": "منصة"}, "slug": "x-y", "kind": "thematic", "launched_on": "yesterday"}"#,
        r#"{"name": {"ar": "منصة"}, "slug": "x-y", "kind": "thematic", "colour": "red"}"#,
    ] {
        let res = send_raw(&app, Method::POST, "/api/v1/platforms", &admin, body).await;
        let problem = assert_problem(res, 422).await;
        assert_arabic_only(problem["errors"][0]["message"].as_str().expect("message"));
    }
    let res = send_raw(
        &app,
        Method::POST,
        "/api/v1/platforms",
        &admin,
        r#"{"slug": "x-y", "kind": "thematic"}"#,
    )
    .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/name");
    assert_eq!(problem["errors"][0]["code"], "required");
}

#[tokio::test]
async fn a_literal_path_under_another_method_is_405_not_a_bad_id() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for method in [Method::PATCH, Method::DELETE] {
        let res = app
            .request(method, "/api/v1/partnerships/expiring", Some(&admin))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("request");
        assert_eq!(res.headers()["allow"], "GET, HEAD, OPTIONS");
        assert_problem(res, 405).await;
    }
    // A real id under the same pattern still reaches its route.
    let res = app.get("/api/v1/partnerships/abc", Some(&admin)).await;
    assert_problem(res, 400).await;
}
