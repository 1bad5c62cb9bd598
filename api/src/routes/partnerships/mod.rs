//! Partnership and twinning agreements (اتفاقيات الشراكة والتوأمة), following the
//! decentralized-cooperation office's procedure: consultation → drafting → council
//! deliberation → approved → signing → the governor's visa when the agreement has a financial
//! impact → in force → renewed, amended, completed or terminated. Each step keeps its date,
//! minutes and documents.
//!
//! Managed by admins and members of the international-partnerships task force; read by any
//! signed-in user; hidden from anonymous callers.

mod create;
mod list;
mod read;
mod steps;
mod update;

use std::collections::{BTreeMap, HashMap};

use entity::{
    local_authority, partnership, partnership_contribution, partnership_party, partnership_step,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::domain::money::parse_amount;
use crate::domain::{
    Bilingual, BilingualText, PartnershipKind, PartnershipStatus, PartyKind, search,
};
use crate::error::ApiError;
use crate::i18n::Text;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_partnerships)
        .service(list::expiring_partnerships)
        .service(create::create_partnership)
        .service(steps::list_steps)
        .service(steps::record_step)
        .service(read::get_partnership)
        .service(update::update_partnership);
}

/// A financial contribution of a party.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ContributionInput {
    /// Decimal string, more than zero, at most 4 decimals.
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "25000.00", format = "decimal")]
    pub amount: String,
    /// ISO 4217 code.
    #[validate(custom(function = "crate::domain::money::validate_currency"))]
    #[schema(
        example = "EUR",
        min_length = 3,
        max_length = 3,
        pattern = "^[A-Z]{3}$"
    )]
    pub currency: String,
    pub due_on: chrono::NaiveDate,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub description: String,
}

/// A party to the agreement. A `local_authority` party names one of the union's authorities
/// (its name is taken from there); any other party gives its name.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    pub kind: PartyKind,
    pub local_authority_id: Option<i64>,
    #[validate(nested)]
    pub name: Option<Bilingual>,
    /// ISO 3166-1 alpha-2 (default `PS`).
    #[validate(length(equal = 2))]
    #[schema(example = "FR", min_length = 2, max_length = 2, pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    /// What this party commits to.
    #[validate(nested)]
    #[serde(default)]
    pub obligations: BilingualText,
    #[validate(nested, length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub contributions: Vec<ContributionInput>,
}

/// A document attached to a step (a link).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DocumentLink {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(
        custom(function = "crate::domain::validate_web_url"),
        length(max = 1000)
    )]
    #[schema(max_length = 1000, format = "uri")]
    pub url: String,
}

/// A contribution as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionResponse {
    pub id: i64,
    #[schema(max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub amount: String,
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    pub due_on: chrono::NaiveDate,
    #[schema(max_length = 500)]
    pub description: String,
}

/// A party as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyResponse {
    pub id: i64,
    pub kind: PartyKind,
    pub local_authority_id: Option<i64>,
    pub name: Bilingual,
    #[schema(max_length = 2, pattern = "^([A-Z]{2})?$")]
    pub country: String,
    pub obligations: BilingualText,
    #[schema(max_items = 50)]
    pub contributions: Vec<ContributionResponse>,
}

/// A sum per currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyTotal {
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(
        example = "40000.00",
        max_length = 40,
        pattern = "^-?[0-9]+(\\.[0-9]+)?$"
    )]
    pub amount: String,
}

/// A recorded lifecycle step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepResponse {
    pub id: i64,
    /// `null` for the opening consultation.
    pub from: Option<PartnershipStatus>,
    pub to: PartnershipStatus,
    pub on: chrono::NaiveDate,
    #[schema(max_length = 20000)]
    pub minutes: String,
    #[schema(max_items = 30)]
    pub documents: Vec<DocumentLink>,
    pub actor_id: i64,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// An agreement with its parties, contributions and history. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipResponse {
    pub id: i64,
    pub kind: PartnershipKind,
    pub subject: Bilingual,
    pub objectives: BilingualText,
    #[schema(max_items = 30)]
    pub fields: Vec<Bilingual>,
    #[schema(max_items = 30)]
    pub indicators: Vec<Bilingual>,
    #[schema(max_length = 300)]
    pub supervising_body: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub status: PartnershipStatus,
    /// Financial contributions make the governor's visa a required step.
    pub requires_visa: bool,
    #[schema(max_items = 20)]
    pub parties: Vec<PartyResponse>,
    #[schema(max_items = 1000)]
    pub totals: Vec<CurrencyTotal>,
    #[schema(max_items = 500)]
    pub steps: Vec<StepResponse>,
    /// Where the agreement may go next.
    #[schema(max_items = 16)]
    pub next_statuses: Vec<PartnershipStatus>,
    pub version: i32,
    pub created_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// An agreement in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipSummary {
    pub id: i64,
    pub kind: PartnershipKind,
    pub subject: Bilingual,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub status: PartnershipStatus,
    #[schema(max_items = 20)]
    pub parties: Vec<Bilingual>,
    pub days_left: Option<i64>,
}

/// Statuses in which an agreement is in force.
pub const ACTIVE: [PartnershipStatus; 3] = [
    PartnershipStatus::InForce,
    PartnershipStatus::Renewed,
    PartnershipStatus::Amended,
];

/// Where an agreement may go from `from`; `financial` when it has financial contributions.
pub fn next_statuses(from: PartnershipStatus, financial: bool) -> Vec<PartnershipStatus> {
    use PartnershipStatus::*;
    match from {
        Consultation => vec![Drafting, Terminated],
        Drafting => vec![CouncilDeliberation, Terminated],
        CouncilDeliberation => vec![Approved, Drafting, Terminated],
        Approved => vec![Signing, Terminated],
        Signing if financial => vec![Visa, Terminated],
        Signing => vec![InForce, Terminated],
        Visa => vec![InForce, Terminated],
        InForce | Renewed | Amended => vec![Renewed, Amended, Completed, Terminated],
        Completed | Terminated => vec![],
    }
}

/// Statuses in which the terms (parties, contributions, dates) may still be edited.
pub fn editable(status: PartnershipStatus) -> bool {
    matches!(
        status,
        PartnershipStatus::Consultation
            | PartnershipStatus::Drafting
            | PartnershipStatus::CouncilDeliberation
    )
}

/// Checked parties: authorities exist and appear once, names where needed, at least two
/// parties and at least one of the union's authorities. Answers the names to store.
pub async fn check_parties(
    db: &impl ConnectionTrait,
    parties: &[PartyInput],
) -> Result<Vec<Bilingual>, ApiError> {
    if parties.len() < 2 {
        return Err(ApiError::field(
            "/parties",
            "too_few",
            Text::new(
                "an agreement has at least two parties",
                "للاتفاقية طرفان على الأقل",
            ),
        ));
    }
    if !parties.iter().any(|p| p.kind == PartyKind::LocalAuthority) {
        return Err(ApiError::field(
            "/parties",
            "no_local_authority",
            Text::new(
                "at least one party is a local authority of the union",
                "يجب أن يكون أحد الأطراف هيئة محلية من أعضاء الاتحاد",
            ),
        ));
    }
    // The named authorities, in one query.
    let mut authorities: HashMap<i64, local_authority::Model> = local_authority::Entity::find()
        .filter(
            local_authority::Column::Id.is_in(parties.iter().filter_map(|p| p.local_authority_id)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut names = Vec::with_capacity(parties.len());
    let mut seen = Vec::new();
    for (i, p) in parties.iter().enumerate() {
        let at = |f: &str| format!("/parties/{i}/{f}");
        for (j, c) in p.contributions.iter().enumerate() {
            if parse_amount(&c.amount).is_none_or(|a| a <= Decimal::ZERO) {
                return Err(ApiError::field(
                    &format!("/parties/{i}/contributions/{j}/amount"),
                    "amount",
                    Text::new("must be more than zero", "يجب أن يكون أكبر من صفر"),
                ));
            }
        }
        if let Some(c) = &p.country
            && !c.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(ApiError::field(
                &at("country"),
                "country",
                Text::new(
                    "must be two capital letters (ISO 3166-1)",
                    "يجب أن يتكون من حرفين كبيرين (ISO 3166-1)",
                ),
            ));
        }
        match (p.kind, p.local_authority_id) {
            (PartyKind::LocalAuthority, Some(id)) => {
                if seen.contains(&id) {
                    return Err(ApiError::field(
                        &at("local_authority_id"),
                        "duplicate",
                        Text::new("this authority is already a party", "هذه الهيئة طرف بالفعل"),
                    ));
                }
                seen.push(id);
                let a = authorities.remove(&id).ok_or_else(|| {
                    ApiError::field(
                        &at("local_authority_id"),
                        "not_found",
                        Text::new(
                            "no local authority has this id",
                            "لا توجد هيئة محلية بهذا الرقم",
                        ),
                    )
                })?;
                names.push(Bilingual {
                    ar: a.name_ar,
                    en: a.name_en,
                });
            }
            (PartyKind::LocalAuthority, None) => {
                return Err(ApiError::field(
                    &at("local_authority_id"),
                    "required",
                    Text::new(
                        "a local-authority party names its authority",
                        "يجب تحديد الهيئة المحلية",
                    ),
                ));
            }
            (_, Some(_)) => {
                return Err(ApiError::field(
                    &at("local_authority_id"),
                    "not_allowed",
                    Text::new(
                        "only a local-authority party names a union authority",
                        "يُحدد رقم الهيئة لأطراف الهيئات المحلية فقط",
                    ),
                ));
            }
            (_, None) => {
                let name = p
                    .name
                    .clone()
                    .map(Bilingual::trimmed)
                    .filter(|n| !n.ar.is_empty());
                names.push(name.ok_or_else(|| {
                    ApiError::field(
                        &at("name"),
                        "required",
                        Text::new(
                            "an outside party gives its name",
                            "يجب ذكر اسم الطرف الخارجي",
                        ),
                    )
                })?);
            }
        }
    }
    Ok(names)
}

/// Writes the parties and their contributions (after removing earlier ones, on an edit).
pub async fn write_parties(
    db: &impl ConnectionTrait,
    partnership_id: i64,
    parties: &[PartyInput],
    names: Vec<Bilingual>,
    replace: bool,
) -> Result<(), ApiError> {
    if replace {
        partnership_party::Entity::delete_many()
            .filter(partnership_party::Column::PartnershipId.eq(partnership_id))
            .exec(db)
            .await?;
    }
    for (i, (p, name)) in parties.iter().zip(names).enumerate() {
        let party = partnership_party::ActiveModel {
            partnership_id: Set(partnership_id),
            position: Set(i as i32 + 1),
            kind: Set(p.kind),
            local_authority_id: Set(p.local_authority_id),
            name_ar: Set(name.ar),
            name_en: Set(name.en),
            country: Set(p.country.clone().unwrap_or_else(|| "PS".to_owned())),
            obligations_ar: Set(p.obligations.ar.clone()),
            obligations_en: Set(p.obligations.en.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for c in &p.contributions {
            let amount = parse_amount(&c.amount).unwrap_or_default();
            partnership_contribution::ActiveModel {
                partnership_id: Set(partnership_id),
                party_id: Set(party.id),
                amount: Set(amount.to_string()),
                currency: Set(c.currency.clone()),
                due_on: Set(c.due_on),
                description: Set(c.description.trim().to_owned()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Whether an agreement has financial contributions.
pub async fn is_financial(
    db: &impl ConnectionTrait,
    partnership_id: i64,
) -> Result<bool, ApiError> {
    Ok(partnership_contribution::Entity::find()
        .filter(partnership_contribution::Column::PartnershipId.eq(partnership_id))
        .count(db)
        .await?
        > 0)
}

/// Validated bilingual lists (fields of cooperation, indicators) as stored JSON.
pub fn list_json(items: &[Bilingual]) -> String {
    let trimmed: Vec<Bilingual> = items.iter().cloned().map(Bilingual::trimmed).collect();
    serde_json::to_string(&trimmed).unwrap_or_else(|_| "[]".to_owned())
}

fn list_from_json(text: &str) -> Vec<Bilingual> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The stored search key.
pub fn search_text(subject: &Bilingual, supervising_body: &str, parties: &[Bilingual]) -> String {
    let mut parts = vec![subject.ar.as_str(), subject.en.as_str(), supervising_body];
    for p in parties {
        parts.push(p.ar.as_str());
        parts.push(p.en.as_str());
    }
    search::fold_all(parts)
}

/// The dates must make sense: the end after the start.
pub fn check_dates(
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
) -> Result<(), ApiError> {
    if ends_on <= starts_on {
        return Err(ApiError::field(
            "/ends_on",
            "before_start",
            Text::new("must be after starts_on", "يجب أن يكون بعد تاريخ البدء"),
        ));
    }
    Ok(())
}

fn step_response(s: partnership_step::Model) -> StepResponse {
    StepResponse {
        id: s.id,
        from: s.from_status.0,
        to: s.to_status,
        on: s.on_date,
        minutes: s.minutes,
        documents: serde_json::from_str(&s.documents).unwrap_or_default(),
        actor_id: s.actor_id,
        recorded_at: s.created_at,
    }
}

/// The full answer for one agreement (four queries, whatever its size).
pub async fn response(
    db: &impl ConnectionTrait,
    p: partnership::Model,
) -> Result<PartnershipResponse, ApiError> {
    let parties = partnership_party::Entity::find()
        .filter(partnership_party::Column::PartnershipId.eq(p.id))
        .order_by_asc(partnership_party::Column::Position)
        .all(db)
        .await?;
    let contributions = partnership_contribution::Entity::find()
        .filter(partnership_contribution::Column::PartnershipId.eq(p.id))
        .order_by_asc(partnership_contribution::Column::Id)
        .all(db)
        .await?;
    let steps = partnership_step::Entity::find()
        .filter(partnership_step::Column::PartnershipId.eq(p.id))
        .order_by_asc(partnership_step::Column::Id)
        .all(db)
        .await?;
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut by_party: HashMap<i64, Vec<ContributionResponse>> = HashMap::new();
    for c in contributions {
        let amount = c.amount.parse::<Decimal>().unwrap_or_default();
        *totals.entry(c.currency.clone()).or_default() += amount;
        by_party
            .entry(c.party_id)
            .or_default()
            .push(ContributionResponse {
                id: c.id,
                amount: c.amount,
                currency: c.currency,
                due_on: c.due_on,
                description: c.description,
            });
    }
    let financial = !totals.is_empty();
    let status = p.status;
    Ok(PartnershipResponse {
        id: p.id,
        kind: p.kind,
        subject: Bilingual {
            ar: p.subject_ar,
            en: p.subject_en,
        },
        objectives: BilingualText::new(p.objectives_ar, p.objectives_en),
        fields: list_from_json(&p.fields),
        indicators: list_from_json(&p.indicators),
        supervising_body: p.supervising_body,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        status,
        requires_visa: financial,
        parties: parties
            .into_iter()
            .map(|party| PartyResponse {
                contributions: by_party.remove(&party.id).unwrap_or_default(),
                id: party.id,
                kind: party.kind,
                local_authority_id: party.local_authority_id,
                name: Bilingual {
                    ar: party.name_ar,
                    en: party.name_en,
                },
                country: party.country,
                obligations: BilingualText::new(party.obligations_ar, party.obligations_en),
            })
            .collect(),
        totals: totals
            .into_iter()
            .map(|(currency, amount)| CurrencyTotal {
                currency,
                amount: amount.to_string(),
            })
            .collect(),
        steps: steps.into_iter().map(step_response).collect(),
        next_statuses: next_statuses(status, financial),
        version: p.version,
        created_by: p.created_by,
        created_at: p.created_at,
        updated_at: p.updated_at,
    })
}
