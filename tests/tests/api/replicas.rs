//! Several replicas on one database: started at the same moment on an empty database, they all
//! come up, and the schema, the first admin and the reference data are made once.

use std::collections::HashMap;

use api::config::Config;
use api::startup::Application;
use sea_orm::{ConnectionTrait, Statement};
use tests::TestDatabase;

fn replica_config(database: &TestDatabase, mail_dir: &std::path::Path) -> Config {
    let env: HashMap<String, String> = [
        ("DATABASE_URL", database.url.as_str()),
        ("BIND_ADDR", "127.0.0.1:0"),
        ("JWT_SECRET", tests::JWT_SECRET),
        ("ADMIN_EMAIL", tests::ADMIN_EMAIL),
        ("ADMIN_PASSWORD", tests::ADMIN_PASSWORD),
        ("MAIL_DIR", &mail_dir.display().to_string()),
        ("WORKERS", "1"),
        ("DATABASE_MAX_CONNECTIONS", "4"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    Config::load(&env).expect("replica configuration")
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

/// PostgreSQL only (the production shape, run in CI's PostgreSQL pass): the SQLite default is one
/// process's file.
#[tokio::test]
async fn three_replicas_started_together_on_an_empty_database_all_come_up() {
    let database = TestDatabase::create().await;
    if !database.url.starts_with("postgres") {
        eprintln!("replicas share a PostgreSQL database; nothing to race on a SQLite file");
        return;
    }
    let mail = tempfile::tempdir().expect("mail dir");
    let config = replica_config(&database, mail.path());
    let (a, b, c) = tokio::join!(
        Application::build(config.clone()),
        Application::build(config.clone()),
        Application::build(config.clone()),
    );
    for (name, built) in [("first", &a), ("second", &b), ("third", &c)] {
        if let Err(e) = built {
            panic!("the {name} replica failed to start: {e}");
        }
    }
    let db = sea_orm::Database::connect(&database.url)
        .await
        .expect("connect");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM users WHERE role = 'admin'").await,
        1,
        "one first admin"
    );
    let platforms = count(&db, "SELECT COUNT(*) FROM platforms").await;
    assert!(platforms > 0, "the reference data is loaded");
    let seeded = count(&db, "SELECT COUNT(*) FROM seed_runs").await;
    let fresh = TestDatabase::create().await;
    let single = Application::build(replica_config(&fresh, mail.path()))
        .await
        .expect("one replica alone");
    drop(single);
    let alone = sea_orm::Database::connect(&fresh.url)
        .await
        .expect("connect");
    assert_eq!(
        platforms,
        count(&alone, "SELECT COUNT(*) FROM platforms").await,
        "the same reference data as one replica alone loads, not more"
    );
    assert_eq!(
        seeded,
        count(&alone, "SELECT COUNT(*) FROM seed_runs").await
    );
}

/// PostgreSQL only, as above: replicas draining one outbox at once (each job looking every
/// 10 ms, and eight more claimers on each, in batches of 200) send every message, and each
/// exactly once — a claim leases its rows in one statement, skips the rows another is leasing,
/// and takes none that another has leased since it looked.
#[tokio::test]
async fn replicas_draining_one_outbox_send_each_message_exactly_once() {
    const MESSAGES: i64 = 900;
    let database = TestDatabase::create().await;
    if !database.url.starts_with("postgres") {
        eprintln!("replicas share a PostgreSQL database; nothing to race on a SQLite file");
        return;
    }
    let dirs = [
        tempfile::tempdir().expect("mail dir"),
        tempfile::tempdir().expect("mail dir"),
    ];
    let config = |dir: &tempfile::TempDir| {
        let mut config = replica_config(&database, dir.path());
        config.outbox_poll_ms = 10;
        config
    };
    let first = Application::build(config(&dirs[0])).await.expect("first");
    let second = Application::build(config(&dirs[1])).await.expect("second");
    let db = sea_orm::Database::connect(&database.url)
        .await
        .expect("connect");
    db.execute_unprepared(&format!(
        "INSERT INTO outbox (kind, recipient, subject, text_body, html_body, attempts, \
         next_attempt_at, created_at) \
         SELECT 'invitation', 'person' || i || '@example.org', 'دعوة ' || i, 'نص', '<p>نص</p>', 0, \
         now(), now() FROM generate_series(1, {MESSAGES}) AS i"
    ))
    .await
    .expect("queue the messages");
    // Besides each replica's mail job, eight more claimers per replica, all at once.
    let claimers = [first.state(), second.state()]
        .into_iter()
        .flat_map(|state| {
            (0..8).map(move |_| {
                let state = state.clone();
                async move {
                    while api::services::jobs::outbox::deliver_due(&state)
                        .await
                        .expect("a batch")
                        .sent
                        > 0
                    {}
                }
            })
        });
    futures_util::future::join_all(claimers).await;
    let mut unsent = MESSAGES;
    for _ in 0..600 {
        unsent = count(&db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await;
        if unsent == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(unsent, 0, "every message sent within 30 s");
    let sent: Vec<Vec<tests::Mail>> = dirs.iter().map(|d| tests::mails_in(d.path())).collect();
    let per_replica: Vec<usize> = sent.iter().map(Vec::len).collect();
    let mut recipients: Vec<String> = sent.into_iter().flatten().map(|m| m.to).collect();
    eprintln!("sent by each replica: {per_replica:?}");
    recipients.sort();
    let all = recipients.len();
    recipients.dedup();
    assert_eq!(all, MESSAGES as usize, "as many mails as messages");
    assert_eq!(recipients.len(), all, "no message sent twice");
    drop((first, second));
}
