//! A coordinator election of a platform, with its nomination and voting windows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "elections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub platform_id: i64,
    pub nomination_starts_at: DateTimeUtc,
    pub nomination_ends_at: DateTimeUtc,
    pub voting_starts_at: DateTimeUtc,
    pub voting_ends_at: DateTimeUtc,
    pub created_by: i64,
    pub certified_at: Option<DateTimeUtc>,
    pub certified_by: Option<i64>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
