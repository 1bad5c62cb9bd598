//! Activities of a platform without a working group, and of the union itself (`000`: an activity
//! belongs to a milestone and, optionally, to a working group): `working_group_id` and
//! `platform_id` may be null.
//!
//! PostgreSQL drops the two `NOT NULL`s. SQLite cannot alter a column, and rebuilding the table
//! would drop it with its children's rows (budget lines, risks, hosts, indicators, quarters and
//! spendings cascade; workshops would lose their link) because the migration runs in a
//! transaction, where foreign keys cannot be switched off. So it takes the route SQLite documents
//! for removing a `NOT NULL` constraint, which leaves the stored rows as they are: rewrite the
//! table's definition in `sqlite_schema` and bump the schema version, in the migration's
//! transaction, then check the result.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 2] = ["working_group_id", "platform_id"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        // SQLite's schema edit must run on one connection, and all of it or none.
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Sqlite => sqlite_nullable(m, true).await,
            _ => {
                let db = m.get_connection();
                for c in COLUMNS {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE activities ALTER COLUMN {c} DROP NOT NULL"
                    ))
                    .await?;
                }
                Ok(())
            }
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        // An activity of no working group cannot be kept under the old rule.
        db.execute_unprepared(
            "DELETE FROM activities WHERE working_group_id IS NULL OR platform_id IS NULL",
        )
        .await?;
        match m.get_database_backend() {
            DbBackend::Sqlite => sqlite_nullable(m, false).await,
            _ => {
                for c in COLUMNS {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE activities ALTER COLUMN {c} SET NOT NULL"
                    ))
                    .await?;
                }
                Ok(())
            }
        }
    }
}

/// Makes the two columns nullable (or not null again) in SQLite's stored table definition.
async fn sqlite_nullable(m: &SchemaManager<'_>, nullable: bool) -> Result<(), DbErr> {
    let db = m.get_connection();
    let one = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql.to_owned());
    let sql: String = db
        .query_one_raw(one(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'activities'",
        ))
        .await?
        .ok_or_else(|| DbErr::Migration("no activities table".into()))?
        .try_get("", "sql")?;
    let mut edited = sql.clone();
    for c in COLUMNS {
        // The column's definition runs from its quoted name to the next comma, e.g.
        // `"platform_id" integer NOT NULL`.
        let start = edited
            .find(&format!("\"{c}\" "))
            .ok_or_else(|| unexpected(c, &sql))?;
        let end = start
            + edited[start..]
                .find(',')
                .ok_or_else(|| unexpected(c, &sql))?;
        let column = &edited[start..end];
        let changed = match (nullable, column.strip_suffix(" NOT NULL")) {
            (true, Some(kind)) => format!("{kind} NULL"),
            (false, None) => match column.strip_suffix(" NULL") {
                Some(kind) => format!("{kind} NOT NULL"),
                None => return Err(unexpected(c, &sql)),
            },
            _ => return Err(unexpected(c, &sql)),
        };
        edited.replace_range(start..end, &changed);
    }
    let version: i64 = db
        .query_one_raw(one("PRAGMA schema_version"))
        .await?
        .ok_or_else(|| DbErr::Migration("no schema version".into()))?
        .try_get_by_index(0)?;
    db.execute_unprepared("PRAGMA writable_schema = ON").await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'activities'",
        [edited.clone().into()],
    ))
    .await?;
    db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1))
        .await?;
    db.execute_unprepared("PRAGMA writable_schema = OFF")
        .await?;
    let check: String = db
        .query_one_raw(one("PRAGMA quick_check"))
        .await?
        .ok_or_else(|| DbErr::Migration("no quick_check answer".into()))?
        .try_get_by_index(0)?;
    if check != "ok" {
        return Err(DbErr::Migration(format!(
            "the activities table failed its check: {check}"
        )));
    }
    Ok(())
}

fn unexpected(column: &str, sql: &str) -> DbErr {
    DbErr::Migration(format!("activities.{column} is not as expected: {sql}"))
}
