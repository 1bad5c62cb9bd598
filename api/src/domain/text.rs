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

/// A string that may be given but not `null` (a required language in a merge patch).
fn present<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    String::deserialize(de).map(Some)
}

/// A change to a [`Bilingual`] text, read as JSON Merge Patch (RFC 7396): a language left out
/// stays as it is, `"en": null` clears the English; the Arabic can be changed, never cleared.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(
    description = "A change to a bilingual text (JSON Merge Patch, RFC 7396): a language left out stays as it is; `en: null` clears the English; the Arabic cannot be cleared."
)]
pub struct BilingualPatch {
    /// The new Arabic (never `null`).
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, example = "بلدية الخليل", min_length = 1, max_length = 200)]
    pub ar: Option<String>,
    /// The new English; `null` clears it.
    #[validate(length(max = 200))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, example = "Hebron Municipality", max_length = 200)]
    pub en: Option<Option<String>>,
}

impl BilingualPatch {
    /// The text after the change, from the stored Arabic and English (both trimmed).
    pub fn merge(self, ar: &str, en: &str) -> Bilingual {
        Bilingual {
            ar: self
                .ar
                .map_or_else(|| ar.to_owned(), |a| a.trim().to_owned()),
            en: merged(self.en, en).trim().to_owned(),
        }
    }
}

/// What a merge patch makes of one optional language: left out keeps, `null` clears.
fn merged(change: Option<Option<String>>, stored: &str) -> String {
    match change {
        None => stored.to_owned(),
        Some(v) => v.unwrap_or_default(),
    }
}

/// A change to a longer bilingual text, read as JSON Merge Patch (RFC 7396): a language left out
/// stays as it is, `null` clears it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(
    description = "A change to a longer bilingual text (JSON Merge Patch, RFC 7396): a language left out stays as it is; `null` clears it."
)]
pub struct BilingualTextPatch {
    /// The new Arabic; `null` clears it.
    #[validate(length(max = 5000))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub ar: Option<Option<String>>,
    /// The new English; `null` clears it.
    #[validate(length(max = 5000))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub en: Option<Option<String>>,
}

impl BilingualTextPatch {
    /// The text after the change, from the stored Arabic and English.
    pub fn merge(self, ar: &str, en: &str) -> BilingualText {
        BilingualText {
            ar: merged(self.ar, ar),
            en: merged(self.en, en),
        }
    }
}

/// The body of a paper in Arabic and English (up to 50 000 characters each, within the request
/// size limit); either may be empty while drafting.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PaperBody {
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    #[serde(default)]
    pub ar: String,
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    #[serde(default)]
    pub en: String,
}

/// A change to a paper's body, read as JSON Merge Patch (RFC 7396): a language left out
/// stays as it is, `null` clears it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(
    description = "A change to a paper's body (JSON Merge Patch, RFC 7396): a language left out stays as it is; `null` clears it."
)]
pub struct PaperBodyPatch {
    /// The new Arabic; `null` clears it.
    #[validate(length(max = 50000))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 50000)]
    pub ar: Option<Option<String>>,
    /// The new English; `null` clears it.
    #[validate(length(max = 50000))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 50000)]
    pub en: Option<Option<String>>,
}

impl PaperBodyPatch {
    /// The text after the change, from the stored Arabic and English.
    pub fn merge(self, ar: &str, en: &str) -> PaperBody {
        PaperBody {
            ar: merged(self.ar, ar),
            en: merged(self.en, en),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch<T: serde::de::DeserializeOwned>(json: &str) -> T {
        crate::json::from_slice(json.as_bytes()).expect("a patch")
    }

    #[test]
    fn a_language_left_out_stays_and_null_clears_the_english() {
        let p: BilingualPatch = patch(r#"{"ar": " ورشة "}"#);
        assert_eq!(
            p.merge("قديم", "Old"),
            Bilingual {
                ar: "ورشة".into(),
                en: "Old".into()
            }
        );
        let p: BilingualPatch = patch(r#"{"en": null}"#);
        assert_eq!(
            p.merge("قديم", "Old"),
            Bilingual {
                ar: "قديم".into(),
                en: String::new()
            }
        );
        let p: BilingualPatch = patch(r#"{}"#);
        assert_eq!(
            p.merge("قديم", "Old"),
            Bilingual {
                ar: "قديم".into(),
                en: "Old".into()
            }
        );
        let p: BilingualTextPatch = patch(r#"{"ar": null, "en": "New"}"#);
        assert_eq!(p.merge("نص", "Text"), BilingualText::new("", "New"));
    }

    #[test]
    fn the_arabic_cannot_be_cleared() {
        let err = crate::json::from_slice::<BilingualPatch>(br#"{"ar": null}"#);
        assert!(err.is_err());
        let blank: BilingualPatch = patch(r#"{"ar": "   "}"#);
        assert!(blank.validate().is_err());
    }
}
