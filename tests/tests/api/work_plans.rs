use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

async fn send_if_match(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    etag: &str,
    body: &Value,
) -> reqwest::Response {
    app.request(method, path, Some(token))
        .header("If-Match", etag)
        .json(body)
        .send()
        .await
        .expect("request")
}

fn etag_of(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().expect("etag").to_owned()
}

#[tokio::test]
async fn a_coordinator_drafts_ranks_and_approves_a_work_plan() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("sdgs").await;
    let (coord_id, coord) = app
        .create_member(&admin, "sdg-coord@example.org", None)
        .await;
    app.make_coordinator(platform, coord_id, "coordinator")
        .await;

    let res = app
        .post(
            &format!("/api/v1/platforms/{platform}/work-plans"),
            Some(&coord),
            &json!({"period": "2026", "topics": [
                {"title": {"ar": "توطين الهدف الحادي عشر", "en": "Localising SDG 11"}},
                {"title": {"ar": "المؤشرات المحلية", "en": "Local indicators"}},
                {"title": {"ar": "التقارير الطوعية المحلية", "en": "Voluntary local reviews"}}
            ]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mut etag = etag_of(&res);
    let plan: Value = res.json().await.expect("json");
    assert_eq!(plan["status"], "draft");
    assert_eq!(
        plan["warnings"][0]["code"], "topic_count",
        "3 topics is a warning, not an error"
    );
    let id = plan["id"].as_i64().expect("id");
    let ids: Vec<i64> = plan["topics"]
        .as_array()
        .expect("t")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();

    let res = app
        .post(
            &format!("/api/v1/work-plans/{id}/topics"),
            Some(&coord),
            &json!({"title": {"ar": "الشراكات", "en": "Partnerships"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let stale = etag.clone();
    etag = etag_of(&res);
    let plan: Value = res.json().await.expect("json");
    assert_eq!(plan["warnings"], json!([]));
    let fourth = plan["topics"][3]["id"].as_i64().expect("id");
    assert_eq!(plan["topics"][3]["rank"], 4);

    // Reorder: the fourth becomes the first. A stale ETag is refused.
    let order = json!({"topic_ids": [fourth, ids[0], ids[1], ids[2]]});
    let path = format!("/api/v1/work-plans/{id}/topics/reorder");
    assert_problem(
        send_if_match(&app, Method::POST, &path, &coord, &stale, &order).await,
        412,
    )
    .await;
    let res = app.post(&path, Some(&coord), &order).await;
    assert_problem(res, 428).await;
    let bad = json!({"topic_ids": [fourth, ids[0], ids[1]]});
    assert_problem(
        send_if_match(&app, Method::POST, &path, &coord, &etag, &bad).await,
        422,
    )
    .await;
    let res = send_if_match(&app, Method::POST, &path, &coord, &etag, &order).await;
    assert_eq!(res.status(), 200);
    etag = etag_of(&res);
    let plan: Value = res.json().await.expect("json");
    let ranks: Vec<(i64, i64)> = plan["topics"]
        .as_array()
        .expect("t")
        .iter()
        .map(|t| {
            (
                t["id"].as_i64().expect("id"),
                t["rank"].as_i64().expect("rank"),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        vec![(fourth, 1), (ids[0], 2), (ids[1], 3), (ids[2], 4)]
    );

    // Deleting a topic closes the ranks.
    assert_eq!(
        app.delete(&format!("/api/v1/topics/{}", ids[0]), Some(&coord))
            .await
            .status(),
        204
    );
    let res = app.get(&format!("/api/v1/work-plans/{id}"), None).await;
    assert_ne!(etag_of(&res), etag, "a topic change is a new version");
    etag = etag_of(&res);
    let plan: Value = res.json().await.expect("json");
    let ranks: Vec<i64> = plan["topics"]
        .as_array()
        .expect("t")
        .iter()
        .map(|t| t["rank"].as_i64().expect("r"))
        .collect();
    assert_eq!(ranks, vec![1, 2, 3]);

    let approve = format!("/api/v1/work-plans/{id}/approve");
    let res = send_if_match(&app, Method::POST, &approve, &coord, &etag, &json!({})).await;
    assert_eq!(res.status(), 200);
    let plan: Value = res.json().await.expect("json");
    assert_eq!(plan["status"], "approved");
    let etag = format!("\"{}\"", plan["version"]);
    assert_problem(
        send_if_match(&app, Method::POST, &approve, &coord, &etag, &json!({})).await,
        409,
    )
    .await;
    assert_problem(
        app.delete(&format!("/api/v1/work-plans/{id}"), Some(&coord))
            .await,
        409,
    )
    .await;
    // One plan per platform and period.
    let res = app
        .post(
            &format!("/api/v1/platforms/{platform}/work-plans"),
            Some(&coord),
            &json!({"period": "2026"}),
        )
        .await;
    assert_problem(res, 409).await;
}

#[tokio::test]
async fn topics_group_under_axes_of_their_own_plan() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let gaza = app.platform_id("gaza").await;
    let res = app
        .post(
            &format!("/api/v1/platforms/{gaza}/work-plans"),
            Some(&admin),
            &json!({"period": "2026",
                    "axes": [{"ar": "العلاقات العامة", "en": "PR"}, {"ar": "الإدارة المالية", "en": "Finance"}],
                    "topics": [{"title": {"ar": "الإعلام الرقمي"}, "axis": 1}, {"title": {"ar": "الموازنات"}, "axis": 2}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let plan: Value = res.json().await.expect("json");
    let axis2 = plan["axes"][1]["id"].as_i64().expect("axis");
    assert_eq!(plan["topics"][1]["axis_id"], axis2);
    let res = app
        .post(
            &format!("/api/v1/platforms/{gaza}/work-plans"),
            Some(&admin),
            &json!({"period": "2027", "topics": [{"title": {"ar": "س"}, "axis": 3}]}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/topics/0/axis"
    );

    let other_plan = app
        .get_json(
            &format!(
                "/api/v1/platforms/{}/work-plans",
                app.platform_id("innovation").await
            ),
            None,
        )
        .await;
    let other_topic = other_plan["items"][0]["topics"][0]["id"]
        .as_i64()
        .expect("t");
    let res = app
        .patch(
            &format!("/api/v1/topics/{other_topic}"),
            Some(&admin),
            &json!({"axis_id": axis2}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/axis_id"
    );
}

#[tokio::test]
async fn a_working_group_draws_its_members_from_the_platform() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("engineering-planning").await;
    let plan = app
        .get_json(&format!("/api/v1/platforms/{platform}/work-plans"), None)
        .await;
    let gis = plan["items"][0]["topics"][1]["id"].as_i64().expect("topic");
    let (coord_id, coord) = app
        .create_member(&admin, "eng-coord@example.org", None)
        .await;
    app.make_coordinator(platform, coord_id, "deputy").await;
    let (lead_id, lead) = app.create_member(&admin, "lead@example.org", None).await;
    app.make_member(platform, lead_id).await;
    let (outsider_id, _) = app
        .create_member(&admin, "outsider@example.org", None)
        .await;

    let path = format!("/api/v1/topics/{gis}/working-group");
    assert_problem(app.get(&path, Some(&lead)).await, 404).await;
    let res = app
        .request(Method::PUT, &path, Some(&coord))
        .json(&json!({"lead_user_id": outsider_id}))
        .send()
        .await
        .expect("r");
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/lead_user_id"
    );
    let res = app
        .request(Method::PUT, &path, Some(&coord))
        .json(&json!({"lead_user_id": lead_id}))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 201);
    let group: Value = res.json().await.expect("json");
    assert_eq!(
        group["name"]["ar"],
        "نظم المعلومات الجغرافية : يتمثل بنشاط مشترك مع منصة الابتكار"
    );
    assert_eq!(group["members"][0]["user_id"], lead_id);
    assert_eq!(group["members"][0]["is_lead"], true);
    let res = app
        .request(Method::PUT, &path, Some(&coord))
        .json(&json!({"name": {"ar": "مجموعة نظم المعلومات الجغرافية", "en": "GIS group"}, "lead_user_id": lead_id}))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 200);

    let members = format!("{path}/members");
    assert_problem(
        app.post(&members, Some(&coord), &json!({"user_id": outsider_id}))
            .await,
        422,
    )
    .await;
    assert_eq!(
        app.post(&members, Some(&coord), &json!({"user_id": coord_id}))
            .await
            .status(),
        201
    );
    assert_problem(
        app.post(&members, Some(&coord), &json!({"user_id": coord_id}))
            .await,
        409,
    )
    .await;
    assert_problem(
        app.post(&members, Some(&lead), &json!({"user_id": coord_id}))
            .await,
        403,
    )
    .await;
    let group = app.get_json(&path, Some(&lead)).await;
    assert_eq!(group["members"].as_array().expect("m").len(), 2);
    // The lead leaves: the group has no lead.
    assert_eq!(
        app.delete(&format!("{members}/{lead_id}"), Some(&lead))
            .await
            .status(),
        204
    );
    let group = app.get_json(&path, Some(&coord)).await;
    assert!(group["lead_user_id"].is_null());
    assert_eq!(group["members"].as_array().expect("m").len(), 1);
}
