use actix_web::{HttpResponse, post, web};
use entity::{partnership, partnership_step};
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{
    DocumentLink, PartyInput, check_dates, check_parties, list_json, response, search_text,
    write_parties,
};
use crate::access::require_agreement_manager;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::{Bilingual, BilingualText, PartnershipKind, PartnershipStatus, StepOrigin};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// A new agreement; it opens in consultation.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreatePartnershipRequest {
    pub kind: PartnershipKind,
    #[validate(nested)]
    pub subject: Bilingual,
    #[validate(nested)]
    #[serde(default)]
    pub objectives: BilingualText,
    /// Fields of cooperation.
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    #[serde(default)]
    pub fields: Vec<Bilingual>,
    /// How progress is measured.
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    #[serde(default)]
    pub indicators: Vec<Bilingual>,
    /// Who supervises, follows up and evaluates.
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub supervising_body: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    #[validate(nested, length(min = 2, max = 20))]
    #[schema(min_items = 2, max_items = 20)]
    pub parties: Vec<PartyInput>,
    /// The consultation's date (default today).
    pub consultation_on: Option<chrono::NaiveDate>,
    /// Minutes of the consultation meetings.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    #[serde(default)]
    pub minutes: String,
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    #[serde(default)]
    pub documents: Vec<DocumentLink>,
}

/// Opens an agreement in consultation (admins and the international partnerships task force).
#[utoipa::path(
    tag = "partnerships",
    request_body = CreatePartnershipRequest,
    responses((status = 201, body = super::PartnershipResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/partnerships")]
pub async fn create_partnership(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreatePartnershipRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    require_agreement_manager(&txn, &auth).await?;
    let req = body.into_inner()?;
    check_dates(req.starts_on, req.ends_on)?;
    let on = req.consultation_on.unwrap_or_else(|| now.date_naive());
    if on > now.date_naive() {
        return Err(ApiError::field(
            "/consultation_on",
            "future",
            Text::new("cannot be in the future", "لا يمكن أن يكون في المستقبل"),
        ));
    }
    let names = check_parties(&txn, &req.parties).await?;
    let subject = req.subject.clone().trimmed();
    let supervising = req.supervising_body.trim().to_owned();
    let saved = partnership::ActiveModel {
        kind: Set(req.kind),
        search_text: Set(search_text(&subject, &supervising, &names)),
        subject_ar: Set(subject.ar),
        subject_en: Set(subject.en),
        objectives_ar: Set(req.objectives.ar.clone()),
        objectives_en: Set(req.objectives.en.clone()),
        fields: Set(list_json(&req.fields)),
        indicators: Set(list_json(&req.indicators)),
        supervising_body: Set(supervising),
        starts_on: Set(req.starts_on),
        ends_on: Set(req.ends_on),
        status: Set(PartnershipStatus::Consultation),
        created_by: Set(auth.id()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_parties(&txn, saved.id, &req.parties, names, false).await?;
    partnership_step::ActiveModel {
        partnership_id: Set(saved.id),
        from_status: Set(StepOrigin(None)),
        to_status: Set(PartnershipStatus::Consultation),
        on_date: Set(on),
        minutes: Set(req.minutes.trim().to_owned()),
        documents: Set(serde_json::to_string(&req.documents).unwrap_or_else(|_| "[]".into())),
        actor_id: Set(auth.id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::PartnershipCreate, saved.id)
        .created(&saved)
        .field("parties", &req.parties)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, saved, now.date_naive()).await?;
    state.commit(txn).await?;
    Ok(etag::created(
        body.version,
        format!("/api/v1/partnerships/{}", body.id),
        &body,
    ))
}
