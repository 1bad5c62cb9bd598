//! Delivery after commit: the supervised job leases subscriptions, sends each one's due messages
//! in `(txid, id)` order, records every attempt, backs off with jitter, disables a subscription
//! that answers 410 or whose creator lost the rights it was made with, and purges the old log.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound, Utc};
use entity::{webhook_delivery, webhook_subscription};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set,
    Statement,
};

use crate::domain::DeliveryStatus;
use crate::error::ApiError;
use crate::services::events::changes::settled_sql;
use crate::state::AppState;

use super::egress::is_private;
use super::signing::signature_header;

/// How many subscriptions one batch serves at once.
pub const CONCURRENCY: usize = 16;
/// How many messages of one subscription one turn sends, in order.
const PER_TURN: u64 = 200;
/// How long a worker holds a subscription.
const LEASE_SECS: i64 = 60;

/// The wait before retrying after `attempts` failures: `base` doubled per failure, at most
/// 12 hours, with up to a quarter of it added or taken at random.
pub fn backoff(attempts: i32, base: Duration) -> chrono::Duration {
    let doubled = base
        .as_millis()
        .saturating_mul(1u128 << (attempts.clamp(1, 40) - 1))
        .min(12 * 3600 * 1000) as i64;
    let spread = doubled / 4;
    let jitter = if spread > 0 {
        rand::random_range(-spread..=spread)
    } else {
        0
    };
    chrono::Duration::milliseconds((doubled + jitter).max(1))
}

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    pub delivered: usize,
    /// More is due at once.
    pub more: bool,
}

/// How long the job waits before looking again at due messages an older transaction holds back.
const HELD_BACK_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// Whether a message is due but not yet settled (a transaction older than its own still runs).
async fn held_back(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> Result<bool, ApiError> {
    let row = state
        .db
        .query_one_raw(Statement::from_sql_and_values(
            state.db.get_database_backend(),
            "SELECT 1 AS held FROM webhook_deliveries \
             WHERE status = 'pending' AND next_attempt_at <= $1 LIMIT 1",
            [now.into()],
        ))
        .await?;
    Ok(row.is_some())
}

/// Delivers what is due: leases the subscriptions with due messages and serves each in turn.
pub async fn deliver_due(state: &AppState) -> Result<Batch, ApiError> {
    use futures_util::StreamExt;
    let now = state.clock.now();
    let backend = state.db.get_database_backend();
    let sql = format!(
        "SELECT DISTINCT subscription_id FROM webhook_deliveries \
         WHERE status = 'pending' AND next_attempt_at <= $1 AND {} LIMIT 64",
        settled_sql(backend)
    );
    #[derive(FromQueryResult)]
    struct Due {
        subscription_id: i64,
    }
    let due: Vec<i64> =
        Due::find_by_statement(Statement::from_sql_and_values(backend, sql, [now.into()]))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|d| d.subscription_id)
            .collect();
    if due.is_empty() {
        // On PostgreSQL a message is handed out once every transaction older than it has
        // ended. Due messages held back so are looked at again shortly: the wake-up their
        // commit sent is spent, and the next poll may be far.
        if backend == sea_orm::DatabaseBackend::Postgres && held_back(state, now).await? {
            tokio::time::sleep(HELD_BACK_PAUSE).await;
            return Ok(Batch {
                delivered: 0,
                more: true,
            });
        }
        return Ok(Batch::default());
    }
    let lease = (now + chrono::Duration::seconds(LEASE_SECS))
        .duration_trunc(chrono::TimeDelta::microseconds(1))
        .unwrap_or(now)
        + chrono::Duration::microseconds(rand::random_range(0..1_000_000));
    webhook_subscription::Entity::update_many()
        .col_expr(webhook_subscription::Column::LeaseUntil, Expr::value(lease))
        .filter(webhook_subscription::Column::Id.is_in(due.iter().copied()))
        .filter(webhook_subscription::Column::Enabled.eq(true))
        .filter(
            sea_orm::Condition::any()
                .add(webhook_subscription::Column::LeaseUntil.is_null())
                .add(webhook_subscription::Column::LeaseUntil.lt(now)),
        )
        .exec(&state.db)
        .await?;
    let mine = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Id.is_in(due))
        .filter(webhook_subscription::Column::LeaseUntil.eq(lease))
        .all(&state.db)
        .await?;
    let turns: Vec<Result<(usize, bool), ApiError>> = futures_util::stream::iter(mine)
        .map(|sub| serve(state, sub, lease))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut batch = Batch::default();
    for turn in turns {
        let (delivered, more) = turn?;
        batch.delivered += delivered;
        batch.more |= more;
    }
    Ok(batch)
}

/// One turn of one leased subscription: its due messages in order, stopping at the first that
/// fails (it is retried later, and the rest wait for it). Answers how many succeeded and whether
/// more are due.
async fn serve(
    state: &AppState,
    sub: webhook_subscription::Model,
    lease: DateTime<Utc>,
) -> Result<(usize, bool), ApiError> {
    let outcome = serve_leased(state, &sub).await;
    webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(webhook_subscription::Column::Id.eq(sub.id))
        .filter(webhook_subscription::Column::LeaseUntil.eq(lease))
        .exec(&state.db)
        .await?;
    outcome
}

async fn serve_leased(
    state: &AppState,
    sub: &webhook_subscription::Model,
) -> Result<(usize, bool), ApiError> {
    if let Some(reason) = lost_rights(&state.db, sub).await? {
        disable(state, sub.id, reason).await?;
        return Ok((0, false));
    }
    let backend = state.db.get_database_backend();
    let sql = format!(
        "SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'pending' \
         AND {} ORDER BY txid, id LIMIT $2",
        settled_sql(backend)
    );
    let rows = webhook_delivery::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [sub.id.into(), (PER_TURN as i64).into()],
    ))
    .all(&state.db)
    .await?;
    let full = rows.len() as u64 == PER_TURN;
    // Messages go out one after another, in order; what succeeded is written down at the end of
    // the turn, several at a time (a worker that dies before that sends them again: at least
    // once). A failure is written at once, and ends the turn.
    let mut succeeded = Vec::new();
    let mut more = full;
    for row in rows {
        let now = state.clock.now();
        if row.next_attempt_at > now {
            // The head waits for its retry; the rest wait behind it.
            more = false;
            break;
        }
        let (outcome, update) = attempt(state, sub, &row).await;
        match outcome {
            Attempt::Delivered => succeeded.push(update),
            Attempt::Failed | Attempt::Disabled => {
                update.update(&state.db).await?;
                if matches!(outcome, Attempt::Disabled) {
                    disable(state, sub.id, "the endpoint answered 410 Gone").await?;
                }
                more = false;
                break;
            }
        }
    }
    let delivered = succeeded.len();
    record_all(state, succeeded).await?;
    Ok((delivered, more))
}

/// Writes the outcomes of delivered messages, several at a time.
async fn record_all(
    state: &AppState,
    updates: Vec<webhook_delivery::ActiveModel>,
) -> Result<(), ApiError> {
    use futures_util::StreamExt;
    let written: Vec<Result<webhook_delivery::Model, sea_orm::DbErr>> =
        futures_util::stream::iter(updates)
            .map(|u| u.update(&state.db))
            .buffer_unordered(RECORD_CONCURRENCY)
            .collect()
            .await;
    for w in written {
        w?;
    }
    Ok(())
}

/// How many delivery outcomes are written at once.
const RECORD_CONCURRENCY: usize = 4;

enum Attempt {
    Delivered,
    Failed,
    Disabled,
}

/// Sends one message; answers what happened and the row's update that records it.
async fn attempt(
    state: &AppState,
    sub: &webhook_subscription::Model,
    row: &webhook_delivery::Model,
) -> (Attempt, webhook_delivery::ActiveModel) {
    let now = state.clock.now();
    let timestamp = now.timestamp();
    let signature = signature_header(sub, &row.msg_id, timestamp, &row.payload, now);
    let started = Instant::now();
    // A name is checked by the resolver at each connection; an address written in the URL is
    // checked here (it may have been allowed when the subscription was made).
    let literal_private = !state.config.webhooks.allow_private_targets
        && url::Url::parse(&sub.url)
            .ok()
            .and_then(|u| match u.host() {
                Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
                _ => None,
            })
            .is_some_and(is_private);
    let sent = if literal_private {
        Err(None)
    } else {
        state
            .webhook_client
            .post(&sub.url)
            .header("content-type", "application/json")
            .header("webhook-id", &row.msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(row.payload.clone())
            .send()
            .await
            .map_err(Some)
    };
    let latency = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let attempts = row.attempts + 1;
    let (code, error) = match &sent {
        Ok(res) => (Some(res.status().as_u16() as i32), None),
        Err(Some(e)) => (None, Some(describe(e))),
        Err(None) => (None, Some("the address is in a private range".to_owned())),
    };
    let ok = code.is_some_and(|c| (200..300).contains(&c));
    let gone = code == Some(410);
    let mut update = webhook_delivery::ActiveModel {
        id: Set(row.id),
        attempts: Set(attempts),
        last_attempt_at: Set(Some(now)),
        response_code: Set(code),
        latency_ms: Set(Some(latency)),
        last_error: Set(error.clone().or_else(|| {
            code.filter(|c| !(200..300).contains(c))
                .map(|c| format!("the endpoint answered {c}"))
        })),
        ..Default::default()
    };
    let given_up = now - row.created_at
        >= chrono::Duration::from_std(state.config.webhooks.give_up_after).unwrap_or_default();
    let result = if ok {
        update.status = Set(DeliveryStatus::Succeeded);
        Attempt::Delivered
    } else if gone || given_up {
        update.status = Set(DeliveryStatus::Failed);
        if gone {
            Attempt::Disabled
        } else {
            Attempt::Failed
        }
    } else {
        update.next_attempt_at = Set(now + backoff(attempts, state.config.webhooks.retry_base));
        Attempt::Failed
    };
    if !ok {
        tracing::warn!(
            subscription = sub.id,
            delivery = row.id,
            attempts,
            code,
            error = error.as_deref().unwrap_or(""),
            "webhook delivery failed"
        );
    }
    (result, update)
}

fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    // The error's own text names the URL (which may carry a token in its query): leave it out.
    what.to_owned()
}

/// Why a subscription may no longer deliver, when its creator lost the rights it was made with:
/// the account is gone or inactive, or (not an administrator) no longer coordinates every
/// platform it names. A subscription never tells more than its creator may see.
pub async fn lost_rights(
    db: &impl ConnectionTrait,
    sub: &webhook_subscription::Model,
) -> Result<Option<&'static str>, ApiError> {
    let creator = entity::user::Entity::find_by_id(sub.created_by)
        .filter(entity::user::Column::IsActive.eq(true))
        .one(db)
        .await?;
    let Some(creator) = creator else {
        return Ok(Some("its creator's account is no longer active"));
    };
    if creator.role == crate::domain::Role::Admin {
        return Ok(None);
    }
    let named: Vec<i64> = sub
        .platform_ids
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let held = crate::access::coordinated_platforms(db, creator.id).await?;
    if named.is_empty() || named.iter().any(|p| !held.contains(p)) {
        return Ok(Some(
            "its creator no longer coordinates the platforms it names",
        ));
    }
    Ok(None)
}

/// Disables a subscription, saying why.
pub async fn disable(state: &AppState, id: i64, reason: &str) -> Result<(), ApiError> {
    webhook_subscription::Entity::update_many()
        .col_expr(webhook_subscription::Column::Enabled, Expr::value(false))
        .col_expr(
            webhook_subscription::Column::DisabledReason,
            Expr::value(Some(reason.to_owned())),
        )
        .col_expr(
            webhook_subscription::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(webhook_subscription::Column::Version), 1),
        )
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(&state.db)
        .await?;
    tracing::warn!(subscription = id, reason, "webhook subscription disabled");
    Ok(())
}

/// How long the delivery log keeps a message that succeeded or was given up.
pub const LOG_RETENTION_DAYS: i64 = 30;

/// Removes finished messages older than the log keeps; answers how many went.
pub async fn purge_log(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, ApiError> {
    Ok(webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.ne(DeliveryStatus::Pending))
        .filter(
            webhook_delivery::Column::CreatedAt
                .lt(now - chrono::Duration::days(LOG_RETENTION_DAYS)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
