//! The changes feed: what a mirror or an offline phone needs to stay in step. Every audited
//! write of a resource the feed carries moves that resource's one row to the end of the feed
//! (so reading from the start gives every live resource once) and a deletion leaves a tombstone,
//! kept for `CHANGES_RETENTION_DAYS`.
//!
//! The order is `(txid, id)`: on PostgreSQL `txid` is the writing transaction's id and a reader
//! only sees rows whose transaction is older than every transaction still running
//! (`pg_snapshot_xmin`), so a transaction that commits late can never land behind a cursor that
//! already moved past it — the trap of a plain sequence or timestamp. On SQLite writers are
//! serialized and commit in `id` order (`txid` is 0).

use chrono::{DateTime, Utc};
use entity::{change_horizon, change_log};
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, Statement, Value};

use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// The feed's types: the audit trail's entity names and what the feed calls them (the name of
/// their collection in the API, which is also their scope's resource).
pub const TYPES: &[(&str, &str)] = &[
    ("local_authority", "local-authorities"),
    ("platform", "platforms"),
    ("topic", "topics"),
    ("task_force", "task-forces"),
    ("workshop", "workshops"),
    ("registration", "registrations"),
    ("position_paper", "position-papers"),
    ("notification", "notifications"),
    ("milestone", "milestones"),
    ("activity", "activities"),
    ("file", "files"),
    ("practice", "practices"),
    ("document", "documents"),
    ("discussion", "discussions"),
    ("discussion_post", "discussion-posts"),
];

/// What the feed calls an audited entity, when it carries it.
pub fn feed_type(entity_type: &str) -> Option<&'static str> {
    TYPES
        .iter()
        .find(|(e, _)| *e == entity_type)
        .map(|(_, t)| *t)
}

/// What happened to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// The SQL of the writing transaction's id: on PostgreSQL its xid, on SQLite 0.
pub fn txid_sql(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "pg_current_xact_id()::text::bigint",
        _ => "0",
    }
}

/// The SQL condition that a row's `txid` is settled: no transaction that could still commit
/// has that id or an older one.
pub fn settled_sql(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        _ => "1 = 1",
    }
}

/// A change to record.
#[derive(Clone, Copy, Debug)]
pub struct Change {
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub op: Op,
    pub platform_id: Option<i64>,
    pub user_id: Option<i64>,
}

/// Moves the resource to the end of the feed (inside the write's transaction).
pub async fn record(
    db: &impl ConnectionTrait,
    c: Change,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let backend = db.get_database_backend();
    let sql = format!(
        "INSERT INTO change_log (txid, entity_type, entity_id, op, version, platform_id, user_id, changed_at) \
         SELECT {}, $1, $2, $3, COALESCE(MAX(version), 0) + 1, $4, $5, $6 FROM change_log \
         WHERE entity_type = $1 AND entity_id = $2 RETURNING id",
        txid_sql(backend)
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                c.entity_type.into(),
                c.entity_id.into(),
                c.op.as_str().into(),
                c.platform_id.into(),
                c.user_id.into(),
                at.into(),
            ],
        ))
        .await?
        .ok_or_else(|| ApiError::Unexpected("change_log insert returned nothing".into()))?;
    let id: i64 = row.try_get("", "id")?;
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "DELETE FROM change_log WHERE entity_type = $1 AND entity_id = $2 AND id <> $3",
        [c.entity_type.into(), c.entity_id.into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// Moves many resources of one type to the end of the feed at once, as `record` does one by one:
/// three statements however many (`(id, platform, owner)` each).
pub async fn record_many(
    db: &impl ConnectionTrait,
    entity_type: &'static str,
    op: Op,
    entries: &[(i64, Option<i64>, Option<i64>)],
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let backend = db.get_database_backend();
    for chunk in entries.chunks(100) {
        let marks = (0..chunk.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let mut values = vec![Value::from(entity_type)];
        values.extend(chunk.iter().map(|(id, _, _)| Value::from(*id)));
        let versions: std::collections::HashMap<i64, i32> = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT entity_id, MAX(version) AS version FROM change_log \
                     WHERE entity_type = $1 AND entity_id IN ({marks}) GROUP BY entity_id"
                ),
                values.clone(),
            ))
            .await?
            .iter()
            .map(|r| Ok((r.try_get("", "entity_id")?, r.try_get("", "version")?)))
            .collect::<Result<_, sea_orm::DbErr>>()?;
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM change_log WHERE entity_type = $1 AND entity_id IN ({marks})"),
            values,
        ))
        .await?;
        append(
            db,
            entity_type,
            op,
            chunk,
            |id| versions.get(&id).copied().unwrap_or(0) + 1,
            at,
        )
        .await?;
    }
    Ok(())
}

/// Puts resources of one type created in this transaction at the end of the feed: one
/// statement however many. They have no earlier place in the feed to remove (their ids are new),
/// so each is at version 1.
pub async fn record_created(
    db: &impl ConnectionTrait,
    entity_type: &'static str,
    entries: &[(i64, Option<i64>, Option<i64>)],
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    for chunk in entries.chunks(100) {
        append(db, entity_type, Op::Create, chunk, |_| 1, at).await?;
    }
    Ok(())
}

/// Inserts the feed rows of `chunk` (at most 100), at the versions `version` says.
async fn append(
    db: &impl ConnectionTrait,
    entity_type: &'static str,
    op: Op,
    chunk: &[(i64, Option<i64>, Option<i64>)],
    version: impl Fn(i64) -> i32,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let backend = db.get_database_backend();
    let txid = txid_sql(backend);
    let mut rows = Vec::with_capacity(chunk.len());
    let mut params: Vec<Value> = vec![Value::from(entity_type), op.as_str().into(), at.into()];
    for (id, platform, user) in chunk {
        let n = params.len();
        rows.push(format!(
            "({txid}, $1, ${}, $2, ${}, ${}, ${}, $3)",
            n + 1,
            n + 2,
            n + 3,
            n + 4
        ));
        params.push((*id).into());
        params.push(version(*id).into());
        params.push((*platform).into());
        params.push((*user).into());
    }
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "INSERT INTO change_log (txid, entity_type, entity_id, op, version, platform_id, user_id, changed_at) VALUES {}",
            rows.join(", ")
        ),
        params,
    ))
    .await?;
    Ok(())
}

/// A place in the feed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub txid: i64,
    pub id: i64,
}

impl Position {
    pub fn of(row: &change_log::Model) -> Position {
        Position {
            txid: row.txid,
            id: row.id,
        }
    }
}

/// One page of the feed after `after` (from the start when `None`): the rows, where the next
/// page starts, and whether there is more already. 410 `cursor_expired` when tombstones after
/// `after` have been purged (a reader from the start has nothing to forget).
pub async fn page(
    db: &impl ConnectionTrait,
    after: Option<Position>,
    limit: u64,
) -> Result<(Vec<change_log::Model>, Position, bool), ApiError> {
    let from_start = after.is_none();
    let after = after.unwrap_or_default();
    if !from_start && after < horizon(db).await? {
        return Err(ApiError::Problem(
            ProblemCode::CursorExpired,
            Text::new(
                "Deletions after this cursor are no longer kept: list everything again and follow the feed from a new cursor.",
                "لم تعد عمليات الحذف بعد هذا المؤشر محفوظة: اقرأ كل شيء من جديد ثم تابع السجل من مؤشر جديد.",
            ),
        ));
    }
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT * FROM change_log WHERE (txid > $1 OR (txid = $1 AND id > $2)) AND {} \
         ORDER BY txid, id LIMIT $3",
        settled_sql(backend)
    );
    let rows = change_log::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [
            after.txid.into(),
            after.id.into(),
            ((limit + 1) as i64).into(),
        ],
    ))
    .all(db)
    .await?;
    let more = rows.len() as u64 > limit;
    let rows: Vec<change_log::Model> = rows.into_iter().take(limit as usize).collect();
    let next = rows.last().map_or(after, Position::of);
    Ok((rows, next, more))
}

const HORIZON: &str = "tombstones";

/// How far tombstones have been purged.
pub async fn horizon(db: &impl ConnectionTrait) -> Result<Position, ApiError> {
    Ok(change_horizon::Entity::find_by_id(HORIZON.to_owned())
        .one(db)
        .await?
        .map(|h| Position {
            txid: h.txid,
            id: h.change_id,
        })
        .unwrap_or_default())
}

/// Purges tombstones older than `before`, moving the horizon past them first (in one
/// transaction); answers how many went.
pub async fn purge(
    db: &sea_orm::DatabaseConnection,
    before: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let txn = crate::db::begin(db).await?;
    let backend = txn.get_database_backend();
    let last = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT txid, id FROM change_log WHERE op = 'delete' AND changed_at < $1 \
             ORDER BY txid DESC, id DESC LIMIT 1",
            [before.into()],
        ))
        .await?;
    let Some(last) = last else {
        return Ok(0);
    };
    let last = Position {
        txid: last.try_get("", "txid")?,
        id: last.try_get("", "id")?,
    };
    let horizon = horizon(&txn).await?.max(last);
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO change_horizon (name, txid, change_id) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET txid = excluded.txid, change_id = excluded.change_id",
        [HORIZON.into(), horizon.txid.into(), horizon.id.into()],
    ))
    .await?;
    let gone = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "DELETE FROM change_log WHERE op = 'delete' AND (txid < $1 OR (txid = $1 AND id <= $2))",
            [horizon.txid.into(), horizon.id.into()],
        ))
        .await?
        .rows_affected();
    txn.commit().await?;
    Ok(gone)
}

/// Gives every live resource the feed carries a row, for those written without the audit trail
/// (reference data, rows from before the feed existed). Run at start, under the start lock.
pub async fn backfill(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let backend = db.get_database_backend();
    let txid = txid_sql(backend);
    let mut added = 0;
    for (entity_type, from, platform, user) in [
        ("local_authority", "local_authorities r", "NULL", "NULL"),
        ("platform", "platforms r", "r.id", "NULL"),
        ("topic", "topics r", "r.platform_id", "NULL"),
        ("task_force", "task_forces r", "NULL", "NULL"),
        ("workshop", "workshops r", "r.platform_id", "NULL"),
        (
            "registration",
            "registrations r JOIN workshops w ON w.id = r.workshop_id",
            "w.platform_id",
            "r.user_id",
        ),
        (
            "position_paper",
            "position_papers r",
            "r.platform_id",
            "NULL",
        ),
        ("milestone", "milestones r", "NULL", "NULL"),
        ("activity", "activities r", "r.platform_id", "NULL"),
        ("document", "documents r", "r.platform_id", "NULL"),
    ] {
        let sql = format!(
            "INSERT INTO change_log (txid, entity_type, entity_id, op, version, platform_id, user_id, changed_at) \
             SELECT {txid}, $1, r.id, 'create', 1, {platform}, {user}, $2 FROM {from} \
             WHERE NOT EXISTS (SELECT 1 FROM change_log c WHERE c.entity_type = $1 AND c.entity_id = r.id)"
        );
        added += db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [Value::from(entity_type), now.into()],
            ))
            .await?
            .rows_affected();
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_carries_every_action_of_its_types_and_no_other() {
        for action in crate::audit::every_action() {
            let carried = TYPES.iter().any(|(e, _)| *e == action.entity().as_str());
            let op = crate::services::events::tells(action).feed;
            assert_eq!(op.is_some(), carried, "{action:?}");
            if let Some(op) = op {
                let expected = match action.name().rsplit('.').next() {
                    Some("create") => Op::Create,
                    // A file the virus scanner found infected is removed.
                    Some("delete" | "infected") => Op::Delete,
                    _ => Op::Update,
                };
                assert_eq!(op, expected, "{action:?}");
            }
        }
    }

    #[test]
    fn positions_order_by_transaction_then_id() {
        let p = |txid, id| Position { txid, id };
        assert!(p(5, 100) < p(6, 1));
        assert!(p(6, 1) < p(6, 2));
    }
}
