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
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::{ActivityKind, ActivityStatus, Bilingual, BilingualText};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::programme::hosts::check_hosts;
use crate::state::AppState;

/// A new activity: of a working group (give `working_group_id`), of a platform as a whole (give
/// `platform_id` only), or of the union itself (give neither; administrators only).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateActivityRequest {
    /// The working group it belongs to; its platform organises it.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub working_group_id: Option<i64>,
    /// The organising platform, for an activity of no working group (with `working_group_id`, it
    /// may be given only as the group's platform).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub platform_id: Option<i64>,
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

/// Plans an activity: of a working group or a platform (the platform's coordinator or deputy, or
/// an admin), or of the union itself (admins).
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
    let (group_id, platform_id) = attachment(&txn, &req).await?;
    crate::access::require_manager_of(&txn, &auth, platform_id).await?;
    let hosts = super::hosts_of(platform_id, &req.host_platform_ids);
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
        working_group_id: Set(group_id),
        milestone_id: Set(req.milestone_id),
        platform_id: Set(platform_id),
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
    Entry::new(Action::ActivityCreate, saved.id)
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
    Ok(etag::created(
        body.version,
        format!("/api/v1/activities/{}", body.id),
        &body,
    ))
}

/// What the activity belongs to: (working group, organising platform), each optional. 422 when the
/// working group or platform does not exist, or the platform is not the working group's.
async fn attachment(
    db: &impl sea_orm::ConnectionTrait,
    req: &CreateActivityRequest,
) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let Some(group_id) = req.working_group_id else {
        if let Some(p) = req.platform_id
            && entity::platform::Entity::find_by_id(p)
                .one(db)
                .await?
                .is_none()
        {
            return Err(ApiError::field(
                "/platform_id",
                "not_found",
                Text::new("no platform has this id", "لا توجد منصة بهذا الرقم"),
            ));
        }
        return Ok((None, req.platform_id));
    };
    let group = working_group::Entity::find_by_id(group_id)
        .one(db)
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
    if req.platform_id.is_some_and(|p| p != group.platform_id) {
        return Err(ApiError::field(
            "/platform_id",
            "not_allowed",
            Text::new(
                "is the working group's platform, or is left out",
                "يجب أن تكون منصة مجموعة العمل، أو أن تُترك",
            ),
        ));
    }
    Ok((Some(group.id), Some(group.platform_id)))
}
