use actix_web::{get, web};
use entity::{position_paper, position_paper_author};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{PaperSummary, authors_of, endorsement_counts};
use crate::auth::AuthUser;
use crate::domain::{Bilingual, BilingualText, PaperStatus, search};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPapersQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub platform_id: Option<i64>,
    pub topic_id: Option<i64>,
    pub working_group_id: Option<i64>,
    pub status: Option<PaperStatus>,
    /// Papers this user co-authored.
    pub author_id: Option<i64>,
    /// Words in the title, summary or target body, ignoring Arabic diacritics, letter variants and case.
    pub q: Option<String>,
}

crate::listed!(PaperSummary => PaperList, "A page of papers.");

/// Position papers the caller may see: published ones for everybody; unpublished ones of their
/// platforms (members and coordinators) and of their own authorship; everything for admins.
#[utoipa::path(
    tag = "position-papers",
    security((), ("bearer" = [])),
    params(ListPapersQuery),
    responses((status = 200, body = PaperList))
)]
#[get("/position-papers")]
pub async fn list_papers(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    query: web::Query<ListPapersQuery>,
) -> Result<web::Json<PaperList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = position_paper::Entity::find().filter(
        crate::access::readable(&state.db, auth.as_ref(), crate::access::readable_papers).await?,
    );
    if let Some(after) = page.after {
        select = select.filter(position_paper::Column::Id.gt(after));
    }
    if let Some(p) = q.platform_id {
        select = select.filter(position_paper::Column::PlatformId.eq(p));
    }
    if let Some(t) = q.topic_id {
        select = select.filter(position_paper::Column::TopicId.eq(t));
    }
    if let Some(g) = q.working_group_id {
        select = select.filter(position_paper::Column::WorkingGroupId.eq(g));
    }
    if let Some(s) = q.status {
        select = select.filter(position_paper::Column::Status.eq(s));
    }
    if let Some(author) = q.author_id {
        let by = position_paper_author::Entity::find()
            .select_only()
            .column(position_paper_author::Column::PaperId)
            .filter(position_paper_author::Column::UserId.eq(author))
            .into_query();
        select = select.filter(position_paper::Column::Id.in_subquery(by));
    }
    if let Some(text) = q.q.as_deref().filter(|t| !search::fold(t).is_empty()) {
        select = select.filter(
            position_paper::Column::SearchText
                .like(LikeExpr::new(search::like_pattern(text)).escape('\\')),
        );
    }
    // Everything but the bodies, which a list does not show.
    let rows = select
        .select_only()
        .columns([
            position_paper::Column::Id,
            position_paper::Column::PlatformId,
            position_paper::Column::TopicId,
            position_paper::Column::WorkingGroupId,
            position_paper::Column::TargetBody,
            position_paper::Column::Status,
            position_paper::Column::TitleAr,
            position_paper::Column::TitleEn,
            position_paper::Column::SummaryAr,
            position_paper::Column::SummaryEn,
            position_paper::Column::CurrentVersion,
            position_paper::Column::PublishedAt,
            position_paper::Column::UpdatedAt,
        ])
        .order_by_asc(position_paper::Column::Id)
        .limit(page.fetch())
        .into_model::<Row>()
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut authors = authors_of(&state.db, &ids).await?;
    let counts = endorsement_counts(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| PaperSummary {
            authors: authors.remove(&r.id).unwrap_or_default(),
            endorsements: counts.get(&r.id).copied().unwrap_or(0),
            id: r.id,
            platform_id: r.platform_id,
            topic_id: r.topic_id,
            working_group_id: r.working_group_id,
            target_body: r.target_body,
            status: r.status,
            title: Bilingual {
                ar: r.title_ar,
                en: r.title_en,
            },
            summary: BilingualText::new(r.summary_ar, r.summary_en),
            current_version: r.current_version,
            published_at: r.published_at,
            updated_at: r.updated_at,
        })
        .collect();
    Ok(web::Json(PaperList { items, next_cursor }))
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct Row {
    id: i64,
    platform_id: i64,
    topic_id: Option<i64>,
    working_group_id: Option<i64>,
    target_body: String,
    status: PaperStatus,
    title_ar: String,
    title_en: String,
    summary_ar: String,
    summary_en: String,
    current_version: i32,
    published_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: chrono::DateTime<chrono::Utc>,
}
