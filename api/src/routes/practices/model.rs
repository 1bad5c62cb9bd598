//! What the practices routes read and answer: request bodies, query parameters and responses.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::{Bilingual, BilingualPatch, BilingualText, BilingualTextPatch, PracticeStatus};

/// The most contact people, SDG targets and tags a practice names.
pub const MAX_CONTACTS: usize = 10;
pub const MAX_SDG_TARGETS: usize = 20;
pub const MAX_TAGS: usize = 20;

/// An SDG target, `goal.target`: goals 1 to 17, a target a number or a letter (`11.3`, `6.b`).
pub struct SdgTarget;

impl utoipa::PartialSchema for SdgTarget {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(3))
            .max_length(Some(5))
            .pattern(Some("^(1[0-7]|[1-9])\\.([0-9]{1,2}|[a-z])$"))
            .description(Some("An SDG target, `goal.target` (`11.3`, `6.b`)."))
            .examples([serde_json::json!("11.3")])
            .into()
    }
}

impl ToSchema for SdgTarget {}

/// A free tag: 1 to 50 characters, without control characters.
pub struct Tag;

impl utoipa::PartialSchema for Tag {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(50))
            .pattern(Some(
                "^[^\\u0000-\\u001F\\u007F-\\u009F]*\\S[^\\u0000-\\u001F\\u007F-\\u009F]*$",
            ))
            .description(Some(
                "A free tag, 1 to 50 characters, without control characters.",
            ))
            .examples([serde_json::json!("GIS")])
            .into()
    }
}

impl ToSchema for Tag {}

/// A practice's text as one version keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PracticeText {
    pub title: Bilingual,
    pub summary: BilingualText,
    /// The problem it answered.
    pub problem: BilingualText,
    /// What was done.
    pub approach: BilingualText,
    /// What came of it, with its figures.
    pub results: BilingualText,
    /// What it cost and who funded it.
    pub costs: BilingualText,
    /// Who it was done with.
    pub partners: BilingualText,
    /// How long it took, in months.
    #[schema(minimum = 1, maximum = 600)]
    pub duration_months: Option<i32>,
    /// The people to ask about it.
    #[schema(max_items = 10)]
    pub contact_ids: Vec<i64>,
    /// SDG targets it serves, `goal.target` (`11.3`, `6.b`).
    #[schema(max_items = 20, value_type = Vec<SdgTarget>, example = json!(["11.3", "16.6"]))]
    pub sdg_targets: Vec<String>,
    /// Free tags (each 1 to 50 characters).
    #[schema(max_items = 20, value_type = Vec<Tag>, example = json!(["نظم المعلومات الجغرافية", "GIS"]))]
    pub tags: Vec<String>,
}

/// A new practice, drafted on a platform.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreatePracticeRequest {
    pub platform_id: i64,
    /// The authority that did it: the caller's own by default; an administrator names one.
    pub local_authority_id: Option<i64>,
    /// A topic of the platform's work plan.
    pub topic_id: Option<i64>,
    #[validate(nested)]
    pub title: Bilingual,
    #[validate(nested)]
    #[serde(default)]
    pub summary: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub problem: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub approach: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub results: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub costs: BilingualText,
    #[validate(nested)]
    #[serde(default)]
    pub partners: BilingualText,
    #[validate(range(min = 1, max = 600))]
    #[schema(minimum = 1, maximum = 600)]
    pub duration_months: Option<i32>,
    /// Active people to ask about it; default: the caller.
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub contact_ids: Vec<i64>,
    /// SDG targets, `goal.target` (`11.3`, `6.b`; goals 1 to 17).
    #[validate(length(max = 20), custom(function = "valid_sdg_targets"))]
    #[schema(max_items = 20, value_type = Vec<SdgTarget>, example = json!(["11.3"]))]
    #[serde(default)]
    pub sdg_targets: Vec<String>,
    /// Free tags, each 1 to 50 characters without control characters.
    #[validate(length(max = 20), custom(function = "valid_tags"))]
    #[schema(max_items = 20, value_type = Vec<Tag>, example = json!(["GIS"]))]
    #[serde(default)]
    pub tags: Vec<String>,
    /// A note for the first version.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: String,
}

/// Changes to a practice; absent fields stay as they are, `null` clears a topic or a duration.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdatePracticeRequest {
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub topic_id: Option<Option<i64>>,
    #[validate(nested)]
    pub title: Option<BilingualPatch>,
    #[validate(nested)]
    pub summary: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub problem: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub approach: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub results: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub costs: Option<BilingualTextPatch>,
    #[validate(nested)]
    pub partners: Option<BilingualTextPatch>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[validate(range(min = 1, max = 600))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 600)]
    pub duration_months: Option<Option<i32>>,
    /// Replaces the contact people.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub contact_ids: Option<Vec<i64>>,
    /// Replaces the SDG targets.
    #[validate(length(max = 20), custom(function = "valid_sdg_targets"))]
    #[schema(max_items = 20, value_type = Option<Vec<SdgTarget>>)]
    pub sdg_targets: Option<Vec<String>>,
    /// Replaces the tags.
    #[validate(length(max = 20), custom(function = "valid_tags"))]
    #[schema(max_items = 20, value_type = Option<Vec<Tag>>)]
    pub tags: Option<Vec<String>>,
    /// What changed, kept with the new version.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: String,
}

/// Whether each is an SDG target, `goal.target`: goals 1 to 17, targets a number or a letter.
fn valid_sdg_targets(targets: &[String]) -> Result<(), validator::ValidationError> {
    let is_target = |t: &str| {
        let Some((goal, target)) = t.split_once('.') else {
            return false;
        };
        let goal_ok =
            goal.parse::<u8>().is_ok_and(|g| (1..=17).contains(&g)) && !goal.starts_with('0');
        let target_ok =
            (target.len() <= 2 && target.bytes().all(|b| b.is_ascii_digit()) && !target.is_empty())
                || (target.len() == 1 && target.bytes().all(|b| b.is_ascii_lowercase()));
        goal_ok && target_ok
    };
    if targets.iter().all(|t| is_target(t)) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("format")
            .with_message("an SDG target is goal.target, as 11.3 or 6.b (goals 1 to 17)".into()))
    }
}

/// Whether each tag is 1 to 50 characters, without control characters.
fn valid_tags(tags: &[String]) -> Result<(), validator::ValidationError> {
    let fits = |t: &str| {
        let n = t.trim().chars().count();
        (1..=50).contains(&n) && !t.chars().any(char::is_control)
    };
    if tags.iter().all(|t| fits(t)) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("format")
            .with_message("a tag is 1 to 50 characters, without control characters".into()))
    }
}

/// A practice with its whole text. `version` is its `ETag`; `current_version` the number of
/// the latest text version.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeResponse {
    pub id: i64,
    pub platform_id: i64,
    pub local_authority_id: i64,
    pub topic_id: Option<i64>,
    pub status: PracticeStatus,
    #[serde(flatten)]
    pub text: PracticeText,
    pub current_version: i32,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_by: i64,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A practice in a list (its title, summary and labels).
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeSummary {
    pub id: i64,
    pub platform_id: i64,
    pub local_authority_id: i64,
    pub topic_id: Option<i64>,
    pub status: PracticeStatus,
    pub title: Bilingual,
    pub summary: BilingualText,
    #[schema(max_items = 20, value_type = Vec<SdgTarget>)]
    pub sdg_targets: Vec<String>,
    #[schema(max_items = 20, value_type = Vec<Tag>)]
    pub tags: Vec<String>,
    pub current_version: i32,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A move of a practice along its lifecycle.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PracticeTransitionRequest {
    pub to: PracticeStatus,
}

/// One version of a practice's text.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeVersionResponse {
    pub number: i32,
    pub text: PracticeText,
    #[schema(max_length = 500)]
    pub note: String,
    pub edited_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdg_targets_are_goal_dot_target() {
        for ok in ["11.3", "6.b", "17.19", "1.1"] {
            assert!(valid_sdg_targets(&[ok.to_owned()]).is_ok(), "{ok}");
        }
        for bad in [
            "18.1", "0.1", "11", "11.", ".3", "11.3.1", "11.B", "11.123", "١١.٣", "01.1",
        ] {
            assert!(valid_sdg_targets(&[bad.to_owned()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_short_plain_words() {
        assert!(valid_tags(&["نظم المعلومات الجغرافية".to_owned(), "GIS".to_owned()]).is_ok());
        assert!(valid_tags(&[" ".to_owned()]).is_err());
        assert!(valid_tags(&["x".repeat(51)]).is_err());
        assert!(valid_tags(&["a\u{7}".to_owned()]).is_err());
    }
}

/// A request to learn a practice.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateExchangeRequest {
    /// What the asking authority wants to learn, and how.
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
    /// How many people would come.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub participants: i32,
}

/// The answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeAnswer {
    Accepted,
    Declined,
}

/// Answers a request to learn a practice.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DecideExchangeRequest {
    pub answer: ExchangeAnswer,
    /// A word for the people who asked (when, how, or why not).
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub note: String,
}

/// A request to learn a practice, and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeRequestResponse {
    pub id: i64,
    pub practice_id: i64,
    /// The authority that asks.
    pub local_authority_id: i64,
    pub requested_by: i64,
    pub status: crate::domain::ExchangeStatus,
    #[schema(max_length = 2000)]
    pub message: String,
    pub participants: i32,
    /// The answer's note.
    #[schema(max_length = 1000)]
    pub answer: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The peer-exchange activity it became (`POST /exchange-requests/{id}/activity`).
    pub activity_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<entity::exchange_request::Model> for ExchangeRequestResponse {
    fn from(r: entity::exchange_request::Model) -> ExchangeRequestResponse {
        ExchangeRequestResponse {
            id: r.id,
            practice_id: r.practice_id,
            local_authority_id: r.local_authority_id,
            requested_by: r.requested_by,
            status: r.status,
            message: r.message,
            participants: r.participants,
            answer: r.answer,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            activity_id: r.activity_id,
            created_at: r.created_at,
        }
    }
}

/// When the exchange is planned.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PlanExchangeRequest {
    /// The quarter it is planned in, `YYYY-Qn`.
    #[validate(custom(function = "crate::domain::money::validate_quarter"))]
    #[schema(
        min_length = 7,
        max_length = 7,
        pattern = "^[0-9]{4}-Q[1-4]$",
        example = "2027-Q1"
    )]
    pub planned_quarter: Option<String>,
}

/// That an authority adopted a practice.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RecordReplicationRequest {
    /// The authority that adopted it (not the one that shared it).
    pub local_authority_id: i64,
    /// When it was adopted (not in the future).
    pub adopted_on: chrono::NaiveDate,
    /// What came of it.
    #[validate(nested)]
    #[serde(default)]
    pub outcome: BilingualText,
}

/// A practice adopted by another authority.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplicationResponse {
    pub id: i64,
    pub practice_id: i64,
    pub local_authority_id: i64,
    pub adopted_on: chrono::NaiveDate,
    pub outcome: BilingualText,
    pub recorded_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<entity::practice_replication::Model> for ReplicationResponse {
    fn from(r: entity::practice_replication::Model) -> ReplicationResponse {
        ReplicationResponse {
            id: r.id,
            practice_id: r.practice_id,
            local_authority_id: r.local_authority_id,
            adopted_on: r.adopted_on,
            outcome: BilingualText::new(r.outcome_ar, r.outcome_en),
            recorded_by: r.recorded_by,
            created_at: r.created_at,
        }
    }
}
