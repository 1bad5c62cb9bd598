use actix_web::{HttpResponse, get, post, web};
use entity::{partnership, partnership_step};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{DocumentLink, StepResponse, is_financial, next_statuses, response, step_response};
use crate::access::require_agreement_manager;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{PartnershipStatus, StepOrigin};
use crate::error::{ApiError, ProblemCode};
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::services::store::versioned;
use crate::state::AppState;

/// The next step of an agreement.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    pub to: PartnershipStatus,
    /// The day it happened (default today; not before the previous step, not in the future).
    pub on: Option<chrono::NaiveDate>,
    /// Minutes of the meeting or session (e.g. the council's deliberation).
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    #[serde(default)]
    pub minutes: String,
    /// Supporting documents (council decision, signed copy, visa…).
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    #[serde(default)]
    pub documents: Vec<DocumentLink>,
    /// The new end date: required for `renewed`, optional for `amended`, refused otherwise.
    pub new_ends_on: Option<chrono::NaiveDate>,
    /// The amended terms, with `amended` only: what changes. The terms they replace are kept
    /// (`GET /partnerships/{id}/terms`), as they are before a renewal.
    #[validate(nested)]
    pub terms: Option<AmendedTerms>,
}

/// Terms an amendment changes; absent ones stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AmendedTerms {
    #[validate(nested)]
    pub subject: Option<crate::domain::Bilingual>,
    #[validate(nested)]
    pub objectives: Option<crate::domain::BilingualText>,
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    pub fields: Option<Vec<crate::domain::Bilingual>>,
    #[validate(nested, length(max = 30))]
    #[schema(max_items = 30)]
    pub indicators: Option<Vec<crate::domain::Bilingual>>,
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub supervising_body: Option<String>,
}

/// Records the next step (admins and the international partnerships task force). Allowed
/// moves: consultation → drafting → council_deliberation (→ approved, or back to drafting) →
/// signing → visa → in_force when the agreement has financial contributions, signing →
/// in_force when it has none; in force → renewed | amended | completed | terminated; any
/// unfinished agreement may be terminated. Anything else → 409.
#[utoipa::path(
    tag = "partnerships",
    params(("id" = i64, Path, description = "Agreement id")),
    request_body = StepRequest,
    responses(
        (status = 200, body = super::PartnershipResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not an allowed step from the current status (e.g. skipping the visa of an agreement with financial contributions)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/partnerships/{id}/steps")]
pub async fn record_step(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<StepRequest>,
) -> Result<HttpResponse, ApiError> {
    use PartnershipStatus::*;
    let now = state.clock.now();
    let today = now.date_naive();
    let txn = crate::db::begin(&state.db).await?;
    require_agreement_manager(&txn, &auth).await?;
    let req = body.into_inner()?;
    let p = find_or_404::<entity::partnership::Entity>(&txn, id.into_inner()).await?;
    crate::db::ensure_room(
        &txn,
        partnership_step::Entity::find().filter(partnership_step::Column::PartnershipId.eq(p.id)),
        crate::domain::limits::MAX_STEPS_PER_AGREEMENT,
        ("Steps of an agreement", "خطوات الاتفاقية"),
    )
    .await?;
    let from = p.status;
    let financial = is_financial(&txn, p.id).await?;
    if !next_statuses(from, financial).contains(&req.to) {
        let why = match (from, req.to) {
            (Signing, InForce) if financial => (
                "An agreement with financial contributions needs the governor's visa before it is in force.".to_owned(),
                "تحتاج الاتفاقية ذات الأثر المالي إلى تأشيرة العامل قبل دخولها حيز التنفيذ.".to_owned(),
            ),
            (Signing, Visa) => (
                "An agreement without financial contributions needs no visa.".to_owned(),
                "لا تحتاج الاتفاقية التي ليس لها أثر مالي إلى تأشيرة.".to_owned(),
            ),
            _ => {
                return Err(versioned::not_allowed::<partnership::Entity>(
                    from.as_str(),
                    req.to.as_str(),
                ));
            }
        };
        return Err(ApiError::Problem(
            ProblemCode::TransitionNotAllowed,
            Text::new(why.0, why.1),
        ));
    }
    let on = req.on.unwrap_or(today);
    if on > today {
        return Err(ApiError::field(
            "/on",
            "future",
            Text::new("cannot be in the future", "لا يمكن أن يكون في المستقبل"),
        ));
    }
    let last: Option<chrono::NaiveDate> = partnership_step::Entity::find()
        .select_only()
        .column(partnership_step::Column::OnDate)
        .filter(partnership_step::Column::PartnershipId.eq(p.id))
        .order_by_desc(partnership_step::Column::Id)
        .into_tuple()
        .one(&txn)
        .await?;
    if last.is_some_and(|l| on < l) {
        return Err(ApiError::field(
            "/on",
            "before_previous",
            Text::new(
                "cannot be before the previous step",
                "لا يمكن أن يسبق تاريخ الخطوة السابقة",
            ),
        ));
    }
    let new_end = match (req.to, req.new_ends_on) {
        (Renewed, None) => {
            return Err(ApiError::field(
                "/new_ends_on",
                "required",
                Text::new(
                    "a renewal sets the new end date",
                    "يحدد التجديد تاريخ الانتهاء الجديد",
                ),
            ));
        }
        (Renewed, Some(d)) if d <= p.ends_on => {
            return Err(ApiError::field(
                "/new_ends_on",
                "not_later",
                Text::new(
                    "must be after the current end date",
                    "يجب أن يكون بعد تاريخ الانتهاء الحالي",
                ),
            ));
        }
        (Renewed | Amended, Some(d)) if d <= p.starts_on => {
            return Err(ApiError::field(
                "/new_ends_on",
                "before_start",
                Text::new(
                    "must be after the start date",
                    "يجب أن يكون بعد تاريخ البدء",
                ),
            ));
        }
        (Renewed | Amended, d) => d,
        (_, Some(_)) => {
            return Err(ApiError::field(
                "/new_ends_on",
                "not_allowed",
                Text::new(
                    "only a renewal or an amendment changes the end date",
                    "يغيّر تاريخ الانتهاء التجديد أو التعديل فقط",
                ),
            ));
        }
        (_, None) => None,
    };
    if req.terms.is_some() && req.to != Amended {
        return Err(ApiError::field(
            "/terms",
            "not_allowed",
            Text::new(
                "only an amendment records new terms",
                "التعديل وحده يسجل شروطًا جديدة",
            ),
        ));
    }
    let mut extra: Vec<(partnership::Column, sea_orm::sea_query::SimpleExpr)> = new_end
        .map(|d| (partnership::Column::EndsOn, Expr::value(d)))
        .into_iter()
        .collect();
    if let Some(t) = &req.terms {
        extra.extend(amended_columns(&txn, &p, t).await?);
    }
    let updated =
        versioned::move_status::<partnership::Entity, _>(&txn, p.id, from, req.to, now, extra)
            .await?;
    let step = partnership_step::ActiveModel {
        partnership_id: Set(p.id),
        from_status: Set(StepOrigin(Some(from))),
        to_status: Set(req.to),
        on_date: Set(on),
        minutes: Set(req.minutes.trim().to_owned()),
        documents: Set(serde_json::to_string(&req.documents).unwrap_or_else(|_| "[]".into())),
        actor_id: Set(auth.id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if matches!(req.to, Amended | Renewed) {
        super::keep_terms(&txn, &p, step.id, on, now).await?;
    }
    Entry::new(Action::PartnershipStep, p.id)
        .updated(&p, &updated)
        .field("step", step_json(&step))
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, updated, today).await?;
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// The columns an amendment sets: the changed terms, and the search key they feed.
async fn amended_columns(
    db: &impl sea_orm::ConnectionTrait,
    p: &partnership::Model,
    t: &AmendedTerms,
) -> Result<Vec<(partnership::Column, sea_orm::sea_query::SimpleExpr)>, ApiError> {
    use crate::domain::Bilingual;
    use partnership::Column as C;
    let mut out = Vec::new();
    let subject = t
        .subject
        .clone()
        .map(Bilingual::trimmed)
        .unwrap_or(Bilingual {
            ar: p.subject_ar.clone(),
            en: p.subject_en.clone(),
        });
    let supervising = t
        .supervising_body
        .as_deref()
        .map_or(p.supervising_body.clone(), |s| s.trim().to_owned());
    if t.subject.is_some() || t.supervising_body.is_some() {
        let parties: Vec<Bilingual> = entity::partnership_party::Entity::find()
            .filter(entity::partnership_party::Column::PartnershipId.eq(p.id))
            .order_by_asc(entity::partnership_party::Column::Position)
            .all(db)
            .await?
            .into_iter()
            .map(|x| Bilingual {
                ar: x.name_ar,
                en: x.name_en,
            })
            .collect();
        out.push((
            C::SearchText,
            Expr::value(super::search_text(&subject, &supervising, &parties)),
        ));
        out.push((C::SubjectAr, Expr::value(subject.ar)));
        out.push((C::SubjectEn, Expr::value(subject.en)));
        out.push((C::SupervisingBody, Expr::value(supervising)));
    }
    if let Some(o) = &t.objectives {
        out.push((C::ObjectivesAr, Expr::value(o.ar.trim().to_owned())));
        out.push((C::ObjectivesEn, Expr::value(o.en.trim().to_owned())));
    }
    if let Some(f) = &t.fields {
        out.push((C::Fields, Expr::value(super::list_json(f))));
    }
    if let Some(i) = &t.indicators {
        out.push((C::Indicators, Expr::value(super::list_json(i))));
    }
    Ok(out)
}

fn step_json(s: &partnership_step::Model) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "on": s.on_date,
        "minutes": s.minutes,
        "documents": serde_json::from_str::<serde_json::Value>(&s.documents).unwrap_or_default(),
    })
}

crate::listed!(StepResponse => StepList, "A page of steps, oldest first.");

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListStepsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// An agreement's steps, oldest first (signed-in users).
#[utoipa::path(
    tag = "partnerships",
    params(("id" = i64, Path, description = "Agreement id"), ListStepsQuery),
    responses((status = 200, body = StepList))
)]
#[get("/partnerships/{id}/steps")]
pub async fn list_steps(
    _auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListStepsQuery>,
) -> Result<web::Json<StepList>, ApiError> {
    let p = find_or_404::<entity::partnership::Entity>(&state.db, id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select =
        partnership_step::Entity::find().filter(partnership_step::Column::PartnershipId.eq(p.id));
    if let Some(after) = page.after {
        select = select.filter(partnership_step::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(partnership_step::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |s| s.id);
    Ok(web::Json(StepList {
        items: rows.into_iter().map(step_response).collect(),
        next_cursor,
    }))
}
