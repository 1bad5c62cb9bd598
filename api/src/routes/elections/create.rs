use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use entity::election;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{ElectionResponse, election_response, election_responses};
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// The two windows of a new election, as instants (RFC 3339).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateElectionRequest {
    pub nomination_starts_at: DateTime<Utc>,
    pub nomination_ends_at: DateTime<Utc>,
    pub voting_starts_at: DateTime<Utc>,
    pub voting_ends_at: DateTime<Utc>,
}

fn check_windows(r: &CreateElectionRequest, now: DateTime<Utc>) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if r.nomination_ends_at <= r.nomination_starts_at {
        errors.push(FieldError::new(
            "/nomination_ends_at",
            "order",
            Text::new(
                "must be after nomination_starts_at",
                "يجب أن يكون بعد بداية الترشح",
            ),
        ));
    }
    if r.voting_starts_at < r.nomination_ends_at {
        errors.push(FieldError::new(
            "/voting_starts_at",
            "order",
            Text::new(
                "must not be before nomination_ends_at",
                "يجب ألا يسبق نهاية الترشح",
            ),
        ));
    }
    if r.voting_ends_at <= r.voting_starts_at {
        errors.push(FieldError::new(
            "/voting_ends_at",
            "order",
            Text::new(
                "must be after voting_starts_at",
                "يجب أن يكون بعد بداية التصويت",
            ),
        ));
    }
    if r.voting_ends_at <= now {
        errors.push(FieldError::new(
            "/voting_ends_at",
            "past",
            Text::new("must be in the future", "يجب أن يكون في المستقبل"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Calls an election for a platform's coordinator and deputy (an admin or the sitting
/// coordinator). One election at a time per platform.
#[utoipa::path(
    tag = "elections",
    params(("id" = i64, Path, description = "Platform id")),
    request_body = CreateElectionRequest,
    responses(
        (status = 201, body = ElectionResponse),
        (status = 409, description = "Another election of this platform is not finished", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/platforms/{id}/elections")]
pub async fn create_election(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<CreateElectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let platform = find_or_404::<entity::platform::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, platform.id).await?;
    let req = body.into_inner()?;
    check_windows(&req, now)?;
    let open = election::Entity::find()
        .filter(election::Column::PlatformId.eq(platform.id))
        .filter(election::Column::CertifiedAt.is_null())
        .filter(election::Column::CancelledAt.is_null())
        .filter(election::Column::VotingEndsAt.gt(now))
        .count(&txn)
        .await?;
    if open > 0 {
        return Err(ApiError::Problem(
            ProblemCode::ElectionUnderWay,
            Text::new(
                "This platform already has an election under way.",
                "لدى هذه المنصة انتخابات جارية بالفعل.",
            ),
        ));
    }
    let created = election::ActiveModel {
        platform_id: Set(platform.id),
        nomination_starts_at: Set(req.nomination_starts_at),
        nomination_ends_at: Set(req.nomination_ends_at),
        voting_starts_at: Set(req.voting_starts_at),
        voting_ends_at: Set(req.voting_ends_at),
        created_by: Set(auth.id()),
        certified_at: Set(None),
        certified_by: Set(None),
        cancelled_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::ElectionCreate, created.id)
        .created(&created)
        .platform(platform.id)
        .write(&txn, &auth, now)
        .await?;
    let body = election_response(&txn, created, now).await?;
    state.commit(txn).await?;
    Ok(etag::created_at(
        format!("/api/v1/elections/{}", body.id),
        &body,
    ))
}

/// Paging for a platform's elections.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListElectionsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

crate::listed!(ElectionResponse => ElectionList, "A page of elections.");

/// A platform's elections, oldest first (public).
#[utoipa::path(
    tag = "elections",
    security(()),
    params(("id" = i64, Path, description = "Platform id"), ListElectionsQuery),
    responses((status = 200, body = ElectionList))
)]
#[get("/platforms/{id}/elections")]
pub async fn list_elections(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListElectionsQuery>,
) -> Result<web::Json<ElectionList>, ApiError> {
    let platform = find_or_404::<entity::platform::Entity>(&state.db, id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = election::Entity::find().filter(election::Column::PlatformId.eq(platform.id));
    if let Some(after) = page.after {
        select = select.filter(election::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(election::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |e| e.id);
    let now = state.clock.now();
    let items = election_responses(&state.db, rows, now).await?;
    Ok(web::Json(ElectionList { items, next_cursor }))
}
