//! Resumable uploads (issue 29, tus 1.0): an upload announced with its length and received in
//! chunks, each chunk an object of its own in the file store until the last arrives and they are
//! joined into one file. `received` is how many bytes have arrived (tus's `Upload-Offset`); a
//! chunk counts once its row in `upload_parts` commits with the new `received`, so two clients
//! sending the same chunk at once cannot both count it, and an upload left unfinished past
//! `expires_at` is removed with its chunks by the housekeeping job.

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
                .table("uploads")
                .col(string_len("id", 32).primary_key())
                .col(string_len("purpose", 32))
                .col(big_integer("workshop_id"))
                .col(big_integer_null("platform_id"))
                .col(string_len("name", 255))
                .col(string_len("title_ar", 200).default(""))
                .col(string_len("title_en", 200).default(""))
                .col(big_integer("length"))
                .col(big_integer("received"))
                .col(big_integer("created_by"))
                .col(big_integer_null("file_id"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("uploads", "workshop_id"),
                    "workshops",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ("uploads", "created_by"),
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ("uploads", "file_id"),
                    "files",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // The housekeeping job's look-up of what expired.
        index(m, "uploads", &["expires_at"], false).await?;
        m.create_table(
            Table::create()
                .table("upload_parts")
                .col(string_len("upload_id", 32))
                .col(big_integer("first_byte"))
                .col(big_integer("size"))
                .col(string_len_uniq("storage_key", 128))
                .primary_key(Index::create().col("upload_id").col("first_byte"))
                .foreign_key(&mut fk(
                    ("upload_parts", "upload_id"),
                    "uploads",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("upload_parts").to_owned())
            .await?;
        m.drop_table(Table::drop().table("uploads").to_owned())
            .await
    }
}
