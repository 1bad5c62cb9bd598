//! Scheduling warnings: the same venue at an overlapping time, the same platform twice at
//! once, and registered people with another overlapping registration. Warnings, not errors.

use chrono::{DateTime, Utc};
use entity::{registration, workshop, workshop_platform};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Bilingual, RegistrationStatus, WorkshopStatus};
use crate::error::ApiError;

/// A scheduling clash.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ClashWarning)]
pub struct Warning {
    /// `venue_clash` | `platform_clash` | `participant_clash`.
    #[schema(example = "venue_clash", value_type = String, max_length = 32, pattern = "^[a-z_]+$")]
    pub code: &'static str,
    pub message: Bilingual,
    /// The other workshops involved (the first 100).
    #[schema(max_items = 100)]
    pub workshop_ids: Vec<i64>,
}

/// How many of the other workshops a warning names at most.
const MAX_CLASH_IDS: usize = 100;

/// A look-up of clashing workshops' ids answering the lowest, at most [`MAX_CLASH_IDS`]: the
/// database orders and bounds them, so that a crowded hour sends a hundred ids, not all of them.
/// `distinct` where several rows can name one workshop (registrations).
fn first_ids<E: EntityTrait>(q: Select<E>, id: impl ColumnTrait, distinct: bool) -> Select<E> {
    let q = if distinct { q.distinct() } else { q };
    q.order_by_asc(id).limit(MAX_CLASH_IDS as u64)
}

fn overlapping(starts: DateTime<Utc>, ends: DateTime<Utc>, own: Option<i64>) -> Condition {
    let mut c = Condition::all()
        .add(workshop::Column::StartsAt.lt(ends))
        .add(workshop::Column::EndsAt.gt(starts))
        .add(workshop::Column::Status.ne(WorkshopStatus::Cancelled));
    if let Some(id) = own {
        c = c.add(workshop::Column::Id.ne(id));
    }
    c
}

/// Clashes of a saved workshop with the others, at its venue and among its hosts, and of the
/// people registered for it — none when it was `created` in this transaction (nobody can be
/// registered yet, so that look-up is skipped).
pub async fn of_saved(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    hosts: &[i64],
    created: bool,
) -> Result<Vec<Warning>, ApiError> {
    let venue = w
        .venue_city
        .as_deref()
        .map(|c| (c, w.venue_address.as_deref().unwrap_or_default()));
    find(db, w.id, w.starts_at, w.ends_at, venue, hosts, !created).await
}

/// Clashes of a workshop at `[starts, ends)` at a venue, hosted by `hosts`, and, when
/// `participants`, of the people registered for the saved one (`own`).
async fn find(
    db: &impl ConnectionTrait,
    own: i64,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    venue: Option<(&str, &str)>,
    hosts: &[i64],
    participants: bool,
) -> Result<Vec<Warning>, ApiError> {
    let mut warnings = Vec::new();
    if let Some((city, address)) = venue {
        let venue = workshop::Entity::find()
            .select_only()
            .column(workshop::Column::Id)
            .filter(overlapping(starts, ends, Some(own)))
            .filter(
                Expr::expr(Func::lower(Expr::col(workshop::Column::VenueCity)))
                    .eq(city.trim().to_lowercase()),
            )
            .filter(
                Expr::expr(Func::lower(Expr::col(workshop::Column::VenueAddress)))
                    .eq(address.trim().to_lowercase()),
            );
        let ids: Vec<i64> = first_ids(venue, workshop::Column::Id, false)
            .into_tuple()
            .all(db)
            .await?;
        if !ids.is_empty() {
            warnings.push(Warning {
                code: "venue_clash",
                message: Bilingual {
                    ar: "هناك ورشة أخرى في المكان نفسه في وقت متداخل.".into(),
                    en: "Another workshop uses the same venue at an overlapping time.".into(),
                },
                workshop_ids: ids,
            });
        }
    }
    if !hosts.is_empty() {
        let hosted = workshop::Entity::find()
            .select_only()
            .column(workshop::Column::Id)
            .filter(overlapping(starts, ends, Some(own)))
            .filter(
                workshop::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(workshop_platform::Column::WorkshopId)
                        .from(workshop_platform::Entity)
                        .and_where(
                            workshop_platform::Column::PlatformId.is_in(hosts.iter().copied()),
                        )
                        .to_owned(),
                ),
            );
        let ids: Vec<i64> = first_ids(hosted, workshop::Column::Id, false)
            .into_tuple()
            .all(db)
            .await?;
        if !ids.is_empty() {
            warnings.push(Warning {
                code: "platform_clash",
                message: Bilingual {
                    ar: "للمنصة نفسها ورشة أخرى في وقت متداخل.".into(),
                    en: "The same platform has another workshop at an overlapping time.".into(),
                },
                workshop_ids: ids,
            });
        }
    }
    if participants {
        let id = own;
        // People registered here who hold another overlapping registration.
        let active = [
            RegistrationStatus::Registered,
            RegistrationStatus::Waitlisted,
        ];
        let people = sea_orm::sea_query::Query::select()
            .column(registration::Column::UserId)
            .from(registration::Entity)
            .and_where(registration::Column::WorkshopId.eq(id))
            .and_where(registration::Column::Status.is_in(active))
            .to_owned();
        let others = sea_orm::sea_query::Query::select()
            .column(workshop::Column::Id)
            .from(workshop::Entity)
            .cond_where(overlapping(starts, ends, Some(id)))
            .to_owned();
        let held = registration::Entity::find()
            .select_only()
            .column(registration::Column::WorkshopId)
            .filter(registration::Column::UserId.in_subquery(people))
            .filter(registration::Column::WorkshopId.in_subquery(others))
            .filter(registration::Column::Status.is_in(active));
        let ids: Vec<i64> = first_ids(held, registration::Column::WorkshopId, true)
            .into_tuple()
            .all(db)
            .await?;
        if !ids.is_empty() {
            warnings.push(Warning {
                code: "participant_clash",
                message: Bilingual {
                    ar: "بعض المسجلين مسجلون في ورشة أخرى في وقت متداخل.".into(),
                    en: "Some registered people are registered for another workshop at an overlapping time.".into(),
                },
                workshop_ids: ids,
            });
        }
    }
    Ok(warnings)
}

/// The registrations a person holds that are active.
const ACTIVE: [RegistrationStatus; 2] = [
    RegistrationStatus::Registered,
    RegistrationStatus::Waitlisted,
];

/// PostgreSQL: the workshops overlapping the period first, from its GiST index (migration 24),
/// then the person's registration for each, from the `(workshop_id, user_id)` index. Bounded by
/// how many workshops the programme runs at once, not by the person's history: a member who had
/// registered for 3 000 workshops made the look-up by the person read all of them (4.2 ms, three
/// quarters of a registration's time in the database). Both steps are fixed (a `MATERIALIZED`
/// CTE, a `LATERAL` probe) so that a stale estimate of a person's registrations (one, where
/// there were 3 000) cannot pick that way again: with a plain join the generic plan hashed all
/// of them (1.1 ms against 0.34).
async fn person_clashes_by_period(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    person: i64,
    all_visible: bool,
) -> Result<Vec<i64>, ApiError> {
    use sea_orm::{ActiveEnum, FromQueryResult, Statement, Value};
    #[derive(FromQueryResult)]
    struct Row {
        workshop_id: i64,
    }
    let visible = if all_visible {
        ""
    } else {
        " AND (is_public OR platform_id = $8)"
    };
    let sql = format!(
        "WITH overlapping AS MATERIALIZED (SELECT id FROM workshops \
         WHERE {period} && tstzrange($2, $3) AND status <> $4 AND id <> $5{visible}) \
         SELECT o.id AS workshop_id FROM overlapping o CROSS JOIN LATERAL (SELECT 1 FROM \
         registrations r WHERE r.workshop_id = o.id AND r.user_id = $1 AND r.status IN ($6, $7) \
         LIMIT 1) held ORDER BY o.id LIMIT {MAX_CLASH_IDS}",
        period = migration::WORKSHOP_PERIOD,
    );
    let mut values: Vec<Value> = vec![
        person.into(),
        w.starts_at.into(),
        w.ends_at.into(),
        WorkshopStatus::Cancelled.to_value().into(),
        w.id.into(),
        ACTIVE[0].to_value().into(),
        ACTIVE[1].to_value().into(),
    ];
    if !all_visible {
        values.push(w.platform_id.into());
    }
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.workshop_id).collect())
}

/// SQLite, which has no index of periods: the person's registrations, each one's workshop
/// checked for the overlap.
async fn person_clashes_by_history(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    person: i64,
    all_visible: bool,
) -> Result<Vec<i64>, ApiError> {
    let mut others = sea_orm::sea_query::Query::select()
        .column(workshop::Column::Id)
        .from(workshop::Entity)
        .cond_where(overlapping(w.starts_at, w.ends_at, Some(w.id)))
        .to_owned();
    if !all_visible {
        others.cond_where(
            Condition::any()
                .add(workshop::Column::IsPublic.eq(true))
                .add(workshop::Column::PlatformId.eq(w.platform_id)),
        );
    }
    let held = registration::Entity::find()
        .select_only()
        .column(registration::Column::WorkshopId)
        .filter(registration::Column::UserId.eq(person))
        .filter(registration::Column::WorkshopId.in_subquery(others))
        .filter(registration::Column::Status.is_in(ACTIVE));
    // One registration per person and workshop (a unique index): no duplicates to remove.
    Ok(first_ids(held, registration::Column::WorkshopId, false)
        .into_tuple()
        .all(db)
        .await?)
}

/// A person's other registrations at an overlapping time, as a warning on their new one. With
/// `all_visible` false (a coordinator registering someone) only the clashing workshops that are
/// public or of the same platform are named.
pub async fn of_person(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    person: i64,
    all_visible: bool,
) -> Result<Vec<Warning>, ApiError> {
    let ids = if db.get_database_backend() == DbBackend::Postgres {
        person_clashes_by_period(db, w, person, all_visible).await?
    } else {
        person_clashes_by_history(db, w, person, all_visible).await?
    };
    Ok(if ids.is_empty() {
        Vec::new()
    } else {
        vec![Warning {
            code: "participant_clash",
            message: Bilingual {
                ar: "هذا الشخص مسجل في ورشة أخرى في وقت متداخل.".into(),
                en: "This person is registered for another workshop at an overlapping time.".into(),
            },
            workshop_ids: ids,
        }]
    })
}
