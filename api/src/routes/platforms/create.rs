use actix_web::{HttpResponse, post, web};
use entity::platform;
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{PlatformResponse, response};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::search::platform_search_text;
use crate::domain::{Bilingual, BilingualText, PlatformKind, PlatformStatus};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// A new platform. A regional sub-platform names its parent; a region of its own (Gaza) does not.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreatePlatformRequest {
    #[validate(nested)]
    pub name: Bilingual,
    /// Lower-case letters, digits and dashes; unique.
    #[validate(
        length(min = 2, max = 80),
        custom(function = "crate::domain::validate_slug")
    )]
    #[schema(
        example = "water-and-energy",
        min_length = 2,
        max_length = 80,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: String,
    pub kind: PlatformKind,
    pub parent_id: Option<i64>,
    #[validate(nested)]
    #[serde(default)]
    pub description: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub target_audience: BilingualText,
    pub launched_on: Option<chrono::NaiveDate>,
    /// The quarter it was launched in, where that is known rather than the day (`001`: the five
    /// platforms of the programme's second phase, the last quarter of 2019).
    #[validate(custom(function = "crate::domain::money::validate_quarter"))]
    #[schema(
        example = "2019-Q4",
        min_length = 7,
        max_length = 7,
        pattern = "^[0-9]{4}-Q[1-4]$"
    )]
    pub launch_quarter: Option<String>,
    #[validate(nested)]
    pub launch_city: Option<Bilingual>,
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub launch_attendance: Option<i32>,
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub launch_authority_count: Option<i32>,
    /// IANA zone its workshops are shown in unless they name another; default `Asia/Hebron`
    /// (a regional platform: its parent's).
    #[validate(length(max = 64))]
    #[schema(value_type = Option<crate::domain::zone::TimeZoneName>)]
    pub time_zone: Option<String>,
    /// Default `active`.
    pub status: Option<PlatformStatus>,
}

/// Checks the kind/parent pairing: a regional platform has a thematic parent or none (a region of
/// its own, as Gaza is), a thematic one none.
pub async fn check_parent(
    db: &impl sea_orm::ConnectionTrait,
    kind: PlatformKind,
    parent_id: Option<i64>,
    own_id: Option<i64>,
) -> Result<(), ApiError> {
    match (kind, parent_id) {
        (PlatformKind::Thematic, None) => Ok(()),
        (PlatformKind::Thematic, Some(_)) => Err(ApiError::field(
            "/parent_id",
            "not_allowed",
            Text::new(
                "only regional platforms have a parent",
                "المنصات الإقليمية فقط لها منصة أم",
            ),
        )),
        // A region of its own (Gaza, `003`: 25 municipalities in four axes) has no parent.
        (PlatformKind::Regional, None) => Ok(()),
        (PlatformKind::Regional, Some(pid)) => {
            let parent = crate::db::find_named::<entity::platform::Entity>(
                db,
                pid,
                "/parent_id",
                crate::db::NO_PLATFORM,
            )
            .await?;
            if Some(pid) == own_id || parent.kind != PlatformKind::Thematic {
                return Err(ApiError::field(
                    "/parent_id",
                    "invalid_parent",
                    Text::new(
                        "the parent must be another, thematic platform",
                        "يجب أن تكون المنصة الأم منصة موضوعية أخرى",
                    ),
                ));
            }
            Ok(())
        }
    }
}

/// Creates a platform (admins).
#[utoipa::path(
    tag = "platforms",
    request_body = CreatePlatformRequest,
    responses(
        (status = 201, body = PlatformResponse, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = 409, description = "The slug is taken", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/platforms")]
pub async fn create_platform(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreatePlatformRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let name = req.name.trimmed();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    check_parent(&txn, req.kind, req.parent_id, None).await?;
    let time_zone = match (&req.time_zone, req.parent_id) {
        (Some(z), _) => crate::domain::zone::parse(z)?.name().to_owned(),
        (None, Some(parent)) => {
            crate::db::find_or_404::<platform::Entity>(&txn, parent)
                .await?
                .time_zone
        }
        (None, None) => crate::domain::zone::DEFAULT_TIME_ZONE.to_owned(),
    };
    let created = platform::ActiveModel {
        time_zone: Set(time_zone),
        slug: Set(req.slug),
        search_text: Set(platform_search_text(
            (&name.ar, &name.en),
            (&req.description.ar, &req.description.en),
        )),
        name_ar: Set(name.ar),
        name_en: Set(name.en),
        kind: Set(req.kind),
        parent_id: Set(req.parent_id),
        description_ar: Set(req.description.ar),
        description_en: Set(req.description.en),
        audience_ar: Set(req.target_audience.ar),
        audience_en: Set(req.target_audience.en),
        launched_on: Set(req.launched_on),
        launch_quarter: Set(req.launch_quarter),
        launch_city_ar: Set(req.launch_city.as_ref().map(|c| c.ar.clone())),
        launch_city_en: Set(req.launch_city.map(|c| c.en)),
        launch_attendance: Set(req.launch_attendance),
        launch_authority_count: Set(req.launch_authority_count),
        status: Set(req.status.unwrap_or(PlatformStatus::Active)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::PlatformCreate, created.id)
        .platform(created.id)
        .created(&created)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, created).await?;
    state.commit(txn).await?;
    Ok(etag::created(
        body.version,
        format!("/api/v1/platforms/{}", body.id),
        &body,
    ))
}
