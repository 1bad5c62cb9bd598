//! The rows that hang on the partnerships, written with the resource in one transaction.

use entity::{partnership_contribution, partnership_party};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::Bilingual;
use crate::domain::money::parse_amount;
use crate::error::ApiError;

use super::*;

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
