//! A workshop's venue, agenda, experts and materials in English beside Arabic, as its title and
//! description already are: English readers (emails, calendars, the web in English) get English
//! where it was given, Arabic otherwise.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, len) in [
            ("workshops", "venue_city_en", 100),
            ("workshops", "venue_address_en", 300),
            ("agenda_items", "title_en", 300),
            ("workshop_experts", "name_en", 200),
            ("workshop_experts", "organisation_en", 200),
            ("workshop_materials", "title_en", 300),
        ] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string_len(column, len).default(""))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("workshop_materials", "title_en"),
            ("workshop_experts", "organisation_en"),
            ("workshop_experts", "name_en"),
            ("agenda_items", "title_en"),
            ("workshops", "venue_address_en"),
            ("workshops", "venue_city_en"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
