//! An accepted request to learn a practice, planned as a peer exchange (`003`: Hebron sharing its
//! GIS with the municipalities of Hebron and Bethlehem governorates): an activity of the
//! practice's platform, hosted by it, its rationale what the asking authority wants to learn, the
//! practice's authority responsible; the request names it.

use chrono::{DateTime, Utc};
use entity::{activity, activity_platform, exchange_request, local_authority, practice};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::audit::{Action, Actor, Entry};
use crate::domain::{ActivityKind, ActivityStatus, ExchangeStatus};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// Makes the activity (audited as `by`'s) and links the request to it, in the caller's
/// transaction: 409 `not_accepted` unless the request was accepted, `duplicate` when it is
/// planned already.
pub async fn plan(
    db: &impl sea_orm::ConnectionTrait,
    r: &exchange_request::Model,
    p: &practice::Model,
    planned_quarter: Option<String>,
    by: impl Into<Actor>,
    now: DateTime<Utc>,
) -> Result<activity::Model, ApiError> {
    if r.status != ExchangeStatus::Accepted {
        return Err(ApiError::Problem(
            ProblemCode::NotAccepted,
            Text::new(
                "Only an accepted request becomes an exchange.",
                "لا يصبح الطلب تبادلًا إلا إذا قُبل.",
            ),
        ));
    }
    let already = || {
        ApiError::Problem(
            ProblemCode::Duplicate,
            Text::new(
                "The request is planned as an exchange already.",
                "خُطط الطلب تبادلًا بالفعل.",
            ),
        )
    };
    if r.activity_id.is_some() {
        return Err(already());
    }
    let names = |id: i64| async move {
        Ok::<_, ApiError>(
            local_authority::Entity::find_by_id(id)
                .one(db)
                .await?
                .map_or_else(
                    || ("".to_owned(), "".to_owned()),
                    |a| (a.name_ar, a.name_en),
                ),
        )
    };
    let (host_ar, host_en) = names(p.local_authority_id).await?;
    let (guest_ar, guest_en) = names(r.local_authority_id).await?;
    let clip = |s: String| s.chars().take(200).collect::<String>();
    let made = activity::ActiveModel {
        working_group_id: Set(None),
        milestone_id: Set(None),
        platform_id: Set(Some(p.platform_id)),
        kind: Set(ActivityKind::PeerExchange),
        title_ar: Set(clip(format!("تبادل خبرات: {} مع {guest_ar}", p.title_ar))),
        title_en: Set(if p.title_en.is_empty() || guest_en.is_empty() {
            String::new()
        } else {
            clip(format!("Peer exchange: {} with {guest_en}", p.title_en))
        }),
        rationale_ar: Set(r.message.clone()),
        rationale_en: Set(String::new()),
        expected_outputs_ar: Set(String::new()),
        expected_outputs_en: Set(String::new()),
        responsible_party: Set(if host_ar.is_empty() { host_en } else { host_ar }
            .chars()
            .take(300)
            .collect()),
        status: Set(ActivityStatus::Planned),
        planned_quarter: Set(planned_quarter),
        started_on: Set(None),
        advanced_on: Set(None),
        completed_on: Set(None),
        cancelled_on: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    activity_platform::ActiveModel {
        activity_id: Set(made.id),
        platform_id: Set(p.platform_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Planned once: of two at once, one links the request.
    let linked = exchange_request::Entity::update_many()
        .col_expr(exchange_request::Column::ActivityId, Expr::value(made.id))
        .filter(exchange_request::Column::Id.eq(r.id))
        .filter(exchange_request::Column::ActivityId.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if linked != 1 {
        return Err(already());
    }
    Entry::new(Action::ActivityCreate, made.id)
        .created(&made)
        .platform(made.platform_id)
        .field("host_platform_ids", [p.platform_id])
        .field("exchange_request_id", r.id)
        .write(db, by, now)
        .await?;
    Ok(made)
}
