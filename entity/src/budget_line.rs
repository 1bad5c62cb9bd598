//! A budget line; amounts are exact decimals stored as text.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub position: i32,
    pub description: String,
    pub unit_cost: String,
    pub units: String,
    /// The second cost unit of `000`, when there is one.
    pub unit_cost_2: Option<String>,
    pub units_2: Option<String>,
    pub currency: String,
    /// Who pays for it (may be empty).
    pub funder: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
