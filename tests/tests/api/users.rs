use serde_json::{Value, json};
use tests::{ADMIN_EMAIL, MEMBER_PASSWORD, assert_problem, spawn_app};

#[tokio::test]
async fn admins_list_users_with_filters_and_their_authority() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let hebron = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
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
            .all(|u| u["local_authority"]["name"]["ar"] == "بلدية حلحول")
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

#[tokio::test]
async fn coordinators_find_people_to_add_without_seeing_outsiders_emails() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let jenin = app.create_authority(&admin, "بلدية جنين", "Jenin").await;
    let (coordinator_id, coordinator) = app
        .quick_user("coord@example.org", None, "male", "ar")
        .await;
    app.make_coordinator(finance, coordinator_id, "coordinator")
        .await;
    let (member_id, _) = app
        .quick_user("member@example.org", Some(jenin), "female", "ar")
        .await;
    app.make_member(finance, member_id).await;
    // Made through the API, so that their search text is the real one (email and names).
    let (outsider_id, outsider) = app
        .create_member(&admin, "outsider@example.org", Some(jenin))
        .await;
    let find = |query: &str, token: &str| {
        let app = &app;
        let path = format!("/api/v1/people?{query}");
        let token = token.to_owned();
        async move { app.get_json(&path, Some(&token)).await }
    };
    // By authority name (Arabic folded), both members and people of the union.
    let found = find("q=%D8%AC%D9%86%D9%8A%D9%86&limit=100", &coordinator).await;
    let items = found["items"].as_array().expect("items");
    let of = |id: i64| items.iter().find(|p| p["id"] == id).cloned();
    let member = of(member_id).expect("the platform's member");
    let other = of(outsider_id).expect("a person of the union");
    assert_eq!(member["email"], "member@example.org", "{member}");
    assert!(
        other["email"].is_null(),
        "no email outside the platform: {other}"
    );
    assert_eq!(other["local_authority"]["id"], jenin);
    assert!(
        other.get("gender").is_none() && other.get("role").is_none(),
        "{other}"
    );
    // Only the platform's members, when asked.
    let members = find(&format!("platform_id={finance}"), &coordinator).await;
    let ids: Vec<i64> = members["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    assert!(
        ids.contains(&member_id) && !ids.contains(&outsider_id),
        "{ids:?}"
    );
    // An email is not a search term, so it cannot be probed.
    let probed = find("q=outsider%40example.org", &coordinator).await;
    assert_eq!(probed["items"], json!([]), "{probed}");
    let by_name = find("q=test%20member", &coordinator).await;
    assert_eq!(by_name["items"][0]["id"], outsider_id, "{by_name}");
    // Administrators see every email; members may not look people up.
    let all = find(&format!("local_authority_id={jenin}"), &admin).await;
    assert!(
        all["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["email"].is_string())
    );
    assert_problem(app.get("/api/v1/people", Some(&outsider)).await, 403).await;
}
