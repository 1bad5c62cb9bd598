//! What the elections routes read and answer: request bodies, query parameters and responses.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Bilingual, Seat};

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
