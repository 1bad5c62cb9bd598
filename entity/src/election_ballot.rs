//! What was chosen: a random id, no voter and no time, so ballots cannot be traced back.

use sea_orm::entity::prelude::*;

use crate::vocab::Seat;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "election_ballots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub election_id: i64,
    pub seat: Seat,
    pub candidate_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
