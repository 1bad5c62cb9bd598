//! Work plans: per platform and period, draft → approved, with axes and ranked topics. A plan
//! with fewer than 4 or more than 5 topics answers with a warning, never an error (the sources
//! show 3 and 6 too).

mod approve;
mod axes;
mod create;
mod delete;
mod list;
mod read;
mod topics;
mod update;

use entity::{topic, work_plan, work_plan_axis};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::{Bilingual, WorkPlanStatus};
use crate::error::ApiError;
use crate::routes::views::TopicResponse;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create::create_work_plan)
        .service(list::list_work_plans)
        .service(read::get_work_plan)
        .service(update::update_work_plan)
        .service(approve::approve_work_plan)
        .service(delete::delete_work_plan)
        .service(axes::add_axis)
        .service(topics::add_topic)
        .service(topics::reorder_topics);
}

/// A non-blocking remark about a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct Warning {
    #[schema(example = "topic_count", value_type = String, max_length = 32, pattern = "^[a-z_]+$")]
    pub code: &'static str,
    pub message: Bilingual,
}

/// An axis (محور) grouping topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct AxisResponse {
    pub id: i64,
    pub rank: i32,
    pub name: Bilingual,
}

/// A work plan with its axes, ranked topics and warnings. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkPlanResponse {
    pub id: i64,
    pub platform_id: i64,
    #[schema(example = "2019-2020", max_length = 50)]
    pub period: String,
    pub title: Bilingual,
    pub status: WorkPlanStatus,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    #[schema(max_items = 20)]
    pub axes: Vec<AxisResponse>,
    #[schema(max_items = 50)]
    pub topics: Vec<TopicResponse>,
    #[schema(max_items = 1)]
    pub warnings: Vec<Warning>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The 4–5 topics guide.
pub fn warnings(topic_count: usize) -> Vec<Warning> {
    if (4..=5).contains(&topic_count) {
        return Vec::new();
    }
    vec![Warning {
        code: "topic_count",
        message: Bilingual {
            ar: format!(
                "تتألف خطة العمل عادة من 4 إلى 5 مواضيع رئيسية، وفي هذه الخطة {topic_count}."
            ),
            en: format!("A work plan usually has 4 to 5 main topics; this one has {topic_count}."),
        },
    }]
}

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
