//! Mail written in the same transaction as the change that caused it, sent by a background worker.

use sea_orm::entity::prelude::*;

use crate::vocab::MailKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// A calendar attachment (its METHOD inside).
    pub ics: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
