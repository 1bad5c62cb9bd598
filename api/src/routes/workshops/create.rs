use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use entity::{activity, activity_platform, topic, workshop};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{
    AgendaItem, Children, Expert, Material, Venue, WorkshopResponse, check_in_code, clashes,
    parse_zone, response_with, write_new_children,
};
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::zone::instant_or_local;
use crate::domain::{ActivityKind, Bilingual, BilingualText, WorkshopStatus, search};
use crate::error::{ApiError, FieldError};
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::programme::hosts::{self, check_hosts};
use crate::state::AppState;

/// A new workshop. Instants are RFC 3339 (any offset); `time_zone` is how people see them.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkshopRequest {
    /// The organising platform.
    pub platform_id: i64,
    /// Other hosting platforms (joint workshops).
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub host_platform_ids: Vec<i64>,
    pub topic_id: Option<i64>,
    /// The activity it serves: one of the union's, or one this platform organises or co-hosts
    /// (else 422 `not_found`).
    pub activity_id: Option<i64>,
    /// An accepted request to learn one of this platform's practices: the workshop serves its
    /// peer exchange, planned in the same step as the request's activity (or the activity it
    /// already has). Not with `activity_id` (422 `not_allowed`); a request of another
    /// platform's practice is 422 `not_found`, one not accepted 409 `not_accepted`.
    pub exchange_request_id: Option<i64>,
    pub kind: Option<ActivityKind>,
    #[validate(nested)]
    pub title: Bilingual,
    #[validate(nested)]
    #[serde(default)]
    pub description: BilingualText,
    /// The start as an instant (RFC 3339, any offset); or give `starts_at_local`.
    pub starts_at: Option<DateTime<Utc>>,
    /// The end as an instant; or give `ends_at_local`.
    pub ends_at: Option<DateTime<Utc>>,
    /// The start as a wall-clock time in `time_zone` (`2026-12-10T10:00`), instead of
    /// `starts_at`. A time the clocks skip or pass twice (daylight saving) is refused (422
    /// `nonexistent_local_time` / `ambiguous_local_time`): send the instant then.
    #[schema(value_type = Option<String>, max_length = 19, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-10T10:00")]
    #[validate(length(max = 19))]
    pub starts_at_local: Option<String>,
    /// The end as a wall-clock time in `time_zone`, instead of `ends_at`.
    #[schema(value_type = Option<String>, max_length = 19, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-10T13:00")]
    #[validate(length(max = 19))]
    pub ends_at_local: Option<String>,
    /// IANA zone; default the platform's (`Asia/Gaza` for Gaza's, `Asia/Hebron` for most).
    #[validate(length(max = 64))]
    #[schema(value_type = Option<crate::domain::zone::TimeZoneName>)]
    pub time_zone: Option<String>,
    #[validate(nested)]
    pub venue: Option<Venue>,
    #[validate(
        custom(function = "crate::domain::validate_web_url"),
        length(max = 500)
    )]
    #[schema(max_length = 500, format = "uri")]
    pub online_url: Option<String>,
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: Option<i32>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// Default: the start of the workshop.
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Listed publicly and in platform calendars (default true).
    pub is_public: Option<bool>,
    /// Limits registration to people of some governorates or kinds of local authority.
    #[validate(nested)]
    #[serde(default)]
    pub eligibility: super::Eligibility,
    /// `draft` (default) or `scheduled`; a past workshop is recorded as `completed`, with a
    /// `history_reason`.
    pub status: Option<WorkshopStatus>,
    /// Why a past workshop is recorded afterwards (required with `completed`; kept in the audit
    /// trail).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub history_reason: Option<String>,
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub reported_attendance: Option<i32>,
    #[validate(nested, length(max = 100))]
    #[schema(max_items = 100)]
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[validate(nested, length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub experts: Vec<Expert>,
    #[validate(nested, length(max = 100))]
    #[schema(max_items = 100)]
    #[serde(default)]
    pub materials: Vec<Material>,
}

/// Checks times, place and registration window; 422 with every problem at once.
pub fn check_schedule(
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    has_place: bool,
    opens: Option<DateTime<Utc>>,
    closes: Option<DateTime<Utc>>,
    past_allowed: bool,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if ends <= starts {
        errors.push(FieldError::new(
            "/ends_at",
            "order",
            Text::new("must be after starts_at", "يجب أن يكون بعد موعد البدء"),
        ));
    }
    if starts < now && !past_allowed {
        errors.push(FieldError::new(
            "/starts_at",
            "past",
            Text::new("must not be in the past", "يجب ألا يكون في الماضي"),
        ));
    }
    if !has_place {
        errors.push(FieldError::new(
            "/venue",
            "required",
            Text::new(
                "give a venue, an online link, or both",
                "حدد مكانًا أو رابطًا إلكترونيًا أو كليهما",
            ),
        ));
    }
    if let (Some(o), Some(c)) = (opens, closes)
        && c <= o
    {
        errors.push(FieldError::new(
            "/registration_closes_at",
            "order",
            Text::new(
                "must be after registration_opens_at",
                "يجب أن يكون بعد فتح التسجيل",
            ),
        ));
    }
    if closes.is_some_and(|c| c > ends) {
        errors.push(FieldError::new(
            "/registration_closes_at",
            "order",
            Text::new(
                "must not be after the workshop ends",
                "يجب ألا يتجاوز نهاية الورشة",
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Creates a workshop (the organising platform's coordinator or deputy, or an admin) and answers
/// with any scheduling clashes as warnings.
#[utoipa::path(
    tag = "workshops",
    request_body = CreateWorkshopRequest,
    responses((status = 201, body = WorkshopResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/workshops")]
pub async fn create_workshop(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateWorkshopRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    crate::access::require_some_manager(&txn, &auth).await?;
    let req = body.into_inner()?;
    let platform = crate::db::find_named::<entity::platform::Entity>(
        &txn,
        req.platform_id,
        "/platform_id",
        crate::db::NO_PLATFORM,
    )
    .await?;
    Standing::of_manager(&txn, &auth, platform.id).await?;
    let status = req.status.unwrap_or(WorkshopStatus::Draft);
    if status == WorkshopStatus::Cancelled {
        return Err(ApiError::field(
            "/status",
            "not_allowed",
            Text::new(
                "a new workshop is a draft, scheduled, or a past one recorded as completed",
                "الورشة الجديدة مسودة أو مجدولة أو ورشة سابقة تُسجَّل منعقدة",
            ),
        ));
    }
    let history_reason = req
        .history_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if status == WorkshopStatus::Completed && history_reason.is_none() {
        return Err(ApiError::field(
            "/history_reason",
            "required",
            Text::new(
                "say why this past workshop is recorded afterwards",
                "اذكر سبب تسجيل هذه الورشة السابقة لاحقًا",
            ),
        ));
    }
    // The platform's zone unless the workshop names one (Gaza's workshops: `Asia/Gaza`).
    let tz = parse_zone(req.time_zone.as_deref().unwrap_or(&platform.time_zone))?;
    let pick = |instant, local: &Option<String>, name| {
        instant_or_local(instant, local.as_deref(), tz, name, true)
            .map(|t| t.map(crate::clock::whole_seconds).unwrap_or_default())
    };
    // Whole seconds: calendars and keyset cursors compare instants exactly.
    let starts_at = pick(req.starts_at, &req.starts_at_local, "starts_at")?;
    let ends_at = pick(req.ends_at, &req.ends_at_local, "ends_at")?;
    if status == WorkshopStatus::Completed && ends_at > now {
        return Err(ApiError::field(
            "/ends_at",
            "future",
            Text::new(
                "a workshop recorded as completed has ended",
                "الورشة المسجلة منعقدةً تكون قد انتهت",
            ),
        ));
    }
    check_schedule(
        starts_at,
        ends_at,
        req.venue.is_some() || req.online_url.is_some(),
        req.registration_opens_at,
        req.registration_closes_at,
        status == WorkshopStatus::Completed,
        now,
    )?;
    if let Some(t) = req.topic_id {
        let ok = topic::Entity::find_by_id(t)
            .one(&txn)
            .await?
            .is_some_and(|t| t.platform_id == platform.id);
        if !ok {
            return Err(ApiError::field(
                "/topic_id",
                "not_found",
                Text::new("not a topic of this platform", "ليس موضوعًا في هذه المنصة"),
            ));
        }
    }
    if let Some(a) = req.activity_id {
        // The union's own activities, and those the platform organises or co-hosts (a joint
        // activity's workshops may be run by any of its hosts).
        let ok = match activity::Entity::find_by_id(a).one(&txn).await? {
            None => false,
            Some(a) if a.platform_id.is_none_or(|p| p == platform.id) => true,
            Some(a) => activity_platform::Entity::find()
                .filter(activity_platform::Column::ActivityId.eq(a.id))
                .filter(activity_platform::Column::PlatformId.eq(platform.id))
                .one(&txn)
                .await?
                .is_some(),
        };
        if !ok {
            return Err(ApiError::field(
                "/activity_id",
                "not_found",
                Text::new(
                    "not an activity this platform organises or hosts, nor one of the union",
                    "ليس نشاطًا تنظمه هذه المنصة أو تستضيفه، ولا نشاطًا للاتحاد",
                ),
            ));
        }
    }
    let activity_id = match (req.exchange_request_id, req.activity_id) {
        (None, named) => named,
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "/exchange_request_id",
                "not_allowed",
                Text::new(
                    "name the exchange or the activity, not both",
                    "سمِّ التبادل أو النشاط، لا كليهما",
                ),
            ));
        }
        (Some(x), None) => Some(exchange_activity(&txn, &auth, platform.id, x, now).await?),
    };
    let hosts = hosts::host_list(platform.id, &req.host_platform_ids);
    // The organiser (first) was read above; the others must exist.
    check_hosts(&txn, hosts.get(1..).unwrap_or_default()).await?;
    let title = req.title.trimmed();
    let search_text = search::workshop_search_text(
        (&title.ar, &title.en),
        (&req.description.ar, &req.description.en),
    );
    let saved = workshop::ActiveModel {
        platform_id: Set(platform.id),
        topic_id: Set(req.topic_id),
        activity_id: Set(activity_id),
        kind: Set(req.kind.unwrap_or(ActivityKind::SpecializedWorkshop)),
        title_ar: Set(title.ar),
        title_en: Set(title.en),
        search_text: Set(search_text),
        description_ar: Set(req.description.ar),
        description_en: Set(req.description.en),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        time_zone: Set(tz.name().to_owned()),
        venue_city: Set(req.venue.as_ref().map(|v| v.city.trim().to_owned())),
        venue_address: Set(req.venue.as_ref().map(|v| v.address.trim().to_owned())),
        venue_city_en: Set(req
            .venue
            .as_ref()
            .map(|v| v.city_en.trim().to_owned())
            .unwrap_or_default()),
        venue_address_en: Set(req
            .venue
            .as_ref()
            .map(|v| v.address_en.trim().to_owned())
            .unwrap_or_default()),
        online_url: Set(req.online_url),
        capacity: Set(req.capacity),
        registered_count: Set(0),
        registration_opens_at: Set(req.registration_opens_at),
        registration_closes_at: Set(req.registration_closes_at),
        status: Set(status),
        is_public: Set(req.is_public.unwrap_or(true)),
        eligible_governorates: Set(req.eligibility.stored().0),
        eligible_authority_kinds: Set(req.eligibility.stored().1),
        check_in_code: Set(check_in_code()),
        sequence: Set(0),
        reported_attendance: Set(req.reported_attendance),
        minutes_ar: Set(String::new()),
        minutes_en: Set(String::new()),
        outcomes_ar: Set(String::new()),
        outcomes_en: Set(String::new()),
        reminder_sent_at: Set(None),
        created_by: Set(Some(auth.id())),
        host_ids: Set(hosts::host_text(&hosts)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let children = Children::of_request(&req.agenda, &req.experts, &req.materials);
    write_new_children(&txn, saved.id, &hosts, &children).await?;
    let warnings = clashes::of_saved(&txn, &saved, &hosts, true).await?;
    let mut entry = Entry::new(
        Action::WorkshopCreate {
            status: saved.status,
        },
        saved.id,
    )
    .created(&saved)
    .platform(saved.platform_id)
    .field("host_platform_ids", &hosts)
    .field("agenda", &req.agenda)
    .field("experts", &req.experts)
    .field("materials", &req.materials);
    if let Some(reason) = history_reason {
        entry = entry.field("history_reason", reason);
    }
    entry.write(&txn, &auth, now).await?;
    let body = response_with(saved, children, true, warnings);
    state.commit(txn).await?;
    Ok(etag::created(
        body.version,
        format!("/api/v1/workshops/{}", body.id),
        &body,
    ))
}

/// The activity of an accepted request to learn a practice of `platform_id`: the one it was
/// planned as, or a new peer exchange planned now, in the caller's transaction.
async fn exchange_activity(
    txn: &impl sea_orm::ConnectionTrait,
    auth: &AuthUser,
    platform_id: i64,
    request_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, ApiError> {
    let not_ours = || {
        ApiError::field(
            "/exchange_request_id",
            "not_found",
            Text::new(
                "no request to learn a practice of this platform has this id",
                "لا يوجد طلب لتعلّم ممارسة لهذه المنصة بهذا الرقم",
            ),
        )
    };
    let r = entity::exchange_request::Entity::find_by_id(request_id)
        .one(txn)
        .await?
        .ok_or_else(not_ours)?;
    let p = entity::practice::Entity::find_by_id(r.practice_id)
        .one(txn)
        .await?
        .filter(|p| p.platform_id == platform_id)
        .ok_or_else(not_ours)?;
    if let Some(planned) = r.activity_id {
        return Ok(planned);
    }
    Ok(
        crate::services::programme::exchanges::plan(txn, &r, &p, None, auth, now)
            .await?
            .id,
    )
}
