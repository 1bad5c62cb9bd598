use std::collections::HashMap;

use actix_web::{get, web};
use entity::{partnership, partnership_party};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::PartnershipSummary;
use crate::auth::AuthUser;
use crate::domain::{Bilingual, PartnershipKind, PartnershipStatus, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::pagination::{PageRequest, decode_instant, encode_instant, limit};
use crate::state::AppState;

crate::listed!(PartnershipSummary => PartnershipList, "A page of agreements.");

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPartnershipsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<PartnershipStatus>,
    pub kind: Option<PartnershipKind>,
    /// Agreements this local authority is a party to.
    pub local_authority_id: Option<i64>,
    /// Words in the subject, supervising body or parties' names, ignoring Arabic diacritics,
    /// letter variants and case.
    pub q: Option<String>,
}

async fn summaries(
    db: &impl ConnectionTrait,
    rows: Vec<partnership::Model>,
    today: chrono::NaiveDate,
) -> Result<Vec<PartnershipSummary>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut parties: HashMap<i64, Vec<Bilingual>> = HashMap::new();
    if !ids.is_empty() {
        for p in partnership_party::Entity::find()
            .filter(partnership_party::Column::PartnershipId.is_in(ids))
            .order_by_asc(partnership_party::Column::PartnershipId)
            .order_by_asc(partnership_party::Column::Position)
            .all(db)
            .await?
        {
            parties
                .entry(p.partnership_id)
                .or_default()
                .push(Bilingual {
                    ar: p.name_ar,
                    en: p.name_en,
                });
        }
    }
    Ok(rows
        .into_iter()
        .map(|p| {
            let status = p.status;
            PartnershipSummary {
                parties: parties.remove(&p.id).unwrap_or_default(),
                days_left: PartnershipStatus::IN_FORCE
                    .contains(&status)
                    .then(|| (p.ends_on - today).num_days()),
                id: p.id,
                kind: p.kind,
                subject: Bilingual {
                    ar: p.subject_ar,
                    en: p.subject_en,
                },
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                status,
            }
        })
        .collect())
}

/// Agreements (signed-in users), oldest first.
#[utoipa::path(tag = "partnerships", params(ListPartnershipsQuery), responses((status = 200, body = PartnershipList)))]
#[get("/partnerships")]
pub async fn list_partnerships(
    _auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListPartnershipsQuery>,
) -> Result<web::Json<PartnershipList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = partnership::Entity::find();
    if let Some(after) = page.after {
        select = select.filter(partnership::Column::Id.gt(after));
    }
    if let Some(s) = q.status {
        select = select.filter(partnership::Column::Status.eq(s));
    }
    if let Some(k) = q.kind {
        select = select.filter(partnership::Column::Kind.eq(k));
    }
    if let Some(a) = q.local_authority_id {
        let with = partnership_party::Entity::find()
            .select_only()
            .column(partnership_party::Column::PartnershipId)
            .filter(partnership_party::Column::LocalAuthorityId.eq(a))
            .into_query();
        select = select.filter(partnership::Column::Id.in_subquery(with));
    }
    if let Some(text) = q.q.as_deref().filter(|t| !search::fold(t).is_empty()) {
        select = select.filter(
            partnership::Column::SearchText
                .like(LikeExpr::new(search::like_pattern(text)).escape('\\')),
        );
    }
    let rows = select
        .order_by_asc(partnership::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |p| p.id);
    let items = summaries(&state.db, rows, state.clock.now().date_naive()).await?;
    Ok(web::Json(PartnershipList { items, next_cursor }))
}

/// How far ahead to look.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// Days from today, 1–3650 (default 90).
    #[param(minimum = 1, maximum = 3650)]
    pub within_days: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Agreements in force (in force, renewed or amended) whose end date falls within the next
/// `within_days` days, soonest first (signed-in users).
#[utoipa::path(tag = "partnerships", params(ExpiringQuery), responses((status = 200, body = PartnershipList)))]
#[get("/partnerships/expiring")]
pub async fn expiring_partnerships(
    _auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ExpiringQuery>,
) -> Result<web::Json<PartnershipList>, ApiError> {
    let q = query.into_inner();
    let days = q.within_days.unwrap_or(90);
    if !(1..=3650).contains(&days) {
        return Err(ApiError::Problem(
            ProblemCode::InvalidParameter,
            Text::new(
                format!("within_days must be between 1 and 3650, got {days}."),
                format!("يجب أن تكون قيمة within_days بين 1 و3650، والقيمة المرسلة {days}."),
            ),
        ));
    }
    let limit = limit(q.limit)?;
    let today = state.clock.now().date_naive();
    let until = today + chrono::Duration::days(days);
    let mut select = partnership::Entity::find()
        .filter(partnership::Column::Status.is_in(PartnershipStatus::IN_FORCE))
        .filter(partnership::Column::EndsOn.gte(today))
        .filter(partnership::Column::EndsOn.lte(until));
    if let Some(c) = q.cursor.as_deref() {
        let (at, id) = decode_instant(c)?;
        let d = at.date_naive();
        select = select.filter(
            Condition::any().add(partnership::Column::EndsOn.gt(d)).add(
                Condition::all()
                    .add(partnership::Column::EndsOn.eq(d))
                    .add(partnership::Column::Id.gt(id)),
            ),
        );
    }
    let mut rows = select
        .order_by_asc(partnership::Column::EndsOn)
        .order_by_asc(partnership::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .map(|p| encode_instant(p.ends_on.and_time(chrono::NaiveTime::MIN).and_utc(), p.id))
    } else {
        None
    };
    let items = summaries(&state.db, rows, today).await?;
    Ok(web::Json(PartnershipList { items, next_cursor }))
}
