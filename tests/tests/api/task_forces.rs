use reqwest::Method;
use serde_json::{Value, json};
use tests::{assert_problem, spawn_app};

#[tokio::test]
async fn the_four_task_forces_are_loaded_with_their_targets() {
    let app = spawn_app().await;
    let page = app.get_json("/api/v1/task-forces", None).await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 4);
    let by_slug = |slug: &str| {
        items
            .iter()
            .find(|t| t["slug"] == slug)
            .expect("task force")
            .clone()
    };
    let fin = by_slug("financial-experts");
    assert_eq!(fin["name"]["ar"], "فريق عمل الخبراء الماليين");
    assert_eq!(
        fin["counts"],
        json!({"target_members": 6, "target_authorities": 6, "members": 0, "authorities": 0})
    );
    assert_eq!(by_slug("inclusion-gender")["counts"]["target_members"], 13);
    let sdg = by_slug("sdg-localization");
    assert_eq!(sdg["counts"]["target_members"], 15);
    assert_eq!(sdg["counts"]["target_authorities"], 13);
    let intl = by_slug("international-partnerships");
    assert!(intl["counts"]["target_members"].is_null());
    assert_eq!(intl["counts"]["target_authorities"], 14);
}

#[tokio::test]
async fn members_per_authority_are_limited_and_counted() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let page = app.get_json("/api/v1/task-forces", None).await;
    let fin = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["slug"] == "financial-experts")
        .expect("tf")["id"]
        .as_i64()
        .expect("id");
    let hebron = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    let jenin = app.create_authority(&admin, "بلدية جنين", "Jenin").await;
    let (a, _) = app
        .create_member(&admin, "a@example.org", Some(hebron))
        .await;
    let (b, _) = app
        .create_member(&admin, "b@example.org", Some(hebron))
        .await;
    let (c, member) = app
        .create_member(&admin, "c@example.org", Some(jenin))
        .await;
    let (nobody, _) = app.create_member(&admin, "d@example.org", None).await;
    let path = format!("/api/v1/task-forces/{fin}/members");

    assert_eq!(
        app.post(&path, Some(&admin), &json!({"user_id": a}))
            .await
            .status(),
        201
    );
    let res = app.post(&path, Some(&admin), &json!({"user_id": b})).await;
    let body = assert_problem(res, 409).await;
    assert!(body["detail"].as_str().expect("d").contains("at most 1"));
    assert_problem(
        app.post(&path, Some(&admin), &json!({"user_id": a})).await,
        409,
    )
    .await;
    assert_problem(
        app.post(&path, Some(&admin), &json!({"user_id": nobody}))
            .await,
        422,
    )
    .await;
    assert_problem(
        app.post(&path, Some(&member), &json!({"user_id": c})).await,
        403,
    )
    .await;
    let res = app.post(&path, Some(&admin), &json!({"user_id": c})).await;
    assert_eq!(res.status(), 201);
    let tf: Value = res.json().await.expect("json");
    assert_eq!(tf["counts"]["members"], 2);
    assert_eq!(tf["counts"]["authorities"], 2);
    let members = app.get_json(&path, Some(&member)).await;
    let authorities: Vec<&str> = members["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["local_authority"]["name"]["en"].as_str().expect("en"))
        .collect();
    assert_eq!(authorities, vec!["Halhul", "Jenin"]);

    // Lifting the limit (with If-Match) lets b in.
    let res = app.get(&format!("/api/v1/task-forces/{fin}"), None).await;
    let etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/task-forces/{fin}"),
            Some(&admin),
        )
        .header("If-Match", &etag)
        .json(&json!({"max_members_per_authority": null}))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.post(&path, Some(&admin), &json!({"user_id": b}))
            .await
            .status(),
        201
    );
    let tf = app
        .get_json(&format!("/api/v1/task-forces/{fin}"), None)
        .await;
    assert_eq!(tf["counts"]["members"], 3);
    assert_eq!(tf["counts"]["authorities"], 2);
    assert_eq!(
        app.delete(&format!("{path}/{b}"), Some(&admin))
            .await
            .status(),
        204
    );
    assert_problem(app.delete(&format!("{path}/{b}"), Some(&admin)).await, 404).await;
}

#[tokio::test]
async fn concurrent_additions_cannot_pass_the_per_authority_limit() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/task-forces",
            Some(&admin),
            &json!({"name": {"ar": "فريق تجريبي"}, "slug": "race", "max_members_per_authority": 2}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let tf: Value = res.json().await.expect("json");
    let id = tf["id"].as_i64().expect("id");
    let authority = app
        .create_authority(&admin, "بلدية طولكرم", "Tulkarm")
        .await;
    let mut users = Vec::new();
    for i in 0..6 {
        users.push(
            app.create_member(&admin, &format!("r{i}@example.org"), Some(authority))
                .await
                .0,
        );
    }
    let path = format!("/api/v1/task-forces/{id}/members");
    let bodies: Vec<Value> = users.iter().map(|u| json!({"user_id": u})).collect();
    let requests = bodies.iter().map(|b| app.post(&path, Some(&admin), b));
    let statuses: Vec<u16> = futures_util::future::join_all(requests)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        4,
        "{statuses:?}"
    );
}
