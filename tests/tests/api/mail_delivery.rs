//! The outbox against a real SMTP server process on loopback that is down, then up.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sea_orm::EntityTrait;
use serde_json::json;
use tests::spawn_app_with;

use crate::workshops::scheduled;

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub(crate) fn start_sink(port: u16, dir: &Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtp_sink"))
        .arg(port.to_string())
        .arg(dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("smtp sink starts");
    // Wait until it accepts connections.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("smtp sink did not start");
}

fn delivered(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

#[tokio::test]
async fn mail_waits_while_smtp_is_down_and_goes_out_exactly_once_when_it_returns() {
    let port = free_port();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(&[("SMTP_URL", smtp_url.as_str())]).await;
    let sink_dir = tempfile::tempdir().expect("dir");
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let w = scheduled(&app, &admin, pr, 48, Some(10), "رام الله").await;
    for i in 0..3 {
        let (_, t) = app
            .quick_user(&format!("smtp{i}@example.org"), None, "female", "ar")
            .await;
        let res = app
            .post(
                &format!("/api/v1/workshops/{}/registrations", w["id"]),
                Some(&t),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    // SMTP is down: the messages stay in the outbox with failed attempts recorded.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let rows = entity::outbox::Entity::find()
        .all(&app.db)
        .await
        .expect("outbox");
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.sent_at.is_none()));
    assert!(
        rows.iter()
            .any(|r| r.attempts >= 1 && r.last_error.is_some()),
        "{rows:?}"
    );
    assert!(delivered(sink_dir.path()).is_empty());

    // The server comes up: every message is delivered.
    let mut sink = start_sink(port, sink_dir.path());
    let mut sent = 0;
    for _ in 0..200 {
        let rows = entity::outbox::Entity::find()
            .all(&app.db)
            .await
            .expect("outbox");
        sent = rows.iter().filter(|r| r.sent_at.is_some()).count();
        if sent == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sent, 3);
    // Stopped and started again: nothing is sent twice.
    sink.kill().expect("stop sink");
    let _ = sink.wait();
    let mut sink = start_sink(port, sink_dir.path());
    tokio::time::sleep(Duration::from_millis(800)).await;
    sink.kill().expect("stop sink");
    let _ = sink.wait();
    let mails = delivered(sink_dir.path());
    assert_eq!(mails.len(), 3, "each message exactly once");
    for i in 0..3 {
        let to = format!("smtp{i}@example.org");
        assert_eq!(mails.iter().filter(|m| m.contains(&to)).count(), 1, "{to}");
    }
    assert!(
        mails
            .iter()
            .all(|m| m.contains("text/calendar") && m.contains("method=REQUEST"))
    );
}

#[tokio::test]
async fn every_email_has_its_own_message_id_in_the_senders_domain() {
    let app = tests::spawn_app_with(&[(
        "MAIL_FROM",
        "Exchange Platforms <no-reply@platforms.example.org>",
    )])
    .await;
    let admin = app.admin_token().await;
    for who in ["one@example.org", "two@example.org"] {
        app.create_member(&admin, who, None).await;
    }
    let mails = app.wait_for_mails(2).await;
    let ids: Vec<String> = mails
        .iter()
        .map(|m| m.message_id.clone().expect("a Message-ID"))
        .collect();
    for id in &ids {
        assert!(id.ends_with("@platforms.example.org"), "{id}");
    }
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), ids.len(), "{ids:?}");
}
