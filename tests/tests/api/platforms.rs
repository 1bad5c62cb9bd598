use reqwest::Method;
use serde_json::{Value, json};
use tests::{assert_problem, spawn_app};

fn find<'a>(items: &'a [Value], slug: &str) -> &'a Value {
    items
        .iter()
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} missing"))
}

#[tokio::test]
async fn the_programmes_platforms_are_loaded_with_their_launches() {
    let app = spawn_app().await;
    let page = app.get_json("/api/v1/platforms?limit=100", None).await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 11, "8 platforms and 3 regional sub-platforms");

    let finance = find(items, "financial-management");
    assert_eq!(finance["name"]["ar"], "منصة الإدارة المالية");
    assert_eq!(finance["launched_on"], "2019-10-15");
    assert_eq!(finance["launch_city"]["ar"], "رام الله");
    assert_eq!(finance["launch_attendance"], 40);
    let pr = find(items, "public-relations");
    assert_eq!(pr["launched_on"], "2019-09-18");
    assert_eq!(pr["launch_attendance"], 55);
    assert_eq!(
        find(items, "engineering-planning")["launched_on"],
        "2019-09-16"
    );
    let innovation = find(items, "innovation");
    assert_eq!(innovation["launched_on"], "2020-10-29");
    assert_eq!(innovation["launch_city"]["en"], "Hebron");
    assert_eq!(find(items, "gaza")["launch_authority_count"], 25);

    let parent = find(items, "village-councils")["id"].as_i64().expect("id");
    for (slug, date, city) in [
        ("village-councils-north", "2019-09-21", "نابلس"),
        ("village-councils-center", "2020-01-29", "رام الله"),
        ("village-councils-south", "2020-02-26", "الخليل"),
    ] {
        let p = find(items, slug);
        assert_eq!(p["kind"], "regional");
        assert_eq!(p["parent_id"], parent);
        assert_eq!(p["launched_on"], date, "{slug}");
        assert_eq!(p["launch_city"]["ar"], city, "{slug}");
    }
    for slug in ["sdgs", "inclusion"] {
        assert_eq!(find(items, slug)["status"], "active");
    }
}

#[tokio::test]
async fn the_programmes_work_plans_carry_their_ranked_topics_and_axes() {
    let app = spawn_app().await;
    let finance = app.platform_id("financial-management").await;
    let plans = app
        .get_json(&format!("/api/v1/platforms/{finance}/work-plans"), None)
        .await;
    let plan = &plans["items"][0];
    assert_eq!(plan["status"], "approved");
    let topics = plan["topics"].as_array().expect("topics");
    assert_eq!(topics.len(), 5);
    assert_eq!(topics[0]["rank"], 1);
    assert_eq!(topics[0]["title"]["ar"], "البحث عن مصادر إيرادات جديدة");
    assert_eq!(
        topics[4]["title"]["ar"],
        "تفعيل المشاريع الاستثمارية من خلال الشراكة مع القطاع الخاص"
    );
    assert_eq!(plan["warnings"], json!([]));

    let innovation = app.platform_id("innovation").await;
    let plans = app
        .get_json(&format!("/api/v1/platforms/{innovation}/work-plans"), None)
        .await;
    let plan = &plans["items"][0];
    assert_eq!(plan["topics"].as_array().expect("t").len(), 3);
    assert_eq!(
        plan["topics"][0]["title"]["ar"],
        "إدارة البيانات الكادسترائية في قواعد البيانات المكانية"
    );
    assert_eq!(plan["warnings"][0]["code"], "topic_count");

    let south = app.platform_id("village-councils-south").await;
    let plans = app
        .get_json(&format!("/api/v1/platforms/{south}/work-plans"), None)
        .await;
    assert_eq!(plans["items"][0]["topics"].as_array().expect("t").len(), 6);
    assert_eq!(
        plans["items"][0]["topics"][1]["title"]["ar"],
        "ميزانيات مقروءة"
    );
    assert_eq!(plans["items"][0]["warnings"][0]["code"], "topic_count");

    let gaza = app.platform_id("gaza").await;
    let plans = app
        .get_json(&format!("/api/v1/platforms/{gaza}/work-plans"), None)
        .await;
    let axes: Vec<&str> = plans["items"][0]["axes"]
        .as_array()
        .expect("axes")
        .iter()
        .map(|a| a["name"]["ar"].as_str().expect("ar"))
        .collect();
    assert_eq!(
        axes,
        vec![
            "العلاقات العامة",
            "منصة الهندسة والتخطيط",
            "الإدارة المالية",
            "الإبداع والإبتكار"
        ]
    );
}

#[tokio::test]
async fn reference_data_loads_once_and_never_overwrites_edits() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = app.platform_id("inclusion").await;
    let res = app.get(&format!("/api/v1/platforms/{id}"), None).await;
    let etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/platforms/{id}"),
            Some(&admin),
        )
        .header("If-Match", etag)
        .json(&json!({"name": {"ar": "منصة الإدماج والشمول المعدلة", "en": "Inclusion (edited)"}}))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 200);

    let second = app.restart().await;
    let page: Value = app
        .client
        .get(format!("{second}/api/v1/platforms?limit=100"))
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("json");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 11, "nothing loaded twice");
    assert_eq!(find(items, "inclusion")["name"]["en"], "Inclusion (edited)");
    let forces: Value = app
        .client
        .get(format!("{second}/api/v1/task-forces"))
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("json");
    assert_eq!(forces["items"].as_array().expect("items").len(), 4);
}

#[tokio::test]
async fn concurrent_edits_need_the_current_etag() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = app.create_platform(&admin, "water").await;
    let path = format!("/api/v1/platforms/{id}");
    let res = app.get(&path, None).await;
    let etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    // The version, then a hash of the representation (see `conditional`).
    assert!(etag.starts_with("\"1.") && etag.ends_with('"'), "{etag}");

    // Without If-Match: 428, nothing changed.
    let res = app
        .patch(&path, Some(&admin), &json!({"status": "suspended"}))
        .await;
    assert_problem(res, 428).await;

    // Two editors read version 1; the first write wins, the second is told.
    let first = app
        .request(Method::PATCH, &path, Some(&admin))
        .header("If-Match", &etag)
        .json(&json!({"description": {"ar": "وصف أول", "en": "first"}}))
        .send();
    let second = app
        .request(Method::PATCH, &path, Some(&admin))
        .header("If-Match", &etag)
        .json(&json!({"description": {"ar": "وصف ثان", "en": "second"}}))
        .send();
    let (a, b) = tokio::join!(first, second);
    let mut statuses = [
        a.expect("a").status().as_u16(),
        b.expect("b").status().as_u16(),
    ];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    let res = app.get(&path, None).await;
    let etag = res.headers()["etag"].to_str().expect("etag");
    assert!(etag.starts_with("\"2."), "{etag}");
    let body: Value = res.json().await.expect("json");
    assert!(["first", "second"].contains(&body["description"]["en"].as_str().expect("en")));
    assert_eq!(body["status"], "active");
}

#[tokio::test]
async fn platforms_validate_kind_parent_and_slug() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let parent = app.platform_id("village-councils").await;
    // A region of its own, as Gaza is, has no parent; a thematic platform may not have one.
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "منصة"}, "slug": "x-y", "kind": "regional"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "منصة"}, "slug": "x-z", "kind": "thematic", "parent_id": parent}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/parent_id"
    );
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "منصة"}, "slug": "Bad Slug", "kind": "thematic"}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/slug"
    );
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "منصة المجالس القروية – منطقة غزة"}, "slug": "village-councils-gaza",
                    "kind": "regional", "parent_id": parent, "launched_on": "2026-03-01",
                    "launch_city": {"ar": "غزة", "en": "Gaza"}, "launch_attendance": 30}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            "/api/v1/platforms",
            Some(&admin),
            &json!({"name": {"ar": "مكرر"}, "slug": "gaza", "kind": "thematic"}),
        )
        .await;
    assert_problem(res, 409).await;
    // A parent with sub-platforms cannot be deleted.
    assert_problem(
        app.delete(&format!("/api/v1/platforms/{parent}"), Some(&admin))
            .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn members_join_on_approval_and_are_counted_with_their_authorities() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("engineering-planning").await;
    let hebron = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    let nablus = app.create_authority(&admin, "بلدية نابلس", "Nablus").await;
    let (coord_id, coord) = app
        .create_member(&admin, "coord@example.org", Some(hebron))
        .await;
    app.make_coordinator(platform, coord_id, "coordinator")
        .await;
    let (a_id, a) = app
        .create_member(&admin, "a@example.org", Some(hebron))
        .await;
    let (b_id, b) = app
        .create_member(&admin, "b@example.org", Some(nablus))
        .await;
    let (c_id, c) = app
        .create_member(&admin, "c@example.org", Some(nablus))
        .await;
    let base = format!("/api/v1/platforms/{platform}/members");

    for token in [&a, &b, &c] {
        let res = app.post(&base, Some(token), &json!({})).await;
        assert_eq!(res.status(), 201);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["status"], "pending");
    }
    assert_problem(app.post(&base, Some(&a), &json!({})).await, 409).await;
    // Pending requests are for managers only.
    assert_problem(
        app.get(&format!("{base}?status=pending"), Some(&a)).await,
        403,
    )
    .await;
    let pending = app
        .get_json(&format!("{base}?status=pending"), Some(&coord))
        .await;
    assert_eq!(pending["items"].as_array().expect("items").len(), 3);

    assert_problem(
        app.post(&format!("{base}/{b_id}/approve"), Some(&a), &json!({}))
            .await,
        403,
    )
    .await;
    for id in [a_id, b_id] {
        let res = app
            .post(&format!("{base}/{id}/approve"), Some(&coord), &json!({}))
            .await;
        assert_eq!(res.status(), 200);
    }
    let res = app
        .post(&format!("{base}/{c_id}/reject"), Some(&coord), &json!({}))
        .await;
    assert_eq!(
        res.json::<Value>().await.expect("json")["status"],
        "rejected"
    );
    assert_problem(
        app.post(&format!("{base}/{c_id}/approve"), Some(&coord), &json!({}))
            .await,
        409,
    )
    .await;

    let list = app.get_json(&base, Some(&c)).await;
    assert_eq!(list["member_count"], 3, "coordinator, a and b");
    assert_eq!(list["authority_count"], 2);
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| {
            m["local_authority"]["name"]["ar"]
                .as_str()
                .expect("authority")
        })
        .collect();
    assert_eq!(names, vec!["بلدية حلحول", "بلدية حلحول", "بلدية نابلس"]);
    let platform_body = app
        .get_json(&format!("/api/v1/platforms/{platform}"), None)
        .await;
    assert_eq!(platform_body["member_count"], 3);
    assert_eq!(platform_body["authority_count"], 2);

    // b leaves; c may ask again.
    assert_eq!(
        app.delete(&format!("{base}/{b_id}"), Some(&b))
            .await
            .status(),
        204
    );
    let list = app.get_json(&base, Some(&b)).await;
    assert_eq!(list["member_count"], 2);
    assert_eq!(list["authority_count"], 1);
    assert_eq!(app.post(&base, Some(&c), &json!({})).await.status(), 201);
    assert_problem(app.delete(&format!("{base}/{a_id}"), Some(&c)).await, 403).await;
    let res = app
        .get(&format!("/api/v1/platforms/{platform}/members"), None)
        .await;
    assert_problem(res, 401).await;
}

/// The second reading of the sources (issue 15): what the first load left out, added once, and
/// never over an edit.
#[tokio::test]
async fn the_second_reading_of_the_sources_is_loaded_once_and_keeps_edits() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let page = app.get_json("/api/v1/platforms?limit=100", None).await;
    let items = page["items"].as_array().expect("items");
    // 001: the five platforms of the second phase were launched in the last quarter of 2019.
    for slug in [
        "public-relations",
        "engineering-planning",
        "financial-management",
        "village-councils",
        "innovation",
    ] {
        assert_eq!(find(items, slug)["launch_quarter"], "2019-Q4", "{slug}");
    }
    assert!(find(items, "sdgs")["launch_quarter"].is_null());
    // 003: Gaza is a region of its own, of 25 municipalities, working in four axes.
    let gaza = find(items, "gaza");
    assert_eq!(gaza["kind"], "regional");
    assert!(gaza["parent_id"].is_null());
    assert_eq!(gaza["launch_authority_count"], 25);
    // 003: the innovation platform's first idea, open-source GIS, holds its three topics.
    let innovation = find(items, "innovation")["id"].as_i64().expect("id");
    let plans = app
        .get_json(&format!("/api/v1/platforms/{innovation}/work-plans"), None)
        .await;
    let plan = &plans["items"][0];
    assert_eq!(
        plan["axes"][0]["name"]["ar"],
        "نظم المعلومات الجغرافية مفتوحة المصدر"
    );
    let axis = plan["axes"][0]["id"].clone();
    for t in plan["topics"].as_array().expect("topics") {
        assert_eq!(t["axis_id"], axis, "{t}");
    }

    // An installation that loaded the first reading and was edited since: the second reading
    // adds what is missing and leaves the edit as it was.
    let pr = find(items, "public-relations");
    let pr_id = pr["id"].as_i64().expect("id");
    let res = app
        .patch_if(
            &format!("/api/v1/platforms/{pr_id}"),
            &admin,
            &format!("\"{}\"", pr["version"]),
            &json!({"launch_quarter": "2019-Q3"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    entity::seed_run::Entity::delete_many()
        .filter(entity::seed_run::Column::Name.eq(api::seed::REREAD_SEED))
        .exec(&app.db)
        .await
        .expect("forget the second reading");
    api::seed::load_reread(&app.db).await.expect("again");
    api::seed::load_reread(&app.db)
        .await
        .expect("and again: a no-op");
    let pr = app
        .get_json(&format!("/api/v1/platforms/{pr_id}"), None)
        .await;
    assert_eq!(
        pr["launch_quarter"], "2019-Q3",
        "an edit is never overwritten"
    );
    let plans = app
        .get_json(&format!("/api/v1/platforms/{innovation}/work-plans"), None)
        .await;
    assert_eq!(
        plans["items"][0]["axes"].as_array().map(Vec::len),
        Some(1),
        "the first idea once"
    );
    // A quarter is written as the sources write it.
    let res = app
        .patch_if(
            &format!("/api/v1/platforms/{pr_id}"),
            &admin,
            &format!("\"{}\"", pr["version"]),
            &json!({"launch_quarter": "2019-Q5"}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/launch_quarter"
    );
}
