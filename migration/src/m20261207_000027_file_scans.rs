//! Virus scanning of uploads (issue 29): with `CLAMAV_URL` set, a file is recorded
//! `pending_scan` and the scanning job takes it; `scan_after` is when a job may take it (again):
//! a job that takes one sets it a few minutes ahead, so that another replica leaves it alone
//! while the scan runs and takes it up if that job stopped.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("files")
                .add_column(timestamp_with_time_zone_null("scan_after"))
                .to_owned(),
        )
        .await?;
        // The scanning job's look-up of what waits.
        index(m, "files", &["status", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_files_status_id")
                .table("files")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("files")
                .drop_column("scan_after")
                .to_owned(),
        )
        .await
    }
}
