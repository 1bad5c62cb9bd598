//! The in-app inbox: one row per person told of something, written in the same transaction as
//! the change, in both languages, with a link to what it is about.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notifications")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("kind", 40))
                .col(string_len("title_ar", 400))
                .col(string_len("title_en", 400))
                .col(text("body_ar"))
                .col(text("body_en"))
                .col(string_len("entity_type", 40))
                .col(big_integer("entity_id"))
                .col(big_integer_null("platform_id"))
                .col(string_len("link", 300))
                .col(timestamp_with_time_zone_null("read_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("notifications", "user_id"),
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        // The inbox newest first, and the unread count.
        index(m, "notifications", &["user_id", "id"], false).await?;
        index(m, "notifications", &["user_id", "read_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("notifications").to_owned())
            .await
    }
}
