//! The directory of peers (issue 30): what each person shows of themselves to whom (their job
//! title, their authority, their platforms and working groups, their expertise: to everyone
//! signed in, to their peers on a platform, or to nobody but their platforms' coordinators), and
//! the topics they can advise on.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};
use ForeignKeyAction::Cascade;

/// The columns that say who sees each field, everyone by default.
const SHOWN: [&str; 4] = [
    "show_job_title",
    "show_authority",
    "show_platforms",
    "show_expertise",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in SHOWN {
            if !m.has_column("users", column).await? {
                m.get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE users ADD COLUMN {column} VARCHAR(16) NOT NULL DEFAULT 'everyone'"
                    ))
                    .await?;
            }
        }
        m.create_table(
            Table::create()
                .table("expertise")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(big_integer("topic_id"))
                .foreign_key(&mut fk(("expertise", "user_id"), "users", Cascade))
                .foreign_key(&mut fk(("expertise", "topic_id"), "topics", Cascade))
                .to_owned(),
        )
        .await?;
        index(m, "expertise", &["user_id", "topic_id"], true).await?;
        // Who can advise on a topic.
        index(m, "expertise", &["topic_id", "user_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("expertise").to_owned())
            .await?;
        for column in SHOWN {
            m.alter_table(Table::alter().table("users").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
