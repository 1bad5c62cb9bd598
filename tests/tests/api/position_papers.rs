//! Position papers: immutable versions and their comparison, the status lifecycle with who and
//! when, endorsements by local authorities, and who sees what.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

pub(crate) struct People {
    pub(crate) admin: String,
    pub(crate) authority: i64,
    pub(crate) platform: i64,
    pub(crate) author_id: i64,
    pub(crate) author: String,
    pub(crate) coordinator_id: i64,
    pub(crate) coordinator: String,
    /// An active member of the platform who did not write the paper.
    pub(crate) colleague: String,
    /// An active member of another platform.
    pub(crate) outsider: String,
}

pub(crate) async fn people(app: &TestApp) -> People {
    let admin = app.admin_token().await;
    let authority = app
        .create_authority(&admin, "بلدية رام الله", "Ramallah")
        .await;
    let platform = app.platform_id("financial-management").await;
    let elsewhere = app.platform_id("public-relations").await;
    let (author_id, author) = app
        .quick_user("author@example.org", Some(authority), "female", "ar")
        .await;
    let (coord_id, coordinator) = app
        .quick_user("coordinator@example.org", Some(authority), "male", "ar")
        .await;
    let (colleague_id, colleague) = app
        .quick_user("colleague@example.org", Some(authority), "female", "en")
        .await;
    let (outsider_id, outsider) = app
        .quick_user("outsider@example.org", Some(authority), "male", "en")
        .await;
    app.make_member(platform, author_id).await;
    app.make_member(platform, colleague_id).await;
    app.make_coordinator(platform, coord_id, "coordinator")
        .await;
    app.make_member(elsewhere, outsider_id).await;
    People {
        admin,
        authority,
        platform,
        author_id,
        author,
        coordinator_id: coord_id,
        coordinator,
        colleague,
        outsider,
    }
}

pub(crate) async fn draft(app: &TestApp, who: &People) -> Value {
    let res = app
        .post(
            "/api/v1/position-papers",
            Some(&who.author),
            &json!({"platform_id": who.platform, "target_body": "وزارة الحكم المحلي",
                    "title": {"ar": "ورقة موقف حول الموازنات التشاركية", "en": "Participatory budgeting"},
                    "summary": {"ar": "ملخص"},
                    "body": {"ar": "السطر الأول\nالسطر الثاني\nالسطر الثالث", "en": "One\nTwo\nThree"},
                    "note": "المسودة الأولى"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let etag = res.headers().get("etag").and_then(|v| v.to_str().ok());
    assert!(etag.is_some_and(|t| t.starts_with("\"1.")), "{etag:?}");
    res.json().await.expect("json")
}

async fn edit(app: &TestApp, token: &str, id: i64, version: i64, body: Value) -> reqwest::Response {
    app.request(
        Method::PATCH,
        &format!("/api/v1/position-papers/{id}"),
        Some(token),
    )
    .header("If-Match", format!("\"{version}\""))
    .json(&body)
    .send()
    .await
    .expect("send")
}

pub(crate) async fn move_to(app: &TestApp, token: &str, id: i64, to: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/position-papers/{id}/transitions"),
        Some(token),
        &json!({"to": to, "note": format!("إلى {to}")}),
    )
    .await
}

/// A paper of the financial-management platform, adopted: (paper id, platform id).
pub async fn adopted_paper(app: &TestApp) -> (i64, i64) {
    let who = people(app).await;
    let id = draft(app, &who).await["id"].as_i64().expect("id");
    for (token, to) in [(&who.author, "in_review"), (&who.coordinator, "adopted")] {
        assert_eq!(move_to(app, token, id, to).await.status(), 200);
    }
    (id, who.platform)
}

#[tokio::test]
async fn every_edit_makes_an_immutable_version_and_versions_compare() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let paper = draft(&app, &who).await;
    let id = paper["id"].as_i64().expect("id");
    assert_eq!(paper["status"], "draft");
    assert_eq!(paper["current_version"], 1);
    assert_eq!(paper["authors"][0]["user_id"].as_i64(), Some(who.author_id));

    // If-Match is required, and must be current.
    let res = app
        .patch(
            &format!("/api/v1/position-papers/{id}"),
            Some(&who.author),
            &json!({"title": {"ar": "عنوان"}}),
        )
        .await;
    assert_problem(res, 428).await;

    let res = edit(
        &app,
        &who.author,
        id,
        1,
        json!({"body": {"ar": "السطر الأول\nسطر جديد\nالسطر الثالث", "en": "One\nTwo\nThree"},
               "note": "تعديل الفقرة الثانية"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let v2: Value = res.json().await.expect("json");
    assert_eq!(v2["current_version"], 2);
    assert_eq!(v2["version"], 2);
    let res = edit(&app, &who.author, id, 1, json!({"title": {"ar": "قديم"}})).await;
    assert_problem(res, 412).await;
    // The coordinator edits too; a title change is a new version.
    let res = edit(
        &app,
        &who.coordinator,
        id,
        2,
        json!({"title": {"ar": "ورقة موقف حول الموازنة التشاركية", "en": "Participatory budgeting"}}),
    )
    .await;
    assert_eq!(res.status(), 200);
    // Changing only the authors makes no new text version.
    let res = edit(
        &app,
        &who.author,
        id,
        3,
        json!({"author_ids": [who.author_id, who.coordinator_id]}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let now: Value = res.json().await.expect("json");
    assert_eq!(now["current_version"], 3);
    assert_eq!(now["version"], 4);

    let versions = app
        .get_json(
            &format!("/api/v1/position-papers/{id}/versions"),
            Some(&who.author),
        )
        .await;
    let items = versions["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["note"], "المسودة الأولى");
    assert_eq!(items[1]["note"], "تعديل الفقرة الثانية");
    // Version 1 is as it was written, whatever came after: cached as immutable (privately, as
    // the paper is not published).
    let res = app
        .get(
            &format!("/api/v1/position-papers/{id}/versions/1"),
            Some(&who.author),
        )
        .await;
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, max-age=31536000, immutable")
    );
    let v1: Value = res.json().await.expect("json");
    assert_eq!(v1["body"]["ar"], "السطر الأول\nالسطر الثاني\nالسطر الثالث");
    assert_eq!(v1["title"]["ar"], "ورقة موقف حول الموازنات التشاركية");

    let cmp = app
        .get_json(
            &format!("/api/v1/position-papers/{id}/compare?from=1&to=2"),
            Some(&who.author),
        )
        .await;
    assert_eq!(cmp["body_changed"], true);
    assert_eq!(cmp["changed_fields"], json!([]));
    assert_eq!(
        cmp["body"]["ar"],
        json!([
            {"op": "equal", "lines": ["السطر الأول"]},
            {"op": "delete", "lines": ["السطر الثاني"]},
            {"op": "insert", "lines": ["سطر جديد"]},
            {"op": "equal", "lines": ["السطر الثالث"]},
        ])
    );
    assert_eq!(
        cmp["body"]["en"],
        json!([{"op": "equal", "lines": ["One", "Two", "Three"]}])
    );
    let cmp = app
        .get_json(
            &format!("/api/v1/position-papers/{id}/compare?from=2&to=3"),
            Some(&who.author),
        )
        .await;
    assert_eq!(cmp["body_changed"], false);
    assert_eq!(cmp["changed_fields"][0]["field"], "title.ar");
    assert_eq!(
        cmp["changed_fields"][0]["to"],
        "ورقة موقف حول الموازنة التشاركية"
    );
    let res = app
        .get(
            &format!("/api/v1/position-papers/{id}/compare?from=1&to=9"),
            Some(&who.author),
        )
        .await;
    assert_problem(res, 404).await;
    let res = app
        .get(
            &format!("/api/v1/position-papers/{id}/compare?from=0&to=1"),
            Some(&who.author),
        )
        .await;
    assert_problem(res, 400).await;

    // Versions cannot be changed or removed: no such operations exist.
    let res = app
        .request(
            Method::PUT,
            &format!("/api/v1/position-papers/{id}/versions/1"),
            Some(&who.admin),
        )
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    assert_problem(res, 405).await;
    let res = app
        .delete(
            &format!("/api/v1/position-papers/{id}/versions/1"),
            Some(&who.admin),
        )
        .await;
    assert_problem(res, 405).await;
}

#[tokio::test]
async fn drafting_checks_its_input() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let res = app
        .post(
            "/api/v1/position-papers",
            Some(&who.author),
            &json!({"platform_id": who.platform, "target_body": "الوزارة", "title": {"ar": "ورقة"},
                    "author_ids": [who.author_id, 999999]}),
        )
        .await;
    let p = assert_problem(res, 422).await;
    assert_eq!(p["errors"][0]["pointer"], "/author_ids/1");
    let other_topic = {
        let pr = app.platform_id("public-relations").await;
        let plan = app
            .post(
                &format!("/api/v1/platforms/{pr}/work-plans"),
                Some(&who.admin),
                &json!({"period": "2027", "topics": [{"title": {"ar": "موضوع"}}]}),
            )
            .await
            .json::<Value>()
            .await
            .expect("json");
        plan["topics"][0]["id"].as_i64().expect("topic")
    };
    let res = app
        .post(
            "/api/v1/position-papers",
            Some(&who.author),
            &json!({"platform_id": who.platform, "topic_id": other_topic, "target_body": "الوزارة",
                    "title": {"ar": "ورقة"}}),
        )
        .await;
    let p = assert_problem(res, 422).await;
    assert_eq!(p["errors"][0]["pointer"], "/topic_id");
    let res = app
        .post(
            "/api/v1/position-papers",
            Some(&who.author),
            &json!({"platform_id": who.platform, "target_body": "", "title": {"ar": "ورقة"}}),
        )
        .await;
    assert_problem(res, 422).await;
    // An outsider may not draft on this platform.
    let res = app
        .post(
            "/api/v1/position-papers",
            Some(&who.outsider),
            &json!({"platform_id": who.platform, "target_body": "الوزارة", "title": {"ar": "ورقة"}}),
        )
        .await;
    assert_problem(res, 403).await;
    let list = app
        .get_json("/api/v1/position-papers", Some(&who.admin))
        .await;
    assert_eq!(list["items"], json!([]), "nothing was written");
}

#[tokio::test]
async fn the_lifecycle_allows_only_its_transitions_and_records_them() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let id = draft(&app, &who).await["id"].as_i64().expect("id");

    // Skipping steps, or going back from a final state, is a conflict.
    let res = move_to(&app, &who.coordinator, id, "adopted").await;
    assert_problem(res, 409).await;
    let res = move_to(&app, &who.author, id, "published").await;
    assert_problem(res, 409).await;
    assert_eq!(
        move_to(&app, &who.author, id, "in_review").await.status(),
        200
    );
    // Authors do not adopt their own paper; a colleague is not an author.
    assert_problem(move_to(&app, &who.author, id, "adopted").await, 403).await;
    assert_problem(move_to(&app, &who.colleague, id, "draft").await, 403).await;
    // Back to the authors, then forward again.
    assert_eq!(
        move_to(&app, &who.coordinator, id, "draft").await.status(),
        200
    );
    assert_eq!(
        move_to(&app, &who.author, id, "in_review").await.status(),
        200
    );
    assert_eq!(
        move_to(&app, &who.coordinator, id, "adopted")
            .await
            .status(),
        200
    );
    // Past the draft, the text is frozen.
    let current = app
        .get_json(&format!("/api/v1/position-papers/{id}"), Some(&who.author))
        .await;
    let res = edit(
        &app,
        &who.author,
        id,
        current["version"].as_i64().expect("v"),
        json!({"title": {"ar": "تعديل متأخر"}}),
    )
    .await;
    assert_problem(res, 409).await;
    assert_eq!(
        move_to(&app, &who.coordinator, id, "submitted")
            .await
            .status(),
        200
    );
    let res = move_to(&app, &who.admin, id, "published").await;
    assert_eq!(res.status(), 200);
    let published: Value = res.json().await.expect("json");
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());
    assert_problem(move_to(&app, &who.admin, id, "withdrawn").await, 409).await;
    assert_problem(move_to(&app, &who.admin, id, "draft").await, 409).await;
    // A published paper's versions are anyone's, and never change: cached publicly for a year.
    let res = app
        .get(&format!("/api/v1/position-papers/{id}/versions/1"), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=31536000, immutable")
    );

    let history = app
        .get_json(&format!("/api/v1/position-papers/{id}/transitions"), None)
        .await;
    let steps: Vec<(String, String)> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| {
            assert!(t["actor_id"].is_i64() && t["at"].is_string(), "{t}");
            (
                t["from"].as_str().unwrap_or_default().to_owned(),
                t["to"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("draft", "in_review"),
        ("in_review", "draft"),
        ("draft", "in_review"),
        ("in_review", "adopted"),
        ("adopted", "submitted"),
        ("submitted", "published"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(steps, want);
    assert_eq!(history["items"][0]["note"], "إلى in_review");

    // Withdrawal: by the author while in review; not from a final state.
    let other = draft(&app, &who).await["id"].as_i64().expect("id");
    assert_eq!(
        move_to(&app, &who.author, other, "in_review")
            .await
            .status(),
        200
    );
    assert_eq!(
        move_to(&app, &who.author, other, "withdrawn")
            .await
            .status(),
        200
    );
    assert_problem(
        move_to(&app, &who.coordinator, other, "in_review").await,
        409,
    )
    .await;
}

#[tokio::test]
async fn unpublished_papers_are_seen_by_the_platform_authors_and_admins_only() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let id = draft(&app, &who).await["id"].as_i64().expect("id");
    let path = format!("/api/v1/position-papers/{id}");
    let sub = [
        path.clone(),
        format!("{path}/versions"),
        format!("{path}/versions/1"),
        format!("{path}/transitions"),
        format!("{path}/endorsements"),
        format!("{path}/compare?from=1&to=1"),
    ];
    let listed = |app: &TestApp, token: Option<String>| {
        let app_url = app.url("/api/v1/position-papers");
        let client = app.client.clone();
        async move {
            let mut rb = client.get(app_url);
            if let Some(t) = token {
                rb = rb.bearer_auth(t);
            }
            let body: Value = rb.send().await.expect("send").json().await.expect("json");
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|p| p["id"].as_i64())
                .collect::<Vec<i64>>()
        }
    };
    let callers: [(&str, Option<&str>, bool); 6] = [
        ("anonymous", None, false),
        ("member of another platform", Some(&who.outsider), false),
        ("author", Some(&who.author), true),
        ("colleague on the platform", Some(&who.colleague), true),
        ("coordinator", Some(&who.coordinator), true),
        ("admin", Some(&who.admin), true),
    ];
    for (name, token, sees) in callers {
        for p in &sub {
            let status = app.get(p, token).await.status().as_u16();
            assert_eq!(status, if sees { 200 } else { 404 }, "{name} GET {p}");
        }
        let ids = listed(&app, token.map(str::to_owned)).await;
        assert_eq!(ids.contains(&id), sees, "{name} lists it");
    }
    // Writes from outside the platform see nothing either.
    let res = edit(&app, &who.outsider, id, 1, json!({"title": {"ar": "x"}})).await;
    assert_problem(res, 404).await;
    // A colleague sees but does not edit.
    let res = edit(&app, &who.colleague, id, 1, json!({"title": {"ar": "x"}})).await;
    assert_problem(res, 403).await;

    // Published: public.
    for (token, to) in [
        (&who.author, "in_review"),
        (&who.coordinator, "adopted"),
        (&who.coordinator, "submitted"),
        (&who.coordinator, "published"),
    ] {
        assert_eq!(move_to(&app, token, id, to).await.status(), 200);
    }
    for token in [None, Some(who.outsider.as_str())] {
        for p in &sub {
            assert_eq!(app.get(p, token).await.status(), 200, "{p}");
        }
        assert!(listed(&app, token.map(str::to_owned)).await.contains(&id));
    }
    // Filters and search (diacritics and letter variants ignored).
    let found = app
        .get_json(
            &format!(
                "/api/v1/position-papers?status=published&platform_id={}&q=الموازنات%20التشاركيه",
                who.platform
            ),
            None,
        )
        .await;
    assert_eq!(found["items"][0]["id"].as_i64(), Some(id));
    assert!(
        found["items"][0].get("body").is_none(),
        "lists leave out the body"
    );
    let none = app
        .get_json("/api/v1/position-papers?status=draft", None)
        .await;
    assert_eq!(none["items"], json!([]));
}

#[tokio::test]
async fn each_local_authority_endorses_once() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let id = draft(&app, &who).await["id"].as_i64().expect("id");
    let endorse = |token: String| {
        let url = app.url(&format!("/api/v1/position-papers/{id}/endorsements"));
        let client = app.client.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"statement": "نؤيد هذه الورقة"}))
                .send()
                .await
                .expect("send")
        }
    };
    // Not before adoption.
    assert_problem(endorse(who.colleague.clone()).await, 409).await;
    for (token, to) in [(&who.author, "in_review"), (&who.coordinator, "adopted")] {
        assert_eq!(move_to(&app, token, id, to).await.status(), 200);
    }
    let res = endorse(who.colleague.clone()).await;
    assert_eq!(res.status(), 201);
    let e: Value = res.json().await.expect("json");
    assert_eq!(e["local_authority"]["id"].as_i64(), Some(who.authority));
    // A second member of the same authority: the authority has endorsed already.
    assert_problem(endorse(who.author.clone()).await, 409).await;
    // A user without an authority (the admin) cannot endorse.
    assert_problem(endorse(who.admin.clone()).await, 403).await;

    // Five members of another authority at once: exactly one endorsement.
    let other = app
        .create_authority(&who.admin, "بلدية نابلس", "Nablus")
        .await;
    let mut tokens = Vec::new();
    for i in 0..5 {
        let (uid, t) = app
            .quick_user(&format!("nablus{i}@example.org"), Some(other), "male", "ar")
            .await;
        app.make_member(who.platform, uid).await;
        tokens.push(t);
    }
    let results = futures_util::future::join_all(tokens.iter().cloned().map(endorse)).await;
    let mut codes: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
    codes.sort_unstable();
    assert_eq!(codes, vec![201, 409, 409, 409, 409]);

    let list = app
        .get_json(
            &format!("/api/v1/position-papers/{id}/endorsements"),
            Some(&who.author),
        )
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    let paper = app
        .get_json(&format!("/api/v1/position-papers/{id}"), Some(&who.author))
        .await;
    assert_eq!(paper["endorsements"], 2);

    // Withdrawing: only the authority's own members or an admin.
    let res = app
        .delete(
            &format!("/api/v1/position-papers/{id}/endorsements/{other}"),
            Some(&who.author),
        )
        .await;
    assert_problem(res, 403).await;
    let res = app
        .delete(
            &format!("/api/v1/position-papers/{id}/endorsements/{other}"),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .delete(
            &format!("/api/v1/position-papers/{id}/endorsements/{other}"),
            Some(&who.admin),
        )
        .await;
    assert_problem(res, 404).await;
    // Withdrawn, the authority may endorse again.
    assert_eq!(endorse(tokens[1].clone()).await.status(), 201);
}
