//! config -> telemetry -> Application::build -> run.

use std::process::ExitCode;

use api::config::{Config, Env};
use api::startup::Application;

#[actix_web::main]
async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
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
