//! Learning a practice (issue 30): requests of other authorities to learn it, answered by its
//! people, and its replications (an authority that adopted it, when, with what outcome; each
//! authority once).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use ForeignKeyAction::{Cascade, Restrict};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("exchange_requests")
                .col(big_pk_auto("id"))
                .col(big_integer("practice_id"))
                .col(big_integer("local_authority_id"))
                .col(big_integer("requested_by"))
                .col(string_len("status", 16))
                .col(text("message"))
                .col(integer("participants"))
                .col(text("answer"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("exchange_requests", "practice_id"),
                    "practices",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("exchange_requests", "local_authority_id"),
                    "local_authorities",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("exchange_requests", "requested_by"),
                    "users",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("exchange_requests", "decided_by"),
                    "users",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        // A practice's requests in the order they came (the list's keyset).
        index(m, "exchange_requests", &["practice_id", "id"], false).await?;
        m.create_table(
            Table::create()
                .table("practice_replications")
                .col(big_pk_auto("id"))
                .col(big_integer("practice_id"))
                .col(big_integer("local_authority_id"))
                .col(date("adopted_on"))
                .col(text("outcome_ar"))
                .col(text("outcome_en"))
                .col(big_integer("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("practice_replications", "practice_id"),
                    "practices",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("practice_replications", "local_authority_id"),
                    "local_authorities",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("practice_replications", "recorded_by"),
                    "users",
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        // Each authority adopts a practice once.
        index(
            m,
            "practice_replications",
            &["practice_id", "local_authority_id"],
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("practice_replications").to_owned())
            .await?;
        m.drop_table(Table::drop().table("exchange_requests").to_owned())
            .await
    }
}
