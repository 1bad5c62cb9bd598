use actix_web::{HttpResponse, patch, web};
use entity::{practice, practice_version};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::model::{PracticeText, UpdatePracticeRequest};
use super::rules::{check_contacts, check_topic, distinct, set_text, text_of, visible_practice};
use super::view::response;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::PracticeStatus;
use crate::error::{ApiError, ProblemCode};
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::store::versioned;
use crate::state::AppState;

/// Edits a practice (whoever drafted it, its contact people, its platform's coordinators and
/// administrators), with `If-Match`. A change of its text makes a new immutable version; earlier
/// versions never change. An archived practice no longer changes (409 `not_editable`).
#[utoipa::path(
    tag = "practices",
    params(("id" = i64, Path, description = "Practice id"), IfMatch),
    request_body = UpdatePracticeRequest,
    responses(
        (status = 200, body = super::PracticeResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The practice is archived", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/practices/{id}")]
pub async fn update_practice(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdatePracticeRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (current, standing) = visible_practice(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_editor()?;
    let body = body.into_inner()?;
    let expected = if_match.expected()?;
    versioned::check::<practice::Entity>(&current, expected)?;
    if current.status == PracticeStatus::Archived {
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "An archived practice no longer changes; publish it again first.",
                "لا تتغير الممارسة المؤرشفة؛ أعد نشرها أولًا.",
            ),
        ));
    }
    let topic_id = body.topic_id.unwrap_or(current.topic_id);
    check_topic(&txn, current.platform_id, topic_id).await?;
    let before = text_of(&current);
    let contact_ids = match &body.contact_ids {
        Some(ids) => check_contacts(&txn, ids).await?,
        None => before.contact_ids.clone(),
    };
    let patch = |p: Option<crate::domain::BilingualTextPatch>, t: &crate::domain::BilingualText| {
        p.unwrap_or_default().merge(&t.ar, &t.en)
    };
    let text = PracticeText {
        title: body
            .title
            .unwrap_or_default()
            .merge(&before.title.ar, &before.title.en),
        summary: patch(body.summary, &before.summary),
        problem: patch(body.problem, &before.problem),
        approach: patch(body.approach, &before.approach),
        results: patch(body.results, &before.results),
        costs: patch(body.costs, &before.costs),
        partners: patch(body.partners, &before.partners),
        duration_months: body.duration_months.unwrap_or(before.duration_months),
        contact_ids,
        sdg_targets: body
            .sdg_targets
            .as_deref()
            .map_or_else(|| before.sdg_targets.clone(), distinct),
        tags: body
            .tags
            .as_deref()
            .map_or_else(|| before.tags.clone(), distinct),
    };
    let text_changed = text != before;
    if !text_changed && topic_id == current.topic_id {
        return etag::unchanged(txn, response(current)).await;
    }
    let number = current.current_version + i32::from(text_changed);
    let mut m = current.clone().into_active_model();
    set_text(&mut m, &text);
    m.topic_id = Set(topic_id);
    m.current_version = Set(number);
    m.updated_at = Set(now);
    let updated = versioned::save::<practice::Entity>(&txn, current.id, expected, m).await?;
    if text_changed {
        practice_version::ActiveModel {
            practice_id: Set(current.id),
            number: Set(number),
            content: Set(
                serde_json::to_string(&text).map_err(|e| ApiError::Unexpected(e.to_string()))?
            ),
            note: Set(body.note.trim().to_owned()),
            edited_by: Set(auth.id()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    Entry::new(Action::PracticeUpdate, current.id)
        .updated(&current, &updated)
        .platform(current.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let body = response(updated);
    Ok(etag::tagged(body.version, &body))
}
