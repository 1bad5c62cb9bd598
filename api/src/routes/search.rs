//! One search box over platforms, topics, working groups and task forces. Text is folded the
//! same way when stored and when searched (Arabic diacritics dropped, letter variants unified,
//! Latin lower-cased), so a plain `LIKE` finds it on SQLite and PostgreSQL alike.

use actix_web::{get, web};
use base64::Engine as _;
use entity::{platform, task_force, topic, working_group};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::{Bilingual, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::pagination::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search_all);
}

/// What a hit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Platform,
    Topic,
    WorkingGroup,
    TaskForce,
}

const ORDER: [HitKind; 4] = [
    HitKind::Platform,
    HitKind::Topic,
    HitKind::WorkingGroup,
    HitKind::TaskForce,
];

/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: HitKind,
    pub id: i64,
    pub title: Bilingual,
    /// The platform it belongs to (topics and working groups), or the platform itself.
    pub platform_id: Option<i64>,
    /// Where to read it.
    #[schema(
        example = "/api/v1/platforms/2",
        max_length = 200,
        pattern = "^/api/v1/[a-z-]+/[0-9]+(/[a-z-]+)?$"
    )]
    pub href: String,
}

crate::listed!(SearchHit => SearchResults, "Hits by kind (platforms, topics, working groups, task forces), then by id.");

/// The query and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find, in Arabic or English (1–200 characters, not only spaces; punctuation alone
    /// finds nothing).
    #[param(example = "الاداره الماليه", min_length = 1, max_length = 200)]
    pub q: String,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn encode(kind: usize, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("s:{kind}:{id}"))
}

fn decode(cursor: &str) -> Result<(usize, i64), ApiError> {
    let raw = crate::pagination::cursor_text(cursor)?;
    let mut parts = raw
        .strip_prefix("s:")
        .ok_or_else(crate::pagination::bad_cursor)?
        .split(':');
    let kind = parts
        .next()
        .and_then(|k| k.parse::<usize>().ok())
        .filter(|k| *k < ORDER.len());
    let id = parts.next().and_then(|i| i.parse::<i64>().ok());
    match (kind, id) {
        (Some(k), Some(i)) => Ok((k, i)),
        _ => Err(crate::pagination::bad_cursor()),
    }
}

/// The rows of one searchable table whose search key matches, after `after`, in id order.
async fn matching<E>(
    db: &impl ConnectionTrait,
    (search_text, id): (E::Column, E::Column),
    pattern: &str,
    after: i64,
    limit: u64,
) -> Result<Vec<E::Model>, ApiError>
where
    E: EntityTrait,
{
    Ok(E::find()
        .filter(search_text.like(LikeExpr::new(pattern).escape('\\')))
        .filter(id.gt(after))
        .order_by_asc(id)
        .limit(limit)
        .all(db)
        .await?)
}

async fn find(
    db: &impl ConnectionTrait,
    kind: HitKind,
    pattern: &str,
    after: i64,
    limit: u64,
) -> Result<Vec<SearchHit>, ApiError> {
    let hit =
        |id: i64, (ar, en): (String, String), platform_id: Option<i64>, href: String| SearchHit {
            kind,
            id,
            title: Bilingual { ar, en },
            platform_id,
            href,
        };
    let hits = match kind {
        HitKind::Platform => {
            let columns = (platform::Column::SearchText, platform::Column::Id);
            matching::<platform::Entity>(db, columns, pattern, after, limit)
                .await?
                .into_iter()
                .map(|p| {
                    let href = format!("/api/v1/platforms/{}", p.id);
                    hit(p.id, (p.name_ar, p.name_en), Some(p.id), href)
                })
                .collect()
        }
        HitKind::Topic => {
            let columns = (topic::Column::SearchText, topic::Column::Id);
            matching::<topic::Entity>(db, columns, pattern, after, limit)
                .await?
                .into_iter()
                .map(|t| {
                    let href = format!("/api/v1/topics/{}", t.id);
                    hit(t.id, (t.title_ar, t.title_en), Some(t.platform_id), href)
                })
                .collect()
        }
        HitKind::WorkingGroup => {
            let columns = (working_group::Column::SearchText, working_group::Column::Id);
            matching::<working_group::Entity>(db, columns, pattern, after, limit)
                .await?
                .into_iter()
                .map(|g| {
                    let href = format!("/api/v1/topics/{}/working-group", g.topic_id);
                    hit(g.id, (g.name_ar, g.name_en), Some(g.platform_id), href)
                })
                .collect()
        }
        HitKind::TaskForce => {
            let columns = (task_force::Column::SearchText, task_force::Column::Id);
            matching::<task_force::Entity>(db, columns, pattern, after, limit)
                .await?
                .into_iter()
                .map(|t| {
                    let href = format!("/api/v1/task-forces/{}", t.id);
                    hit(t.id, (t.name_ar, t.name_en), None, href)
                })
                .collect()
        }
    };
    Ok(hits)
}

/// Searches platforms, topics, working groups and task forces (public), ignoring Arabic
/// diacritics and letter variants (أ/إ/آ/ا, ى/ي, ة/ه) and English case.
#[utoipa::path(tag = "search", security(()), params(SearchQuery), responses((status = 200, body = SearchResults)))]
#[get("/search")]
pub async fn search_all(
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<web::Json<SearchResults>, ApiError> {
    let q = query.into_inner();
    if q.q.trim().is_empty() || q.q.chars().count() > 200 {
        return Err(ApiError::Problem(
            ProblemCode::InvalidParameter,
            Text::new(
                "q must have between 1 and 200 characters of text.",
                "يجب أن يحتوي q على نص بين 1 و200 حرف.",
            ),
        ));
    }
    let limit = match q.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => n as u64,
        Some(n) => {
            return Err(ApiError::Problem(
                ProblemCode::InvalidParameter,
                Text::new(
                    format!("limit must be between 1 and {MAX_LIMIT}, got {n}."),
                    format!("يجب أن تكون قيمة limit بين 1 و{MAX_LIMIT}، والقيمة المرسلة {n}."),
                ),
            ));
        }
    };
    let (start_kind, start_after) = match q.cursor.as_deref() {
        Some(c) => decode(c)?,
        None => (0, 0),
    };
    if search::fold(&q.q).is_empty() {
        // Punctuation alone: nothing to look for.
        return Ok(web::Json(SearchResults {
            items: Vec::new(),
            next_cursor: None,
        }));
    }
    let pattern = search::like_pattern(&q.q);
    let mut items: Vec<SearchHit> = Vec::new();
    let mut next_cursor = None;
    for (k, kind) in ORDER.iter().enumerate().skip(start_kind) {
        let after = if k == start_kind { start_after } else { 0 };
        let wanted = limit + 1 - items.len() as u64;
        let mut hits = find(&state.db, *kind, &pattern, after, wanted).await?;
        items.append(&mut hits);
        if items.len() as u64 > limit {
            items.truncate(limit as usize);
            // The page may end on the previous kind when this one gave just the extra row.
            next_cursor = items.last().map(|h| {
                let kind_index = ORDER.iter().position(|o| *o == h.kind).unwrap_or(k);
                encode(kind_index, h.id)
            });
            break;
        }
    }
    Ok(web::Json(SearchResults { items, next_cursor }))
}
