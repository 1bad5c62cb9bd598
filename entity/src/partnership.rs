//! A partnership or twinning agreement (اتفاقية شراكة / توأمة).

use sea_orm::entity::prelude::*;

use crate::vocab::{PartnershipKind, PartnershipStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnerships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `twinning` | `decentralized_cooperation` | `partnership`.
    pub kind: PartnershipKind,
    pub subject_ar: String,
    pub subject_en: String,
    pub objectives_ar: String,
    pub objectives_en: String,
    /// JSON array of bilingual fields of cooperation.
    pub fields: String,
    /// JSON array of bilingual indicators.
    pub indicators: String,
    pub supervising_body: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: PartnershipStatus,
    pub search_text: String,
    pub created_by: i64,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
