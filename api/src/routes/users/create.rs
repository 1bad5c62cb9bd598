use actix_web::{HttpResponse, post, web};
use entity::user;
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{UserResponse, check_authority, find_with_authority, search_text};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::{self, Bilingual, Gender, Locale, Role, TokenPurpose};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::services::messages::links::send_link;
use crate::state::AppState;

/// A person to invite. They receive an email with a link to choose their password.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[validate(email, length(max = 254))]
    #[schema(example = "rana@hebron.ps", max_length = 254, format = Email)]
    pub email: String,
    #[validate(nested)]
    pub name: Bilingual,
    pub gender: Gender,
    pub local_authority_id: Option<i64>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub job_title: Option<String>,
    /// Language of their emails (default `ar`).
    pub locale: Option<Locale>,
    /// Default `member`.
    pub role: Option<Role>,
}

/// Invites a user (admins): creates the account without a password and emails an invitation.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserResponse),
        (status = 409, description = "The email is already in use", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let email = domain::normalize_email(&req.email);
    let name = req.name.trimmed();
    let locale = req.locale.unwrap_or(Locale::Ar);
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    check_authority(&txn, req.local_authority_id).await?;
    let created = user::ActiveModel {
        search_text: Set(search_text(&email, &name)),
        email: Set(email),
        name_ar: Set(name.ar),
        name_en: Set(name.en),
        gender: Set(req.gender),
        local_authority_id: Set(req.local_authority_id),
        job_title: Set(req.job_title.map(|t| t.trim().to_owned())),
        locale: Set(locale),
        role: Set(req.role.unwrap_or(Role::Member)),
        is_active: Set(true),
        email_verified_at: Set(None),
        password_hash: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    send_link(&txn, &state, &created, TokenPurpose::Invitation).await?;
    Entry::new(Action::UserCreate, created.id)
        .created(&created)
        .write(&txn, &auth, now)
        .await?;
    let response = find_with_authority(&txn, created.id).await?;
    state.commit(txn).await?;
    Ok(etag::created_at(
        format!("/api/v1/users/{}", created.id),
        &response,
    ))
}
