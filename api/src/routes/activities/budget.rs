use actix_web::{get, web};
use entity::{activity, activity_platform, budget_line};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Total, lines_of, totals};
use crate::db::find_or_404;
use crate::domain::ActivityStatus;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::state::AppState;

/// The period to total.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BudgetQuery {
    /// A year (`2026`) or a quarter (`2026-Q2`); all periods when absent.
    #[param(max_length = 7, pattern = "^[0-9]{4}(-Q[1-4])?$")]
    pub period: Option<String>,
}

/// One quarter's totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterTotals {
    /// `null` for activities without a planned quarter.
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-Q[1-4]$")]
    pub quarter: Option<String>,
    #[schema(max_items = 17576)]
    pub totals: Vec<Total>,
}

/// One activity's totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityTotals {
    pub activity_id: i64,
    #[schema(max_items = 200)]
    pub totals: Vec<Total>,
}

/// A platform's planned budget, in exact decimals per currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformBudget {
    pub platform_id: i64,
    #[schema(max_length = 7, pattern = "^[0-9]{4}(-Q[1-4])?$")]
    pub period: Option<String>,
    #[schema(max_items = 17576)]
    pub totals: Vec<Total>,
    #[schema(max_items = 5001)]
    pub by_quarter: Vec<QuarterTotals>,
    #[schema(max_items = 5000)]
    pub by_activity: Vec<ActivityTotals>,
}

/// Budget totals of the activities a platform hosts (cancelled ones excluded), per period,
/// quarter and activity (public).
#[utoipa::path(
    tag = "activities",
    security(()),
    params(("id" = i64, Path, description = "Platform id"), BudgetQuery),
    responses((status = 200, body = PlatformBudget))
)]
#[get("/platforms/{id}/budget")]
pub async fn platform_budget(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<BudgetQuery>,
) -> Result<web::Json<PlatformBudget>, ApiError> {
    let p = find_or_404::<entity::platform::Entity>(&state.db, id.into_inner()).await?;
    let period = query.into_inner().period;
    let mut select = activity::Entity::find()
        .filter(activity::Column::Status.ne(ActivityStatus::Cancelled))
        .filter(
            activity::Column::Id.in_subquery(
                Query::select()
                    .column(activity_platform::Column::ActivityId)
                    .from(activity_platform::Entity)
                    .and_where(activity_platform::Column::PlatformId.eq(p.id))
                    .to_owned(),
            ),
        );
    match period.as_deref() {
        None => {}
        Some(y) if y.len() == 4 && crate::domain::money::is_period(y) => {
            select = select.filter(activity::Column::PlannedQuarter.starts_with(format!("{y}-Q")));
        }
        Some(q) if crate::domain::money::validate_quarter(q).is_ok() => {
            select = select.filter(activity::Column::PlannedQuarter.eq(q));
        }
        Some(_) => {
            return Err(ApiError::Problem(
                ProblemCode::InvalidParameter,
                Text::new(
                    "period must be a year (2026) or a quarter (2026-Q2).",
                    "يجب أن تكون الفترة سنة (2026) أو ربعًا (2026-Q2).",
                ),
            ));
        }
    }
    let max = crate::domain::limits::MAX_BUDGET_ACTIVITIES;
    if sea_orm::PaginatorTrait::count(select.clone(), &state.db).await? > max {
        return Err(ApiError::Problem(
            ProblemCode::InvalidParameter,
            Text::new(
                format!(
                    "The report adds up at most {max} activities: ask for a year or a quarter."
                ),
                format!("يجمع التقرير \u{2066}{max}\u{2069} نشاط كحد أقصى: اطلب سنة أو ربعًا."),
            ),
        ));
    }
    let activities = select
        .order_by_asc(activity::Column::Id)
        .all(&state.db)
        .await?;
    let ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let rows = budget_line::Entity::find()
        .filter(budget_line::Column::ActivityId.is_in(ids))
        .order_by_asc(budget_line::Column::Position)
        .all(&state.db)
        .await?;
    let lines: Vec<(i64, super::BudgetLine)> = rows
        .iter()
        .map(|r| r.activity_id)
        .zip(lines_of(&rows))
        .collect();
    let mut quarters: Vec<Option<String>> = activities
        .iter()
        .map(|a| a.planned_quarter.clone())
        .collect();
    quarters.sort();
    quarters.dedup();
    let by_quarter = quarters
        .into_iter()
        .map(|q| {
            let members: Vec<i64> = activities
                .iter()
                .filter(|a| a.planned_quarter == q)
                .map(|a| a.id)
                .collect();
            QuarterTotals {
                totals: totals(
                    lines
                        .iter()
                        .filter(|(a, _)| members.contains(a))
                        .map(|(_, l)| (l.currency.as_str(), l.subtotal)),
                ),
                quarter: q,
            }
        })
        .collect();
    let by_activity = activities
        .iter()
        .map(|a| ActivityTotals {
            activity_id: a.id,
            totals: totals(
                lines
                    .iter()
                    .filter(|(id, _)| *id == a.id)
                    .map(|(_, l)| (l.currency.as_str(), l.subtotal)),
            ),
        })
        .collect();
    Ok(web::Json(PlatformBudget {
        platform_id: p.id,
        period,
        totals: totals(lines.iter().map(|(_, l)| (l.currency.as_str(), l.subtotal))),
        by_quarter,
        by_activity,
    }))
}
