//! Security limits that every replica shares and a restart keeps: counters in the database
//! (`rate_buckets`), one row per key and window, moved by one atomic upsert each.
//!
//! Keys are a scope and a hash of what is counted (an email, an address, a person and a
//! workshop), so that the table holds no addresses or emails in clear. Windows are fixed: the
//! first hit opens one, hits after its end open the next.
//!
//! Login (see the README's "Limits" for the figures): wrong passwords are counted per account
//! and address together, per account, and per address. The pair limit holds everyone; the two
//! broad limits hold only pairs that have never signed in, so a guesser elsewhere (or many
//! guessers at one shared address) cannot lock the owner out of their usual address.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::rate_bucket;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Statement};

use crate::auth::tokens;
use crate::config::Limits;
use crate::error::{ApiError, HitLimit};

/// How long an address stays "one this account signed in from".
pub const KNOWN_ADDRESS_TTL: Duration = Duration::from_secs(90 * 24 * 3600);
/// Window of the mail-link limits.
pub const MAIL_LINK_WINDOW: Duration = Duration::from_secs(3600);
/// Window of the check-in code limit.
pub const CHECK_IN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Window of the registration churn limit.
pub const REGISTRATION_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The key of a counter: its scope, then a hash of its parts.
pub fn key(scope: &str, parts: &[&str]) -> String {
    let hashed = tokens::hash(&parts.join("\u{1f}"));
    format!("{scope}:{}", &hashed[..40])
}

/// One counter as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub hits: u32,
    /// Unix seconds.
    pub resets_at: i64,
}

impl Count {
    /// Seconds until the window ends (at least one).
    pub fn retry_after(&self, now: DateTime<Utc>) -> u64 {
        u64::try_from(self.resets_at - now.timestamp())
            .unwrap_or(0)
            .max(1)
    }
}

fn too_many(count: Count, now: DateTime<Utc>, limit: HitLimit) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_secs: count.retry_after(now),
        limit: Some(limit),
    }
}

/// The limit a counter key belongs to (its scope, before the `:`), as the `RateLimit` fields
/// name it.
fn hit_limit(key: &str, quota: u32, window: Duration) -> HitLimit {
    let scope = key.split(':').next().unwrap_or(key);
    let name = POLICIES
        .iter()
        .find(|p| **p == scope)
        .copied()
        .unwrap_or("security");
    HitLimit {
        name,
        quota,
        window_secs: window.as_secs(),
    }
}

/// The security limits by name.
const POLICIES: &[&str] = &[
    "login.pair",
    "login.account",
    "login.address",
    "mail_link.account",
    "reset.address",
    "check_in.attempts",
    "registration.changes",
];

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4)
}

/// Whether a counter (or marker) stands, its window not yet ended.
async fn stands(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    Ok(rate_bucket::Entity::find_by_id(key.to_owned())
        .filter(rate_bucket::Column::ResetsAt.gt(now.timestamp()))
        .one(db)
        .await?
        .is_some())
}

/// Adds one to a counter (opening a new window when the last has ended) and returns it.
pub async fn hit(
    db: &impl ConnectionTrait,
    key: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<Count, DbErr> {
    let now = now.timestamp();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            r#"INSERT INTO rate_buckets ("key", hits, resets_at) VALUES ($1, 1, $2)
               ON CONFLICT ("key") DO UPDATE SET
                 hits = CASE WHEN rate_buckets.resets_at <= $3 THEN 1 ELSE rate_buckets.hits + 1 END,
                 resets_at = CASE WHEN rate_buckets.resets_at <= $3 THEN excluded.resets_at
                                  ELSE rate_buckets.resets_at END
               RETURNING hits, resets_at"#,
            [key.into(), (now + secs(window)).into(), now.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("rate bucket".to_owned()))?;
    let hits: i32 = row.try_get("", "hits")?;
    Ok(Count {
        hits: u32::try_from(hits).unwrap_or(0),
        resets_at: row.try_get("", "resets_at")?,
    })
}

/// Counts one more use and refuses it (429) past `max` within the window.
pub async fn take(
    db: &impl ConnectionTrait,
    key: &str,
    max: u32,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let count = hit(db, key, window, now).await?;
    if count.hits > max {
        return Err(too_many(count, now, hit_limit(key, max, window)));
    }
    Ok(())
}

/// Sets a marker that lasts `ttl` (a known address).
async fn remember(
    db: &impl ConnectionTrait,
    key: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        r#"INSERT INTO rate_buckets ("key", hits, resets_at) VALUES ($1, 1, $2)
           ON CONFLICT ("key") DO UPDATE SET hits = 1, resets_at = excluded.resets_at"#,
        [key.into(), (now.timestamp() + secs(ttl)).into()],
    ))
    .await?;
    Ok(())
}

/// Removes counters whose window has ended; returns how many.
pub async fn sweep(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(rate_bucket::Entity::delete_many()
        .filter(rate_bucket::Column::ResetsAt.lte(now.timestamp()))
        .exec(db)
        .await?
        .rows_affected)
}

/// The counters of one sign-in attempt: an account (its normalized email) from an address.
pub struct LoginAttempt {
    pair: String,
    account: String,
    address: String,
    known: String,
}

impl LoginAttempt {
    pub fn new(email: &str, address: &str) -> LoginAttempt {
        LoginAttempt {
            pair: key("login.pair", &[email, address]),
            account: key("login.account", &[email]),
            address: key("login.address", &[address]),
            known: key("login.known", &[email, address]),
        }
    }

    /// Counts the attempt, then answers 429 while it is held: the pair is over its limit, or
    /// the account or the address is over theirs and the account has not signed in from this
    /// address lately. Counting first (one atomic upsert per counter) means concurrent attempts
    /// each see their own count: no more than the limit get to try a password, however many
    /// arrive at once. Answers whether the address is known to the account.
    pub async fn admit(
        &self,
        db: &impl ConnectionTrait,
        limits: &Limits,
        now: DateTime<Utc>,
    ) -> Result<bool, ApiError> {
        let known = stands(db, &self.known, now).await?;
        let pair = hit(db, &self.pair, limits.login_window, now).await?;
        if pair.hits > limits.login_per_pair {
            let limit = hit_limit(&self.pair, limits.login_per_pair, limits.login_window);
            return Err(too_many(pair, now, limit));
        }
        if !known {
            let account = hit(db, &self.account, limits.login_window, now).await?;
            let address = hit(db, &self.address, limits.login_window, now).await?;
            let held = [
                (account.hits > limits.login_per_account).then(|| {
                    (
                        account,
                        hit_limit(&self.account, limits.login_per_account, limits.login_window),
                    )
                }),
                (address.hits > limits.login_per_address).then(|| {
                    (
                        address,
                        hit_limit(&self.address, limits.login_per_address, limits.login_window),
                    )
                }),
            ];
            if let Some((c, limit)) = held.into_iter().flatten().max_by_key(|(c, _)| c.resets_at) {
                return Err(too_many(c, now, limit));
            }
        }
        Ok(known)
    }

    /// The right password: the pair starts afresh, the attempt no longer counts against the
    /// account and the address (the wrong ones before it still do, so a success does not reset
    /// a guesser), and the address is known to the account from now on.
    pub async fn succeeded(
        &self,
        db: &impl ConnectionTrait,
        known: bool,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        rate_bucket::Entity::delete_by_id(self.pair.clone())
            .exec(db)
            .await?;
        if !known {
            use sea_orm::sea_query::ExprTrait as _;
            rate_bucket::Entity::update_many()
                .col_expr(
                    rate_bucket::Column::Hits,
                    Expr::col(rate_bucket::Column::Hits).sub(1),
                )
                .filter(
                    rate_bucket::Column::Key.is_in([self.account.clone(), self.address.clone()]),
                )
                .filter(rate_bucket::Column::Hits.gt(0))
                .exec(db)
                .await?;
        }
        remember(db, &self.known, KNOWN_ADDRESS_TTL, now).await
    }
}
