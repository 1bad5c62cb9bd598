//! Accounts: administrators invite, read, change, deactivate and delete users.

mod create;
mod delete;
mod list;
pub mod me;
mod read;
mod update;

use entity::{local_authority, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::{Bilingual, Gender, Locale, Role, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::routes::views::AuthoritySummary;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_users)
        .service(create::create_user)
        .service(read::get_user)
        .service(update::update_user)
        .service(delete::delete_user);
}

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
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl UserResponse {
    pub fn new(u: user::Model, authority: Option<local_authority::Model>) -> UserResponse {
        UserResponse {
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

/// The folded text a user is found by.
pub fn search_text(email: &str, name: &Bilingual) -> String {
    search::fold_all([email, name.ar.as_str(), name.en.as_str()])
}

/// Loads a user with their authority (one query), or 404.
pub async fn find_with_authority(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<UserResponse, ApiError> {
    let (u, a) = user::Entity::find_by_id(id)
        .find_also_related(local_authority::Entity)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(UserResponse::new(u, a))
}

/// 422 when the authority does not exist (the foreign key would refuse it too).
pub async fn check_authority(db: &impl ConnectionTrait, id: Option<i64>) -> Result<(), ApiError> {
    let Some(id) = id else { return Ok(()) };
    let exists = local_authority::Entity::find_by_id(id).count(db).await? > 0;
    if exists {
        Ok(())
    } else {
        Err(ApiError::field(
            "/local_authority_id",
            "not_found",
            Text::new(
                "no local authority has this id",
                "لا توجد هيئة محلية بهذا الرقم",
            ),
        ))
    }
}

/// Refuses to leave the service without an active administrator.
pub async fn ensure_other_admin(db: &impl ConnectionTrait, user_id: i64) -> Result<(), ApiError> {
    let others = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Id.ne(user_id))
        .count(db)
        .await?;
    if others == 0 {
        return Err(ApiError::Problem(
            ProblemCode::LastAdmin,
            Text::new(
                "This is the last active administrator.",
                "هذا آخر مسؤول نشط في النظام.",
            ),
        ));
    }
    Ok(())
}
