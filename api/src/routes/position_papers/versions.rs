use actix_web::{HttpResponse, get, web};
use entity::position_paper_version;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::diff::{self, DiffChunk};
use super::{PaperBody, visible_paper};
use crate::auth::AuthUser;
use crate::domain::{Bilingual, BilingualText, PaperStatus};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// One immutable version of a paper's text.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionResponse {
    pub number: i32,
    #[schema(max_length = 300)]
    pub target_body: String,
    pub title: Bilingual,
    pub summary: BilingualText,
    pub body: PaperBody,
    #[schema(max_length = 500)]
    pub note: String,
    pub edited_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A version in a list (without the body).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    pub number: i32,
    pub title: Bilingual,
    #[schema(max_length = 500)]
    pub note: String,
    pub edited_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

crate::listed!(VersionSummary => VersionList, "A page of versions, oldest first.");

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListVersionsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The versions of a paper, oldest first (whoever may see the paper).
#[utoipa::path(
    tag = "position-papers",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Paper id"), ListVersionsQuery),
    responses((status = 200, body = VersionList))
)]
#[get("/position-papers/{id}/versions")]
pub async fn list_versions(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListVersionsQuery>,
) -> Result<web::Json<VersionList>, ApiError> {
    let (paper, _) = visible_paper(&state.db, auth.as_ref(), id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = position_paper_version::Entity::find()
        .select_only()
        .columns([
            position_paper_version::Column::Number,
            position_paper_version::Column::TitleAr,
            position_paper_version::Column::TitleEn,
            position_paper_version::Column::Note,
            position_paper_version::Column::EditedBy,
            position_paper_version::Column::CreatedAt,
        ])
        .filter(position_paper_version::Column::PaperId.eq(paper.id));
    if let Some(after) = page.after {
        select = select.filter(position_paper_version::Column::Number.gt(after));
    }
    let rows = select
        .order_by_asc(position_paper_version::Column::Number)
        .limit(page.fetch())
        .into_tuple::<(
            i32,
            String,
            String,
            String,
            i64,
            chrono::DateTime<chrono::Utc>,
        )>()
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| i64::from(r.0));
    let items = rows
        .into_iter()
        .map(
            |(number, ar, en, note, edited_by, created_at)| VersionSummary {
                number,
                title: Bilingual { ar, en },
                note,
                edited_by,
                created_at,
            },
        )
        .collect();
    Ok(web::Json(VersionList { items, next_cursor }))
}

async fn version_or_404(
    db: &impl ConnectionTrait,
    paper_id: i64,
    number: i32,
) -> Result<position_paper_version::Model, ApiError> {
    position_paper_version::Entity::find()
        .filter(position_paper_version::Column::PaperId.eq(paper_id))
        .filter(position_paper_version::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

fn to_response(v: position_paper_version::Model) -> VersionResponse {
    VersionResponse {
        number: v.number,
        target_body: v.target_body,
        title: Bilingual {
            ar: v.title_ar,
            en: v.title_en,
        },
        summary: BilingualText::new(v.summary_ar, v.summary_en),
        body: PaperBody {
            ar: v.body_ar,
            en: v.body_en,
        },
        note: v.note,
        edited_by: v.edited_by,
        created_at: v.created_at,
    }
}

/// One version of a paper, as it was written. A version never changes once written, so it is
/// cached as immutable: publicly for a published paper read without a token, privately
/// otherwise.
#[utoipa::path(
    tag = "position-papers",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Paper id"), ("number" = i32, Path, description = "Version number, from 1")),
    responses((status = 200, body = VersionResponse))
)]
#[get("/position-papers/{id}/versions/{number}")]
pub async fn get_version(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let (paper, _) = visible_paper(&state.db, auth.as_ref(), id).await?;
    let version = to_response(version_or_404(&state.db, paper.id, number).await?);
    let caching = if auth.is_none() && paper.status == PaperStatus::Published {
        crate::conditional::IMMUTABLE_PUBLIC
    } else {
        crate::conditional::IMMUTABLE_PRIVATE
    };
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, caching))
        .json(version))
}

/// Which two versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The older version's number.
    #[param(minimum = 1)]
    pub from: i32,
    /// The newer version's number.
    #[param(minimum = 1)]
    pub to: i32,
}

/// A short field that differs between two versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChange {
    #[schema(
        example = "title.ar",
        max_length = 64,
        pattern = "^[a-z_]+(\\.[a-z]+)?$"
    )]
    pub field: String,
    #[schema(max_length = 5000)]
    pub from: String,
    #[schema(max_length = 5000)]
    pub to: String,
}

/// Line differences of the body, per language.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyDiff {
    #[schema(max_items = 100002)]
    pub ar: Vec<DiffChunk>,
    #[schema(max_items = 100002)]
    pub en: Vec<DiffChunk>,
}

/// What changed from one version to another.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    pub paper_id: i64,
    pub from: i32,
    pub to: i32,
    /// Title, summary and target body, where they differ.
    #[schema(max_items = 16)]
    pub changed_fields: Vec<FieldChange>,
    /// `true` when either body differs.
    pub body_changed: bool,
    pub body: BodyDiff,
}

/// Compares two versions of a paper: the short fields that differ, and the bodies line by line.
#[utoipa::path(
    tag = "position-papers",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Paper id"), CompareQuery),
    responses((status = 200, body = Comparison))
)]
#[get("/position-papers/{id}/compare")]
pub async fn compare_versions(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<CompareQuery>,
) -> Result<web::Json<Comparison>, ApiError> {
    let q = query.into_inner();
    let (paper, _) = visible_paper(&state.db, auth.as_ref(), id.into_inner()).await?;
    if q.from < 1 || q.to < 1 {
        return Err(ApiError::Problem(
            ProblemCode::InvalidParameter,
            Text::new("Version numbers start at 1.", "تبدأ أرقام النسخ من 1."),
        ));
    }
    let a = version_or_404(&state.db, paper.id, q.from).await?;
    let b = version_or_404(&state.db, paper.id, q.to).await?;
    let mut changed_fields = Vec::new();
    for (field, x, y) in [
        ("target_body", &a.target_body, &b.target_body),
        ("title.ar", &a.title_ar, &b.title_ar),
        ("title.en", &a.title_en, &b.title_en),
        ("summary.ar", &a.summary_ar, &b.summary_ar),
        ("summary.en", &a.summary_en, &b.summary_en),
    ] {
        if x != y {
            changed_fields.push(FieldChange {
                field: field.to_owned(),
                from: x.clone(),
                to: y.clone(),
            });
        }
    }
    let body_changed = a.body_ar != b.body_ar || a.body_en != b.body_en;
    // Line diffs are CPU work: off the async workers.
    let body = web::block(move || BodyDiff {
        ar: diff::lines(&a.body_ar, &b.body_ar),
        en: diff::lines(&a.body_en, &b.body_en),
    })
    .await
    .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    Ok(web::Json(Comparison {
        paper_id: paper.id,
        from: q.from,
        to: q.to,
        changed_fields,
        body_changed,
        body,
    }))
}
