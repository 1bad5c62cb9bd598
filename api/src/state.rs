//! What every handler shares.

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::email::Mailer;
use crate::rate_limit::RateLimiter;
use crate::services::supervisor::Wake;

/// Shared state, cloned cheaply into each worker as `web::Data<AppState>`.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
    pub mailer: Arc<Mailer>,
    /// Spent on unknown accounts so that login takes as long as for known ones.
    pub dummy_hash: String,
    pub clock: Clock,
    /// Request rates per caller, counted by this replica.
    pub rate_limiter: RateLimiter,
    /// Wakes the background jobs when a write may have given them work.
    pub wake: Wake,
    /// The HTTP client of webhook deliveries.
    pub webhook_client: reqwest::Client,
}

impl AppState {
    /// Commits a write, then wakes the background jobs: a message or a webhook it queued goes
    /// out at once instead of at the next poll.
    pub async fn commit(&self, txn: DatabaseTransaction) -> Result<(), DbErr> {
        txn.commit().await?;
        self.wake.mail();
        self.wake.webhooks();
        Ok(())
    }
}
