//! How a document is shown.

use entity::document;

use super::model::DocumentResponse;
use crate::access::authors;
use crate::domain::{Bilingual, BilingualText};

/// The answer for one document.
pub fn response(d: document::Model) -> DocumentResponse {
    DocumentResponse {
        author_ids: authors(&d),
        versions_url: format!("/api/v1/documents/{}/versions", d.id),
        content_url: (d.current_version > 0).then(|| format!("/api/v1/documents/{}/content", d.id)),
        id: d.id,
        platform_id: d.platform_id,
        working_group_id: d.working_group_id,
        kind: d.kind,
        status: d.status,
        title: Bilingual {
            ar: d.title_ar,
            en: d.title_en,
        },
        summary: BilingualText::new(d.summary_ar, d.summary_en),
        activity_id: d.activity_id,
        milestone_id: d.milestone_id,
        position_paper_id: d.position_paper_id,
        current_version: d.current_version,
        download_count: d.download_count,
        published_at: d.published_at,
        created_by: d.created_by,
        version: d.version,
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}
