//! Each platform's time zone: the zone its workshops are shown in unless they name another
//! (the Gaza platform's is `Asia/Gaza`; the others' `Asia/Hebron`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("platforms")
                .add_column(string_len("time_zone", 64).default("Asia/Hebron"))
                .to_owned(),
        )
        .await?;
        // A database seeded before this change: the Gaza platform and its regional children.
        m.get_connection()
            .execute_unprepared(
                "UPDATE platforms SET time_zone = 'Asia/Gaza' WHERE slug = 'gaza' \
                 OR parent_id IN (SELECT id FROM platforms WHERE slug = 'gaza')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("platforms")
                .drop_column("time_zone")
                .to_owned(),
        )
        .await
    }
}
