//! Versioned rows and their two kinds of write, the same for every resource that has them.
//!
//! - An edit is a compare-and-set on `version`: the caller names the version it read (from
//!   `If-Match`, see `crate::etag`), the row is written only if it is still at that version, and
//!   the version grows by one; otherwise 412 `stale_version`. (`check`, `save`, `bump`)
//! - A status move is guarded by the status it leaves: of two concurrent moves from the same
//!   status one wins, the other is 409 `concurrent_change`. It also grows the version, so an
//!   edit prepared before the move is refused. (`move_status`)

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter,
    Value,
};

use crate::db::find_or_404;
use crate::error::{ApiError, ProblemCode};
use crate::etag;
use crate::i18n::Text;

/// A table whose rows carry a `version` (their ETag), and mostly an `updated_at`.
pub trait Versioned: EntityTrait
where
    <Self::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    const ID: Self::Column;
    const VERSION: Self::Column;
    /// When the row last changed, where the table keeps it.
    const UPDATED_AT: Option<Self::Column>;

    /// The version of a row as read.
    fn version_of(row: &Self::Model) -> i32;
}

/// A versioned table whose rows move along a status lifecycle.
pub trait Lifecycle: Versioned
where
    <Self::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    const STATUS: Self::Column;
    /// What the row is called in messages, in English and in Arabic (with its article).
    const NOUN: (&'static str, &'static str);
}

macro_rules! versioned {
    ($($entity:ident),+ $(,)?) => {$(
        impl Versioned for entity::$entity::Entity {
            const ID: Self::Column = entity::$entity::Column::Id;
            const VERSION: Self::Column = entity::$entity::Column::Version;
            const UPDATED_AT: Option<Self::Column> = Some(entity::$entity::Column::UpdatedAt);

            fn version_of(row: &Self::Model) -> i32 {
                row.version
            }
        }
    )+};
}

versioned!(
    milestone,
    platform,
    task_force,
    work_plan,
    activity,
    workshop,
    partnership,
    position_paper,
    practice,
    document,
    discussion,
    discussion_post,
);

impl Versioned for entity::api_key::Entity {
    const ID: Self::Column = entity::api_key::Column::Id;
    const VERSION: Self::Column = entity::api_key::Column::Version;
    const UPDATED_AT: Option<Self::Column> = None;

    fn version_of(row: &Self::Model) -> i32 {
        row.version
    }
}

impl Versioned for entity::webhook_subscription::Entity {
    const ID: Self::Column = entity::webhook_subscription::Column::Id;
    const VERSION: Self::Column = entity::webhook_subscription::Column::Version;
    const UPDATED_AT: Option<Self::Column> = None;

    fn version_of(row: &Self::Model) -> i32 {
        row.version
    }
}

impl Lifecycle for entity::activity::Entity {
    const STATUS: Self::Column = entity::activity::Column::Status;
    const NOUN: (&'static str, &'static str) = ("activity", "النشاط");
}

impl Lifecycle for entity::workshop::Entity {
    const STATUS: Self::Column = entity::workshop::Column::Status;
    const NOUN: (&'static str, &'static str) = ("workshop", "الورشة");
}

impl Lifecycle for entity::partnership::Entity {
    const STATUS: Self::Column = entity::partnership::Column::Status;
    const NOUN: (&'static str, &'static str) = ("agreement", "الاتفاقية");
}

impl Lifecycle for entity::document::Entity {
    const STATUS: Self::Column = entity::document::Column::Status;
    const NOUN: (&'static str, &'static str) = ("document", "الوثيقة");
}

impl Lifecycle for entity::practice::Entity {
    const STATUS: Self::Column = entity::practice::Column::Status;
    const NOUN: (&'static str, &'static str) = ("practice", "الممارسة");
}

impl Lifecycle for entity::position_paper::Entity {
    const STATUS: Self::Column = entity::position_paper::Column::Status;
    const NOUN: (&'static str, &'static str) = ("paper", "الورقة");
}

/// 412 unless the row read is still at the version the caller saw: checked before the rest of
/// the request is looked at, so that a stale edit learns that first.
pub fn check<E: Versioned>(current: &E::Model, expected: i32) -> Result<(), ApiError>
where
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    if E::version_of(current) == expected {
        Ok(())
    } else {
        Err(etag::stale())
    }
}

/// Writes the changed columns of `changes` if the row is still at `expected`, as version
/// `expected + 1`; answers the row as written. A concurrent writer makes it miss: 412.
pub async fn save<E: Versioned>(
    db: &impl ConnectionTrait,
    id: i64,
    expected: i32,
    mut changes: E::ActiveModel,
) -> Result<E::Model, ApiError>
where
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    E::Model: Sync,
{
    changes.set(E::VERSION, Value::from(expected + 1));
    // The version check and the write are one statement.
    let written = E::update_many()
        .set(changes)
        .filter(E::ID.eq(id))
        .filter(E::VERSION.eq(expected))
        .exec(db)
        .await?
        .rows_affected;
    if written != 1 {
        return Err(etag::stale());
    }
    find_or_404::<E>(db, id).await
}

/// Grows a row's version after a change to what hangs on it (a plan's topics), if it is still
/// at `expected` (or unconditionally when `None`); a miss is 412.
pub async fn bump<E: Versioned>(
    db: &impl ConnectionTrait,
    id: i64,
    expected: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), ApiError>
where
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    let mut update = E::update_many()
        .col_expr(E::VERSION, Expr::col(E::VERSION).add(1))
        .filter(E::ID.eq(id));
    if let Some(updated_at) = E::UPDATED_AT {
        update = update.col_expr(updated_at, Expr::value(now));
    }
    if let Some(v) = expected {
        update = update.filter(E::VERSION.eq(v));
    }
    if update.exec(db).await?.rows_affected != 1 {
        return Err(etag::stale());
    }
    Ok(())
}

/// Moves a row from `from` to `to` if it is still in `from`, growing its version and setting
/// `extra` columns in the same statement; answers the row as moved. A concurrent move: 409.
pub async fn move_status<E: Lifecycle, S: Into<Value> + Copy>(
    db: &impl ConnectionTrait,
    id: i64,
    from: S,
    to: S,
    now: DateTime<Utc>,
    extra: Vec<(E::Column, SimpleExpr)>,
) -> Result<E::Model, ApiError>
where
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    E::Model: Sync,
{
    let mut update = E::update_many()
        .col_expr(E::STATUS, Expr::value(to.into()))
        .col_expr(E::VERSION, Expr::col(E::VERSION).add(1));
    if let Some(updated_at) = E::UPDATED_AT {
        update = update.col_expr(updated_at, Expr::value(now));
    }
    for (column, value) in extra {
        update = update.col_expr(column, value);
    }
    let moved = update
        .filter(E::ID.eq(id))
        .filter(E::STATUS.eq(from.into()))
        .exec(db)
        .await?
        .rows_affected;
    if moved != 1 {
        return Err(ApiError::Problem(
            ProblemCode::ConcurrentChange,
            Text::new(
                format!(
                    "The {}'s status changed meanwhile; read it again.",
                    E::NOUN.0
                ),
                format!("تغيرت حالة {} في الأثناء؛ أعد قراءتها.", E::NOUN.1),
            ),
        ));
    }
    find_or_404::<E>(db, id).await
}

/// 409 `transition_not_allowed`: the lifecycle has no such move from here (now).
pub fn not_allowed<E: Lifecycle>(from: &str, to: &str) -> ApiError
where
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    ApiError::Problem(
        ProblemCode::TransitionNotAllowed,
        Text::new(
            format!("The {} cannot go from {from} to {to} now.", E::NOUN.0),
            format!("لا يمكن نقل {} من {from} إلى {to} الآن.", E::NOUN.1),
        ),
    )
}

/// Whether an edit left a resource as it was: its view before and after the edit differ in
/// nothing but the bookkeeping every write moves (`version`, `updated_at`, a calendar
/// `sequence`) and the advisory `warnings`. A `PATCH` that changes nothing is then rolled back
/// and answers the resource as it was, so its version, `ETag` (and a workshop's calendar
/// `SEQUENCE`) do not move and nothing is audited, mailed or sent.
pub fn unchanged<T: serde::Serialize>(before: &T, after: &T) -> bool {
    let strip = |v: &T| {
        let mut json = serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
        if let Some(map) = json.as_object_mut() {
            for bookkeeping in ["version", "updated_at", "sequence", "warnings"] {
                map.remove(bookkeeping);
            }
        }
        json
    };
    let (b, a) = (strip(before), strip(after));
    !serde_json::Value::is_null(&b) && b == a
}
