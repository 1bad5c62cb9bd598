//! The rules of the position papers: checks and derived values the handlers share.

use entity::membership;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::{Bilingual, BilingualText, MembershipStatus, search};
use crate::error::ApiError;
use crate::i18n::Text;

pub use crate::access::{member_platforms, visible_paper};

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
    crate::db::check_active_people(db, ids, "/author_ids").await?;
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
