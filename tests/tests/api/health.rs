use tests::spawn_app;

#[tokio::test]
async fn liveness_and_readiness_answer_ok() {
    let app = spawn_app().await;
    for path in ["/health/live", "/health/ready"] {
        let res = app.get(path, None).await;
        assert_eq!(res.status(), 200, "{path}");
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn readiness_fails_with_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health/ready", None).await.status(), 200);
    // Closing the server's own pool makes every database call fail, on either backend.
    app.state.db.close_by_ref().await.expect("close pool");
    let body = tests::assert_problem(app.get("/health/ready", None).await, 503).await;
    assert_eq!(body["type"], "urn:problem:unavailable");
    assert_eq!(
        app.get("/health/live", None).await.status(),
        200,
        "the process is still alive"
    );
}

#[tokio::test]
async fn a_request_id_is_echoed_or_generated() {
    let app = spawn_app().await;
    let res = app
        .request(reqwest::Method::GET, "/health/live", None)
        .header("X-Request-Id", "abc-123")
        .send()
        .await
        .expect("request");
    assert_eq!(res.headers()["x-request-id"], "abc-123");

    let res = app.get("/health/live", None).await;
    let generated = res.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");

    // A header that could forge log lines is replaced, not echoed.
    let res = app
        .request(reqwest::Method::GET, "/health/live", None)
        .header("X-Request-Id", "bad id\" with quotes")
        .send()
        .await
        .expect("request");
    assert_ne!(res.headers()["x-request-id"], "bad id\" with quotes");

    // Problems carry it too.
    let res = app
        .request(reqwest::Method::GET, "/api/v1/nothing-here", None)
        .header("X-Request-Id", "trace-42")
        .send()
        .await
        .expect("request");
    let body = tests::assert_problem(res, 404).await;
    assert_eq!(body["request_id"], "trace-42");
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = tests::spawn_app_with(&[(
        "CORS_ORIGINS",
        "https://web.example.org, https://mobile.example.org/",
    )])
    .await;
    let preflight = |origin: &'static str| {
        app.request(reqwest::Method::OPTIONS, "/api/v1/platforms", None)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization, if-match")
            .send()
    };
    let res = preflight("https://web.example.org")
        .await
        .expect("preflight");
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://web.example.org"
    );
    let res = preflight("https://mobile.example.org")
        .await
        .expect("preflight");
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://mobile.example.org"
    );
    let res = preflight("https://evil.example.net")
        .await
        .expect("preflight");
    assert!(!res.headers().contains_key("access-control-allow-origin"));

    // Actual requests expose the request id to the browser.
    let res = app
        .request(reqwest::Method::GET, "/api/v1/platforms", None)
        .header("Origin", "https://web.example.org")
        .send()
        .await
        .expect("get");
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://web.example.org"
    );
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii")
        .to_lowercase();
    assert!(
        exposed.contains("x-request-id") && exposed.contains("etag"),
        "{exposed}"
    );

    // Without configured origins, no CORS headers at all.
    let plain = tests::spawn_app().await;
    let res = plain
        .request(reqwest::Method::GET, "/api/v1/platforms", None)
        .header("Origin", "https://web.example.org")
        .send()
        .await
        .expect("get");
    assert!(!res.headers().contains_key("access-control-allow-origin"));
}
