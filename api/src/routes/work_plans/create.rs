use actix_web::{HttpResponse, post, web};
use entity::{topic, work_plan, work_plan_axis};
use sea_orm::{ActiveModelTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{WorkPlanResponse, response};
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, WorkPlanStatus, search};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// A topic in a new plan.
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewTopic {
    #[validate(nested)]
    pub title: Bilingual,
    /// The 1-based position of its axis in `axes`.
    #[validate(range(min = 1, max = 20))]
    #[schema(minimum = 1, maximum = 20)]
    pub axis: Option<i32>,
}

/// A new draft work plan, optionally with its axes and topics in priority order.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkPlanRequest {
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(example = "2026", min_length = 1, max_length = 50)]
    pub period: String,
    #[validate(nested)]
    pub title: Option<Bilingual>,
    #[validate(nested, length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub axes: Vec<Bilingual>,
    #[validate(nested, length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub topics: Vec<NewTopic>,
}

/// Creates a draft work plan for a period (the platform's coordinator or deputy, or an admin).
#[utoipa::path(
    tag = "work-plans",
    params(("id" = i64, Path, description = "Platform id")),
    request_body = CreateWorkPlanRequest,
    responses(
        (status = 201, body = WorkPlanResponse, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = 409, description = "The platform has a plan for this period", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/platforms/{id}/work-plans")]
pub async fn create_work_plan(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<CreateWorkPlanRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let platform = find_or_404::<entity::platform::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, platform.id).await?;
    let req = body.into_inner()?;
    if let Some((i, _)) = req
        .topics
        .iter()
        .enumerate()
        .find(|(_, t)| t.axis.is_some_and(|a| a as usize > req.axes.len()))
    {
        return Err(ApiError::field(
            &format!("/topics/{i}/axis"),
            "unknown_axis",
            Text::new(
                "there is no axis at this position",
                "لا يوجد محور في هذا الموقع",
            ),
        ));
    }
    let title = req.title.map(Bilingual::trimmed).unwrap_or(Bilingual {
        ar: format!("خطة عمل {} {}", platform.name_ar, req.period.trim()),
        en: format!("{} work plan {}", platform.name_en, req.period.trim()),
    });
    let plan = work_plan::ActiveModel {
        platform_id: Set(platform.id),
        period: Set(req.period.trim().to_owned()),
        title_ar: Set(title.ar),
        title_en: Set(title.en),
        status: Set(WorkPlanStatus::Draft),
        approved_at: Set(None),
        approved_by: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut axis_ids = Vec::new();
    for (i, axis) in req.axes.into_iter().enumerate() {
        let axis = axis.trimmed();
        let saved = work_plan_axis::ActiveModel {
            work_plan_id: Set(plan.id),
            rank: Set(i as i32 + 1),
            name_ar: Set(axis.ar),
            name_en: Set(axis.en),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        axis_ids.push(saved.id);
    }
    let topic_count = req.topics.len();
    for (i, t) in req.topics.into_iter().enumerate() {
        let title = t.title.trimmed();
        topic::ActiveModel {
            work_plan_id: Set(plan.id),
            platform_id: Set(platform.id),
            axis_id: Set(t.axis.and_then(|a| axis_ids.get(a as usize - 1).copied())),
            rank: Set(i as i32 + 1),
            search_text: Set(search::fold_all([title.ar.as_str(), title.en.as_str()])),
            title_ar: Set(title.ar),
            title_en: Set(title.en),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    Entry::new(Action::WorkPlanCreate, plan.id)
        .created(&plan)
        .platform(platform.id)
        .field("axes", axis_ids.len())
        .field("topics", topic_count)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, plan).await?;
    state.commit(txn).await?;
    Ok(etag::created(
        body.version,
        format!("/api/v1/work-plans/{}", body.id),
        &body,
    ))
}
