//! The rows that hang on the activities, written with the resource in one transaction.

use entity::{activity_platform, activity_risk, budget_line};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::money::parse_amount;
use crate::error::ApiError;

use super::*;

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
