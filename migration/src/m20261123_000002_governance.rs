//! Platforms, memberships, coordinator terms and elections, work plans with axes and topics,
//! working groups, task forces, and the marker of loaded reference data.

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
                .table("platforms")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 80))
                .col(string_len("name_ar", 200))
                .col(string_len("name_en", 200))
                .col(string_len("kind", 16))
                .col(big_integer_null("parent_id"))
                .col(text("description_ar"))
                .col(text("description_en"))
                .col(text("audience_ar"))
                .col(text("audience_en"))
                .col(date_null("launched_on"))
                .col(string_len_null("launch_city_ar", 100))
                .col(string_len_null("launch_city_en", 100))
                .col(integer_null("launch_attendance"))
                .col(integer_null("launch_authority_count"))
                .col(string_len("status", 16))
                .col(text("search_text"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(("platforms", "parent_id"), "platforms", Restrict))
                .to_owned(),
        )
        .await?;
        index(m, "platforms", &["parent_id"], false).await?;

        m.create_table(
            Table::create()
                .table("memberships")
                .col(big_pk_auto("id"))
                .col(big_integer("platform_id"))
                .col(big_integer("user_id"))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone("requested_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("left_at"))
                .foreign_key(&mut fk(
                    ("memberships", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .foreign_key(&mut fk(("memberships", "user_id"), "users", Restrict))
                .foreign_key(&mut fk(("memberships", "decided_by"), "users", SetNull))
                .to_owned(),
        )
        .await?;
        index(m, "memberships", &["platform_id", "user_id"], true).await?;
        index(m, "memberships", &["platform_id", "status", "id"], false).await?;
        index(m, "memberships", &["user_id"], false).await?;

        m.create_table(
            Table::create()
                .table("elections")
                .col(big_pk_auto("id"))
                .col(big_integer("platform_id"))
                .col(timestamp_with_time_zone("nomination_starts_at"))
                .col(timestamp_with_time_zone("nomination_ends_at"))
                .col(timestamp_with_time_zone("voting_starts_at"))
                .col(timestamp_with_time_zone("voting_ends_at"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone_null("certified_at"))
                .col(big_integer_null("certified_by"))
                .col(timestamp_with_time_zone_null("cancelled_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("elections", "platform_id"), "platforms", Restrict))
                .foreign_key(&mut fk(("elections", "created_by"), "users", Restrict))
                .foreign_key(&mut fk(("elections", "certified_by"), "users", SetNull))
                .to_owned(),
        )
        .await?;
        index(m, "elections", &["platform_id", "id"], false).await?;

        m.create_table(
            Table::create()
                .table("coordinator_terms")
                .col(big_pk_auto("id"))
                .col(big_integer("platform_id"))
                .col(big_integer("user_id"))
                .col(string_len("seat", 16))
                .col(big_integer_null("election_id"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .foreign_key(&mut fk(
                    ("coordinator_terms", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .foreign_key(&mut fk(("coordinator_terms", "user_id"), "users", Restrict))
                .foreign_key(&mut fk(
                    ("coordinator_terms", "election_id"),
                    "elections",
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "coordinator_terms", &["platform_id", "ended_at"], false).await?;
        index(m, "coordinator_terms", &["user_id", "ended_at"], false).await?;

        m.create_table(
            Table::create()
                .table("election_candidates")
                .col(big_pk_auto("id"))
                .col(big_integer("election_id"))
                .col(string_len("seat", 16))
                .col(big_integer("user_id"))
                .col(big_integer("nominated_by"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("election_candidates", "election_id"),
                    "elections",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("election_candidates", "user_id"),
                    "users",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("election_candidates", "nominated_by"),
                    "users",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "election_candidates",
            &["election_id", "seat", "user_id"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("election_voters")
                .col(big_pk_auto("id"))
                .col(big_integer("election_id"))
                .col(string_len("seat", 16))
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("voted_at"))
                .foreign_key(&mut fk(
                    ("election_voters", "election_id"),
                    "elections",
                    Cascade,
                ))
                .foreign_key(&mut fk(("election_voters", "user_id"), "users", Restrict))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "election_voters",
            &["election_id", "seat", "user_id"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("election_ballots")
                .col(string_len("id", 36).primary_key())
                .col(big_integer("election_id"))
                .col(string_len("seat", 16))
                .col(big_integer("candidate_id"))
                .foreign_key(&mut fk(
                    ("election_ballots", "election_id"),
                    "elections",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("election_ballots", "candidate_id"),
                    "election_candidates",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "election_ballots", &["election_id", "seat"], false).await?;

        m.create_table(
            Table::create()
                .table("work_plans")
                .col(big_pk_auto("id"))
                .col(big_integer("platform_id"))
                .col(string_len("period", 50))
                .col(string_len("title_ar", 200))
                .col(string_len("title_en", 200))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone_null("approved_at"))
                .col(big_integer_null("approved_by"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    ("work_plans", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .foreign_key(&mut fk(("work_plans", "approved_by"), "users", SetNull))
                .to_owned(),
        )
        .await?;
        index(m, "work_plans", &["platform_id", "period"], true).await?;

        m.create_table(
            Table::create()
                .table("work_plan_axes")
                .col(big_pk_auto("id"))
                .col(big_integer("work_plan_id"))
                .col(integer("rank"))
                .col(string_len("name_ar", 200))
                .col(string_len("name_en", 200))
                .foreign_key(&mut fk(
                    ("work_plan_axes", "work_plan_id"),
                    "work_plans",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "work_plan_axes", &["work_plan_id", "rank"], true).await?;

        m.create_table(
            Table::create()
                .table("topics")
                .col(big_pk_auto("id"))
                .col(big_integer("work_plan_id"))
                .col(big_integer("platform_id"))
                .col(big_integer_null("axis_id"))
                .col(integer("rank"))
                .col(text("title_ar"))
                .col(text("title_en"))
                .col(text("search_text"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(("topics", "work_plan_id"), "work_plans", Cascade))
                .foreign_key(&mut fk(("topics", "platform_id"), "platforms", Restrict))
                .foreign_key(&mut fk(("topics", "axis_id"), "work_plan_axes", SetNull))
                .to_owned(),
        )
        .await?;
        index(m, "topics", &["work_plan_id", "rank"], true).await?;
        index(m, "topics", &["platform_id"], false).await?;

        m.create_table(
            Table::create()
                .table("working_groups")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("topic_id"))
                .col(big_integer("platform_id"))
                .col(string_len("name_ar", 200))
                .col(string_len("name_en", 200))
                .col(big_integer_null("lead_user_id"))
                .col(text("search_text"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(("working_groups", "topic_id"), "topics", Cascade))
                .foreign_key(&mut fk(
                    ("working_groups", "platform_id"),
                    "platforms",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("working_groups", "lead_user_id"),
                    "users",
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("working_group_members")
                .col(big_pk_auto("id"))
                .col(big_integer("working_group_id"))
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("joined_at"))
                .foreign_key(&mut fk(
                    ("working_group_members", "working_group_id"),
                    "working_groups",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("working_group_members", "user_id"),
                    "users",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "working_group_members",
            &["working_group_id", "user_id"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("task_forces")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 80))
                .col(string_len("name_ar", 200))
                .col(string_len("name_en", 200))
                .col(text("mandate_ar"))
                .col(text("mandate_en"))
                .col(integer_null("target_members"))
                .col(integer_null("target_authorities"))
                .col(integer_null("max_members_per_authority"))
                .col(string_len("status", 16))
                .col(text("search_text"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("task_force_members")
                .col(big_pk_auto("id"))
                .col(big_integer("task_force_id"))
                .col(big_integer("user_id"))
                .col(big_integer("local_authority_id"))
                .col(timestamp_with_time_zone("joined_at"))
                .foreign_key(&mut fk(
                    ("task_force_members", "task_force_id"),
                    "task_forces",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("task_force_members", "user_id"),
                    "users",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("task_force_members", "local_authority_id"),
                    "local_authorities",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "task_force_members", &["task_force_id", "user_id"], true).await?;
        index(
            m,
            "task_force_members",
            &["task_force_id", "local_authority_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("seed_runs")
                .col(string_len("name", 100).primary_key())
                .col(timestamp_with_time_zone("applied_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "seed_runs",
            "task_force_members",
            "task_forces",
            "working_group_members",
            "working_groups",
            "topics",
            "work_plan_axes",
            "work_plans",
            "election_ballots",
            "election_voters",
            "election_candidates",
            "coordinator_terms",
            "elections",
            "memberships",
            "platforms",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
