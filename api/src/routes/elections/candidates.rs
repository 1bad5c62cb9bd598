use actix_web::{HttpResponse, post, web};
use entity::election_candidate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{ElectionResponse, Phase, election_response, phase, window_closed};
use crate::access::is_active_member;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::Seat;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// A nomination: the caller nominates themself (no `user_id`) or another active member.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NominateRequest {
    pub seat: Seat,
    /// The nominee; default the caller.
    pub user_id: Option<i64>,
}

/// Nominates a candidate during the nomination window. Nominator and nominee must be active
/// members of the platform. A self-nomination is accepted at once; anyone else must accept.
#[utoipa::path(
    tag = "elections",
    params(("id" = i64, Path, description = "Election id")),
    request_body = NominateRequest,
    responses(
        (status = 201, description = "The nomination", body = super::CandidateResponse),
        (status = 409, description = "The nomination window is closed, or the nomination exists", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/elections/{id}/candidates")]
pub async fn nominate(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<NominateRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let e =
        super::election_for_member(&txn, &auth, id.into_inner(), ("nominate", "الترشيح")).await?;
    let req = body.into_inner()?;
    let nominee = req.user_id.unwrap_or(auth.id());
    if !is_active_member(&txn, nominee, e.platform_id).await? {
        return Err(ApiError::field(
            "/user_id",
            "not_a_member",
            Text::new(
                "the nominee is not an active member of the platform",
                "المرشح ليس عضوًا فاعلًا في المنصة",
            ),
        ));
    }
    if phase(&e, now) != Phase::Nomination {
        return Err(window_closed("nomination", "الترشح"));
    }
    crate::db::ensure_room(
        &txn,
        election_candidate::Entity::find().filter(election_candidate::Column::ElectionId.eq(e.id)),
        crate::domain::limits::MAX_CANDIDATES_PER_ELECTION,
        (
            "Nominations in one election",
            "الترشيحات في الانتخابات الواحدة",
        ),
    )
    .await?;
    let candidate = election_candidate::ActiveModel {
        election_id: Set(e.id),
        seat: Set(req.seat),
        user_id: Set(nominee),
        nominated_by: Set(auth.id()),
        accepted_at: Set((nominee == auth.id()).then_some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::ElectionNominate, candidate.id)
        .created(&candidate)
        .platform(e.platform_id)
        .write(&txn, &auth, now)
        .await?;
    let person = entity::user::Entity::find_by_id(nominee).one(&txn).await?;
    state.commit(txn).await?;
    Ok(etag::created_at(
        format!("/api/v1/elections/{}", e.id),
        &super::view::candidate_response(candidate, person),
    ))
}

/// Accepts one's own nomination during the nomination window.
#[utoipa::path(
    tag = "elections",
    params(("id" = i64, Path, description = "Election id"), ("candidate_id" = i64, Path, description = "Candidate id")),
    responses(
        (status = 200, body = ElectionResponse),
        (status = 409, description = "The nomination window is closed", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/elections/{id}/candidates/{candidate_id}/accept")]
pub async fn accept_nomination(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<ElectionResponse>, ApiError> {
    let (election_id, candidate_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let e = find_or_404::<entity::election::Entity>(&txn, election_id).await?;
    let c = election_candidate::Entity::find_by_id(candidate_id)
        .one(&txn)
        .await?
        .filter(|c| c.election_id == e.id)
        .ok_or_else(ApiError::not_found)?;
    crate::access::require_nominee(&auth, c.user_id)?;
    if phase(&e, now) != Phase::Nomination {
        return Err(window_closed("nomination", "الترشح"));
    }
    if c.accepted_at.is_none() {
        let before = c.clone();
        let mut am = c.into_active_model();
        am.accepted_at = Set(Some(now));
        let saved = am.update(&txn).await?;
        Entry::new(Action::ElectionAcceptNomination, saved.id)
            .updated(&before, &saved)
            .platform(e.platform_id)
            .write(&txn, &auth, now)
            .await?;
    }
    let body = election_response(&txn, e, now).await?;
    state.commit(txn).await?;
    Ok(web::Json(body))
}
