use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::export::{Cell, ExportFormat};
use crate::i18n::{Lang, Text};
use crate::services::reports::participation::{self as reports, Attendance, Dimension, code_label};
use crate::state::AppState;

/// Attendances read from the database at a time.
const PAGE: u64 = 2_000;

/// Which attendances to export, and in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttendanceExportQuery {
    /// First day (workshops starting from it, UTC); default the 1st of January this year.
    pub from: Option<NaiveDate>,
    /// Last day; default the 31st of December of `from`'s year. At most ten years (the programme began in 2019).
    pub to: Option<NaiveDate>,
    /// Only these platforms: one platform's id, or several comma-separated (`5,6,7`). A platform
    /// with regional sub-platforms counts them too (village councils: north, center, south).
    /// Default: every platform the caller may report on.
    #[param(
        max_length = 199,
        pattern = "^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,19}$",
        example = "5,6,7"
    )]
    pub platform_id: Option<String>,
    /// `json`, `csv` or `xlsx`; overrides `Accept`.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// One attendance: who attended which workshop, and where they come from. Names are in the
/// caller's language (Arabic where there is no English).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceRecord {
    #[schema(minimum = 1)]
    pub workshop_id: i64,
    #[schema(max_length = 200)]
    pub workshop: String,
    pub starts_at: DateTime<Utc>,
    #[schema(minimum = 1)]
    pub platform_id: i64,
    #[schema(max_length = 200)]
    pub platform: String,
    #[schema(minimum = 1)]
    pub user_id: i64,
    #[schema(max_length = 200)]
    pub name: String,
    pub gender: entity::vocab::Gender,
    #[schema(max_length = 200)]
    pub local_authority: Option<String>,
    #[schema(max_length = 100)]
    pub governorate: Option<String>,
    pub region: Option<entity::vocab::Region>,
}

impl AttendanceRecord {
    fn of(a: &Attendance, lang: Lang) -> AttendanceRecord {
        AttendanceRecord {
            workshop_id: a.workshop_id,
            workshop: a.workshop_title.get(lang).to_owned(),
            starts_at: a.starts_at,
            platform_id: a.platform_id,
            platform: a.platform.get(lang).to_owned(),
            user_id: a.user_id,
            name: a.person.get(lang).to_owned(),
            gender: entity::vocab::Gender::parse(&a.gender)
                .unwrap_or(entity::vocab::Gender::Female),
            local_authority: a.local_authority.as_ref().map(|t| t.get(lang).to_owned()),
            governorate: a.governorate.clone(),
            region: a.region.as_deref().and_then(entity::vocab::Region::parse),
        }
    }
}

/// Every attendance of the period, as one JSON array written as it is read.
pub struct AttendanceRecords;

impl utoipa::PartialSchema for AttendanceRecords {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name("AttendanceRecord"))
            .max_items(Some(100_000_000))
            .description(Some(
                "Every attendance of the period, oldest registration first.",
            ))
            .into()
    }
}

impl ToSchema for AttendanceRecords {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "AttendanceRecord".to_owned(),
            <AttendanceRecord as utoipa::PartialSchema>::schema(),
        ));
        <AttendanceRecord as ToSchema>::schemas(schemas);
    }
}

fn headers() -> Vec<Text> {
    [
        ("Workshop", "الورشة"),
        ("Title", "العنوان"),
        ("Starts (UTC)", "البداية (UTC)"),
        ("Platform", "المنصة"),
        ("Person", "الشخص"),
        ("Name", "الاسم"),
        ("Gender", "الجنس"),
        ("Local authority", "الهيئة المحلية"),
        ("Governorate", "المحافظة"),
        ("Region", "المنطقة"),
    ]
    .into_iter()
    .map(|(en, ar)| Text::new(en, ar))
    .collect()
}

fn cells(a: &Attendance, lang: Lang) -> Vec<Cell> {
    let text = |t: &Text| Cell::Text(t.get(lang).to_owned());
    vec![
        Cell::Int(a.workshop_id),
        text(&a.workshop_title),
        Cell::Instant(a.starts_at),
        text(&a.platform),
        Cell::Int(a.user_id),
        text(&a.person),
        text(&code_label(Dimension::Gender, &a.gender)),
        a.local_authority.as_ref().map_or(Cell::Empty, text),
        a.governorate.clone().map_or(Cell::Empty, Cell::Text),
        a.region
            .as_deref()
            .map_or(Cell::Empty, |r| text(&code_label(Dimension::Region, r))),
    ]
}

/// Every attendance in scheduled and completed workshops starting in the period (default this
/// year), one line each: the workshop, the person, their gender and authority. For
/// administrators (all platforms) and coordinators (theirs); not for partner keys, which see
/// aggregates only. Streamed as read, page by page, so that a year of the whole programme is
/// never held in memory: a JSON array, CSV or XLSX (`?format=` or `Accept`).
#[utoipa::path(
    tag = "reports",
    params(AttendanceExportQuery),
    responses((status = 200, content(
        (AttendanceRecords = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/attendances")]
pub async fn export_attendances(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<AttendanceExportQuery>,
) -> Result<HttpResponse, ApiError> {
    crate::access::require_person_for_attendees(&auth)?;
    let q = query.into_inner();
    let r = common::resolve(
        &req,
        &auth,
        &state,
        (q.from, q.to, q.platform_id.as_deref(), q.format),
    )
    .await?;
    let db = state.db.clone();
    let (start, until, platforms) = (r.start, r.until, r.platforms.clone());
    // Pages of attendances, read one after the other as the body is sent.
    let pages = stream::unfold(Some(0i64), move |after| {
        let (db, platforms) = (db.clone(), platforms.clone());
        async move {
            let after = after?;
            match reports::attendances(&db, start, until, platforms.as_deref(), after, PAGE).await {
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let next = (page.len() as u64 == PAGE)
                        .then(|| page.last().map(|a| a.registration_id))
                        .flatten();
                    Some((Ok(page), next))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    });
    let lang = r.lang;
    let stem = format!("attendances-{}-{}", r.from, r.to);
    if r.format == ExportFormat::Json {
        // `[`, the records separated by commas, `]`.
        let mut first = true;
        let body = pages
            .map(move |page| {
                let page = page.inspect_err(|e| tracing::error!(error = %e, "json export"))?;
                let mut out = Vec::new();
                for a in &page {
                    out.push(if first { b'[' } else { b',' });
                    first = false;
                    serde_json::to_writer(&mut out, &AttendanceRecord::of(a, lang))
                        .map_err(|e| ApiError::Unexpected(format!("json: {e}")))?;
                }
                Ok::<_, ApiError>(Bytes::from(out))
            })
            .chain(stream::once(async { Ok(Bytes::new()) }))
            .scan(false, |opened, chunk| {
                // The closing bracket, or `[]` when nothing was written.
                let chunk = chunk.map(|b| {
                    if b.is_empty() {
                        Bytes::from_static(if *opened { b"]" } else { b"[]" })
                    } else {
                        *opened = true;
                        b
                    }
                });
                futures_util::future::ready(Some(chunk))
            });
        return Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .insert_header((header::VARY, "accept"))
            .streaming(body));
    }
    let rows = pages
        .map(move |page| match page {
            Ok(page) => stream::iter(page.iter().map(|a| Ok(cells(a, lang))).collect::<Vec<_>>()),
            Err(e) => stream::iter(vec![Err(e)]),
        })
        .flatten();
    Ok(crate::export::respond_stream(
        Text::new("Attendances", "الحضور"),
        headers(),
        Box::pin(rows),
        r.format,
        lang,
        &stem,
    ))
}
