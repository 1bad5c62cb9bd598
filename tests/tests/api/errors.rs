use reqwest::Method;
use serde_json::json;
use tests::{assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn unknown_routes_are_404_problems_in_english_and_arabic() {
    let app = spawn_app().await;
    let body = assert_problem(app.get("/api/v1/no-such-thing", None).await, 404).await;
    assert_eq!(body["title"], "Not found");
    assert_eq!(body["instance"], "/api/v1/no-such-thing");

    let res = app
        .request(Method::GET, "/api/v1/no-such-thing", None)
        .header("Accept-Language", "ar-PS,ar;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("request");
    let body = assert_problem(res, 404).await;
    assert_eq!(body["title"], "غير موجود");
    assert_eq!(body["detail"], "المورد المطلوب غير موجود.");
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    let res = app
        .request(Method::PUT, "/api/v1/local-authorities", None)
        .send()
        .await
        .expect("r");
    let allow = res.headers()["allow"].to_str().expect("ascii").to_owned();
    let body = assert_problem(res, 405).await;
    assert_eq!(allow, "GET, HEAD, POST, OPTIONS");
    assert_eq!(body["type"], "urn:problem:method-not-allowed");

    let res = app
        .request(Method::POST, "/api/v1/users/5", None)
        .send()
        .await
        .expect("r");
    let allow = res.headers()["allow"].to_str().expect("ascii").to_owned();
    assert_problem(res, 405).await;
    assert_eq!(allow, "GET, HEAD, DELETE, PATCH, OPTIONS");
}

#[tokio::test]
async fn malformed_json_is_400_and_a_wrong_content_type_is_415() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .request(Method::POST, "/api/v1/local-authorities", Some(&admin))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("r");
    let body = assert_problem(res, 400).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("not valid JSON")
    );

    let res = app
        .request(Method::POST, "/api/v1/local-authorities", Some(&admin))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("r");
    assert_problem(res, 415).await;

    let res = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .body("{\"email\":\"a@b.c\",\"password\":\"x\"}")
        .send()
        .await
        .expect("r");
    assert_problem(res, 415).await;
}

#[tokio::test]
async fn validation_errors_are_422_with_each_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/local-authorities",
            Some(&admin),
            &json!({"name": {"ar": "", "en": "x"}, "kind": "municipality", "governorate": "", "region": "south"}),
        )
        .await;
    let body = assert_problem(res, 422).await;
    let errors = body["errors"].as_array().expect("errors");
    let pointers: Vec<&str> = errors
        .iter()
        .map(|e| e["pointer"].as_str().expect("p"))
        .collect();
    assert_eq!(pointers, vec!["/governorate", "/name/ar"]);
    assert_eq!(errors[1]["field"], "name.ar");
    assert_eq!(errors[1]["code"], "length");
    assert!(
        errors[1]["message"]
            .as_str()
            .expect("m")
            .contains("between 1 and 200")
    );

    // A value of the wrong kind names its field too.
    let res = app
        .request(Method::POST, "/api/v1/local-authorities", Some(&admin))
        .header("content-type", "application/json")
        .header("accept-language", "ar")
        .body(r#"{"name": {"ar": "بلدية"}, "kind": "city", "governorate": "نابلس", "region": "north"}"#)
        .send()
        .await
        .expect("r");
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["pointer"], "/kind");
    assert_eq!(body["title"], "فشل التحقق من البيانات");
}

#[tokio::test]
async fn bad_query_and_path_parameters_are_400() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/local-authorities?limit=abc",
        "/api/v1/local-authorities?limit=0",
        "/api/v1/local-authorities?limit=101",
        "/api/v1/local-authorities?cursor=not-ours",
        "/api/v1/local-authorities?region=mars",
        "/api/v1/local-authorities/abc",
    ] {
        assert_problem(app.get(path, None).await, 400).await;
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app_with(&[("BODY_LIMIT_BYTES", "1024")]).await;
    let admin = app.admin_token().await;
    let big = "ب".repeat(2000);
    let res = app
        .post(
            "/api/v1/local-authorities",
            Some(&admin),
            &json!({"name": {"ar": big, "en": ""}, "kind": "municipality", "governorate": "x", "region": "south"}),
        )
        .await;
    assert_problem(res, 413).await;
}

#[tokio::test]
async fn missing_or_bad_tokens_are_401_and_members_get_403() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/users", None).await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_problem(res, 401).await;
    assert_problem(app.get("/api/v1/users", Some("not-a-jwt")).await, 401).await;

    let admin = app.admin_token().await;
    let (_, member) = app.create_member(&admin, "member@example.org", None).await;
    assert_problem(app.get("/api/v1/users", Some(&member)).await, 403).await;
}

#[tokio::test]
async fn a_database_failure_is_a_500_without_internals() {
    let app = spawn_app().await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "ALTER TABLE local_authorities RENAME TO local_authorities_gone",
    )
    .await
    .expect("rename");
    let res = app.get("/api/v1/local-authorities", None).await;
    let body = assert_problem(res, 500).await;
    let text = body.to_string();
    assert!(
        !text.contains("local_authorities"),
        "leaks internals: {text}"
    );
    assert!(
        !text.to_lowercase().contains("sql"),
        "leaks internals: {text}"
    );
    assert_eq!(body["type"], "urn:problem:internal-error");
}

#[tokio::test]
async fn an_unknown_query_parameter_is_refused_with_its_name() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (path, token, name) in [
        ("/api/v1/workshops?q=GIS", None, "q"),
        ("/api/v1/platforms?limit=5&colour=red", None, "colour"),
        ("/api/v1/users?limt=5", Some(admin.as_str()), "limt"),
        ("/api/v1/changes?cursor_=x", None, "cursor_"),
    ] {
        let problem = assert_problem(app.get(path, token).await, 400).await;
        assert_eq!(problem["code"], "invalid_parameter", "{path}");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("`{name}`"))),
            "{path}: {problem}"
        );
    }
    // Documented parameters still pass, and a list that has `q` takes it.
    assert_eq!(
        app.get("/api/v1/workshops?limit=5", None).await.status(),
        200
    );
    assert_eq!(
        app.get("/api/v1/search?q=%D9%85%D9%86%D8%B5%D8%A9", None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn every_get_route_answers_head_and_options_names_the_methods() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("financial-management").await;
    for (path, token) in [
        ("/health/ready".to_owned(), None),
        ("/openapi.json".to_owned(), None),
        ("/api/v1/platforms".to_owned(), None),
        (format!("/api/v1/platforms/{platform}"), None),
        (format!("/api/v1/platforms/{platform}/calendar.ics"), None),
        ("/api/v1/users".to_owned(), Some(admin.as_str())),
    ] {
        let get = app.get(&path, token).await;
        let head = app
            .request(Method::HEAD, &path, token)
            .send()
            .await
            .expect("head");
        assert_eq!(head.status(), get.status(), "{path}");
        for field in ["content-type", "etag", "cache-control", "vary"] {
            assert_eq!(
                head.headers().get(field),
                get.headers().get(field),
                "{path}: {field}"
            );
        }
        let body = head.bytes().await.expect("body");
        assert!(body.is_empty(), "{path}: HEAD has no body");
    }
    let res = app
        .request(
            Method::OPTIONS,
            &format!("/api/v1/platforms/{platform}"),
            None,
        )
        .send()
        .await
        .expect("options");
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["allow"], "GET, HEAD, DELETE, PATCH, OPTIONS");
    // HEAD on a path without GET is 405 like any method it does not take.
    let res = app
        .request(Method::HEAD, "/api/v1/auth/login", None)
        .send()
        .await
        .expect("head");
    assert_eq!(res.status(), 405);
}
