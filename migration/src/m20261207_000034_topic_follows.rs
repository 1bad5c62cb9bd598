//! People follow topics (issue 30): a practice published on a topic reaches the platform's
//! members who follow it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use ForeignKeyAction::Cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("topic_follows")
                .col(big_pk_auto("id"))
                .col(big_integer("topic_id"))
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("topic_follows", "topic_id"), "topics", Cascade))
                .foreign_key(&mut fk(("topic_follows", "user_id"), "users", Cascade))
                .to_owned(),
        )
        .await?;
        // A topic's followers; a person's topics, in the order they followed them.
        index(m, "topic_follows", &["topic_id", "user_id"], true).await?;
        index(m, "topic_follows", &["user_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("topic_follows").to_owned())
            .await
    }
}
