//! iCalendar feeds: one workshop, a platform's public workshops, and a person's private feed
//! of their registrations behind a revocable token.

use actix_web::{HttpResponse, delete, get, post, web};
use entity::{calendar_token, registration, user, workshop, workshop_platform};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::{Action, Entry};
use crate::auth::{AuthUser, tokens};
use crate::db::find_or_404;
use crate::domain::{RegistrationStatus, WorkshopStatus};
use crate::error::ApiError;
use crate::ics;
use crate::services::accounts::sessions::revoke_calendar_feeds;
use crate::services::messages::workshops::{self as mail};
use crate::state::AppState;

const TEXT_CALENDAR: &str = "text/calendar; charset=utf-8";

fn ics_response(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type(TEXT_CALENDAR).body(body)
}

/// One workshop as an iCalendar file, for whoever may see the workshop (`GET /workshops/{id}`).
#[utoipa::path(
    tag = "calendars",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Workshop id")),
    responses((status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String))
)]
#[get("/workshops/{id}/calendar.ics")]
pub async fn workshop_calendar(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (w, _) = super::visible_workshop(&state.db, auth.as_ref(), id.into_inner()).await?;
    let ev = mail::event(&state, &w, None);
    Ok(ics_response(ics::calendar(
        &w.title_ar,
        ics::Method::Publish,
        &[ev],
        state.clock.now(),
    )))
}

/// A platform's public workshops as a subscribable calendar (public).
#[utoipa::path(
    tag = "calendars",
    security(()),
    params(("id" = i64, Path, description = "Platform id")),
    responses((status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String))
)]
#[get("/platforms/{id}/calendar.ics")]
pub async fn platform_calendar(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let p = find_or_404::<entity::platform::Entity>(&state.db, id.into_inner()).await?;
    let rows = workshop::Entity::find()
        .filter(workshop::Column::IsPublic.eq(true))
        .filter(workshop::Column::Status.ne(WorkshopStatus::Draft))
        .filter(
            workshop::Column::Id.in_subquery(
                Query::select()
                    .column(workshop_platform::Column::WorkshopId)
                    .from(workshop_platform::Entity)
                    .and_where(workshop_platform::Column::PlatformId.eq(p.id))
                    .to_owned(),
            ),
        )
        .order_by_desc(workshop::Column::StartsAt)
        .limit(500)
        .all(&state.db)
        .await?;
    let events: Vec<ics::Event> = rows.iter().map(|w| mail::event(&state, w, None)).collect();
    Ok(ics_response(ics::calendar(
        &p.name_ar,
        ics::Method::Publish,
        &events,
        state.clock.now(),
    )))
}

/// A person's private feed: their registrations, by the token in the URL (no other login).
#[utoipa::path(
    tag = "calendars",
    security(()),
    params(("token" = String, Path, description = "The secret token from POST /api/v1/me/calendar-token")),
    responses((status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String))
)]
#[get("/calendar/{token}.ics")]
pub async fn personal_calendar(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let hash = tokens::hash(&token.into_inner());
    // A deactivated person's feed ends with the account (its tokens are revoked then too).
    let t = calendar_token::Entity::find()
        .filter(calendar_token::Column::TokenHash.eq(hash))
        .filter(calendar_token::Column::RevokedAt.is_null())
        .filter(
            calendar_token::Column::UserId.in_subquery(
                Query::select()
                    .column(user::Column::Id)
                    .from(user::Entity)
                    .and_where(user::Column::IsActive.eq(true))
                    .to_owned(),
            ),
        )
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let statuses = [
        RegistrationStatus::Registered,
        RegistrationStatus::Waitlisted,
        RegistrationStatus::Attended,
    ];
    let rows = registration::Entity::find()
        .find_also_related(workshop::Entity)
        .filter(registration::Column::UserId.eq(t.user_id))
        .filter(registration::Column::Status.is_in(statuses))
        .order_by_asc(registration::Column::Id)
        .limit(1000)
        .all(&state.db)
        .await?;
    let events: Vec<ics::Event> = rows
        .iter()
        .filter_map(|(_, w)| w.as_ref())
        .map(|w| mail::event(&state, w, None))
        .collect();
    Ok(ics_response(ics::calendar(
        "ورشاتي",
        ics::Method::Publish,
        &events,
        state.clock.now(),
    )))
}

/// The private feed's address. Keep it secret; making a new one revokes the old.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarTokenResponse {
    #[schema(max_length = 128, pattern = "^[A-Za-z0-9_-]+$")]
    pub token: String,
    #[schema(
        example = "https://platforms.example.org/api/v1/calendar/abc.ics",
        max_length = 2048,
        format = "uri"
    )]
    pub url: String,
}

/// Creates the caller's private calendar feed (revoking any earlier one).
#[utoipa::path(tag = "calendars", responses((status = 201, body = CalendarTokenResponse)))]
#[post("/me/calendar-token")]
pub async fn create_calendar_token(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    revoke_calendar_feeds(&txn, auth.id(), now).await?;
    let token = tokens::generate();
    let saved = calendar_token::ActiveModel {
        user_id: Set(auth.id()),
        token_hash: Set(tokens::hash(&token)),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::CalendarTokenCreate, saved.id)
        .created(&saved)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let url = format!(
        "{}/api/v1/calendar/{token}.ics",
        state.config.public_base_url
    );
    Ok(HttpResponse::Created().json(CalendarTokenResponse { token, url }))
}

/// Revokes the caller's private calendar feed.
#[utoipa::path(tag = "calendars", responses((status = 204, description = "Revoked")))]
#[delete("/me/calendar-token")]
pub async fn revoke_calendar_token(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    revoke_calendar_feeds(&txn, auth.id(), now).await?;
    Entry::new(Action::CalendarTokenRevoke, auth.id())
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
