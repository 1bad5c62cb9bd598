use actix_web::{HttpResponse, post, web};
use entity::{position_paper, position_paper_author, position_paper_version};
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{PaperBody, check_authors, check_links, response, search_text};
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::{Bilingual, BilingualText, PaperStatus};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// A new paper, drafted on a platform.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreatePaperRequest {
    pub platform_id: i64,
    /// A topic of the platform's work plan.
    pub topic_id: Option<i64>,
    /// A working group of the platform (of `topic_id`, when both are given).
    pub working_group_id: Option<i64>,
    /// The policy body the paper is addressed to.
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub target_body: String,
    #[validate(nested)]
    pub title: Bilingual,
    #[validate(nested)]
    #[serde(default)]
    pub summary: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub body: PaperBody,
    /// Active members of the platform; default: the caller.
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub author_ids: Vec<i64>,
    /// A note for the first version.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: String,
}

/// Drafts a position paper (active members of the platform, its coordinators, admins). The
/// text becomes version 1.
#[utoipa::path(
    tag = "position-papers",
    request_body = CreatePaperRequest,
    responses((status = 201, body = super::PaperResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/position-papers")]
pub async fn create_paper(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreatePaperRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    crate::access::require_some_standing(&txn, &auth).await?;
    let req = body.into_inner()?;
    let platform = crate::db::find_named::<entity::platform::Entity>(
        &txn,
        req.platform_id,
        "/platform_id",
        crate::db::NO_PLATFORM,
    )
    .await?;
    let standing = Standing::of(&txn, &auth, platform.id).await?;
    let member = standing.member;
    crate::access::require_drafter(standing)?;
    check_links(&txn, platform.id, req.topic_id, req.working_group_id).await?;
    let wanted = if req.author_ids.is_empty() && member {
        vec![auth.id()]
    } else {
        req.author_ids.clone()
    };
    let authors = check_authors(&txn, platform.id, &wanted).await?;
    let title = req.title.trimmed();
    let target = req.target_body.trim().to_owned();
    let paper = position_paper::ActiveModel {
        platform_id: Set(platform.id),
        topic_id: Set(req.topic_id),
        working_group_id: Set(req.working_group_id),
        search_text: Set(search_text(&title, &req.summary, &target)),
        target_body: Set(target.clone()),
        status: Set(PaperStatus::Draft),
        title_ar: Set(title.ar.clone()),
        title_en: Set(title.en.clone()),
        summary_ar: Set(req.summary.ar.clone()),
        summary_en: Set(req.summary.en.clone()),
        body_ar: Set(req.body.ar.clone()),
        body_en: Set(req.body.en.clone()),
        current_version: Set(1),
        created_by: Set(auth.id()),
        version: Set(1),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    position_paper_version::ActiveModel {
        paper_id: Set(paper.id),
        number: Set(1),
        target_body: Set(target),
        title_ar: Set(title.ar),
        title_en: Set(title.en),
        summary_ar: Set(req.summary.ar),
        summary_en: Set(req.summary.en),
        body_ar: Set(req.body.ar),
        body_en: Set(req.body.en),
        note: Set(req.note.trim().to_owned()),
        edited_by: Set(auth.id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for a in &authors {
        position_paper_author::ActiveModel {
            paper_id: Set(paper.id),
            user_id: Set(*a),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    Entry::new(Action::PositionPaperCreate, paper.id)
        .created(&paper)
        .platform(platform.id)
        .field("author_ids", &authors)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, paper).await?;
    state.commit(txn).await?;
    Ok(etag::created(
        body.version,
        format!("/api/v1/position-papers/{}", body.id),
        &body,
    ))
}
