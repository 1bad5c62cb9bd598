//! How the partnerships are shown: responses built from rows, with what hangs on them loaded in batches.

use std::collections::{BTreeMap, HashMap};

use entity::{
    partnership, partnership_contribution, partnership_party, partnership_payment, partnership_step,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::money::PaymentStatus;
use crate::domain::{Bilingual, BilingualText};
use crate::error::ApiError;

use super::*;

/// Validated bilingual lists (fields of cooperation, indicators) as stored JSON.
pub fn list_json(items: &[Bilingual]) -> String {
    let trimmed: Vec<Bilingual> = items.iter().cloned().map(Bilingual::trimmed).collect();
    serde_json::to_string(&trimmed).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn list_from_json(text: &str) -> Vec<Bilingual> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn step_response(s: partnership_step::Model) -> StepResponse {
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

/// The full answer for one agreement (five queries, whatever its size); `today` judges which
/// contributions are late.
pub async fn response(
    db: &impl ConnectionTrait,
    p: partnership::Model,
    today: chrono::NaiveDate,
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
    let mut payments: HashMap<i64, Vec<PaymentResponse>> = HashMap::new();
    for pay in partnership_payment::Entity::find()
        .filter(partnership_payment::Column::PartnershipId.eq(p.id))
        .order_by_asc(partnership_payment::Column::Id)
        .all(db)
        .await?
    {
        payments
            .entry(pay.contribution_id)
            .or_default()
            .push(PaymentResponse {
                id: pay.id,
                amount: pay.amount,
                paid_on: pay.paid_on,
                reference: pay.reference,
                recorded_by: pay.recorded_by,
            });
    }
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut by_party: HashMap<i64, Vec<ContributionResponse>> = HashMap::new();
    for c in contributions {
        let amount = c.amount.parse::<Decimal>().unwrap_or_default();
        *totals.entry(c.currency.clone()).or_default() += amount;
        let paid_to_it = payments.remove(&c.id).unwrap_or_default();
        let paid: Decimal = paid_to_it
            .iter()
            .map(|x| x.amount.parse::<Decimal>().unwrap_or_default())
            .sum();
        let paid_days: Vec<(chrono::NaiveDate, Decimal)> = paid_to_it
            .iter()
            .map(|x| (x.paid_on, x.amount.parse::<Decimal>().unwrap_or_default()))
            .collect();
        let lateness = crate::domain::money::Lateness::of(amount, c.due_on, &paid_days, today);
        by_party
            .entry(c.party_id)
            .or_default()
            .push(ContributionResponse {
                id: c.id,
                payment_status: PaymentStatus::of(amount, paid, c.due_on, today),
                settled_on: lateness.settled_on,
                paid_late: lateness.paid_late,
                days_late: lateness.days_late,
                paid: paid.to_string(),
                payments: paid_to_it,
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
