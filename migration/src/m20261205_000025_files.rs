//! Uploaded files (issue 29): the bytes live in the file store (`STORAGE_URL`), a row here says
//! what they are, whose they are and where they are attached. A file is attached to one parent,
//! named by its own foreign key (a workshop's material for now; papers' versions, partnership
//! steps and the library follow), so that a parent's removal removes its rows, and the orphan
//! sweep removes their objects.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("files")
                .col(big_pk_auto("id"))
                .col(string_len("purpose", 32))
                .col(big_integer_null("workshop_id"))
                .col(big_integer_null("platform_id"))
                .col(string_len_uniq("storage_key", 128))
                .col(string_len("name", 255))
                .col(string_len("title_ar", 200).default(""))
                .col(string_len("title_en", 200).default(""))
                .col(string_len("content_type", 128))
                .col(big_integer("size"))
                .col(string_len("sha256", 64))
                .col(string_len("status", 16))
                .col(big_integer_null("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("files", "workshop_id"),
                    "workshops",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ("files", "uploaded_by"),
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // A workshop's files in the order they came (the list's keyset).
        index(m, "files", &["workshop_id", "id"], false).await?;
        // Storage used per platform.
        index(m, "files", &["platform_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("files").to_owned()).await
    }
}
