//! The hosting platforms of a workshop, also kept on its row (comma-separated ids), so that
//! lists read them without a second query. `workshop_platforms` stays the source for filters.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("workshops")
                .add_column(string_len("host_ids", 400).default(""))
                .to_owned(),
        )
        .await?;
        // Existing rows: rebuilt from workshop_platforms (portable SQL, no aggregate functions).
        let db = m.get_connection();
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                m.get_database_backend(),
                "SELECT workshop_id, platform_id FROM workshop_platforms ORDER BY id",
            ))
            .await?;
        let mut hosts: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
        for r in rows {
            let w: i64 = r.try_get("", "workshop_id")?;
            let p: i64 = r.try_get("", "platform_id")?;
            hosts.entry(w).or_default().push(p);
        }
        for (w, ps) in hosts {
            let text = ps
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",");
            m.exec_stmt(
                Query::update()
                    .table("workshops")
                    .value("host_ids", text)
                    .and_where(Expr::col("id").eq(w))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("workshops")
                .drop_column("host_ids")
                .to_owned(),
        )
        .await
    }
}
