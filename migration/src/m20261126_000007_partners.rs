//! What partner portals integrate with: API keys (service accounts), the changes feed (one row
//! per resource, moved forward on every change, tombstones for deletions) and webhook
//! subscriptions with their deliveries (an outbox written in the change's transaction). Rows that
//! are read in commit order carry `txid`, the writing transaction's id on PostgreSQL (0 on
//! SQLite, whose writers are serialized), so that a reader never skips a row whose transaction
//! committed late.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use ForeignKeyAction::Cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("api_keys")
                .col(big_pk_auto("id"))
                .col(string_len("name", 100))
                .col(string_len("prefix", 16))
                .col(string_len("secret_hash", 64))
                .col(string_len_null("previous_hash", 64))
                .col(timestamp_with_time_zone_null("previous_expires_at"))
                .col(big_integer("created_by"))
                .col(text("scopes"))
                .col(text_null("platform_ids"))
                .col(integer("rate_limit_per_minute"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk(("api_keys", "created_by"), "users", Cascade))
                .to_owned(),
        )
        .await?;
        index(m, "api_keys", &["secret_hash"], true).await?;
        index(m, "api_keys", &["previous_hash"], false).await?;
        index(m, "api_keys", &["created_by", "id"], false).await?;
        m.alter_table(
            Table::alter()
                .table("audit_log")
                .add_column(big_integer_null("api_key_id"))
                .to_owned(),
        )
        .await?;
        index(m, "audit_log", &["api_key_id", "id"], false).await?;

        m.create_table(
            Table::create()
                .table("change_log")
                .col(big_pk_auto("id"))
                .col(big_integer("txid"))
                .col(string_len("entity_type", 32))
                .col(big_integer("entity_id"))
                .col(string_len("op", 8))
                .col(integer("version"))
                .col(big_integer_null("platform_id"))
                .col(big_integer_null("user_id"))
                .col(timestamp_with_time_zone("changed_at"))
                .to_owned(),
        )
        .await?;
        index(m, "change_log", &["txid", "id"], false).await?;
        index(m, "change_log", &["entity_type", "entity_id"], false).await?;
        index(m, "change_log", &["op", "changed_at"], false).await?;
        m.create_table(
            Table::create()
                .table("change_horizon")
                .col(string_len("name", 16).primary_key())
                .col(big_integer("txid"))
                .col(big_integer("change_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("webhook_subscriptions")
                .col(big_pk_auto("id"))
                .col(string_len("description", 200))
                .col(string_len("url", 2000))
                .col(text("event_types"))
                .col(text_null("platform_ids"))
                .col(string_len("secret", 64))
                .col(string_len_null("previous_secret", 64))
                .col(timestamp_with_time_zone_null("previous_secret_expires_at"))
                .col(big_integer("created_by"))
                .col(boolean("enabled"))
                .col(string_len_null("disabled_reason", 200))
                .col(timestamp_with_time_zone_null("lease_until"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk(
                    ("webhook_subscriptions", "created_by"),
                    "users",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "webhook_subscriptions", &["enabled"], false).await?;
        index(m, "webhook_subscriptions", &["created_by", "id"], false).await?;
        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .col(big_pk_auto("id"))
                .col(big_integer("subscription_id"))
                .col(big_integer("txid"))
                .col(string_len("msg_id", 40))
                .col(string_len("event_type", 48))
                .col(big_integer_null("platform_id"))
                .col(text("payload"))
                .col(string_len("status", 12))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_attempt_at"))
                .col(integer_null("response_code"))
                .col(integer_null("latency_ms"))
                .col(string_len_null("last_error", 300))
                .col(big_integer_null("replay_of"))
                .foreign_key(&mut fk(
                    ("webhook_deliveries", "subscription_id"),
                    "webhook_subscriptions",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "webhook_deliveries",
            &["subscription_id", "status", "txid", "id"],
            false,
        )
        .await?;
        index(
            m,
            "webhook_deliveries",
            &["status", "next_attempt_at"],
            false,
        )
        .await?;
        index(m, "webhook_deliveries", &["subscription_id", "id"], false).await?;
        index(
            m,
            "webhook_deliveries",
            &["subscription_id", "created_at"],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "webhook_deliveries",
            "webhook_subscriptions",
            "change_horizon",
            "change_log",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("ix_audit_log_api_key_id_id")
                .table("audit_log")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("audit_log")
                .drop_column("api_key_id")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("api_keys").to_owned())
            .await
    }
}
