//! A member of a working group (an active member of its platform).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "working_group_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub working_group_id: i64,
    pub user_id: i64,
    pub joined_at: DateTimeUtc,
    /// When the seat ended (the person left, was removed or deactivated); open while null.
    pub left_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
