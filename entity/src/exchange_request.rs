//! A request to learn a practice: another authority's people ask its people to show them how
//! they did it (what they want, how many would come), and are answered.

use sea_orm::entity::prelude::*;

use crate::vocab::ExchangeStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exchange_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub practice_id: i64,
    /// The authority that asks.
    pub local_authority_id: i64,
    pub requested_by: i64,
    pub status: ExchangeStatus,
    /// What they want to learn.
    pub message: String,
    /// How many people would come.
    pub participants: i32,
    /// The answer's note.
    pub answer: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    /// The peer-exchange activity it became.
    pub activity_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
