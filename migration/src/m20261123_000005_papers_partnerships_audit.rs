//! Position papers with immutable versions, authors, transitions and endorsements; partnership
//! agreements with parties, financial contributions and lifecycle steps; the audit trail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

use crate::helpers::{fk, index};
use ForeignKeyAction::{Cascade, Restrict};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        papers(m).await?;
        partnerships(m).await?;
        audit(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_log",
            "partnership_steps",
            "partnership_contributions",
            "partnership_parties",
            "partnerships",
            "position_paper_endorsements",
            "position_paper_transitions",
            "position_paper_authors",
            "position_paper_versions",
            "position_papers",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

async fn papers(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("position_papers")
            .col(big_pk_auto("id"))
            .col(big_integer("platform_id"))
            .col(big_integer_null("topic_id"))
            .col(big_integer_null("working_group_id"))
            .col(string_len("target_body", 300))
            .col(string_len("status", 16))
            .col(string_len("title_ar", 300))
            .col(string_len("title_en", 300))
            .col(text("summary_ar"))
            .col(text("summary_en"))
            .col(text("body_ar"))
            .col(text("body_en"))
            .col(integer("current_version"))
            .col(text("search_text"))
            .col(big_integer("created_by"))
            .col(integer("version"))
            .col(timestamp_with_time_zone_null("published_at"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk(
                ("position_papers", "platform_id"),
                "platforms",
                Restrict,
            ))
            .foreign_key(&mut fk(("position_papers", "topic_id"), "topics", Restrict))
            .foreign_key(&mut fk(
                ("position_papers", "working_group_id"),
                "working_groups",
                Restrict,
            ))
            .foreign_key(&mut fk(
                ("position_papers", "created_by"),
                "users",
                Restrict,
            ))
            .to_owned(),
    )
    .await?;
    index(m, "position_papers", &["platform_id", "id"], false).await?;
    index(m, "position_papers", &["status", "id"], false).await?;

    m.create_table(
        Table::create()
            .table("position_paper_versions")
            .col(big_pk_auto("id"))
            .col(big_integer("paper_id"))
            .col(integer("number"))
            .col(string_len("target_body", 300))
            .col(string_len("title_ar", 300))
            .col(string_len("title_en", 300))
            .col(text("summary_ar"))
            .col(text("summary_en"))
            .col(text("body_ar"))
            .col(text("body_en"))
            .col(string_len("note", 500))
            .col(big_integer("edited_by"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk(
                ("position_paper_versions", "paper_id"),
                "position_papers",
                Cascade,
            ))
            .foreign_key(&mut fk(
                ("position_paper_versions", "edited_by"),
                "users",
                Restrict,
            ))
            .to_owned(),
    )
    .await?;
    index(m, "position_paper_versions", &["paper_id", "number"], true).await?;

    m.create_table(
        Table::create()
            .table("position_paper_authors")
            .col(big_pk_auto("id"))
            .col(big_integer("paper_id"))
            .col(big_integer("user_id"))
            .foreign_key(&mut fk(
                ("position_paper_authors", "paper_id"),
                "position_papers",
                Cascade,
            ))
            .foreign_key(&mut fk(
                ("position_paper_authors", "user_id"),
                "users",
                Restrict,
            ))
            .to_owned(),
    )
    .await?;
    index(m, "position_paper_authors", &["paper_id", "user_id"], true).await?;
    index(m, "position_paper_authors", &["user_id"], false).await?;

    m.create_table(
        Table::create()
            .table("position_paper_transitions")
            .col(big_pk_auto("id"))
            .col(big_integer("paper_id"))
            .col(string_len("from_status", 16))
            .col(string_len("to_status", 16))
            .col(string_len("note", 1000))
            .col(big_integer("actor_id"))
            .col(timestamp_with_time_zone("at"))
            .foreign_key(&mut fk(
                ("position_paper_transitions", "paper_id"),
                "position_papers",
                Cascade,
            ))
            .foreign_key(&mut fk(
                ("position_paper_transitions", "actor_id"),
                "users",
                Restrict,
            ))
            .to_owned(),
    )
    .await?;
    index(m, "position_paper_transitions", &["paper_id", "id"], false).await?;

    m.create_table(
        Table::create()
            .table("position_paper_endorsements")
            .col(big_pk_auto("id"))
            .col(big_integer("paper_id"))
            .col(big_integer("local_authority_id"))
            .col(big_integer("endorsed_by"))
            .col(string_len("statement", 2000))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk(
                ("position_paper_endorsements", "paper_id"),
                "position_papers",
                Cascade,
            ))
            .foreign_key(&mut fk(
                ("position_paper_endorsements", "local_authority_id"),
                "local_authorities",
                Restrict,
            ))
            .foreign_key(&mut fk(
                ("position_paper_endorsements", "endorsed_by"),
                "users",
                Restrict,
            ))
            .to_owned(),
    )
    .await?;
    // At most one endorsement per authority, held by the database under concurrency too.
    index(
        m,
        "position_paper_endorsements",
        &["paper_id", "local_authority_id"],
        true,
    )
    .await
}

async fn partnerships(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("partnerships")
            .col(big_pk_auto("id"))
            .col(string_len("kind", 32))
            .col(string_len("subject_ar", 300))
            .col(string_len("subject_en", 300))
            .col(text("objectives_ar"))
            .col(text("objectives_en"))
            // JSON arrays, written and read by the api only.
            .col(text("fields"))
            .col(text("indicators"))
            .col(string_len("supervising_body", 300))
            .col(date("starts_on"))
            .col(date("ends_on"))
            .col(string_len("status", 24))
            .col(text("search_text"))
            .col(big_integer("created_by"))
            .col(integer("version"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk(("partnerships", "created_by"), "users", Restrict))
            .to_owned(),
    )
    .await?;
    index(m, "partnerships", &["status", "id"], false).await?;
    index(m, "partnerships", &["ends_on", "id"], false).await?;

    m.create_table(
        Table::create()
            .table("partnership_parties")
            .col(big_pk_auto("id"))
            .col(big_integer("partnership_id"))
            .col(integer("position"))
            .col(string_len("kind", 32))
            .col(big_integer_null("local_authority_id"))
            .col(string_len("name_ar", 300))
            .col(string_len("name_en", 300))
            .col(string_len("country", 2))
            .col(text("obligations_ar"))
            .col(text("obligations_en"))
            .foreign_key(&mut fk(
                ("partnership_parties", "partnership_id"),
                "partnerships",
                Cascade,
            ))
            .foreign_key(&mut fk(
                ("partnership_parties", "local_authority_id"),
                "local_authorities",
                Restrict,
            ))
            .to_owned(),
    )
    .await?;
    index(
        m,
        "partnership_parties",
        &["partnership_id", "position"],
        true,
    )
    .await?;
    index(m, "partnership_parties", &["local_authority_id"], false).await?;

    m.create_table(
        Table::create()
            .table("partnership_contributions")
            .col(big_pk_auto("id"))
            .col(big_integer("partnership_id"))
            .col(big_integer("party_id"))
            .col(string_len("amount", 40))
            .col(string_len("currency", 3))
            .col(date("due_on"))
            .col(string_len("description", 500))
            .foreign_key(&mut fk(
                ("partnership_contributions", "partnership_id"),
                "partnerships",
                Cascade,
            ))
            .foreign_key(&mut fk(
                ("partnership_contributions", "party_id"),
                "partnership_parties",
                Cascade,
            ))
            .to_owned(),
    )
    .await?;
    index(m, "partnership_contributions", &["partnership_id"], false).await?;

    m.create_table(
        Table::create()
            .table("partnership_steps")
            .col(big_pk_auto("id"))
            .col(big_integer("partnership_id"))
            .col(string_len("from_status", 24))
            .col(string_len("to_status", 24))
            .col(date("on_date"))
            .col(text("minutes"))
            .col(text("documents"))
            .col(big_integer("actor_id"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk(
                ("partnership_steps", "partnership_id"),
                "partnerships",
                Cascade,
            ))
            .foreign_key(&mut fk(
                ("partnership_steps", "actor_id"),
                "users",
                Restrict,
            ))
            .to_owned(),
    )
    .await?;
    index(m, "partnership_steps", &["partnership_id", "id"], false).await
}

async fn audit(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    // No foreign keys: the trail outlives what it describes.
    m.create_table(
        Table::create()
            .table("audit_log")
            .col(big_pk_auto("id"))
            .col(timestamp_with_time_zone("at"))
            .col(big_integer_null("actor_id"))
            .col(string_len("action", 64))
            .col(string_len("entity_type", 48))
            .col(big_integer_null("entity_id"))
            .col(big_integer_null("platform_id"))
            .col(text("changes"))
            .to_owned(),
    )
    .await?;
    index(m, "audit_log", &["at", "id"], false).await?;
    index(m, "audit_log", &["actor_id", "id"], false).await?;
    index(m, "audit_log", &["entity_type", "entity_id", "id"], false).await?;
    index(m, "audit_log", &["platform_id", "id"], false).await
}
