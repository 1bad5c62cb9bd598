use actix_web::{patch, web};
use entity::local_authority;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{LocalAuthorityResponse, search_text};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{AuthorityKind, BilingualPatch, Region};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateLocalAuthorityRequest {
    #[validate(nested)]
    pub name: Option<BilingualPatch>,
    pub kind: Option<AuthorityKind>,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 100)]
    pub governorate: Option<String>,
    pub region: Option<Region>,
}

/// Changes a local authority (admins).
#[utoipa::path(
    tag = "local-authorities",
    params(("id" = i64, Path, description = "Local authority id")),
    request_body = UpdateLocalAuthorityRequest,
    responses(
        (status = 200, body = LocalAuthorityResponse),
        (status = 409, description = "Another authority has this Arabic name", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/local-authorities/{id}")]
pub async fn update_local_authority(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateLocalAuthorityRequest>,
) -> Result<web::Json<LocalAuthorityResponse>, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let txn = crate::db::begin(&state.db).await?;
    let current = find_or_404::<local_authority::Entity>(&txn, id.into_inner()).await?;
    let name = req
        .name
        .unwrap_or_default()
        .merge(&current.name_ar, &current.name_en);
    let governorate = req
        .governorate
        .map(|g| g.trim().to_owned())
        .unwrap_or_else(|| current.governorate.clone());
    let before = current.clone();
    let mut model = current.into_active_model();
    model.search_text = Set(search_text(&name, &governorate));
    model.name_ar = Set(name.ar);
    model.name_en = Set(name.en);
    model.governorate = Set(governorate);
    if let Some(kind) = req.kind {
        model.kind = Set(kind);
    }
    if let Some(region) = req.region {
        model.region = Set(region);
    }
    let now = state.clock.now();
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    Entry::new(Action::LocalAuthorityUpdate, updated.id)
        .updated(&before, &updated)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(updated.into()))
}
