use actix_web::{HttpResponse, get, web};
use entity::{activity, activity_platform};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ActivityLevel, ActivityResponse, response, responses};
use crate::db::find_or_404;
use crate::domain::{ActivityKind, ActivityStatus};
use crate::error::ApiError;
use crate::etag;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// One activity with its risks and budget (public).
#[utoipa::path(
    tag = "activities",
    security(()),
    params(("id" = i64, Path, description = "Activity id")),
    responses((status = 200, body = ActivityResponse))
)]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let a = find_or_404::<entity::activity::Entity>(&state.db, id.into_inner()).await?;
    let body = response(&state.db, a).await?;
    Ok(etag::tagged(body.version, &body))
}

/// Filters and paging for activities.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListActivitiesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Hosted by this platform.
    pub platform_id: Option<i64>,
    pub working_group_id: Option<i64>,
    /// Only the activities of working groups, of platforms as a whole, or of the union.
    pub level: Option<ActivityLevel>,
    pub status: Option<ActivityStatus>,
    pub kind: Option<ActivityKind>,
    /// `YYYY-Qn`, or a year `YYYY` for its four quarters.
    #[param(max_length = 7, pattern = "^[0-9]{4}(-Q[1-4])?$")]
    pub quarter: Option<String>,
}

crate::listed!(ActivityResponse => ActivityList, "A page of activities.");

/// Activities by id (public).
#[utoipa::path(tag = "activities", security(()), params(ListActivitiesQuery), responses((status = 200, body = ActivityList)))]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    query: web::Query<ListActivitiesQuery>,
) -> Result<web::Json<ActivityList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = activity::Entity::find();
    if let Some(after) = page.after {
        select = select.filter(activity::Column::Id.gt(after));
    }
    if let Some(p) = q.platform_id {
        select = select.filter(
            activity::Column::Id.in_subquery(
                Query::select()
                    .column(activity_platform::Column::ActivityId)
                    .from(activity_platform::Entity)
                    .and_where(activity_platform::Column::PlatformId.eq(p))
                    .to_owned(),
            ),
        );
    }
    if let Some(g) = q.working_group_id {
        select = select.filter(activity::Column::WorkingGroupId.eq(g));
    }
    select = match q.level {
        None => select,
        Some(ActivityLevel::WorkingGroup) => {
            select.filter(activity::Column::WorkingGroupId.is_not_null())
        }
        Some(ActivityLevel::Platform) => select
            .filter(activity::Column::WorkingGroupId.is_null())
            .filter(activity::Column::PlatformId.is_not_null()),
        Some(ActivityLevel::Union) => select.filter(activity::Column::PlatformId.is_null()),
    };
    if let Some(s) = q.status {
        select = select.filter(activity::Column::Status.eq(s));
    }
    if let Some(k) = q.kind {
        select = select.filter(activity::Column::Kind.eq(k));
    }
    if let Some(quarter) = q.quarter.as_deref() {
        if !crate::domain::money::is_period(quarter) {
            return Err(ApiError::Problem(
                crate::error::ProblemCode::InvalidParameter,
                crate::i18n::Text::new(
                    "quarter must be a year (2026) or a quarter (2026-Q2).",
                    "يجب أن تكون قيمة quarter سنة (2026) أو ربعًا (2026-Q2).",
                ),
            ));
        }
        select = if quarter.len() == 4 {
            select.filter(activity::Column::PlannedQuarter.starts_with(format!("{quarter}-Q")))
        } else {
            select.filter(activity::Column::PlannedQuarter.eq(quarter))
        };
    }
    let rows = select
        .order_by_asc(activity::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |a| a.id);
    Ok(web::Json(ActivityList {
        items: responses(&state.db, rows).await?,
        next_cursor,
    }))
}
