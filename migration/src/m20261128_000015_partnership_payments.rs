//! Payments against the contributions of an agreement (`002`: each partner's financial
//! contributions and the dates they fall due): what was paid, when, with what reference.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("partnership_payments")
                .col(big_pk_auto("id"))
                .col(big_integer("partnership_id"))
                .col(big_integer("contribution_id"))
                .col(string_len("amount", 40))
                .col(date("paid_on"))
                .col(string_len("reference", 200))
                .col(big_integer("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("partnership_payments", "partnership_id"),
                    "partnerships",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ("partnership_payments", "contribution_id"),
                    "partnership_contributions",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ("partnership_payments", "recorded_by"),
                    "users",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "partnership_payments", &["partnership_id", "id"], false).await?;
        index(m, "partnership_payments", &["contribution_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("partnership_payments").to_owned())
            .await
    }
}
