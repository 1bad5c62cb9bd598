//! Moderating discussions (issue 31): a discussion pinned to the top of its space; a reply
//! hidden by a moderator with a reason (its author is told); people's flags on replies, a queue
//! for the space's moderators.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use ForeignKeyAction::{Cascade, SetNull};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("discussions")
                .add_column(ColumnDef::new("pinned").boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;
        for column in [
            ColumnDef::new("hidden_at")
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new("hidden_by").big_integer().null().to_owned(),
            ColumnDef::new("hidden_reason")
                .text()
                .not_null()
                .default("")
                .to_owned(),
        ] {
            // One column per statement: SQLite adds one at a time.
            m.alter_table(
                Table::alter()
                    .table("discussion_posts")
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("discussion_flags")
                .col(big_pk_auto("id"))
                .col(big_integer("post_id"))
                .col(big_integer("discussion_id"))
                .col(big_integer_null("platform_id"))
                .col(big_integer("user_id"))
                .col(string_len("reason", 500))
                .col(string_len("status", 16))
                .col(big_integer_null("resolved_by"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("discussion_flags", "post_id"),
                    "discussion_posts",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("discussion_flags", "discussion_id"),
                    "discussions",
                    Cascade,
                ))
                .foreign_key(&mut fk(("discussion_flags", "user_id"), "users", Cascade))
                .foreign_key(&mut fk(
                    ("discussion_flags", "resolved_by"),
                    "users",
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // One flag per person and reply; the queue by status, everywhere or per platform.
        index(m, "discussion_flags", &["post_id", "user_id"], true).await?;
        index(m, "discussion_flags", &["status", "id"], false).await?;
        index(
            m,
            "discussion_flags",
            &["platform_id", "status", "id"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("discussion_flags").to_owned())
            .await?;
        for column in ["hidden_at", "hidden_by", "hidden_reason"] {
            m.alter_table(
                Table::alter()
                    .table("discussion_posts")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("discussions")
                .drop_column("pinned")
                .to_owned(),
        )
        .await
    }
}
