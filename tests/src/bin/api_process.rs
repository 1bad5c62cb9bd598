//! The api as a process of its own, for the tests that kill a server mid-request: configured
//! from the environment only (no `.env`), it prints `listening <port>` once it accepts
//! connections, then serves until it is stopped or killed.

use std::io::Write;

use api::config::{Config, Env};
use api::startup::Application;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let config = match Config::load(&Env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("startup failed: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    println!("listening {}", app.port());
    let _ = std::io::stdout().flush();
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::from(1),
    }
}
