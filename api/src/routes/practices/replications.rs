use actix_web::{HttpResponse, get, post, web};
use entity::practice_replication;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{RecordReplicationRequest, ReplicationResponse};
use super::rules::{require_other_authority, require_recorder, require_shared, visible_practice};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Records that another authority adopted a practice (the adopting authority's people, the
/// practice's people, the platform's coordinators, administrators): when, and what came of it.
/// The practice is published or archived; each authority adopts it once (409 `duplicate`).
#[utoipa::path(
    tag = "practices",
    params(("id" = i64, Path, description = "Practice id")),
    request_body = RecordReplicationRequest,
    responses(
        (status = 201, body = ReplicationResponse),
        (status = 409, description = "The practice is not published, the authority is its own, or it adopted the practice already", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/practices/{id}/replications")]
pub async fn record_replication(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<RecordReplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (p, standing) = visible_practice(&txn, Some(&auth), id.into_inner()).await?;
    let req = body.into_inner()?;
    require_recorder(standing, &auth, req.local_authority_id)?;
    crate::db::find_named::<entity::local_authority::Entity>(
        &txn,
        req.local_authority_id,
        "/local_authority_id",
        crate::db::NO_LOCAL_AUTHORITY,
    )
    .await?;
    if req.adopted_on > now.date_naive() {
        return Err(ApiError::field(
            "/adopted_on",
            "future",
            Text::new(
                "a replication is recorded once it happened",
                "يُسجَّل التبنّي بعد حدوثه",
            ),
        ));
    }
    require_shared(&p, true)?;
    require_other_authority(&p, req.local_authority_id)?;
    let row = practice_replication::ActiveModel {
        practice_id: Set(p.id),
        local_authority_id: Set(req.local_authority_id),
        adopted_on: Set(req.adopted_on),
        outcome_ar: Set(req.outcome.ar),
        outcome_en: Set(req.outcome.en),
        recorded_by: Set(auth.id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::PracticeReplicate, row.id)
        .created(&row)
        .platform(p.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/practices/{}/replications", p.id),
        ))
        .json(ReplicationResponse::from(row)))
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListReplicationsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

crate::listed!(ReplicationResponse => ReplicationList, "A page of a practice's replications, in the order they were recorded.");

/// The authorities that adopted a practice, in the order they were recorded (whoever may see
/// the practice).
#[utoipa::path(
    tag = "practices",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Practice id"), ListReplicationsQuery),
    responses((status = 200, body = ReplicationList))
)]
#[get("/practices/{id}/replications")]
pub async fn list_replications(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListReplicationsQuery>,
) -> Result<web::Json<ReplicationList>, ApiError> {
    let (p, _) = visible_practice(&state.db, auth.as_ref(), id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = practice_replication::Entity::find()
        .filter(practice_replication::Column::PracticeId.eq(p.id));
    if let Some(after) = page.after {
        select = select.filter(practice_replication::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(practice_replication::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id);
    Ok(web::Json(ReplicationList {
        items: rows.into_iter().map(ReplicationResponse::from).collect(),
        next_cursor,
    }))
}
