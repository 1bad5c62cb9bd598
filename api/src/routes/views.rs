//! Response shapes that several resources show: a user's authority beside the user, a topic
//! inside its plan and on its own.

use entity::{local_authority, topic};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{AuthorityKind, Bilingual, Region};

/// The authority a user belongs to, as shown beside the user.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthoritySummary {
    pub id: i64,
    pub name: Bilingual,
    pub kind: AuthorityKind,
    pub region: Region,
}

impl From<local_authority::Model> for AuthoritySummary {
    fn from(a: local_authority::Model) -> Self {
        AuthoritySummary {
            id: a.id,
            name: Bilingual {
                ar: a.name_ar,
                en: a.name_en,
            },
            kind: a.kind,
            region: a.region,
        }
    }
}

/// A ranked topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicResponse {
    pub id: i64,
    pub work_plan_id: i64,
    pub platform_id: i64,
    /// 1 is the highest priority; unique within the plan.
    pub rank: i32,
    pub axis_id: Option<i64>,
    pub title: Bilingual,
}

impl From<topic::Model> for TopicResponse {
    fn from(t: topic::Model) -> Self {
        TopicResponse {
            id: t.id,
            work_plan_id: t.work_plan_id,
            platform_id: t.platform_id,
            rank: t.rank,
            axis_id: t.axis_id,
            title: Bilingual {
                ar: t.title_ar,
                en: t.title_en,
            },
        }
    }
}
