//! Activities with risks and budget lines, workshops with hosts, agenda, experts and materials,
//! registrations, personal calendar tokens, and the mail outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

use crate::helpers::{fk, index};
use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("activities")
                .col(big_pk_auto("id"))
                .col(big_integer("working_group_id"))
                .col(big_integer("platform_id"))
                .col(string_len("kind", 32))
                .col(string_len("title_ar", 300))
                .col(string_len("title_en", 300))
                .col(text("rationale_ar"))
                .col(text("rationale_en"))
                .col(text("expected_outputs_ar"))
                .col(text("expected_outputs_en"))
                .col(string_len("responsible_party", 300))
                .col(string_len("status", 16))
                .col(string_len_null("planned_quarter", 7))
                .col(date_null("started_on"))
                .col(date_null("advanced_on"))
                .col(date_null("completed_on"))
                .col(date_null("cancelled_on"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    ("activities", "working_group_id"),
                    "working_groups",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("activities", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "activities", &["working_group_id", "id"], false).await?;
        index(m, "activities", &["platform_id", "planned_quarter"], false).await?;

        m.create_table(
            Table::create()
                .table("activity_platforms")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(big_integer("platform_id"))
                .foreign_key(&mut fk(
                    ("activity_platforms", "activity_id"),
                    "activities",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("activity_platforms", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "activity_platforms",
            &["activity_id", "platform_id"],
            true,
        )
        .await?;
        index(m, "activity_platforms", &["platform_id"], false).await?;

        m.create_table(
            Table::create()
                .table("activity_risks")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(integer("position"))
                .col(text("risk"))
                .col(text("mitigation"))
                .foreign_key(&mut fk(
                    ("activity_risks", "activity_id"),
                    "activities",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "activity_risks", &["activity_id", "position"], true).await?;

        m.create_table(
            Table::create()
                .table("budget_lines")
                .col(big_pk_auto("id"))
                .col(big_integer("activity_id"))
                .col(integer("position"))
                .col(string_len("description", 500))
                .col(string_len("unit_cost", 40))
                .col(string_len("units", 40))
                .col(string_len("currency", 3))
                .foreign_key(&mut fk(
                    ("budget_lines", "activity_id"),
                    "activities",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "budget_lines", &["activity_id", "position"], true).await?;

        m.create_table(
            Table::create()
                .table("workshops")
                .col(big_pk_auto("id"))
                .col(big_integer("platform_id"))
                .col(big_integer_null("topic_id"))
                .col(big_integer_null("activity_id"))
                .col(string_len("kind", 32))
                .col(string_len("title_ar", 300))
                .col(string_len("title_en", 300))
                .col(text("description_ar"))
                .col(text("description_en"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(string_len("time_zone", 64))
                .col(string_len_null("venue_city", 100))
                .col(string_len_null("venue_address", 300))
                .col(string_len_null("online_url", 500))
                .col(integer_null("capacity"))
                .col(integer("registered_count"))
                .col(timestamp_with_time_zone_null("registration_opens_at"))
                .col(timestamp_with_time_zone_null("registration_closes_at"))
                .col(string_len("status", 16))
                .col(boolean("is_public"))
                .col(string_len("check_in_code", 16))
                .col(integer("sequence"))
                .col(integer_null("reported_attendance"))
                .col(text("minutes_ar"))
                .col(text("minutes_en"))
                .col(text("outcomes_ar"))
                .col(text("outcomes_en"))
                .col(timestamp_with_time_zone_null("reminder_sent_at"))
                .col(big_integer_null("created_by"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(("workshops", "platform_id"), "platforms", Restrict))
                .foreign_key(&mut fk(("workshops", "topic_id"), "topics", SetNull))
                .foreign_key(&mut fk(("workshops", "activity_id"), "activities", SetNull))
                .foreign_key(&mut fk(("workshops", "created_by"), "users", SetNull))
                .to_owned(),
        )
        .await?;
        index(m, "workshops", &["starts_at", "id"], false).await?;
        index(m, "workshops", &["status", "starts_at", "id"], false).await?;
        index(m, "workshops", &["platform_id", "starts_at", "id"], false).await?;
        index(m, "workshops", &["venue_city", "starts_at"], false).await?;

        m.create_table(
            Table::create()
                .table("workshop_platforms")
                .col(big_pk_auto("id"))
                .col(big_integer("workshop_id"))
                .col(big_integer("platform_id"))
                .foreign_key(&mut fk(
                    ("workshop_platforms", "workshop_id"),
                    "workshops",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("workshop_platforms", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "workshop_platforms",
            &["workshop_id", "platform_id"],
            true,
        )
        .await?;
        index(
            m,
            "workshop_platforms",
            &["platform_id", "workshop_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("agenda_items")
                .col(big_pk_auto("id"))
                .col(big_integer("workshop_id"))
                .col(integer("position"))
                .col(string_len("title", 300))
                .col(string_len_null("speaker", 200))
                .col(integer_null("duration_minutes"))
                .foreign_key(&mut fk(
                    ("agenda_items", "workshop_id"),
                    "workshops",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "agenda_items", &["workshop_id", "position"], true).await?;

        m.create_table(
            Table::create()
                .table("workshop_experts")
                .col(big_pk_auto("id"))
                .col(big_integer("workshop_id"))
                .col(string_len("name", 200))
                .col(string_len_null("email", 254))
                .col(string_len_null("organisation", 200))
                .foreign_key(&mut fk(
                    ("workshop_experts", "workshop_id"),
                    "workshops",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "workshop_experts", &["workshop_id"], false).await?;

        m.create_table(
            Table::create()
                .table("workshop_materials")
                .col(big_pk_auto("id"))
                .col(big_integer("workshop_id"))
                .col(string_len("title", 300))
                .col(string_len("url", 1000))
                .foreign_key(&mut fk(
                    ("workshop_materials", "workshop_id"),
                    "workshops",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "workshop_materials", &["workshop_id"], false).await?;

        m.create_table(
            Table::create()
                .table("registrations")
                .col(big_pk_auto("id"))
                .col(big_integer("workshop_id"))
                .col(big_integer("user_id"))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone("queued_at"))
                .col(big_integer_null("registered_by"))
                .col(timestamp_with_time_zone_null("checked_in_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    ("registrations", "workshop_id"),
                    "workshops",
                    Cascade,
                ))
                .foreign_key(&mut fk(("registrations", "user_id"), "users", Restrict))
                .to_owned(),
        )
        .await?;
        index(m, "registrations", &["workshop_id", "user_id"], true).await?;
        index(
            m,
            "registrations",
            &["workshop_id", "status", "queued_at"],
            false,
        )
        .await?;
        index(m, "registrations", &["user_id", "status"], false).await?;

        m.create_table(
            Table::create()
                .table("calendar_tokens")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk(("calendar_tokens", "user_id"), "users", Cascade))
                .to_owned(),
        )
        .await?;
        index(m, "calendar_tokens", &["user_id"], false).await?;

        m.create_table(
            Table::create()
                .table("outbox")
                .col(big_pk_auto("id"))
                .col(string_len("kind", 40))
                .col(string_len("recipient", 320))
                .col(string_len("subject", 300))
                .col(text("text_body"))
                .col(text("html_body"))
                .col(text_null("ics"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        index(m, "outbox", &["sent_at", "next_attempt_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "outbox",
            "calendar_tokens",
            "registrations",
            "workshop_materials",
            "workshop_experts",
            "agenda_items",
            "workshop_platforms",
            "workshops",
            "budget_lines",
            "activity_risks",
            "activity_platforms",
            "activities",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
