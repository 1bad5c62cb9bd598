//! What every handler shares.

use std::cell::Cell;
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
    /// Where uploaded files are kept.
    pub storage: crate::storage::Storage,
}

impl AppState {
    /// Commits a write, then wakes the background jobs: a message or a webhook it queued goes
    /// out at once instead of at the next poll. Within a request (see [`Wake::noting`]) only the
    /// job that was given work is woken; elsewhere both are.
    pub async fn commit(&self, txn: DatabaseTransaction) -> Result<(), DbErr> {
        txn.commit().await?;
        self.wake.after_commit();
        Ok(())
    }
}

tokio::task_local! {
    /// What the request's writes queued since its last commit (`MAIL`, `WEBHOOKS`).
    static QUEUED: Cell<u8>;
}
const MAIL: u8 = 1;
const WEBHOOKS: u8 = 2;

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

    /// Runs a request noting what its writes queue, so that its commits wake only the jobs
    /// given work: a busy minute of writes that send nothing does not send the jobs looking.
    pub async fn noting<F: Future>(request: F) -> F::Output {
        QUEUED.scope(Cell::new(0), request).await
    }

    /// Wakes the jobs a commit gave work: within a request, those its writes queued work for
    /// since its last commit; elsewhere both.
    pub fn after_commit(&self) {
        let queued = QUEUED.try_with(|q| q.replace(0)).unwrap_or(MAIL | WEBHOOKS);
        if queued & MAIL != 0 {
            self.mail();
        }
        if queued & WEBHOOKS != 0 {
            self.webhooks();
        }
    }

    /// A message was written to the mail outbox (in the transaction about to commit).
    pub fn queued_mail() {
        let _ = QUEUED.try_with(|q| q.set(q.get() | MAIL));
    }

    /// Webhook messages were written for delivery (in the transaction about to commit).
    pub fn queued_webhooks() {
        let _ = QUEUED.try_with(|q| q.set(q.get() | WEBHOOKS));
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Whether (mail, webhooks) were woken since last asked.
    async fn woken(wake: &Wake) -> (bool, bool) {
        let now = |signal: Arc<Notify>| async move {
            tokio::time::timeout(Duration::from_millis(20), signal.notified())
                .await
                .is_ok()
        };
        (
            now(wake.mail_signal()).await,
            now(wake.webhooks_signal()).await,
        )
    }

    #[tokio::test]
    async fn a_commit_wakes_only_the_jobs_its_request_gave_work() {
        let wake = Wake::default();
        Wake::noting(async { wake.after_commit() }).await;
        assert_eq!(woken(&wake).await, (false, false), "nothing queued");

        Wake::noting(async {
            Wake::queued_mail();
            wake.after_commit();
            // What the first commit took is not woken again by the next.
            wake.after_commit();
        })
        .await;
        assert_eq!(woken(&wake).await, (true, false), "mail queued");
        assert_eq!(woken(&wake).await, (false, false), "woken twice");

        Wake::noting(async {
            Wake::queued_webhooks();
            wake.after_commit();
        })
        .await;
        assert_eq!(woken(&wake).await, (false, true), "webhooks queued");

        // Outside a request (a background job's commit): both, as nobody noted what was queued.
        wake.after_commit();
        assert_eq!(woken(&wake).await, (true, true), "outside a request");
    }
}
