//! An accepted request to learn a practice becomes a peer-exchange activity (issue 30): the
//! request names it (`activity_id`), and keeps its history if the activity is removed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.has_column("exchange_requests", "activity_id").await? {
            // Left by this migration's `down` on SQLite.
            return Ok(());
        }
        // SQLite's one form of adding a column with a foreign key; PostgreSQL reads it the same.
        m.get_connection()
            .execute_unprepared(
                "ALTER TABLE exchange_requests ADD COLUMN activity_id BIGINT NULL \
                 REFERENCES activities (id) ON DELETE SET NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite cannot drop a column a foreign key is declared on: there it stays, unused.
        if m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Sqlite {
            return Ok(());
        }
        m.alter_table(
            Table::alter()
                .table("exchange_requests")
                .drop_column("activity_id")
                .to_owned(),
        )
        .await
    }
}
