//! The exchange in figures (issue 30): practices shared, requests to learn them and those
//! accepted, and replications, by platform, governorate and quarter. Each counts where the
//! authority that acted is: a practice shared, its own authority's governorate; a request (asked
//! or accepted), the asking authority's; a replication, the adopting authority's.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::domain::ExchangeStatus;
use crate::error::ApiError;

/// What happened in one platform, governorate and quarter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exchange {
    pub practices_shared: u64,
    pub exchanges_requested: u64,
    pub exchanges_accepted: u64,
    pub replications: u64,
}

/// The figures by (platform id, governorate, quarter `YYYY-Qn`), in that order.
pub type Figures = BTreeMap<(i64, String, String), Exchange>;

/// A day's quarter, `YYYY-Qn`.
pub fn quarter(day: NaiveDate) -> String {
    format!("{}-Q{}", day.year(), day.month0() / 3 + 1)
}

/// The figures of `[start, until)` (and of the days `from` to `to`, for the replications' dates),
/// on `platforms` (`None`: all), in four statements.
pub async fn figures(
    db: &impl ConnectionTrait,
    (start, until): (DateTime<Utc>, DateTime<Utc>),
    (from, to): (NaiveDate, NaiveDate),
    platforms: Option<&[i64]>,
) -> Result<Figures, ApiError> {
    let backend = db.get_database_backend();
    // `$3…` name the platforms, when they are limited.
    let within = |column: &str| match platforms {
        Some(ids) if !ids.is_empty() => {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 3)).collect();
            format!(" AND {column} IN ({})", marks.join(", "))
        }
        Some(_) => " AND 1 = 0".to_owned(),
        None => String::new(),
    };
    let values = |a: Value, b: Value| {
        let mut v = vec![a, b];
        v.extend(
            platforms
                .unwrap_or_default()
                .iter()
                .map(|p| Value::from(*p)),
        );
        v
    };
    let instants = [
        (
            "SELECT p.platform_id, a.governorate, p.published_at AS at FROM practices p \
             JOIN local_authorities a ON a.id = p.local_authority_id \
             WHERE p.published_at >= $1 AND p.published_at < $2",
            0,
        ),
        (
            "SELECT p.platform_id, a.governorate, r.created_at AS at FROM exchange_requests r \
             JOIN practices p ON p.id = r.practice_id \
             JOIN local_authorities a ON a.id = r.local_authority_id \
             WHERE r.created_at >= $1 AND r.created_at < $2",
            1,
        ),
        (
            "SELECT p.platform_id, a.governorate, r.decided_at AS at FROM exchange_requests r \
             JOIN practices p ON p.id = r.practice_id \
             JOIN local_authorities a ON a.id = r.local_authority_id \
             WHERE r.status = '{accepted}' AND r.decided_at >= $1 AND r.decided_at < $2",
            2,
        ),
    ];
    let mut out = Figures::new();
    for (sql, measure) in instants {
        let sql = sql.replace("{accepted}", ExchangeStatus::Accepted.as_str());
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!("{sql}{}", within("p.platform_id")),
                values(start.into(), until.into()),
            ))
            .await?;
        for r in rows {
            let at: DateTime<Utc> = r.try_get("", "at")?;
            let cell = out
                .entry((
                    r.try_get("", "platform_id")?,
                    r.try_get("", "governorate")?,
                    quarter(at.date_naive()),
                ))
                .or_default();
            match measure {
                0 => cell.practices_shared += 1,
                1 => cell.exchanges_requested += 1,
                _ => cell.exchanges_accepted += 1,
            }
        }
    }
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT p.platform_id, a.governorate, r.adopted_on FROM practice_replications r \
                 JOIN practices p ON p.id = r.practice_id \
                 JOIN local_authorities a ON a.id = r.local_authority_id \
                 WHERE r.adopted_on >= $1 AND r.adopted_on <= $2{}",
                within("p.platform_id")
            ),
            values(from.into(), to.into()),
        ))
        .await?;
    for r in rows {
        let on: NaiveDate = r.try_get("", "adopted_on")?;
        out.entry((
            r.try_get("", "platform_id")?,
            r.try_get("", "governorate")?,
            quarter(on),
        ))
        .or_default()
        .replications += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_fall_in_their_quarter() {
        let q = |y, m, d| quarter(NaiveDate::from_ymd_opt(y, m, d).expect("a day"));
        assert_eq!(q(2026, 1, 1), "2026-Q1");
        assert_eq!(q(2026, 3, 31), "2026-Q1");
        assert_eq!(q(2026, 4, 1), "2026-Q2");
        assert_eq!(q(2026, 12, 31), "2026-Q4");
    }
}
