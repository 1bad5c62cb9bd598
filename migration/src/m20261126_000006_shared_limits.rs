//! Security limits every replica sees and a restart keeps: counters per key and window, and the
//! password-reset requests a worker answers (so that the request itself does the same work
//! whether or not the account exists).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rate_buckets")
                .col(string_len("key", 80).primary_key())
                .col(integer("hits"))
                // Unix seconds: compared in SQL the same way on both databases.
                .col(big_integer("resets_at"))
                .to_owned(),
        )
        .await?;
        index(m, "rate_buckets", &["resets_at"], false).await?;
        m.create_table(
            Table::create()
                .table("password_reset_requests")
                .col(big_pk_auto("id"))
                .col(string_len("email", 254))
                .col(timestamp_with_time_zone("requested_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["password_reset_requests", "rate_buckets"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
