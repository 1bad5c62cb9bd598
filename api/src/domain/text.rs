//! Bilingual text: Arabic first, English second.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// A text in Arabic and English. Arabic is required; English may be empty until translated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
pub struct Bilingual {
    /// Arabic (required).
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "بلدية الخليل")]
    pub ar: String,
    /// English (may be empty).
    #[validate(length(max = 200))]
    #[serde(default)]
    #[schema(example = "Hebron Municipality")]
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
