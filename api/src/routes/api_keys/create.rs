use actix_web::{HttpResponse, post, web};
use entity::api_key;
use sea_orm::{ActiveModelTrait, Set};

use super::{ApiKeyResponse, ApiKeySecret, CreateApiKeyRequest, DEFAULT_KEY_RATE};
use crate::access;
use crate::audit::{Action, Entry};
use crate::auth::{AuthUser, keys};
use crate::error::{ApiError, FieldError};
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::route_table::RouteTable;
use crate::state::AppState;

/// Creates a key (administrators; coordinators for their own platforms). The answer is the only
/// time the key is shown.
#[utoipa::path(
    tag = "api-keys",
    request_body = CreateApiKeyRequest,
    responses((status = 201, body = ApiKeySecret))
)]
#[post("/api-keys")]
pub async fn create_api_key(
    auth: AuthUser,
    state: web::Data<AppState>,
    routes: web::Data<RouteTable>,
    body: ValidatedJson<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    access::require_some_manager(&state.db, &auth).await?;
    let req = body.into_inner()?;
    let now = state.clock.now();
    let mut errors = Vec::new();
    let known = routes.scopes();
    let mut seen = std::collections::BTreeSet::new();
    for (i, scope) in req.scopes.iter().enumerate() {
        if !known.contains(scope) {
            errors.push(FieldError::new(
                format!("/scopes/{i}"),
                "unknown_scope",
                Text::new(
                    format!("Not a scope of this API; the scopes are listed on each operation (e.g. {}).", known.iter().next().map_or("", String::as_str)),
                    "ليست صلاحية في هذه الواجهة؛ الصلاحيات مذكورة في كل عملية.",
                ),
            ));
        } else if !seen.insert(scope.clone()) {
            errors.push(FieldError::new(
                format!("/scopes/{i}"),
                "duplicate",
                Text::new("The scope is listed twice.", "الصلاحية مذكورة مرتين."),
            ));
        }
    }
    if req.expires_at.is_some_and(|e| e <= now) {
        errors.push(FieldError::new(
            "/expires_at",
            "past",
            Text::new("The expiry is in the past.", "تاريخ الانتهاء في الماضي."),
        ));
    }
    errors.extend(
        access::check_granted_platforms(
            &state.db,
            &auth,
            req.platform_ids.as_deref(),
            "/platform_ids",
        )
        .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (key, hash) = keys::generate();
    let platform_ids = req.platform_ids.map(|mut ids| {
        ids.sort_unstable();
        ids.dedup();
        ids
    });
    let txn = crate::db::begin(&state.db).await?;
    let created = api_key::ActiveModel {
        name: Set(req.name.trim().to_owned()),
        prefix: Set(keys::shown(&key)),
        secret_hash: Set(hash),
        previous_hash: Set(None),
        previous_expires_at: Set(None),
        created_by: Set(auth.id()),
        scopes: Set(serde_json::to_string(&req.scopes).unwrap_or_default()),
        platform_ids: Set(platform_ids.map(|p| serde_json::to_string(&p).unwrap_or_default())),
        rate_limit_per_minute: Set(req.rate_limit_per_minute.unwrap_or(DEFAULT_KEY_RATE)),
        expires_at: Set(req.expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::ApiKeyCreate, created.id)
        .created(&created)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let id = created.id;
    Ok(etag::created_at(
        format!("/api/v1/api-keys/{id}"),
        &ApiKeySecret {
            key,
            api_key: ApiKeyResponse::of(created, now),
        },
    ))
}
