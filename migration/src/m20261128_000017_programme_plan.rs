//! The transition framework of `000` as data: a programme's milestones (المراحل المرجعية), and on
//! each activity its milestone, its indicators at three levels (started, advanced, completed:
//! each a text and the day it was achieved) and its timeline of quarters over up to three years.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("milestones")
                .col(big_pk_auto("id"))
                // The programme's slug, e.g. `technical-offices`.
                .col(string_len("programme", 80))
                .col(integer("rank"))
                .col(string_len("name_ar", 200))
                .col(string_len("name_en", 200))
                .col(text("summary_ar"))
                .col(text("summary_en"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        index(m, "milestones", &["programme", "rank"], true).await?;
        // Nullable, so that activities without a milestone stay as they are; checked by the api
        // (SQLite cannot add a foreign key to an existing table).
        m.alter_table(
            Table::alter()
                .table("activities")
                .add_column(big_integer_null("milestone_id"))
                .to_owned(),
        )
        .await?;
        index(m, "activities", &["milestone_id", "id"], false).await?;
        m.create_table(
            Table::create()
                .table("activity_indicators")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(integer("position"))
                .col(string_len("level", 16))
                .col(string_len("text_ar", 1000))
                .col(string_len("text_en", 1000))
                .col(date_null("achieved_on"))
                .foreign_key(&mut fk(
                    ("activity_indicators", "activity_id"),
                    "activities",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "activity_indicators",
            &["activity_id", "position"],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table("activity_quarters")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(integer("year"))
                .col(integer("quarter"))
                .foreign_key(&mut fk(
                    ("activity_quarters", "activity_id"),
                    "activities",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "activity_quarters",
            &["activity_id", "year", "quarter"],
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["activity_quarters", "activity_indicators"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("ix_activities_milestone_id_id")
                .table("activities")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("activities")
                .drop_column("milestone_id")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("milestones").to_owned())
            .await
    }
}
