//! Files beyond a workshop's materials (issue 29): its agenda and minutes, a position paper
//! version's PDF, a partnership step's documents, an activity's outputs, a platform's guides and
//! a person's photo. Each is as visible as what it is attached to, changed by whoever changes
//! that, told to the feed, the webhooks and the trail, and counted in its platform's storage.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use tests::{TestApp, assert_problem, spawn_app};

use crate::changes::drain_until;
use crate::files::{pdf, stored_objects, workshop};
use crate::webhooks::{Receiver, subscribe};

/// A PNG's signature and a little more: enough for its type to be told.
fn png(len: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    out.resize(len, 7);
    out
}

/// An MP4's first box and a little more.
fn mp4(len: usize) -> Vec<u8> {
    let mut out = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    out.resize(len, 0);
    out
}

/// Posts `bytes` as a multipart form's `file` part named `name` to `path`.
async fn upload(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new()
        .part("file", Part::bytes(bytes).file_name(name.to_owned()))
        .text("title_ar", "وثيقة")
        .text("title_en", "A document");
    let mut req = app.client.post(app.url(path)).multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("upload")
}

/// A created file's body, after checking it was created.
async fn created(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    body
}

/// The ids of a page's items, in order.
pub(crate) fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|f| f["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn a_workshops_agenda_and_minutes_are_kept_apart_from_its_materials() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("public-relations").await;
    let id = workshop(&app, &admin, platform, true).await;
    let files = format!("/api/v1/workshops/{id}/files");
    let agenda = created(
        upload(
            &app,
            Some(&admin),
            &format!("{files}?purpose=agenda"),
            "جدول الأعمال.png",
            png(3_000),
        )
        .await,
    )
    .await;
    assert_eq!(agenda["purpose"], "agenda");
    assert_eq!(agenda["workshop_id"], id);
    assert_eq!(agenda["content_type"], "image/png");
    let minutes = created(
        upload(
            &app,
            Some(&admin),
            &format!("{files}?purpose=minutes"),
            "المحضر.pdf",
            pdf(4_000),
        )
        .await,
    )
    .await;
    assert_eq!(minutes["purpose"], "minutes");
    // A recording is a material, not minutes.
    let problem = assert_problem(
        upload(
            &app,
            Some(&admin),
            &format!("{files}?purpose=minutes"),
            "recording.mp4",
            mp4(2_000),
        )
        .await,
        415,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("PDF")),
        "{problem}"
    );
    let material =
        created(upload(&app, Some(&admin), &files, "recording.mp4", mp4(2_000)).await).await;
    assert_eq!(material["purpose"], "material");
    // The raw upload takes the purpose too.
    let res = app
        .client
        .post(app.url(&format!("{files}/raw?name=scan&purpose=minutes")))
        .bearer_auth(&admin)
        .body(png(1_000))
        .send()
        .await
        .expect("raw");
    let scan = created(res).await;
    assert_eq!(
        (scan["purpose"].as_str(), scan["name"].as_str()),
        (Some("minutes"), Some("scan.png"))
    );

    let of = |purpose: &str| format!("{files}?purpose={purpose}");
    assert_eq!(
        ids(&app.get_json(&of("minutes"), None).await),
        [
            minutes["id"].as_i64().expect("id"),
            scan["id"].as_i64().expect("id")
        ]
    );
    assert_eq!(ids(&app.get_json(&of("agenda"), None).await).len(), 1);
    assert_eq!(ids(&app.get_json(&files, None).await).len(), 4);
    assert_problem(app.get(&of("photo"), None).await, 400).await;
    assert_eq!(
        stored_objects(&app).len(),
        4,
        "the refused recording left nothing"
    );
}

#[tokio::test]
async fn a_paper_versions_pdf_is_its_editors_while_drafted_replaced_until_adopted_then_fixed() {
    use crate::position_papers::{draft, move_to, people};
    let app = spawn_app().await;
    let who = people(&app).await;
    let paper = draft(&app, &who).await;
    let id = paper["id"].as_i64().expect("id");
    let files = format!("/api/v1/position-papers/{id}/versions/1/files");

    // A member who did not write it reads the draft, not its PDF, and may not attach one.
    assert_eq!(
        app.get(
            &format!("/api/v1/position-papers/{id}"),
            Some(&who.colleague)
        )
        .await
        .status(),
        200
    );
    let problem = assert_problem(
        upload(&app, Some(&who.colleague), &files, "paper.pdf", pdf(3_000)).await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_an_editor");
    assert_problem(
        upload(&app, Some(&who.outsider), &files, "paper.pdf", pdf(3_000)).await,
        404,
    )
    .await;
    // Only a PDF.
    assert_problem(
        upload(&app, Some(&who.author), &files, "paper.png", png(3_000)).await,
        415,
    )
    .await;
    let first =
        created(upload(&app, Some(&who.author), &files, "الورقة.pdf", pdf(3_000)).await).await;
    assert_eq!(first["purpose"], "paper_pdf");
    let version_id = first["paper_version_id"].as_i64().expect("the version");
    assert_eq!(first["workshop_id"], Value::Null);
    let fid = first["id"].as_i64().expect("id");
    for token in [
        None,
        Some(who.colleague.as_str()),
        Some(who.outsider.as_str()),
    ] {
        assert_problem(app.get(&files, token).await, 404).await;
        assert_problem(
            app.get(&format!("/api/v1/files/{fid}/content"), token)
                .await,
            404,
        )
        .await;
    }
    assert_eq!(
        ids(&app.get_json(&files, Some(&who.coordinator)).await),
        [fid]
    );

    // A new PDF replaces the one before, bytes and all.
    let second =
        created(upload(&app, Some(&who.coordinator), &files, "v1.pdf", pdf(5_000)).await).await;
    let sid = second["id"].as_i64().expect("id");
    assert_eq!(second["paper_version_id"], version_id);
    assert_eq!(ids(&app.get_json(&files, Some(&who.author)).await), [sid]);
    assert_problem(
        app.get(&format!("/api/v1/files/{fid}"), Some(&who.author))
            .await,
        404,
    )
    .await;
    assert_eq!(stored_objects(&app).len(), 1);

    // In review, the platform's members read it.
    assert_eq!(
        move_to(&app, &who.author, id, "in_review").await.status(),
        200
    );
    assert_eq!(
        ids(&app.get_json(&files, Some(&who.colleague)).await),
        [sid]
    );
    assert_problem(app.get(&files, None).await, 404).await;
    // Adopted, it no longer changes.
    assert_eq!(
        move_to(&app, &who.coordinator, id, "adopted")
            .await
            .status(),
        200
    );
    let problem = assert_problem(
        upload(&app, Some(&who.coordinator), &files, "v1.pdf", pdf(2_000)).await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "not_editable");
    let problem = assert_problem(
        app.delete(&format!("/api/v1/files/{sid}"), Some(&who.admin))
            .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "not_editable");
    assert_eq!(stored_objects(&app).len(), 1);
    assert_problem(
        app.get(
            &format!("/api/v1/position-papers/{id}/versions/9/files"),
            Some(&who.admin),
        )
        .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_partnership_steps_documents_are_the_task_forces_to_attach_and_signed_in_peoples_to_read()
{
    use crate::partnerships::{agreement, open, people, walk};
    let app = spawn_app().await;
    let who = people(&app).await;
    let id = open(&app, &who.officer, &agreement(&who, false, "2029-12-31")).await["id"]
        .as_i64()
        .expect("id");
    walk(&app, &who.officer, id, &["drafting"]).await;
    let steps = app
        .get_json(
            &format!("/api/v1/partnerships/{id}/steps"),
            Some(&who.officer),
        )
        .await;
    let step = steps["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .max()
        .expect("a step");
    let files = format!("/api/v1/partnerships/{id}/steps/{step}/files");
    let problem = assert_problem(
        upload(&app, Some(&who.member), &files, "minutes.pdf", pdf(3_000)).await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_partnership_manager");
    assert_problem(
        upload(&app, None, &files, "minutes.pdf", pdf(3_000)).await,
        401,
    )
    .await;
    // A scan of the council's minutes, and the signed agreement.
    let scan =
        created(upload(&app, Some(&who.officer), &files, "محضر المجلس", png(2_000)).await).await;
    assert_eq!(scan["name"], "محضر المجلس.png", "named as what it is");
    assert_eq!(scan["purpose"], "step_document");
    assert_eq!(scan["partnership_step_id"], step);
    let signed =
        created(upload(&app, Some(&who.officer), &files, "signed.pdf", pdf(4_000)).await).await;
    assert_problem(
        upload(&app, Some(&who.officer), &files, "slides.mp4", mp4(2_000)).await,
        415,
    )
    .await;

    assert_problem(app.get(&files, None).await, 401).await;
    // The changes feed leaves them out for an anonymous reader, and carries them for the others.
    let signed_in = |c: &&Value| c["type"] == "files" && c["id"] == signed["id"];
    let (feed, _) = drain_until(&app, None, Some(&who.member), |items| {
        items.iter().any(|c| signed_in(&c))
    })
    .await;
    assert_eq!(feed.iter().filter(signed_in).count(), 1);
    let anonymous = app.get_json("/api/v1/changes?limit=100", None).await;
    let anonymous = anonymous["items"].as_array().expect("items");
    assert!(
        !anonymous.iter().any(|c| c["type"] == "files"),
        "{anonymous:?}"
    );
    let listed = app.get_json(&files, Some(&who.member)).await;
    assert_eq!(
        ids(&listed),
        [
            scan["id"].as_i64().expect("id"),
            signed["id"].as_i64().expect("id")
        ]
    );
    let content = format!("/api/v1/files/{}/content", signed["id"]);
    assert_problem(app.get(&content, None).await, 401).await;
    assert_eq!(app.get(&content, Some(&who.member)).await.status(), 200);
    // Another agreement's path does not reach this step.
    let other = open(&app, &who.officer, &agreement(&who, false, "2030-12-31")).await["id"]
        .as_i64()
        .expect("id");
    assert_problem(
        app.get(
            &format!("/api/v1/partnerships/{other}/steps/{step}/files"),
            Some(&who.member),
        )
        .await,
        404,
    )
    .await;
    let problem = assert_problem(
        app.delete(
            &format!("/api/v1/files/{}", signed["id"]),
            Some(&who.member),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_partnership_manager");
    // Agreements belong to no platform: their documents count against the union.
    let union = app
        .get_json("/api/v1/storage-usage/union", Some(&who.admin))
        .await;
    assert_eq!(
        (union["files"].as_i64(), union["bytes"].as_i64()),
        (Some(2), Some(6_000)),
        "{union}"
    );
    assert_problem(
        app.get("/api/v1/storage-usage/union", Some(&who.officer))
            .await,
        403,
    )
    .await;
    assert_eq!(
        app.delete(
            &format!("/api/v1/files/{}", signed["id"]),
            Some(&who.officer)
        )
        .await
        .status(),
        204
    );
    assert_eq!(stored_objects(&app).len(), 1);
}

#[tokio::test]
async fn outputs_and_guides_are_public_managed_by_the_platform_told_and_counted() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let eng = app.platform_id("engineering-planning").await;
    let finance = app.platform_id("financial-management").await;
    let (coord_id, coord) = app
        .quick_user("eng.coordinator@example.org", None, "female", "ar")
        .await;
    app.make_coordinator(eng, coord_id, "coordinator").await;
    let (other_id, other) = app
        .quick_user("fin.coordinator@example.org", None, "male", "ar")
        .await;
    app.make_coordinator(finance, other_id, "coordinator").await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &admin,
        &receiver.url,
        &["file.attached", "file.removed"],
        Some(&[eng]),
    )
    .await;

    // Engineering's project-management guide: an activity of the platform, with its output.
    let activities = app
        .get_json(
            &format!("/api/v1/activities?platform_id={eng}&level=platform&limit=100"),
            None,
        )
        .await;
    let activity = activities["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["kind"] == "guide")
        .and_then(|a| a["id"].as_i64())
        .expect("a seeded guide activity");
    let outputs = format!("/api/v1/activities/{activity}/files");
    let problem = assert_problem(
        upload(&app, Some(&other), &outputs, "guide.pdf", pdf(3_000)).await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_manager");
    let output = created(
        upload(
            &app,
            Some(&coord),
            &outputs,
            "دليل إدارة المشاريع.pdf",
            pdf(6_000),
        )
        .await,
    )
    .await;
    assert_eq!(
        (output["purpose"].as_str(), output["activity_id"].as_i64()),
        (Some("output"), Some(activity))
    );

    let guides = format!("/api/v1/platforms/{eng}/guides");
    assert_problem(
        upload(&app, Some(&other), &guides, "template.pdf", pdf(3_000)).await,
        403,
    )
    .await;
    let guide = created(upload(&app, Some(&coord), &guides, "نموذج.pdf", pdf(4_000)).await).await;
    assert_eq!(
        (
            guide["purpose"].as_str(),
            guide["guide_platform_id"].as_i64()
        ),
        (Some("guide"), Some(eng))
    );

    // Anyone reads them.
    assert_eq!(
        ids(&app.get_json(&outputs, None).await),
        [output["id"].as_i64().expect("id")]
    );
    assert_eq!(
        ids(&app.get_json(&guides, None).await),
        [guide["id"].as_i64().expect("id")]
    );
    let res = app
        .get(&format!("/api/v1/files/{}/content", guide["id"]), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.expect("bytes").len(), 4_000);
    assert_eq!(
        ids(&app
            .get_json(&format!("/api/v1/platforms/{finance}/guides"), None)
            .await)
        .len(),
        0
    );
    assert_problem(app.get("/api/v1/platforms/999999/guides", None).await, 404).await;
    assert_problem(app.get("/api/v1/activities/999999/files", None).await, 404).await;

    // Counted against the platform.
    let usage = app
        .get_json("/api/v1/storage-usage?limit=100", Some(&admin))
        .await;
    let ours = usage["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["platform_id"] == eng)
        .cloned()
        .expect("engineering");
    assert_eq!(
        (ours["files"].as_i64(), ours["bytes"].as_i64()),
        (Some(2), Some(10_000))
    );

    // Told to partners, the feed and the trail.
    let got = receiver.wait_for(2).await;
    let data: Vec<&Value> = got.iter().map(|m| &m.body["data"]).collect();
    assert_eq!(got[0].body["type"], "file.attached");
    assert_eq!(
        (
            data[0]["purpose"].as_str(),
            data[0]["activity_id"].as_i64(),
            data[0]["platform_id"].as_i64()
        ),
        (Some("output"), Some(activity), Some(eng))
    );
    assert_eq!(
        (
            data[1]["purpose"].as_str(),
            data[1]["guide_platform_id"].as_i64()
        ),
        (Some("guide"), Some(eng))
    );
    assert_eq!(
        app.delete(&format!("/api/v1/files/{}", guide["id"]), Some(&coord))
            .await
            .status(),
        204
    );
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].body["type"], "file.removed");
    assert_eq!(got[2].body["data"]["id"], guide["id"]);
    let (feed, _) = drain_until(&app, None, Some(&admin), |items| {
        items
            .iter()
            .any(|c| c["type"] == "files" && c["id"] == guide["id"] && c["op"] == "delete")
    })
    .await;
    let output_entry = feed
        .iter()
        .find(|c| c["type"] == "files" && c["id"] == output["id"])
        .expect("the output in the feed");
    assert_eq!(output_entry["op"], "create");
    assert_eq!(output_entry["data"]["activity_id"], activity);
    let trail = app
        .get_json("/api/v1/audit?entity_type=file&limit=10", Some(&admin))
        .await;
    assert_eq!(trail["items"].as_array().map(Vec::len), Some(3), "{trail}");
}

#[tokio::test]
async fn a_person_sets_and_replaces_their_own_photo_that_signed_in_people_see() {
    let app = spawn_app().await;
    let (me, token) = app
        .quick_user("photo@example.org", None, "female", "ar")
        .await;
    let (_, peer) = app.quick_user("peer@example.org", None, "male", "ar").await;
    let put = |bytes: Vec<u8>, token: String| {
        let app = &app;
        async move {
            app.client
                .put(app.url("/api/v1/me/photo?name=me"))
                .bearer_auth(token)
                .body(bytes)
                .send()
                .await
                .expect("put")
        }
    };
    let photo = format!("/api/v1/users/{me}/photo");
    assert_problem(app.get(&photo, Some(&peer)).await, 404).await;
    let first = created(put(png(2_000), token.clone()).await).await;
    assert_eq!(
        (first["purpose"].as_str(), first["person_id"].as_i64()),
        (Some("photo"), Some(me))
    );
    assert_eq!(first["name"], "me.png");
    let second = created(put(png(3_000), token.clone()).await).await;
    assert_eq!(app.get_json(&photo, Some(&peer)).await["id"], second["id"]);
    assert_eq!(
        stored_objects(&app).len(),
        1,
        "the first photo's bytes are gone"
    );
    assert_problem(
        app.get(&format!("/api/v1/files/{}", first["id"]), Some(&token))
            .await,
        404,
    )
    .await;
    // Not a picture: refused, the photo kept.
    assert_problem(put(pdf(2_000), token.clone()).await, 415).await;
    assert_eq!(app.get_json(&photo, Some(&peer)).await["id"], second["id"]);
    assert_problem(app.get(&photo, None).await, 401).await;
    let content = format!("/api/v1/files/{}/content", second["id"]);
    assert_eq!(app.get(&content, Some(&peer)).await.status(), 200);
    assert_problem(app.get(&content, None).await, 401).await;
    // Another's photo is not theirs to remove.
    let problem = assert_problem(
        app.delete(&format!("/api/v1/files/{}", second["id"]), Some(&peer))
            .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "forbidden");
    assert_eq!(
        app.delete("/api/v1/me/photo", Some(&token)).await.status(),
        204
    );
    assert_problem(app.get(&photo, Some(&peer)).await, 404).await;
    assert_problem(app.delete("/api/v1/me/photo", Some(&token)).await, 404).await;
    assert!(stored_objects(&app).is_empty());
}
