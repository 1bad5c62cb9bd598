use actix_web::{HttpResponse, get, post, web};
use entity::exchange_request;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{
    CreateExchangeRequest, DecideExchangeRequest, ExchangeAnswer, ExchangeRequestResponse,
    PlanExchangeRequest,
};
use super::rules::{own_authority, require_other_authority, require_shared, visible_practice};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::ExchangeStatus;
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Asks to learn a published practice, for the caller's own local authority (not the one that
/// shared it): what they want to learn and how many would come. The practice's people and the
/// platform's coordinators are told (`exchange.requested` to partners as well).
#[utoipa::path(
    tag = "practices",
    params(("id" = i64, Path, description = "Practice id")),
    request_body = CreateExchangeRequest,
    responses(
        (status = 201, body = ExchangeRequestResponse),
        (status = 409, description = "The practice is not published, or the caller's authority shared it", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/practices/{id}/exchange-requests")]
pub async fn create_exchange_request(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<CreateExchangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (p, _) = visible_practice(&txn, Some(&auth), id.into_inner()).await?;
    let authority = own_authority(&auth)?;
    let req = body.into_inner()?;
    require_shared(&p, false)?;
    require_other_authority(&p, authority)?;
    let row = exchange_request::ActiveModel {
        practice_id: Set(p.id),
        local_authority_id: Set(authority),
        requested_by: Set(auth.id()),
        status: Set(ExchangeStatus::Requested),
        message: Set(req.message.trim().to_owned()),
        participants: Set(req.participants),
        answer: Set(String::new()),
        decided_by: Set(None),
        decided_at: Set(None),
        activity_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::ExchangeRequestCreate, row.id)
        .created(&row)
        .platform(p.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/practices/{}/exchange-requests", p.id),
        ))
        .json(ExchangeRequestResponse::from(row)))
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListExchangeRequestsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

crate::listed!(ExchangeRequestResponse => ExchangeRequestList, "A page of requests to learn a practice, in the order they came.");

/// Requests to learn a practice, in the order they came: all of them for its people and the
/// platform's managers; to anyone else who may see it, their own authority's.
#[utoipa::path(
    tag = "practices",
    params(("id" = i64, Path, description = "Practice id"), ListExchangeRequestsQuery),
    responses((status = 200, body = ExchangeRequestList))
)]
#[get("/practices/{id}/exchange-requests")]
pub async fn list_exchange_requests(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListExchangeRequestsQuery>,
) -> Result<web::Json<ExchangeRequestList>, ApiError> {
    let (p, standing) = visible_practice(&state.db, Some(&auth), id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select =
        exchange_request::Entity::find().filter(exchange_request::Column::PracticeId.eq(p.id));
    if !standing.edits() {
        // Their authority's alone (none without one).
        select = select.filter(
            exchange_request::Column::LocalAuthorityId
                .eq(auth.user.local_authority_id.unwrap_or(0)),
        );
    }
    if let Some(after) = page.after {
        select = select.filter(exchange_request::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(exchange_request::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id);
    Ok(web::Json(ExchangeRequestList {
        items: rows
            .into_iter()
            .map(ExchangeRequestResponse::from)
            .collect(),
        next_cursor,
    }))
}

/// Answers a request to learn a practice (its people: whoever drafted it and its contact people;
/// the platform's coordinators and administrators): accepted or declined, with a note. The person
/// who asked is told. A request is answered once (409 `already_decided`).
#[utoipa::path(
    tag = "practices",
    params(("id" = i64, Path, description = "Request id")),
    request_body = DecideExchangeRequest,
    responses(
        (status = 200, body = ExchangeRequestResponse),
        (status = 409, description = "Already answered", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exchange-requests/{id}/decision")]
pub async fn decide_exchange_request(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<DecideExchangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let r = find_or_404::<exchange_request::Entity>(&txn, id.into_inner()).await?;
    let (p, standing) = visible_practice(&txn, Some(&auth), r.practice_id).await?;
    standing.require_editor()?;
    let req = body.into_inner()?;
    let to = match req.answer {
        ExchangeAnswer::Accepted => ExchangeStatus::Accepted,
        ExchangeAnswer::Declined => ExchangeStatus::Declined,
    };
    // Answered once: of two answers at once, one is taken.
    let answered = exchange_request::Entity::update_many()
        .col_expr(exchange_request::Column::Status, Expr::value(to))
        .col_expr(
            exchange_request::Column::Answer,
            Expr::value(req.note.trim().to_owned()),
        )
        .col_expr(exchange_request::Column::DecidedBy, Expr::value(auth.id()))
        .col_expr(exchange_request::Column::DecidedAt, Expr::value(now))
        .filter(exchange_request::Column::Id.eq(r.id))
        .filter(exchange_request::Column::Status.eq(ExchangeStatus::Requested))
        .exec(&txn)
        .await?
        .rows_affected;
    if answered != 1 {
        return Err(ApiError::Problem(
            ProblemCode::AlreadyDecided,
            Text::new("The request was already answered.", "أُجيب عن الطلب بالفعل."),
        ));
    }
    let after = find_or_404::<exchange_request::Entity>(&txn, r.id).await?;
    Entry::new(Action::ExchangeRequestDecide { to }, r.id)
        .updated(&r, &after)
        .field("practice_id", r.practice_id)
        .field("local_authority_id", r.local_authority_id)
        .platform(p.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Ok().json(ExchangeRequestResponse::from(after)))
}

/// Plans an accepted request as a peer exchange, in one step (the platform's coordinators and
/// administrators): a `peer_exchange` activity of the practice's platform, its rationale what the
/// asking authority wants to learn, the practice's authority responsible, planned in the quarter
/// given. The request names it from then on (409 `not_accepted` before it is accepted,
/// `duplicate` once planned).
#[utoipa::path(
    tag = "practices",
    params(("id" = i64, Path, description = "Request id")),
    request_body = PlanExchangeRequest,
    responses(
        (status = 201, body = ExchangeRequestResponse, headers(("Location" = String, description = "The activity"))),
        (status = 409, description = "Not accepted, or planned already", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exchange-requests/{id}/activity")]
pub async fn plan_exchange(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<PlanExchangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let r = find_or_404::<exchange_request::Entity>(&txn, id.into_inner()).await?;
    let (p, _) = visible_practice(&txn, Some(&auth), r.practice_id).await?;
    crate::access::Standing::of_manager(&txn, &auth, p.platform_id).await?;
    let req = body.into_inner()?;
    let made =
        crate::services::programme::exchanges::plan(&txn, &r, &p, req.planned_quarter, &auth, now)
            .await?;
    let after = find_or_404::<exchange_request::Entity>(&txn, r.id).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/activities/{}", made.id),
        ))
        .json(ExchangeRequestResponse::from(after)))
}
