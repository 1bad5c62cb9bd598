//! The caller's own account.

use crate::routes::Routes;
use actix_web::{HttpResponse, get, patch, post, web};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{UserResponse, find_with_authority, search_text};
use crate::audit::{Action, Entry};
use crate::auth::{AuthUser, password};
use crate::domain::{BilingualPatch, DirectoryVisibility, Gender, Locale};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::accounts::sessions::revoke_sessions;
use crate::state::AppState;

pub fn configure(cfg: &mut Routes) {
    cfg.service(get_me)
        .service(update_me)
        .service(change_password);
}

/// The caller's own profile.
#[utoipa::path(tag = "me", responses((status = 200, body = UserResponse)))]
#[get("/me")]
pub async fn get_me(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<web::Json<UserResponse>, ApiError> {
    Ok(web::Json(find_with_authority(&state.db, auth.id()).await?))
}

/// Profile fields the caller may change; absent fields stay as they are. A person's local
/// authority is not among them: endorsements speak in its name, so only an administrator
/// changes it (`PATCH /api/v1/users/{id}`).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[validate(nested)]
    pub name: Option<BilingualPatch>,
    pub gender: Option<Gender>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub job_title: Option<String>,
    pub locale: Option<Locale>,
    /// Replaces the topics they can advise on (shown in the directory of peers).
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub expertise_topic_ids: Option<Vec<i64>>,
    /// Who sees each field in the directory of peers; absent fields stay as they are.
    pub visibility: Option<DirectorySettingsPatch>,
}

/// Changes to who sees what in the directory of peers.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DirectorySettingsPatch {
    pub job_title: Option<DirectoryVisibility>,
    pub authority: Option<DirectoryVisibility>,
    pub platforms: Option<DirectoryVisibility>,
    pub expertise: Option<DirectoryVisibility>,
}

/// Changes the caller's own profile (not their role, email or local authority).
#[utoipa::path(tag = "me", request_body = UpdateMeRequest, responses((status = 200, body = UserResponse)))]
#[patch("/me")]
pub async fn update_me(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<UpdateMeRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let req = body.into_inner()?;
    let txn = crate::db::begin(&state.db).await?;
    let id = auth.id();
    let email = auth.user.email.clone();
    let before = auth.user.clone();
    let name = req
        .name
        .map(|n| n.merge(&auth.user.name_ar, &auth.user.name_en));
    let mut model = auth.user.into_active_model();
    if let Some(name) = name {
        model.search_text = Set(search_text(&email, &name));
        model.name_ar = Set(name.ar);
        model.name_en = Set(name.en);
    }
    if let Some(g) = req.gender {
        model.gender = Set(g);
    }
    if let Some(t) = req.job_title {
        model.job_title = Set(Some(t.trim().to_owned()));
    }
    if let Some(l) = req.locale {
        model.locale = Set(l);
    }
    if let Some(v) = req.visibility {
        let shown = [
            (v.job_title, &mut model.show_job_title),
            (v.authority, &mut model.show_authority),
            (v.platforms, &mut model.show_platforms),
            (v.expertise, &mut model.show_expertise),
        ];
        for (given, column) in shown {
            if let Some(level) = given {
                *column = Set(level);
            }
        }
    }
    if let Some(topics) = &req.expertise_topic_ids {
        crate::services::accounts::directory::set_expertise(&txn, id, topics).await?;
    }
    let now = state.clock.now();
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    Entry::new(Action::UserUpdateSelf, id)
        .updated(&before, &updated)
        .write(&txn, Some(id), now)
        .await?;
    let response = find_with_authority(&txn, id).await?;
    state.commit(txn).await?;
    Ok(web::Json(response))
}

/// The current password and the new one.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[validate(
        length(min = 1, max = 1024),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: String,
    /// At least 10 characters.
    #[validate(
        length(min = 10, max = 1024),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 10, max_length = 1024)]
    pub new_password: String,
}

/// Changes the caller's password and ends all their sessions (sign in again).
#[utoipa::path(
    tag = "me",
    request_body = ChangePasswordRequest,
    responses((status = 204, description = "Password changed"))
)]
#[post("/me/password")]
pub async fn change_password(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let ok = password::verify(
        req.current_password,
        auth.user.password_hash.clone(),
        state.dummy_hash.clone(),
    )
    .await?;
    if !ok {
        return Err(ApiError::field(
            "/current_password",
            "wrong_password",
            Text::new("is not your current password", "ليست كلمة المرور الحالية"),
        ));
    }
    let hash = password::hash(req.new_password).await?;
    let id = auth.id();
    let txn = crate::db::begin(&state.db).await?;
    let before = auth.user.clone();
    let now = state.clock.now();
    let mut model = auth.user.into_active_model();
    model.password_hash = Set(Some(hash));
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    revoke_sessions(&txn, id).await?;
    Entry::new(Action::UserPasswordChange, id)
        .updated(&before, &updated)
        .write(&txn, Some(id), now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
