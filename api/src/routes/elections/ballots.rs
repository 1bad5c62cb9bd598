use actix_web::{HttpResponse, post, web};
use entity::{election_ballot, election_candidate, election_voter};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{Phase, phase, window_closed};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::Seat;
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// A secret ballot for one seat.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BallotRequest {
    pub seat: Seat,
    /// An accepted candidate for that seat.
    pub candidate_id: i64,
}

/// The receipt of a ballot: it says that the caller voted, never for whom.
#[derive(Debug, Serialize, ToSchema)]
pub struct BallotReceipt {
    pub election_id: i64,
    pub seat: Seat,
    pub recorded: bool,
}

/// Casts the caller's ballot for a seat during the voting window: one per active member per
/// seat. That the caller voted is stored apart from the ballot, which carries a random id and
/// no voter or time, so no one can link the two.
#[utoipa::path(
    tag = "elections",
    params(("id" = i64, Path, description = "Election id")),
    request_body = BallotRequest,
    responses(
        (status = 201, body = BallotReceipt),
        (status = 409, description = "Voting is closed, or the caller already voted for this seat", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/elections/{id}/ballots")]
pub async fn cast_ballot(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<BallotRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let e = super::election_for_member(&txn, &auth, id.into_inner(), ("vote", "التصويت")).await?;
    let req = body.into_inner()?;
    if phase(&e, now) != Phase::Voting {
        return Err(window_closed("voting", "التصويت"));
    }
    let candidate = election_candidate::Entity::find_by_id(req.candidate_id)
        .one(&txn)
        .await?
        .filter(|c| c.election_id == e.id && c.seat == req.seat && c.accepted_at.is_some())
        .ok_or_else(|| {
            ApiError::field(
                "/candidate_id",
                "not_a_candidate",
                Text::new(
                    "not an accepted candidate for this seat",
                    "ليس مرشحًا مقبولًا لهذا المقعد",
                ),
            )
        })?;
    // The unique (election, seat, voter) row is what makes it one ballot per member.
    election_voter::ActiveModel {
        election_id: Set(e.id),
        seat: Set(req.seat),
        user_id: Set(auth.id()),
        voted_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| match ApiError::from(err) {
        ApiError::Problem(ProblemCode::Duplicate, _) => ApiError::Problem(
            ProblemCode::AlreadyVoted,
            Text::new(
                "You have already voted for this seat.",
                "لقد صوّتّ لهذا المقعد من قبل.",
            ),
        ),
        other => other,
    })?;
    election_ballot::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        election_id: Set(e.id),
        seat: Set(req.seat),
        candidate_id: Set(candidate.id),
    }
    .insert(&txn)
    .await?;
    // That the member voted, and for which seat; never for whom (the ballot stays secret).
    Entry::new(Action::ElectionVote, e.id)
        .platform(e.platform_id)
        .field("seat", req.seat.as_str())
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(BallotReceipt {
        election_id: e.id,
        seat: req.seat,
        recorded: true,
    }))
}
