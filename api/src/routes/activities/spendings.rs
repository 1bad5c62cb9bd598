//! What was spent on an activity: the `spent` of `000`'s budget against its plan.

use actix_web::{HttpResponse, get, post, web};
use entity::activity_spending;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::pagination::PageRequest;
use crate::services::programme::records::{self, NewSpending, Recorder};
use crate::state::AppState;

/// Money spent on an activity.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SpendingRequest {
    /// Decimal string, more than zero, at most 4 decimals.
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "1560.00", format = "decimal")]
    pub amount: String,
    /// ISO 4217 code.
    #[validate(custom(function = "crate::domain::money::validate_currency"))]
    #[schema(
        example = "USD",
        min_length = 3,
        max_length = 3,
        pattern = "^[A-Z]{3}$"
    )]
    pub currency: String,
    /// Who paid (as on the budget lines).
    #[validate(length(max = 200))]
    #[schema(example = "GIZ", max_length = 200)]
    #[serde(default)]
    pub funder: String,
    /// The day it was spent (default today; not in the future).
    pub spent_on: Option<chrono::NaiveDate>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub description: String,
}

/// Money spent, as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendingResponse {
    pub id: i64,
    pub activity_id: i64,
    #[schema(format = "decimal")]
    pub amount: String,
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(max_length = 200)]
    pub funder: String,
    pub spent_on: chrono::NaiveDate,
    #[schema(max_length = 500)]
    pub description: String,
    pub recorded_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<activity_spending::Model> for SpendingResponse {
    fn from(s: activity_spending::Model) -> Self {
        SpendingResponse {
            id: s.id,
            activity_id: s.activity_id,
            amount: s.amount,
            currency: s.currency,
            funder: s.funder,
            spent_on: s.spent_on,
            description: s.description,
            recorded_by: s.recorded_by,
            created_at: s.created_at,
        }
    }
}

crate::listed!(SpendingResponse => SpendingList, "A page of spendings, in the order recorded.");

/// Records money spent on an activity (its platform's managers).
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id", minimum = 1)),
    request_body = SpendingRequest,
    responses((status = 201, body = SpendingResponse))
)]
#[post("/activities/{id}/spendings")]
pub async fn record_spending(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<SpendingRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let a = find_or_404::<entity::activity::Entity>(&txn, id.into_inner()).await?;
    crate::access::require_manager_of(&txn, &auth, a.platform_id).await?;
    let req = body.into_inner()?;
    let spending = NewSpending {
        amount: req.amount,
        currency: req.currency,
        funder: req.funder,
        spent_on: req.spent_on,
        description: req.description,
    };
    let by = Recorder {
        user_id: auth.id(),
        now,
    };
    let saved = records::spend(&txn, a.id, spending, by).await?;
    Entry::new(Action::ActivitySpending, a.id)
        .created(&saved)
        .platform(a.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(SpendingResponse::from(saved)))
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListSpendingsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// What was spent on an activity, in the order recorded (public, as its budget is).
#[utoipa::path(
    tag = "activities",
    security(()),
    params(("id" = i64, Path, description = "Activity id", minimum = 1), ListSpendingsQuery),
    responses((status = 200, body = SpendingList))
)]
#[get("/activities/{id}/spendings")]
pub async fn list_spendings(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListSpendingsQuery>,
) -> Result<web::Json<SpendingList>, ApiError> {
    let a = find_or_404::<entity::activity::Entity>(&state.db, id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select =
        activity_spending::Entity::find().filter(activity_spending::Column::ActivityId.eq(a.id));
    if let Some(after) = page.after {
        select = select.filter(activity_spending::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(activity_spending::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |s| s.id);
    Ok(web::Json(SpendingList {
        items: rows.into_iter().map(SpendingResponse::from).collect(),
        next_cursor,
    }))
}
