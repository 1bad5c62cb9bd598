//! What the users routes read and answer: request bodies, query parameters and responses.

use entity::{local_authority, user};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Bilingual, DirectoryVisibility, Gender, Locale, Role};
use crate::routes::views::AuthoritySummary;

/// A user as the API shows it. Password hashes and tokens are never part of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = "rana@hebron.ps", max_length = 254, format = Email)]
    pub email: String,
    pub name: Bilingual,
    pub gender: Gender,
    pub local_authority: Option<AuthoritySummary>,
    #[schema(example = "مسؤولة العلاقات العامة", max_length = 200)]
    pub job_title: Option<String>,
    pub locale: Locale,
    pub role: Role,
    pub is_active: bool,
    pub email_verified: bool,
    /// Invited, and has not yet chosen a password.
    pub invitation_pending: bool,
    /// Who sees what of them in the directory of peers.
    pub visibility: DirectorySettings,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Who sees each field of a person in the directory of peers (`GET /directory`): `everyone`
/// signed in, their `peers` (the people who share one of their platforms), or `nobody` (the
/// person, the coordinators of their platforms and administrators always see them whole).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct DirectorySettings {
    pub job_title: DirectoryVisibility,
    /// Their local authority and its governorate.
    pub authority: DirectoryVisibility,
    /// Their platforms and working groups.
    pub platforms: DirectoryVisibility,
    /// The topics they can advise on.
    pub expertise: DirectoryVisibility,
}

impl DirectorySettings {
    pub fn of(u: &user::Model) -> DirectorySettings {
        DirectorySettings {
            job_title: u.show_job_title,
            authority: u.show_authority,
            platforms: u.show_platforms,
            expertise: u.show_expertise,
        }
    }
}

impl UserResponse {
    pub fn new(u: user::Model, authority: Option<local_authority::Model>) -> UserResponse {
        UserResponse {
            visibility: DirectorySettings::of(&u),
            id: u.id,
            email: u.email,
            name: Bilingual {
                ar: u.name_ar,
                en: u.name_en,
            },
            gender: u.gender,
            local_authority: authority.map(AuthoritySummary::from),
            job_title: u.job_title,
            locale: u.locale,
            role: u.role,
            is_active: u.is_active,
            email_verified: u.email_verified_at.is_some(),
            invitation_pending: u.password_hash.is_none(),
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

crate::listed!(UserResponse => UserList, "A page of users.");
