use actix_web::{HttpResponse, delete, get, post, web};
use entity::{local_authority, position_paper_endorsement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::visible_paper;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::PaperStatus;
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::routes::views::AuthoritySummary;
use crate::state::AppState;

/// A local authority's endorsement.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndorsementResponse {
    pub id: i64,
    pub local_authority: AuthoritySummary,
    pub endorsed_by: i64,
    #[schema(max_length = 2000)]
    pub statement: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

crate::listed!(EndorsementResponse => EndorsementList, "A page of endorsements, oldest first.");

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListEndorsementsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// An optional statement with the endorsement.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct EndorseRequest {
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub statement: String,
}

fn endorsable(status: PaperStatus) -> bool {
    matches!(
        status,
        PaperStatus::Adopted | PaperStatus::Submitted | PaperStatus::Published
    )
}

/// The caller's local authority endorses the paper (any member of that authority, once per
/// authority). The authority is the one the caller belongs to when the endorsement is stored
/// (read and held in the same transaction); only an administrator changes a person's authority. Only adopted, submitted or published papers are endorsed; a second
/// endorsement by the same authority → 409.
#[utoipa::path(
    tag = "position-papers",
    params(("id" = i64, Path, description = "Paper id")),
    request_body = EndorseRequest,
    responses(
        (status = 201, body = EndorsementResponse),
        (status = 403, description = "The caller does not belong to a local authority", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already endorsed by this authority, or the paper is not adopted yet", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/position-papers/{id}/endorsements")]
pub async fn endorse(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<EndorseRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (paper, _) = visible_paper(&txn, Some(&auth), id.into_inner()).await?;
    // The endorser's authority as it stands now, held until the endorsement is stored.
    let endorser = crate::db::lock_caller(&txn, auth.id()).await?;
    let authority_id = crate::access::endorsing_authority(&endorser)?;
    let req = body.into_inner()?;
    if !endorsable(paper.status) {
        return Err(ApiError::Problem(
            ProblemCode::NotEndorsable,
            Text::new(
                "Only an adopted, submitted or published paper can be endorsed.",
                "يمكن تأييد الورقة بعد اعتمادها أو تقديمها أو نشرها فقط.",
            ),
        ));
    }
    let authority = local_authority::Entity::find_by_id(authority_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::forbidden)?;
    // The unique (paper, authority) index is what makes it one endorsement per authority.
    let saved = position_paper_endorsement::ActiveModel {
        paper_id: Set(paper.id),
        local_authority_id: Set(authority.id),
        endorsed_by: Set(auth.id()),
        statement: Set(req.statement.trim().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| match ApiError::from(err) {
        ApiError::Problem(ProblemCode::Duplicate, _) => ApiError::Problem(
            ProblemCode::AlreadyEndorsed,
            Text::new(
                "Your local authority has already endorsed this paper.",
                "سبق لهيئتك المحلية تأييد هذه الورقة.",
            ),
        ),
        other => other,
    })?;
    Entry::new(Action::PositionPaperEndorse, saved.id)
        .created(&saved)
        .platform(paper.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(EndorsementResponse {
        id: saved.id,
        local_authority: AuthoritySummary::from(authority),
        endorsed_by: saved.endorsed_by,
        statement: saved.statement,
        created_at: saved.created_at,
    }))
}

/// Endorsements of a paper, oldest first (whoever may see the paper).
#[utoipa::path(
    tag = "position-papers",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Paper id"), ListEndorsementsQuery),
    responses((status = 200, body = EndorsementList))
)]
#[get("/position-papers/{id}/endorsements")]
pub async fn list_endorsements(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListEndorsementsQuery>,
) -> Result<web::Json<EndorsementList>, ApiError> {
    let (paper, _) = visible_paper(&state.db, auth.as_ref(), id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = position_paper_endorsement::Entity::find()
        .find_also_related(local_authority::Entity)
        .filter(position_paper_endorsement::Column::PaperId.eq(paper.id));
    if let Some(after) = page.after {
        select = select.filter(position_paper_endorsement::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(position_paper_endorsement::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(e, _)| e.id);
    let items = rows
        .into_iter()
        .filter_map(|(e, a)| {
            Some(EndorsementResponse {
                id: e.id,
                local_authority: AuthoritySummary::from(a?),
                endorsed_by: e.endorsed_by,
                statement: e.statement,
                created_at: e.created_at,
            })
        })
        .collect();
    Ok(web::Json(EndorsementList { items, next_cursor }))
}

/// Withdraws an authority's endorsement (a member of that authority, or an admin).
#[utoipa::path(
    tag = "position-papers",
    params(("id" = i64, Path, description = "Paper id"), ("authority_id" = i64, Path, description = "The endorsing local authority")),
    responses((status = 204, description = "Withdrawn"))
)]
#[delete("/position-papers/{id}/endorsements/{authority_id}")]
pub async fn withdraw_endorsement(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (paper_id, authority_id) = path.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let (paper, _) = visible_paper(&txn, Some(&auth), paper_id).await?;
    crate::access::require_endorser(&auth, authority_id)?;
    let e = position_paper_endorsement::Entity::find()
        .filter(position_paper_endorsement::Column::PaperId.eq(paper.id))
        .filter(position_paper_endorsement::Column::LocalAuthorityId.eq(authority_id))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    position_paper_endorsement::Entity::delete_by_id(e.id)
        .exec(&txn)
        .await?;
    Entry::new(Action::PositionPaperWithdrawEndorsement, e.id)
        .deleted(&e)
        .platform(paper.platform_id)
        .write(&txn, &auth, state.clock.now())
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
