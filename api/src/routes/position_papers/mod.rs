//! Position papers (أوراق الموقف): a platform's contribution to policy reform. Every edit of
//! the text makes a new immutable version; the status moves only along allowed transitions,
//! each recorded with who and when; local authorities endorse, one endorsement each.
//!
//! Visibility: a published paper is public; any other paper is seen by the platform's active
//! members, its coordinators, the paper's authors and admins. To anyone else it does not
//! exist (404), for reads and writes alike.

mod create;
mod diff;
mod endorsements;
mod list;
mod read;
mod transitions;
mod update;
mod versions;

use std::collections::HashMap;

use entity::{membership, position_paper, position_paper_author, position_paper_endorsement, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::access::{PaperStanding, coordinated_platforms};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, BilingualText, MembershipStatus, PaperStatus, search};
use crate::error::ApiError;
use crate::i18n::Text;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_papers)
        .service(create::create_paper)
        .service(versions::compare_versions)
        .service(versions::list_versions)
        .service(versions::get_version)
        .service(transitions::list_transitions)
        .service(transitions::transition_paper)
        .service(endorsements::list_endorsements)
        .service(endorsements::endorse)
        .service(endorsements::withdraw_endorsement)
        .service(read::get_paper)
        .service(update::update_paper);
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

/// An author as the API shows them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuthorSummary {
    pub user_id: i64,
    pub name: Bilingual,
}

/// A position paper with its current text. `version` is its `ETag`; `current_version` is the
/// number of the latest text version.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaperResponse {
    pub id: i64,
    pub platform_id: i64,
    pub topic_id: Option<i64>,
    pub working_group_id: Option<i64>,
    /// The policy body the paper is addressed to.
    #[schema(example = "وزارة الحكم المحلي", max_length = 300)]
    pub target_body: String,
    pub status: PaperStatus,
    pub title: Bilingual,
    pub summary: BilingualText,
    pub body: PaperBody,
    pub current_version: i32,
    #[schema(max_items = 50)]
    pub authors: Vec<AuthorSummary>,
    pub endorsements: i64,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_by: i64,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A paper in a list (without its body).
#[derive(Debug, Serialize, ToSchema)]
pub struct PaperSummary {
    pub id: i64,
    pub platform_id: i64,
    pub topic_id: Option<i64>,
    pub working_group_id: Option<i64>,
    #[schema(max_length = 300)]
    pub target_body: String,
    pub status: PaperStatus,
    pub title: Bilingual,
    pub summary: BilingualText,
    pub current_version: i32,
    #[schema(max_items = 50)]
    pub authors: Vec<AuthorSummary>,
    pub endorsements: i64,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Loads a paper the caller may see, with their standing; a paper they may not see is 404.
pub async fn visible_paper(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(position_paper::Model, PaperStanding), ApiError> {
    let paper = find_or_404::<entity::position_paper::Entity>(db, id).await?;
    let s = PaperStanding::of(db, auth, paper.id, paper.platform_id).await?;
    if paper.status != PaperStatus::Published && !s.sees_unpublished() {
        return Err(ApiError::not_found());
    }
    Ok((paper, s))
}

/// Platforms whose unpublished papers the caller sees (active memberships and open terms).
pub async fn member_platforms(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<i64>, ApiError> {
    let mut ids: Vec<i64> = membership::Entity::find()
        .select_only()
        .column(membership::Column::PlatformId)
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    ids.extend(coordinated_platforms(db, user_id).await?);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Authors of several papers, in one query.
pub async fn authors_of(
    db: &impl ConnectionTrait,
    paper_ids: &[i64],
) -> Result<HashMap<i64, Vec<AuthorSummary>>, ApiError> {
    if paper_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = position_paper_author::Entity::find()
        .find_also_related(user::Entity)
        .filter(position_paper_author::Column::PaperId.is_in(paper_ids.iter().copied()))
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<AuthorSummary>> = HashMap::new();
    for (a, u) in rows {
        if let Some(u) = u {
            out.entry(a.paper_id).or_default().push(AuthorSummary {
                user_id: u.id,
                name: Bilingual {
                    ar: u.name_ar,
                    en: u.name_en,
                },
            });
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|a| a.user_id);
    }
    Ok(out)
}

/// Endorsement counts of several papers, in one query.
pub async fn endorsement_counts(
    db: &impl ConnectionTrait,
    paper_ids: &[i64],
) -> Result<HashMap<i64, i64>, ApiError> {
    if paper_ids.is_empty() {
        return Ok(HashMap::new());
    }
    use sea_orm::sea_query::{Expr, Func};
    let n: Expr = Func::count(Expr::col(position_paper_endorsement::Column::Id)).into();
    Ok(position_paper_endorsement::Entity::find()
        .select_only()
        .column(position_paper_endorsement::Column::PaperId)
        .column_as(n, "n")
        .filter(position_paper_endorsement::Column::PaperId.is_in(paper_ids.iter().copied()))
        .group_by(position_paper_endorsement::Column::PaperId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The full answer for one paper.
pub async fn response(
    db: &impl ConnectionTrait,
    p: position_paper::Model,
) -> Result<PaperResponse, ApiError> {
    let authors = authors_of(db, &[p.id])
        .await?
        .remove(&p.id)
        .unwrap_or_default();
    let endorsements = endorsement_counts(db, &[p.id])
        .await?
        .get(&p.id)
        .copied()
        .unwrap_or(0);
    Ok(PaperResponse {
        id: p.id,
        platform_id: p.platform_id,
        topic_id: p.topic_id,
        working_group_id: p.working_group_id,
        target_body: p.target_body,
        status: p.status,
        title: Bilingual {
            ar: p.title_ar,
            en: p.title_en,
        },
        summary: BilingualText::new(p.summary_ar, p.summary_en),
        body: PaperBody {
            ar: p.body_ar,
            en: p.body_en,
        },
        current_version: p.current_version,
        authors,
        endorsements,
        published_at: p.published_at,
        created_by: p.created_by,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    })
}

/// The stored search key of a paper.
pub fn search_text(title: &Bilingual, summary: &BilingualText, target_body: &str) -> String {
    search::fold_all([
        title.ar.as_str(),
        title.en.as_str(),
        summary.ar.as_str(),
        summary.en.as_str(),
        target_body,
    ])
}

/// Checks that the topic and working group (when given) belong to the platform, and to each other.
pub async fn check_links(
    db: &impl ConnectionTrait,
    platform_id: i64,
    topic_id: Option<i64>,
    working_group_id: Option<i64>,
) -> Result<(), ApiError> {
    if let Some(t) = topic_id {
        let ok = entity::topic::Entity::find_by_id(t)
            .one(db)
            .await?
            .is_some_and(|t| t.platform_id == platform_id);
        if !ok {
            return Err(ApiError::field(
                "/topic_id",
                "not_found",
                Text::new(
                    "no topic of this platform has this id",
                    "لا يوجد موضوع لهذه المنصة بهذا الرقم",
                ),
            ));
        }
    }
    if let Some(g) = working_group_id {
        let ok = entity::working_group::Entity::find_by_id(g)
            .one(db)
            .await?
            .is_some_and(|g| {
                g.platform_id == platform_id && topic_id.is_none_or(|t| t == g.topic_id)
            });
        if !ok {
            return Err(ApiError::field(
                "/working_group_id",
                "not_found",
                Text::new(
                    "no working group of this platform (and topic) has this id",
                    "لا توجد مجموعة عمل لهذه المنصة (ولهذا الموضوع) بهذا الرقم",
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that every author is an active member of the platform; answers the ids, deduplicated.
pub async fn check_authors(
    db: &impl ConnectionTrait,
    platform_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, ApiError> {
    let members: Vec<i64> = membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::PlatformId.eq(platform_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::UserId.is_in(ids.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if !members.contains(id) {
            return Err(ApiError::field(
                &format!("/author_ids/{i}"),
                "not_a_member",
                Text::new(
                    "authors must be active members of the platform",
                    "يجب أن يكون المؤلفون أعضاء فاعلين في المنصة",
                ),
            ));
        }
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.is_empty() {
        return Err(ApiError::field(
            "/author_ids",
            "required",
            Text::new("at least one author is needed", "يلزم مؤلف واحد على الأقل"),
        ));
    }
    Ok(out)
}
