//! A member of a task force, with the authority they represent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_force_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_force_id: i64,
    pub user_id: i64,
    pub local_authority_id: i64,
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
