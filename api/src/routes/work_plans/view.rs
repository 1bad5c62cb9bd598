//! How the work plans are shown: responses built from rows, with what hangs on them loaded in batches.

use entity::{topic, work_plan, work_plan_axis};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::Bilingual;
use crate::error::ApiError;
use crate::routes::views::TopicResponse;

use super::*;

/// Plans with their axes and topics, in two queries for the whole set.
pub async fn responses(
    db: &impl ConnectionTrait,
    plans: Vec<work_plan::Model>,
) -> Result<Vec<WorkPlanResponse>, ApiError> {
    let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let axes = work_plan_axis::Entity::find()
        .filter(work_plan_axis::Column::WorkPlanId.is_in(ids.clone()))
        .order_by_asc(work_plan_axis::Column::Rank)
        .all(db)
        .await?;
    let topics = topic::Entity::find()
        .filter(topic::Column::WorkPlanId.is_in(ids))
        .order_by_asc(topic::Column::Rank)
        .all(db)
        .await?;
    Ok(plans
        .into_iter()
        .map(|p| {
            let plan_topics: Vec<TopicResponse> = topics
                .iter()
                .filter(|t| t.work_plan_id == p.id)
                .cloned()
                .map(TopicResponse::from)
                .collect();
            WorkPlanResponse {
                id: p.id,
                platform_id: p.platform_id,
                period: p.period,
                title: Bilingual {
                    ar: p.title_ar,
                    en: p.title_en,
                },
                status: p.status,
                approved_at: p.approved_at,
                axes: axes
                    .iter()
                    .filter(|a| a.work_plan_id == p.id)
                    .map(|a| AxisResponse {
                        id: a.id,
                        rank: a.rank,
                        name: Bilingual {
                            ar: a.name_ar.clone(),
                            en: a.name_en.clone(),
                        },
                    })
                    .collect(),
                warnings: warnings(plan_topics.len()),
                topics: plan_topics,
                version: p.version,
                created_at: p.created_at,
                updated_at: p.updated_at,
            }
        })
        .collect())
}

pub async fn response(
    db: &impl ConnectionTrait,
    plan: work_plan::Model,
) -> Result<WorkPlanResponse, ApiError> {
    responses(db, vec![plan])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}
