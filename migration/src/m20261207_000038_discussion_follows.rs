//! Following discussions (issue 31, point 2): people follow a discussion or a whole space and are
//! told of new replies; each person's read state per discussion (the last reply they read); the
//! people a reply mentions.

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
                .table("discussion_follows")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                // A space (its kind and id), or one discussion of it (`discussion_id` set).
                .col(string_len("space_kind", 20))
                .col(big_integer("space_id"))
                .col(big_integer_null("discussion_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("discussion_follows", "user_id"), "users", Cascade))
                .foreign_key(&mut fk(
                    ("discussion_follows", "discussion_id"),
                    "discussions",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        // A discussion's followers, a space's followers, a person's follows.
        index(
            m,
            "discussion_follows",
            &["discussion_id", "user_id"],
            false,
        )
        .await?;
        index(
            m,
            "discussion_follows",
            &["space_kind", "space_id", "user_id"],
            false,
        )
        .await?;
        index(m, "discussion_follows", &["user_id", "id"], false).await?;
        m.create_table(
            Table::create()
                .table("discussion_reads")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(big_integer("discussion_id"))
                .col(big_integer("last_read_post_id"))
                .col(timestamp_with_time_zone("read_at"))
                .foreign_key(&mut fk(("discussion_reads", "user_id"), "users", Cascade))
                .foreign_key(&mut fk(
                    ("discussion_reads", "discussion_id"),
                    "discussions",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "discussion_reads", &["user_id", "discussion_id"], true).await?;
        // Whom a reply mentions (a JSON list of ids), told in their inbox.
        m.alter_table(
            Table::alter()
                .table("discussion_posts")
                .add_column(
                    ColumnDef::new("mention_ids")
                        .text()
                        .not_null()
                        .default("[]"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("discussion_posts")
                .drop_column("mention_ids")
                .to_owned(),
        )
        .await?;
        for t in ["discussion_reads", "discussion_follows"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
