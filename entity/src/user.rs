//! A person with an account: union staff (admin) or a member from a local authority.

use sea_orm::entity::prelude::*;

use crate::vocab::{DirectoryVisibility, Gender, Locale, Role};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stored lower-cased, so uniqueness is case-insensitive on every backend.
    #[sea_orm(unique)]
    pub email: String,
    /// Names and email folded for search (no diacritics, unified letter variants, lower case).
    pub search_text: String,
    pub name_ar: String,
    pub name_en: String,
    /// `female` | `male`, for gender-split reports.
    pub gender: Gender,
    pub local_authority_id: Option<i64>,
    pub job_title: Option<String>,
    /// `ar` | `en`: the language of the emails this person receives.
    pub locale: Locale,
    /// `admin` | `member`.
    pub role: Role,
    pub is_active: bool,
    pub email_verified_at: Option<DateTimeUtc>,
    /// Argon2id PHC string; `None` until an invited user sets a password.
    pub password_hash: Option<String>,
    /// Who sees, in the directory of peers, their job title, their authority (and its
    /// governorate), their platforms and working groups, and their expertise.
    pub show_job_title: DirectoryVisibility,
    pub show_authority: DirectoryVisibility,
    pub show_platforms: DirectoryVisibility,
    pub show_expertise: DirectoryVisibility,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::local_authority::Entity",
        from = "Column::LocalAuthorityId",
        to = "super::local_authority::Column::Id"
    )]
    LocalAuthority,
}

impl Related<super::local_authority::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LocalAuthority.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
