//! `002`'s monitoring and evaluation of an agreement in force: its indicators measured over time;
//! and the terms each amendment or renewal replaced, kept as versions.

use actix_web::{HttpResponse, get, post, web};
use entity::{partnership, partnership_measurement, partnership_terms};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::list_from_json;
use crate::access::require_agreement_manager;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, BilingualText};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::services::programme::records::{self, NewMeasurement, Recorder};
use crate::state::AppState;

/// Keeps the terms `p` had before the step `step_id` of `on` replaced them.
pub async fn keep_terms(
    db: &impl ConnectionTrait,
    p: &partnership::Model,
    step_id: i64,
    on: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let kept = partnership_terms::Entity::find()
        .filter(partnership_terms::Column::PartnershipId.eq(p.id))
        .count(db)
        .await?;
    partnership_terms::ActiveModel {
        partnership_id: Set(p.id),
        version: Set(i32::try_from(kept).unwrap_or(i32::MAX - 1) + 1),
        subject_ar: Set(p.subject_ar.clone()),
        subject_en: Set(p.subject_en.clone()),
        objectives_ar: Set(p.objectives_ar.clone()),
        objectives_en: Set(p.objectives_en.clone()),
        fields: Set(p.fields.clone()),
        indicators: Set(p.indicators.clone()),
        supervising_body: Set(p.supervising_body.clone()),
        starts_on: Set(p.starts_on),
        ends_on: Set(p.ends_on),
        replaced_by_step_id: Set(step_id),
        replaced_on: Set(on),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An agreement's terms in one version.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermsResponse {
    /// 1: as first agreed; then one more for each amendment or renewal.
    #[schema(minimum = 1)]
    pub version: i32,
    /// Whether these are the terms in force now.
    pub current: bool,
    pub subject: Bilingual,
    pub objectives: BilingualText,
    #[schema(max_items = 30)]
    pub fields: Vec<Bilingual>,
    #[schema(max_items = 30)]
    pub indicators: Vec<Bilingual>,
    #[schema(max_length = 300)]
    pub supervising_body: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// The step (amendment or renewal) that replaced them, and its day; `null` for the current.
    pub replaced_by_step_id: Option<i64>,
    pub replaced_on: Option<chrono::NaiveDate>,
}

/// Every version of an agreement's terms.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermsList {
    /// Oldest first; the last is current.
    #[schema(max_items = 501)]
    pub items: Vec<TermsResponse>,
}

/// An agreement's terms as first agreed and after each amendment or renewal, oldest first, the
/// current ones last (signed-in users).
#[utoipa::path(
    tag = "partnerships",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1)),
    responses((status = 200, body = TermsList))
)]
#[get("/partnerships/{id}/terms")]
pub async fn list_terms(
    _auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<TermsList>, ApiError> {
    let p = find_or_404::<partnership::Entity>(&state.db, id.into_inner()).await?;
    let kept = partnership_terms::Entity::find()
        .filter(partnership_terms::Column::PartnershipId.eq(p.id))
        .order_by_asc(partnership_terms::Column::Version)
        .all(&state.db)
        .await?;
    let current_version = i32::try_from(kept.len()).unwrap_or(i32::MAX - 1) + 1;
    let mut items: Vec<TermsResponse> = kept
        .into_iter()
        .map(|t| TermsResponse {
            version: t.version,
            current: false,
            subject: Bilingual {
                ar: t.subject_ar,
                en: t.subject_en,
            },
            objectives: BilingualText::new(t.objectives_ar, t.objectives_en),
            fields: list_from_json(&t.fields),
            indicators: list_from_json(&t.indicators),
            supervising_body: t.supervising_body,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
            replaced_by_step_id: Some(t.replaced_by_step_id),
            replaced_on: Some(t.replaced_on),
        })
        .collect();
    items.push(TermsResponse {
        version: current_version,
        current: true,
        subject: Bilingual {
            ar: p.subject_ar,
            en: p.subject_en,
        },
        objectives: BilingualText::new(p.objectives_ar, p.objectives_en),
        fields: list_from_json(&p.fields),
        indicators: list_from_json(&p.indicators),
        supervising_body: p.supervising_body,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        replaced_by_step_id: None,
        replaced_on: None,
    });
    Ok(web::Json(TermsList { items }))
}

/// A measurement of one of the agreement's indicators.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MeasurementRequest {
    /// Which indicator: its 1-based position in the agreement's current `indicators`.
    #[validate(range(min = 1, max = 30))]
    #[schema(minimum = 1, maximum = 30)]
    pub indicator: i32,
    /// The value measured: a decimal string (a count, an amount, a share).
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "12", format = "decimal")]
    pub value: String,
    /// The day it was measured (default today; not in the future).
    pub measured_on: Option<chrono::NaiveDate>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub note: String,
}

/// A measurement as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementResponse {
    pub id: i64,
    #[schema(minimum = 1, maximum = 30)]
    pub indicator: i32,
    /// The indicator's text when measured.
    pub indicator_name: Bilingual,
    #[schema(format = "decimal")]
    pub value: String,
    pub measured_on: chrono::NaiveDate,
    #[schema(max_length = 2000)]
    pub note: String,
    pub recorded_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<partnership_measurement::Model> for MeasurementResponse {
    fn from(m: partnership_measurement::Model) -> Self {
        MeasurementResponse {
            id: m.id,
            indicator: m.indicator,
            indicator_name: Bilingual {
                ar: m.indicator_ar,
                en: m.indicator_en,
            },
            value: m.value,
            measured_on: m.measured_on,
            note: m.note,
            recorded_by: m.recorded_by,
            created_at: m.created_at,
        }
    }
}

crate::listed!(MeasurementResponse => MeasurementList, "A page of measurements, oldest first.");

/// Records a measurement of one of an agreement's indicators while it is in force (in force,
/// under evaluation, renewed or amended; 409 otherwise): admins and the international
/// partnerships task force.
#[utoipa::path(
    tag = "partnerships",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1)),
    request_body = MeasurementRequest,
    responses(
        (status = 201, body = MeasurementResponse),
        (status = 409, description = "The agreement is not in force", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/partnerships/{id}/measurements")]
pub async fn record_measurement(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<MeasurementRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    require_agreement_manager(&txn, &auth).await?;
    let req = body.into_inner()?;
    let p = find_or_404::<partnership::Entity>(&txn, id.into_inner()).await?;
    let measurement = NewMeasurement {
        indicator: req.indicator,
        value: req.value,
        measured_on: req.measured_on,
        note: req.note,
    };
    let by = Recorder {
        user_id: auth.id(),
        now,
    };
    let saved = records::measure(&txn, &p, measurement, by).await?;
    Entry::new(Action::PartnershipMeasurement, p.id)
        .field(
            "measurement",
            serde_json::json!({"id": saved.id, "indicator": saved.indicator,
                               "value": saved.value, "measured_on": saved.measured_on}),
        )
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(MeasurementResponse::from(saved)))
}

/// Which measurements.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMeasurementsQuery {
    /// Only this indicator (1-based).
    #[param(minimum = 1, maximum = 30)]
    pub indicator: Option<i32>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// An agreement's indicator values over time, in the order recorded (signed-in users).
#[utoipa::path(
    tag = "partnerships",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1), ListMeasurementsQuery),
    responses((status = 200, body = MeasurementList))
)]
#[get("/partnerships/{id}/measurements")]
pub async fn list_measurements(
    _auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListMeasurementsQuery>,
) -> Result<web::Json<MeasurementList>, ApiError> {
    let p = find_or_404::<partnership::Entity>(&state.db, id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = partnership_measurement::Entity::find()
        .filter(partnership_measurement::Column::PartnershipId.eq(p.id));
    if let Some(i) = query.indicator {
        if !(1..=30).contains(&i) {
            return Err(ApiError::field(
                "indicator",
                "not_found",
                Text::new("is from 1 to 30", "من 1 إلى 30"),
            ));
        }
        select = select.filter(partnership_measurement::Column::Indicator.eq(i));
    }
    if let Some(after) = page.after {
        select = select.filter(partnership_measurement::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(partnership_measurement::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |m| m.id);
    Ok(web::Json(MeasurementList {
        items: rows.into_iter().map(MeasurementResponse::from).collect(),
        next_cursor,
    }))
}
