use actix_web::{HttpResponse, post, web};
use entity::local_authority;
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{LocalAuthorityResponse, search_text};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::{AuthorityKind, Bilingual, Region};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// A new local authority.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateLocalAuthorityRequest {
    #[validate(nested)]
    pub name: Bilingual,
    pub kind: AuthorityKind,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(example = "الخليل", min_length = 1, max_length = 100)]
    pub governorate: String,
    pub region: Region,
}

/// Creates a local authority (admins). The Arabic name is unique.
#[utoipa::path(
    tag = "local-authorities",
    request_body = CreateLocalAuthorityRequest,
    responses(
        (status = 201, body = LocalAuthorityResponse),
        (status = 409, description = "An authority with this Arabic name exists", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/local-authorities")]
pub async fn create_local_authority(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateLocalAuthorityRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let name = req.name.trimmed();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    crate::db::ensure_room(
        &txn,
        <local_authority::Entity as sea_orm::EntityTrait>::find(),
        crate::domain::limits::MAX_LOCAL_AUTHORITIES,
        ("Local authorities", "الهيئات المحلية"),
    )
    .await?;
    let model = local_authority::ActiveModel {
        search_text: Set(search_text(&name, req.governorate.trim())),
        name_ar: Set(name.ar),
        name_en: Set(name.en),
        kind: Set(req.kind),
        governorate: Set(req.governorate.trim().to_owned()),
        region: Set(req.region),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::LocalAuthorityCreate, model.id)
        .created(&model)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(etag::created_at(
        format!("/api/v1/local-authorities/{}", model.id),
        &LocalAuthorityResponse::from(model),
    ))
}
