//! A scan made at a workshop's door (a ticket, or a walk-in), as first recorded.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "check_in_scans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workshop_id: i64,
    /// The scanning app's own id of the scan.
    pub nonce: String,
    /// What it did (`checked_in`, `already_present`, `walked_in`, or why it did nothing).
    pub outcome: String,
    pub user_id: Option<i64>,
    pub registration_id: Option<i64>,
    pub scanned_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    pub recorded_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
