use actix_web::{HttpResponse, post, put, web};
use entity::workshop;
use sea_orm::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{WorkshopResponse, clashes, response};
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::db::lock;
use crate::domain::{BilingualText, WorkshopStatus};
use crate::error::{ApiError, ProblemCode};
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::messages::workshops::{self as mail};
use crate::services::programme::seats::promote_waitlisted;
use crate::services::store::versioned;
use crate::state::AppState;

/// The status to move to.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: WorkshopStatus,
}

/// Moves a workshop along draft → scheduled → completed, or to cancelled (its platform's
/// managers). Completing needs the workshop to have started. Scheduling answers the clashes
/// (venue, hosting platforms) as `warnings`, as creating and editing do. Cancelling sends those
/// with a seat a METHOD:CANCEL invitation and those waiting a notice. Other moves → 409.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, body = WorkshopResponse),
        (status = 409, description = "Not an allowed transition now", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/workshops/{id}/transitions")]
pub async fn transition_workshop(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    use WorkshopStatus::*;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let w = lock::<workshop::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, w.platform_id).await?;
    let to = body.into_inner()?.to;
    let from = w.status;
    let allowed = matches!(
        (from, to),
        (Draft, Scheduled) | (Draft, Cancelled) | (Scheduled, Cancelled)
    ) || (from == Scheduled && to == Completed && now >= w.starts_at);
    if !allowed {
        return Err(versioned::not_allowed::<workshop::Entity>(
            from.as_str(),
            to.as_str(),
        ));
    }
    // A calendar invitation's SEQUENCE grows with every change.
    let sequence = Expr::col(workshop::Column::Sequence).add(1);
    let mut updated = versioned::move_status::<workshop::Entity, _>(
        &txn,
        w.id,
        from,
        to,
        now,
        vec![(workshop::Column::Sequence, sequence)],
    )
    .await?;
    Entry::new(Action::WorkshopTransition { to: updated.status }, w.id)
        .updated(&w, &updated)
        .platform(w.platform_id)
        .write(&txn, &auth, now)
        .await?;
    if to == Cancelled {
        mail::notify_registrants(&txn, &state, mail::Kind::Cancellation, &updated).await?;
    }
    let mut warnings = Vec::new();
    if to == Scheduled {
        promote_waitlisted(&txn, &state, &mut updated, auth.actor()).await?;
        // Every way into `scheduled` says what it clashes with.
        let hosts = crate::services::programme::hosts::parse_hosts(&updated.host_ids);
        warnings = clashes::of_saved(&txn, &updated, &hosts, false).await?;
    }
    let body = response(&txn, updated, true, warnings).await?;
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// Minutes and outcomes of a completed workshop.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MinutesRequest {
    #[validate(nested)]
    pub minutes: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub outcomes: BilingualText,
    /// Attendance counted on paper, when people were not registered.
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub reported_attendance: Option<i32>,
}

/// Records the minutes and outcomes of a completed workshop (its platform's managers), with
/// `If-Match`: a stale one is 412, so two managers writing the minutes never overwrite each other
/// silently.
#[utoipa::path(
    tag = "workshops",
    params(
        ("id" = i64, Path, description = "Workshop id"),
        IfMatch,
    ),
    request_body = MinutesRequest,
    responses(
        (status = 200, body = WorkshopResponse),
        (status = 409, description = "The workshop is not completed", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/workshops/{id}/minutes")]
pub async fn put_minutes(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<MinutesRequest>,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let w = find_or_404::<entity::workshop::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, w.platform_id).await?;
    let expected = if_match.expected()?;
    versioned::check::<workshop::Entity>(&w, expected)?;
    let req = body.into_inner()?;
    if w.status != WorkshopStatus::Completed {
        return Err(ApiError::Problem(
            ProblemCode::TooEarly,
            Text::new(
                "Minutes are recorded after the workshop is completed.",
                "يُسجل المحضر بعد انعقاد الورشة.",
            ),
        ));
    }
    let mut m = workshop::ActiveModel {
        minutes_ar: Set(req.minutes.ar),
        minutes_en: Set(req.minutes.en),
        outcomes_ar: Set(req.outcomes.ar),
        outcomes_en: Set(req.outcomes.en),
        updated_at: Set(state.clock.now()),
        ..Default::default()
    };
    if let Some(n) = req.reported_attendance {
        m.reported_attendance = Set(Some(n));
    }
    let updated = versioned::save::<workshop::Entity>(&txn, w.id, expected, m).await?;
    Entry::new(Action::WorkshopMinutes, w.id)
        .updated(&w, &updated)
        .platform(w.platform_id)
        .write(&txn, &auth, updated.updated_at)
        .await?;
    let body = response(&txn, updated, true, Vec::new()).await?;
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}
