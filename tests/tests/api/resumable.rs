//! Resumable uploads by tus 1.0 (issue 29): announced, sent in chunks from where they stand,
//! checked by checksum, abandoned, expired; a chunk cut off keeps what arrived; the last chunk
//! makes the file. A tus client nobody here wrote (tuspy) is cut off mid-upload by a proxy that
//! drops the connection, and resumes.

use base64::Engine as _;
use reqwest::{Method, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use tests::{TestApp, assert_problem, spawn_app, spawn_app_with};

use crate::files::{pdf, stored_objects, workshop};

fn b64(s: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

async fn announce(
    app: &TestApp,
    token: &str,
    workshop: i64,
    length: usize,
    name: &str,
) -> Response {
    app.request(
        Method::POST,
        &format!("/api/v1/uploads?workshop_id={workshop}"),
        Some(token),
    )
    .header("Tus-Resumable", "1.0.0")
    .header("Upload-Length", length.to_string())
    .header(
        "Upload-Metadata",
        format!(
            "filename {},title_ar {}",
            b64(name.as_bytes()),
            b64("دليل إدارة المشاريع".as_bytes())
        ),
    )
    .send()
    .await
    .expect("announce")
}

async fn send(
    app: &TestApp,
    token: &str,
    location: &str,
    offset: usize,
    chunk: &[u8],
    checksum: Option<String>,
) -> Response {
    let mut rb = app
        .request(Method::PATCH, location, Some(token))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(chunk.to_vec());
    if let Some(c) = checksum {
        rb = rb.header("Upload-Checksum", c);
    }
    rb.send().await.expect("patch")
}

async fn offset_of(app: &TestApp, token: &str, location: &str) -> u64 {
    let res = app
        .request(Method::HEAD, location, Some(token))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .expect("head");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["tus-resumable"], "1.0.0");
    res.headers()["upload-offset"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("a number")
}

fn header<'a>(res: &'a Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .expect("ascii")
}

#[tokio::test]
async fn a_resumable_upload_is_sent_in_checked_chunks_from_where_it_stands_and_becomes_a_file() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("gaza").await;
    let id = workshop(&app, &admin, platform, false).await;

    // Discovery says what is spoken here.
    let res = app
        .request(Method::OPTIONS, "/api/v1/uploads", None)
        .send()
        .await
        .expect("options");
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "tus-version"), "1.0.0");
    for extension in ["creation", "termination", "checksum", "expiration"] {
        assert!(
            header(&res, "tus-extension")
                .split(',')
                .any(|e| e == extension)
        );
    }
    assert_eq!(
        header(&res, "tus-max-size"),
        (200u64 * 1024 * 1024).to_string()
    );
    assert_eq!(header(&res, "tus-checksum-algorithm"), "sha256,sha1");

    // Without the protocol's version, or for a workshop the caller does not manage: refused.
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/uploads?workshop_id={id}"),
            Some(&admin),
        )
        .header("Upload-Length", "10")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 412);
    assert_eq!(res.headers()["tus-resumable"], "1.0.0");
    assert_problem(res, 412).await;
    let (_, member) = app
        .create_member(&admin, "gaza-member@example.org", None)
        .await;
    assert_problem(announce(&app, &member, id, 10, "a.pdf").await, 404).await;

    let bytes = pdf(300_000);
    let res = announce(&app, &admin, id, bytes.len(), "دليل إدارة المشاريع.pdf").await;
    assert_eq!(res.status(), 201);
    assert_eq!(header(&res, "upload-offset"), "0");
    assert_eq!(header(&res, "tus-resumable"), "1.0.0");
    let expires = header(&res, "upload-expires").to_owned();
    assert!(expires.ends_with(" GMT"), "{expires}");
    let location = header(&res, "location").to_owned();
    let upload: Value = res.json().await.expect("json");
    assert_eq!(location, upload["upload_url"]);
    assert_eq!(upload["length"], 300_000);
    assert_eq!(offset_of(&app, &admin, &location).await, 0);

    // Bytes that are not tus's, or not where the upload stands: refused, nothing moves.
    let res = app
        .request(Method::PATCH, &location, Some(&admin))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/json")
        .body(bytes[..10].to_vec())
        .send()
        .await
        .expect("patch");
    assert_problem(res, 415).await;
    let problem = assert_problem(
        send(&app, &admin, &location, 5, &bytes[5..10], None).await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "offset_mismatch");

    // A first chunk, plain.
    let res = send(&app, &admin, &location, 0, &bytes[..100_000], None).await;
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "upload-offset"), "100000");
    // A second whose checksum is wrong: kept not at all.
    let wrong = format!("sha256 {}", b64(&Sha256::digest(b"something else")));
    let res = send(
        &app,
        &admin,
        &location,
        100_000,
        &bytes[100_000..200_000],
        Some(wrong),
    )
    .await;
    assert_eq!(res.status(), 460);
    let problem = assert_problem(res, 460).await;
    assert_eq!(problem["code"], "checksum_mismatch");
    assert_eq!(offset_of(&app, &admin, &location).await, 100_000);
    // An algorithm not taken here is refused (a tus rule).
    let res = send(
        &app,
        &admin,
        &location,
        100_000,
        &bytes[100_000..200_000],
        Some(format!("md5 {}", b64(&[0; 16]))),
    )
    .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["code"], "tus_checksum", "{problem}");
    // Sent again with sha1, the algorithm every tus server takes: kept.
    let sha1 = {
        use sha1::Digest as _;
        b64(&sha1::Sha1::digest(&bytes[100_000..200_000]))
    };
    let res = send(
        &app,
        &admin,
        &location,
        100_000,
        &bytes[100_000..200_000],
        Some(format!("sha1 {sha1}")),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert!(res.headers().get("content-location").is_none());

    // Nobody else sees or sends it.
    let (coord_id, coord) = app
        .create_member(&admin, "gaza-coord@example.org", None)
        .await;
    app.make_coordinator(platform, coord_id, "coordinator")
        .await;
    assert_problem(
        app.request(Method::GET, &location, Some(&coord))
            .send()
            .await
            .expect("get"),
        404,
    )
    .await;
    assert_problem(
        send(&app, &coord, &location, 200_000, &bytes[200_000..], None).await,
        404,
    )
    .await;

    // Past the announced length: refused whole.
    let mut longer = bytes[200_000..].to_vec();
    longer.push(b'x');
    assert_problem(
        send(&app, &admin, &location, 200_000, &longer, None).await,
        413,
    )
    .await;
    assert_eq!(offset_of(&app, &admin, &location).await, 200_000);

    // The last chunk, checked by SHA-256, makes the file.
    let sum = format!("sha256 {}", b64(&Sha256::digest(&bytes[200_000..])));
    let res = send(
        &app,
        &admin,
        &location,
        200_000,
        &bytes[200_000..],
        Some(sum),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "upload-offset"), "300000");
    let file_url = header(&res, "content-location").to_owned();
    let file = app.get_json(&file_url, Some(&admin)).await;
    assert_eq!(file["name"], "دليل إدارة المشاريع.pdf");
    assert_eq!(file["title"]["ar"], "دليل إدارة المشاريع");
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["sha256"], hex(&Sha256::digest(&bytes)));
    let content = app
        .get(&format!("{file_url}/content"), Some(&admin))
        .await
        .bytes()
        .await
        .expect("bytes");
    assert!(content == bytes, "the file is the bytes sent");
    let upload = app.get_json(&location, Some(&admin)).await;
    assert_eq!(upload["file_id"], file["id"]);
    assert_eq!(upload["offset"], 300_000);
    // Its chunks are gone: the store holds the one file.
    assert_eq!(stored_objects(&app).len(), 1, "{:?}", stored_objects(&app));
    // Nothing more can be sent.
    assert_problem(
        send(&app, &admin, &location, 300_000, b"more", None).await,
        409,
    )
    .await;
    // It is in the trail as any other file.
    let trail = app
        .get_json("/api/v1/audit?entity_type=file&limit=10", Some(&admin))
        .await;
    assert_eq!(trail["items"][0]["action"], "file.create");
}

/// Nothing is left of the upload at `location`: not its row, not a byte in the store.
async fn gone(app: &TestApp, token: &str, location: &str) {
    assert!(stored_objects(app).is_empty(), "{:?}", stored_objects(app));
    let res = app
        .request(Method::GET, location, Some(token))
        .send()
        .await
        .expect("get");
    assert_problem(res, 404).await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_chunk_cut_off_keeps_what_arrived_and_the_upload_resumes_from_there() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("gaza").await;
    let id = workshop(&app, &admin, platform, true).await;
    let bytes = pdf(3 * 1024 * 1024);
    let res = announce(&app, &admin, id, bytes.len(), "slides.pdf").await;
    assert_eq!(res.status(), 201);
    let location = header(&res, "location").to_owned();

    // A phone sends the whole file in one chunk and its connection drops after 1.25 MiB.
    let cut = 1280 * 1024;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "PATCH {location} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {admin}\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    socket.write_all(&bytes[..cut]).await.expect("part");
    socket.flush().await.expect("flush");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(socket);

    // What arrived is kept: the upload stands where the connection dropped.
    let mut stands = 0;
    for _ in 0..100 {
        stands = offset_of(&app, &admin, &location).await;
        if stands > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(stands, cut as u64, "the bytes before the drop are kept");

    // It resumes from there and the file is whole.
    let res = send(&app, &admin, &location, cut, &bytes[cut..], None).await;
    assert_eq!(res.status(), 204);
    let file = app
        .get_json(header(&res, "content-location"), Some(&admin))
        .await;
    assert_eq!(file["sha256"], hex(&Sha256::digest(&bytes)));
    assert_eq!(file["size"], bytes.len());
}

#[tokio::test]
async fn an_abandoned_or_expired_upload_goes_with_its_chunks_and_bytes_of_a_wrong_type_make_no_file()
 {
    let app = spawn_app_with(&[("UPLOAD_MAX_MIB_MATERIAL", "1")]).await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("financial-management").await;
    let id = workshop(&app, &admin, platform, true).await;

    // Longer than the kind's largest size: refused before a byte is sent.
    let problem = assert_problem(
        announce(&app, &admin, id, 1024 * 1024 + 1, "big.pdf").await,
        413,
    )
    .await;
    assert_eq!(problem["code"], "payload_too_large");
    // A name that is no name, or metadata that is not tus's: refused.
    assert_problem(announce(&app, &admin, id, 10, "..").await, 422).await;
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/uploads?workshop_id={id}"),
            Some(&admin),
        )
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10")
        .header("Upload-Metadata", "filename not-base64!")
        .send()
        .await
        .expect("post");
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["code"], "tus_metadata", "{problem}");

    // Abandoned: what arrived is removed.
    let bytes = pdf(500_000);
    let res = announce(&app, &admin, id, bytes.len(), "draft.pdf").await;
    let location = header(&res, "location").to_owned();
    assert_eq!(
        send(&app, &admin, &location, 0, &bytes[..200_000], None)
            .await
            .status(),
        204
    );
    assert_eq!(stored_objects(&app).len(), 1);
    let res = app
        .request(Method::DELETE, &location, Some(&admin))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 204);
    gone(&app, &admin, &location).await;

    // Expired: 410, and the housekeeping sweep removes it and its chunks.
    let res = announce(&app, &admin, id, bytes.len(), "late.pdf").await;
    let location = header(&res, "location").to_owned();
    assert_eq!(
        send(&app, &admin, &location, 0, &bytes[..200_000], None)
            .await
            .status(),
        204
    );
    app.advance_clock(chrono::Duration::hours(25));
    let problem = assert_problem(
        send(&app, &admin, &location, 200_000, &bytes[200_000..], None).await,
        410,
    )
    .await;
    assert_eq!(problem["code"], "upload_expired");
    api::services::files::sweep(&app.state, app.state.clock.now())
        .await
        .expect("sweep");
    gone(&app, &admin, &location).await;

    // Whole, but not a type taken here: no file, and the upload is gone.
    let zip = {
        let mut z = b"PK\x03\x04".to_vec();
        z.resize(2_000, b'z');
        z
    };
    let res = announce(&app, &admin, id, zip.len(), "archive.pdf").await;
    let location = header(&res, "location").to_owned();
    let res = send(&app, &admin, &location, 0, &zip, None).await;
    assert_problem(res, 415).await;
    gone(&app, &admin, &location).await;
}

/// A TCP proxy on loopback that forwards to `upstream`, and drops the connection it is
/// forwarding once `cut_after` bytes of requests have passed, once; after that it forwards
/// everything.
async fn cutting_proxy(
    upstream: String,
    cut_after: usize,
) -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let task = tokio::spawn(async move {
        let cut = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let upstream = upstream.clone();
            let (cut, sent) = (cut.clone(), sent.clone());
            tokio::spawn(async move {
                let server = tokio::net::TcpStream::connect(&upstream)
                    .await
                    .expect("upstream");
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let back = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                });
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match cr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let before = sent.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
                    if !cut.load(std::sync::atomic::Ordering::SeqCst) && before + n > cut_after {
                        // The connection drops mid-request.
                        let keep = cut_after.saturating_sub(before);
                        let _ = sw.write_all(&buf[..keep]).await;
                        cut.store(true, std::sync::atomic::Ordering::SeqCst);
                        back.abort();
                        return;
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                let _ = sw.shutdown().await;
                let _ = back.await;
            });
        }
    });
    (address, task)
}

#[tokio::test]
async fn tuspy_cut_off_mid_upload_resumes_where_the_server_stands() {
    let Some(python) = tests::outside_python() else {
        return;
    };
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("gaza").await;
    let id = workshop(&app, &admin, platform, true).await;
    let bytes = pdf(6 * 1024 * 1024 + 12_345);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("عرض الورشة.pdf");
    std::fs::write(&path, &bytes).expect("write");

    let upstream = app.address.trim_start_matches("http://").to_owned();
    // The connection drops 2.5 MiB into the upload (the announcement's few hundred bytes first).
    let (proxy, task) = cutting_proxy(upstream, 2560 * 1024).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/files/tus_upload.py");
    let (url, file) = (
        format!("http://{proxy}/api/v1/uploads?workshop_id={id}"),
        path.clone(),
    );
    let token = admin.clone();
    // tuspy blocks: it runs on a thread of its own while the server serves on this one.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&python)
            .arg(script)
            .arg(url)
            .arg(file)
            .env("TUS_TOKEN", token)
            .output()
    })
    .await
    .expect("join")
    .expect("run tuspy");
    task.abort();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "tuspy failed:\n{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    eprintln!("tuspy: {report}");
    // It was cut, and resumed from where the server stood, not from the start.
    assert!(
        report["cut"].as_str().is_some_and(|s| !s.is_empty()),
        "{report}"
    );
    let resumed_at = report["resumed_at"].as_u64().expect("resumed_at");
    assert!(resumed_at >= 2 * 1024 * 1024, "resumed from {resumed_at}");
    assert!(resumed_at < bytes.len() as u64);
    let file_url = report["file"].as_str().expect("file").to_owned();
    let file = app.get_json(&file_url, Some(&admin)).await;
    assert_eq!(file["name"], "عرض الورشة.pdf");
    assert_eq!(file["sha256"], hex(&Sha256::digest(&bytes)));
    assert_eq!(file["size"], bytes.len());
}

/// A second server, a process of its own on the first one's database and file store, that the
/// test can kill as a crash would (SIGKILL: nothing of it runs after).
struct ServerProcess {
    child: std::process::Child,
    address: String,
    _mail: tempfile::TempDir,
}

impl ServerProcess {
    fn start(app: &TestApp) -> ServerProcess {
        use std::io::BufRead;
        let mail = tempfile::tempdir().expect("mail dir");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_api_process"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", &app.config.database_url)
            .env("STORAGE_URL", &app.storage_dir)
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("JWT_SECRET", tests::JWT_SECRET)
            .env("MAIL_DIR", mail.path())
            .env("PUBLIC_BASE_URL", "https://platforms.example.org")
            .env("WORKERS", "1")
            .env("DATABASE_MAX_CONNECTIONS", "4")
            .env("RATE_LIMIT_ADDRESS_PER_MINUTE", "100000")
            .env("RATE_LIMIT_USER_PER_MINUTE", "100000")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the api process");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("its first line");
        let port = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("the api process said {line:?}"));
        ServerProcess {
            address: format!("127.0.0.1:{port}"),
            child,
            _mail: mail,
        }
    }

    /// Kills it as a crash would, and waits until it is gone.
    fn crash(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("gone");
    }
}

/// Sends a request's head and the first `sent` bytes of `body` to `address`, and leaves the
/// connection open (the body unfinished).
async fn start_request(
    address: &str,
    head: &str,
    body: &[u8],
    sent: usize,
) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut socket = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head = format!(
        "{head}Host: {address}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    socket.write_all(&body[..sent]).await.expect("part");
    socket.flush().await.expect("flush");
    // The server reads what was sent.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    socket
}

#[tokio::test]
async fn a_server_killed_mid_upload_leaves_no_row_and_the_upload_resumes_on_another() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("gaza").await;
    let id = workshop(&app, &admin, platform, true).await;
    let file_rows = || async {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::stored_file::Entity::find()
            .count(&app.db)
            .await
            .expect("count")
    };

    // A whole upload, cut by the crash of the server receiving it.
    let bytes = pdf(10 * 1024 * 1024);
    let server = ServerProcess::start(&app);
    let socket = start_request(
        &server.address,
        &format!(
            "POST /api/v1/workshops/{id}/files/raw?name=minutes.pdf HTTP/1.1\r\n\
             Authorization: Bearer {admin}\r\nContent-Type: application/pdf\r\n"
        ),
        &bytes,
        6 * 1024 * 1024,
    )
    .await;
    server.crash();
    drop(socket);
    assert_eq!(
        file_rows().await,
        0,
        "no row names bytes that are not there"
    );

    // A resumable upload, its chunk cut by the crash of another server.
    let res = announce(&app, &admin, id, bytes.len(), "slides.pdf").await;
    assert_eq!(res.status(), 201);
    let location = header(&res, "location").to_owned();
    assert_eq!(
        send(&app, &admin, &location, 0, &bytes[..1024 * 1024], None)
            .await
            .status(),
        204
    );
    let server = ServerProcess::start(&app);
    let socket = start_request(
        &server.address,
        &format!(
            "PATCH {location} HTTP/1.1\r\nAuthorization: Bearer {admin}\r\n\
             Tus-Resumable: 1.0.0\r\nUpload-Offset: 1048576\r\n\
             Content-Type: application/offset+octet-stream\r\n"
        ),
        &bytes[1024 * 1024..],
        4 * 1024 * 1024,
    )
    .await;
    server.crash();
    drop(socket);
    // The crashed chunk never counted: the upload stands where it stood, and resumes here.
    let stands = offset_of(&app, &admin, &location).await;
    assert_eq!(stands, 1024 * 1024);
    let res = send(
        &app,
        &admin,
        &location,
        1024 * 1024,
        &bytes[1024 * 1024..],
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let file = app
        .get_json(header(&res, "content-location"), Some(&admin))
        .await;
    assert_eq!(file["sha256"], hex(&Sha256::digest(&bytes)));
    assert_eq!(file_rows().await, 1);

    // What the crashes left in the store (a staging file, a chunk no row names) goes with the
    // sweep once it is older than any upload in progress could be; the file stays.
    let before_sweep = stored_objects(&app);
    assert!(
        before_sweep.len() > 1,
        "the crash of the whole upload left its staging file: {before_sweep:?}"
    );
    let later = app.state.clock.now() + chrono::Duration::hours(2);
    api::services::files::sweep(&app.state, later)
        .await
        .expect("sweep");
    let left = stored_objects(&app);
    assert_eq!(left.len(), 1, "only the file: {left:?}");
    let content = app
        .get(
            &format!("/api/v1/files/{}/content", file["id"]),
            Some(&admin),
        )
        .await
        .bytes()
        .await
        .expect("bytes");
    assert!(content == bytes);
}

#[tokio::test]
async fn a_key_reaches_only_its_platforms_uploads_of_its_creator() {
    use crate::api_keys::{create_key, key_of};
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let gaza = app.platform_id("gaza").await;
    let innovation = app.platform_id("innovation").await;
    let id = workshop(&app, &admin, gaza, true).await;
    let scopes = serde_json::json!(["files:read", "files:write"]);
    let here = key_of(
        &create_key(
            &app,
            &admin,
            serde_json::json!({"name": "gaza portal", "scopes": scopes, "platform_ids": [gaza]}),
        )
        .await,
    );
    let elsewhere = key_of(
        &create_key(
            &app,
            &admin,
            serde_json::json!({"name": "innovation portal", "scopes": scopes, "platform_ids": [innovation]}),
        )
        .await,
    );
    let bytes = pdf(50_000);
    // A key limited to another platform announces nothing here (the workshop is public: 403).
    assert_problem(
        announce(&app, &elsewhere, id, bytes.len(), "a.pdf").await,
        403,
    )
    .await;
    let res = announce(&app, &here, id, bytes.len(), "a.pdf").await;
    assert_eq!(res.status(), 201);
    let location = header(&res, "location").to_owned();
    // Its creator's other key, limited elsewhere, neither sees, sends to nor abandons it.
    let get = app
        .request(Method::GET, &location, Some(&elsewhere))
        .send()
        .await
        .expect("get");
    assert_problem(get, 404).await;
    assert_problem(
        send(&app, &elsewhere, &location, 0, &bytes, None).await,
        404,
    )
    .await;
    let res = app
        .request(Method::DELETE, &location, Some(&elsewhere))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .expect("delete");
    assert_problem(res, 404).await;
    // The key of its platform finishes it.
    let res = send(&app, &here, &location, 0, &bytes, None).await;
    assert_eq!(res.status(), 204);
    assert!(res.headers().get("content-location").is_some());
}
