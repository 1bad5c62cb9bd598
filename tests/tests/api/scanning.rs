//! Virus scanning (issue 29): with `CLAMAV_URL` set, an upload is held (`pending_scan`, not
//! readable) until a real clamd, ClamAV's daemon from the Debian packages, says it is clean; one
//! it finds infected is removed and audited. The public signature mirror cannot be reached here,
//! so the test writes clamd a signature database of its own: the EICAR test file's signature,
//! found anywhere in a file.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use tests::{TestApp, assert_problem, spawn_app_with};

use crate::files::{pdf, stored_objects, workshop};

/// The EICAR anti-virus test file: harmless, and found by every scanner.
const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A clamd of its own, on a free loopback port, stopped when dropped.
struct Clamd {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts clamd (`CLAMD`, or `clamd` on the path) with the EICAR signature; `None` when there
/// is no clamd here (then `REQUIRE_CLAMD` makes that a failure, as in CI).
async fn clamd() -> Option<Clamd> {
    let program = std::env::var("CLAMD").unwrap_or_else(|_| "clamd".to_owned());
    let found = Command::new(&program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("REQUIRE_CLAMD").is_none(),
            "REQUIRE_CLAMD is set but {program} does not run (Debian: clamav-daemon)"
        );
        eprintln!("skipped: no clamd ({program})");
        return None;
    }
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("db");
    std::fs::create_dir(&db).expect("db dir");
    let hex: String = EICAR.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(
        db.join("eicar.ndb"),
        format!("Eicar-Test-Signature:0:*:{hex}\n"),
    )
    .expect("signature");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("address").port()
    };
    let config = dir.path().join("clamd.conf");
    std::fs::write(
        &config,
        format!(
            "Foreground yes\nTCPSocket {port}\nTCPAddr 127.0.0.1\nDatabaseDirectory {}\n\
             LogFile {}\nPidFile {}\nStreamMaxLength 300M\n",
            db.display(),
            dir.path().join("clamd.log").display(),
            dir.path().join("clamd.pid").display(),
        ),
    )
    .expect("config");
    let child = Command::new(&program)
        .arg(format!("--config-file={}", config.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start clamd");
    let clamd = Clamd {
        child,
        address: format!("127.0.0.1:{port}"),
        _dir: dir,
    };
    for _ in 0..300 {
        if api::clamav::ping(&clamd.address).await.is_ok() {
            return Some(clamd);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("clamd did not answer PING within 30 s");
}

async fn upload(app: &TestApp, token: &str, workshop: i64, name: &str, bytes: Vec<u8>) -> Value {
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/workshops/{workshop}/files/raw?name={name}"),
            Some(token),
        )
        .header("Content-Type", "application/pdf")
        .body(bytes)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 201);
    res.json().await.expect("json")
}

/// Waits until `done` holds of the file's description (or of its absence: `None`).
async fn until(app: &TestApp, token: &str, id: i64, done: impl Fn(Option<&Value>) -> bool) {
    for _ in 0..300 {
        let res = app.get(&format!("/api/v1/files/{id}"), Some(token)).await;
        let body = (res.status() == 200).then_some(res.json::<Value>().await.expect("json"));
        if done(body.as_ref()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("file {id} did not reach the state awaited within 15 s");
}

#[tokio::test]
async fn uploads_are_held_until_clamd_passes_them_and_an_infected_one_is_removed() {
    let Some(clamd) = clamd().await else {
        return;
    };
    let url = format!("tcp://{}", clamd.address);
    let app = spawn_app_with(&[("CLAMAV_URL", url.as_str())]).await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("gaza").await;
    let id = workshop(&app, &admin, platform, true).await;

    // A clean file: held, then readable.
    let clean = upload(&app, &admin, id, "clean.pdf", pdf(40_000)).await;
    let clean_id = clean["id"].as_i64().expect("id");
    if clean["status"] == "pending_scan" {
        let problem = assert_problem(
            app.get(&format!("/api/v1/files/{clean_id}/content"), Some(&admin))
                .await,
            409,
        )
        .await;
        assert_eq!(problem["code"], "pending_scan");
    } else {
        // The scanner may pass it before the answer is read; never `ready` without one.
        assert_eq!(clean["status"], "ready", "{clean}");
    }
    until(&app, &admin, clean_id, |f| {
        f.is_some_and(|f| f["status"] == "ready")
    })
    .await;
    let res = app
        .get(&format!("/api/v1/files/{clean_id}/content"), Some(&admin))
        .await;
    assert_eq!(res.status(), 200);

    // A PDF carrying the EICAR signature: removed, bytes and all, and the trail says why.
    let mut infected = pdf(30_000);
    let at = infected.len() / 2;
    infected.splice(at..at + EICAR.len(), EICAR.iter().copied());
    let bad = upload(&app, &admin, id, "infected.pdf", infected).await;
    let bad_id = bad["id"].as_i64().expect("id");
    until(&app, &admin, bad_id, |f| f.is_none()).await;
    assert_eq!(stored_objects(&app).len(), 1, "only the clean file's bytes");
    let trail = app
        .get_json("/api/v1/audit?entity_type=file&limit=20", Some(&admin))
        .await;
    let infected_entry = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "file.infected")
        .unwrap_or_else(|| panic!("no file.infected entry: {trail}"))
        .clone();
    assert_eq!(infected_entry["entity_id"], bad_id);
    // The uploader is told why their file is gone.
    let inbox = app
        .get_json("/api/v1/me/notifications?limit=20", Some(&admin))
        .await;
    let notice = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|n| n["kind"] == "file.infected")
        .unwrap_or_else(|| panic!("no file.infected notice: {inbox}"))
        .clone();
    assert!(
        notice["body"]["en"]
            .as_str()
            .is_some_and(|b| b.contains("infected.pdf") && b.contains("Eicar-Test-Signature")),
        "{notice}"
    );
    assert_eq!(notice["link"], format!("/api/v1/workshops/{id}/files"));
    assert!(
        infected_entry["changes"]["signature"]
            .as_str()
            .is_some_and(|s| s.contains("Eicar-Test-Signature")),
        "{infected_entry}"
    );
    assert!(
        trail["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|e| e["action"] == "file.scanned" && e["entity_id"] == clean_id),
        "{trail}"
    );
}

#[tokio::test]
async fn while_clamd_does_not_answer_uploads_stay_held() {
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("address").port()
    };
    let url = format!("tcp://127.0.0.1:{port}");
    let app = spawn_app_with(&[("CLAMAV_URL", url.as_str())]).await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("innovation").await;
    let id = workshop(&app, &admin, platform, true).await;
    let file = upload(&app, &admin, id, "held.pdf", pdf(10_000)).await;
    assert_eq!(file["status"], "pending_scan");
    let fid = file["id"].as_i64().expect("id");
    // The job takes it, fails to reach clamd, and leaves it held for a while.
    let taken_until = scan_after_moves(&app, fid, app.state.clock.now()).await;
    let listed = app
        .get_json(&format!("/api/v1/workshops/{id}/files"), Some(&admin))
        .await;
    assert_eq!(listed["items"][0]["status"], "pending_scan");
    assert_problem(
        app.get(&format!("/api/v1/files/{fid}/content"), Some(&admin))
            .await,
        409,
    )
    .await;
    // After that while it is taken up again.
    app.advance_clock(chrono::Duration::minutes(6));
    assert!(app.state.clock.now() > taken_until);
    scan_after_moves(&app, fid, app.state.clock.now()).await;
    let file = app
        .get_json(&format!("/api/v1/files/{fid}"), Some(&admin))
        .await;
    assert_eq!(file["status"], "pending_scan");
}

/// Waits until the scanning job has taken the file after `after` (its `scan_after` moved past
/// it), and answers until when it holds it.
async fn scan_after_moves(
    app: &TestApp,
    id: i64,
    after: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::Utc> {
    use sea_orm::EntityTrait;
    for _ in 0..200 {
        let row = entity::stored_file::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("file")
            .expect("a file");
        if let Some(until) = row.scan_after.filter(|u| *u > after) {
            return until;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the scanning job did not take file {id}");
}
