use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};

use entity::{local_authority, registration, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{AttendanceMark, Bilingual, Gender, RegistrationStatus, WorkshopStatus};
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::accounts::security_limits;
use crate::state::AppState;

/// Attendance by gender.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ByGender {
    pub female: i64,
    pub male: i64,
}

/// Attendance from one local authority.
#[derive(Debug, Serialize, ToSchema)]
pub struct ByAuthority {
    pub local_authority_id: Option<i64>,
    pub name: Option<Bilingual>,
    pub attended: i64,
}

/// Who came.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceResponse {
    pub workshop_id: i64,
    pub registered: i64,
    pub waitlisted: i64,
    pub attended: i64,
    pub no_show: i64,
    pub by_gender: ByGender,
    #[schema(max_items = 5001)]
    pub by_authority: Vec<ByAuthority>,
    /// Attendance counted without registrations, when recorded.
    pub reported_attendance: Option<i32>,
}

/// Attendance of a workshop, by gender and by authority (its platform's managers).
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    responses((status = 200, body = AttendanceResponse))
)]
#[get("/workshops/{id}/attendance")]
pub async fn get_attendance(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<AttendanceResponse>, ApiError> {
    let w = find_or_404::<entity::workshop::Entity>(&state.db, id.into_inner()).await?;
    Standing::of_manager(&state.db, &auth, w.platform_id).await?;
    Ok(web::Json(attendance_of(&state.db, &w).await?))
}

pub(super) async fn attendance_of(
    db: &impl sea_orm::ConnectionTrait,
    w: &entity::workshop::Model,
) -> Result<AttendanceResponse, ApiError> {
    let rows = registration::Entity::find()
        .find_also_related(user::Entity)
        .filter(registration::Column::WorkshopId.eq(w.id))
        .all(db)
        .await?;
    let authority_ids: Vec<i64> = rows
        .iter()
        .filter_map(|(_, u)| u.as_ref()?.local_authority_id)
        .collect();
    let authorities: std::collections::HashMap<i64, local_authority::Model> =
        local_authority::Entity::find()
            .filter(local_authority::Column::Id.is_in(authority_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    let count = |s: RegistrationStatus| rows.iter().filter(|(r, _)| r.status == s).count() as i64;
    let mut by_gender = ByGender::default();
    let mut by_authority: Vec<ByAuthority> = Vec::new();
    for (_, u) in rows
        .iter()
        .filter(|(r, _)| r.status == RegistrationStatus::Attended)
    {
        let Some(u) = u else { continue };
        if u.gender == Gender::Female {
            by_gender.female += 1
        } else {
            by_gender.male += 1
        }
        match by_authority
            .iter_mut()
            .find(|b| b.local_authority_id == u.local_authority_id)
        {
            Some(b) => b.attended += 1,
            None => by_authority.push(ByAuthority {
                local_authority_id: u.local_authority_id,
                name: u
                    .local_authority_id
                    .and_then(|id| authorities.get(&id))
                    .map(|a| Bilingual {
                        ar: a.name_ar.clone(),
                        en: a.name_en.clone(),
                    }),
                attended: 1,
            }),
        }
    }
    Ok(AttendanceResponse {
        workshop_id: w.id,
        registered: count(RegistrationStatus::Registered),
        waitlisted: count(RegistrationStatus::Waitlisted),
        attended: count(RegistrationStatus::Attended),
        no_show: count(RegistrationStatus::NoShow),
        by_gender,
        by_authority,
        reported_attendance: w.reported_attendance,
    })
}

/// One person's attendance.
#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AttendanceEntry {
    pub user_id: i64,
    pub status: AttendanceMark,
}

/// Attendance to record.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RecordAttendanceRequest {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_items = 1, max_items = 1000)]
    pub entries: Vec<AttendanceEntry>,
}

/// Marks registered people as attended or no-show once the workshop has started (its
/// platform's managers).
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    request_body = RecordAttendanceRequest,
    responses(
        (status = 200, body = AttendanceResponse),
        (status = 409, description = "The workshop has not started, or is cancelled", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/workshops/{id}/attendance")]
pub async fn record_attendance(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<RecordAttendanceRequest>,
) -> Result<web::Json<AttendanceResponse>, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let w = find_or_404::<entity::workshop::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, w.platform_id).await?;
    let req = body.into_inner()?;
    let open = matches!(
        w.status,
        WorkshopStatus::Scheduled | WorkshopStatus::Completed
    );
    if !open || now < w.starts_at {
        return Err(ApiError::Problem(
            ProblemCode::TooEarly,
            Text::new(
                "Attendance is recorded once a scheduled workshop has started.",
                "يُسجل الحضور بعد بدء الورشة المجدولة.",
            ),
        ));
    }
    // The registrations named, in one query; then one update per status.
    let user_ids: Vec<i64> = req.entries.iter().map(|e| e.user_id).collect();
    let regs: HashMap<i64, registration::Model> = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.is_in(user_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r))
        .collect();
    // A person named twice keeps the last status given.
    let mut to: HashMap<i64, RegistrationStatus> = HashMap::new();
    for (i, e) in req.entries.iter().enumerate() {
        let markable = regs.get(&e.user_id).is_some_and(|r| {
            matches!(
                r.status,
                RegistrationStatus::Registered
                    | RegistrationStatus::Attended
                    | RegistrationStatus::NoShow
            )
        });
        if !markable {
            return Err(ApiError::field(
                &format!("/entries/{i}/user_id"),
                "not_registered",
                Text::new(
                    "is not registered for this workshop",
                    "غير مسجل في هذه الورشة",
                ),
            ));
        }
        to.insert(e.user_id, e.status.status());
    }
    let mut marked = Vec::with_capacity(to.len());
    for status in [RegistrationStatus::Attended, RegistrationStatus::NoShow] {
        let mut ids = Vec::new();
        for r in to
            .iter()
            .filter(|(_, s)| **s == status)
            .filter_map(|(u, _)| regs.get(u))
        {
            marked.push(serde_json::json!({
                "registration_id": r.id,
                "user_id": r.user_id,
                "from": r.status,
                "to": status.as_str(),
            }));
            ids.push(r.id);
        }
        if ids.is_empty() {
            continue;
        }
        registration::Entity::update_many()
            .col_expr(registration::Column::Status, Expr::value(status))
            .col_expr(registration::Column::UpdatedAt, Expr::value(now))
            .filter(registration::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
    }
    Entry::new(Action::WorkshopAttendance, w.id)
        .platform(w.platform_id)
        .field("entries", marked)
        .write(&txn, &auth, now)
        .await?;
    let body = attendance_of(&txn, &w).await?;
    state.commit(txn).await?;
    Ok(web::Json(body))
}

/// The code shown at the venue.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    #[validate(
        length(min = 4, max = 16),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 4, max_length = 16)]
    pub code: String,
}

/// Self check-in with the workshop's code, from an hour before the start until the end.
/// Attempts are limited per person and workshop (shared by all replicas): past the limit, 429
/// with `Retry-After` until the window ends.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    request_body = CheckInRequest,
    responses(
        (status = 204, description = "Checked in"),
        (status = 409, description = "Outside the check-in time", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/workshops/{id}/check-in")]
pub async fn check_in(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<CheckInRequest>,
) -> Result<HttpResponse, ApiError> {
    let code = body.into_inner()?.code;
    let now = state.clock.now();
    let id = id.into_inner();
    // Counted before the code is compared (and kept), so that concurrent guesses each see
    // their own count: no more than the limit are ever compared.
    let attempts = security_limits::key(
        "check_in.attempts",
        &[&id.to_string(), &auth.id().to_string()],
    );
    let max_attempts = state.config.limits.check_in_failures;
    security_limits::take(
        &state.db,
        &attempts,
        max_attempts,
        security_limits::CHECK_IN_WINDOW,
        now,
    )
    .await?;
    let txn = crate::db::begin(&state.db).await?;
    let w = find_or_404::<entity::workshop::Entity>(&txn, id).await?;
    if w.status != WorkshopStatus::Scheduled
        || now < w.starts_at - chrono::Duration::hours(1)
        || now > w.ends_at
    {
        return Err(ApiError::Problem(
            ProblemCode::CheckInClosed,
            Text::new(
                "Check-in is open from an hour before the workshop until it ends.",
                "يُفتح تسجيل الحضور قبل ساعة من بدء الورشة حتى نهايتها.",
            ),
        ));
    }
    if !code.trim().eq_ignore_ascii_case(&w.check_in_code) {
        return Err(ApiError::field(
            "/code",
            "wrong_code",
            Text::new("is not this workshop's code", "ليس رمز هذه الورشة"),
        ));
    }
    let r = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.eq(auth.id()))
        .one(&txn)
        .await?
        .filter(|r| {
            matches!(
                r.status,
                RegistrationStatus::Registered | RegistrationStatus::Attended
            )
        })
        .ok_or_else(|| {
            ApiError::Problem(
                ProblemCode::NotRegistered,
                Text::new(
                    "You are not registered for this workshop.",
                    "أنت غير مسجل في هذه الورشة.",
                ),
            )
        })?;
    let before = r.clone();
    let mut am = r.into_active_model();
    am.status = Set(RegistrationStatus::Attended);
    am.checked_in_at = Set(Some(now));
    am.updated_at = Set(now);
    let saved = am.update(&txn).await?;
    Entry::new(Action::RegistrationCheckIn, saved.id)
        .updated(&before, &saved)
        .platform(w.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
