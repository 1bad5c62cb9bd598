//! Webhooks as partners receive them: subscriptions and their validation, the outbox written
//! with the change, signed messages in order, retries, 410, redirects, the delivery log and
//! replays — and, with a receiver that verifies every message with the official
//! `standardwebhooks` library, delivery through a receiver that is killed and started again.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app, spawn_app_with};

use crate::workshops::scheduled;

/// One message as an endpoint received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Value,
    pub raw: String,
}

/// An endpoint in this process: keeps what it receives, answers the status it is told.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub status: Arc<AtomicU16>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let got = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(204));
        let (g, s) = (got.clone(), status.clone());
        let server = HttpServer::new(move || {
            let (g, s) = (g.clone(), s.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (g, s) = (g.clone(), s.clone());
                async move {
                    let header = |n: &str| {
                        req.headers()
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let raw = String::from_utf8_lossy(&body).into_owned();
                    let code = s.load(Ordering::SeqCst);
                    if (200..300).contains(&code) {
                        g.lock().expect("lock").push(Received {
                            id: header("webhook-id"),
                            timestamp: header("webhook-timestamp"),
                            signature: header("webhook-signature"),
                            body: serde_json::from_str(&raw).unwrap_or(Value::Null),
                            raw,
                        });
                    }
                    let mut res = HttpResponse::build(
                        actix_web::http::StatusCode::from_u16(code).expect("status"),
                    );
                    if code == 302 {
                        res.insert_header(("location", "http://127.0.0.1:9/elsewhere"));
                    }
                    res.finish()
                }
            }))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind");
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks"),
            got,
            status,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    /// Waits (up to 15 s) until `n` messages arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..300 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{} of {n} messages arrived", self.received().len());
    }
}

/// Subscribes `url` to `events` as `token`; answers (subscription id, secret).
pub async fn subscribe(
    app: &TestApp,
    token: &str,
    url: &str,
    events: &[&str],
    platforms: Option<&[i64]>,
) -> (i64, String) {
    let mut body = json!({"url": url, "event_types": events, "description": "test endpoint"});
    if let Some(p) = platforms {
        body["platform_ids"] = json!(p);
    }
    let res = app.post("/api/v1/webhooks", Some(token), &body).await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    (
        body["webhook"]["id"].as_i64().expect("id"),
        body["secret"].as_str().expect("secret").to_owned(),
    )
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

#[tokio::test]
async fn the_catalogue_lists_every_event_with_the_schema_of_its_messages() {
    let app = spawn_app().await;
    let catalogue = app.get_json("/api/v1/webhooks/event-types", None).await;
    let items = catalogue["items"].as_array().expect("items");
    let names: Vec<&str> = items.iter().filter_map(|e| e["type"].as_str()).collect();
    for wanted in [
        "workshop.scheduled",
        "workshop.updated",
        "workshop.cancelled",
        "workshop.completed",
        "registration.created",
        "registration.waitlisted",
        "registration.promoted",
        "registration.cancelled",
        "membership.requested",
        "membership.approved",
        "election.opened",
        "election.certified",
        "position_paper.status_changed",
        "position_paper.published",
        "partnership.step_recorded",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    let scheduled = items
        .iter()
        .find(|e| e["type"] == "workshop.scheduled")
        .expect("workshop.scheduled");
    assert_eq!(
        scheduled["schema"]["properties"]["type"]["const"],
        "workshop.scheduled"
    );
    assert!(scheduled["schema"]["properties"]["data"]["properties"]["url"].is_object());
    assert!(
        scheduled["description"]["ar"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    // The OpenAPI document describes the same messages under `webhooks`.
    let doc = app.get_json("/openapi.json", None).await;
    assert!(doc["webhooks"]["workshop.scheduled"]["post"]["requestBody"].is_object());
}

#[tokio::test]
async fn bad_subscriptions_are_refused_with_the_field_named_and_nothing_kept() {
    let app = spawn_app_with(&[("WEBHOOKS_ALLOW_PRIVATE_TARGETS", "false")]).await;
    let admin = app.admin_token().await;
    let before = count(&app, "webhook_subscriptions").await;
    let cases = [
        (
            json!({"url": "https://partner.example.org/hooks", "event_types": ["workshop.scheduled", "workshop.exploded"]}),
            "/event_types/1",
            "unknown_event_type",
        ),
        (
            json!({"url": "https://127.0.0.1/hooks", "event_types": ["workshop.scheduled"]}),
            "/url",
            "private_target",
        ),
        (
            json!({"url": "https://10.1.2.3/hooks", "event_types": ["workshop.scheduled"]}),
            "/url",
            "private_target",
        ),
        (
            json!({"url": "https://[::1]/hooks", "event_types": ["workshop.scheduled"]}),
            "/url",
            "private_target",
        ),
        (
            json!({"url": "https://169.254.169.254/latest", "event_types": ["workshop.scheduled"]}),
            "/url",
            "private_target",
        ),
        (
            json!({"url": "https://localhost/hooks", "event_types": ["workshop.scheduled"]}),
            "/url",
            "private_target",
        ),
        (
            json!({"url": "https://partner.example.org/hooks", "event_types": ["workshop.scheduled"], "platform_ids": [999999]}),
            "/platform_ids/0",
            "not_found",
        ),
    ];
    // IPv6 forms that carry a private IPv4 address, and IPv6's own local ranges.
    let embedded = [
        "https://[::127.0.0.1]/hooks",
        "https://[::ffff:0:7f00:1]/hooks",
        "https://[64:ff9b::a9fe:a9fe]/hooks",
        "https://[2002:a9fe:a9fe::]/hooks",
        "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hooks",
        "https://[fec0::1]/hooks",
    ]
    .map(|url| {
        (
            json!({"url": url, "event_types": ["workshop.scheduled"]}),
            "/url",
            "private_target",
        )
    });
    for (body, pointer, code) in cases.into_iter().chain(embedded) {
        let res = app.post("/api/v1/webhooks", Some(&admin), &body).await;
        let problem = assert_problem(res, 422).await;
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .any(|e| e["pointer"] == pointer && e["code"] == code),
            "{body}: {problem}"
        );
    }
    assert_eq!(count(&app, "webhook_subscriptions").await, before);

    // Outside development, plain http is refused too.
    let prod = spawn_app_with(&[
        ("APP_ENV", "production"),
        ("WEBHOOKS_ALLOW_PRIVATE_TARGETS", "false"),
    ])
    .await;
    let admin = prod.admin_token().await;
    let res = prod
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            &json!({"url": "http://partner.example.org/hooks", "event_types": ["workshop.scheduled"]}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/url");
    assert_eq!(problem["errors"][0]["code"], "not_https");

    // Members may not subscribe; a coordinator only to their own platforms.
    let (_, member) = app
        .create_member(&admin_of(&app).await, "m@example.org", None)
        .await;
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&member),
            &json!({"url": "https://partner.example.org/hooks", "event_types": ["workshop.scheduled"]}),
        )
        .await;
    assert_problem(res, 403).await;
    let admin = admin_of(&app).await;
    let (coord_id, coord) = app.create_member(&admin, "c@example.org", None).await;
    let finance = app.platform_id("financial-management").await;
    let engineering = app.platform_id("engineering-planning").await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    for (platforms, pointer, code) in [
        (Value::Null, "/platform_ids", "required"),
        (json!([engineering]), "/platform_ids/0", "not_allowed"),
    ] {
        let mut body = json!({"url": "https://partner.example.org/hooks", "event_types": ["workshop.scheduled"]});
        if !platforms.is_null() {
            body["platform_ids"] = platforms;
        }
        let problem =
            assert_problem(app.post("/api/v1/webhooks", Some(&coord), &body).await, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    assert_eq!(count(&app, "webhook_subscriptions").await, before);
}

async fn admin_of(app: &TestApp) -> String {
    app.admin_token().await
}

/// Verifies a Standard Webhooks signature the way the specification states it (the independent
/// check is the Python test below; this one reads the headers in process).
fn signed_with(secret: &str, m: &Received) -> bool {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("secret");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{}.{}.{}", m.id, m.timestamp, m.raw).as_bytes());
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    m.signature.split(' ').any(|s| s == expected)
}

#[tokio::test]
async fn events_arrive_signed_in_order_and_only_for_the_platforms_asked() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start().await;
    let finance = app.platform_id("financial-management").await;
    let engineering = app.platform_id("engineering-planning").await;
    let (_, secret) = subscribe(
        &app,
        &admin,
        &receiver.url,
        &[
            "workshop.scheduled",
            "workshop.updated",
            "workshop.cancelled",
            "registration.created",
        ],
        Some(&[finance]),
    )
    .await;
    // A workshop elsewhere is not told.
    scheduled(&app, &admin, engineering, 48, Some(10), "نابلس").await;
    let w = scheduled(&app, &admin, finance, 48, Some(10), "رام الله").await;
    let id = w["id"].as_i64().expect("id");
    let res = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/workshops/{id}"),
            Some(&admin),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"capacity": 20}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    let res = app
        .post(
            &format!("/api/v1/workshops/{id}/registrations"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/workshops/{id}/transitions"),
            Some(&admin),
            &json!({"to": "cancelled"}),
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let got = receiver.wait_for(4).await;
    let types: Vec<&str> = got.iter().filter_map(|m| m.body["type"].as_str()).collect();
    assert_eq!(
        types,
        [
            "workshop.scheduled",
            "workshop.updated",
            "registration.created",
            "workshop.cancelled"
        ]
    );
    for m in &got {
        assert!(m.id.starts_with("msg_"), "{}", m.id);
        assert!(signed_with(&secret, m), "signature {}", m.signature);
        assert_eq!(m.body["data"]["platform_id"], finance);
        let at: i64 = m.timestamp.parse().expect("unix seconds");
        assert!((chrono::Utc::now().timestamp() - at).abs() < 60);
    }
    assert_eq!(got[0].body["data"]["id"], id);
    assert_eq!(
        got[0].body["data"]["url"],
        format!("/api/v1/workshops/{id}")
    );
    assert_eq!(got[2].body["data"]["workshop_id"], id);
    assert_eq!(got[3].body["data"]["previous_status"], "scheduled");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4, "nothing else was sent");
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_in_order_a_redirect_is_not_followed_and_410_disables() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start().await;
    let finance = app.platform_id("financial-management").await;
    let (sub, _) = subscribe(&app, &admin, &receiver.url, &["workshop.scheduled"], None).await;
    receiver.status.store(503, Ordering::SeqCst);
    let first = scheduled(&app, &admin, finance, 48, None, "رام الله").await["id"].clone();
    let second = scheduled(&app, &admin, finance, 50, None, "جنين").await["id"].clone();
    // While it fails, the first message is retried and the second waits behind it.
    let log_until = async |done: &dyn Fn(&Value) -> bool| -> Value {
        for _ in 0..200 {
            let log = app
                .get_json(&format!("/api/v1/webhooks/{sub}/deliveries"), Some(&admin))
                .await;
            if done(&log) {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the delivery log did not get there");
    };
    let log = log_until(&|log: &Value| {
        log["items"].as_array().is_some_and(|i| i.len() == 2)
            && log["items"][1]["attempts"].as_i64() >= Some(2)
    })
    .await;
    let items = log["items"].as_array().expect("items");
    let (newest, oldest) = (&items[0], &items[1]);
    assert_eq!(oldest["status"], "pending");
    assert_eq!(oldest["response_code"], 503);
    assert!(oldest["latency_ms"].is_i64());
    assert_eq!(newest["attempts"], 0, "the second waits for the first");
    // A redirect is a failure, not followed.
    receiver.status.store(302, Ordering::SeqCst);
    let log = log_until(&|log: &Value| log["items"][1]["response_code"] == 302).await;
    assert_eq!(log["items"][1]["status"], "pending");
    assert_eq!(log["items"][0]["attempts"], 0);
    // The endpoint recovers: both arrive, in order.
    receiver.status.store(204, Ordering::SeqCst);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].body["data"]["id"], first);
    assert_eq!(got[1].body["data"]["id"], second);
    // 410 Gone: the subscription is disabled and nothing more is sent.
    receiver.status.store(410, Ordering::SeqCst);
    scheduled(&app, &admin, finance, 52, None, "طولكرم").await;
    let mut disabled = Value::Null;
    for _ in 0..100 {
        disabled = app
            .get_json(&format!("/api/v1/webhooks/{sub}"), Some(&admin))
            .await;
        if disabled["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(disabled["enabled"], false, "{disabled}");
    assert!(
        disabled["disabled_reason"]
            .as_str()
            .is_some_and(|r| r.contains("410"))
    );
    receiver.status.store(204, Ordering::SeqCst);
    scheduled(&app, &admin, finance, 54, None, "قلقيلية").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn deliveries_are_replayed_with_their_webhook_id_and_a_rotated_secret_signs_twice() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start().await;
    let other = Receiver::start().await;
    let finance = app.platform_id("financial-management").await;
    let (sub, old_secret) =
        subscribe(&app, &admin, &receiver.url, &["workshop.scheduled"], None).await;
    let (other_sub, _) = subscribe(&app, &admin, &other.url, &["workshop.scheduled"], None).await;
    let since = chrono::Utc::now() - chrono::Duration::seconds(5);
    scheduled(&app, &admin, finance, 48, None, "رام الله").await;
    scheduled(&app, &admin, finance, 49, None, "نابلس").await;
    let got = receiver.wait_for(2).await;
    other.wait_for(2).await;
    let log = app
        .get_json(
            &format!("/api/v1/webhooks/{sub}/deliveries?status=succeeded"),
            Some(&admin),
        )
        .await;
    let first = log["items"][1]["id"].as_i64().expect("delivery");
    assert_eq!(log["items"][1]["msg_id"], got[0].id.as_str());
    assert_eq!(log["items"][1]["response_code"], 204);

    // One delivery again: the same webhook-id.
    let res = app
        .post(
            &format!("/api/v1/webhooks/{sub}/deliveries/{first}/replay"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 202);
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].id, got[0].id);
    assert_eq!(got[2].body, got[0].body);
    // Another subscription's delivery cannot be replayed through this one.
    let other_log = app
        .get_json(
            &format!("/api/v1/webhooks/{other_sub}/deliveries"),
            Some(&admin),
        )
        .await;
    let theirs = other_log["items"][0]["id"].as_i64().expect("delivery");
    let res = app
        .post(
            &format!("/api/v1/webhooks/{sub}/deliveries/{theirs}/replay"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_problem(res, 404).await;
    // Every delivery of a time range, in order.
    let res = app
        .post(
            &format!("/api/v1/webhooks/{sub}/replay"),
            Some(&admin),
            &json!({"since": since}),
        )
        .await;
    assert_eq!(res.status(), 202);
    assert_eq!(res.json::<Value>().await.expect("json")["replayed"], 2);
    let got = receiver.wait_for(5).await;
    assert_eq!(got[3].id, got[0].id);
    assert_eq!(got[4].id, got[1].id);
    let res = app
        .post(
            &format!("/api/v1/webhooks/{sub}/replay"),
            Some(&admin),
            &json!({"since": since, "until": since - chrono::Duration::seconds(1)}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/until"
    );

    // Rotation: both secrets sign during the grace period.
    let res = app
        .post(
            &format!("/api/v1/webhooks/{sub}/rotate-secret"),
            Some(&admin),
            &json!({"grace_seconds": 3600}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let new_secret = res.json::<Value>().await.expect("json")["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert_ne!(new_secret, old_secret);
    scheduled(&app, &admin, finance, 50, None, "جنين").await;
    let got = receiver.wait_for(6).await;
    let m = &got[5];
    assert_eq!(m.signature.split(' ').count(), 2, "{}", m.signature);
    assert!(signed_with(&new_secret, m) && signed_with(&old_secret, m));
    // The secret is never shown again.
    let shown = app
        .get_json(&format!("/api/v1/webhooks/{sub}"), Some(&admin))
        .await;
    assert!(shown.get("secret").is_none());
    assert!(!shown.to_string().contains("whsec_"));
}

/// The Python that runs an outside verifier with `module` (`standardwebhooks`, `cryptography`):
/// `WEBHOOK_VERIFIER_PYTHON`, or `python3` when it has the library. `None` skips the test (CI
/// sets `REQUIRE_WEBHOOK_VERIFIER=1`, which makes a missing verifier a failure).
pub fn verifier_python(module: &str) -> Option<String> {
    let python = std::env::var("WEBHOOK_VERIFIER_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_library = std::process::Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_library {
        return Some(python);
    }
    assert!(
        std::env::var_os("REQUIRE_WEBHOOK_VERIFIER").is_none(),
        "REQUIRE_WEBHOOK_VERIFIER is set but {python} cannot import {module}"
    );
    eprintln!("skipped: no Python with the {module} library (see tests/webhooks/requirements.txt)");
    None
}

struct PythonReceiver(std::process::Child);

impl PythonReceiver {
    async fn start(python: &str, port: u16, secret: &str, log: &std::path::Path) -> PythonReceiver {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/webhooks/receiver.py");
        let child = std::process::Command::new(python)
            .args([
                script,
                &port.to_string(),
                secret,
                &log.display().to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the receiver starts");
        let receiver = PythonReceiver(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return receiver;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the receiver did not listen on {port}");
    }

    fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for PythonReceiver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn log_lines(log: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test]
async fn a_receiver_verifying_with_the_official_library_gets_every_event_across_its_restart() {
    let Some(python) = verifier_python("standardwebhooks") else {
        return;
    };
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("received.jsonl");
    let url = format!("http://127.0.0.1:{port}/hooks");
    let (_, secret) = subscribe(
        &app,
        &admin,
        &url,
        &[
            "workshop.scheduled",
            "registration.created",
            "workshop.updated",
        ],
        None,
    )
    .await;
    let receiver = PythonReceiver::start(&python, port, &secret, &log).await;

    // Events before, while and after the receiver is down.
    let mut expected = Vec::new();
    for i in 0..6 {
        let w = scheduled(&app, &admin, finance, 48 + i, Some(30), "رام الله").await;
        expected.push(w["id"].as_i64().expect("id"));
    }
    receiver.kill();
    for i in 6..12 {
        let w = scheduled(&app, &admin, finance, 48 + i, Some(30), "نابلس").await;
        expected.push(w["id"].as_i64().expect("id"));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let receiver = PythonReceiver::start(&python, port, &secret, &log).await;
    for i in 12..18 {
        let w = scheduled(&app, &admin, finance, 48 + i, Some(30), "الخليل").await;
        expected.push(w["id"].as_i64().expect("id"));
    }
    let mut seen: Vec<i64> = Vec::new();
    for _ in 0..300 {
        let lines = log_lines(&log);
        seen = lines
            .iter()
            .filter(|l| l["type"] == "workshop.scheduled")
            .filter_map(|l| l["data"]["id"].as_i64())
            .collect();
        if expected.iter().all(|id| seen.contains(id)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(receiver);
    let lines = log_lines(&log);
    assert!(
        lines.iter().all(|l| l.get("rejected").is_none()),
        "the library rejected a message: {lines:?}"
    );
    for id in &expected {
        assert!(
            seen.contains(id),
            "workshop {id} never arrived verified: {seen:?}"
        );
    }
    // In order of the changes; a message that arrived twice carries the same webhook-id both times.
    let firsts: Vec<i64> = seen.iter().fold(Vec::new(), |mut acc, id| {
        if !acc.contains(id) {
            acc.push(*id);
        }
        acc
    });
    assert_eq!(firsts, expected);
    let mut by_id: std::collections::HashMap<String, Value> = std::collections::HashMap::new();
    for l in &lines {
        let id = l["webhook_id"].as_str().expect("id").to_owned();
        if let Some(prev) = by_id.insert(id.clone(), l["data"].clone()) {
            assert_eq!(prev, l["data"], "{id} carried two different messages");
        }
    }
    assert_eq!(by_id.len(), expected.len(), "one webhook-id per event");
}

#[tokio::test]
async fn replaying_a_range_twice_queues_it_once_and_the_queue_is_bounded() {
    let app = spawn_app_with(&[("WEBHOOK_MAX_QUEUED", "3")]).await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start().await;
    let finance = app.platform_id("financial-management").await;
    let (sub, _) = subscribe(&app, &admin, &receiver.url, &["workshop.scheduled"], None).await;
    let since = chrono::Utc::now() - chrono::Duration::seconds(5);
    for hours in [48, 49] {
        scheduled(&app, &admin, finance, hours, None, "رام الله").await;
    }
    receiver.wait_for(2).await;
    // The endpoint fails from now on, so what is replayed stays queued.
    receiver.status.store(503, Ordering::SeqCst);
    let replay = |body: Value| {
        let app = &app;
        let admin = &admin;
        async move {
            app.post(
                &format!("/api/v1/webhooks/{sub}/replay"),
                Some(admin),
                &body,
            )
            .await
        }
    };
    let res = replay(json!({"since": since})).await;
    assert_eq!(res.status(), 202);
    assert_eq!(res.json::<Value>().await.expect("json")["replayed"], 2);
    let queued = count(&app, "webhook_deliveries").await;
    // The same range again, while those wait: nothing more is queued.
    for _ in 0..3 {
        let res = replay(json!({"since": since})).await;
        assert_eq!(res.status(), 202);
        assert_eq!(res.json::<Value>().await.expect("json")["replayed"], 0);
    }
    assert_eq!(count(&app, "webhook_deliveries").await, queued);
    // One message again while it waits: the waiting send is the answer, nothing is added.
    let log = app
        .get_json(
            &format!("/api/v1/webhooks/{sub}/deliveries?status=succeeded"),
            Some(&admin),
        )
        .await;
    let first = log["items"][0]["id"].as_i64().expect("delivery");
    let res = app
        .post(
            &format!("/api/v1/webhooks/{sub}/deliveries/{first}/replay"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 202);
    let waiting: Value = res.json().await.expect("json");
    assert_eq!(waiting["status"], "pending");
    assert_ne!(waiting["id"], first);
    assert_eq!(count(&app, "webhook_deliveries").await, queued);
    // Two more messages would pass the bound of 3 waiting: refused, nothing queued.
    for hours in [50, 51] {
        scheduled(&app, &admin, finance, hours, None, "نابلس").await;
    }
    let all = count(&app, "webhook_deliveries").await;
    let res = replay(json!({"since": since, "status": "succeeded"})).await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/until", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "too_many", "{problem}");
    assert_eq!(count(&app, "webhook_deliveries").await, all);
}

#[tokio::test]
async fn one_person_may_make_only_so_many_subscriptions() {
    let app = spawn_app_with(&[("WEBHOOK_MAX_SUBSCRIPTIONS", "2")]).await;
    let admin = app.admin_token().await;
    let (first, _) = subscribe(
        &app,
        &admin,
        "https://partner.example.org/a",
        &["workshop.scheduled"],
        None,
    )
    .await;
    subscribe(
        &app,
        &admin,
        "https://partner.example.org/b",
        &["workshop.scheduled"],
        None,
    )
    .await;
    let before = count(&app, "webhook_subscriptions").await;
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            &json!({"url": "https://partner.example.org/c", "event_types": ["workshop.scheduled"]}),
        )
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "limit_reached");
    assert_eq!(count(&app, "webhook_subscriptions").await, before);
    // Deleting one makes room.
    let res = app
        .delete(&format!("/api/v1/webhooks/{first}"), Some(&admin))
        .await;
    assert_eq!(res.status(), 204);
    subscribe(
        &app,
        &admin,
        "https://partner.example.org/c",
        &["workshop.scheduled"],
        None,
    )
    .await;
}

#[tokio::test]
async fn a_subscription_stops_when_its_creator_loses_the_rights_it_was_made_with() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    for case in ["term ended", "deactivated"] {
        let receiver = Receiver::start().await;
        let (id, coordinator) = app
            .quick_user(
                &format!("{}@example.org", case.replace(' ', "-")),
                None,
                "male",
                "ar",
            )
            .await;
        app.make_coordinator(finance, id, "coordinator").await;
        let (sub, _) = subscribe(
            &app,
            &coordinator,
            &receiver.url,
            &["workshop.scheduled"],
            Some(&[finance]),
        )
        .await;
        scheduled(&app, &admin, finance, 48, None, "رام الله").await;
        receiver.wait_for(1).await;
        if case == "term ended" {
            app.db
                .execute_raw(Statement::from_sql_and_values(
                    app.db.get_database_backend(),
                    "UPDATE coordinator_terms SET ended_at = $1 WHERE user_id = $2",
                    [chrono::Utc::now().into(), id.into()],
                ))
                .await
                .expect("end the term");
        } else {
            let res = app
                .patch(
                    &format!("/api/v1/users/{id}"),
                    Some(&admin),
                    &json!({"is_active": false}),
                )
                .await;
            assert_eq!(res.status(), 200, "{case}");
        }
        // A members-only workshop of the platform is not told to the former coordinator.
        let private = app
            .post(
                "/api/v1/workshops",
                Some(&admin),
                &json!({"platform_id": finance, "title": {"ar": "ورشة للأعضاء", "en": "Members only"},
                        "starts_at": chrono::Utc::now() + chrono::Duration::hours(50),
                        "ends_at": chrono::Utc::now() + chrono::Duration::hours(52),
                        "venue": {"city": "رام الله", "address": "قاعة"}, "status": "scheduled",
                        "is_public": false}),
            )
            .await;
        assert_eq!(private.status(), 201, "{case}");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            receiver.received().len(),
            1,
            "{case}: nothing more was sent"
        );
        let shown = app
            .get_json(&format!("/api/v1/webhooks/{sub}"), Some(&admin))
            .await;
        assert_eq!(shown["enabled"], false, "{case}: {shown}");
    }
}

#[tokio::test]
async fn a_subscription_is_changed_with_the_version_last_read() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let (id, _) = subscribe(
        &app,
        &admin,
        "https://hooks.example.org/exchange",
        &["workshop.scheduled"],
        None,
    )
    .await;
    let path = format!("/api/v1/webhooks/{id}");
    let read = app.get(&path, Some(&admin)).await;
    assert_eq!(read.status(), 200);
    let tag = read.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(tag.starts_with("\"1"), "{tag}");
    let patch = |tag: Option<&str>, body: Value| {
        let mut req = app
            .request(reqwest::Method::PATCH, &path, Some(&admin))
            .json(&body);
        if let Some(t) = tag {
            req = req.header("If-Match", t);
        }
        req.send()
    };
    let audited = || count(&app, "audit_log");
    let before = audited().await;
    let res = patch(None, json!({"description": "no tag"}))
        .await
        .expect("patch");
    assert_eq!(assert_problem(res, 428).await["code"], "version_required");
    let res = patch(Some("\"7\""), json!({"description": "stale"}))
        .await
        .expect("patch");
    assert_eq!(assert_problem(res, 412).await["code"], "stale_version");
    assert_eq!(audited().await, before, "a refused edit records nothing");
    let res = patch(Some(&tag), json!({"description": "the ministry's portal"}))
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    let new_tag = res.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(new_tag.starts_with("\"2"), "{new_tag}");
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["description"], "the ministry's portal");
    assert_eq!(audited().await, before + 1);
    // The tag read before the edit is stale now.
    let res = patch(Some(&tag), json!({"enabled": false}))
        .await
        .expect("patch");
    assert_eq!(assert_problem(res, 412).await["code"], "stale_version");
    // Another person's subscription stays out of reach whatever the tag.
    let (_, member) = app
        .quick_user("hooks-member@example.org", None, "female", "ar")
        .await;
    let res = app
        .request(reqwest::Method::PATCH, &path, Some(&member))
        .header("If-Match", new_tag.as_str())
        .json(&json!({"enabled": false}))
        .send()
        .await
        .expect("patch");
    assert!(
        matches!(res.status().as_u16(), 403 | 404),
        "{}",
        res.status()
    );
}
