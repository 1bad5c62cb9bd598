//! Programme reports: participation in workshops counted in the database (one `GROUP BY` over
//! registrations, workshops, people and their authorities), and the small-cell rule that keeps
//! anyone but an admin from telling who took part.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use crate::error::ApiError;

macro_rules! dimensions {
    ($($variant:ident => $name:literal,)*) => {
        /// What participation can be counted by.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Dimension { $($variant,)* }

        impl Dimension {
            pub const ALL: &'static [&'static str] = &[$($name,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Dimension::$variant => $name,)* }
            }

            pub fn parse(text: &str) -> Option<Dimension> {
                match text { $($name => Some(Dimension::$variant),)* _ => None }
            }
        }
    };
}

dimensions! {
    Gender => "gender",
    LocalAuthority => "local_authority",
    AuthorityKind => "authority_kind",
    Governorate => "governorate",
    Region => "region",
    Platform => "platform",
    Topic => "topic",
    WorkshopKind => "workshop_kind",
    Quarter => "quarter",
    Month => "month",
}

impl Dimension {
    /// The SQL expression of the dimension (text on both databases). Quarters and months are
    /// those of the workshop's start in UTC.
    fn sql(self, backend: DbBackend) -> &'static str {
        let pg = backend == DbBackend::Postgres;
        match self {
            Dimension::Gender => "u.gender",
            Dimension::LocalAuthority => "CAST(u.local_authority_id AS TEXT)",
            Dimension::AuthorityKind => "a.kind",
            Dimension::Governorate => "a.governorate",
            Dimension::Region => "a.region",
            Dimension::Platform => "CAST(w.platform_id AS TEXT)",
            Dimension::Topic => "CAST(w.topic_id AS TEXT)",
            Dimension::WorkshopKind => "w.kind",
            Dimension::Quarter if pg => {
                "to_char(w.starts_at AT TIME ZONE 'UTC', 'YYYY') || '-Q' || to_char(w.starts_at AT TIME ZONE 'UTC', 'Q')"
            }
            Dimension::Quarter => {
                "strftime('%Y', w.starts_at) || '-Q' || ((CAST(strftime('%m', w.starts_at) AS INTEGER) + 2) / 3)"
            }
            Dimension::Month if pg => "to_char(w.starts_at AT TIME ZONE 'UTC', 'YYYY-MM')",
            Dimension::Month => "strftime('%Y-%m', w.starts_at)",
        }
    }
}

/// What to count.
#[derive(Clone, Debug)]
pub struct Query {
    pub group_by: Vec<Dimension>,
    pub from: DateTime<Utc>,
    /// Exclusive.
    pub until: DateTime<Utc>,
    /// `None`: every platform.
    pub platforms: Option<Vec<i64>>,
}

/// Counts of one group (or of all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Seats taken: registered, attended or no-show.
    pub registrations: u64,
    pub attendances: u64,
    /// Distinct people who attended.
    pub people: u64,
}

/// One group: its value in each dimension (`None`: not known, e.g. no authority).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub group: BTreeMap<Dimension, Option<String>>,
    pub counts: Counts,
}

/// Participation by the query's dimensions, and over all.
pub async fn participation(
    db: &impl ConnectionTrait,
    q: &Query,
) -> Result<(Vec<Row>, Counts), ApiError> {
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = vec![q.from.into(), q.until.into()];
    let mut filter = String::from(
        "FROM registrations r JOIN workshops w ON w.id = r.workshop_id \
         JOIN users u ON u.id = r.user_id \
         LEFT JOIN local_authorities a ON a.id = u.local_authority_id \
         WHERE w.starts_at >= $1 AND w.starts_at < $2 \
         AND w.status IN ('scheduled', 'completed') \
         AND r.status IN ('registered', 'attended', 'no_show')",
    );
    if let Some(platforms) = &q.platforms {
        if platforms.is_empty() {
            return Ok((Vec::new(), Counts::default()));
        }
        let marks: Vec<String> = platforms
            .iter()
            .map(|p| {
                values.push((*p).into());
                format!("${}", values.len())
            })
            .collect();
        filter.push_str(&format!(" AND w.platform_id IN ({})", marks.join(", ")));
    }
    let measures = "COUNT(*) AS registrations, \
         SUM(CASE WHEN r.status = 'attended' THEN 1 ELSE 0 END) AS attendances, \
         COUNT(DISTINCT CASE WHEN r.status = 'attended' THEN r.user_id END) AS people";
    let dims: Vec<String> = q
        .group_by
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{} AS d{i}", d.sql(backend)))
        .collect();
    let mut rows = Vec::new();
    if !dims.is_empty() {
        let keys: Vec<String> = (0..dims.len()).map(|i| format!("d{i}")).collect();
        let sql = format!(
            "SELECT {}, {measures} {filter} GROUP BY {} ORDER BY {}",
            dims.join(", "),
            keys.join(", "),
            keys.join(", ")
        );
        for r in db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values.clone()))
            .await?
        {
            let mut group = BTreeMap::new();
            for (i, d) in q.group_by.iter().enumerate() {
                group.insert(*d, r.try_get::<Option<String>>("", &format!("d{i}"))?);
            }
            rows.push(Row {
                group,
                counts: counts_of(&r)?,
            });
        }
    }
    let total = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!("SELECT {measures} {filter}"),
            values,
        ))
        .await?
        .map(|r| counts_of(&r))
        .transpose()?
        .unwrap_or_default();
    Ok((rows, total))
}

fn counts_of(r: &sea_orm::QueryResult) -> Result<Counts, sea_orm::DbErr> {
    let n = |v: Option<i64>| v.map_or(0, |v| u64::try_from(v).unwrap_or(0));
    Ok(Counts {
        registrations: n(r.try_get("", "registrations")?),
        attendances: n(r.try_get("", "attendances")?),
        people: n(r.try_get("", "people")?),
    })
}

/// Which rows (and whether the totals) must be hidden from someone who is not an admin: every
/// group counting fewer than `min` people; if that leaves exactly one hidden group, the next
/// smallest too, so that the totals minus the shown groups never give one hidden group back;
/// and the totals themselves when they count fewer than `min` people.
pub fn suppressed(rows: &[Row], total: &Counts, min: u64) -> (Vec<bool>, bool) {
    let mut hidden: Vec<bool> = rows.iter().map(|r| r.counts.people < min).collect();
    if hidden.iter().filter(|h| **h).count() == 1
        && let Some((i, _)) = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(_, r)| (r.counts.people, r.counts.attendances))
    {
        hidden[i] = true;
    }
    (hidden, total.people < min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(people: u64) -> Row {
        Row {
            group: BTreeMap::new(),
            counts: Counts {
                registrations: people,
                attendances: people,
                people,
            },
        }
    }

    #[test]
    fn one_small_group_takes_the_next_smallest_with_it() {
        let rows = vec![row(12), row(3), row(7), row(30)];
        let total = Counts {
            people: 52,
            ..Counts::default()
        };
        let (hidden, total_hidden) = suppressed(&rows, &total, 5);
        assert_eq!(hidden, vec![false, true, true, false]);
        assert!(!total_hidden);
        // Two small groups already hide each other; nothing more is hidden.
        let rows = vec![row(12), row(3), row(2)];
        assert_eq!(suppressed(&rows, &total, 5).0, vec![false, true, true]);
        // Nothing small: nothing hidden.
        assert_eq!(
            suppressed(&[row(9), row(5)], &total, 5).0,
            vec![false, false]
        );
        // Small totals are hidden too.
        let small = Counts {
            people: 4,
            ..Counts::default()
        };
        assert!(suppressed(&[row(4)], &small, 5).1);
    }

    #[test]
    fn every_dimension_has_a_name() {
        for name in Dimension::ALL {
            assert_eq!(Dimension::parse(name).map(Dimension::as_str), Some(*name));
        }
    }
}
