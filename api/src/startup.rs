//! Building and running the server: database, migrations, first admin, routes, middleware.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use entity::user;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    EntityTrait, QueryFilter, Set,
};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::password;
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::{self, Gender, Locale, Role};
use crate::email::Mailer;
use crate::error::query_error;
use crate::limiter::RateLimiter;
use crate::rate_limit;
use crate::route_table::path_error;
use crate::services::jobs::supervisor::Supervisor;
use crate::state::AppState;
use crate::state::Wake;
use crate::{middleware, openapi, routes};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("mail: {0}")]
    Mail(String),
    #[error("first admin: {0}")]
    Admin(String),
    #[error("password hashing: {0}")]
    Hashing(String),
    #[error("{0}")]
    Prepare(String),
}

/// A built server, bound and ready to run.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    supervisor: Supervisor,
}

/// Opens the pool; a SQLite file is created when missing. Fail fast: a database that is down,
/// hung or locked costs a request at most `DATABASE_TIMEOUT_MS` (then 503 with `Retry-After`),
/// for a connection, a connect, a statement (PostgreSQL's `statement_timeout`) or a lock
/// (SQLite's `busy_timeout`).
pub async fn connect(config: &Config) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = pool_options(config, config.database_timeout);
    options
        .max_connections(config.database_max_connections)
        .statement_timeout(config.database_timeout);
    Database::connect(options).await
}

/// What every pool shares: the URL (`mode=rwc` for SQLite) and the waits.
fn pool_options(config: &Config, timeout: Duration) -> ConnectOptions {
    let mut url = config.database_url.clone();
    if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("mode=rwc");
    }
    let mut options = ConnectOptions::new(url);
    options
        .min_connections(1)
        .connect_timeout(timeout)
        .acquire_timeout(timeout)
        .map_sqlx_sqlite_opts(move |o| o.busy_timeout(timeout))
        // A connection idle for a while is checked (a round trip) before it is handed out; one
        // in use a moment ago is not. Checking every one, the driver's default, cost a round
        // trip per statement outside a transaction and per transaction: three more for a page
        // of replies, one more for a registration. (HikariCP's `aliveBypassWindowMs` is the
        // same rule, at 500 ms.)
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .sqlx_logging(false);
    options
}

/// How long a pooled connection may sit idle and still be handed out without a check.
const PING_IF_IDLE_FOR: Duration = Duration::from_millis(500);

/// How long start-up work (migrations on a large database) may take per statement.
const PREPARE_TIMEOUT: Duration = Duration::from_secs(60);

/// Creates the configured admin when the database has no admin yet.
async fn ensure_first_admin(db: &DatabaseConnection, config: &Config) -> Result<(), StartupError> {
    let (Some(email), Some(pw)) = (&config.admin_email, &config.admin_password) else {
        return Ok(());
    };
    let has_admin = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .one(db)
        .await?
        .is_some();
    if has_admin {
        return Ok(());
    }
    let email = domain::normalize_email(email);
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?
        .is_some()
    {
        return Err(StartupError::Admin(format!(
            "{email} exists and is not an admin; promote it or choose another ADMIN_EMAIL"
        )));
    }
    let hash = password::hash(pw.clone())
        .await
        .map_err(|e| StartupError::Admin(e.to_string()))?;
    let now = chrono::Utc::now();
    user::ActiveModel {
        search_text: Set(domain::search::fold_all([email.as_str(), "Administrator"])),
        email: Set(email.clone()),
        name_ar: Set("مسؤول النظام".to_owned()),
        name_en: Set("Administrator".to_owned()),
        gender: Set(Gender::Female),
        local_authority_id: Set(None),
        job_title: Set(None),
        locale: Set(Locale::Ar),
        role: Set(Role::Admin),
        is_active: Set(true),
        email_verified_at: Set(Some(now)),
        password_hash: Set(Some(hash)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    tracing::info!(email, "first admin created");
    Ok(())
}

/// Held while one replica migrates and loads: on PostgreSQL a session advisory lock on a
/// connection of its own, so that replicas started together wait for the first instead of
/// racing it (the lock ends with the session, so a replica that dies mid-way releases it). A
/// SQLite file belongs to one process, so there is nothing to take.
struct StartupLock(Option<DatabaseConnection>);

/// The advisory lock's key: "platform" in ASCII, the same for every replica of this service.
const STARTUP_LOCK_KEY: i64 = 0x706c_6174_666f_726d;

impl StartupLock {
    async fn take(config: &Config) -> Result<StartupLock, StartupError> {
        if !config.database_url.starts_with("postgres") {
            return Ok(StartupLock(None));
        }
        let mut options = ConnectOptions::new(config.database_url.clone());
        options
            .max_connections(1)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let session = Database::connect(options).await?;
        session
            .execute_unprepared(&format!("SELECT pg_advisory_lock({STARTUP_LOCK_KEY})"))
            .await?;
        Ok(StartupLock(Some(session)))
    }

    async fn release(self) -> Result<(), StartupError> {
        if let Some(session) = self.0 {
            session
                .execute_unprepared(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK_KEY})"))
                .await?;
            session.close().await?;
        }
        Ok(())
    }
}

/// Migrations, the first admin and the reference data: done once however many replicas start
/// together (each step also skips what is already there).
/// Runs on a pool of its own, without the serving pool's statement timeout: a migration may
/// rightly take longer than a request.
async fn prepare(config: &Config) -> Result<(), StartupError> {
    let lock = StartupLock::take(config).await?;
    let mut options = pool_options(config, PREPARE_TIMEOUT);
    options.max_connections(2);
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    ensure_first_admin(&db, config).await?;
    crate::seed::load(&db).await?;
    crate::seed::load_reread(&db).await?;
    crate::seed::load_activities(&db).await?;
    crate::seed::load_documents(&db).await?;
    crate::seed::load_practices(&db).await?;
    crate::seed::load_launch_workshops(&db).await?;
    crate::seed::index_workshops(&db).await?;
    crate::services::events::changes::backfill(&db, chrono::Utc::now())
        .await
        .map_err(|e| StartupError::Prepare(format!("changes feed: {e}")))?;
    db.close().await?;
    lock.release().await
}

impl Application {
    /// Connects, migrates, bootstraps and binds; does not serve until `run_until_stopped`.
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        if config.generated_jwt_secret {
            tracing::warn!(
                "JWT_SECRET is not set: using a random secret; tokens will not survive a restart"
            );
        }
        prepare(&config).await?;
        let db = connect(&config).await?;
        let mailer = Arc::new(Mailer::new(&config).map_err(StartupError::Mail)?);
        let listener =
            TcpListener::bind(config.bind_addr).map_err(|source| StartupError::Bind {
                addr: config.bind_addr.to_string(),
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: config.bind_addr.to_string(),
                source,
            })?
            .port();
        let state = web::Data::new(AppState {
            db,
            jwt: JwtKeys::new(&config),
            mailer,
            dummy_hash: password::dummy_hash().map_err(|e| StartupError::Hashing(e.to_string()))?,
            clock: Clock::default(),
            rate_limiter: RateLimiter::new(
                config.limits.requests_per_user,
                config.limits.requests_per_address,
            ),
            wake: Wake::default(),
            webhook_client: crate::services::events::webhooks::client(&config.webhooks)
                .map_err(|e| StartupError::Prepare(e.to_string()))?,
            storage: crate::storage::Storage::open(&config.storage)
                .await
                .map_err(StartupError::Prepare)?,
            config: Arc::new(config),
        });
        let supervisor = Supervisor::start(state.clone().into_inner());
        let server = server(state.clone(), listener)?;
        tracing::info!(port, "listening");
        Ok(Application {
            port,
            server,
            state,
            supervisor,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state, for tests that inspect side effects.
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// A handle that stops the server (as SIGTERM would), for tests and embedding.
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests (up to 30 s) and lets
    /// the background jobs finish their batch in hand (up to 30 s).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.supervisor.shutdown().await;
        served
    }
}

fn cors(origins: &[String]) -> Cors {
    use actix_web::http::header::HeaderName;
    let cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::ACCEPT,
            actix_web::http::header::ACCEPT_LANGUAGE,
            actix_web::http::header::IF_MATCH,
            actix_web::http::header::IF_NONE_MATCH,
            crate::idempotency::IDEMPOTENCY_KEY,
            middleware::REQUEST_ID,
            // A PDF read by ranges, and a resumable upload (tus).
            actix_web::http::header::RANGE,
            actix_web::http::header::IF_RANGE,
            HeaderName::from_static("tus-resumable"),
            HeaderName::from_static("upload-length"),
            HeaderName::from_static("upload-metadata"),
            HeaderName::from_static("upload-offset"),
            HeaderName::from_static("upload-checksum"),
        ])
        .expose_headers([
            middleware::REQUEST_ID,
            actix_web::http::header::CONTENT_DISPOSITION,
            actix_web::http::header::CONTENT_LANGUAGE,
            actix_web::http::header::ETAG,
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::LOCATION,
            rate_limit::RATELIMIT,
            rate_limit::RATELIMIT_POLICY,
            crate::idempotency::REPLAYED,
            actix_web::http::header::CONTENT_LOCATION,
            actix_web::http::header::CONTENT_RANGE,
            actix_web::http::header::ACCEPT_RANGES,
            HeaderName::from_static("tus-resumable"),
            HeaderName::from_static("tus-version"),
            HeaderName::from_static("tus-extension"),
            HeaderName::from_static("tus-max-size"),
            HeaderName::from_static("tus-checksum-algorithm"),
            HeaderName::from_static("upload-offset"),
            HeaderName::from_static("upload-length"),
            HeaderName::from_static("upload-expires"),
        ])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        return cors.allow_any_origin();
    }
    origins.iter().fold(cors, |c, o| c.allowed_origin(o))
}

/// The handler of `/openapi.json`: the document serialized at start.
fn serve_document(
    document: web::Bytes,
) -> impl Fn() -> std::future::Ready<actix_web::HttpResponse> + Clone + 'static {
    move || {
        std::future::ready(
            actix_web::HttpResponse::Ok()
                .content_type("application/json")
                .body(document.clone()),
        )
    }
}

fn server(state: web::Data<AppState>, listener: TcpListener) -> Result<Server, StartupError> {
    let document = openapi::document();
    let routes = web::Data::new(crate::route_table::RouteTable::from_document(&document));
    // Serialized once and shared by every worker: the document is large, and a copy per worker
    // would cost memory for nothing.
    let document = web::Bytes::from(serde_json::to_vec(&document).unwrap_or_default());
    let workers = state.config.workers;
    let server = HttpServer::new(move || {
        // The plain router: the document was collected above, once.
        let app = App::new()
            .app_data(state.clone())
            .app_data(routes.clone())
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .configure(|cfg| routes::configure(&mut routes::Routes::Plain(cfg)));
        // Without configured origins there is nothing for CORS to allow: skip its work.
        app.wrap(from_fn(middleware::known_query))
            .wrap(from_fn(crate::idempotency::idempotency))
            .wrap(from_fn(rate_limit::rate_limit))
            .wrap(from_fn(crate::conditional::conditional))
            .wrap(actix_web::middleware::Condition::new(
                !state.config.cors_origins.is_empty(),
                cors(&state.config.cors_origins),
            ))
            .wrap(from_fn(middleware::request_context))
            .wrap(actix_web::middleware::Compress::default())
            .wrap(from_fn(crate::conditional::codings))
            .wrap(from_fn(middleware::head_as_get))
            .route(
                "/openapi.json",
                web::get().to(serve_document(document.clone())),
            )
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/openapi.json")),
            )
            .service(web::redirect("/docs", "/docs/"))
            .default_service(web::to(routes::fallback::not_found_or_method))
    })
    .workers(workers)
    .shutdown_timeout(30)
    .listen(listener)
    .map_err(|source| StartupError::Bind {
        addr: "listener".to_owned(),
        source,
    })?
    .run();
    Ok(server)
}
