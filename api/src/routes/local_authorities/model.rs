//! What the local authorities routes read and answer: request bodies, query parameters and responses.

use entity::local_authority;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{AuthorityKind, Bilingual, Region};

/// A local authority as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalAuthorityResponse {
    #[schema(example = 12)]
    pub id: i64,
    pub name: Bilingual,
    pub kind: AuthorityKind,
    #[schema(example = "الخليل", max_length = 100)]
    pub governorate: String,
    pub region: Region,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<local_authority::Model> for LocalAuthorityResponse {
    fn from(m: local_authority::Model) -> Self {
        LocalAuthorityResponse {
            id: m.id,
            name: Bilingual {
                ar: m.name_ar,
                en: m.name_en,
            },
            kind: m.kind,
            governorate: m.governorate,
            region: m.region,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

crate::listed!(LocalAuthorityResponse => LocalAuthorityList, "A page of local authorities.");
