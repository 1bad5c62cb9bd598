use actix_web::{HttpResponse, post, web};
use entity::{practice, practice_version};
use sea_orm::{ActiveModelTrait, Set};

use super::model::{CreatePracticeRequest, PracticeText};
use super::rules::{check_contacts, check_topic, distinct, set_text};
use super::view::response;
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::PracticeStatus;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// Drafts a practice on a platform (its active members, its coordinators, administrators): what
/// the caller's local authority did, or, for an administrator, the authority named. The text
/// becomes version 1; the practice is its drafter's and its contact people's until the
/// platform's coordinators publish it.
#[utoipa::path(
    tag = "practices",
    request_body = CreatePracticeRequest,
    responses((status = 201, body = super::PracticeResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/practices")]
pub async fn create_practice(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreatePracticeRequest>,
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
    crate::access::require_sharer(standing)?;
    let authority = match (req.local_authority_id, auth.user.local_authority_id) {
        (Some(named), own) if auth.is_admin() || own == Some(named) => named,
        (Some(_), _) => {
            return Err(ApiError::field(
                "/local_authority_id",
                "not_allowed",
                Text::new(
                    "a member shares their own authority's practice; only administrators name another",
                    "يشارك العضو ممارسة هيئته؛ ولا يسمّي هيئة أخرى إلا المسؤولون",
                ),
            ));
        }
        (None, Some(own)) => own,
        (None, None) => {
            return Err(ApiError::field(
                "/local_authority_id",
                "no_local_authority",
                Text::new(
                    "you belong to no local authority: name the authority whose practice this is",
                    "لا تنتمي إلى هيئة محلية: سمِّ الهيئة صاحبة الممارسة",
                ),
            ));
        }
    };
    crate::db::find_named::<entity::local_authority::Entity>(
        &txn,
        authority,
        "/local_authority_id",
        crate::db::NO_LOCAL_AUTHORITY,
    )
    .await?;
    check_topic(&txn, platform.id, req.topic_id).await?;
    let contact_ids = if req.contact_ids.is_empty() {
        vec![auth.id()]
    } else {
        check_contacts(&txn, &req.contact_ids).await?
    };
    let text = PracticeText {
        title: req.title.trimmed(),
        summary: req.summary,
        problem: req.problem,
        approach: req.approach,
        results: req.results,
        costs: req.costs,
        partners: req.partners,
        duration_months: req.duration_months,
        contact_ids,
        sdg_targets: distinct(&req.sdg_targets),
        tags: distinct(&req.tags),
    };
    let mut row = practice::ActiveModel {
        platform_id: Set(platform.id),
        local_authority_id: Set(authority),
        topic_id: Set(req.topic_id),
        status: Set(PracticeStatus::Draft),
        current_version: Set(1),
        created_by: Set(auth.id()),
        version: Set(1),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_text(&mut row, &text);
    let p = row.insert(&txn).await?;
    practice_version::ActiveModel {
        practice_id: Set(p.id),
        number: Set(1),
        content: Set(serde_json::to_string(&text).map_err(|e| ApiError::Unexpected(e.to_string()))?),
        note: Set(req.note.trim().to_owned()),
        edited_by: Set(auth.id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::PracticeCreate, p.id)
        .created(&p)
        .platform(platform.id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let body = response(p);
    Ok(etag::created(
        body.version,
        format!("/api/v1/practices/{}", body.id),
        &body,
    ))
}
