use actix_web::{HttpResponse, post, web};
use entity::{activity, working_group};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{
    ActivityResponse, BudgetLineInput, Indicator, Plan, QuarterCell, Risk, check_lines,
    check_milestone, check_plan, response, write_children,
};
use crate::access::Standing;
use crate::audit::Entry;
use crate::auth::AuthUser;
use crate::domain::{ActivityKind, ActivityStatus, Bilingual, BilingualText};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::hosts::{self, check_hosts};
use crate::state::AppState;

/// A new activity of a working group.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateActivityRequest {
    pub working_group_id: i64,
    /// The programme milestone it serves (`000`); see `/milestones`.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub milestone_id: Option<i64>,
    /// Indicators at three levels: started, advanced, completed.
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// The quarters it is planned in: up to twelve, within three years, each once.
    #[validate(nested, length(max = 12))]
    #[schema(max_items = 12)]
    #[serde(default)]
    pub timeline: Vec<QuarterCell>,
    pub kind: ActivityKind,
    #[validate(nested)]
    pub title: Bilingual,
    #[validate(nested)]
    #[serde(default)]
    pub rationale: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub expected_outputs: BilingualText,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    #[serde(default)]
    pub responsible_party: String,
    #[validate(custom(function = "crate::domain::money::validate_quarter"))]
    #[schema(
        example = "2026-Q2",
        min_length = 7,
        max_length = 7,
        pattern = "^[0-9]{4}-Q[1-4]$"
    )]
    pub planned_quarter: Option<String>,
    /// Other platforms hosting it (joint activities).
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub host_platform_ids: Vec<i64>,
    #[validate(nested, length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub risks: Vec<Risk>,
    #[validate(nested, length(max = 200))]
    #[schema(max_items = 200)]
    #[serde(default)]
    pub budget_lines: Vec<BudgetLineInput>,
}

/// Plans an activity for a working group (the platform's coordinator or deputy, or an admin).
#[utoipa::path(
    tag = "activities",
    request_body = CreateActivityRequest,
    responses((status = 201, body = ActivityResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/activities")]
pub async fn create_activity(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateActivityRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    crate::access::require_some_manager(&txn, &auth).await?;
    let req = body.into_inner()?;
    let group = working_group::Entity::find_by_id(req.working_group_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            ApiError::field(
                "/working_group_id",
                "not_found",
                Text::new(
                    "no working group has this id",
                    "لا توجد مجموعة عمل بهذا الرقم",
                ),
            )
        })?;
    Standing::of_manager(&txn, &auth, group.platform_id).await?;
    let hosts = hosts::host_list(group.platform_id, &req.host_platform_ids);
    check_hosts(&txn, &hosts).await?;
    let plan = Plan {
        indicators: Some(&req.indicators),
        timeline: Some(&req.timeline),
    };
    check_plan(plan, now.date_naive())?;
    check_lines(Some(&req.budget_lines))?;
    check_milestone(&txn, req.milestone_id).await?;
    let title = req.title.trimmed();
    let saved = activity::ActiveModel {
        working_group_id: Set(group.id),
        milestone_id: Set(req.milestone_id),
        platform_id: Set(group.platform_id),
        kind: Set(req.kind),
        title_ar: Set(title.ar),
        title_en: Set(title.en),
        rationale_ar: Set(req.rationale.ar),
        rationale_en: Set(req.rationale.en),
        expected_outputs_ar: Set(req.expected_outputs.ar),
        expected_outputs_en: Set(req.expected_outputs.en),
        responsible_party: Set(req.responsible_party.trim().to_owned()),
        status: Set(ActivityStatus::Planned),
        planned_quarter: Set(req.planned_quarter),
        started_on: Set(None),
        advanced_on: Set(None),
        completed_on: Set(None),
        cancelled_on: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_children(
        &txn,
        saved.id,
        Some(&hosts),
        Some(&req.risks),
        Some(&req.budget_lines),
        plan,
    )
    .await?;
    Entry::new("activity.create", "activity", saved.id)
        .created(&saved)
        .platform(saved.platform_id)
        .field("host_platform_ids", &hosts)
        .field("risks", &req.risks)
        .field("budget_lines", &req.budget_lines)
        .field("indicators", &req.indicators)
        .field("timeline", &req.timeline)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, saved).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header(etag::header(body.version))
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/activities/{}", body.id),
        ))
        .json(body))
}
