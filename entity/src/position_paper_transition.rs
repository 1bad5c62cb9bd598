//! A status change of a position paper: who, when, from what to what.

use sea_orm::entity::prelude::*;

use crate::vocab::PaperStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "position_paper_transitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub paper_id: i64,
    pub from_status: PaperStatus,
    pub to_status: PaperStatus,
    pub note: String,
    pub actor_id: i64,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
