//! Transactions for writes. On SQLite they begin `IMMEDIATE`, taking the write lock up front:
//! a deferred transaction that reads and then writes can fail with "database is locked" when
//! another writer got there in between, and `busy_timeout` cannot help with that. PostgreSQL
//! ignores the option.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Begins a transaction that will write.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// 409 `limit_reached` when `rows` already counts `max` (see `crate::domain::limits`). Run inside
/// the write's transaction, after the row that serializes such writes was taken.
pub async fn ensure_room<E: sea_orm::EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    rows: sea_orm::Select<E>,
    max: u64,
    what: (&str, &str),
) -> Result<(), crate::error::ApiError>
where
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    if rows.count(db).await? >= max {
        return Err(crate::error::ApiError::limit_reached(what.0, what.1, max));
    }
    Ok(())
}

/// Loads a row by its id, or answers 404: the one way a handler turns a path id into a row.
pub async fn find_or_404<E>(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<E::Model, crate::error::ApiError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(crate::error::ApiError::not_found)
}

/// An active user named in a request, or 422 on `pointer`: someone to add to a list, never the
/// caller (whom authentication already found).
pub async fn active_user(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
    pointer: &str,
) -> Result<entity::user::Model, crate::error::ApiError> {
    use sea_orm::EntityTrait;
    let user = entity::user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            crate::error::ApiError::field(
                pointer,
                "not_found",
                crate::i18n::Text::new("no user has this id", "لا يوجد مستخدم بهذا الرقم"),
            )
        })?;
    if !user.is_active {
        return Err(deactivated(pointer));
    }
    Ok(user)
}

/// 422 `deactivated` on `pointer`: the account named is deactivated, so it can be added to
/// nothing (not as a member, an author, a registrant or a seat holder).
pub fn deactivated(pointer: &str) -> crate::error::ApiError {
    crate::error::ApiError::field(
        pointer,
        "deactivated",
        crate::i18n::Text::new(
            "this person's account is deactivated",
            "حساب هذا الشخص معطل",
        ),
    )
}

/// 422 `deactivated` on `{prefix}/{i}` for the first of `ids` whose account is deactivated.
pub async fn check_active_people(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
    prefix: &str,
) -> Result<(), crate::error::ApiError> {
    use entity::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let inactive: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .filter(user::Column::IsActive.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    match ids.iter().position(|id| inactive.contains(id)) {
        Some(i) => Err(deactivated(&format!("{prefix}/{i}"))),
        None => Ok(()),
    }
}

/// Checks that each of `ids` (a list kept as JSON, which no foreign key checks) is an active
/// person: 422 `not_found` or `deactivated` on `{prefix}/{i}` for the first that is not. Answers
/// them deduplicated, in the order given.
pub async fn check_people(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
    prefix: &str,
) -> Result<Vec<i64>, crate::error::ApiError> {
    use entity::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    check_active_people(db, ids, prefix).await?;
    let known: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if !known.contains(id) {
            return Err(crate::error::ApiError::field(
                &format!("{prefix}/{i}"),
                "not_found",
                crate::i18n::Text::new("no person has this id", "لا يوجد شخص بهذا الرقم"),
            ));
        }
        if !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Reads a row and holds it until the transaction ends, so that writes which must see it as it
/// is (a seat count, a cap, a caller's standing) are serialized: on PostgreSQL `SELECT … FOR NO
/// KEY UPDATE`, the lock a write of its other columns takes (concurrent writers of the row wait;
/// inserts of rows that refer to it do not); on SQLite the write transaction ([`begin`]) already
/// holds the database. 404 when there is none. The one way the API locks a row.
pub async fn lock<E>(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<E::Model, crate::error::ApiError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    E::Model: Sync,
{
    held::<E>(db, id)
        .await?
        .ok_or_else(crate::error::ApiError::not_found)
}

/// The row [`lock`] holds, if there is one.
async fn held<E>(db: &impl sea_orm::ConnectionTrait, id: i64) -> Result<Option<E::Model>, DbErr>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    E::Model: Sync,
{
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::LockType;
    let mut select = E::find_by_id(id);
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        select = select.lock(LockType::NoKeyUpdate);
    }
    select.one(db).await
}

/// The caller's own row, held for the transaction ([`lock`]): what the caller is at the moment
/// of the write, which an administrator's change cannot slip under. 401 when the account was
/// deactivated meanwhile.
pub async fn lock_caller(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<entity::user::Model, crate::error::ApiError> {
    held::<entity::user::Entity>(db, id)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(crate::error::ApiError::unauthenticated)
}

/// A row named by an id in the request body, or 422 `not_found` on `pointer` (`what` says, in
/// English and Arabic, that no such row has this id). A database failure stays a 500.
pub async fn find_named<E>(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
    pointer: &str,
    what: (&'static str, &'static str),
) -> Result<E::Model, crate::error::ApiError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id).one(db).await?.ok_or_else(|| {
        crate::error::ApiError::field(pointer, "not_found", crate::i18n::Text::new(what.0, what.1))
    })
}

/// What `find_named` says of a platform id that names none.
pub const NO_PLATFORM: (&str, &str) = ("no platform has this id", "لا توجد منصة بهذا الرقم");

/// What `find_named` says of a local authority id that names none.
pub const NO_LOCAL_AUTHORITY: (&str, &str) = (
    "no local authority has this id",
    "لا توجد هيئة محلية بهذا الرقم",
);
