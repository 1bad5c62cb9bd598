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
    let state_db = sea_orm::Database::connect(&app.database.url)
        .await
        .expect("db");
    // Closing our connection does not affect the server's pool; instead break the server's
    // own query by making the database unusable for it.
    drop(state_db);
    if app.database.is_postgres() {
        // Terminating the server's connections and blocking new ones makes the check fail.
        let name = app
            .database
            .url
            .rsplit('/')
            .next()
            .expect("db name")
            .to_owned();
        let admin = std::env::var("TEST_DATABASE_URL").expect("admin url");
        let conn = sea_orm::Database::connect(&admin).await.expect("admin");
        sea_orm::ConnectionTrait::execute_unprepared(
            &conn,
            &format!("ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS false"),
        )
        .await
        .expect("block");
        sea_orm::ConnectionTrait::execute_unprepared(
            &conn,
            &format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ),
        )
        .await
        .expect("terminate");
        let res = app.get("/health/ready", None).await;
        tests::assert_problem(res, 503).await;
        sea_orm::ConnectionTrait::execute_unprepared(
            &conn,
            &format!("ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS true"),
        )
        .await
        .expect("unblock");
    }
    let res = app.get("/health/live", None).await;
    assert_eq!(res.status(), 200);
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
