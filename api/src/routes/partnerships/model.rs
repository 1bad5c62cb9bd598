//! What the partnerships routes read and answer: request bodies, query parameters and responses.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::money::PaymentStatus;
use crate::domain::{Bilingual, BilingualText, PartnershipKind, PartnershipStatus, PartyKind};

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
    /// Paid so far (exact decimal, the contribution's currency).
    #[schema(max_length = 40, pattern = "^[0-9]+(\\.[0-9]+)?$")]
    pub paid: String,
    pub payment_status: PaymentStatus,
    /// The day its payments first reached the amount (`null` while not fully paid).
    pub settled_on: Option<chrono::NaiveDate>,
    /// Settled after its due date.
    pub paid_late: bool,
    /// Days past the due date: how late it was settled, or how long it has been overdue while
    /// unpaid; `null` when on time.
    #[schema(minimum = 1, maximum = 100000)]
    pub days_late: Option<i64>,
    /// Payments in the order they were made.
    #[schema(max_items = 100)]
    pub payments: Vec<PaymentResponse>,
}

/// A payment against a contribution.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    pub id: i64,
    #[schema(max_length = 40, pattern = "^[0-9]+(\\.[0-9]+)?$")]
    pub amount: String,
    pub paid_on: chrono::NaiveDate,
    #[schema(max_length = 200)]
    pub reference: String,
    pub recorded_by: i64,
}

/// A payment to record against a contribution.
#[derive(Clone, Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// Decimal string, more than zero, at most 4 decimals, in the contribution's currency; at
    /// most what is still unpaid.
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "5000.00", format = "decimal")]
    pub amount: String,
    /// The day it was paid (default today; not in the future).
    pub paid_on: Option<chrono::NaiveDate>,
    /// The transfer's or receipt's reference.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub reference: String,
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
