//! The rules of the partnerships: checks and derived values the handlers share.

use std::collections::HashMap;

use entity::{local_authority, partnership_contribution};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::money::parse_amount;
use crate::domain::{Bilingual, PartnershipStatus, PartyKind, search};
use crate::error::ApiError;
use crate::i18n::Text;

use super::*;

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
        InForce | Renewed | Amended => vec![Evaluation, Renewed, Amended, Completed, Terminated],
        // `002`: evaluating leads to a review (amendment), a renewal or extension, or the end.
        Evaluation => vec![Renewed, Amended, Completed, Terminated],
        Completed | Terminated => vec![],
    }
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
