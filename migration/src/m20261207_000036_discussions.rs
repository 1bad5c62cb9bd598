//! Discussions (issue 31): threads in a space (a platform, a working group, a task force, a
//! position paper, a practice, a workshop), their posts (flat, quoting, soft-deleted with a
//! tombstone) and each post's earlier texts; discussions are found by the one search.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use crate::m20261207_000035_full_text::{drop_full_text_index, full_text_index};
use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("discussions")
                .col(big_pk_auto("id"))
                .col(string_len("space_kind", 20))
                .col(big_integer("space_id"))
                .col(big_integer_null("platform_id"))
                .col(string_len("kind", 16))
                .col(string_len("title_ar", 200))
                .col(string_len("title_en", 200))
                .col(text("body_ar"))
                .col(text("body_en"))
                .col(text("html_ar"))
                .col(text("html_en"))
                .col(text("tags"))
                .col(text("topic_ids"))
                .col(big_integer("author_id"))
                .col(boolean("locked"))
                .col(big_integer_null("accepted_post_id"))
                .col(integer("post_count"))
                .col(timestamp_with_time_zone("last_post_at"))
                .col(text("search_text"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    ("discussions", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .foreign_key(&mut fk(("discussions", "author_id"), "users", Restrict))
                .to_owned(),
        )
        .await?;
        // A space's threads and all threads, latest activity first; a platform's threads.
        index(
            m,
            "discussions",
            &["space_kind", "space_id", "last_post_at", "id"],
            false,
        )
        .await?;
        index(m, "discussions", &["last_post_at", "id"], false).await?;
        index(
            m,
            "discussions",
            &["platform_id", "last_post_at", "id"],
            false,
        )
        .await?;
        // Found by the one search, on the database's own engine (as migration 35's tables).
        full_text_index(m, "discussions", "{row}search_text").await?;
        m.create_table(
            Table::create()
                .table("discussion_posts")
                .col(big_pk_auto("id"))
                .col(big_integer("discussion_id"))
                .col(big_integer("author_id"))
                .col(big_integer_null("quote_post_id"))
                .col(string_len("lang", 2))
                .col(text("body"))
                .col(text("html"))
                .col(integer("edit_count"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .col(big_integer_null("deleted_by"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    ("discussion_posts", "discussion_id"),
                    "discussions",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("discussion_posts", "author_id"),
                    "users",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("discussion_posts", "quote_post_id"),
                    "discussion_posts",
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    ("discussion_posts", "deleted_by"),
                    "users",
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // A thread's page of posts, in order; a person's posts.
        index(m, "discussion_posts", &["discussion_id", "id"], false).await?;
        index(m, "discussion_posts", &["author_id", "id"], false).await?;
        m.create_table(
            Table::create()
                .table("discussion_post_revisions")
                .col(big_pk_auto("id"))
                .col(big_integer("post_id"))
                .col(text("body"))
                .col(big_integer_null("edited_by"))
                .col(timestamp_with_time_zone("replaced_at"))
                .foreign_key(&mut fk(
                    ("discussion_post_revisions", "post_id"),
                    "discussion_posts",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("discussion_post_revisions", "edited_by"),
                    "users",
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "discussion_post_revisions", &["post_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_full_text_index(m, "discussions").await?;
        for t in [
            "discussion_post_revisions",
            "discussion_posts",
            "discussions",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
