//! A notice in a person's in-app inbox, in both languages, about one resource.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// What happened, e.g. `membership.requested`.
    pub kind: crate::vocab::NoticeKind,
    pub title_ar: String,
    pub title_en: String,
    pub body_ar: String,
    pub body_en: String,
    /// The resource it is about, as the audit trail names it.
    pub entity_type: String,
    pub entity_id: i64,
    pub platform_id: Option<i64>,
    /// Where to read the resource in the API.
    pub link: String,
    pub read_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
