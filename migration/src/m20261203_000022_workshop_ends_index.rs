//! The workshops at a time: those ending after it starts, from an index (a registration's
//! clash warning looks for the person's other workshops overlapping the new one's time; without
//! it, the look-up walks all of the person's registrations, however long their history).

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, "workshops", &["ends_at", "starts_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_workshops_ends_at_starts_at")
                .table("workshops")
                .to_owned(),
        )
        .await
    }
}
