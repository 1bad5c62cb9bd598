use actix_web::{HttpResponse, patch, web};
use entity::document;
use sea_orm::{IntoActiveModel, Set};

use super::model::UpdateDocumentRequest;
use super::rules::{Links, check_links, require_not_archived, search_text, visible_document};
use super::view::response;
use crate::access::authors;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::services::store::versioned;
use crate::state::AppState;

/// Edits a document (its authors, its platform's coordinators, administrators), with
/// `If-Match`: its kind, its title and summary (one language may change alone), what it is the
/// output of, its authors. An archived document no longer changes (409 `not_editable`).
#[utoipa::path(
    tag = "documents",
    params(("id" = i64, Path, description = "Document id"), IfMatch),
    request_body = UpdateDocumentRequest,
    responses(
        (status = 200, body = super::DocumentResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The document is archived", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/documents/{id}")]
pub async fn update_document(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateDocumentRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (current, standing) = visible_document(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_editor()?;
    let body = body.into_inner()?;
    let expected = if_match.expected()?;
    versioned::check::<document::Entity>(&current, expected)?;
    require_not_archived(&current)?;
    let links = Links {
        working_group_id: body.working_group_id.unwrap_or(current.working_group_id),
        activity_id: body.activity_id.unwrap_or(current.activity_id),
        milestone_id: body.milestone_id.unwrap_or(current.milestone_id),
        position_paper_id: body.position_paper_id.unwrap_or(current.position_paper_id),
    };
    check_links(&txn, current.platform_id, &links).await?;
    let author_ids = match &body.author_ids {
        Some(ids) => crate::db::check_people(&txn, ids, "/author_ids").await?,
        None => authors(&current),
    };
    let title = body
        .title
        .unwrap_or_default()
        .merge(&current.title_ar, &current.title_en);
    let summary = body
        .summary
        .unwrap_or_default()
        .merge(&current.summary_ar, &current.summary_en);
    let mut next = current.clone();
    next.kind = body.kind.unwrap_or(current.kind);
    next.search_text = search_text(&title, &summary);
    next.title_ar = title.ar;
    next.title_en = title.en;
    next.summary_ar = summary.ar;
    next.summary_en = summary.en;
    next.working_group_id = links.working_group_id;
    next.activity_id = links.activity_id;
    next.milestone_id = links.milestone_id;
    next.position_paper_id = links.position_paper_id;
    next.author_ids = serde_json::to_string(&author_ids).unwrap_or_else(|_| "[]".into());
    if next == current {
        return etag::unchanged(txn, response(current)).await;
    }
    let mut m = current.clone().into_active_model();
    m.kind = Set(next.kind);
    m.search_text = Set(next.search_text);
    m.title_ar = Set(next.title_ar);
    m.title_en = Set(next.title_en);
    m.summary_ar = Set(next.summary_ar);
    m.summary_en = Set(next.summary_en);
    m.working_group_id = Set(next.working_group_id);
    m.activity_id = Set(next.activity_id);
    m.milestone_id = Set(next.milestone_id);
    m.position_paper_id = Set(next.position_paper_id);
    m.author_ids = Set(next.author_ids);
    m.updated_at = Set(now);
    let updated = versioned::save::<document::Entity>(&txn, current.id, expected, m).await?;
    Entry::new(Action::DocumentUpdate, current.id)
        .updated(&current, &updated)
        .platform(current.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let body = response(updated);
    Ok(etag::tagged(body.version, &body))
}
