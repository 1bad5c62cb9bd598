//! Bilingual text: Arabic first, English second.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// A text in Arabic and English. Arabic is required; English may be empty until translated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Arabic (required).
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(example = "بلدية الخليل", min_length = 1, max_length = 200)]
    pub ar: String,
    /// English (may be empty).
    #[validate(length(max = 200))]
    #[serde(default)]
    #[schema(example = "Hebron Municipality", max_length = 200)]
    pub en: String,
}

impl Bilingual {
    /// Trims both languages, so that blank text fails the length checks.
    pub fn trimmed(self) -> Bilingual {
        Bilingual {
            ar: self.ar.trim().to_owned(),
            en: self.en.trim().to_owned(),
        }
    }
}

/// A longer text (descriptions, mandates) in Arabic and English; either may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BilingualText {
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub ar: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub en: String,
}

impl BilingualText {
    pub fn new(ar: impl Into<String>, en: impl Into<String>) -> BilingualText {
        BilingualText {
            ar: ar.into(),
            en: en.into(),
        }
    }
}
