//! A lifecycle step of a partnership agreement, with its date, minutes and documents.

use sea_orm::entity::prelude::*;

use crate::vocab::{PartnershipStatus, StepOrigin};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership_steps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partnership_id: i64,
    pub from_status: StepOrigin,
    pub to_status: PartnershipStatus,
    pub on_date: Date,
    pub minutes: String,
    /// JSON array of `{title, url}`.
    pub documents: String,
    pub actor_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
