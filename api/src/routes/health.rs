//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::i18n::Text;
use crate::state::AppState;

/// A probe's answer.
#[derive(Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(example = "ok", max_length = 2, pattern = "^ok$")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations", security(()), responses((status = 200, body = HealthResponse)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse { status: "ok" })
}

/// The database and the file store answer (503 otherwise).
#[utoipa::path(
    tag = "operations",
    security(()),
    responses(
        (status = 200, body = HealthResponse),
        (status = 503, description = "The database or the file store does not answer", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.execute_unprepared("SELECT 1").await.map_err(|e| {
        tracing::error!(error = %e, "readiness check failed");
        ApiError::Unavailable(Text::new(
            "The database does not answer.",
            "قاعدة البيانات لا تستجيب.",
        ))
    })?;
    state.storage.check().await.map_err(|e| {
        tracing::error!(store = state.storage.name(), error = %e, "readiness check failed");
        ApiError::Unavailable(Text::new(
            "The file store does not answer.",
            "مخزن الملفات لا يستجيب.",
        ))
    })?;
    Ok(HttpResponse::Ok().json(HealthResponse { status: "ok" }))
}
