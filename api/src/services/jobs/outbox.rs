//! The mail outbox. A change that sends mail writes the message here in its own transaction;
//! the supervised mail job (`services::jobs::supervisor`) delivers due messages after commit, several
//! at a time, retrying with exponential backoff while the SMTP server is unreachable, and marks
//! each one sent once. Each message is leased before it is sent, so replicas never send twice.

use chrono::{DateTime, DurationRound, Utc};
use entity::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::MailKind;
use crate::email::Email;
use crate::error::ApiError;
use crate::state::AppState;

/// Writes a message to the outbox (inside the caller's transaction).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: MailKind,
    email: Email,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    // Not read back: the mail's texts would travel to the database and back.
    outbox::Entity::insert(outbox::ActiveModel {
        kind: Set(kind),
        recipient: Set(email.to.to_string()),
        subject: Set(email.subject),
        text_body: Set(email.text),
        html_body: Set(email.html),
        ics: Set(email.ics),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    crate::state::Wake::queued_mail();
    Ok(())
}

/// Mail queued as a part of another statement (PostgreSQL's data-modifying `WITH`): the part
/// that inserts `mail` into the outbox, due at the instant in placeholder `$due`, its values
/// appended to `values`; `None` when there is none. Whoever runs the statement calls
/// [`crate::state::Wake::queued_mail`] once it has.
pub fn insert_part(
    values: &mut Vec<sea_orm::Value>,
    mail: &[(MailKind, Email)],
    due: usize,
) -> Option<String> {
    if mail.is_empty() {
        return None;
    }
    let rows: Vec<String> = mail
        .iter()
        .map(|(kind, email)| {
            let n = values.len();
            values.extend([
                kind.as_str().into(),
                email.to.to_string().into(),
                email.subject.clone().into(),
                email.text.clone().into(),
                email.html.clone().into(),
                email.ics.clone().into(),
            ]);
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, 0, ${due}, NULL, NULL, ${due})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6
            )
        })
        .collect();
    Some(format!(
        "mail AS (INSERT INTO outbox (kind, recipient, subject, text_body, html_body, ics, \
         attempts, next_attempt_at, sent_at, last_error, created_at) VALUES {})",
        rows.join(", ")
    ))
}

fn backoff(attempts: i32, max_secs: u64) -> chrono::Duration {
    let secs = 1u64
        .checked_shl(attempts.clamp(0, 20) as u32)
        .unwrap_or(u64::MAX)
        .min(max_secs.max(1));
    chrono::Duration::seconds(secs as i64)
}

/// How many due messages one batch takes.
pub const BATCH: u64 = 200;
/// How many messages are in flight at once: enough to keep an SMTP relay busy, few enough not to
/// look like a flood (and within the database pool).
pub const CONCURRENCY: usize = 8;
/// How long a claimed message is reserved for the worker that claimed it.
const LEASE_SECS: i64 = 60;

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// The batch was full: more may be due right away.
    pub more: bool,
}

/// Delivers a batch of due messages, several at a time.
pub async fn deliver_due(state: &AppState) -> Result<Delivered, ApiError> {
    use futures_util::StreamExt;
    use sea_orm::sea_query::ExprTrait;
    let now = state.clock.now();
    let (mine, more) = claim(state, now).await?;
    let outcomes: Vec<Result<Option<i64>, ApiError>> = futures_util::stream::iter(mine)
        .map(|msg| send_one(state, msg, now))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut sent_ids = Vec::new();
    for outcome in outcomes {
        sent_ids.extend(outcome?);
    }
    if !sent_ids.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::SentAt, Expr::value(state.clock.now()))
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .col_expr(
                outbox::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .filter(outbox::Column::Id.is_in(sent_ids.iter().copied()))
            .exec(&state.db)
            .await?;
        tracing::info!(sent = sent_ids.len(), "mail delivered");
    }
    Ok(Delivered {
        sent: sent_ids.len(),
        more,
    })
}

/// Leases a batch of due messages to this worker in one statement, so that another worker (a
/// replica) does not send them too, and answers the ones it got, in order. A message whose
/// lease runs out (its worker died) is due again. On PostgreSQL the rows another worker is
/// leasing at the same moment are skipped rather than waited for; SQLite has one writer.
async fn claim(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<(Vec<outbox::Model>, bool), ApiError> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};
    let lease = (now + chrono::Duration::seconds(LEASE_SECS))
        .duration_trunc(chrono::TimeDelta::microseconds(1))
        .unwrap_or(now);
    let backend = state.db.get_database_backend();
    if backend == DbBackend::Sqlite && !any_due(state, now).await? {
        // An `UPDATE` takes SQLite's one write lock even when it changes nothing: an idle
        // outbox looked at every poll would contend with every write.
        return Ok((Vec::new(), false));
    }
    // The due ones from `ix_outbox_due`, in due order, and checked again by the update itself.
    // On PostgreSQL they are chosen once (a materialized CTE: a subquery under `IN` can be run
    // again for the update, and with `SKIP LOCKED` return other rows, which another claim
    // holds) and the rows another claim is leasing are skipped.
    let sql = match backend {
        DbBackend::Postgres => {
            "WITH due AS MATERIALIZED (SELECT id FROM outbox WHERE sent_at IS NULL \
             AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3 \
             FOR UPDATE SKIP LOCKED) \
             UPDATE outbox SET next_attempt_at = $1 FROM due WHERE outbox.id = due.id \
             AND outbox.sent_at IS NULL AND outbox.next_attempt_at <= $2 RETURNING outbox.*"
        }
        _ => {
            "UPDATE outbox SET next_attempt_at = $1 WHERE id IN (SELECT id FROM outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $2 ORDER BY next_attempt_at, id \
             LIMIT $3) AND sent_at IS NULL AND next_attempt_at <= $2 RETURNING *"
        }
    };
    let mut mine = outbox::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [lease.into(), now.into(), (BATCH as i64).into()],
    ))
    .all(&state.db)
    .await?;
    mine.sort_unstable_by_key(|m| m.id);
    let more = mine.len() as u64 == BATCH;
    Ok((mine, more))
}

/// Whether a message is due (read only).
async fn any_due(state: &AppState, now: DateTime<Utc>) -> Result<bool, ApiError> {
    use sea_orm::QuerySelect;
    let first: Option<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .into_tuple()
        .one(&state.db)
        .await?;
    Ok(first.is_some())
}

/// Sends one claimed message; answers its id when it went out, and records a failure for retry.
async fn send_one(
    state: &AppState,
    msg: outbox::Model,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ApiError> {
    let Ok(to) = msg.recipient.parse() else {
        tracing::error!(id = msg.id, "outbox recipient is not a mailbox; dropped");
        mark(
            state,
            msg.id,
            Some(now),
            msg.attempts + 1,
            None,
            Some("bad recipient".into()),
        )
        .await?;
        return Ok(None);
    };
    let email = Email {
        to,
        subject: msg.subject,
        text: msg.text_body,
        html: msg.html_body,
        ics: msg.ics,
    };
    match state.mailer.send(email).await {
        Ok(()) => Ok(Some(msg.id)),
        Err(error) => {
            let attempts = msg.attempts + 1;
            let retry = state.clock.now() + backoff(attempts, state.config.outbox_max_backoff_secs);
            tracing::warn!(
                id = msg.id,
                attempts,
                error,
                "mail delivery failed; will retry"
            );
            mark(state, msg.id, None, attempts, Some(retry), Some(error)).await?;
            Ok(None)
        }
    }
}

async fn mark(
    state: &AppState,
    id: i64,
    sent_at: Option<DateTime<Utc>>,
    attempts: i32,
    retry_at: Option<DateTime<Utc>>,
    error: Option<String>,
) -> Result<(), ApiError> {
    let mut m = outbox::ActiveModel {
        id: Set(id),
        attempts: Set(attempts),
        last_error: Set(error),
        ..Default::default()
    };
    if let Some(at) = sent_at {
        m.sent_at = Set(Some(at));
    }
    if let Some(at) = retry_at {
        m.next_attempt_at = Set(at);
    }
    m.update(&state.db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(backoff(1, 300).num_seconds(), 2);
        assert_eq!(backoff(3, 300).num_seconds(), 8);
        assert_eq!(backoff(30, 300).num_seconds(), 300);
        assert_eq!(backoff(5, 1).num_seconds(), 1);
    }
}
