//! A resumable upload in progress (tus 1.0): what it will be once whole, how much has arrived,
//! and until when it may be resumed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    /// Random, 32 hex digits: the upload's URL.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// What the file will be for (`material`), which sets its limits.
    pub purpose: String,
    /// The workshop it will be a material of, and that workshop's platform.
    pub workshop_id: i64,
    pub platform_id: Option<i64>,
    /// The name the client gave it.
    pub name: String,
    pub title_ar: String,
    pub title_en: String,
    /// Its announced length in bytes.
    pub length: i64,
    /// How many bytes have arrived (tus's `Upload-Offset`).
    pub received: i64,
    /// Who announced it: nobody else may send or see it.
    pub created_by: i64,
    /// The file it became, once whole.
    pub file_id: Option<i64>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
