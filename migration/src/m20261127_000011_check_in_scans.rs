//! Scans made at a venue, offline, and uploaded later: one row per scan nonce and workshop, so
//! that a batch sent twice counts each scan once and answers each as it did the first time.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("check_in_scans")
                .col(big_pk_auto("id"))
                .col(big_integer("workshop_id"))
                .col(string_len("nonce", 64))
                .col(string_len("outcome", 24))
                .col(big_integer_null("user_id"))
                .col(big_integer_null("registration_id"))
                .col(timestamp_with_time_zone("scanned_at"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(big_integer_null("recorded_by"))
                .foreign_key(&mut fk(
                    ("check_in_scans", "workshop_id"),
                    "workshops",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "check_in_scans", &["workshop_id", "nonce"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("check_in_scans").to_owned())
            .await
    }
}
