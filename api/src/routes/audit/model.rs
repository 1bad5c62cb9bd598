//! What the audit route reads and answers.
//! The audit trail, read back: admins see every entry, a coordinator the entries of the
//! platforms they coordinate. Newest first, keyset-paged.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::Bilingual;

/// Who made a change.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditActor {
    pub id: i64,
    pub name: Bilingual,
}

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryResponse {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `null` for changes nobody signed in made (e.g. a password-reset request).
    pub actor_id: Option<i64>,
    pub actor: Option<AuditActor>,
    /// The API key the actor acted through, when the change came through one.
    pub api_key_id: Option<i64>,
    #[schema(
        example = "workshop.update",
        max_length = 64,
        pattern = "^[a-z_]+(\\.[a-z_]+)*$"
    )]
    pub action: String,
    #[schema(example = "workshop", max_length = 64, pattern = "^[a-z_]+$")]
    pub entity_type: String,
    pub entity_id: Option<i64>,
    pub platform_id: Option<i64>,
    /// The fields written: for a change `{field: {"from": …, "to": …}}`, for a creation the
    /// new values, for a deletion `{"deleted": {…}}`. Secrets show as `"[redacted]"`.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

crate::listed!(AuditEntryResponse => AuditList, "A page of audit entries, newest first.");

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAuditQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Changes made by this user.
    pub actor_id: Option<i64>,
    /// Changes made through this API key.
    pub api_key_id: Option<i64>,
    /// e.g. `workshop`, `position_paper`, `partnership`, `user`.
    pub entity_type: Option<String>,
    /// With `entity_type`: one object's history.
    pub entity_id: Option<i64>,
    pub platform_id: Option<i64>,
    /// e.g. `workshop.update`.
    pub action: Option<String>,
    /// At or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
}
