//! A person following a space's discussions, or one discussion: told of new replies.

use sea_orm::entity::prelude::*;

use crate::vocab::SpaceKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discussion_follows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub space_kind: SpaceKind,
    pub space_id: i64,
    /// The one discussion followed; none: the whole space.
    pub discussion_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
