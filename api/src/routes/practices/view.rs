//! How a practice is shown.

use entity::practice;

use super::model::{PracticeResponse, PracticeSummary};
use super::rules::text_of;
use crate::domain::{Bilingual, BilingualText};

/// The full answer for one practice.
pub fn response(p: practice::Model) -> PracticeResponse {
    PracticeResponse {
        text: text_of(&p),
        id: p.id,
        platform_id: p.platform_id,
        local_authority_id: p.local_authority_id,
        topic_id: p.topic_id,
        status: p.status,
        current_version: p.current_version,
        published_at: p.published_at,
        created_by: p.created_by,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

/// A practice in a list.
pub fn summary(p: practice::Model) -> PracticeSummary {
    PracticeSummary {
        sdg_targets: serde_json::from_str(&p.sdg_targets).unwrap_or_default(),
        tags: serde_json::from_str(&p.tags).unwrap_or_default(),
        id: p.id,
        platform_id: p.platform_id,
        local_authority_id: p.local_authority_id,
        topic_id: p.topic_id,
        status: p.status,
        title: Bilingual {
            ar: p.title_ar,
            en: p.title_en,
        },
        summary: BilingualText::new(p.summary_ar, p.summary_en),
        current_version: p.current_version,
        published_at: p.published_at,
        updated_at: p.updated_at,
    }
}
