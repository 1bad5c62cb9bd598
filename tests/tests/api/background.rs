//! The background jobs under their supervisor: woken by commits, draining a backlog without
//! waiting for the poll, and stopping cleanly with the server.

use std::time::{Duration, Instant};

use api::domain::MailKind;
use api::startup::Application;
use entity::outbox;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use tests::{TestApp, spawn_app_with};

use crate::workshops::scheduled;

/// A poll interval longer than any of these tests: only wake-ups and back-to-back batches can
/// deliver in time.
const SLOW_POLL: (&str, &str) = ("OUTBOX_POLL_MS", "600000");

async fn queue(app: &TestApp, n: usize) {
    let now = chrono::Utc::now();
    for i in 0..n {
        outbox::ActiveModel {
            kind: Set(MailKind::WorkshopReminder),
            recipient: Set(format!("backlog{i}@example.org")),
            subject: Set(format!("رسالة {i}")),
            text_body: Set("نص".to_owned()),
            html_body: Set("<p>نص</p>".to_owned()),
            ics: Set(None),
            attempts: Set(0),
            next_attempt_at: Set(now - chrono::Duration::seconds(1)),
            sent_at: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("queued");
    }
}

async fn unsent(app: &TestApp) -> u64 {
    outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .count(&app.db)
        .await
        .expect("count")
}

async fn wait_until(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_committed_registration_wakes_the_mail_job_without_waiting_for_the_poll() {
    let app = spawn_app_with(&[SLOW_POLL]).await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let w = scheduled(&app, &admin, pr, 48, Some(10), "نابلس").await;
    let (_, t) = app
        .quick_user("woken@example.org", None, "female", "ar")
        .await;
    let res = app
        .post(
            &format!("/api/v1/workshops/{}/registrations", w["id"]),
            Some(&t),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 201);
    wait_until(
        "the confirmation goes out",
        Duration::from_secs(10),
        async || unsent(&app).await == 0,
    )
    .await;
}

#[tokio::test]
async fn a_committed_change_a_partner_subscribed_to_wakes_the_webhook_job_without_waiting_for_the_poll()
 {
    let app = spawn_app_with(&[SLOW_POLL]).await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let receiver = crate::webhooks::Receiver::start().await;
    crate::webhooks::subscribe(&app, &admin, &receiver.url, &["workshop.scheduled"], None).await;
    // Writes that queue no message first (nothing subscribed to a draft), then one that does.
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": pr, "title": {"ar": "مسودة"}, "status": "draft",
                    "starts_at": chrono::Utc::now() + chrono::Duration::days(3),
                    "ends_at": chrono::Utc::now() + chrono::Duration::days(3) + chrono::Duration::hours(2),
                    "venue": {"city": "نابلس"}}),
        )
        .await;
    let status = res.status();
    assert_eq!(status, 201, "{}", res.text().await.unwrap_or_default());
    let w = scheduled(&app, &admin, pr, 48, Some(10), "نابلس").await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "only the scheduled workshop is told");
    assert_eq!(got[0].body["type"], "workshop.scheduled");
    assert_eq!(got[0].body["data"]["id"], w["id"]);
}

/// On PostgreSQL a message is handed out once every older transaction has ended. A wake-up that
/// finds its message still held back so does not wait for the next poll: the job looks again
/// shortly, and delivers it once the older transaction ends (here with no write after it to wake
/// the job again).
#[tokio::test]
async fn a_message_an_older_transaction_held_back_is_delivered_once_it_ends() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_app_with(&[SLOW_POLL]).await;
    if !app.database.is_postgres() {
        eprintln!("skipped: SQLite hands out a message as soon as it commits");
        return;
    }
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let receiver = crate::webhooks::Receiver::start().await;
    crate::webhooks::subscribe(&app, &admin, &receiver.url, &["workshop.scheduled"], None).await;
    // A transaction with an id, older than the workshop's, left open.
    let older = app.db.begin().await.expect("begin");
    older
        .execute_unprepared("SELECT pg_current_xact_id()")
        .await
        .expect("an id");
    let w = scheduled(&app, &admin, pr, 48, Some(10), "نابلس").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        receiver.received().is_empty(),
        "held back while the older one runs"
    );
    older.rollback().await.expect("rollback");
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].body["data"]["id"], w["id"]);
}

#[tokio::test]
async fn a_backlog_drains_batch_after_batch_once_woken() {
    let app = spawn_app_with(&[SLOW_POLL]).await;
    let n = 1_000;
    queue(&app, n).await;
    let started = Instant::now();
    app.state.wake.mail();
    // Five batches' worth: one wake-up must be enough, the job keeps going while work is due.
    wait_until("the backlog drains", Duration::from_secs(60), async || {
        unsent(&app).await == 0
    })
    .await;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "drained {n} messages in {secs:.2} s ({:.0}/s)",
        n as f64 / secs
    );
    let files = std::fs::read_dir(&app.mail_dir).expect("mail dir").count();
    assert_eq!(files, n, "each message written exactly once");
}

#[tokio::test]
async fn the_jobs_run_once_per_server_and_stop_with_it_leaving_nothing_half_sent() {
    let app = spawn_app_with(&[SLOW_POLL]).await;
    let second = Application::build(app.config.clone())
        .await
        .expect("a second server builds");
    let state = second.state();
    let handle = second.server_handle();
    // Five jobs (mail, webhooks, reminders, housekeeping, scans), once each, whatever runs beside
    // them on the same database.
    wait_until("the jobs start", Duration::from_secs(5), async || {
        state.wake.running() == 5
    })
    .await;
    assert_eq!(app.state.wake.running(), 5);
    let served = tokio::spawn(second.run_until_stopped());
    queue(&app, 600).await;
    state.wake.mail();
    tokio::time::sleep(Duration::from_millis(30)).await;
    handle.stop(true).await;
    served
        .await
        .expect("the server task ends")
        .expect("the server stops cleanly");
    assert_eq!(state.wake.running(), 0, "its jobs stopped with the server");
    assert_eq!(
        app.state.wake.running(),
        5,
        "the other server's jobs run on"
    );
    // Whatever the stopped server claimed, it finished: no message is left leased and unsent.
    let now = chrono::Utc::now();
    let leased = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::NextAttemptAt.gt(now))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(leased, 0);
}

/// The drain rate through a real SMTP server on loopback, for `BENCHMARKS.md`:
/// `DRAIN_MESSAGES=10000 cargo test --release -p tests drain_rate -- --ignored --nocapture`
/// (with `TEST_DATABASE_URL` for PostgreSQL).
#[tokio::test]
#[ignore = "a measurement, run by hand"]
async fn drain_rate_through_smtp() {
    let n: usize = std::env::var("DRAIN_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let port = crate::mail_delivery::free_port();
    let sink_dir = tempfile::tempdir().expect("dir");
    let mut sink = crate::mail_delivery::start_sink(port, sink_dir.path());
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(&[SLOW_POLL, ("SMTP_URL", smtp.as_str())]).await;
    queue(&app, n).await;
    let started = Instant::now();
    app.state.wake.mail();
    wait_until("the backlog drains", Duration::from_secs(600), async || {
        unsent(&app).await == 0
    })
    .await;
    let secs = started.elapsed().as_secs_f64();
    sink.kill().expect("stop sink");
    let _ = sink.wait();
    eprintln!(
        "drained {n} messages through SMTP in {secs:.2} s ({:.0}/s)",
        n as f64 / secs
    );
}
