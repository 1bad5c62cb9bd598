//! What every handler shares.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::LoginThrottle;
use crate::clock::Clock;
use crate::config::Config;
use crate::email::Mailer;

/// Shared state, cloned cheaply into each worker as `web::Data<AppState>`.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
    pub mailer: Arc<Mailer>,
    pub throttle: LoginThrottle,
    /// Spent on unknown accounts so that login takes as long as for known ones.
    pub dummy_hash: String,
    pub clock: Clock,
}
