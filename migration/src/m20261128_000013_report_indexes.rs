//! What the programme's reports read: a workshop's registrations by status with the person, from
//! the index alone (the participation report and the attendance export of a year touch a seventh
//! of the registrations of the programme's years).

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(
            m,
            "registrations",
            &["workshop_id", "status", "user_id"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_registrations_workshop_id_status_user_id")
                .table("registrations")
                .to_owned(),
        )
        .await
    }
}
