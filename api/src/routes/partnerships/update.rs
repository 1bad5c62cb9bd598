use actix_web::{HttpResponse, patch, web};
use entity::partnership;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{
    PartyInput, check_dates, check_parties, list_json, response, search_text, write_parties,
};
use crate::access::require_agreement_manager;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, BilingualPatch, BilingualTextPatch, PartnershipKind};
use crate::error::{ApiError, ProblemCode};
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::store::versioned;
use crate::state::AppState;

/// Changes to the terms; absent fields stay as they are. `parties` replaces all parties and
/// their contributions.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdatePartnershipRequest {
    pub kind: Option<PartnershipKind>,
    #[validate(nested)]
    pub subject: Option<BilingualPatch>,
    #[validate(nested)]
    pub objectives: Option<BilingualTextPatch>,
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    pub fields: Option<Vec<Bilingual>>,
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    pub indicators: Option<Vec<Bilingual>>,
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub supervising_body: Option<String>,
    pub starts_on: Option<chrono::NaiveDate>,
    pub ends_on: Option<chrono::NaiveDate>,
    #[validate(nested, length(min = 2, max = 20))]
    #[schema(min_items = 2, max_items = 20)]
    pub parties: Option<Vec<PartyInput>>,
}

/// Changes an agreement's terms while they are negotiated (consultation, drafting, council
/// deliberation), with `If-Match`; later changes go through the `amended` step → 409.
#[utoipa::path(
    tag = "partnerships",
    params(
        ("id" = i64, Path, description = "Agreement id"),
        IfMatch,
    ),
    request_body = UpdatePartnershipRequest,
    responses(
        (status = 200, body = super::PartnershipResponse),
        (status = 409, description = "The terms are settled (approved or later)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/partnerships/{id}")]
pub async fn update_partnership(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdatePartnershipRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    require_agreement_manager(&txn, &auth).await?;
    let body = body.into_inner()?;
    let current = find_or_404::<entity::partnership::Entity>(&txn, id.into_inner()).await?;
    let expected = if_match.expected()?;
    versioned::check::<partnership::Entity>(&current, expected)?;
    let before_view = response(&txn, current.clone(), now.date_naive()).await?;
    if !current.status.terms_editable() {
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "The terms are settled once approved; record an amendment step instead.",
                "تُثبّت بنود الاتفاقية بعد المصادقة؛ سجّل خطوة تعديل بدلًا من ذلك.",
            ),
        ));
    }
    let starts = body.starts_on.unwrap_or(current.starts_on);
    let ends = body.ends_on.unwrap_or(current.ends_on);
    check_dates(starts, ends)?;
    let names = match &body.parties {
        Some(p) => Some(check_parties(&txn, p).await?),
        None => None,
    };
    let subject = body
        .subject
        .clone()
        .unwrap_or_default()
        .merge(&current.subject_ar, &current.subject_en);
    let supervising = body
        .supervising_body
        .as_deref()
        .map(str::trim)
        .unwrap_or(&current.supervising_body)
        .to_owned();
    let party_names = match &names {
        Some(n) => n.clone(),
        None => entity::partnership_party::Entity::find()
            .filter(entity::partnership_party::Column::PartnershipId.eq(current.id))
            .order_by_asc(entity::partnership_party::Column::Position)
            .all(&txn)
            .await?
            .into_iter()
            .map(|p| Bilingual {
                ar: p.name_ar,
                en: p.name_en,
            })
            .collect(),
    };
    let mut m = current.clone().into_active_model();
    m.search_text = Set(search_text(&subject, &supervising, &party_names));
    m.subject_ar = Set(subject.ar);
    m.subject_en = Set(subject.en);
    m.supervising_body = Set(supervising);
    m.starts_on = Set(starts);
    m.ends_on = Set(ends);
    if let Some(k) = body.kind {
        m.kind = Set(k);
    }
    if let Some(o) = body.objectives.clone() {
        let o = o.merge(&current.objectives_ar, &current.objectives_en);
        m.objectives_ar = Set(o.ar);
        m.objectives_en = Set(o.en);
    }
    if let Some(f) = &body.fields {
        m.fields = Set(list_json(f));
    }
    if let Some(i) = &body.indicators {
        m.indicators = Set(list_json(i));
    }
    m.updated_at = Set(now);
    let updated = versioned::save::<partnership::Entity>(&txn, current.id, expected, m).await?;
    if let (Some(parties), Some(names)) = (&body.parties, names) {
        write_parties(&txn, current.id, parties, names, true).await?;
    }
    let mut entry = Entry::new(Action::PartnershipUpdate, current.id).updated(&current, &updated);
    if let Some(p) = &body.parties {
        entry = entry.field("parties", p);
    }
    entry.write(&txn, &auth, now).await?;
    let body = response(&txn, updated, now.date_naive()).await?;
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}
