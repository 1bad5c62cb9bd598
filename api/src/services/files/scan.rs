//! Virus scanning: with `CLAMAV_URL` set, every upload is recorded `pending_scan` (described and
//! listed, never read) and this job streams its bytes to clamd. Clean, it becomes `ready`;
//! infected, it is removed with its bytes and the trail says which signature it matched (the
//! feed and the webhooks see it removed). When clamd does not answer, the file stays held and
//! is taken up again later. Replicas share the work: a job takes a file by moving its
//! `scan_after` a few minutes ahead, so another leaves it alone while the scan runs and takes it
//! up if that replica stopped.

use chrono::{DateTime, Utc};
use entity::stored_file;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};

use crate::audit::{Action, Entry};
use crate::clamav::{self, Verdict};
use crate::domain::files::FileStatus;
use crate::error::ApiError;
use crate::state::AppState;

/// How long a taken file is left to the job that took it (and how long a file waits after
/// clamd did not answer).
const LEASE_MINUTES: i64 = 5;

/// What one turn did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// Nothing was waiting (or no scanner is configured).
    Nothing,
    Clean(i64),
    Infected(i64, String),
    /// clamd did not answer or refused the scan: the file stays held.
    Failed(i64),
}

/// Scans the oldest file waiting, if any.
pub async fn scan_next(state: &AppState) -> Result<Scanned, ApiError> {
    let Some(address) = state.config.clamav.as_deref() else {
        return Ok(Scanned::Nothing);
    };
    let now = state.clock.now();
    let Some(file) = take(state, now).await? else {
        return Ok(Scanned::Nothing);
    };
    let bytes = match state.storage.get(&file.storage_key, None).await {
        Ok(fetched) => fetched.body,
        Err(e) => {
            tracing::warn!(file = file.id, error = %e, "a held file could not be read for scanning");
            return Ok(Scanned::Failed(file.id));
        }
    };
    match clamav::scan(address, bytes).await {
        Ok(Verdict::Clean) => {
            pass(state, &file, now).await?;
            Ok(Scanned::Clean(file.id))
        }
        Ok(Verdict::Infected(signature)) => {
            tracing::warn!(file = file.id, signature, "an upload was infected: removed");
            remove_infected(state, file.clone(), &signature, now).await?;
            Ok(Scanned::Infected(file.id, signature))
        }
        Err(e) => {
            tracing::warn!(file = file.id, error = %e, "a held file was not scanned: it stays held");
            Ok(Scanned::Failed(file.id))
        }
    }
}

/// Takes the oldest held file no other job holds: its `scan_after` moves ahead, if nobody moved
/// it meanwhile.
async fn take(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<Option<stored_file::Model>, ApiError> {
    let due = || {
        stored_file::Column::ScanAfter
            .is_null()
            .or(stored_file::Column::ScanAfter.lte(now))
    };
    for _ in 0..3 {
        let Some(file) = stored_file::Entity::find()
            .filter(stored_file::Column::Status.eq(FileStatus::PendingScan.as_str()))
            .filter(due())
            .order_by_asc(stored_file::Column::Id)
            .one(&state.db)
            .await?
        else {
            return Ok(None);
        };
        let lease = now + chrono::Duration::minutes(LEASE_MINUTES);
        let taken = state
            .db
            .execute_raw(Statement::from_sql_and_values(
                state.db.get_database_backend(),
                "UPDATE files SET scan_after = $1 WHERE id = $2 AND status = $3 \
                 AND (scan_after IS NULL OR scan_after <= $4)",
                [
                    lease.into(),
                    file.id.into(),
                    FileStatus::PendingScan.as_str().into(),
                    now.into(),
                ],
            ))
            .await?
            .rows_affected();
        if taken == 1 {
            return Ok(Some(file));
        }
    }
    Ok(None)
}

/// A clean file becomes readable (audited: the feed sees its status change).
async fn pass(
    state: &AppState,
    file: &stored_file::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let changed = txn
        .execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "UPDATE files SET status = $1, scan_after = NULL WHERE id = $2 AND status = $3",
            [
                FileStatus::Ready.as_str().into(),
                file.id.into(),
                FileStatus::PendingScan.as_str().into(),
            ],
        ))
        .await?
        .rows_affected();
    if changed == 1 {
        Entry::new(Action::FileScanned, file.id)
            .platform(file.platform_id)
            .field("status", FileStatus::Ready.as_str())
            .write(&txn, None::<i64>, now)
            .await?;
    }
    Ok(state.commit(txn).await?)
}

/// An infected file is removed as any other (its bytes once that has committed); the trail names
/// the signature.
async fn remove_infected(
    state: &AppState,
    file: stored_file::Model,
    signature: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let entry = Entry::new(Action::FileInfected, file.id)
        .platform(file.platform_id)
        .field("signature", signature);
    super::remove_as(state, file, entry, None::<i64>, now).await
}
