use actix_web::{HttpResponse, post, web};
use entity::practice;
use sea_orm::sea_query::Expr;

use super::model::PracticeTransitionRequest;
use super::rules::{allowed, visible_practice};
use super::view::response;
use crate::access::PaperStanding;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::PracticeStatus;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::services::store::versioned;
use crate::state::AppState;

/// Moves a practice along its lifecycle. Its editors submit a draft and take a submitted one back
/// to draft; the platform's coordinators and administrators publish a submitted one (anyone may
/// then read it; partners are told, `practice.published`), archive a published one and publish
/// an archived one again. Any other move → 409.
#[utoipa::path(
    tag = "practices",
    params(("id" = i64, Path, description = "Practice id")),
    request_body = PracticeTransitionRequest,
    responses(
        (status = 200, body = super::PracticeResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not an allowed move from the current status", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/practices/{id}/transitions")]
pub async fn transition_practice(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<PracticeTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (p, standing) = visible_practice(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_editor()?;
    let req = body.into_inner()?;
    let from = p.status;
    let Some(managers_only) = allowed(from, req.to) else {
        return Err(versioned::not_allowed::<practice::Entity>(
            from.as_str(),
            req.to.as_str(),
        ));
    };
    if managers_only && !standing.manager {
        return Err(PaperStanding::manager_move_refused());
    }
    let mut extra = Vec::new();
    if req.to == PracticeStatus::Published && p.published_at.is_none() {
        extra.push((practice::Column::PublishedAt, Expr::value(now)));
    }
    let moved =
        versioned::move_status::<practice::Entity, _>(&txn, p.id, from, req.to, now, extra).await?;
    Entry::new(Action::PracticeTransition { to: moved.status }, p.id)
        .updated(&p, &moved)
        .platform(p.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let body = response(moved);
    Ok(etag::tagged(body.version, &body))
}
