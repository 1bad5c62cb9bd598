//! What every handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::email::Mailer;
use crate::limiter::RateLimiter;

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

/// Wakes the background jobs that wait for new work (the supervisor, in `services`, runs them).
/// Cheap to call; several calls before a job looks count as one.
#[derive(Clone, Default)]
pub struct Wake {
    mail: Arc<Notify>,
    webhooks: Arc<Notify>,
    /// Job loops running for this state (one per job while the server runs).
    running: Arc<AtomicUsize>,
}

impl Wake {
    /// How many job loops are running for this server.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// Something committed may have queued mail.
    pub fn mail(&self) {
        self.mail.notify_one();
    }

    /// Something committed may have queued webhook messages.
    pub fn webhooks(&self) {
        self.webhooks.notify_one();
    }

    /// What the mail job waits on.
    pub fn mail_signal(&self) -> Arc<Notify> {
        self.mail.clone()
    }

    /// What the webhook job waits on.
    pub fn webhooks_signal(&self) -> Arc<Notify> {
        self.webhooks.clone()
    }

    /// The count a job loop keeps itself in while it runs.
    pub fn running_count(&self) -> &Arc<AtomicUsize> {
        &self.running
    }
}
