//! The rows that hang on the activities, written with the resource in one transaction.

use entity::{activity_indicator, activity_platform, activity_quarter, activity_risk, budget_line};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::money::parse_amount;
use crate::error::ApiError;

use super::*;

/// The plan rows of `000` an activity carries: its indicators and its timeline.
#[derive(Clone, Copy, Default)]
pub struct Plan<'a> {
    pub indicators: Option<&'a [Indicator]>,
    pub timeline: Option<&'a [QuarterCell]>,
}

/// Checks a timeline and indicators: no quarter twice, within three years, and nothing achieved
/// in the future. Answers the field errors.
pub fn check_plan(plan: Plan<'_>, today: chrono::NaiveDate) -> Result<(), ApiError> {
    use crate::i18n::Text;
    if let Some(cells) = plan.timeline {
        let mut sorted = cells.to_vec();
        sorted.sort();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Err(ApiError::field(
                "/timeline",
                "duplicate",
                Text::new("names each quarter once", "تذكر كل ربع مرة واحدة"),
            ));
        }
        if let (Some(first), Some(last)) = (sorted.first(), sorted.last())
            && (last.year * 4 + last.quarter) - (first.year * 4 + first.quarter)
                >= TIMELINE_QUARTERS as i32
        {
            return Err(ApiError::field(
                "/timeline",
                "too_long",
                Text::new(
                    "spans at most three years (twelve quarters)",
                    "يمتد ثلاث سنوات على الأكثر (اثني عشر ربعًا)",
                ),
            ));
        }
    }
    if let Some(indicators) = plan.indicators
        && let Some(i) = indicators
            .iter()
            .position(|x| x.achieved_on.is_some_and(|d| d > today))
    {
        return Err(ApiError::field(
            &format!("/indicators/{i}/achieved_on"),
            "future",
            Text::new("cannot be in the future", "لا يمكن أن يكون في المستقبل"),
        ));
    }
    Ok(())
}

/// Checks that a milestone named exists (422 `not_found` at `/milestone_id`).
pub async fn check_milestone(
    db: &impl ConnectionTrait,
    milestone_id: Option<i64>,
) -> Result<(), ApiError> {
    let Some(id) = milestone_id else {
        return Ok(());
    };
    if entity::milestone::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(ApiError::field(
            "/milestone_id",
            "not_found",
            crate::i18n::Text::new("no milestone has this id", "لا توجد مرحلة مرجعية بهذا الرقم"),
        ));
    }
    Ok(())
}

/// The hosting platforms of an activity: its organising platform first (none for the union's
/// own activities), then the others once each.
pub fn hosts_of(organiser: Option<i64>, others: &[i64]) -> Vec<i64> {
    match organiser {
        Some(p) => crate::services::programme::hosts::host_list(p, others),
        None => {
            let mut hosts: Vec<i64> = Vec::with_capacity(others.len());
            for p in others {
                if !hosts.contains(p) {
                    hosts.push(*p);
                }
            }
            hosts
        }
    }
}

/// Checks budget lines: a second cost unit has both its cost and its units.
pub fn check_lines(lines: Option<&[BudgetLineInput]>) -> Result<(), ApiError> {
    if let Some(i) = lines.and_then(|ls| {
        ls.iter()
            .position(|l| l.unit_cost_2.is_some() != l.units_2.is_some())
    }) {
        return Err(ApiError::field(
            &format!("/budget_lines/{i}/units_2"),
            "required",
            crate::i18n::Text::new(
                "a second cost unit has both `unit_cost_2` and `units_2`",
                "لوحدة التكلفة الثانية `unit_cost_2` و`units_2` معًا",
            ),
        ));
    }
    Ok(())
}

/// Replaces the given child lists (absent ones stay).
pub async fn write_children(
    db: &impl ConnectionTrait,
    activity_id: i64,
    hosts: Option<&[i64]>,
    risks: Option<&[Risk]>,
    lines: Option<&[BudgetLineInput]>,
    plan: Plan<'_>,
) -> Result<(), ApiError> {
    if let Some(indicators) = plan.indicators {
        activity_indicator::Entity::delete_many()
            .filter(activity_indicator::Column::ActivityId.eq(activity_id))
            .exec(db)
            .await?;
        for (i, x) in indicators.iter().enumerate() {
            activity_indicator::ActiveModel {
                activity_id: Set(activity_id),
                position: Set(i as i32 + 1),
                level: Set(x.level),
                text_ar: Set(x.text_ar.trim().to_owned()),
                text_en: Set(x.text_en.trim().to_owned()),
                achieved_on: Set(x.achieved_on),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(cells) = plan.timeline {
        activity_quarter::Entity::delete_many()
            .filter(activity_quarter::Column::ActivityId.eq(activity_id))
            .exec(db)
            .await?;
        for c in cells {
            activity_quarter::ActiveModel {
                activity_id: Set(activity_id),
                year: Set(c.year),
                quarter: Set(c.quarter),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
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
            let second =
                |v: &Option<String>| v.as_deref().and_then(parse_amount).map(|d| d.to_string());
            budget_line::ActiveModel {
                activity_id: Set(activity_id),
                position: Set(i as i32 + 1),
                description: Set(l.description.trim().to_owned()),
                unit_cost: Set(unit_cost.to_string()),
                units: Set(units.to_string()),
                unit_cost_2: Set(second(&l.unit_cost_2)),
                units_2: Set(second(&l.units_2)),
                currency: Set(l.currency.clone()),
                funder: Set(l.funder.trim().to_owned()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
