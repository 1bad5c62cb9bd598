use actix_web::{get, post, web};
use entity::api_key;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    ApiKeyList, ApiKeyResponse, ApiKeySecret, DEFAULT_GRACE_SECONDS, RotateApiKeyRequest, own_key,
};
use crate::audit::{Action, Entry};
use crate::auth::{AuthUser, keys};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::pagination::PageRequest;
use crate::services::store::versioned;
use crate::state::AppState;

/// Paging for keys.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListApiKeysQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The caller's keys (an administrator sees every key).
#[utoipa::path(tag = "api-keys", params(ListApiKeysQuery), responses((status = 200, body = ApiKeyList)))]
#[get("/api-keys")]
pub async fn list_api_keys(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListApiKeysQuery>,
) -> Result<web::Json<ApiKeyList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = api_key::Entity::find();
    if !auth.is_admin() {
        select = select.filter(api_key::Column::CreatedBy.eq(auth.id()));
    }
    if let Some(after) = page.after {
        select = select.filter(api_key::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(api_key::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |k| k.id);
    let now = state.clock.now();
    Ok(web::Json(ApiKeyList {
        items: rows
            .into_iter()
            .map(|k| ApiKeyResponse::of(k, now))
            .collect(),
        next_cursor,
    }))
}

/// One of the caller's keys.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    responses((status = 200, body = ApiKeyResponse))
)]
#[get("/api-keys/{id}")]
pub async fn get_api_key(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<ApiKeyResponse>, ApiError> {
    let key = own_key(&state.db, &auth, id.into_inner()).await?;
    Ok(web::Json(ApiKeyResponse::of(key, state.clock.now())))
}

/// Replaces a key with a new one; the previous key keeps working for the grace period chosen
/// (default one day), so that a partner can deploy the new one first. 409 `not_editable` for a
/// revoked key.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    request_body = RotateApiKeyRequest,
    responses((status = 200, body = ApiKeySecret))
)]
#[post("/api-keys/{id}/rotate")]
pub async fn rotate_api_key(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<RotateApiKeyRequest>,
) -> Result<web::Json<ApiKeySecret>, ApiError> {
    let req = body.into_inner()?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let before = own_key(&txn, &auth, id.into_inner()).await?;
    if before.revoked_at.is_some() {
        return Err(ApiError::Problem(
            crate::error::ProblemCode::NotEditable,
            crate::i18n::Text::new(
                "A revoked key cannot be rotated: create a new one.",
                "لا يمكن تدوير مفتاح ملغى: أنشئ مفتاحًا جديدًا.",
            ),
        ));
    }
    let grace = req.grace_seconds.unwrap_or(DEFAULT_GRACE_SECONDS);
    let (key, hash) = keys::generate();
    let am = api_key::ActiveModel {
        previous_hash: Set((grace > 0).then(|| before.secret_hash.clone())),
        previous_expires_at: Set((grace > 0).then(|| now + chrono::Duration::seconds(grace))),
        secret_hash: Set(hash),
        prefix: Set(keys::shown(&key)),
        ..Default::default()
    };
    // The version read in this transaction: a rotation that raced another change is 412.
    let after = versioned::save::<api_key::Entity>(&txn, before.id, before.version, am).await?;
    Entry::new(Action::ApiKeyRotate, after.id)
        .updated(&before, &after)
        .field("grace_seconds", grace)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(ApiKeySecret {
        key,
        api_key: ApiKeyResponse::of(after, now),
    }))
}

/// Revokes a key (and its previous one): it stops working at once. Revoking again changes
/// nothing.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    responses((status = 200, body = ApiKeyResponse))
)]
#[post("/api-keys/{id}/revoke")]
pub async fn revoke_api_key(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<ApiKeyResponse>, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let before = own_key(&txn, &auth, id.into_inner()).await?;
    if before.revoked_at.is_some() {
        return Ok(web::Json(ApiKeyResponse::of(before, now)));
    }
    let am = api_key::ActiveModel {
        revoked_at: Set(Some(now)),
        previous_expires_at: Set(None),
        ..Default::default()
    };
    let after = versioned::save::<api_key::Entity>(&txn, before.id, before.version, am).await?;
    Entry::new(Action::ApiKeyRevoke, after.id)
        .updated(&before, &after)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(ApiKeyResponse::of(after, now)))
}
