//! The rules of the workshops: checks and derived values the handlers share.

use entity::workshop;
use sea_orm::ConnectionTrait;

use crate::error::ApiError;

pub use crate::domain::zone::parse as parse_zone;

/// A random check-in code: 6 characters without look-alikes.
pub fn check_in_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..6)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

pub(crate) use crate::access::visible_workshop;

/// 422 `not_eligible` unless the person's local authority is among those the workshop is for.
pub(crate) async fn check_eligible(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    person: &entity::user::Model,
) -> Result<(), ApiError> {
    use sea_orm::EntityTrait;
    let eligibility = super::Eligibility::of(w);
    let authority = match person.local_authority_id {
        Some(a) if eligibility != super::Eligibility::default() => {
            entity::local_authority::Entity::find_by_id(a)
                .one(db)
                .await?
        }
        _ => None,
    };
    if eligibility.admits(authority.as_ref()) {
        return Ok(());
    }
    let governorates = eligibility.governorates.join("، ");
    Err(ApiError::Problem(
        crate::error::ProblemCode::NotEligible,
        crate::i18n::Text::new(
            format!(
                "This workshop is for people of some local authorities only (governorates: {}; \
                 kinds: {}).",
                if governorates.is_empty() {
                    "any"
                } else {
                    &governorates
                },
                kinds_text(&eligibility, false),
            ),
            format!(
                "هذه الورشة لموظفي هيئات محلية محددة فقط (المحافظات: {}؛ الأنواع: {}).",
                if governorates.is_empty() {
                    "أي محافظة"
                } else {
                    &governorates
                },
                kinds_text(&eligibility, true),
            ),
        ),
    ))
}

fn kinds_text(e: &super::Eligibility, arabic: bool) -> String {
    if e.authority_kinds.is_empty() {
        return (if arabic { "أي نوع" } else { "any" }).to_owned();
    }
    e.authority_kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
