//! Files (issue 29): a workshop's materials uploaded by its managers (a multipart form or the
//! raw bytes), their type told from their bytes, read back whole or by range under the
//! workshop's visibility, and removed with their bytes; nothing is left of a refused upload.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use tests::{TestApp, assert_problem, spawn_app, spawn_app_with};

use crate::changes::drain_until;

/// A small but real PDF, `len` bytes long (its body padded with a comment).
pub(crate) fn pdf(len: usize) -> Vec<u8> {
    let head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%";
    let tail = b"\n%%EOF\n";
    let mut out = head.to_vec();
    let fill = len.saturating_sub(head.len() + tail.len());
    out.extend((0..fill).map(|i| b'a' + (i % 26) as u8));
    out.extend_from_slice(tail);
    out
}

pub(crate) async fn workshop(app: &TestApp, admin: &str, platform: i64, public: bool) -> i64 {
    let now = chrono::Utc::now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(admin),
            &json!({"platform_id": platform,
                    "title": {"ar": "ورشة إدارة المشاريع", "en": "Project management"},
                    "starts_at": now + chrono::Duration::hours(30),
                    "ends_at": now + chrono::Duration::hours(33),
                    "venue": {"city": "نابلس", "address": "قاعة البلدية"},
                    "status": "scheduled", "is_public": public}),
        )
        .await;
    let status = res.status();
    let w: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{w}");
    w["id"].as_i64().expect("id")
}

async fn upload_form(
    app: &TestApp,
    token: &str,
    workshop: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new()
        .part("file", Part::bytes(bytes).file_name(name.to_owned()))
        .text("title_ar", "دليل إدارة المشاريع")
        .text("title_en", "Project management guide");
    app.client
        .post(app.url(&format!("/api/v1/workshops/{workshop}/files")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

async fn upload_raw(
    app: &TestApp,
    token: &str,
    workshop: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut url = reqwest::Url::parse(&app.url(&format!("/api/v1/workshops/{workshop}/files/raw")))
        .expect("url");
    url.query_pairs_mut().append_pair("name", name);
    app.client
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

/// Every object in the app's file store (its directory).
pub(crate) fn stored_objects(app: &TestApp) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![app.storage_dir.clone()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            if entry.file_type().expect("type").is_dir() {
                dirs.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out
}

async fn file_rows(app: &TestApp) -> usize {
    use sea_orm::{EntityTrait, PaginatorTrait};
    entity::stored_file::Entity::find()
        .count(&app.db)
        .await
        .expect("count") as usize
}

#[tokio::test]
async fn a_managers_material_is_read_back_whole_by_range_and_under_its_arabic_name() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("engineering-planning").await;
    let id = workshop(&app, &admin, platform, true).await;
    let bytes = pdf(300_000);
    let res = upload_form(&app, &admin, id, "دليل إدارة المشاريع.pdf", bytes.clone()).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let file: Value = res.json().await.expect("json");
    let sha = hex(&Sha256::digest(&bytes));
    assert_eq!(file["sha256"], sha.as_str());
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["size"], bytes.len() as u64);
    assert_eq!(file["name"], "دليل إدارة المشاريع.pdf");
    assert_eq!(file["title"]["ar"], "دليل إدارة المشاريع");
    assert_eq!(file["workshop_id"], id);
    let fid = file["id"].as_i64().expect("id");
    assert_eq!(location, format!("/api/v1/files/{fid}"));
    assert_eq!(app.get_json(&location, None).await["sha256"], sha.as_str());

    // Anyone may read a public workshop's material, whole: the same bytes, named as uploaded,
    // never compressed on the way.
    let content = format!("/api/v1/files/{fid}/content");
    let res = app
        .request(reqwest::Method::GET, &content, None)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    let tag = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&bytes));
        format!("\"{}\"", &b64[..16])
    };
    assert_eq!(h["etag"].to_str().expect("ascii"), tag);
    assert_eq!(h["accept-ranges"], "bytes");
    assert!(
        h.get("content-encoding").is_none_or(|e| e == "identity"),
        "{h:?}"
    );
    let disposition = h["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment;")
            && disposition.contains("filename*=UTF-8''%D8%AF%D9%84%D9%8A%D9%84"),
        "{disposition}"
    );
    assert!(res.bytes().await.expect("body") == bytes, "the same bytes");

    // A client that asks for bytes alone gets them labelled so.
    let res = app
        .request(reqwest::Method::GET, &content, None)
        .header("accept", "application/octet-stream")
        .send()
        .await
        .expect("download");
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    assert!(res.bytes().await.expect("body") == bytes);

    // A range (206), the end of the file (206), one past the end (416).
    let ranged = |range: String| {
        app.request(reqwest::Method::GET, &content, None)
            .header("range", range)
            .send()
    };
    let res = ranged("bytes=1000-1999".to_owned()).await.expect("range");
    assert_eq!(res.status(), 206);
    assert_eq!(
        res.headers()["content-range"].to_str().expect("ascii"),
        format!("bytes 1000-1999/{}", bytes.len())
    );
    assert_eq!(res.bytes().await.expect("body"), bytes[1000..2000]);
    let res = ranged("bytes=-10".to_owned()).await.expect("suffix");
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().await.expect("body"), bytes[bytes.len() - 10..]);
    let res = ranged(format!("bytes={}-", bytes.len()))
        .await
        .expect("past");
    assert_eq!(
        res.headers()["content-range"].to_str().expect("ascii"),
        format!("bytes */{}", bytes.len())
    );
    let problem = assert_problem(res, 416).await;
    assert_eq!(problem["code"], "range_not_satisfiable");
    // A field that is not printable text is refused, as the document says; a malformed range
    // of printable text is answered whole (RFC 9110).
    let bad = reqwest::header::HeaderValue::from_bytes(b"bytes=\xc2\x84").expect("obs-text");
    let res = app
        .request(reqwest::Method::GET, &content, None)
        .header("range", bad)
        .send()
        .await
        .expect("range");
    assert_eq!(assert_problem(res, 400).await["code"], "invalid_parameter");
    let res = ranged("bytes=oops".to_owned()).await.expect("malformed");
    assert_eq!(res.status(), 200);
    // A range read from another version of the file is answered whole.
    let res = app
        .request(reqwest::Method::GET, &content, None)
        .header("range", "bytes=0-9")
        .header("if-range", "\"another\"")
        .send()
        .await
        .expect("if-range");
    assert_eq!(res.status(), 200);
    // The tag revalidates.
    let res = app
        .request(reqwest::Method::GET, &content, None)
        .header("if-none-match", tag.as_str())
        .send()
        .await
        .expect("revalidate");
    assert_eq!(res.status(), 304);

    // Listed with the workshop, to anyone who sees it.
    let page = app
        .get_json(&format!("/api/v1/workshops/{id}/files"), None)
        .await;
    assert_eq!(page["items"][0]["id"], fid);
    assert_eq!(page["items"][0]["content_url"], content.as_str());
}

#[tokio::test]
async fn a_members_only_workshops_material_is_not_known_to_outsiders() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("financial-management").await;
    let id = workshop(&app, &admin, platform, false).await;
    let res = upload_raw(&app, &admin, id, "budget-2027", pdf(4_000)).await;
    assert_eq!(res.status(), 201);
    let file: Value = res.json().await.expect("json");
    assert_eq!(file["name"], "budget-2027.pdf", "the extension is added");
    let fid = file["id"].as_i64().expect("id");
    let (member_id, member) = app
        .quick_user("member@example.org", None, "female", "ar")
        .await;
    app.make_member(platform, member_id).await;
    let (_, outsider) = app
        .quick_user("outsider@example.org", None, "male", "ar")
        .await;
    for path in [
        format!("/api/v1/files/{fid}"),
        format!("/api/v1/files/{fid}/content"),
        format!("/api/v1/workshops/{id}/files"),
    ] {
        assert_problem(app.get(&path, None).await, 404).await;
        assert_problem(app.get(&path, Some(&outsider)).await, 404).await;
        assert_eq!(app.get(&path, Some(&member)).await.status(), 200, "{path}");
    }
    // A member may read it, not remove it or add to it.
    let problem = assert_problem(
        app.delete(&format!("/api/v1/files/{fid}"), Some(&member))
            .await,
        403,
    )
    .await;
    assert_eq!(problem["code"], "not_a_manager");
    assert_problem(
        upload_raw(&app, &member, id, "x.pdf", pdf(2_000)).await,
        403,
    )
    .await;
    assert_eq!(file_rows(&app).await, 1);
    assert_eq!(stored_objects(&app).len(), 1);
}

#[tokio::test]
async fn a_files_type_is_told_from_its_bytes_and_a_refused_upload_leaves_nothing() {
    let app = spawn_app_with(&[("UPLOAD_MAX_MIB_MATERIAL", "1")]).await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("innovation").await;
    let id = workshop(&app, &admin, platform, true).await;
    // A PDF named as an image: refused, naming the field.
    let problem = assert_problem(
        upload_raw(&app, &admin, id, "photo.jpg", pdf(3_000)).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/name", "{problem}");
    // A program, and plain text, whatever they are called or declared as.
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(100);
    let problem = assert_problem(
        upload_raw(&app, &admin, id, "slides.pdf", program).await,
        415,
    )
    .await;
    assert_eq!(problem["code"], "unsupported_media_type");
    assert_problem(
        upload_form(&app, &admin, id, "notes.pdf", b"just words".repeat(50)).await,
        415,
    )
    .await;
    // Past the configured limit (1 MiB).
    let problem = assert_problem(
        upload_raw(&app, &admin, id, "big.pdf", pdf(1024 * 1024 + 1)).await,
        413,
    )
    .await;
    assert_eq!(problem["code"], "payload_too_large");
    // A form without its file, or with an unknown part.
    let form = Form::new().text("title_ar", "عنوان");
    let res = app
        .client
        .post(app.url(&format!("/api/v1/workshops/{id}/files")))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_problem(res, 422).await;
    let form = Form::new()
        .part("file", Part::bytes(pdf(2_000)).file_name("a.pdf"))
        .text("colour", "blue");
    let res = app
        .client
        .post(app.url(&format!("/api/v1/workshops/{id}/files")))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_problem(res, 400).await;
    // A title too long, or with a control character (the document's maxLength and pattern).
    for title in ["ع".repeat(201), "جدول\tالأعمال".to_owned()] {
        let form = Form::new()
            .part("file", Part::bytes(pdf(2_000)).file_name("a.pdf"))
            .text("title_ar", title);
        let res = app
            .client
            .post(app.url(&format!("/api/v1/workshops/{id}/files")))
            .bearer_auth(&admin)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], "/title_ar", "{problem}");
    }
    assert_eq!(file_rows(&app).await, 0, "no row");
    assert!(
        stored_objects(&app).is_empty(),
        "no bytes: {:?}",
        stored_objects(&app)
    );
    // And exactly at the limit, it is taken.
    assert_eq!(
        upload_raw(&app, &admin, id, "ok.pdf", pdf(1024 * 1024))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn a_removed_file_takes_its_bytes_and_is_told_to_the_feed_and_the_trail() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("public-relations").await;
    let id = workshop(&app, &admin, platform, true).await;
    let res = upload_raw(&app, &admin, id, "minutes.pdf", pdf(5_000)).await;
    assert_eq!(res.status(), 201);
    let fid = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    assert_eq!(stored_objects(&app).len(), 1);
    let res = app
        .delete(&format!("/api/v1/files/{fid}"), Some(&admin))
        .await;
    assert_eq!(res.status(), 204);
    assert!(stored_objects(&app).is_empty(), "the bytes are gone");
    assert_problem(
        app.get(&format!("/api/v1/files/{fid}/content"), None).await,
        404,
    )
    .await;
    assert_eq!(file_rows(&app).await, 0);

    let trail = app
        .get_json("/api/v1/audit?entity_type=file&limit=10", Some(&admin))
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"file.create") && actions.contains(&"file.delete"),
        "{trail}"
    );
    // On PostgreSQL a change is handed out once older transactions of the cluster have ended.
    let is_ours = |c: &&Value| c["type"] == "files" && c["id"] == fid;
    let (feed, _) = drain_until(&app, None, Some(&admin), |items| {
        items.iter().any(|c| is_ours(&c) && c["op"] == "delete")
    })
    .await;
    let ours: Vec<&Value> = feed.iter().filter(is_ours).collect();
    assert_eq!(ours.len(), 1, "one entry, the tombstone: {feed:?}");
    assert_eq!(ours[0]["op"], "delete");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn an_upload_cut_off_midway_leaves_nothing_and_the_sweep_takes_what_a_crash_leaves() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("gaza").await;
    let id = workshop(&app, &admin, platform, true).await;
    let kept = upload_raw(&app, &admin, id, "kept.pdf", pdf(3_000)).await;
    assert_eq!(kept.status(), 201);
    let kept: Value = kept.json().await.expect("json");

    // A phone's connection drops after 3 MiB of a 10 MiB upload: no row, no bytes.
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/workshops/{id}/files/raw?name=cut.pdf HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {admin}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\n\r\n",
        10 * 1024 * 1024
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    socket
        .write_all(&pdf(3 * 1024 * 1024))
        .await
        .expect("part of the body");
    socket.flush().await.expect("flush");
    // The server is storing it (its staging file is there) when the connection drops.
    let staged = |files: &[std::path::PathBuf]| {
        files.iter().any(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().contains('#'))
        })
    };
    for _ in 0..200 {
        if staged(&stored_objects(&app)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(staged(&stored_objects(&app)), "the upload was being stored");
    drop(socket);
    let mut left = Vec::new();
    for _ in 0..200 {
        left = stored_objects(&app);
        if left.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(left.len(), 1, "only the recorded file's bytes: {left:?}");
    assert_eq!(file_rows(&app).await, 1);

    // What a crash leaves: bytes stored but never recorded, and an unfinished upload's staging
    // file. Young, they are kept (an upload may be finishing); an hour later, swept. The
    // recorded file is never touched.
    let orphan = app
        .state
        .storage
        .put_stream(
            "files/orphan",
            futures_util::stream::iter(vec![Ok::<_, std::io::Error>(actix_web::web::Bytes::from(
                pdf(2_000),
            ))]),
            1 << 20,
        )
        .await
        .expect("stored");
    assert_eq!(orphan.size, 2_000);
    let staging = app.storage_dir.join("files").join("unfinished.pdf#17");
    std::fs::write(&staging, b"half an upload").expect("staging file");
    let now = chrono::Utc::now();
    assert_eq!(
        api::services::files::sweep(&app.state, now)
            .await
            .expect("sweep"),
        0
    );
    assert_eq!(stored_objects(&app).len(), 3);
    let later = now + chrono::Duration::minutes(61);
    assert_eq!(
        api::services::files::sweep(&app.state, later)
            .await
            .expect("sweep"),
        2
    );
    let left = stored_objects(&app);
    assert_eq!(left.len(), 1, "{left:?}");
    let res = app
        .get(&format!("/api/v1/files/{}/content", kept["id"]), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.expect("body").len(), 3_000);
}

#[tokio::test]
async fn an_upload_retried_with_its_idempotency_key_is_stored_once_and_a_slow_one_is_not_cut() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A request that starts answering after 300 ms is cut (503) — but not an upload, whose body
    // may take as long as the connection needs.
    let app = spawn_app_with(&[("REQUEST_TIMEOUT_MS", "300")]).await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("sdgs").await;
    let id = workshop(&app, &admin, platform, true).await;

    let send = || {
        let mut url = reqwest::Url::parse(&app.url(&format!("/api/v1/workshops/{id}/files/raw")))
            .expect("url");
        url.query_pairs_mut().append_pair("name", "agenda.pdf");
        app.client
            .post(url)
            .bearer_auth(&admin)
            .header("idempotency-key", "\"agenda-upload-1\"")
            .header("content-type", "application/octet-stream")
            .body(pdf(400_000))
            .send()
    };
    let first = send().await.expect("upload");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let again = send().await.expect("retry");
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(file_rows(&app).await, 1, "stored once");
    assert_eq!(stored_objects(&app).len(), 1);

    // A body that takes about a second to arrive, in pieces.
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let body = pdf(64 * 1024);
    let head = format!(
        "POST /api/v1/workshops/{id}/files/raw?name=slow.pdf HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {admin}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    for piece in body.chunks(16 * 1024) {
        socket.write_all(piece).await.expect("piece");
        socket.flush().await.expect("flush");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.expect("answer");
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert_eq!(file_rows(&app).await, 2);
}

#[tokio::test]
async fn a_signed_link_reads_a_file_without_a_token_until_it_expires() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("public-relations").await;
    // A members-only workshop: its material is not for outsiders, except by a link its
    // readers made.
    let id = workshop(&app, &admin, platform, false).await;
    let bytes = pdf(20_000);
    let res = upload_raw(&app, &admin, id, "agenda.pdf", bytes.clone()).await;
    let fid = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    assert_problem(
        app.get(&format!("/api/v1/files/{fid}/content"), None).await,
        404,
    )
    .await;

    let res = app
        .post(
            &format!("/api/v1/files/{fid}/links"),
            Some(&admin),
            &json!({"ttl_seconds": 600}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let link: Value = res.json().await.expect("json");
    let url = link["url"].as_str().expect("url").to_owned();
    assert!(
        url.starts_with(&format!(
            "https://platforms.example.org/api/v1/files/{fid}/content?expires="
        )),
        "{url}"
    );
    let path = url.trim_start_matches("https://platforms.example.org");
    // Anyone holding it reads the file, whole or by range.
    let res = app.get(path, None).await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.expect("bytes") == bytes);
    let res = app
        .request(reqwest::Method::GET, path, None)
        .header("Range", "bytes=0-9")
        .send()
        .await
        .expect("range");
    assert_eq!(res.status(), 206);
    // A link for another file, a changed expiry or signature: refused.
    let other = path.replace(&format!("/files/{fid}/"), &format!("/files/{}/", fid + 1));
    assert_problem(app.get(&other, None).await, 403).await;
    let tampered = path.replace("expires=", "expires=9");
    let problem = assert_problem(app.get(&tampered, None).await, 403).await;
    assert_eq!(problem["code"], "invalid_link");
    let (base, signature) = path.split_once("signature=").expect("signature");
    let flipped = format!(
        "{base}signature={}",
        if signature.starts_with('A') { "B" } else { "A" }.to_owned() + &signature[1..]
    );
    assert_problem(app.get(&flipped, None).await, 403).await;
    // Half a link is no link.
    let half = path.split("&signature=").next().expect("expires");
    assert_problem(app.get(half, None).await, 403).await;
    // Past its expiry: refused.
    app.advance_clock(chrono::Duration::minutes(11));
    assert_problem(app.get(path, None).await, 403).await;

    // Only those who may read the file make links, and only short-lived ones.
    let (_, outsider) = app
        .create_member(&admin, "outsider@example.org", None)
        .await;
    assert_problem(
        app.post(
            &format!("/api/v1/files/{fid}/links"),
            Some(&outsider),
            &json!({}),
        )
        .await,
        404,
    )
    .await;
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/files/{fid}/links"),
            Some(&admin),
            &json!({"ttl_seconds": 86_401}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/ttl_seconds", "{problem}");
}

#[tokio::test]
async fn admins_see_each_platforms_storage_use() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let gaza = app.platform_id("gaza").await;
    let a = workshop(&app, &admin, pr, true).await;
    let b = workshop(&app, &admin, gaza, true).await;
    for (w, len) in [(a, 10_000), (a, 5_000), (b, 7_000)] {
        assert_eq!(
            upload_raw(&app, &admin, w, "f.pdf", pdf(len))
                .await
                .status(),
            201
        );
    }
    let usage = app
        .get_json("/api/v1/storage-usage?limit=100", Some(&admin))
        .await;
    let of = |p: i64| {
        usage["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["platform_id"] == p)
            .cloned()
            .unwrap_or_else(|| panic!("no platform {p}: {usage}"))
    };
    assert_eq!(of(pr)["files"], 2);
    assert_eq!(of(pr)["bytes"], 15_000);
    assert_eq!(of(gaza)["files"], 1);
    assert_eq!(of(gaza)["bytes"], 7_000);
    let innovation = app.platform_id("innovation").await;
    assert_eq!(of(innovation)["files"], 0);
    assert_eq!(of(innovation)["bytes"], 0);
    // Paged by platform.
    let first = app
        .get_json("/api/v1/storage-usage?limit=2", Some(&admin))
        .await;
    assert_eq!(first["items"].as_array().expect("items").len(), 2);
    let next = first["next_cursor"].as_str().expect("cursor");
    let second = app
        .get_json(
            &format!("/api/v1/storage-usage?limit=2&cursor={next}"),
            Some(&admin),
        )
        .await;
    assert!(second["items"][0]["platform_id"].as_i64() > first["items"][1]["platform_id"].as_i64());
    // Administrators only.
    let (coord_id, coord) = app
        .create_member(&admin, "pr-coord@example.org", None)
        .await;
    app.make_coordinator(pr, coord_id, "coordinator").await;
    assert_problem(app.get("/api/v1/storage-usage", Some(&coord)).await, 403).await;
}

#[tokio::test]
async fn office_documents_as_word_excel_powerpoint_and_libreoffice_save_them_are_told_apart() {
    let Some(python) = tests::outside_python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/files/office_files.py");
    let out = std::process::Command::new(&python)
        .arg(script)
        .arg(dir.path())
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("engineering-planning").await;
    let id = workshop(&app, &admin, platform, true).await;
    for (name, mime) in [
        (
            "guide.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "slides.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("minutes.odt", "application/vnd.oasis.opendocument.text"),
        (
            "attendance.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            "talk.odp",
            "application/vnd.oasis.opendocument.presentation",
        ),
    ] {
        let bytes = std::fs::read(dir.path().join(name)).expect("read");
        let res = upload_raw(&app, &admin, id, name, bytes.clone()).await;
        let status = res.status();
        let file: Value = res.json().await.expect("json");
        assert_eq!(status, 201, "{name}: {file}");
        assert_eq!(file["content_type"], mime, "{name}");
        assert_eq!(file["name"], name);
        // Named as another office type, it is refused: the bytes say what it is.
        let stem = name.split('.').next().expect("stem");
        let other = if name.ends_with(".docx") {
            "xlsx"
        } else {
            "docx"
        };
        let problem = assert_problem(
            upload_raw(&app, &admin, id, &format!("{stem}.{other}"), bytes).await,
            422,
        )
        .await;
        assert_eq!(
            problem["errors"][0]["code"], "file_name",
            "{name}: {problem}"
        );
    }
}
