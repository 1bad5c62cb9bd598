//! A person's place at a workshop: registered, waitlisted (in `queued_at` order), cancelled, attended or no-show.

use sea_orm::entity::prelude::*;

use crate::vocab::RegistrationStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workshop_id: i64,
    pub user_id: i64,
    pub status: RegistrationStatus,
    pub queued_at: DateTimeUtc,
    pub registered_by: Option<i64>,
    pub checked_in_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::workshop::Entity",
        from = "Column::WorkshopId",
        to = "super::workshop::Column::Id"
    )]
    Workshop,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::workshop::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Workshop.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
