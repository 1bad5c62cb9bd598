//! A workshop may be limited to people of some governorates or kinds of local authority (the
//! Hebron GIS exchange is for the Hebron and Bethlehem governorates): two JSON lists, empty for
//! a workshop open to all.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 2] = ["eligible_governorates", "eligible_authority_kinds"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("workshops")
                    .add_column(ColumnDef::new(column).text().not_null().default("[]"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("workshops")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
