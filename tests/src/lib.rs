//! Test harness: each test gets the real server on a random port with its own fresh database
//! (a SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` is set), removed after.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use api::config::Config;
use api::startup::Application;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const ADMIN_PASSWORD: &str = "correct horse battery";
pub const JWT_SECRET: &str = "test-secret-that-is-long-enough-0123456789";
pub const MEMBER_PASSWORD: &str = "member password 42";

/// A database that exists for one test only.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("test_{}", uuid::Uuid::new_v4().simple());
                let conn = sea_orm::Database::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                sea_orm::ConnectionTrait::execute_unprepared(
                    &conn,
                    &format!("CREATE DATABASE \"{name}\""),
                )
                .await
                .expect("create test database");
                let _ = conn.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_owned())
                    .expect("database URL has a path");
                TestDatabase {
                    url: format!("{base}/{name}"),
                    admin_url: Some(admin_url),
                    name,
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("test.db");
                TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    admin_url: None,
                    name: String::new(),
                    _dir: Some(dir),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.admin_url.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(admin_url) = self.admin_url.clone() else {
            return;
        };
        let name = self.name.clone();
        // Drop runs inside the test's runtime; a separate thread gets a runtime of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(conn) = sea_orm::Database::connect(&admin_url).await {
                    let _ = sea_orm::ConnectionTrait::execute_unprepared(
                        &conn,
                        &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    )
                    .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// A running server and what a test needs to talk to it and inspect its effects.
pub struct TestApp {
    pub address: String,
    /// The server's shared state, to move its clock.
    pub state: actix_web::web::Data<api::state::AppState>,
    /// The configuration it was started with, to start another server beside it.
    pub config: Config,
    pub client: reqwest::Client,
    pub db: sea_orm::DatabaseConnection,
    pub mail_dir: PathBuf,
    pub database: TestDatabase,
    /// The directory its files are kept in (unless a test names another store).
    pub storage_dir: PathBuf,
    _mail: tempfile::TempDir,
    _storage: tempfile::TempDir,
}

/// One email as the recipient would read it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The text/calendar attachment, when there is one.
    pub ics: Option<String>,
    /// The `Message-ID` header, without its angle brackets.
    pub message_id: Option<String>,
}

/// Starts the server with the default test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the server with some variables changed.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let database = TestDatabase::create().await;
    let mail = tempfile::tempdir().expect("mail dir");
    let storage = tempfile::tempdir().expect("storage dir");
    let mut env: HashMap<String, String> = [
        ("DATABASE_URL", database.url.as_str()),
        ("BIND_ADDR", "127.0.0.1:0"),
        ("JWT_SECRET", JWT_SECRET),
        ("ADMIN_EMAIL", ADMIN_EMAIL),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("MAIL_DIR", &mail.path().display().to_string()),
        ("STORAGE_URL", &storage.path().display().to_string()),
        ("PUBLIC_BASE_URL", "https://platforms.example.org"),
        ("WORKERS", "2"),
        ("DATABASE_MAX_CONNECTIONS", "8"),
        ("OUTBOX_POLL_MS", "50"),
        ("OUTBOX_MAX_BACKOFF_SECS", "1"),
        // Tests drive many requests from one address quickly, and a loaded CI machine is slow:
        // the request-rate and timeout tests set their own values.
        ("RATE_LIMIT_ADDRESS_PER_MINUTE", "100000"),
        ("RATE_LIMIT_USER_PER_MINUTE", "100000"),
        ("POSTS_PER_MINUTE", "100000"),
        ("DATABASE_TIMEOUT_MS", "10000"),
        ("REQUEST_TIMEOUT_MS", "30000"),
        // Webhook receivers in tests listen on loopback, and retries come quickly.
        ("WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true"),
        ("WEBHOOK_RETRY_BASE_MS", "200"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (k, v) in overrides {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let config = Config::load(&env).expect("test configuration");
    if std::env::var_os("TEST_LOG").is_some() {
        api::telemetry::init(api::config::LogFormat::Pretty);
    }
    let app = Application::build(config.clone())
        .await
        .expect("server builds");
    let port = app.port();
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    let db = sea_orm::Database::connect(&database.url)
        .await
        .expect("test connection");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        state,
        config,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        mail_dir: mail.path().to_path_buf(),
        database,
        storage_dir: storage.path().to_path_buf(),
        _mail: mail,
        _storage: storage,
    }
}

impl TestApp {
    /// Starts a second server on the same database (as a restart would) and returns its address.
    pub async fn restart(&self) -> String {
        let app = Application::build(self.config.clone())
            .await
            .expect("server rebuilds");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        format!("http://127.0.0.1:{port}")
    }

    /// Moves the server's clock forward.
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.state.clock.advance(by);
    }

    /// The id of a platform by its slug.
    pub async fn platform_id(&self, slug: &str) -> i64 {
        let page: Value = self
            .get("/api/v1/platforms?limit=100", None)
            .await
            .json()
            .await
            .expect("json");
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|p| p["slug"] == slug)
            .and_then(|p| p["id"].as_i64())
            .unwrap_or_else(|| panic!("no platform {slug}"))
    }

    /// GET and parse JSON, asserting 200.
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let res = self.get(path, token).await;
        assert_eq!(res.status(), 200, "GET {path}");
        res.json().await.expect("json")
    }

    /// Makes a user an active member of a platform directly in the database (test set-up).
    pub async fn make_member(&self, platform_id: i64, user_id: i64) {
        use sea_orm::{ActiveModelTrait, Set};
        let now = chrono::Utc::now();
        entity::membership::ActiveModel {
            platform_id: Set(platform_id),
            user_id: Set(user_id),
            status: Set(api::domain::MembershipStatus::Active),
            requested_at: Set(now),
            decided_at: Set(Some(now)),
            decided_by: Set(None),
            left_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("membership");
    }

    /// Makes a user the sitting coordinator (or deputy) of a platform directly in the database.
    pub async fn make_coordinator(&self, platform_id: i64, user_id: i64, seat: &str) {
        use sea_orm::{ActiveModelTrait, Set};
        self.make_member(platform_id, user_id).await;
        entity::coordinator_term::ActiveModel {
            platform_id: Set(platform_id),
            user_id: Set(user_id),
            seat: Set(api::domain::Seat::parse(seat).expect("a seat")),
            election_id: Set(None),
            started_at: Set(chrono::Utc::now()),
            ended_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("term");
    }

    /// Inserts an active user directly and signs an access token for them (fast set-up for
    /// tests that need many people; the login flow has tests of its own).
    pub async fn quick_user(
        &self,
        email: &str,
        authority: Option<i64>,
        gender: &str,
        locale: &str,
    ) -> (i64, String) {
        use sea_orm::{ActiveModelTrait, Set};
        let now = chrono::Utc::now();
        let user = entity::user::ActiveModel {
            email: Set(email.to_owned()),
            search_text: Set(email.to_owned()),
            name_ar: Set(format!("مشارك {email}")),
            name_en: Set(format!("Participant {email}")),
            gender: Set(api::domain::Gender::parse(gender).expect("a gender")),
            local_authority_id: Set(authority),
            job_title: Set(None),
            locale: Set(api::domain::Locale::parse(locale).expect("a locale")),
            role: Set(api::domain::Role::Member),
            is_active: Set(true),
            email_verified_at: Set(Some(now)),
            password_hash: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("user");
        // A session for the token to belong to, as a login would open.
        let session = uuid::Uuid::new_v4().simple().to_string();
        entity::refresh_token::ActiveModel {
            user_id: Set(user.id),
            family: Set(session.clone()),
            token_hash: Set(uuid::Uuid::new_v4().simple().to_string()),
            expires_at: Set(now + chrono::Duration::days(1)),
            rotated_at: Set(None),
            revoked_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("session");
        let claims = json!({"iss": "exchange-platforms", "aud": "exchange-platforms-api",
                            "sub": user.id.to_string(), "iat": now.timestamp(),
                            "nbf": now.timestamp(), "exp": now.timestamp() + 3600, "jti": uuid::Uuid::new_v4().to_string(),
                            "sid": session});
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
        )
        .expect("token");
        (user.id, token)
    }

    /// Emails written so far to one recipient.
    pub fn mails_to(&self, email: &str) -> Vec<Mail> {
        self.mails().into_iter().filter(|m| m.to == email).collect()
    }

    /// Waits (up to 10 s) until `email` has at least `n` emails.
    pub async fn wait_for_mails_to(&self, email: &str, n: usize) -> Vec<Mail> {
        for _ in 0..200 {
            let mails = self.mails_to(email);
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {n} emails to {email}, found {}",
            self.mails_to(email).len()
        );
    }

    /// Creates a thematic platform as the admin and returns its id.
    pub async fn create_platform(&self, admin: &str, slug: &str) -> i64 {
        let res = self
            .post(
                "/api/v1/platforms",
                Some(admin),
                &json!({"name": {"ar": format!("منصة {slug}"), "en": format!("Platform {slug}")},
                        "slug": slug, "kind": "thematic"}),
            )
            .await;
        assert_eq!(res.status(), 201, "create platform {slug}");
        let body: Value = res.json().await.expect("json");
        body["id"].as_i64().expect("id")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.client.request(method, self.url(path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token)
            .send()
            .await
            .expect("request")
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Response {
        self.request(method, path, token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::POST, path, token, body).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::PATCH, path, token, body).await
    }

    /// A PATCH with `If-Match` (an ETag as read, or a bare version such as `"2"`).
    pub async fn patch_if(&self, path: &str, token: &str, etag: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(token))
            .header("If-Match", etag)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token)
            .send()
            .await
            .expect("request")
    }

    /// Logs in and returns the whole token response.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let res = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(res.status(), 200, "login of {email} failed");
        res.json().await.expect("token json")
    }

    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await["access_token"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    /// Creates a local authority as the admin and returns its id.
    pub async fn create_authority(&self, admin: &str, ar: &str, en: &str) -> i64 {
        self.create_authority_in(admin, (ar, en), ("الخليل", "south"))
            .await
    }

    /// Creates a municipality in a governorate and region as the admin and returns its id.
    pub async fn create_authority_in(
        &self,
        admin: &str,
        (ar, en): (&str, &str),
        (governorate, region): (&str, &str),
    ) -> i64 {
        let res = self
            .post(
                "/api/v1/local-authorities",
                Some(admin),
                &json!({"name": {"ar": ar, "en": en}, "kind": "municipality",
                        "governorate": governorate, "region": region}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let body: Value = res.json().await.expect("json");
        body["id"].as_i64().expect("id")
    }

    /// Invites a member, accepts the invitation from the email, and returns (id, access token).
    pub async fn create_member(
        &self,
        admin: &str,
        email: &str,
        authority: Option<i64>,
    ) -> (i64, String) {
        let before = self.mails_to(email).len();
        let res = self
            .post(
                "/api/v1/users",
                Some(admin),
                &json!({"email": email, "name": {"ar": "عضو تجريبي", "en": "Test Member"},
                        "gender": "female", "local_authority_id": authority, "locale": "en"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let user: Value = res.json().await.expect("json");
        // The invitation is this address's newest email (others may be written meanwhile).
        let mail = self
            .wait_for_mails_to(email, before + 1)
            .await
            .pop()
            .expect("invitation");
        let token = link_token(&mail.text, "accept-invitation");
        let res = self
            .post(
                "/api/v1/auth/invitations/accept",
                None,
                &json!({"token": token, "password": MEMBER_PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let tokens: Value = res.json().await.expect("json");
        (
            user["id"].as_i64().expect("id"),
            tokens["access_token"].as_str().expect("token").to_owned(),
        )
    }

    /// Every email written so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        mails_in(&self.mail_dir)
    }

    /// Waits (up to 10 s) until at least `n` emails exist, since mail is sent after commit.
    pub async fn wait_for_mails(&self, n: usize) -> Vec<Mail> {
        for _ in 0..200 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} emails, found {}", self.mails().len());
    }
}

/// The `token` query parameter of the first link to `path` in a text.
pub fn link_token(text: &str, path: &str) -> String {
    let marker = format!("/{path}?token=");
    let start = text.find(&marker).expect("link in mail") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Asserts a problem+json answer with the given status and returns its body.
pub async fn assert_problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "unexpected status");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(ct, "application/problem+json");
    let body: Value = res.json().await.expect("problem json");
    assert_eq!(body["status"].as_u64(), Some(u64::from(status)));
    for field in ["type", "title", "detail", "instance", "code"] {
        assert!(body[field].is_string(), "problem lacks {field}: {body}");
    }
    assert_documented(&body);
    body
}

/// A path template's segments (`None` for a parameter) and the problem codes listed for it.
type PathCodes = (Vec<Option<String>>, std::collections::BTreeSet<String>);

/// The problem codes the OpenAPI document lists for each path (any method), by path template.
fn documented_codes() -> &'static Vec<PathCodes> {
    static CODES: std::sync::OnceLock<Vec<PathCodes>> = std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let doc = api::openapi::document();
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let segments = path
                .trim_matches('/')
                .split('/')
                .map(|s| (!s.contains('{')).then(|| s.to_owned()))
                .collect();
            let mut codes = std::collections::BTreeSet::new();
            for op in item.as_object().expect("item").values() {
                for response in op["responses"]
                    .as_object()
                    .into_iter()
                    .flat_map(|r| r.values())
                {
                    // A shared answer is a reference into `components.responses`.
                    let response = match response["$ref"].as_str() {
                        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(response),
                        None => response,
                    };
                    let examples = &response["content"]["application/problem+json"]["examples"];
                    codes.extend(
                        examples
                            .as_object()
                            .into_iter()
                            .flat_map(|e| e.keys().cloned()),
                    );
                }
            }
            out.push((segments, codes));
        }
        out
    })
}

/// Every problem a test meets must be one the document lists for its path, with its own `type`.
fn assert_documented(body: &Value) {
    let code = body["code"].as_str().unwrap_or_default();
    // Any path may be asked with a method it does not answer.
    if code == "method_not_allowed" {
        return;
    }
    assert_eq!(
        body["type"].as_str(),
        Some(format!("urn:problem:{}", code.replace('_', "-")).as_str()),
        "type and code disagree: {body}"
    );
    let instance = body["instance"].as_str().unwrap_or_default();
    let wanted: Vec<&str> = instance.trim_matches('/').split('/').collect();
    let matching: Vec<_> = documented_codes()
        .iter()
        .filter(|(segments, _)| {
            segments.len() == wanted.len()
                && segments
                    .iter()
                    .zip(&wanted)
                    .all(|(s, w)| s.as_deref().is_none_or(|lit| lit == *w))
        })
        .collect();
    if matching.is_empty() {
        // An unknown path: only a 404 or a 405 is possible there.
        assert!(
            code == "not_found" || code == "method_not_allowed" || code == "control_character",
            "{body}"
        );
        return;
    }
    assert!(
        matching.iter().any(|(_, codes)| codes.contains(code)),
        "problem `{code}` at {instance} is not in the OpenAPI document: {body}"
    );
}

/// Every email the file transport wrote in `dir`, oldest first.
pub fn mails_in(dir: &std::path::Path) -> Vec<Mail> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|raw| {
            let msg = mail_parser::MessageParser::default().parse(&raw)?;
            Some(Mail {
                to: msg
                    .to()
                    .and_then(|a| a.first())
                    .and_then(|a| a.address())
                    .unwrap_or_default()
                    .to_owned(),
                subject: msg.subject().unwrap_or_default().to_owned(),
                text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                html: msg.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
                ics: msg
                    .attachments()
                    .find(|a| mail_parser::MimeHeaders::is_content_type(*a, "text", "calendar"))
                    .and_then(|a| a.text_contents().map(str::to_owned)),
                message_id: msg.message_id().map(str::to_owned),
            })
        })
        .collect()
}

/// The Python of the outside libraries' venv (`tests/webhooks/requirements.txt`), named by
/// `WEBHOOK_VERIFIER_PYTHON`; `None` (the test is skipped, and says so) when it is not set,
/// unless `REQUIRE_WEBHOOK_VERIFIER` says it must be (as in CI).
pub fn outside_python() -> Option<std::ffi::OsString> {
    let python = std::env::var_os("WEBHOOK_VERIFIER_PYTHON");
    if python.is_none() {
        assert!(
            std::env::var_os("REQUIRE_WEBHOOK_VERIFIER").is_none(),
            "WEBHOOK_VERIFIER_PYTHON is required (the venv of tests/webhooks/requirements.txt)"
        );
        eprintln!("skipped: WEBHOOK_VERIFIER_PYTHON is not set");
    }
    python
}
