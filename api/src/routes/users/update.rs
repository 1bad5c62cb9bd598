use actix_web::{patch, web};
use entity::user;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{UserResponse, check_authority, ensure_other_admin, find_with_authority, search_text};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{BilingualPatch, Gender, Locale, Role};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::accounts::sessions::{revoke_calendar_feeds, revoke_sessions};
use crate::services::programme::departures::{self, Scope};
use crate::state::AppState;

/// Fields to change; absent fields stay as they are. `local_authority_id: null` detaches.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[validate(nested)]
    pub name: Option<BilingualPatch>,
    pub gender: Option<Gender>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub local_authority_id: Option<Option<i64>>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub job_title: Option<String>,
    pub locale: Option<Locale>,
    pub role: Option<Role>,
    /// `false` deactivates the account and ends its sessions.
    pub is_active: Option<bool>,
}

/// Changes a user (admins). The last active administrator cannot be demoted or deactivated.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, body = UserResponse),
        (status = 409, description = "Would leave no active administrator", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateUserRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let txn = crate::db::begin(&state.db).await?;
    let current = find_or_404::<user::Entity>(&txn, id.into_inner()).await?;
    let was_active_admin = current.is_active && current.role == Role::Admin;
    let stays_admin = req.role.is_none_or(|r| r == Role::Admin) && req.is_active != Some(false);
    if was_active_admin && !stays_admin {
        ensure_other_admin(&txn, current.id).await?;
    }
    if let Some(authority) = req.local_authority_id {
        check_authority(&txn, authority).await?;
    }
    let deactivating = current.is_active && req.is_active == Some(false);
    let user_id = current.id;
    let email = current.email.clone();
    let before = current.clone();
    let name = req
        .name
        .map(|n| n.merge(&current.name_ar, &current.name_en));
    let mut model = current.into_active_model();
    if let Some(name) = name {
        model.search_text = Set(search_text(&email, &name));
        model.name_ar = Set(name.ar);
        model.name_en = Set(name.en);
    }
    if let Some(g) = req.gender {
        model.gender = Set(g);
    }
    if let Some(a) = req.local_authority_id {
        model.local_authority_id = Set(a);
    }
    if let Some(t) = req.job_title {
        model.job_title = Set(Some(t.trim().to_owned()));
    }
    if let Some(l) = req.locale {
        model.locale = Set(l);
    }
    if let Some(r) = req.role {
        model.role = Set(r);
    }
    if let Some(active) = req.is_active {
        model.is_active = Set(active);
    }
    let now = state.clock.now();
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    // A person who leaves releases what they held, in this same transaction.
    let released = if deactivating {
        Some(
            departures::release(&txn, &state, user_id, Scope::Everything, auth.actor(), now)
                .await?,
        )
    } else {
        None
    };
    let mut entry = Entry::new(Action::UserUpdate, user_id).updated(&before, &updated);
    if let Some(r) = released {
        entry = entry.field("released", r);
    }
    entry.write(&txn, &auth, now).await?;
    if deactivating {
        revoke_sessions(&txn, user_id).await?;
        revoke_calendar_feeds(&txn, user_id, now).await?;
    }
    let response = find_with_authority(&txn, user_id).await?;
    state.commit(txn).await?;
    Ok(web::Json(response))
}
