//! config -> telemetry -> Application::build -> run.

use std::process::ExitCode;

use api::config::{Config, Env};
use api::startup::Application;

#[actix_web::main]
async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    // `api healthcheck`: the container's probe (exit 0 when `/health/ready` answers 200).
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        let bind = std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
        return match api::probe::target(&bind) {
            Some(addr) if api::probe::ready(addr) => ExitCode::SUCCESS,
            _ => ExitCode::from(1),
        };
    }
    let config = match Config::load(&Env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    api::telemetry::init(config.log_format);
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "startup failed");
            eprintln!("startup failed: {e}");
            return ExitCode::from(1);
        }
    };
    match app.run_until_stopped().await {
        Ok(()) => {
            tracing::info!("stopped gracefully");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            ExitCode::from(1)
        }
    }
}
