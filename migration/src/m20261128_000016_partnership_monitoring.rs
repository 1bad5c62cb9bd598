//! `002`'s monitoring and evaluation of an agreement: its indicators measured over time; and its
//! terms as they stood before each amendment or renewal, kept when new terms are recorded.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("partnership_measurements")
                .col(big_pk_auto("id"))
                .col(big_integer("partnership_id"))
                // 1-based position in the agreement's indicators when measured, and its text.
                .col(integer("indicator"))
                .col(string_len("indicator_ar", 300))
                .col(string_len("indicator_en", 300))
                .col(string_len("value", 40))
                .col(date("measured_on"))
                .col(text("note"))
                .col(big_integer("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("partnership_measurements", "partnership_id"),
                    "partnerships",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ("partnership_measurements", "recorded_by"),
                    "users",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "partnership_measurements",
            &["partnership_id", "id"],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table("partnership_terms")
                .col(big_pk_auto("id"))
                .col(big_integer("partnership_id"))
                // 1 for the terms first agreed, then one more for each amendment or renewal.
                .col(integer("version"))
                .col(string_len("subject_ar", 300))
                .col(string_len("subject_en", 300))
                .col(text("objectives_ar"))
                .col(text("objectives_en"))
                .col(text("fields"))
                .col(text("indicators"))
                .col(string_len("supervising_body", 300))
                .col(date("starts_on"))
                .col(date("ends_on"))
                // The step that replaced them, and its day.
                .col(big_integer("replaced_by_step_id"))
                .col(date("replaced_on"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("partnership_terms", "partnership_id"),
                    "partnerships",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "partnership_terms", &["partnership_id", "version"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["partnership_terms", "partnership_measurements"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
