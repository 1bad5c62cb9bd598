//! Working-group and task-force seats are ended, not deleted: `left_at` dates the end, so that
//! a person who leaves (or is deactivated) keeps their seat in the history and the seat reports
//! of past periods do not change. A person holds at most one open seat per group or task force
//! (a partial unique index); an ended one may be followed by a new one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, the body's column, the old unique index).
const SEATS: [(&str, &str, &str); 2] = [
    (
        "working_group_members",
        "working_group_id",
        "ux_working_group_members_working_group_id_user_id",
    ),
    (
        "task_force_members",
        "task_force_id",
        "ux_task_force_members_task_force_id_user_id",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (table, body, old) in SEATS {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(ColumnDef::new("left_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
            m.drop_index(Index::drop().name(old).table(table).to_owned())
                .await?;
            db.execute_unprepared(&format!(
                "CREATE UNIQUE INDEX ux_{table}_open ON {table} ({body}, user_id) \
                 WHERE left_at IS NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (table, body, old) in SEATS {
            // Ended seats have no place in the older schema.
            db.execute_unprepared(&format!("DELETE FROM {table} WHERE left_at IS NOT NULL"))
                .await?;
            m.drop_index(
                Index::drop()
                    .name(format!("ux_{table}_open"))
                    .table(table)
                    .to_owned(),
            )
            .await?;
            m.create_index(
                Index::create()
                    .name(old)
                    .table(table)
                    .col(body)
                    .col("user_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column("left_at")
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
