//! Practices (issue 30): what a local authority did that others can learn from, shared on a
//! platform, with immutable versions of its text; files attach to a practice as to the rest of
//! the programme's work (`files.practice_id`, removed with it).

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut practices = Table::create();
        practices
            .table("practices")
            .col(big_pk_auto("id"))
            .col(big_integer("platform_id"))
            .col(big_integer("local_authority_id"))
            .col(big_integer_null("topic_id"))
            .col(string_len("status", 16))
            .col(string_len("title_ar", 200))
            .col(string_len("title_en", 200));
        for field in [
            "summary", "problem", "approach", "results", "costs", "partners",
        ] {
            practices
                .col(text(format!("{field}_ar")))
                .col(text(format!("{field}_en")));
        }
        practices
            .col(integer_null("duration_months"))
            .col(text("contact_ids"))
            .col(text("sdg_targets"))
            .col(text("tags"))
            .col(integer("current_version"))
            .col(text("search_text"))
            .col(big_integer("created_by"))
            .col(integer("version"))
            .col(timestamp_with_time_zone_null("published_at"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk(("practices", "platform_id"), "platforms", Restrict))
            .foreign_key(&mut fk(
                ("practices", "local_authority_id"),
                "local_authorities",
                Restrict,
            ))
            .foreign_key(&mut fk(("practices", "topic_id"), "topics", SetNull))
            .foreign_key(&mut fk(("practices", "created_by"), "users", Restrict));
        m.create_table(practices.to_owned()).await?;
        // The list's keyset, by status (published first asked for), platform and authority.
        index(m, "practices", &["status", "id"], false).await?;
        index(m, "practices", &["platform_id", "id"], false).await?;
        index(m, "practices", &["local_authority_id", "id"], false).await?;
        m.create_table(
            Table::create()
                .table("practice_versions")
                .col(big_pk_auto("id"))
                .col(big_integer("practice_id"))
                .col(integer("number"))
                .col(text("content"))
                .col(string_len("note", 500))
                .col(big_integer("edited_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("practice_versions", "practice_id"),
                    "practices",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("practice_versions", "edited_by"),
                    "users",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "practice_versions", &["practice_id", "number"], true).await?;
        if !m.has_column("files", "practice_id").await? {
            // As migration 28 added the other parents (SQLite's one form of it).
            m.get_connection()
                .execute_unprepared(
                    "ALTER TABLE files ADD COLUMN practice_id BIGINT NULL \
                     REFERENCES practices (id) ON DELETE CASCADE",
                )
                .await?;
        }
        index(m, "files", &["practice_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_files_practice_id_id")
                .table("files")
                .to_owned(),
        )
        .await?;
        // SQLite cannot drop a column a foreign key is declared on: there it stays, unused (and
        // pointing at a table that is gone, which SQLite allows), and `up` takes it as it is.
        if m.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::Sqlite {
            m.alter_table(
                Table::alter()
                    .table("files")
                    .drop_column("practice_id")
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table("practice_versions").to_owned())
            .await?;
        m.drop_table(Table::drop().table("practices").to_owned())
            .await
    }
}
