use actix_web::{HttpResponse, delete, patch, post, web};
use entity::activity;
use sea_orm::Set;
use sea_orm::sea_query::Expr;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{
    ActivityResponse, BudgetLineInput, Indicator, Plan, QuarterCell, Risk, check_lines,
    check_milestone, check_plan, response, write_children,
};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{ActivityKind, ActivityStatus, BilingualPatch, BilingualTextPatch};
use crate::error::{ApiError, ProblemCode};
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::events::delete_row;
use crate::services::programme::hosts::check_hosts;
use crate::services::store::versioned;
use crate::state::AppState;

/// Fields to change; lists given replace the old ones.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateActivityRequest {
    pub kind: Option<ActivityKind>,
    /// The programme milestone it serves; `null` detaches it.
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[validate(range(min = 1))]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub milestone_id: Option<Option<i64>>,
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    pub indicators: Option<Vec<Indicator>>,
    #[validate(nested, length(max = 12))]
    #[schema(max_items = 12)]
    pub timeline: Option<Vec<QuarterCell>>,
    #[validate(nested)]
    pub title: Option<BilingualPatch>,
    #[validate(nested)]
    pub rationale: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub expected_outputs: Option<BilingualTextPatch>,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    pub responsible_party: Option<String>,
    #[validate(custom(function = "crate::domain::money::validate_quarter"))]
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-Q[1-4]$")]
    pub planned_quarter: Option<String>,
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub host_platform_ids: Option<Vec<i64>>,
    #[validate(nested, length(max = 50))]
    #[schema(max_items = 50)]
    pub risks: Option<Vec<Risk>>,
    #[validate(nested, length(max = 200))]
    #[schema(max_items = 200)]
    pub budget_lines: Option<Vec<BudgetLineInput>>,
}

/// Changes an activity (its platform's managers), with `If-Match`.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id"), IfMatch),
    request_body = UpdateActivityRequest,
    responses((status = 200, body = ActivityResponse))
)]
#[patch("/activities/{id}")]
pub async fn update_activity(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateActivityRequest>,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let a = find_or_404::<entity::activity::Entity>(&txn, id.into_inner()).await?;
    crate::access::require_manager_of(&txn, &auth, a.platform_id).await?;
    let body = body.into_inner()?;
    let expected = if_match.expected()?;
    versioned::check::<activity::Entity>(&a, expected)?;
    let before_view = response(&txn, a.clone()).await?;
    let hosts = body
        .host_platform_ids
        .as_ref()
        .map(|extra| super::hosts_of(a.platform_id, extra));
    if let Some(h) = &hosts {
        check_hosts(&txn, h).await?;
    }
    let plan = Plan {
        indicators: body.indicators.as_deref(),
        timeline: body.timeline.as_deref(),
    };
    check_plan(plan, state.clock.now().date_naive())?;
    check_lines(body.budget_lines.as_deref())?;
    if let Some(milestone) = body.milestone_id {
        check_milestone(&txn, milestone).await?;
    }
    let mut m = activity::ActiveModel {
        updated_at: Set(state.clock.now()),
        ..Default::default()
    };
    if let Some(k) = body.kind {
        m.kind = Set(k);
    }
    if let Some(t) = body.title.map(|t| t.merge(&a.title_ar, &a.title_en)) {
        m.title_ar = Set(t.ar);
        m.title_en = Set(t.en);
    }
    if let Some(r) = body
        .rationale
        .map(|r| r.merge(&a.rationale_ar, &a.rationale_en))
    {
        m.rationale_ar = Set(r.ar);
        m.rationale_en = Set(r.en);
    }
    if let Some(o) = body
        .expected_outputs
        .map(|o| o.merge(&a.expected_outputs_ar, &a.expected_outputs_en))
    {
        m.expected_outputs_ar = Set(o.ar);
        m.expected_outputs_en = Set(o.en);
    }
    if let Some(p) = body.responsible_party {
        m.responsible_party = Set(p.trim().to_owned());
    }
    if let Some(q) = body.planned_quarter {
        m.planned_quarter = Set(Some(q));
    }
    if let Some(milestone) = body.milestone_id {
        m.milestone_id = Set(milestone);
    }
    versioned::save::<activity::Entity>(&txn, a.id, expected, m).await?;
    write_children(
        &txn,
        a.id,
        hosts.as_deref(),
        body.risks.as_deref(),
        body.budget_lines.as_deref(),
        plan,
    )
    .await?;
    let updated = find_or_404::<entity::activity::Entity>(&txn, a.id).await?;
    let mut entry = Entry::new(Action::ActivityUpdate, a.id)
        .updated(&a, &updated)
        .platform(a.platform_id);
    if let Some(h) = &hosts {
        entry = entry.field("host_platform_ids", h);
    }
    if let Some(r) = &body.risks {
        entry = entry.field("risks", r);
    }
    if let Some(b) = &body.budget_lines {
        entry = entry.field("budget_lines", b);
    }
    if let Some(i) = &body.indicators {
        entry = entry.field("indicators", i);
    }
    if let Some(t) = &body.timeline {
        entry = entry.field("timeline", t);
    }
    entry.write(&txn, &auth, updated.updated_at).await?;
    let body = response(&txn, updated).await?;
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// The progress to record.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ActivityStatusRequest {
    pub status: ActivityStatus,
    /// The day it happened (default today).
    pub on: Option<chrono::NaiveDate>,
}

/// Records progress: planned → started → advanced → completed, or cancelled from any open
/// state (its platform's managers). Other moves → 409.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    request_body = ActivityStatusRequest,
    responses(
        (status = 200, body = ActivityResponse),
        (status = 409, description = "Not an allowed step", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/{id}/status")]
pub async fn change_activity_status(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<ActivityStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    use ActivityStatus::*;
    let txn = crate::db::begin(&state.db).await?;
    let a = find_or_404::<entity::activity::Entity>(&txn, id.into_inner()).await?;
    crate::access::require_manager_of(&txn, &auth, a.platform_id).await?;
    let req = body.into_inner()?;
    let from = a.status;
    let ok = matches!(
        (from, req.status),
        (Planned, Started)
            | (Started, Advanced)
            | (Advanced, Completed)
            | (Planned | Started | Advanced, Cancelled)
    );
    if !ok {
        return Err(ApiError::Problem(
            ProblemCode::TransitionNotAllowed,
            Text::new(
                format!(
                    "An activity cannot go from {} to {}.",
                    from.as_str(),
                    req.status.as_str()
                ),
                format!(
                    "لا يمكن نقل النشاط من {} إلى {}.",
                    from.as_str(),
                    req.status.as_str()
                ),
            ),
        ));
    }
    let on = req.on.unwrap_or_else(|| state.clock.now().date_naive());
    let dated = match req.status {
        Started => Some(activity::Column::StartedOn),
        Advanced => Some(activity::Column::AdvancedOn),
        Completed => Some(activity::Column::CompletedOn),
        Cancelled => Some(activity::Column::CancelledOn),
        Planned => None,
    };
    // Guarded by the status it leaves: of two moves from one status, one wins (409 for the other).
    let updated = versioned::move_status::<activity::Entity, _>(
        &txn,
        a.id,
        from,
        req.status,
        state.clock.now(),
        dated
            .map(|column| vec![(column, Expr::value(on))])
            .unwrap_or_default(),
    )
    .await?;
    Entry::new(Action::ActivityStatus, a.id)
        .updated(&a, &updated)
        .platform(a.platform_id)
        .write(&txn, &auth, updated.updated_at)
        .await?;
    let body = response(&txn, updated).await?;
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// Deletes an activity that has not started (its platform's managers).
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Started activities are kept", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/activities/{id}")]
pub async fn delete_activity(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let a = find_or_404::<entity::activity::Entity>(&txn, id.into_inner()).await?;
    crate::access::require_manager_of(&txn, &auth, a.platform_id).await?;
    if a.status != ActivityStatus::Planned {
        return Err(ApiError::Problem(
            ProblemCode::NotDeletable,
            Text::new(
                "Only a planned activity can be deleted.",
                "يمكن حذف النشاط المخطط فقط.",
            ),
        ));
    }
    let entry = Entry::new(Action::ActivityDelete, a.id).platform(a.platform_id);
    delete_row::<activity::Entity>(&txn, a.id, &a, entry, &auth, state.clock.now()).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
