//! One chunk of a resumable upload, kept in the file store under `storage_key` until the upload
//! is whole.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "upload_parts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub upload_id: String,
    /// Where in the file its first byte goes.
    #[sea_orm(primary_key, auto_increment = false)]
    pub first_byte: i64,
    pub size: i64,
    pub storage_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
