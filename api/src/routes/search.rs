//! One search box over the exchange: platforms, topics, working groups, task forces, workshops,
//! position papers, practices, documents and people (`services::search`), ranked, filtered, each
//! hit with a snippet whose found words are marked.

use crate::routes::Routes;
use actix_web::{get, web};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::domain::search::{self, HitKind, Segment};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::pagination::limit;
use crate::services::search::{Cursor, Hit, Request};
use crate::state::AppState;

pub fn configure(cfg: &mut Routes) {
    cfg.service(search_all);
}

/// A hit's title in Arabic and English; either may be empty (a discussion may be titled in one
/// language only).
#[derive(Debug, Serialize, ToSchema)]
pub struct HitTitle {
    #[schema(max_length = 200, example = "دليل عام حول \"الهندسة والتخطيط\"")]
    pub ar: String,
    #[schema(max_length = 200)]
    pub en: String,
}

/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: HitKind,
    pub id: i64,
    /// Its title (a person's name).
    pub title: HitTitle,
    /// The platform it belongs to, or the platform itself (none for task forces and people).
    pub platform_id: Option<i64>,
    /// Where to read it.
    #[schema(
        example = "/api/v1/practices/2",
        max_length = 200,
        pattern = "^/api/v1/[a-z-]+/[0-9]+(/[a-z-]+)?$"
    )]
    pub href: String,
    /// Its date: a workshop's start; a paper's, practice's or document's publication (else its
    /// creation); a discussion's opening; none for the other kinds.
    pub date: Option<DateTime<Utc>>,
    /// How well it matches: higher is better, comparable within one answer only.
    pub score: f64,
    /// A passage of its text (about 200 characters, its language as written) around the first
    /// word found, cut at words with `…`; the words found are segments with `hit: true`.
    /// Concatenated, the segments are the passage.
    #[schema(max_items = 100)]
    pub snippet: Vec<Segment>,
}

crate::listed!(SearchHit => SearchResults, "Hits, best first (then by kind and id).");

/// The query, its filters and paging. A filter on something a kind does not have leaves that
/// kind out: `local_authority_id` and `governorate` find practices and people; `from` and `to`
/// find workshops, papers, practices and documents; `platform_id` finds all but task forces.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find, in Arabic or English (1–200 characters, not only spaces; punctuation and
    /// single letters alone find nothing). Every word must be found; Arabic is folded (hamza
    /// forms, alef maqsura, ta marbuta, diacritics, tatweel) and found with or without the
    /// article; English is stemmed.
    #[param(example = "الاداره الماليه", min_length = 1, max_length = 200)]
    pub q: String,
    /// Only hits of this kind.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<HitKind>,
    /// Of this platform: its topics, working groups, papers, practices and documents, the
    /// workshops it hosts, the people who show they are its members.
    pub platform_id: Option<i64>,
    /// Of this local authority: its practices, and the people who show they work there.
    pub local_authority_id: Option<i64>,
    /// Of an authority in this governorate, exactly as the authorities name it.
    #[param(min_length = 1, max_length = 100, example = "الخليل")]
    pub governorate: Option<String>,
    /// Dated at or after.
    pub from: Option<DateTime<Utc>>,
    /// Dated before (a `to` at or before `from` finds nothing dated).
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn encode(c: &Cursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
        "s:{:016x}:{}:{}",
        c.score.to_bits(),
        c.kind,
        c.id
    ))
}

fn decode(cursor: &str) -> Result<Cursor, ApiError> {
    let raw = crate::pagination::cursor_text(cursor)?;
    let mut parts = raw
        .strip_prefix("s:")
        .ok_or_else(crate::pagination::bad_cursor)?
        .split(':');
    let score = parts
        .next()
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .map(f64::from_bits)
        .filter(|s| s.is_finite());
    let kind = parts
        .next()
        .and_then(|k| k.parse::<usize>().ok())
        .filter(|k| *k < HitKind::ALL.len());
    let id = parts.next().and_then(|i| i.parse::<i64>().ok());
    match (score, kind, id, parts.next()) {
        (Some(score), Some(kind), Some(id), None) => Ok(Cursor { score, kind, id }),
        _ => Err(crate::pagination::bad_cursor()),
    }
}

fn invalid(en: String, ar: String) -> ApiError {
    ApiError::Problem(ProblemCode::InvalidParameter, Text::new(en, ar))
}

fn href(h: &Hit) -> String {
    let id = h.link_id;
    match h.kind {
        HitKind::Platform => format!("/api/v1/platforms/{id}"),
        HitKind::Topic => format!("/api/v1/topics/{id}"),
        HitKind::WorkingGroup => format!("/api/v1/topics/{id}/working-group"),
        HitKind::TaskForce => format!("/api/v1/task-forces/{id}"),
        HitKind::Workshop => format!("/api/v1/workshops/{id}"),
        HitKind::PositionPaper => format!("/api/v1/position-papers/{id}"),
        HitKind::Practice => format!("/api/v1/practices/{id}"),
        HitKind::Document => format!("/api/v1/documents/{id}"),
        HitKind::Discussion => format!("/api/v1/discussions/{id}"),
        HitKind::Person => format!("/api/v1/directory/{id}"),
    }
}

/// Searches the exchange (anyone; signed in, also people and what the caller's platforms and
/// authorship let them read): every word must be found, in Arabic folded (hamza forms, alef
/// maqsura, ta marbuta, diacritics, tatweel; with or without the article) or in English
/// stemmed, on the databases' own full-text engines. A hit is only ever something the caller
/// may open: members-only workshops for their people, unpublished papers, practices and
/// documents for those who may read them, people by name only and by the fields they show the
/// caller.
#[utoipa::path(
    tag = "search",
    security((), ("bearer" = [])),
    params(SearchQuery),
    responses((status = 200, body = SearchResults))
)]
#[get("/search")]
pub async fn search_all(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<web::Json<SearchResults>, ApiError> {
    let q = query.into_inner();
    if q.q.trim().is_empty() || q.q.chars().count() > 200 {
        return Err(invalid(
            "q must have between 1 and 200 characters of text.".into(),
            "يجب أن يحتوي q على نص بين 1 و200 حرف.".into(),
        ));
    }
    let governorate = q.governorate.as_deref().map(str::trim);
    if governorate.is_some_and(|g| g.is_empty() || g.chars().count() > 100) {
        return Err(invalid(
            "governorate must have between 1 and 100 characters.".into(),
            "يجب أن يحتوي governorate على نص بين 1 و100 حرف.".into(),
        ));
    }
    let limit = limit(q.limit)?;
    let after = q.cursor.as_deref().map(decode).transpose()?;
    let terms = search::terms(&q.q);
    let request = Request {
        terms: &terms,
        kind: q.kind,
        platform_id: q.platform_id,
        local_authority_id: q.local_authority_id,
        governorate,
        from: q.from,
        to: q.to,
        after,
        limit,
    };
    let mut hits = crate::services::search::search(&state.db, auth.as_ref(), &request).await?;
    let next_cursor = if hits.len() as u64 > limit {
        hits.truncate(limit as usize);
        hits.last().map(|h| {
            encode(&Cursor {
                score: h.score,
                kind: h.kind.index(),
                id: h.id,
            })
        })
    } else {
        None
    };
    let items = hits
        .into_iter()
        .map(|h| SearchHit {
            href: href(&h),
            snippet: terms.snippet(&[&h.body.0, &h.body.1, &h.title.0, &h.title.1]),
            kind: h.kind,
            id: h.id,
            title: HitTitle {
                ar: h.title.0,
                en: h.title.1,
            },
            platform_id: h.platform_id,
            date: h.date,
            score: h.score,
        })
        .collect();
    Ok(web::Json(SearchResults { items, next_cursor }))
}
