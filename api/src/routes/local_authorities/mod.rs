//! Local authorities: public reads, admin writes.

mod create;
mod delete;
mod list;
mod read;
mod update;

use entity::local_authority;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::{AuthorityKind, Bilingual, Region, search};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_local_authorities)
        .service(create::create_local_authority)
        .service(read::get_local_authority)
        .service(update::update_local_authority)
        .service(delete::delete_local_authority);
}

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

fn search_text(name: &Bilingual, governorate: &str) -> String {
    search::fold_all([name.ar.as_str(), name.en.as_str(), governorate])
}
