//! Activities of topic working groups, following the transition framework (`seeds/000`):
//! rationale, expected outputs, responsible party, risks with mitigations, progress, planned
//! quarter, and budget lines whose subtotals and totals are exact decimals.

mod budget;
mod create;
mod read;
mod update;

use std::collections::BTreeMap;

use entity::{activity, activity_platform, activity_risk, budget_line};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::domain::money::parse_amount;
use crate::domain::{ActivityKind, ActivityStatus, Bilingual, BilingualText};
use crate::error::ApiError;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read::list_activities)
        .service(create::create_activity)
        .service(read::get_activity)
        .service(update::update_activity)
        .service(update::change_activity_status)
        .service(update::delete_activity)
        .service(budget::platform_budget);
}

/// A risk and how it is mitigated.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub risk: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub mitigation: String,
}

/// A budget line as sent: amounts are decimal strings, never floats.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BudgetLineInput {
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub description: String,
    /// Decimal string, at most 4 decimals.
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "1250.50", format = "decimal")]
    pub unit_cost: String,
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "3", format = "decimal")]
    pub units: String,
    /// ISO 4217 code.
    #[validate(custom(function = "crate::domain::money::validate_currency"))]
    #[schema(
        example = "USD",
        min_length = 3,
        max_length = 3,
        pattern = "^[A-Z]{3}$"
    )]
    pub currency: String,
}

/// A budget line with its subtotal.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetLine {
    #[schema(max_length = 500)]
    pub description: String,
    #[schema(value_type = String, example = "1250.50", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub unit_cost: Decimal,
    #[schema(value_type = String, example = "3", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub units: Decimal,
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// `unit_cost × units`, exact.
    #[schema(value_type = String, example = "3751.50", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub subtotal: Decimal,
}

/// A sum in one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Total {
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(value_type = String, example = "3751.50", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub total: Decimal,
}

/// Sums per currency, in currency order.
pub fn totals<'a>(lines: impl IntoIterator<Item = (&'a str, Decimal)>) -> Vec<Total> {
    let mut by: BTreeMap<String, Decimal> = BTreeMap::new();
    for (currency, amount) in lines {
        *by.entry(currency.to_owned()).or_default() += amount;
    }
    by.into_iter()
        .map(|(currency, total)| Total { currency, total })
        .collect()
}

/// An activity's budget.
#[derive(Debug, Serialize, ToSchema)]
pub struct Budget {
    #[schema(max_items = 200)]
    pub lines: Vec<BudgetLine>,
    #[schema(max_items = 200)]
    pub totals: Vec<Total>,
}

/// An activity as the API shows it. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityResponse {
    pub id: i64,
    pub working_group_id: i64,
    pub platform_id: i64,
    /// Every hosting platform (joint activities have several).
    #[schema(max_items = 21)]
    pub host_platform_ids: Vec<i64>,
    pub kind: ActivityKind,
    pub title: Bilingual,
    pub rationale: BilingualText,
    pub expected_outputs: BilingualText,
    #[schema(max_length = 300)]
    pub responsible_party: String,
    pub status: ActivityStatus,
    #[schema(
        example = "2026-Q2",
        min_length = 7,
        max_length = 7,
        pattern = "^[0-9]{4}-Q[1-4]$"
    )]
    pub planned_quarter: Option<String>,
    pub started_on: Option<chrono::NaiveDate>,
    pub advanced_on: Option<chrono::NaiveDate>,
    pub completed_on: Option<chrono::NaiveDate>,
    pub cancelled_on: Option<chrono::NaiveDate>,
    #[schema(max_items = 50)]
    pub risks: Vec<Risk>,
    pub budget: Budget,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Budget lines of stored rows (amounts were validated when written).
pub fn lines_of(rows: &[budget_line::Model]) -> Vec<BudgetLine> {
    rows.iter()
        .map(|l| {
            let unit_cost = parse_amount(&l.unit_cost).unwrap_or_default();
            let units = parse_amount(&l.units).unwrap_or_default();
            BudgetLine {
                description: l.description.clone(),
                unit_cost,
                units,
                currency: l.currency.clone(),
                subtotal: unit_cost * units,
            }
        })
        .collect()
}

/// Activities with hosts, risks and budgets, in three queries for the whole set.
pub async fn responses(
    db: &impl ConnectionTrait,
    activities: Vec<activity::Model>,
) -> Result<Vec<ActivityResponse>, ApiError> {
    let ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let hosts = activity_platform::Entity::find()
        .filter(activity_platform::Column::ActivityId.is_in(ids.clone()))
        .order_by_asc(activity_platform::Column::Id)
        .all(db)
        .await?;
    let risks = activity_risk::Entity::find()
        .filter(activity_risk::Column::ActivityId.is_in(ids.clone()))
        .order_by_asc(activity_risk::Column::Position)
        .all(db)
        .await?;
    let lines = budget_line::Entity::find()
        .filter(budget_line::Column::ActivityId.is_in(ids))
        .order_by_asc(budget_line::Column::Position)
        .all(db)
        .await?;
    Ok(activities
        .into_iter()
        .map(|a| {
            let own: Vec<budget_line::Model> = lines
                .iter()
                .filter(|l| l.activity_id == a.id)
                .cloned()
                .collect();
            let budget_lines = lines_of(&own);
            let budget_totals = totals(
                budget_lines
                    .iter()
                    .map(|l| (l.currency.as_str(), l.subtotal)),
            );
            ActivityResponse {
                id: a.id,
                working_group_id: a.working_group_id,
                platform_id: a.platform_id,
                host_platform_ids: hosts
                    .iter()
                    .filter(|h| h.activity_id == a.id)
                    .map(|h| h.platform_id)
                    .collect(),
                kind: a.kind,
                title: Bilingual {
                    ar: a.title_ar,
                    en: a.title_en,
                },
                rationale: BilingualText::new(a.rationale_ar, a.rationale_en),
                expected_outputs: BilingualText::new(a.expected_outputs_ar, a.expected_outputs_en),
                responsible_party: a.responsible_party,
                status: a.status,
                planned_quarter: a.planned_quarter,
                started_on: a.started_on,
                advanced_on: a.advanced_on,
                completed_on: a.completed_on,
                cancelled_on: a.cancelled_on,
                risks: risks
                    .iter()
                    .filter(|r| r.activity_id == a.id)
                    .map(|r| Risk {
                        risk: r.risk.clone(),
                        mitigation: r.mitigation.clone(),
                    })
                    .collect(),
                budget: Budget {
                    lines: budget_lines,
                    totals: budget_totals,
                },
                version: a.version,
                created_at: a.created_at,
                updated_at: a.updated_at,
            }
        })
        .collect())
}

pub async fn response(
    db: &impl ConnectionTrait,
    a: activity::Model,
) -> Result<ActivityResponse, ApiError> {
    responses(db, vec![a])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

/// Replaces the given child lists (absent ones stay).
pub async fn write_children(
    db: &impl ConnectionTrait,
    activity_id: i64,
    hosts: Option<&[i64]>,
    risks: Option<&[Risk]>,
    lines: Option<&[BudgetLineInput]>,
) -> Result<(), ApiError> {
    if let Some(hosts) = hosts {
        activity_platform::Entity::delete_many()
            .filter(activity_platform::Column::ActivityId.eq(activity_id))
            .exec(db)
            .await?;
        for p in hosts {
            activity_platform::ActiveModel {
                activity_id: Set(activity_id),
                platform_id: Set(*p),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(risks) = risks {
        activity_risk::Entity::delete_many()
            .filter(activity_risk::Column::ActivityId.eq(activity_id))
            .exec(db)
            .await?;
        for (i, r) in risks.iter().enumerate() {
            activity_risk::ActiveModel {
                activity_id: Set(activity_id),
                position: Set(i as i32 + 1),
                risk: Set(r.risk.trim().to_owned()),
                mitigation: Set(r.mitigation.trim().to_owned()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(lines) = lines {
        budget_line::Entity::delete_many()
            .filter(budget_line::Column::ActivityId.eq(activity_id))
            .exec(db)
            .await?;
        for (i, l) in lines.iter().enumerate() {
            // Stored as parsed, keeping the scale given ("1250.50" stays two decimals).
            let unit_cost = parse_amount(&l.unit_cost).unwrap_or_default();
            let units = parse_amount(&l.units).unwrap_or_default();
            budget_line::ActiveModel {
                activity_id: Set(activity_id),
                position: Set(i as i32 + 1),
                description: Set(l.description.trim().to_owned()),
                unit_cost: Set(unit_cost.to_string()),
                units: Set(units.to_string()),
                currency: Set(l.currency.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
