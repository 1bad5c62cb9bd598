//! Schema migrations, the same for SQLite and PostgreSQL: no native enums, one change per
//! `ALTER`, foreign keys only inside `create_table`.

/// A workshop's period as PostgreSQL's index of periods is written (migration 24): a look-up
/// that names it exactly is answered from the index.
pub use m20261205_000024_workshop_period_index::PERIOD as WORKSHOP_PERIOD;
pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261123_000001_identity;
mod m20261123_000002_governance;
mod m20261123_000003_activities;
mod m20261123_000004_workshop_hosts;
mod m20261123_000005_papers_partnerships_audit;
mod m20261126_000006_shared_limits;
mod m20261126_000007_partners;
mod m20261127_000008_idempotency;
mod m20261127_000009_platform_zones;
mod m20261127_000010_notifications;
mod m20261127_000011_check_in_scans;
mod m20261127_000012_bilingual_workshop_details;
mod m20261128_000013_report_indexes;
mod m20261128_000014_platform_launch_quarter;
mod m20261128_000015_partnership_payments;
mod m20261128_000016_partnership_monitoring;
mod m20261128_000017_programme_plan;
mod m20261128_000018_programme_budget;
mod m20261129_000019_union_activities;
mod m20261201_000020_seat_history;
mod m20261201_000021_workshop_eligibility;
mod m20261203_000022_workshop_ends_index;
mod m20261204_000023_outbox_due_index;
mod m20261205_000024_workshop_period_index;
mod m20261205_000025_files;
mod m20261207_000026_resumable_uploads;
mod m20261207_000027_file_scans;
mod m20261207_000028_file_parents;
mod m20261207_000029_practices;
mod m20261207_000030_practice_exchanges;
mod m20261207_000031_exchange_activities;
mod m20261207_000032_documents;
mod m20261207_000033_directory;
mod m20261207_000034_topic_follows;
mod m20261207_000035_full_text;
mod m20261207_000036_discussions;
mod m20261207_000037_discussion_moderation;
mod m20261207_000038_discussion_follows;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_identity::Migration),
            Box::new(m20261123_000002_governance::Migration),
            Box::new(m20261123_000003_activities::Migration),
            Box::new(m20261123_000004_workshop_hosts::Migration),
            Box::new(m20261123_000005_papers_partnerships_audit::Migration),
            Box::new(m20261126_000006_shared_limits::Migration),
            Box::new(m20261126_000007_partners::Migration),
            Box::new(m20261127_000008_idempotency::Migration),
            Box::new(m20261127_000009_platform_zones::Migration),
            Box::new(m20261127_000010_notifications::Migration),
            Box::new(m20261127_000011_check_in_scans::Migration),
            Box::new(m20261127_000012_bilingual_workshop_details::Migration),
            Box::new(m20261128_000013_report_indexes::Migration),
            Box::new(m20261128_000014_platform_launch_quarter::Migration),
            Box::new(m20261128_000015_partnership_payments::Migration),
            Box::new(m20261128_000016_partnership_monitoring::Migration),
            Box::new(m20261128_000017_programme_plan::Migration),
            Box::new(m20261128_000018_programme_budget::Migration),
            Box::new(m20261129_000019_union_activities::Migration),
            Box::new(m20261201_000020_seat_history::Migration),
            Box::new(m20261201_000021_workshop_eligibility::Migration),
            Box::new(m20261203_000022_workshop_ends_index::Migration),
            Box::new(m20261204_000023_outbox_due_index::Migration),
            Box::new(m20261205_000024_workshop_period_index::Migration),
            Box::new(m20261205_000025_files::Migration),
            Box::new(m20261207_000026_resumable_uploads::Migration),
            Box::new(m20261207_000027_file_scans::Migration),
            Box::new(m20261207_000028_file_parents::Migration),
            Box::new(m20261207_000029_practices::Migration),
            Box::new(m20261207_000030_practice_exchanges::Migration),
            Box::new(m20261207_000031_exchange_activities::Migration),
            Box::new(m20261207_000032_documents::Migration),
            Box::new(m20261207_000033_directory::Migration),
            Box::new(m20261207_000034_topic_follows::Migration),
            Box::new(m20261207_000035_full_text::Migration),
            Box::new(m20261207_000036_discussions::Migration),
            Box::new(m20261207_000037_discussion_moderation::Migration),
            Box::new(m20261207_000038_discussion_follows::Migration),
        ]
    }
}
