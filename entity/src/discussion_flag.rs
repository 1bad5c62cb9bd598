//! A person's flag on a reply, for the space's moderators to look at.

use sea_orm::entity::prelude::*;

use crate::vocab::FlagStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discussion_flags")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub post_id: i64,
    pub discussion_id: i64,
    /// The platform of the discussion's space (none for a task force's).
    pub platform_id: Option<i64>,
    /// Who flagged it.
    pub user_id: i64,
    pub reason: String,
    pub status: FlagStatus,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
