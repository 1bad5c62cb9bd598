use actix_web::{HttpResponse, post, web};
use entity::document;
use sea_orm::{ActiveModelTrait, Set};

use super::model::CreateDocumentRequest;
use super::rules::{Links, check_links, search_text};
use super::view::response;
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::DocumentStatus;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Plans a document on a platform (its coordinators, administrators): a guide, a manual, a
/// template, a study or a position paper's final text, the output of an activity or a milestone
/// when it is one. It is `planned` until its first version is uploaded
/// (`POST /documents/{id}/versions`), and visible to the platform's members and its authors
/// until it is published.
#[utoipa::path(
    tag = "documents",
    request_body = CreateDocumentRequest,
    responses((status = 201, body = super::DocumentResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/documents")]
pub async fn create_document(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateDocumentRequest>,
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
    let links = Links {
        working_group_id: req.working_group_id,
        activity_id: req.activity_id,
        milestone_id: req.milestone_id,
        position_paper_id: req.position_paper_id,
    };
    check_links(&txn, platform.id, &links).await?;
    let author_ids = if req.author_ids.is_empty() {
        vec![auth.id()]
    } else {
        crate::db::check_people(&txn, &req.author_ids, "/author_ids").await?
    };
    let title = req.title.trimmed();
    let d = document::ActiveModel {
        platform_id: Set(platform.id),
        working_group_id: Set(links.working_group_id),
        kind: Set(req.kind),
        status: Set(DocumentStatus::Planned),
        search_text: Set(search_text(&title, &req.summary)),
        title_ar: Set(title.ar),
        title_en: Set(title.en),
        summary_ar: Set(req.summary.ar),
        summary_en: Set(req.summary.en),
        activity_id: Set(links.activity_id),
        milestone_id: Set(links.milestone_id),
        position_paper_id: Set(links.position_paper_id),
        author_ids: Set(serde_json::to_string(&author_ids).unwrap_or_else(|_| "[]".into())),
        current_version: Set(0),
        download_count: Set(0),
        created_by: Set(Some(auth.id())),
        version: Set(1),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::DocumentCreate, d.id)
        .created(&d)
        .platform(platform.id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let body = response(d);
    Ok(etag::created(
        body.version,
        format!("/api/v1/documents/{}", body.id),
        &body,
    ))
}
