//! What the activities routes read and answer: request bodies, query parameters and responses.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::{ActivityKind, ActivityStatus, Bilingual, BilingualText, IndicatorLevel};

/// What an activity belongs to (`000`: optionally a working group, or the union itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityLevel {
    /// A working group's, organised by its platform.
    WorkingGroup,
    /// A platform's as a whole (e.g. a guide its members write).
    Platform,
    /// The union's own, beside the platforms.
    Union,
}

impl ActivityLevel {
    /// The level of an activity with this working group and platform.
    pub fn of(working_group_id: Option<i64>, platform_id: Option<i64>) -> ActivityLevel {
        match (working_group_id, platform_id) {
            (Some(_), _) => ActivityLevel::WorkingGroup,
            (None, Some(_)) => ActivityLevel::Platform,
            (None, None) => ActivityLevel::Union,
        }
    }
}

/// A risk and how it is mitigated.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub risk: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub mitigation: String,
}

/// An indicator at one level (`000`: whether the activity has started, is well advanced, is
/// completed), and the day it was achieved.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub level: IndicatorLevel,
    /// Arabic (required).
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 1000)]
    pub text_ar: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub text_en: String,
    /// Not in the future; `null` until achieved.
    #[serde(default)]
    pub achieved_on: Option<chrono::NaiveDate>,
}

/// A quarter of an activity's timeline.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema, Validate,
)]
#[serde(deny_unknown_fields)]
pub struct QuarterCell {
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: i32,
}

/// The most quarters a timeline spans: three years, as in `000`.
pub const TIMELINE_QUARTERS: usize = 12;

/// A budget line as sent: amounts are decimal strings, never floats.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BudgetLineInput {
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub description: String,
    /// Decimal string, at most 4 decimals.
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "1250.50", format = "decimal")]
    pub unit_cost: String,
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "3", format = "decimal")]
    pub units: String,
    /// A second cost unit, as `000` budgets (e.g. days of logistics beside hours of training):
    /// both or neither.
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "250", format = "decimal")]
    pub unit_cost_2: Option<String>,
    #[validate(custom(function = "crate::domain::money::validate_amount"))]
    #[schema(example = "2", format = "decimal")]
    pub units_2: Option<String>,
    /// ISO 4217 code.
    #[validate(custom(function = "crate::domain::money::validate_currency"))]
    #[schema(
        example = "USD",
        min_length = 3,
        max_length = 3,
        pattern = "^[A-Z]{3}$"
    )]
    pub currency: String,
    /// Who pays for it.
    #[validate(length(max = 200))]
    #[schema(example = "GIZ", max_length = 200)]
    #[serde(default)]
    pub funder: String,
}

/// A budget line with its subtotal.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetLine {
    #[schema(max_length = 500)]
    pub description: String,
    #[schema(value_type = String, example = "1250.50", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub unit_cost: Decimal,
    #[schema(value_type = String, example = "3", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub units: Decimal,
    #[schema(value_type = Option<String>, example = "250", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub unit_cost_2: Option<Decimal>,
    #[schema(value_type = Option<String>, example = "2", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub units_2: Option<Decimal>,
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(max_length = 200)]
    pub funder: String,
    /// `unit_cost × units` (+ `unit_cost_2 × units_2`), exact.
    #[schema(value_type = String, example = "3751.50", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub subtotal: Decimal,
}

/// A sum in one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Total {
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(value_type = String, example = "3751.50", max_length = 40, pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub total: Decimal,
}

/// An activity's budget.
#[derive(Debug, Serialize, ToSchema)]
pub struct Budget {
    #[schema(max_items = 200)]
    pub lines: Vec<BudgetLine>,
    #[schema(max_items = 200)]
    pub totals: Vec<Total>,
}

/// An activity as the API shows it. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityResponse {
    pub id: i64,
    /// `null` for an activity of a platform as a whole, or of the union.
    pub working_group_id: Option<i64>,
    /// The programme milestone it serves (`000`).
    pub milestone_id: Option<i64>,
    /// The organising platform; `null` for an activity of the union itself.
    pub platform_id: Option<i64>,
    /// What it belongs to: a working group, a platform, or the union.
    pub level: ActivityLevel,
    /// Every hosting platform (joint activities have several).
    #[schema(max_items = 21)]
    pub host_platform_ids: Vec<i64>,
    pub kind: ActivityKind,
    pub title: Bilingual,
    pub rationale: BilingualText,
    pub expected_outputs: BilingualText,
    #[schema(max_length = 300)]
    pub responsible_party: String,
    pub status: ActivityStatus,
    #[schema(
        example = "2026-Q2",
        min_length = 7,
        max_length = 7,
        pattern = "^[0-9]{4}-Q[1-4]$"
    )]
    pub planned_quarter: Option<String>,
    pub started_on: Option<chrono::NaiveDate>,
    pub advanced_on: Option<chrono::NaiveDate>,
    pub completed_on: Option<chrono::NaiveDate>,
    pub cancelled_on: Option<chrono::NaiveDate>,
    #[schema(max_items = 50)]
    pub risks: Vec<Risk>,
    #[schema(max_items = 30)]
    pub indicators: Vec<Indicator>,
    /// The quarters it is planned in, in order (up to twelve, within three years).
    #[schema(max_items = 12)]
    pub timeline: Vec<QuarterCell>,
    pub budget: Budget,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
