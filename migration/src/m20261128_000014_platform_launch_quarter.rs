//! What a second reading of the sources adds to platforms: the quarter a platform was launched in
//! where a source gives a quarter rather than a day (`001`: the five platforms of the programme's
//! second phase, launched in the last quarter of 2019).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("platforms")
                .add_column(string_len_null("launch_quarter", 7))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("platforms")
                .drop_column("launch_quarter")
                .to_owned(),
        )
        .await
    }
}
