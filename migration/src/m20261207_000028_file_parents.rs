//! Files attached beyond workshops (issue 29): a position paper version's PDF, a partnership
//! step's documents, an activity's outputs, a platform's guides and a person's photo. Each parent
//! is named by a foreign key of its own that removes the file's row with its parent (the orphan
//! sweep then removes the bytes), and is indexed with the row's id for the parent's list.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each new parent column and the table it names.
const PARENTS: &[(&str, &str)] = &[
    ("paper_version_id", "position_paper_versions"),
    ("partnership_step_id", "partnership_steps"),
    ("activity_id", "activities"),
    ("guide_platform_id", "platforms"),
    ("person_id", "users"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (column, parent) in PARENTS {
            if m.has_column("files", column).await? {
                // Left by this migration's `down` on SQLite.
                continue;
            }
            // SQLite adds a column with a foreign key only in this form (`ALTER TABLE … ADD
            // CONSTRAINT` it has not); PostgreSQL reads it the same.
            db.execute_unprepared(&format!(
                "ALTER TABLE files ADD COLUMN {column} BIGINT NULL \
                 REFERENCES {parent} (id) ON DELETE CASCADE"
            ))
            .await?;
        }
        index(m, "files", &["paper_version_id", "id"], false).await?;
        index(m, "files", &["partnership_step_id", "id"], false).await?;
        index(m, "files", &["activity_id", "id"], false).await?;
        index(m, "files", &["guide_platform_id", "id"], false).await?;
        index(m, "files", &["person_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite cannot drop a column a foreign key is declared on: there the columns stay,
        // unused by the code before this migration, and `up` takes them as they are.
        let drops = m.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::Sqlite;
        for (column, _) in PARENTS {
            m.drop_index(
                Index::drop()
                    .name(format!("ix_files_{column}_id"))
                    .table("files")
                    .to_owned(),
            )
            .await?;
            if !drops {
                continue;
            }
            m.alter_table(
                Table::alter()
                    .table("files")
                    .drop_column(*column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
