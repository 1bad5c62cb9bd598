//! How the elections are shown: responses built from rows, with what hangs on them loaded in batches.

use chrono::{DateTime, Utc};
use entity::{election, election_candidate, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::Bilingual;
use crate::error::ApiError;

use super::*;

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

pub(crate) fn candidate_response(
    c: election_candidate::Model,
    u: Option<user::Model>,
) -> CandidateResponse {
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
