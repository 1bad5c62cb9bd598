use actix_web::{HttpResponse, get, post, web};
use entity::{position_paper, position_paper_transition};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{response, visible_paper};
use crate::access::PaperStanding;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::PaperStatus;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::pagination::PageRequest;
use crate::services::store::versioned;
use crate::state::AppState;

/// The allowed moves and who may make them:
///
/// | from | to | by |
/// | --- | --- | --- |
/// | draft | in_review | authors, coordinators, admins |
/// | in_review | draft (back for changes) | coordinators, admins |
/// | in_review | adopted | coordinators, admins |
/// | adopted | submitted | coordinators, admins |
/// | submitted | published | coordinators, admins |
/// | draft, in_review | withdrawn | authors, coordinators, admins |
/// | adopted, submitted | withdrawn | coordinators, admins |
///
/// `published` and `withdrawn` are final.
pub fn allowed(from: PaperStatus, to: PaperStatus) -> Option<fn(PaperStanding) -> bool> {
    use PaperStatus::*;
    match (from, to) {
        (Draft, InReview) | (Draft | InReview, Withdrawn) => Some(PaperStanding::edits),
        (InReview, Draft)
        | (InReview, Adopted)
        | (Adopted, Submitted)
        | (Submitted, Published)
        | (Adopted | Submitted, Withdrawn) => Some(PaperStanding::manages),
        _ => None,
    }
}

/// The status to move to.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PaperTransitionRequest {
    pub to: PaperStatus,
    /// Why (kept with the transition).
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub note: String,
}

/// A recorded status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResponse {
    pub id: i64,
    pub from: PaperStatus,
    pub to: PaperStatus,
    #[schema(max_length = 1000)]
    pub note: String,
    pub actor_id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

crate::listed!(TransitionResponse => TransitionList, "A page of transitions, oldest first.");

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTransitionsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Moves a paper along its lifecycle (see the table in the description of `PaperStatus`):
/// review by its authors; adoption, submission and publication by the platform's coordinators
/// or admins. A move that is not allowed from the current status → 409.
#[utoipa::path(
    tag = "position-papers",
    params(("id" = i64, Path, description = "Paper id")),
    request_body = PaperTransitionRequest,
    responses(
        (status = 200, body = super::PaperResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not an allowed transition from the current status", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/position-papers/{id}/transitions")]
pub async fn transition_paper(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<PaperTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (paper, standing) = visible_paper(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_mover()?;
    let req = body.into_inner()?;
    let from = paper.status;
    let Some(may) = allowed(from, req.to) else {
        return Err(versioned::not_allowed::<position_paper::Entity>(
            from.as_str(),
            req.to.as_str(),
        ));
    };
    if !may(standing) {
        return Err(crate::access::PaperStanding::manager_move_refused());
    }
    let mut extra = Vec::new();
    if req.to == PaperStatus::Published {
        extra.push((position_paper::Column::PublishedAt, Expr::value(now)));
    }
    let updated = versioned::move_status::<position_paper::Entity, _>(
        &txn, paper.id, from, req.to, now, extra,
    )
    .await?;
    let t = position_paper_transition::ActiveModel {
        paper_id: Set(paper.id),
        from_status: Set(from),
        to_status: Set(req.to),
        note: Set(req.note.trim().to_owned()),
        actor_id: Set(auth.id()),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(
        Action::PositionPaperTransition { to: updated.status },
        paper.id,
    )
    .updated(&paper, &updated)
    .platform(paper.platform_id)
    .field("transition_id", t.id)
    .field("note", &t.note)
    .write(&txn, &auth, now)
    .await?;
    let body = response(&txn, updated).await?;
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// A paper's status history, oldest first (whoever may see the paper).
#[utoipa::path(
    tag = "position-papers",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Paper id"), ListTransitionsQuery),
    responses((status = 200, body = TransitionList))
)]
#[get("/position-papers/{id}/transitions")]
pub async fn list_transitions(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListTransitionsQuery>,
) -> Result<web::Json<TransitionList>, ApiError> {
    let (paper, _) = visible_paper(&state.db, auth.as_ref(), id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = position_paper_transition::Entity::find()
        .filter(position_paper_transition::Column::PaperId.eq(paper.id));
    if let Some(after) = page.after {
        select = select.filter(position_paper_transition::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(position_paper_transition::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |t| t.id);
    let items = rows
        .into_iter()
        .map(|t| TransitionResponse {
            id: t.id,
            from: t.from_status,
            to: t.to_status,
            note: t.note,
            actor_id: t.actor_id,
            at: t.at,
        })
        .collect();
    Ok(web::Json(TransitionList { items, next_cursor }))
}
