//! Idempotency keys (IETF httpapi Idempotency-Key draft), shared by every replica: one row per
//! caller and key, holding the request's fingerprint, whether it still runs, and the first
//! answer — encrypted with a key only a retry of the same request can derive.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_keys")
                // SHA-256 of the caller and the key, hex.
                .col(string_len("key_hash", 64).primary_key())
                // SHA-256 of the method, the path and the body, hex.
                .col(string_len("fingerprint", 64))
                // Unix milliseconds until which the first request holds the key; null once done.
                .col(big_integer_null("locked_until"))
                .col(integer_null("status"))
                // Nonce and ciphertext of the stored answer, base64.
                .col(text_null("response"))
                // Unix seconds.
                .col(big_integer("expires_at"))
                .to_owned(),
        )
        .await?;
        index(m, "idempotency_keys", &["expires_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("idempotency_keys").to_owned())
            .await
    }
}
