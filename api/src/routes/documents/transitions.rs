use actix_web::{HttpResponse, post, web};
use entity::document;
use sea_orm::sea_query::Expr;

use super::model::DocumentTransitionRequest;
use super::rules::{allowed, require_version, visible_document};
use super::view::response;
use crate::access::PaperStanding;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::DocumentStatus;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::services::store::versioned;
use crate::state::AppState;

/// Moves a document along its lifecycle: its platform's coordinators and administrators publish
/// a draft that has a version (409 `no_version` otherwise; anyone may then read it, and partners
/// are told, `document.published`), archive a published one and publish an archived one again.
/// A planned document becomes a draft when its first version is uploaded. Any other move → 409;
/// an author who does not manage the platform → 403 `not_a_manager`.
#[utoipa::path(
    tag = "documents",
    params(("id" = i64, Path, description = "Document id")),
    request_body = DocumentTransitionRequest,
    responses(
        (status = 200, body = super::DocumentResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not an allowed move from the current status, or no version to publish", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/transitions")]
pub async fn transition_document(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<DocumentTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, standing) = visible_document(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_editor()?;
    let req = body.into_inner()?;
    let from = d.status;
    if !allowed(from, req.to) {
        return Err(versioned::not_allowed::<document::Entity>(
            from.as_str(),
            req.to.as_str(),
        ));
    }
    if !standing.manager {
        return Err(PaperStanding::manager_move_refused());
    }
    let mut extra = Vec::new();
    if req.to == DocumentStatus::Published {
        require_version(&txn, &d).await?;
        if d.published_at.is_none() {
            extra.push((document::Column::PublishedAt, Expr::value(now)));
        }
    }
    let moved =
        versioned::move_status::<document::Entity, _>(&txn, d.id, from, req.to, now, extra).await?;
    Entry::new(Action::DocumentTransition { to: moved.status }, d.id)
        .updated(&d, &moved)
        .platform(d.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let body = response(moved);
    Ok(etag::tagged(body.version, &body))
}
