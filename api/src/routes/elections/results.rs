use std::collections::HashMap;

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use entity::{coordinator_term, election, election_ballot, election_voter};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Phase, candidates_of, phase};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, Seat};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::reports::platform_stats::member_counts;
use crate::state::AppState;

/// One candidate's count.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateVotes {
    pub candidate_id: i64,
    pub user_id: i64,
    pub name: Bilingual,
    pub votes: i64,
    #[serde(skip)]
    accepted_at: Option<DateTime<Utc>>,
}

/// The count for one seat.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeatResult {
    pub seat: Seat,
    /// Members who cast a ballot for this seat.
    pub voters: i64,
    /// Accepted candidates, most votes first (ties in tie-rule order).
    #[schema(max_items = 200)]
    pub candidates: Vec<CandidateVotes>,
    pub winner: Option<CandidateVotes>,
    /// The winner was decided by the tie rule.
    pub tie_broken: bool,
}

/// The outcome of an election, available once voting has closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElectionResults {
    pub election_id: i64,
    pub platform_id: i64,
    pub phase: Phase,
    /// Active members of the platform now.
    pub eligible_voters: i64,
    #[schema(max_items = 2)]
    pub seats: Vec<SeatResult>,
    /// How ties are decided.
    #[schema(
        example = "Equal votes: the nomination accepted first wins, then the lower candidate id."
    )]
    #[schema(max_length = 500)]
    pub tie_rule: &'static str,
    pub certified_at: Option<DateTime<Utc>>,
}

pub const TIE_RULE: &str = "Equal votes: the candidate whose nomination was accepted first wins, then \
                            the lower candidate id. One person cannot hold both seats: when the \
                            coordinator's winner also tops the deputy count, the deputy seat goes to \
                            the next candidate.";

async fn tally(
    db: &impl ConnectionTrait,
    e: &election::Model,
) -> Result<Vec<SeatResult>, ApiError> {
    let count: Expr = Func::count(Expr::col(election_ballot::Column::Id)).into();
    let votes: HashMap<i64, i64> = election_ballot::Entity::find()
        .select_only()
        .column(election_ballot::Column::CandidateId)
        .column_as(count, "votes")
        .filter(election_ballot::Column::ElectionId.eq(e.id))
        .group_by(election_ballot::Column::CandidateId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let voter_count: Expr = Func::count(Expr::col(election_voter::Column::Id)).into();
    let voters: HashMap<String, i64> = election_voter::Entity::find()
        .select_only()
        .column(election_voter::Column::Seat)
        .column_as(voter_count, "voters")
        .filter(election_voter::Column::ElectionId.eq(e.id))
        .group_by(election_voter::Column::Seat)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let candidates = candidates_of(db, e.id).await?;
    let mut results = Vec::new();
    let mut coordinator_user: Option<i64> = None;
    for seat in [Seat::Coordinator, Seat::Deputy] {
        let mut list: Vec<CandidateVotes> = candidates
            .iter()
            .filter(|(c, _)| c.seat == seat && c.accepted_at.is_some())
            .map(|(c, u)| CandidateVotes {
                candidate_id: c.id,
                user_id: c.user_id,
                name: u
                    .as_ref()
                    .map(|u| Bilingual {
                        ar: u.name_ar.clone(),
                        en: u.name_en.clone(),
                    })
                    .unwrap_or(Bilingual {
                        ar: String::new(),
                        en: String::new(),
                    }),
                votes: votes.get(&c.id).copied().unwrap_or(0),
                accepted_at: c.accepted_at,
            })
            .collect();
        list.sort_by(|a, b| {
            b.votes
                .cmp(&a.votes)
                .then(a.accepted_at.cmp(&b.accepted_at))
                .then(a.candidate_id.cmp(&b.candidate_id))
        });
        let eligible: Vec<&CandidateVotes> = list
            .iter()
            .filter(|c| Some(c.user_id) != coordinator_user)
            .collect();
        let winner = eligible.first().map(|c| (*c).clone());
        let tie_broken =
            matches!((eligible.first(), eligible.get(1)), (Some(a), Some(b)) if a.votes == b.votes);
        if seat == Seat::Coordinator {
            coordinator_user = winner.as_ref().map(|w| w.user_id);
        }
        results.push(SeatResult {
            seat,
            voters: voters.get(seat.as_str()).copied().unwrap_or(0),
            candidates: list,
            winner,
            tie_broken,
        });
    }
    Ok(results)
}

async fn results_of(
    db: &impl ConnectionTrait,
    e: election::Model,
    now: DateTime<Utc>,
) -> Result<ElectionResults, ApiError> {
    let p = phase(&e, now);
    if !matches!(p, Phase::Closed | Phase::Certified) {
        return Err(ApiError::Problem(
            ProblemCode::ResultsNotReady,
            Text::new(
                "Results are published when voting has closed.",
                "تُعلن النتائج بعد إغلاق التصويت.",
            ),
        ));
    }
    let seats = tally(db, &e).await?;
    let (eligible_voters, _) = member_counts(db, e.platform_id).await?;
    Ok(ElectionResults {
        election_id: e.id,
        platform_id: e.platform_id,
        phase: p,
        eligible_voters,
        seats,
        tie_rule: TIE_RULE,
        certified_at: e.certified_at,
    })
}

/// The count per seat and the winners, once voting has closed (public). Who voted for whom is
/// never available.
#[utoipa::path(
    tag = "elections",
    security(()),
    params(("id" = i64, Path, description = "Election id")),
    responses(
        (status = 200, body = ElectionResults),
        (status = 409, description = "Voting has not closed yet", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/elections/{id}/results")]
pub async fn get_results(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<ElectionResults>, ApiError> {
    let e = find_or_404::<entity::election::Entity>(&state.db, id.into_inner()).await?;
    Ok(web::Json(
        results_of(&state.db, e, state.clock.now()).await?,
    ))
}

/// Certifies a closed election (admins): the winners' terms start now and the previous
/// holders' terms (and any other open term of the winners on this platform) end.
#[utoipa::path(
    tag = "elections",
    params(("id" = i64, Path, description = "Election id")),
    responses(
        (status = 200, body = ElectionResults),
        (status = 409, description = "Voting has not closed, or the election is already certified", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/elections/{id}/certify")]
pub async fn certify(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<ElectionResults>, ApiError> {
    auth.require_admin()?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let e = find_or_404::<entity::election::Entity>(&txn, id.into_inner()).await?;
    if e.certified_at.is_some() {
        return Err(already_certified());
    }
    if phase(&e, now) != Phase::Closed {
        return Err(ApiError::Problem(
            ProblemCode::ResultsNotReady,
            Text::new(
                "Only an election whose voting has closed, and not yet certified, can be certified.",
                "يمكن اعتماد الانتخابات بعد إغلاق التصويت ولمرة واحدة فقط.",
            ),
        ));
    }
    // Claim the certification first: a concurrent certify then finds nothing to update.
    let claimed = election::Entity::update_many()
        .set(election::ActiveModel {
            certified_at: Set(Some(now)),
            certified_by: Set(Some(auth.id())),
            ..Default::default()
        })
        .filter(election::Column::Id.eq(e.id))
        .filter(election::Column::CertifiedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if claimed != 1 {
        return Err(already_certified());
    }
    let mut winners = serde_json::Map::new();
    for seat in tally(&txn, &e).await? {
        let Some(winner) = seat.winner else { continue };
        winners.insert(seat.seat.as_str().to_owned(), winner.user_id.into());
        coordinator_term::Entity::update_many()
            .set(coordinator_term::ActiveModel {
                ended_at: Set(Some(now)),
                ..Default::default()
            })
            .filter(coordinator_term::Column::PlatformId.eq(e.platform_id))
            .filter(coordinator_term::Column::EndedAt.is_null())
            .filter(
                sea_orm::Condition::any()
                    .add(coordinator_term::Column::Seat.eq(seat.seat))
                    .add(coordinator_term::Column::UserId.eq(winner.user_id)),
            )
            .exec(&txn)
            .await?;
        coordinator_term::ActiveModel {
            platform_id: Set(e.platform_id),
            user_id: Set(winner.user_id),
            seat: Set(seat.seat),
            election_id: Set(Some(e.id)),
            started_at: Set(now),
            ended_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let certified = find_or_404::<entity::election::Entity>(&txn, e.id).await?;
    Entry::new(Action::ElectionCertify, e.id)
        .platform(e.platform_id)
        .updated(&e, &certified)
        .field("winners", winners)
        .write(&txn, &auth, now)
        .await?;
    let body = results_of(&txn, certified, now).await?;
    state.commit(txn).await?;
    Ok(web::Json(body))
}

fn already_certified() -> ApiError {
    ApiError::Problem(
        ProblemCode::AlreadyCertified,
        Text::new(
            "This election is already certified.",
            "تم اعتماد هذه الانتخابات من قبل.",
        ),
    )
}
