use serde_json::{Value, json};
use tests::{ADMIN_EMAIL, MEMBER_PASSWORD, assert_problem, spawn_app};

#[tokio::test]
async fn admins_list_users_with_filters_and_their_authority() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let hebron = app.create_authority(&admin, "بلدية الخليل", "Hebron").await;
    let jenin = app.create_authority(&admin, "بلدية جنين", "Jenin").await;
    app.create_member(&admin, "a@hebron.ps", Some(hebron)).await;
    app.create_member(&admin, "b@hebron.ps", Some(hebron)).await;
    app.create_member(&admin, "c@jenin.ps", Some(jenin)).await;

    let page: Value = app
        .get(
            &format!("/api/v1/users?local_authority_id={hebron}"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .expect("json");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|u| u["local_authority"]["name"]["ar"] == "بلدية الخليل")
    );

    let page: Value = app
        .get("/api/v1/users?role=admin", Some(&admin))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["items"].as_array().expect("items").len(), 1);
    assert_eq!(page["items"][0]["email"], ADMIN_EMAIL);

    let page: Value = app
        .get("/api/v1/users?q=JENIN.PS", Some(&admin))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["items"].as_array().expect("items").len(), 1);

    let first: Value = app
        .get("/api/v1/users?limit=2", Some(&admin))
        .await
        .json()
        .await
        .expect("json");
    let cursor = first["next_cursor"].as_str().expect("more");
    let second: Value = app
        .get(
            &format!("/api/v1/users?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(second["items"].as_array().expect("items").len(), 2);
    assert!(second["next_cursor"].is_null());
    assert!(!second.to_string().contains("argon2"));
}

#[tokio::test]
async fn inviting_an_existing_email_in_any_case_is_409() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.create_member(&admin, "dup@example.org", None).await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "DUP@Example.org", "name": {"ar": "مكرر"}, "gender": "male"}),
        )
        .await;
    assert_problem(res, 409).await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "not-an-email", "name": {"ar": "س"}, "gender": "male", "local_authority_id": 424242}),
        )
        .await;
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["pointer"], "/email");
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "ok@example.org", "name": {"ar": "س"}, "gender": "male", "local_authority_id": 424242}),
        )
        .await;
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["pointer"], "/local_authority_id");
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_and_login() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (id, member) = app.create_member(&admin, "leaving@example.org", None).await;
    let session = app.login("leaving@example.org", MEMBER_PASSWORD).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"is_active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(app.get("/api/v1/me", Some(&member)).await, 401).await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": session["refresh_token"]}),
        )
        .await;
    assert_problem(res, 401).await;
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "leaving@example.org", "password": MEMBER_PASSWORD}),
        )
        .await;
    assert_problem(res, 401).await;
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_deleted_or_delete_themself() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let me: Value = app
        .get("/api/v1/me", Some(&admin))
        .await
        .json()
        .await
        .expect("json");
    let my_id = me["id"].as_i64().expect("id");
    assert_problem(
        app.delete(&format!("/api/v1/users/{my_id}"), Some(&admin))
            .await,
        409,
    )
    .await;
    let res = app
        .patch(
            &format!("/api/v1/users/{my_id}"),
            Some(&admin),
            &json!({"role": "member"}),
        )
        .await;
    assert_problem(res, 409).await;

    // With a second admin, the first may step down.
    let (other, _) = app.create_member(&admin, "second@example.org", None).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{other}"),
            Some(&admin),
            &json!({"role": "admin"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch(
            &format!("/api/v1/users/{my_id}"),
            Some(&admin),
            &json!({"role": "member"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Demoted: no more admin rights, at once.
    assert_problem(app.get("/api/v1/users", Some(&admin)).await, 403).await;
}

#[tokio::test]
async fn users_are_deleted_by_admins_only_and_read_by_themselves() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (a, member_a) = app.create_member(&admin, "a@example.org", None).await;
    let (b, _) = app.create_member(&admin, "b@example.org", None).await;
    assert_eq!(
        app.get(&format!("/api/v1/users/{a}"), Some(&member_a))
            .await
            .status(),
        200
    );
    assert_problem(
        app.get(&format!("/api/v1/users/{b}"), Some(&member_a))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.delete(&format!("/api/v1/users/{b}"), Some(&member_a))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.patch(
            &format!("/api/v1/users/{b}"),
            Some(&member_a),
            &json!({"role": "admin"}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(
        app.delete(&format!("/api/v1/users/{b}"), Some(&admin))
            .await
            .status(),
        204
    );
    assert_problem(
        app.get(&format!("/api/v1/users/{b}"), Some(&admin)).await,
        404,
    )
    .await;
    assert_problem(
        app.delete(&format!("/api/v1/users/{b}"), Some(&admin))
            .await,
        404,
    )
    .await;
}
