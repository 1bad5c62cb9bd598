//! Documents (issue 30): the platforms' publications — planned as an activity's output, versioned
//! as files by their authors, published by the platform's coordinators, read by anyone once
//! published, their downloads counted; told to the feed, partners and the trail.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::attachments::ids;
use crate::changes::drain_until;
use crate::files::pdf;
use crate::webhooks::{Receiver, subscribe};

struct People {
    admin: String,
    platform: i64,
    coordinator: String,
    /// A member of the platform who is not an author.
    member: String,
    /// An author who is not a member of the platform.
    author_id: i64,
    author: String,
    /// A member of another platform.
    outsider: String,
}

async fn people(app: &TestApp) -> People {
    let admin = app.admin_token().await;
    let platform = app.platform_id("engineering-planning").await;
    let other = app.platform_id("public-relations").await;
    let (coord_id, coordinator) = app
        .quick_user("eng.coordinator@example.org", None, "female", "ar")
        .await;
    app.make_coordinator(platform, coord_id, "coordinator")
        .await;
    let (member_id, member) = app
        .quick_user("eng.member@example.org", None, "male", "ar")
        .await;
    app.make_member(platform, member_id).await;
    let (author_id, author) = app
        .quick_user("guide.author@example.org", None, "female", "ar")
        .await;
    let (outsider_id, outsider) = app
        .quick_user("pr.member@example.org", None, "male", "en")
        .await;
    app.make_member(other, outsider_id).await;
    People {
        admin,
        platform,
        coordinator,
        member,
        author_id,
        author,
        outsider,
    }
}

async fn move_to(app: &TestApp, token: &str, id: i64, to: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/documents/{id}/transitions"),
        Some(token),
        &json!({"to": to}),
    )
    .await
}

async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    bytes: Vec<u8>,
    name: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("title_ar", "النسخة")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    app.client
        .post(app.url(&format!("/api/v1/documents/{id}/versions")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

async fn count(app: &TestApp, id: i64) -> i64 {
    app.get_json(&format!("/api/v1/documents/{id}"), None).await["download_count"]
        .as_i64()
        .expect("download_count")
}

#[tokio::test]
async fn the_engineering_guides_of_001_are_planned_as_their_activities_outputs() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("engineering-planning").await;
    // Planned, they are the platform's business, not the public's.
    assert!(ids(&app.get_json("/api/v1/documents", None).await).is_empty());
    let list = app
        .get_json(
            &format!("/api/v1/documents?platform_id={platform}&kind=guide"),
            Some(&admin),
        )
        .await;
    let items = list["items"].as_array().expect("items");
    let titles: Vec<&str> = items
        .iter()
        .filter_map(|d| d["title"]["ar"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "دليل حول \"إدارة المشاريع الاحترافية\"",
            "دليل عام حول \"الهندسة والتخطيط\""
        ]
    );
    for d in items {
        assert_eq!(d["status"], "planned");
        assert_eq!(d["current_version"], 0);
        assert!(d["content_url"].is_null(), "no version yet");
        let activity = d["activity_id"].as_i64().expect("an activity's output");
        let a = app
            .get_json(&format!("/api/v1/activities/{activity}"), Some(&admin))
            .await;
        assert_eq!(a["kind"], "guide");
        assert_eq!(a["title"]["ar"], d["title"]["ar"]);
        // What the activity produced, as the indicators ask.
        assert_eq!(
            ids(&app
                .get_json(
                    &format!("/api/v1/documents?activity_id={activity}"),
                    Some(&admin)
                )
                .await),
            [d["id"].as_i64().expect("id")]
        );
    }
}

#[tokio::test]
async fn a_document_is_versioned_by_its_authors_published_by_the_coordinator_and_its_downloads_counted()
 {
    let app = spawn_app().await;
    let who = people(&app).await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &who.admin,
        &receiver.url,
        &["document.published"],
        None,
    )
    .await;
    // Only a coordinator of the platform plans one.
    let body = json!({"platform_id": who.platform, "kind": "guide",
        "title": {"ar": "دليل إدارة المشاريع الاحترافية", "en": "Professional project management"},
        "summary": {"ar": "دليل للمهندسين في البلديات"},
        "author_ids": [who.author_id]});
    let problem = assert_problem(
        app.post("/api/v1/documents", Some(&who.member), &body)
            .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_manager");
    let res = app
        .post("/api/v1/documents", Some(&who.coordinator), &body)
        .await;
    assert_eq!(res.status(), 201);
    let d: Value = res.json().await.expect("json");
    let id = d["id"].as_i64().expect("id");
    assert_eq!(
        (d["status"].as_str(), d["author_ids"].clone()),
        (Some("planned"), json!([who.author_id]))
    );

    // Planned, it is its platform's and its authors'.
    let path = format!("/api/v1/documents/{id}");
    assert_problem(app.get(&path, None).await, 404).await;
    assert_problem(app.get(&path, Some(&who.outsider)).await, 404).await;
    for token in [&who.member, &who.author, &who.coordinator] {
        assert_eq!(app.get(&path, Some(token)).await.status(), 200);
        assert!(
            ids(&app.get_json("/api/v1/documents", Some(token)).await).contains(&id),
            "listed to those who see it"
        );
    }
    assert!(!ids(&app.get_json("/api/v1/documents", Some(&who.outsider)).await).contains(&id));

    // Nothing to publish yet; nothing to read.
    let problem = assert_problem(move_to(&app, &who.coordinator, id, "published").await, 409).await;
    assert_eq!(problem["code"], "transition_not_allowed");
    let content = format!("/api/v1/documents/{id}/content");
    let problem = assert_problem(app.get(&content, Some(&who.coordinator)).await, 409).await;
    assert_eq!(problem["code"], "no_version");

    // Its author uploads the first version; a member who is not an author may not; someone
    // who does not see it is told it is not there; a picture is not a publication.
    let first = pdf(4_000);
    let res = upload(&app, &who.author, id, first.clone(), "الدليل.pdf").await;
    assert_eq!(res.status(), 201);
    let v1: Value = res.json().await.expect("json");
    assert_eq!(
        (
            v1["purpose"].as_str(),
            v1["document_id"].as_i64(),
            v1["document_version"].as_i64()
        ),
        (Some("document"), Some(id), Some(1))
    );
    let problem = assert_problem(upload(&app, &who.member, id, pdf(100), "x.pdf").await, 403).await;
    assert_eq!(problem["code"], "forbidden");
    assert_problem(
        upload(&app, &who.outsider, id, pdf(100), "x.pdf").await,
        404,
    )
    .await;
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.resize(500, 1);
    assert_problem(upload(&app, &who.author, id, png, "صورة.png").await, 415).await;
    let drafted = app.get_json(&path, Some(&who.author)).await;
    assert_eq!(
        (
            drafted["status"].as_str(),
            drafted["current_version"].as_i64()
        ),
        (Some("draft"), Some(1))
    );

    // The author does not publish it; the coordinator does.
    let problem = assert_problem(move_to(&app, &who.author, id, "published").await, 403).await;
    assert_eq!(problem["code"], "not_a_manager");
    let res = move_to(&app, &who.coordinator, id, "published").await;
    assert_eq!(res.status(), 200);
    let published: Value = res.json().await.expect("json");
    assert!(published["published_at"].is_string());
    let problem = assert_problem(move_to(&app, &who.coordinator, id, "planned").await, 409).await;
    assert_eq!(problem["code"], "transition_not_allowed");

    // Now anyone reads it, and each read from the first byte is a download.
    assert_eq!(count(&app, id).await, 0);
    let res = app.get(&content, None).await;
    assert_eq!(res.status(), 200);
    let tag = res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("etag")
        .to_owned();
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), first);
    assert_eq!(count(&app, id).await, 1);
    let range = |r: &'static str| {
        app.request(Method::GET, &content, None)
            .header("Range", r)
            .send()
    };
    let res = range("bytes=100-199").await.expect("range");
    assert_eq!(res.status(), 206);
    assert_eq!(
        count(&app, id).await,
        1,
        "a resumed read is the same download"
    );
    assert_eq!(range("bytes=0-99").await.expect("range").status(), 206);
    assert_eq!(count(&app, id).await, 2);
    let res = app
        .request(Method::GET, &content, None)
        .header("If-None-Match", tag)
        .send()
        .await
        .expect("304");
    assert_eq!(res.status(), 304);
    assert_eq!(
        count(&app, id).await,
        2,
        "a copy already held is not a download"
    );
    let by_file = format!("/api/v1/files/{}/content", v1["id"]);
    assert_eq!(app.get(&by_file, None).await.status(), 200);
    assert_eq!(count(&app, id).await, 3, "read as a file, it counts too");

    // A second version: numbered on, read as the latest; the first stays as it was.
    let second = pdf(6_000);
    let res = upload(&app, &who.author, id, second.clone(), "الدليل-٢.pdf").await;
    assert_eq!(res.status(), 201);
    let v2: Value = res.json().await.expect("json");
    assert_eq!(v2["document_version"], 2);
    let versions = app
        .get_json(&format!("/api/v1/documents/{id}/versions"), None)
        .await;
    let numbers: Vec<i64> = versions["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|v| v["document_version"].as_i64())
        .collect();
    assert_eq!(numbers, [1, 2]);
    let res = app.get(&content, None).await;
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), second);
    assert_eq!(app.get_json(&path, None).await["current_version"], 2);

    // Archived, it no longer changes.
    assert_eq!(
        move_to(&app, &who.coordinator, id, "archived")
            .await
            .status(),
        200
    );
    let problem = assert_problem(upload(&app, &who.author, id, pdf(100), "x.pdf").await, 409).await;
    assert_eq!(problem["code"], "not_editable");
    let etag = format!("\"{}\"", app.get_json(&path, None).await["version"]);
    let problem = assert_problem(
        app.patch_if(
            &path,
            &who.coordinator,
            &etag,
            &json!({"title": {"en": "Renamed"}}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "not_editable");
    assert_eq!(app.get(&content, None).await.status(), 200, "still read");

    // Partners were told, the feed carries it, the trail kept every step.
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].body["type"], "document.published");
    assert_eq!(got[0].body["data"]["id"], id);
    assert_eq!(got[0].body["data"]["platform_id"], who.platform);
    assert_eq!(got[0].body["data"]["previous_status"], "draft");
    let is_ours = |c: &&Value| c["type"] == "documents" && c["id"] == id;
    let (feed, _) = drain_until(&app, None, None, |items| items.iter().any(|c| is_ours(&c))).await;
    assert_eq!(
        feed.iter().find(is_ours).expect("in the feed")["data"]["status"],
        "archived"
    );
    let trail = app
        .get_json(
            &format!("/api/v1/audit?entity_type=document&entity_id={id}"),
            Some(&who.admin),
        )
        .await;
    let mut actions: Vec<&str> = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        [
            "document.create",
            "document.transition",
            "document.transition",
            "document.update",
            "document.update"
        ],
        "created, two versions, published, archived"
    );
}

#[tokio::test]
async fn a_documents_edit_keeps_the_other_language_and_checks_what_it_links_to() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let res = app
        .post(
            "/api/v1/documents",
            Some(&who.coordinator),
            &json!({"platform_id": who.platform, "kind": "template",
                    "title": {"ar": "نموذج كراسة الشروط", "en": "Tender template"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let d: Value = res.json().await.expect("json");
    let id = d["id"].as_i64().expect("id");
    let path = format!("/api/v1/documents/{id}");
    // Without If-Match the edit is refused; with it, one language changes alone.
    let problem = assert_problem(
        app.patch(
            &path,
            Some(&who.coordinator),
            &json!({"title": {"en": "Tender file"}}),
        )
        .await,
        428,
    )
    .await;
    assert_eq!(problem["code"], "version_required");
    let res = app
        .patch_if(
            &path,
            &who.coordinator,
            "\"1\"",
            &json!({"title": {"en": "Tender file"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.expect("json");
    assert_eq!(
        edited["title"],
        json!({"ar": "نموذج كراسة الشروط", "en": "Tender file"})
    );
    assert_eq!(edited["version"], 2);
    // An edit from the version before is stale.
    assert_problem(
        app.patch_if(&path, &who.coordinator, "\"1\"", &json!({"kind": "manual"}))
            .await,
        412,
    )
    .await;
    // What it links to must exist and be its platform's.
    for (field, value) in [
        ("activity_id", json!(999_999)),
        ("milestone_id", json!(999_999)),
        ("working_group_id", json!(999_999)),
        ("position_paper_id", json!(999_999)),
    ] {
        let problem = assert_problem(
            app.patch_if(&path, &who.coordinator, "\"2\"", &json!({ field: value }))
                .await,
            422,
        )
        .await;
        assert_eq!(
            problem["errors"][0]["pointer"],
            format!("/{field}"),
            "{problem}"
        );
    }
    let problem = assert_problem(
        app.patch_if(
            &path,
            &who.coordinator,
            "\"2\"",
            &json!({"author_ids": [999_999]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/author_ids/0");
    // A draft whose only version was removed has nothing to publish or read; the next
    // version is not renumbered.
    let res = upload(&app, &who.coordinator, id, pdf(2_000), "نموذج.pdf").await;
    assert_eq!(res.status(), 201);
    let v1: Value = res.json().await.expect("json");
    let res = app
        .request(
            Method::DELETE,
            &format!("/api/v1/files/{}", v1["id"]),
            Some(&who.coordinator),
        )
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 204);
    let problem = assert_problem(move_to(&app, &who.coordinator, id, "published").await, 409).await;
    assert_eq!(problem["code"], "no_version");
    let content = format!("/api/v1/documents/{id}/content");
    let problem = assert_problem(app.get(&content, Some(&who.member)).await, 409).await;
    assert_eq!(problem["code"], "no_version");
    let res = upload(&app, &who.coordinator, id, pdf(2_500), "نموذج.pdf").await;
    assert_eq!(
        res.json::<Value>().await.expect("json")["document_version"],
        2
    );
    assert_eq!(
        move_to(&app, &who.coordinator, id, "published")
            .await
            .status(),
        200
    );
    let version = app.get_json(&path, None).await["version"].clone();
    // An edit that changes nothing moves nothing.
    let res = app
        .patch_if(
            &path,
            &who.coordinator,
            &format!("\"{version}\""),
            &json!({"kind": "template"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["version"], version);
}
