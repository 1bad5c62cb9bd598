//! A partial edit of bilingual text merges (JSON Merge Patch, RFC 7396): a language left out
//! stays, `null` clears it where the field allows, the Arabic of a name or title never.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::workshops::scheduled;

/// Whether a field's Arabic is required (names, titles) or may be cleared (longer texts).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Short,
    Long,
}

/// Sends `{field: body}` as a PATCH with the current ETag.
async fn send(
    app: &TestApp,
    token: &str,
    path: &str,
    field: &str,
    body: Value,
) -> reqwest::Response {
    let current = app.get(path, Some(token)).await;
    let etag = current
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut req = app
        .request(Method::PATCH, path, Some(token))
        .json(&json!({ field: body }));
    if let Some(tag) = etag {
        req = req.header("If-Match", tag);
    }
    req.send().await.expect("patch")
}

/// PATCHes `{field: body}`; answers the field as the answer shows it (and a read shows it).
async fn patch(app: &TestApp, token: &str, path: &str, field: &str, body: Value) -> Value {
    let res = send(app, token, path, field, body).await;
    let status = res.status();
    let answer: Value = res.json().await.expect("json");
    assert_eq!(status, 200, "{path} {field}: {answer}");
    let shown = app.get_json(path, Some(token)).await;
    assert_eq!(
        answer[field], shown[field],
        "{path}: the answer is what is kept"
    );
    answer[field].clone()
}

/// The merge rules on one bilingual field of one resource.
async fn merges(app: &TestApp, token: &str, path: &str, field: &str, kind: Kind) {
    let both = patch(
        app,
        token,
        path,
        field,
        json!({"ar": "نص أول", "en": "First"}),
    )
    .await;
    assert_eq!(
        both,
        json!({"ar": "نص أول", "en": "First"}),
        "{path} {field}"
    );
    let arabic = patch(app, token, path, field, json!({"ar": "نص ثان"})).await;
    assert_eq!(
        arabic,
        json!({"ar": "نص ثان", "en": "First"}),
        "{path} {field}: the English stays"
    );
    let english = patch(app, token, path, field, json!({"en": "Second"})).await;
    assert_eq!(
        english,
        json!({"ar": "نص ثان", "en": "Second"}),
        "{path} {field}: the Arabic stays"
    );
    let cleared = patch(app, token, path, field, json!({"en": null})).await;
    assert_eq!(
        cleared,
        json!({"ar": "نص ثان", "en": ""}),
        "{path} {field}: null clears the English"
    );
    if kind == Kind::Short {
        let res = send(app, token, path, field, json!({"ar": null})).await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(
            problem["errors"][0]["pointer"],
            format!("/{field}/ar"),
            "{path}: {problem}"
        );
        let kept = app.get_json(path, Some(token)).await;
        assert_eq!(
            kept[field]["ar"], "نص ثان",
            "{path} {field}: nothing changed"
        );
    } else {
        let cleared = patch(app, token, path, field, json!({"ar": null})).await;
        assert_eq!(cleared, json!({"ar": "", "en": ""}), "{path} {field}");
    }
}

#[tokio::test]
async fn a_partial_edit_of_bilingual_text_keeps_the_other_language_on_every_resource() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let engineering = app.platform_id("engineering-planning").await;
    let authority = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    let (member, member_token) = app
        .create_member(&admin, "bilingual@example.org", Some(authority))
        .await;
    app.make_coordinator(engineering, member, "coordinator")
        .await;
    let plan = app
        .get_json(&format!("/api/v1/platforms/{engineering}/work-plans"), None)
        .await;
    let plan_id = plan["items"][0]["id"].as_i64().expect("plan");
    let topic = plan["items"][0]["topics"][0]["id"].as_i64().expect("topic");
    let workshop = scheduled(&app, &admin, engineering, 72, Some(20), "الخليل").await["id"]
        .as_i64()
        .expect("workshop");
    let paper = app
        .post(
            "/api/v1/position-papers",
            Some(&member_token),
            &json!({"platform_id": engineering, "target_body": "وزارة الحكم المحلي",
                    "title": {"ar": "ورقة", "en": "Paper"}, "summary": {"ar": "ملخص", "en": "Summary"},
                    "body": {"ar": "نص", "en": "Text"}}),
        )
        .await;
    assert_eq!(paper.status(), 201);
    let paper = paper.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("paper");
    let milestone = app
        .post(
            "/api/v1/milestones",
            Some(&admin),
            &json!({"programme": "merge-check", "rank": 1, "name": {"ar": "التخطيط", "en": "Planning"}}),
        )
        .await;
    assert_eq!(milestone.status(), 201);
    let milestone = milestone.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("milestone");
    let partnership = app
        .post(
            "/api/v1/partnerships",
            Some(&admin),
            &json!({"kind": "twinning", "subject": {"ar": "توأمة", "en": "Twinning"},
                    "objectives": {"ar": "أهداف", "en": "Objectives"}, "supervising_body": "لجنة المتابعة",
                    "starts_on": "2026-01-01", "ends_on": "2028-12-31",
                    "parties": [
                        {"kind": "local_authority", "local_authority_id": authority},
                        {"kind": "foreign_local_authority", "name": {"ar": "مدينة أجنبية", "en": "A city"}, "country": "FR"}]}),
        )
        .await;
    let status = partnership.status();
    let partnership: Value = partnership.json().await.expect("json");
    assert_eq!(status, 201, "{partnership}");
    let partnership = partnership["id"].as_i64().expect("partnership");
    let task_force = app.get_json("/api/v1/task-forces", None).await["items"][0]["id"]
        .as_i64()
        .expect("task force");
    let activity = app.get_json("/api/v1/activities", None).await["items"][0]["id"]
        .as_i64()
        .expect("activity");

    use Kind::{Long, Short};
    let cases = [
        ("/api/v1/me".to_owned(), "name", Short, &member_token),
        (format!("/api/v1/users/{member}"), "name", Short, &admin),
        (
            format!("/api/v1/local-authorities/{authority}"),
            "name",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/platforms/{engineering}"),
            "name",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/platforms/{engineering}"),
            "description",
            Long,
            &admin,
        ),
        (
            format!("/api/v1/platforms/{engineering}"),
            "target_audience",
            Long,
            &admin,
        ),
        (
            format!("/api/v1/platforms/{engineering}"),
            "launch_city",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/work-plans/{plan_id}"),
            "title",
            Short,
            &admin,
        ),
        (format!("/api/v1/topics/{topic}"), "title", Short, &admin),
        (
            format!("/api/v1/workshops/{workshop}"),
            "title",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/workshops/{workshop}"),
            "description",
            Long,
            &admin,
        ),
        (
            format!("/api/v1/position-papers/{paper}"),
            "title",
            Short,
            &member_token,
        ),
        (
            format!("/api/v1/position-papers/{paper}"),
            "summary",
            Long,
            &member_token,
        ),
        (
            format!("/api/v1/position-papers/{paper}"),
            "body",
            Long,
            &member_token,
        ),
        (
            format!("/api/v1/task-forces/{task_force}"),
            "name",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/task-forces/{task_force}"),
            "mandate",
            Long,
            &admin,
        ),
        (
            format!("/api/v1/partnerships/{partnership}"),
            "subject",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/partnerships/{partnership}"),
            "objectives",
            Long,
            &admin,
        ),
        (
            format!("/api/v1/milestones/{milestone}"),
            "name",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/milestones/{milestone}"),
            "summary",
            Long,
            &admin,
        ),
        (
            format!("/api/v1/activities/{activity}"),
            "title",
            Short,
            &admin,
        ),
        (
            format!("/api/v1/activities/{activity}"),
            "rationale",
            Long,
            &admin,
        ),
        (
            format!("/api/v1/activities/{activity}"),
            "expected_outputs",
            Long,
            &admin,
        ),
    ];
    for (path, field, kind, token) in cases {
        merges(&app, token, &path, field, kind).await;
    }

    // The document says so.
    let doc = app.get_json("/openapi.json", None).await;
    let patch = &doc["components"]["schemas"]["BilingualPatch"];
    assert!(
        patch["description"]
            .as_str()
            .is_some_and(|d| d.contains("RFC 7396")),
        "{patch}"
    );
    assert_eq!(patch["properties"]["ar"]["type"], "string");
    assert_eq!(patch["properties"]["en"]["type"], json!(["string", "null"]));
}

/// The `SEQUENCE` of a workshop's calendar entry.
async fn sequence(app: &TestApp, token: &str, workshop: i64) -> String {
    let ics = app
        .get(
            &format!("/api/v1/workshops/{workshop}/calendar.ics"),
            Some(token),
        )
        .await
        .text()
        .await
        .expect("ics");
    ics.lines()
        .find_map(|l| l.strip_prefix("SEQUENCE:"))
        .expect("SEQUENCE")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn a_patch_that_changes_nothing_moves_no_version_etag_or_sequence() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let workshop = scheduled(&app, &admin, finance, 72, Some(20), "أريحا").await;
    let id = workshop["id"].as_i64().expect("id");
    let task_force = app.get_json("/api/v1/task-forces", None).await["items"][0].clone();
    let activity = app.get_json("/api/v1/activities", None).await["items"][0].clone();
    let platform = app
        .get_json(&format!("/api/v1/platforms/{finance}"), None)
        .await;
    let seq = sequence(&app, &admin, id).await;
    let audited =
        app.get_json("/api/v1/audit?limit=1", Some(&admin)).await["items"][0]["id"].clone();
    for (path, body) in [
        (
            format!("/api/v1/workshops/{id}"),
            json!({"title": workshop["title"], "capacity": 20}),
        ),
        (
            format!("/api/v1/platforms/{finance}"),
            json!({"name": {"ar": platform["name"]["ar"]}}),
        ),
        (
            format!("/api/v1/task-forces/{}", task_force["id"]),
            json!({"mandate": task_force["mandate"]}),
        ),
        (
            format!("/api/v1/activities/{}", activity["id"]),
            json!({"title": {"en": activity["title"]["en"]}}),
        ),
    ] {
        let before = app.get(&path, Some(&admin)).await;
        let tag = before.headers()["etag"].to_str().expect("etag").to_owned();
        let before: Value = before.json().await.expect("json");
        let res = app
            .request(Method::PATCH, &path, Some(&admin))
            .header("If-Match", &tag)
            .json(&body)
            .send()
            .await
            .expect("patch");
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.headers()["etag"].to_str().expect("etag"),
            tag,
            "{path}: the ETag stays"
        );
        let after: Value = res.json().await.expect("json");
        assert_eq!(
            after["version"], before["version"],
            "{path}: the version stays"
        );
        assert_eq!(after["updated_at"], before["updated_at"], "{path}");
    }
    assert_eq!(
        sequence(&app, &admin, id).await,
        seq,
        "the calendar SEQUENCE stays"
    );
    let newest =
        app.get_json("/api/v1/audit?limit=1", Some(&admin)).await["items"][0]["id"].clone();
    assert_eq!(newest, audited, "nothing is audited");
    // A real change still moves them.
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/workshops/{id}"),
            Some(&admin),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"capacity": 21}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["version"], 2);
    assert_ne!(sequence(&app, &admin, id).await, seq);
}
