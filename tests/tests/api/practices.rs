//! Practices (issue 30): what a local authority did that others can learn from — drafted by its
//! people, published by the platform's coordinators, read by anyone once published, versioned,
//! with files; told to the feed, partners and the trail.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::attachments::ids;
use crate::changes::drain_until;
use crate::files::pdf;
use crate::webhooks::{Receiver, subscribe};

struct People {
    admin: String,
    authority: i64,
    platform: i64,
    coordinator: String,
    member_id: i64,
    member: String,
    /// A member of another platform, from another authority.
    outsider: String,
    /// The outsider's authority.
    elsewhere: i64,
}

async fn people(app: &TestApp) -> People {
    let admin = app.admin_token().await;
    let authority = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    let elsewhere = app
        .create_authority(&admin, "بلدية بيت لحم", "Bethlehem")
        .await;
    let platform = app.platform_id("innovation").await;
    let other = app.platform_id("public-relations").await;
    let (coord_id, coordinator) = app
        .quick_user(
            "gis.coordinator@example.org",
            Some(authority),
            "female",
            "ar",
        )
        .await;
    app.make_coordinator(platform, coord_id, "coordinator")
        .await;
    let (member_id, member) = app
        .quick_user("gis.engineer@example.org", Some(authority), "male", "ar")
        .await;
    app.make_member(platform, member_id).await;
    let (outsider_id, outsider) = app
        .quick_user("someone@example.org", Some(elsewhere), "female", "en")
        .await;
    app.make_member(other, outsider_id).await;
    People {
        admin,
        authority,
        platform,
        coordinator,
        member_id,
        member,
        outsider,
        elsewhere,
    }
}

fn hebron_gis(platform: i64) -> Value {
    json!({
        "platform_id": platform,
        "title": {"ar": "نظام المعلومات الجغرافية في بلدية الخليل", "en": "Hebron's GIS"},
        "summary": {"ar": "بناء نظام معلومات جغرافية مفتوح المصدر ومشاركته مع البلديات المجاورة"},
        "problem": {"ar": "بيانات مكانية متفرقة لا تتشاركها الأقسام"},
        "approach": {"ar": "منصة مفتوحة المصدر وتدريب الكوادر"},
        "results": {"ar": "رُقمنت ١٢٠٠٠ قطعة أرض خلال ١٨ شهرًا", "en": "12,000 parcels digitised in 18 months"},
        "costs": {"ar": "٤٠٠٠٠ دولار بتمويل من البلدية"},
        "partners": {"ar": "بلديات محافظتي الخليل وبيت لحم"},
        "duration_months": 18,
        "sdg_targets": ["11.3", "11.3", "16.6"],
        "tags": ["GIS", "نظم المعلومات الجغرافية"],
        "note": "المسودة الأولى"
    })
}

/// The published practice of the reference data (Hebron's GIS, from `003`): what anyone lists
/// while a test's own practices are unpublished.
async fn reference_practices(app: &TestApp) -> Vec<i64> {
    let all = ids(&app.get_json("/api/v1/practices", None).await);
    assert_eq!(
        all.len(),
        1,
        "only the seeded practice is published: {all:?}"
    );
    all
}

async fn move_to(app: &TestApp, token: &str, id: i64, to: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/practices/{id}/transitions"),
        Some(token),
        &json!({"to": to}),
    )
    .await
}

async fn draft(app: &TestApp, who: &People) -> Value {
    let res = app
        .post(
            "/api/v1/practices",
            Some(&who.member),
            &hebron_gis(who.platform),
        )
        .await;
    let status = res.status();
    let etag = res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    assert!(etag.is_some_and(|t| t.starts_with("\"1")), "an ETag");
    body
}

#[tokio::test]
async fn a_practice_is_drafted_submitted_published_by_the_coordinator_then_read_by_anyone() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &who.admin,
        &receiver.url,
        &["practice.published"],
        None,
    )
    .await;
    let p = draft(&app, &who).await;
    let id = p["id"].as_i64().expect("id");
    assert_eq!(p["status"], "draft");
    assert_eq!(
        p["local_authority_id"], who.authority,
        "the drafter's authority"
    );
    assert_eq!(
        p["contact_ids"],
        json!([who.member_id]),
        "the drafter answers questions"
    );
    assert_eq!(
        p["sdg_targets"],
        json!(["11.3", "16.6"]),
        "each target once"
    );
    assert_eq!(p["results"]["en"], "12,000 parcels digitised in 18 months");
    assert_eq!(p["current_version"], 1);

    // A draft is its editors' and its coordinators'.
    let path = format!("/api/v1/practices/{id}");
    assert_problem(app.get(&path, None).await, 404).await;
    assert_problem(app.get(&path, Some(&who.outsider)).await, 404).await;
    assert_eq!(app.get(&path, Some(&who.coordinator)).await.status(), 200);
    let reference = reference_practices(&app).await;
    let with_draft = [reference.clone(), vec![id]].concat();
    assert_eq!(
        ids(&app.get_json("/api/v1/practices", Some(&who.member)).await),
        with_draft
    );
    assert_eq!(
        ids(&app
            .get_json("/api/v1/practices", Some(&who.coordinator))
            .await),
        with_draft
    );
    assert_eq!(
        ids(&app.get_json("/api/v1/practices", Some(&who.outsider)).await),
        reference
    );

    // Its people submit it; only the coordinators publish it.
    assert_eq!(
        move_to(&app, &who.member, id, "submitted").await.status(),
        200
    );
    let problem = assert_problem(move_to(&app, &who.member, id, "published").await, 403).await;
    assert_eq!(problem["code"], "not_a_manager");
    let res = move_to(&app, &who.coordinator, id, "published").await;
    assert_eq!(res.status(), 200);
    let published: Value = res.json().await.expect("json");
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());
    let problem = assert_problem(move_to(&app, &who.coordinator, id, "draft").await, 409).await;
    assert_eq!(problem["code"], "transition_not_allowed");

    // Now anyone reads it.
    assert_eq!(
        app.get_json(&path, None).await["title"]["en"],
        "Hebron's GIS"
    );
    assert_eq!(
        ids(&app
            .get_json("/api/v1/practices?status=published", None)
            .await),
        with_draft,
        "the reference practice, then this one"
    );
    assert!(ids(&app.get_json("/api/v1/practices?status=draft", None).await).is_empty());
    assert_eq!(
        ids(&app
            .get_json(
                &format!("/api/v1/practices?local_authority_id={}", who.authority),
                None
            )
            .await),
        [id]
    );

    // Partners are told, the feed carries it, the trail keeps every step.
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].body["type"], "practice.published");
    assert_eq!(got[0].body["data"]["id"], id);
    assert_eq!(got[0].body["data"]["platform_id"], who.platform);
    assert_eq!(got[0].body["data"]["previous_status"], "submitted");
    let is_ours = |c: &&Value| c["type"] == "practices" && c["id"] == id;
    let (feed, _) = drain_until(&app, None, None, |items| items.iter().any(|c| is_ours(&c))).await;
    let entry = feed.iter().find(is_ours).expect("in the feed");
    assert_eq!(entry["data"]["status"], "published");
    let trail = app
        .get_json(
            &format!("/api/v1/audit?entity_type=practice&entity_id={id}"),
            Some(&who.admin),
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "practice.transition")
            .count(),
        2,
        "{actions:?}"
    );
    assert!(actions.contains(&"practice.create"));
}

#[tokio::test]
async fn a_practice_is_shared_by_the_platforms_people_for_their_own_authority() {
    let app = spawn_app().await;
    let who = people(&app).await;
    // Not a member of the platform.
    let problem = assert_problem(
        app.post(
            "/api/v1/practices",
            Some(&who.outsider),
            &hebron_gis(who.platform),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_member");
    // A member names no other authority than their own.
    let mut other = hebron_gis(who.platform);
    other["local_authority_id"] = json!(who.authority + 1);
    let problem = assert_problem(
        app.post("/api/v1/practices", Some(&who.member), &other)
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "not_allowed");
    // An administrator belongs to none: they name it.
    let problem = assert_problem(
        app.post(
            "/api/v1/practices",
            Some(&who.admin),
            &hebron_gis(who.platform),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "no_local_authority");
    let mut named = hebron_gis(who.platform);
    named["local_authority_id"] = json!(who.authority);
    named["contact_ids"] = json!([who.member_id]);
    let res = app
        .post("/api/v1/practices", Some(&who.admin), &named)
        .await;
    assert_eq!(res.status(), 201);
    let by_admin = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    // Its contact person finds the draft among theirs; nobody else does.
    let mut theirs = reference_practices(&app).await;
    theirs.push(by_admin);
    assert_eq!(
        ids(&app.get_json("/api/v1/practices", Some(&who.member)).await),
        theirs
    );
    assert_eq!(
        ids(&app.get_json("/api/v1/practices", Some(&who.outsider)).await),
        reference_practices(&app).await
    );
    // What no schema says: SDG goals end at 17, tags are short.
    for (field, value) in [
        ("sdg_targets", json!(["18.1"])),
        ("sdg_targets", json!(["11"])),
        ("tags", json!(["x".repeat(51)])),
        ("contact_ids", json!([987654])),
    ] {
        let mut bad = hebron_gis(who.platform);
        bad[field] = value;
        let problem = assert_problem(
            app.post("/api/v1/practices", Some(&who.member), &bad).await,
            422,
        )
        .await;
        assert!(
            problem["errors"][0]["pointer"]
                .as_str()
                .is_some_and(|p| p.starts_with(&format!("/{field}"))),
            "{problem}"
        );
    }
}

async fn edit(
    app: &TestApp,
    token: &str,
    id: i64,
    version: &str,
    body: Value,
) -> reqwest::Response {
    app.request(
        Method::PATCH,
        &format!("/api/v1/practices/{id}"),
        Some(token),
    )
    .header("If-Match", version)
    .json(&body)
    .send()
    .await
    .expect("send")
}

#[tokio::test]
async fn every_edit_of_a_practice_keeps_a_version_and_a_partial_edit_keeps_the_other_language() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let id = draft(&app, &who).await["id"].as_i64().expect("id");
    let path = format!("/api/v1/practices/{id}");
    assert_problem(
        app.patch(&path, Some(&who.member), &json!({"title": {"en": "GIS"}}))
            .await,
        428,
    )
    .await;
    let res = edit(
        &app,
        &who.member,
        id,
        "\"1\"",
        json!({"title": {"en": "Hebron's open GIS"}, "tags": ["GIS"], "note": "English title"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.expect("json");
    assert_eq!(
        edited["title"]["ar"], "نظام المعلومات الجغرافية في بلدية الخليل",
        "the Arabic stays"
    );
    assert_eq!(edited["title"]["en"], "Hebron's open GIS");
    assert_eq!(edited["tags"], json!(["GIS"]));
    assert_eq!(edited["current_version"], 2);
    assert_eq!(edited["version"], 2);
    // The same text again changes nothing.
    let res = edit(&app, &who.member, id, "\"2\"", json!({"tags": ["GIS"]})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["version"], 2);
    assert_problem(
        edit(&app, &who.member, id, "\"1\"", json!({"tags": []})).await,
        412,
    )
    .await;
    // Another authority's member may not edit it (nor see the draft).
    assert_problem(
        edit(&app, &who.outsider, id, "\"2\"", json!({"tags": []})).await,
        404,
    )
    .await;

    let versions = app
        .get_json(
            &format!("/api/v1/practices/{id}/versions"),
            Some(&who.member),
        )
        .await;
    let items = versions["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["text"]["title"]["en"], "Hebron's GIS");
    assert_eq!(items[1]["text"]["title"]["en"], "Hebron's open GIS");
    assert_eq!(items[1]["note"], "English title");
    let first = app
        .get_json(
            &format!("/api/v1/practices/{id}/versions/1"),
            Some(&who.coordinator),
        )
        .await;
    assert_eq!(
        first["text"]["tags"],
        json!(["GIS", "نظم المعلومات الجغرافية"])
    );
    assert_problem(
        app.get(
            &format!("/api/v1/practices/{id}/versions/3"),
            Some(&who.member),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/practices/{id}/versions"), None)
            .await,
        404,
    )
    .await;

    // Archived, it no longer changes.
    for (token, to) in [
        (&who.member, "submitted"),
        (&who.coordinator, "published"),
        (&who.coordinator, "archived"),
    ] {
        assert_eq!(move_to(&app, token, id, to).await.status(), 200, "{to}");
    }
    let problem = assert_problem(
        edit(&app, &who.member, id, "\"5\"", json!({"tags": []})).await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "not_editable");
    // Still public to read.
    assert_eq!(app.get_json(&path, None).await["status"], "archived");
}

#[tokio::test]
async fn a_practices_files_are_as_visible_as_the_practice() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let id = draft(&app, &who).await["id"].as_i64().expect("id");
    let files = format!("/api/v1/practices/{id}/files");
    let upload = |token: &str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(pdf(3_000)).file_name("العرض.pdf"),
        );
        app.client
            .post(app.url(&files))
            .bearer_auth(token.to_owned())
            .multipart(form)
            .send()
    };
    let res = upload(&who.member).await.expect("upload");
    assert_eq!(res.status(), 201);
    let file: Value = res.json().await.expect("json");
    assert_eq!(
        (file["purpose"].as_str(), file["practice_id"].as_i64()),
        (Some("practice_file"), Some(id))
    );
    let content = format!("/api/v1/files/{}/content", file["id"]);
    assert_problem(app.get(&files, None).await, 404).await;
    assert_problem(app.get(&content, None).await, 404).await;
    assert_problem(upload(&who.outsider).await.expect("upload"), 404).await;
    for (token, to) in [(&who.member, "submitted"), (&who.coordinator, "published")] {
        assert_eq!(move_to(&app, token, id, to).await.status(), 200);
    }
    assert_eq!(
        ids(&app.get_json(&files, None).await),
        [file["id"].as_i64().expect("id")]
    );
    assert_eq!(app.get(&content, None).await.status(), 200);
    // Published, others read it; they do not add to it.
    let problem = assert_problem(upload(&who.outsider).await.expect("upload"), 403).await;
    assert_eq!(problem["code"], "forbidden");
    assert_eq!(
        move_to(&app, &who.coordinator, id, "archived")
            .await
            .status(),
        200
    );
    let problem = assert_problem(upload(&who.member).await.expect("upload"), 409).await;
    assert_eq!(problem["code"], "not_editable");
}

async fn kinds_in_inbox(app: &TestApp, token: &str) -> Vec<String> {
    app.get_json("/api/v1/me/notifications?limit=100", Some(token))
        .await["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|n| n["kind"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn another_authority_asks_to_learn_a_published_practice_is_answered_and_records_adopting_it()
{
    let app = spawn_app().await;
    let who = people(&app).await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &who.admin,
        &receiver.url,
        &[
            "exchange.requested",
            "exchange.decided",
            "practice.replicated",
        ],
        None,
    )
    .await;
    let id = draft(&app, &who).await["id"].as_i64().expect("id");
    let requests = format!("/api/v1/practices/{id}/exchange-requests");
    let ask = json!({"message": "نود تعلّم بناء طبقات البيانات المكانية", "participants": 4});
    // Not there yet for them; then not published yet.
    assert_problem(app.post(&requests, Some(&who.outsider), &ask).await, 404).await;
    assert_eq!(
        move_to(&app, &who.member, id, "submitted").await.status(),
        200
    );
    let problem =
        assert_problem(app.post(&requests, Some(&who.coordinator), &ask).await, 409).await;
    assert_eq!(problem["code"], "practice_not_published");
    assert_eq!(
        move_to(&app, &who.coordinator, id, "published")
            .await
            .status(),
        200
    );
    // Its own authority does not ask; a person of none cannot.
    let problem = assert_problem(app.post(&requests, Some(&who.member), &ask).await, 409).await;
    assert_eq!(problem["code"], "own_practice");
    let problem = assert_problem(app.post(&requests, Some(&who.admin), &ask).await, 403).await;
    assert_eq!(problem["code"], "no_local_authority");
    let res = app.post(&requests, Some(&who.outsider), &ask).await;
    assert_eq!(res.status(), 201);
    let asked: Value = res.json().await.expect("json");
    assert_eq!(asked["status"], "requested");
    assert_eq!(asked["local_authority_id"], who.elsewhere);
    assert_eq!(asked["participants"], 4);
    // The practice's people and the coordinators are told.
    assert!(
        kinds_in_inbox(&app, &who.member)
            .await
            .contains(&"exchange.requested".to_owned())
    );
    assert!(
        kinds_in_inbox(&app, &who.coordinator)
            .await
            .contains(&"exchange.requested".to_owned())
    );
    assert_eq!(
        ids(&app.get_json(&requests, Some(&who.member)).await),
        [asked["id"].as_i64().expect("id")]
    );
    assert_eq!(
        ids(&app.get_json(&requests, Some(&who.outsider)).await).len(),
        1
    );

    // The practice's people answer, once.
    let decision = format!("/api/v1/exchange-requests/{}/decision", asked["id"]);
    let plan = format!("/api/v1/exchange-requests/{}/activity", asked["id"]);
    let quarter = json!({"planned_quarter": "2027-Q1"});
    let problem =
        assert_problem(app.post(&plan, Some(&who.coordinator), &quarter).await, 409).await;
    assert_eq!(problem["code"], "not_accepted");
    let yes = json!({"answer": "accepted", "note": "أهلًا بكم في الخليل الشهر القادم"});
    let problem = assert_problem(app.post(&decision, Some(&who.outsider), &yes).await, 403).await;
    assert_eq!(problem["code"], "forbidden");
    let res = app.post(&decision, Some(&who.member), &yes).await;
    assert_eq!(res.status(), 200);
    let answered: Value = res.json().await.expect("json");
    assert_eq!(answered["status"], "accepted");
    assert_eq!(answered["answer"], "أهلًا بكم في الخليل الشهر القادم");
    let problem = assert_problem(
        app.post(
            &decision,
            Some(&who.coordinator),
            &json!({"answer": "declined"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "already_decided");
    assert!(
        kinds_in_inbox(&app, &who.outsider)
            .await
            .contains(&"exchange.decided".to_owned())
    );
    // The coordinators plan it as a peer exchange, in one step.
    let problem = assert_problem(app.post(&plan, Some(&who.member), &quarter).await, 403).await;
    assert_eq!(problem["code"], "not_a_manager");
    let res = app.post(&plan, Some(&who.coordinator), &quarter).await;
    assert_eq!(res.status(), 201);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("Location");
    let planned: Value = res.json().await.expect("json");
    let activity = planned["activity_id"].as_i64().expect("an activity");
    assert_eq!(location, format!("/api/v1/activities/{activity}"));
    let a = app.get_json(&location, None).await;
    assert_eq!(a["kind"], "peer_exchange");
    assert_eq!(a["platform_id"], who.platform);
    assert_eq!(a["planned_quarter"], "2027-Q1");
    assert_eq!(
        a["rationale"]["ar"],
        "نود تعلّم بناء طبقات البيانات المكانية"
    );
    assert_eq!(a["responsible_party"], "بلدية حلحول");
    assert!(
        a["title"]["ar"]
            .as_str()
            .is_some_and(|t| t.contains("بلدية بيت لحم")),
        "{a}"
    );
    let problem =
        assert_problem(app.post(&plan, Some(&who.coordinator), &quarter).await, 409).await;
    assert_eq!(problem["code"], "duplicate");

    // The outsider's authority adopted it.
    let replications = format!("/api/v1/practices/{id}/replications");
    let today = chrono::Utc::now().date_naive();
    let adopted = json!({"local_authority_id": who.elsewhere,
                         "adopted_on": today - chrono::Duration::days(30),
                         "outcome": {"ar": "رُقمنت ٣٠٠٠ قطعة"}});
    let mut future = adopted.clone();
    future["adopted_on"] = json!(today + chrono::Duration::days(3));
    let problem = assert_problem(
        app.post(&replications, Some(&who.outsider), &future).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "future");
    let res = app.post(&replications, Some(&who.outsider), &adopted).await;
    assert_eq!(res.status(), 201);
    let problem = assert_problem(
        app.post(&replications, Some(&who.member), &adopted).await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "duplicate");
    let own = json!({"local_authority_id": who.authority, "adopted_on": today});
    let problem = assert_problem(app.post(&replications, Some(&who.member), &own).await, 409).await;
    assert_eq!(problem["code"], "own_practice");
    // Someone of neither authority, who is not the practice's, records nothing.
    let third = app
        .create_authority(&who.admin, "بلدية جنين", "Jenin")
        .await;
    let (_, stranger) = app
        .quick_user("stranger@example.org", Some(third), "male", "ar")
        .await;
    let problem = assert_problem(
        app.post(&replications, Some(&stranger), &adopted).await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "forbidden");
    let listed = app.get_json(&replications, None).await;
    assert_eq!(listed["items"][0]["local_authority_id"], who.elsewhere);
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    // The funder counts them: by platform, governorate and quarter.
    let period = format!("from={}&to={today}", today - chrono::Duration::days(60));
    let report = app
        .get_json(
            &format!("/api/v1/reports/practices?{period}"),
            Some(&who.admin),
        )
        .await;
    for (measure, n) in [
        ("practices_shared", 1),
        ("exchanges_requested", 1),
        ("exchanges_accepted", 1),
        ("replications", 1),
    ] {
        assert_eq!(report[measure], n, "{measure}: {report}");
    }
    let rows = report["rows"].as_array().expect("rows");
    assert!(
        rows.iter()
            .all(|r| r["platform_id"] == who.platform && r["governorate"] == "الخليل")
    );
    let quarters: Vec<&str> = rows.iter().filter_map(|r| r["quarter"].as_str()).collect();
    assert!(
        quarters.iter().all(|q| q.len() == 7 && q.contains("-Q")),
        "{quarters:?}"
    );
    let csv = app
        .get(
            &format!(
                "/api/v1/reports/practices?{period}&format=csv&platform_id={}",
                who.platform
            ),
            Some(&who.coordinator),
        )
        .await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("text");
    assert!(
        text.lines()
            .next()
            .is_some_and(|h| h.contains("Replications") || h.contains("حالات التبنّي")),
        "{text}"
    );
    assert!(
        text.lines().last().is_some_and(|l| l.ends_with(",1,1,1,1")),
        "{text}"
    );
    // A member is no reporter; a coordinator reports on their own platforms only.
    let problem = assert_problem(
        app.get("/api/v1/reports/practices", Some(&who.member))
            .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "forbidden");
    let problem = assert_problem(
        app.get(
            "/api/v1/reports/practices?platform_id=1,2,3,4,5,6",
            Some(&who.coordinator),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_manager");

    let got = receiver.wait_for(3).await;
    let types: Vec<&str> = got.iter().filter_map(|m| m.body["type"].as_str()).collect();
    assert_eq!(
        types,
        [
            "exchange.requested",
            "exchange.decided",
            "practice.replicated"
        ]
    );
    assert_eq!(got[0].body["data"]["practice_id"], id);
    assert_eq!(got[1].body["data"]["status"], "accepted");
    assert_eq!(got[1].body["data"]["practice_id"], id);
    assert_eq!(got[2].body["data"]["local_authority_id"], who.elsewhere);
}

/// A published practice of `who`, with a request from the outsider's authority, answered
/// `answer` by the practice's member: the practice's id and the request's.
async fn asked_and_answered(app: &TestApp, who: &People, answer: Option<&str>) -> (i64, i64) {
    let id = draft(app, who).await["id"].as_i64().expect("id");
    for (token, to) in [(&who.member, "submitted"), (&who.coordinator, "published")] {
        assert_eq!(move_to(app, token, id, to).await.status(), 200);
    }
    let res = app
        .post(
            &format!("/api/v1/practices/{id}/exchange-requests"),
            Some(&who.outsider),
            &json!({"message": "نود تعلّم بناء طبقات البيانات المكانية", "participants": 3}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let request = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    if let Some(answer) = answer {
        let res = app
            .post(
                &format!("/api/v1/exchange-requests/{request}/decision"),
                Some(&who.member),
                &json!({"answer": answer}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    (id, request)
}

#[tokio::test]
async fn an_accepted_exchange_becomes_its_activity_and_its_workshop_in_one_step() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let (practice, request) = asked_and_answered(&app, &who, Some("accepted")).await;
    let now = chrono::Utc::now();
    let workshop = |extra: Value| {
        let mut body = json!({"platform_id": who.platform,
            "title": {"ar": "تبادل خبرات: نظام المعلومات الجغرافية", "en": "GIS peer exchange"},
            "starts_at": now + chrono::Duration::days(20),
            "ends_at": now + chrono::Duration::days(20) + chrono::Duration::hours(4),
            "venue": {"city": "الخليل", "address": "بلدية الخليل"},
            "status": "scheduled", "is_public": false});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    let ask = |token: &str, body: Value| {
        let token = token.to_owned();
        let app = &app;
        async move { app.post("/api/v1/workshops", Some(&token), &body).await }
    };
    // The practice's member is no coordinator.
    let problem = assert_problem(
        ask(
            &who.member,
            workshop(json!({"exchange_request_id": request})),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_manager");
    let res = ask(
        &who.coordinator,
        workshop(json!({"exchange_request_id": request})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let first: Value = res.json().await.expect("json");
    let activity = first["activity_id"]
        .as_i64()
        .expect("the exchange's activity");
    let a = app
        .get_json(&format!("/api/v1/activities/{activity}"), None)
        .await;
    assert_eq!(a["kind"], "peer_exchange");
    assert_eq!(a["responsible_party"], "بلدية حلحول");
    let listed = app
        .get_json(
            &format!("/api/v1/practices/{practice}/exchange-requests"),
            Some(&who.outsider),
        )
        .await;
    assert_eq!(
        listed["items"][0]["activity_id"], activity,
        "the request names it"
    );
    // A second session of the same exchange serves the same activity.
    let res = ask(
        &who.coordinator,
        workshop(json!({"exchange_request_id": request})),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>().await.expect("json")["activity_id"],
        activity
    );
    // The trail says who planned the activity.
    let trail = app
        .get_json(
            &format!("/api/v1/audit?entity_type=activity&entity_id={activity}"),
            Some(&who.admin),
        )
        .await;
    assert_eq!(trail["items"][0]["action"], "activity.create");

    // Not both; not another platform's practice; not before it is accepted.
    let problem = assert_problem(
        ask(
            &who.coordinator,
            workshop(json!({"exchange_request_id": request, "activity_id": activity})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/exchange_request_id");
    let elsewhere = app.platform_id("public-relations").await;
    let problem = assert_problem(
        ask(
            &who.admin,
            workshop(json!({"exchange_request_id": request, "platform_id": elsewhere})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/exchange_request_id");
    let (_, pending) = asked_and_answered(&app, &who, None).await;
    let exchanges = || async {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        entity::activity::Entity::find()
            .filter(entity::activity::Column::Kind.eq(api::domain::ActivityKind::PeerExchange))
            .count(&app.db)
            .await
            .expect("count")
    };
    let before = exchanges().await;
    let problem = assert_problem(
        ask(
            &who.coordinator,
            workshop(json!({"exchange_request_id": pending})),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "not_accepted");
    assert_eq!(exchanges().await, before, "nothing half-written");
}

#[tokio::test]
async fn a_practice_published_on_a_topic_reaches_the_platforms_members_who_follow_it() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let topic = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::topic::Entity::find()
            .filter(entity::topic::Column::PlatformId.eq(who.platform))
            .one(&app.db)
            .await
            .expect("query")
            .expect("a seeded topic of the platform")
            .id
    };
    let (fan_id, fan) = app
        .quick_user("fan@example.org", Some(who.authority), "female", "ar")
        .await;
    app.make_member(who.platform, fan_id).await;
    let (bystander_id, bystander) = app
        .quick_user("bystander@example.org", Some(who.authority), "male", "ar")
        .await;
    app.make_member(who.platform, bystander_id).await;
    let follow = format!("/api/v1/topics/{topic}/follow");
    // Members who follow it, and the outsider who follows it from another platform.
    for token in [&fan, &who.outsider, &fan] {
        let res = app
            .request(Method::PUT, &follow, Some(token))
            .send()
            .await
            .expect("put");
        assert_eq!(res.status(), 204);
    }
    assert_problem(
        app.request(Method::PUT, &follow, None)
            .send()
            .await
            .expect("put"),
        401,
    )
    .await;
    assert_problem(
        app.request(Method::PUT, "/api/v1/topics/999999/follow", Some(&fan))
            .send()
            .await
            .expect("put"),
        404,
    )
    .await;
    let followed = app.get_json("/api/v1/me/followed-topics", Some(&fan)).await;
    assert_eq!(ids(&followed), [topic], "followed once");
    let trail = app
        .get_json("/api/v1/audit?entity_type=topic_follow", Some(&who.admin))
        .await;
    let follows = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "topic_follow.create")
        .count();
    assert_eq!(follows, 2, "each person's first follow, not the repeat");

    let mut body = hebron_gis(who.platform);
    body["topic_id"] = json!(topic);
    let res = app
        .post("/api/v1/practices", Some(&who.member), &body)
        .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    for (token, to) in [(&who.member, "submitted"), (&who.coordinator, "published")] {
        assert_eq!(move_to(&app, token, id, to).await.status(), 200);
    }
    let published = "practice.published".to_owned();
    assert!(kinds_in_inbox(&app, &fan).await.contains(&published));
    assert!(
        !kinds_in_inbox(&app, &who.outsider)
            .await
            .contains(&published),
        "a follower from another platform is not told"
    );
    assert!(
        !kinds_in_inbox(&app, &bystander).await.contains(&published),
        "a member who does not follow it is not told"
    );
    // Unfollowed, the next one does not reach them.
    let res = app
        .request(Method::DELETE, &follow, Some(&fan))
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 204);
    assert!(ids(&app.get_json("/api/v1/me/followed-topics", Some(&fan)).await).is_empty());
    let before = kinds_in_inbox(&app, &fan).await.len();
    let res = app
        .post("/api/v1/practices", Some(&who.member), &body)
        .await;
    let second = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    for (token, to) in [(&who.member, "submitted"), (&who.coordinator, "published")] {
        assert_eq!(move_to(&app, token, second, to).await.status(), 200);
    }
    assert_eq!(kinds_in_inbox(&app, &fan).await.len(), before);
}

#[tokio::test]
async fn hebrons_gis_is_seeded_as_the_first_published_practice_and_can_be_asked_for() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let list = app.get_json("/api/v1/practices", None).await;
    let first = &list["items"][0];
    assert_eq!(first["status"], "published", "{list}");
    assert_eq!(
        first["title"]["ar"],
        "نظم المعلومات الجغرافية مفتوحة المصدر في بلدية الخليل"
    );
    assert_eq!(first["platform_id"], app.platform_id("innovation").await);
    let id = first["id"].as_i64().expect("id");
    let p = app.get_json(&format!("/api/v1/practices/{id}"), None).await;
    assert!(
        p["published_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2020-10-29")),
        "launched in Hebron on 29 October 2020: {p}"
    );
    assert!(
        p["topic_id"].is_i64(),
        "the innovation platform's GIS topic"
    );
    assert_eq!(p["results"]["ar"], "", "the source gives no figures");
    let authority = app
        .get_json(
            &format!("/api/v1/local-authorities/{}", p["local_authority_id"]),
            None,
        )
        .await;
    assert_eq!(authority["name"]["ar"], "بلدية الخليل");
    assert_eq!(authority["governorate"], "الخليل");
    // Its first version is readable as every version is.
    let versions = app
        .get_json(&format!("/api/v1/practices/{id}/versions"), None)
        .await;
    assert_eq!(versions["items"].as_array().expect("items").len(), 1);
    // Found by the one search, and a Bethlehem municipality may ask to learn it.
    let found = app
        .get_json(
            "/api/v1/search?q=%D9%86%D8%B8%D9%85%20%D8%A7%D9%84%D9%85%D8%B9%D9%84%D9%88%D9%85%D8%A7%D8%AA&type=practice",
            None,
        )
        .await;
    assert_eq!(ids(&found), [id], "نظم المعلومات");
    let bethlehem = app
        .create_authority(&admin, "بلدية بيت لحم", "Bethlehem")
        .await;
    let (_, engineer) = app
        .quick_user("bethlehem.gis@example.org", Some(bethlehem), "female", "ar")
        .await;
    let res = app
        .post(
            &format!("/api/v1/practices/{id}/exchange-requests"),
            Some(&engineer),
            &json!({"message": "نود تعلّم بناء نظام معلومات جغرافية في بلديتنا", "participants": 3}),
        )
        .await;
    assert_eq!(res.status(), 201);
}
