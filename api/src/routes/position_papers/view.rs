//! How the position papers are shown: responses built from rows, with what hangs on them loaded in batches.

use std::collections::HashMap;

use entity::{position_paper, position_paper_author, position_paper_endorsement, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::{Bilingual, BilingualText};
use crate::error::ApiError;

use super::*;

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
