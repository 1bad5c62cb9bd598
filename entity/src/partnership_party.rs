//! A party to a partnership agreement, with its obligations.

use sea_orm::entity::prelude::*;

use crate::vocab::PartyKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership_parties")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partnership_id: i64,
    pub position: i32,
    /// `local_authority` | `foreign_local_authority` | `national_partner` | `international_partner`.
    pub kind: PartyKind,
    pub local_authority_id: Option<i64>,
    pub name_ar: String,
    pub name_en: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub obligations_ar: String,
    pub obligations_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
