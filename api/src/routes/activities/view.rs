//! How the activities are shown: responses built from rows, with what hangs on them loaded in batches.

use std::collections::BTreeMap;

use entity::{
    activity, activity_indicator, activity_platform, activity_quarter, activity_risk, budget_line,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::money::parse_amount;
use crate::domain::{Bilingual, BilingualText};
use crate::error::ApiError;

use super::*;

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

/// Budget lines of stored rows (amounts were validated when written).
pub fn lines_of(rows: &[budget_line::Model]) -> Vec<BudgetLine> {
    rows.iter()
        .map(|l| {
            let unit_cost = parse_amount(&l.unit_cost).unwrap_or_default();
            let units = parse_amount(&l.units).unwrap_or_default();
            let unit_cost_2 = l.unit_cost_2.as_deref().and_then(parse_amount);
            let units_2 = l.units_2.as_deref().and_then(parse_amount);
            let second = unit_cost_2
                .zip(units_2)
                .map_or(Decimal::ZERO, |(c, n)| c * n);
            BudgetLine {
                description: l.description.clone(),
                unit_cost,
                units,
                unit_cost_2,
                units_2,
                currency: l.currency.clone(),
                funder: l.funder.clone(),
                subtotal: unit_cost * units + second,
            }
        })
        .collect()
}

/// Activities with hosts, risks, indicators, timelines and budgets, in five queries for the
/// whole set.
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
    let indicators = activity_indicator::Entity::find()
        .filter(activity_indicator::Column::ActivityId.is_in(ids.clone()))
        .order_by_asc(activity_indicator::Column::Position)
        .all(db)
        .await?;
    let quarters = activity_quarter::Entity::find()
        .filter(activity_quarter::Column::ActivityId.is_in(ids.clone()))
        .order_by_asc(activity_quarter::Column::Year)
        .order_by_asc(activity_quarter::Column::Quarter)
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
                milestone_id: a.milestone_id,
                platform_id: a.platform_id,
                level: ActivityLevel::of(a.working_group_id, a.platform_id),
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
                indicators: indicators
                    .iter()
                    .filter(|x| x.activity_id == a.id)
                    .map(|x| Indicator {
                        level: x.level,
                        text_ar: x.text_ar.clone(),
                        text_en: x.text_en.clone(),
                        achieved_on: x.achieved_on,
                    })
                    .collect(),
                timeline: quarters
                    .iter()
                    .filter(|q| q.activity_id == a.id)
                    .map(|q| QuarterCell {
                        year: q.year,
                        quarter: q.quarter,
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
