//! A local authority (هيئة محلية): municipality, village council, joint-services council or union.

use sea_orm::entity::prelude::*;

use crate::vocab::{AuthorityKind, Region};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "local_authorities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name_ar: String,
    pub name_en: String,
    /// Both names folded for search (no diacritics, unified letter variants, lower case).
    pub search_text: String,
    /// `municipality` | `village_council` | `joint_services_council` | `union_of_municipalities`.
    pub kind: AuthorityKind,
    pub governorate: String,
    /// `north` | `center` | `south` | `gaza`.
    pub region: Region,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
