use actix_web::{HttpResponse, patch, web};
use entity::{position_paper, position_paper_author, position_paper_version};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{PaperBodyPatch, check_authors, check_links, response, search_text, visible_paper};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{BilingualPatch, BilingualTextPatch, PaperStatus};
use crate::error::{ApiError, ProblemCode};
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::store::versioned;
use crate::state::AppState;

/// Changes to a draft; absent fields stay as they are, `null` clears a topic or working group.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdatePaperRequest {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub target_body: Option<String>,
    #[validate(nested)]
    pub title: Option<BilingualPatch>,
    #[validate(nested)]
    pub summary: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub body: Option<PaperBodyPatch>,
    /// Replaces the authors (active members of the platform).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub author_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub topic_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub working_group_id: Option<Option<i64>>,
    /// What changed, kept with the new version.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: String,
}

/// Edits a draft (its authors, the platform's coordinators, admins), with `If-Match`. A change
/// of the text (title, summary, body, target body) makes a new immutable version; earlier
/// versions never change. Papers past `draft` → 409.
#[utoipa::path(
    tag = "position-papers",
    params(
        ("id" = i64, Path, description = "Paper id"),
        IfMatch,
    ),
    request_body = UpdatePaperRequest,
    responses(
        (status = 200, body = super::PaperResponse),
        (status = 409, description = "The paper is no longer a draft", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/position-papers/{id}")]
pub async fn update_paper(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdatePaperRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (current, standing) = visible_paper(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_editor()?;
    let body = body.into_inner()?;
    let expected = if_match.expected()?;
    versioned::check::<position_paper::Entity>(&current, expected)?;
    let before_view = response(&txn, current.clone()).await?;
    if current.status != PaperStatus::Draft {
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "Only a draft can be edited; send it back to draft first.",
                "يمكن تعديل المسودة فقط؛ أعدها إلى مرحلة المسودة أولًا.",
            ),
        ));
    }
    let topic_id = body.topic_id.unwrap_or(current.topic_id);
    let working_group_id = body.working_group_id.unwrap_or(current.working_group_id);
    check_links(&txn, current.platform_id, topic_id, working_group_id).await?;
    let authors = match &body.author_ids {
        Some(ids) => Some(check_authors(&txn, current.platform_id, ids).await?),
        None => None,
    };
    let target = body
        .target_body
        .as_deref()
        .map(str::trim)
        .unwrap_or(&current.target_body)
        .to_owned();
    let title = body
        .title
        .unwrap_or_default()
        .merge(&current.title_ar, &current.title_en);
    let summary = body
        .summary
        .unwrap_or_default()
        .merge(&current.summary_ar, &current.summary_en);
    let text = body
        .body
        .unwrap_or_default()
        .merge(&current.body_ar, &current.body_en);
    let text_changed = target != current.target_body
        || title.ar != current.title_ar
        || title.en != current.title_en
        || summary.ar != current.summary_ar
        || summary.en != current.summary_en
        || text.ar != current.body_ar
        || text.en != current.body_en;
    let number = current.current_version + i32::from(text_changed);
    let mut m = current.clone().into_active_model();
    m.search_text = Set(search_text(&title, &summary, &target));
    m.target_body = Set(target.clone());
    m.title_ar = Set(title.ar.clone());
    m.title_en = Set(title.en.clone());
    m.summary_ar = Set(summary.ar.clone());
    m.summary_en = Set(summary.en.clone());
    m.body_ar = Set(text.ar.clone());
    m.body_en = Set(text.en.clone());
    m.topic_id = Set(topic_id);
    m.working_group_id = Set(working_group_id);
    m.current_version = Set(number);
    m.updated_at = Set(now);
    versioned::save::<position_paper::Entity>(&txn, current.id, expected, m).await?;
    if text_changed {
        position_paper_version::ActiveModel {
            paper_id: Set(current.id),
            number: Set(number),
            target_body: Set(target),
            title_ar: Set(title.ar),
            title_en: Set(title.en),
            summary_ar: Set(summary.ar),
            summary_en: Set(summary.en),
            body_ar: Set(text.ar),
            body_en: Set(text.en),
            note: Set(body.note.trim().to_owned()),
            edited_by: Set(auth.id()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    if let Some(ids) = &authors {
        position_paper_author::Entity::delete_many()
            .filter(position_paper_author::Column::PaperId.eq(current.id))
            .exec(&txn)
            .await?;
        for a in ids {
            position_paper_author::ActiveModel {
                paper_id: Set(current.id),
                user_id: Set(*a),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    let updated = find_or_404::<entity::position_paper::Entity>(&txn, current.id).await?;
    let mut entry = Entry::new(Action::PositionPaperUpdate, current.id)
        .updated(&current, &updated)
        .platform(current.platform_id);
    if let Some(ids) = &authors {
        entry = entry.field("author_ids", ids);
    }
    entry.write(&txn, &auth, now).await?;
    let body = response(&txn, updated).await?;
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}
