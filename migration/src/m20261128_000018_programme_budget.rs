//! `000`'s budget as it is written: a budget line has up to two cost units (unit cost × units,
//! twice, e.g. training hours and days of logistics) and a funder; and what was spent on each
//! activity, when, in which currency and from which funder.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["unit_cost_2", "units_2"] {
            m.alter_table(
                Table::alter()
                    .table("budget_lines")
                    .add_column(string_len_null(column, 40))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("budget_lines")
                .add_column(string_len("funder", 200).default(""))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("activity_spendings")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(string_len("amount", 40))
                .col(string_len("currency", 3))
                .col(string_len("funder", 200))
                .col(date("spent_on"))
                .col(string_len("description", 500))
                .col(big_integer("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("activity_spendings", "activity_id"),
                    "activities",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ("activity_spendings", "recorded_by"),
                    "users",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "activity_spendings", &["activity_id", "id"], false).await?;
        index(m, "activity_spendings", &["spent_on", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("activity_spendings").to_owned())
            .await?;
        for column in ["funder", "units_2", "unit_cost_2"] {
            m.alter_table(
                Table::alter()
                    .table("budget_lines")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
