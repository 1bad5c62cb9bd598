//! The changes feed: one row per resource (moved forward on every change) and tombstones for
//! deleted ones, read in `(txid, id)` order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The writing transaction's id on PostgreSQL; 0 on SQLite.
    pub txid: i64,
    pub entity_type: String,
    pub entity_id: i64,
    /// `create`, `update` or `delete`.
    pub op: String,
    /// Grows by one with every change of the resource.
    pub version: i32,
    pub platform_id: Option<i64>,
    /// The person a private resource (a registration) belongs to.
    pub user_id: Option<i64>,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
