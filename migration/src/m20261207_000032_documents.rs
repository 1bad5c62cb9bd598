//! Documents (issue 30): a platform's or working group's publications (guides, manuals,
//! templates, studies, position papers' final texts), planned → draft → published → archived,
//! each the output of an activity or a milestone when it is one; its versions are files
//! (`files.document_id`, numbered by `files.document_version`, removed with it), and its
//! downloads are counted.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use ForeignKeyAction::{Restrict, SetNull};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.has_table("documents").await? {
            // Left by this migration's `down` on SQLite, with its indexes: only the versions'
            // index is to be made again.
            return index(m, "files", &["document_id", "document_version"], true).await;
        }
        m.create_table(
            Table::create()
                .table("documents")
                .col(big_pk_auto("id"))
                .col(big_integer("platform_id"))
                .col(big_integer_null("working_group_id"))
                .col(string_len("kind", 16))
                .col(string_len("status", 16))
                .col(string_len("title_ar", 200))
                .col(string_len("title_en", 200))
                .col(text("summary_ar"))
                .col(text("summary_en"))
                .col(big_integer_null("activity_id"))
                .col(big_integer_null("milestone_id"))
                .col(big_integer_null("position_paper_id"))
                .col(text("author_ids"))
                .col(integer("current_version"))
                .col(big_integer("download_count"))
                .col(text("search_text"))
                .col(big_integer_null("created_by"))
                .col(integer("version"))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(("documents", "platform_id"), "platforms", Restrict))
                .foreign_key(&mut fk(
                    ("documents", "working_group_id"),
                    "working_groups",
                    SetNull,
                ))
                .foreign_key(&mut fk(("documents", "activity_id"), "activities", SetNull))
                .foreign_key(&mut fk(
                    ("documents", "milestone_id"),
                    "milestones",
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    ("documents", "position_paper_id"),
                    "position_papers",
                    SetNull,
                ))
                .foreign_key(&mut fk(("documents", "created_by"), "users", SetNull))
                .to_owned(),
        )
        .await?;
        // The list's keyset, by platform, status, and the output each answers for.
        index(m, "documents", &["platform_id", "id"], false).await?;
        index(m, "documents", &["status", "id"], false).await?;
        index(m, "documents", &["activity_id", "id"], false).await?;
        index(m, "documents", &["milestone_id", "id"], false).await?;
        if !m.has_column("files", "document_id").await? {
            // As migrations 28 and 29 added the other parents (SQLite's one form of it).
            let db = m.get_connection();
            db.execute_unprepared(
                "ALTER TABLE files ADD COLUMN document_id BIGINT NULL \
                 REFERENCES documents (id) ON DELETE CASCADE",
            )
            .await?;
            db.execute_unprepared("ALTER TABLE files ADD COLUMN document_version INTEGER NULL")
                .await?;
        }
        // A document's versions, each number once.
        index(m, "files", &["document_id", "document_version"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ux_files_document_id_document_version")
                .table("files")
                .to_owned(),
        )
        .await?;
        // SQLite cannot drop a column a foreign key is declared on, and once the table it names
        // is gone every later change of `files` fails on the missing parent: there the columns
        // and the table stay, unused, and `up` takes them as they are.
        if m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Sqlite {
            return Ok(());
        }
        m.alter_table(
            Table::alter()
                .table("files")
                .drop_column("document_version")
                .drop_column("document_id")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("documents").to_owned())
            .await
    }
}
