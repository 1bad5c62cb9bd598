//! Reports on the programme plan of `000`: each activity's progress against its timeline (on
//! time or late, per milestone and quarter) and the budget planned against what was spent, by
//! funder, currency and quarter, in exact decimals. Read in a few queries for the whole set and
//! totalled here.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use entity::{activity, activity_platform, activity_quarter, activity_spending, budget_line};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::ActivityStatus;
use crate::domain::money::parse_amount;
use crate::error::ApiError;

/// A quarter as `(year, 1..=4)`.
pub type Quarter = (i32, i32);

/// The quarter a day is in.
pub fn quarter_of(d: NaiveDate) -> Quarter {
    (d.year(), d.month0() as i32 / 3 + 1)
}

/// `2026-Q2`.
pub fn quarter_label((y, q): Quarter) -> String {
    format!("{y}-Q{q}")
}

fn parse_quarter(text: &str) -> Option<Quarter> {
    let (y, q) = text.split_once("-Q")?;
    Some((y.parse().ok()?, q.parse().ok()?))
}

/// The last day of a quarter.
fn quarter_end((y, q): Quarter) -> NaiveDate {
    let (ny, nm) = if q == 4 {
        (y + 1, 1)
    } else {
        (y, q as u32 * 3 + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Activities hosted by the given platforms (`None`: all, the union's own among them), not
/// cancelled. A joint activity counts for each of its hosts, as in a platform's budget.
async fn activities(
    db: &impl ConnectionTrait,
    platforms: Option<&[i64]>,
) -> Result<Vec<activity::Model>, ApiError> {
    let mut select =
        activity::Entity::find().filter(activity::Column::Status.ne(ActivityStatus::Cancelled));
    if let Some(p) = platforms {
        select = select.filter(
            activity::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(activity_platform::Column::ActivityId)
                    .from(activity_platform::Entity)
                    .and_where(activity_platform::Column::PlatformId.is_in(p.iter().copied()))
                    .to_owned(),
            ),
        );
    }
    Ok(select.all(db).await?)
}

/// Each activity's planned quarters: its timeline, else its planned quarter, else none.
async fn timelines(
    db: &impl ConnectionTrait,
    acts: &[activity::Model],
) -> Result<HashMap<i64, Vec<Quarter>>, ApiError> {
    let mut out: HashMap<i64, Vec<Quarter>> = HashMap::new();
    for q in activity_quarter::Entity::find()
        .filter(activity_quarter::Column::ActivityId.is_in(acts.iter().map(|a| a.id)))
        .all(db)
        .await?
    {
        out.entry(q.activity_id)
            .or_default()
            .push((q.year, q.quarter));
    }
    for a in acts {
        if !out.contains_key(&a.id)
            && let Some(q) = a.planned_quarter.as_deref().and_then(parse_quarter)
        {
            out.insert(a.id, vec![q]);
        }
    }
    for cells in out.values_mut() {
        cells.sort();
    }
    Ok(out)
}

/// The progress of the activities due in one quarter under one milestone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub activities: u64,
    pub planned: u64,
    pub started: u64,
    pub advanced: u64,
    pub completed: u64,
    /// Completed by the end of their last planned quarter, or not yet due.
    pub on_time: u64,
    /// Past the end of their last planned quarter and not completed, or completed after it.
    pub late: u64,
}

/// Progress by (milestone, the quarter an activity is due: its last planned one), for the
/// activities due in `[from, to]`; `today` tells what is late. Activities without a timeline
/// are left out (they are not planned against one).
pub async fn progress(
    db: &impl ConnectionTrait,
    platforms: Option<&[i64]>,
    programme: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<BTreeMap<(Option<i64>, Quarter), Progress>, ApiError> {
    let mut acts = activities(db, platforms).await?;
    if let Some(p) = programme {
        let ids: Vec<i64> = entity::milestone::Entity::find()
            .filter(entity::milestone::Column::Programme.eq(p))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        acts.retain(|a| a.milestone_id.is_some_and(|m| ids.contains(&m)));
    }
    let plan = timelines(db, &acts).await?;
    let (first, last) = (quarter_of(from), quarter_of(to));
    let mut out: BTreeMap<(Option<i64>, Quarter), Progress> = BTreeMap::new();
    for a in &acts {
        let Some(due) = plan.get(&a.id).and_then(|cells| cells.last().copied()) else {
            continue;
        };
        if due < first || due > last {
            continue;
        }
        let end = quarter_end(due);
        let row = out.entry((a.milestone_id, due)).or_default();
        row.activities += 1;
        match a.status {
            ActivityStatus::Planned => row.planned += 1,
            ActivityStatus::Started => row.started += 1,
            ActivityStatus::Advanced => row.advanced += 1,
            ActivityStatus::Completed => row.completed += 1,
            ActivityStatus::Cancelled => {}
        }
        let late = match (a.status, a.completed_on) {
            (ActivityStatus::Completed, Some(done)) => done > end,
            (ActivityStatus::Completed, None) => false,
            _ => today > end,
        };
        if late {
            row.late += 1;
        } else {
            row.on_time += 1;
        }
    }
    Ok(out)
}

/// Planned and spent of one funder, currency and quarter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Money {
    pub planned: Decimal,
    pub spent: Decimal,
}

/// The budget by (funder, currency, quarter) within `[from, to]`: a line's subtotal is planned
/// in the activity's first planned quarter; spending counts in the quarter it was spent.
pub async fn budget(
    db: &impl ConnectionTrait,
    platforms: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<(String, String, Quarter), Money>, ApiError> {
    let acts = activities(db, platforms).await?;
    let plan = timelines(db, &acts).await?;
    let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
    let (first, last) = (quarter_of(from), quarter_of(to));
    let mut out: BTreeMap<(String, String, Quarter), Money> = BTreeMap::new();
    for l in budget_line::Entity::find()
        .filter(budget_line::Column::ActivityId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        let Some(q) = plan.get(&l.activity_id).and_then(|c| c.first().copied()) else {
            continue;
        };
        if q < first || q > last {
            continue;
        }
        let amount = parse_amount(&l.unit_cost).unwrap_or_default()
            * parse_amount(&l.units).unwrap_or_default()
            + l.unit_cost_2
                .as_deref()
                .and_then(parse_amount)
                .zip(l.units_2.as_deref().and_then(parse_amount))
                .map_or(Decimal::ZERO, |(c, n)| c * n);
        out.entry((l.funder, l.currency, q)).or_default().planned += amount;
    }
    for s in activity_spending::Entity::find()
        .filter(activity_spending::Column::ActivityId.is_in(ids))
        .filter(activity_spending::Column::SpentOn.gte(from))
        .filter(activity_spending::Column::SpentOn.lte(to))
        .all(db)
        .await?
    {
        let amount = parse_amount(&s.amount).unwrap_or_default();
        out.entry((s.funder, s.currency, quarter_of(s.spent_on)))
            .or_default()
            .spent += amount;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_end_where_they_should() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("day");
        assert_eq!(quarter_end((2026, 1)), d(2026, 3, 31));
        assert_eq!(quarter_end((2026, 4)), d(2026, 12, 31));
        assert_eq!(quarter_of(d(2026, 7, 1)), (2026, 3));
        assert_eq!(parse_quarter("2027-Q2"), Some((2027, 2)));
        assert_eq!(quarter_label((2027, 2)), "2027-Q2");
    }
}
