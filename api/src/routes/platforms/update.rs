use actix_web::{HttpResponse, patch, web};
use entity::platform;
use sea_orm::{IntoActiveModel, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::create::check_parent;
use super::response;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::search::platform_search_text;
use crate::domain::{Bilingual, BilingualPatch, BilingualTextPatch, PlatformKind, PlatformStatus};
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::services::store::versioned;
use crate::state::AppState;

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlatformRequest {
    #[validate(nested)]
    pub name: Option<BilingualPatch>,
    #[validate(
        length(min = 2, max = 80),
        custom(function = "crate::domain::validate_slug")
    )]
    #[schema(min_length = 2, max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    pub kind: Option<PlatformKind>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    #[validate(nested)]
    pub description: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub target_audience: Option<BilingualTextPatch>,
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
    pub launch_city: Option<BilingualPatch>,
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
    pub status: Option<PlatformStatus>,
}

/// Changes a platform (admins). Send the `ETag` you read in `If-Match`: a stale one is 412, so
/// concurrent edits never overwrite each other silently.
#[utoipa::path(
    tag = "platforms",
    params(
        ("id" = i64, Path, description = "Platform id"),
        IfMatch,
    ),
    request_body = UpdatePlatformRequest,
    responses(
        (status = 200, body = super::PlatformResponse),
        (status = 409, description = "The slug is taken", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/platforms/{id}")]
pub async fn update_platform(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdatePlatformRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let expected = if_match.expected()?;
    let body = body.into_inner()?;
    let txn = crate::db::begin(&state.db).await?;
    let current = find_or_404::<entity::platform::Entity>(&txn, id.into_inner()).await?;
    versioned::check::<platform::Entity>(&current, expected)?;
    let before_view = response(&txn, current.clone()).await?;
    let kind = body.kind.unwrap_or(current.kind);
    let parent_id = body.parent_id.unwrap_or(current.parent_id);
    check_parent(&txn, kind, parent_id, Some(current.id)).await?;
    let platform_id = current.id;
    let mut m = current.clone().into_active_model();
    let name = body
        .name
        .unwrap_or_default()
        .merge(&current.name_ar, &current.name_en);
    let description = body
        .description
        .unwrap_or_default()
        .merge(&current.description_ar, &current.description_en);
    let launch_city = match body.launch_city {
        Some(c) => Some(launch_city(c, &current)?),
        None => None,
    };
    m.search_text = Set(platform_search_text(
        (&name.ar, &name.en),
        (&description.ar, &description.en),
    ));
    m.name_ar = Set(name.ar);
    m.name_en = Set(name.en);
    m.description_ar = Set(description.ar);
    m.description_en = Set(description.en);
    m.kind = Set(kind);
    m.parent_id = Set(parent_id);
    if let Some(slug) = body.slug {
        m.slug = Set(slug);
    }
    if let Some(a) = body
        .target_audience
        .map(|a| a.merge(&current.audience_ar, &current.audience_en))
    {
        m.audience_ar = Set(a.ar);
        m.audience_en = Set(a.en);
    }
    if let Some(d) = body.launched_on {
        m.launched_on = Set(Some(d));
    }
    if let Some(q) = body.launch_quarter {
        m.launch_quarter = Set(Some(q));
    }
    if let Some(c) = launch_city {
        m.launch_city_ar = Set(Some(c.ar));
        m.launch_city_en = Set(Some(c.en));
    }
    if let Some(n) = body.launch_attendance {
        m.launch_attendance = Set(Some(n));
    }
    if let Some(n) = body.launch_authority_count {
        m.launch_authority_count = Set(Some(n));
    }
    if let Some(z) = &body.time_zone {
        m.time_zone = Set(crate::domain::zone::parse(z)?.name().to_owned());
    }
    if let Some(s) = body.status {
        m.status = Set(s);
    }
    m.updated_at = Set(state.clock.now());
    let updated = versioned::save::<platform::Entity>(&txn, platform_id, expected, m).await?;
    Entry::new(Action::PlatformUpdate, platform_id)
        .platform(platform_id)
        .updated(&current, &updated)
        .write(&txn, &auth, updated.updated_at)
        .await?;
    let body = response(&txn, updated).await?;
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// The launch city after a merge patch: a platform that had none needs its Arabic name.
fn launch_city(change: BilingualPatch, current: &platform::Model) -> Result<Bilingual, ApiError> {
    let merged = change.merge(
        current.launch_city_ar.as_deref().unwrap_or_default(),
        current.launch_city_en.as_deref().unwrap_or_default(),
    );
    if merged.ar.is_empty() {
        return Err(ApiError::field(
            "/launch_city/ar",
            "required",
            crate::i18n::Text::new(
                "The platform has no launch city yet: give its Arabic name.",
                "لا توجد مدينة إطلاق للمنصة بعد: اذكر اسمها بالعربية.",
            ),
        ));
    }
    Ok(merged)
}
