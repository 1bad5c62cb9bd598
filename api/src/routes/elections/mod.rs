//! Coordinator elections. A nomination window (members nominate themselves or each other; a
//! nomination stands once the candidate accepts), then a voting window (one secret ballot per
//! active member per seat), then results and an admin's certification, which starts the
//! winners' terms and ends the previous ones. Windows follow the server clock.
//!
//! Tie rule: among candidates with equal votes, the one whose nomination was accepted first
//! wins (then the lower candidate id). One person cannot hold both seats: when the
//! coordinator's winner also tops the deputy count, the deputy seat goes to the next candidate.

mod ballots;
mod candidates;
mod create;
mod read;
mod results;

use chrono::{DateTime, Utc};
use entity::{election, election_candidate, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::{Bilingual, Seat};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create::create_election)
        .service(create::list_elections)
        .service(read::get_election)
        .service(candidates::nominate)
        .service(candidates::accept_nomination)
        .service(ballots::cast_ballot)
        .service(results::get_results)
        .service(results::certify);
}

/// Where an election stands, by the server clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Upcoming,
    Nomination,
    BetweenWindows,
    Voting,
    Closed,
    Certified,
    Cancelled,
}

pub fn phase(e: &election::Model, now: DateTime<Utc>) -> Phase {
    if e.cancelled_at.is_some() {
        Phase::Cancelled
    } else if e.certified_at.is_some() {
        Phase::Certified
    } else if now < e.nomination_starts_at {
        Phase::Upcoming
    } else if now < e.nomination_ends_at {
        Phase::Nomination
    } else if now < e.voting_starts_at {
        Phase::BetweenWindows
    } else if now < e.voting_ends_at {
        Phase::Voting
    } else {
        Phase::Closed
    }
}

/// A nomination.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateResponse {
    pub id: i64,
    pub seat: Seat,
    pub user_id: i64,
    pub name: Bilingual,
    pub nominated_by: i64,
    /// `null` until the candidate accepts; only accepted candidates stand.
    pub accepted_at: Option<DateTime<Utc>>,
}

/// An election with its candidates.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElectionResponse {
    pub id: i64,
    pub platform_id: i64,
    pub phase: Phase,
    pub nomination_starts_at: DateTime<Utc>,
    pub nomination_ends_at: DateTime<Utc>,
    pub voting_starts_at: DateTime<Utc>,
    pub voting_ends_at: DateTime<Utc>,
    pub certified_at: Option<DateTime<Utc>>,
    #[schema(max_items = 200)]
    pub candidates: Vec<CandidateResponse>,
    pub created_at: DateTime<Utc>,
}

pub async fn candidates_of(
    db: &impl ConnectionTrait,
    election_id: i64,
) -> Result<Vec<(election_candidate::Model, Option<user::Model>)>, ApiError> {
    Ok(election_candidate::Entity::find()
        .find_also_related(user::Entity)
        .filter(election_candidate::Column::ElectionId.eq(election_id))
        .order_by_asc(election_candidate::Column::Id)
        .all(db)
        .await?)
}

fn candidate_response(c: election_candidate::Model, u: Option<user::Model>) -> CandidateResponse {
    CandidateResponse {
        id: c.id,
        seat: c.seat,
        user_id: c.user_id,
        name: u
            .map(|u| Bilingual {
                ar: u.name_ar,
                en: u.name_en,
            })
            .unwrap_or(Bilingual {
                ar: String::new(),
                en: String::new(),
            }),
        nominated_by: c.nominated_by,
        accepted_at: c.accepted_at,
    }
}

/// Elections with their candidates, loaded in one query for the whole set.
pub async fn election_responses(
    db: &impl ConnectionTrait,
    elections: Vec<election::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<ElectionResponse>, ApiError> {
    let ids: Vec<i64> = elections.iter().map(|e| e.id).collect();
    let mut by_election: std::collections::HashMap<i64, Vec<CandidateResponse>> =
        std::collections::HashMap::new();
    for (c, u) in election_candidate::Entity::find()
        .find_also_related(user::Entity)
        .filter(election_candidate::Column::ElectionId.is_in(ids))
        .order_by_asc(election_candidate::Column::Id)
        .all(db)
        .await?
    {
        by_election
            .entry(c.election_id)
            .or_default()
            .push(candidate_response(c, u));
    }
    Ok(elections
        .into_iter()
        .map(|e| ElectionResponse {
            id: e.id,
            platform_id: e.platform_id,
            phase: phase(&e, now),
            nomination_starts_at: e.nomination_starts_at,
            nomination_ends_at: e.nomination_ends_at,
            voting_starts_at: e.voting_starts_at,
            voting_ends_at: e.voting_ends_at,
            certified_at: e.certified_at,
            candidates: by_election.remove(&e.id).unwrap_or_default(),
            created_at: e.created_at,
        })
        .collect())
}

/// One election with its candidates.
pub async fn election_response(
    db: &impl ConnectionTrait,
    e: election::Model,
    now: DateTime<Utc>,
) -> Result<ElectionResponse, ApiError> {
    election_responses(db, vec![e], now)
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

/// 409 naming the window that is not open.
pub fn window_closed(what: &str, what_ar: &str) -> ApiError {
    ApiError::Problem(
        ProblemCode::WindowClosed,
        Text::new(
            format!("The {what} window of this election is not open."),
            format!("نافذة {what_ar} في هذه الانتخابات غير مفتوحة."),
        ),
    )
}
