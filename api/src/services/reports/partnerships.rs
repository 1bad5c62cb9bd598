//! Reports on the partnership agreements (`002`): how many agreements stand at each stage, and
//! the contributions falling due with what was paid against them, in exact decimals.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Statement};

use crate::error::ApiError;

/// Agreements of one status and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub status: String,
    pub kind: String,
    pub agreements: u64,
}

/// Agreements whose term overlaps `[from, to]`, or that are not yet in force (their term is
/// still a proposal), by status and kind.
pub async fn stages(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Stage>, ApiError> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT status, kind, COUNT(*) AS n FROM partnerships \
             WHERE (starts_on <= $2 AND ends_on >= $1) \
             OR status IN ('consultation', 'drafting', 'council_deliberation', 'approved', 'signing', 'visa') \
             GROUP BY status, kind ORDER BY status, kind",
            [from.into(), to.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Stage {
                status: r.try_get("", "status")?,
                kind: r.try_get("", "kind")?,
                agreements: u64::try_from(r.try_get::<i64>("", "n")?).unwrap_or(0),
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(Into::into)
}

/// A contribution falling due, and what was paid against it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub contribution_id: i64,
    pub partnership_id: i64,
    pub subject_ar: String,
    pub subject_en: String,
    pub party_ar: String,
    pub party_en: String,
    pub due_on: NaiveDate,
    pub currency: String,
    pub amount: Decimal,
    pub paid: Decimal,
    /// Each payment: the day paid and the amount.
    pub payments: Vec<(NaiveDate, Decimal)>,
}

/// Contributions falling due in `[from, to]`, oldest due first, each with the sum of its
/// payments: two queries (the contributions, then their payments), summed as exact decimals here,
/// since the amounts are stored as decimal text.
pub async fn contributions_due(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Due>, ApiError> {
    use std::collections::HashMap;
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT c.id, c.partnership_id, p.subject_ar, p.subject_en, y.name_ar, y.name_en, \
             c.due_on, c.currency, c.amount \
             FROM partnership_contributions c JOIN partnerships p ON p.id = c.partnership_id \
             JOIN partnership_parties y ON y.id = c.party_id \
             WHERE c.due_on >= $1 AND c.due_on <= $2 \
             ORDER BY c.due_on, c.id",
            [from.into(), to.into()],
        ))
        .await?;
    let mut paid: HashMap<i64, Vec<(NaiveDate, Decimal)>> = HashMap::new();
    for r in db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT m.contribution_id, m.amount, m.paid_on FROM partnership_payments m \
             JOIN partnership_contributions c ON c.id = m.contribution_id \
             WHERE c.due_on >= $1 AND c.due_on <= $2",
            [from.into(), to.into()],
        ))
        .await?
    {
        let id: i64 = r.try_get("", "contribution_id")?;
        let amount: String = r.try_get("", "amount")?;
        paid.entry(id).or_default().push((
            r.try_get("", "paid_on")?,
            amount.parse::<Decimal>().unwrap_or_default(),
        ));
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("", "id")?;
            let amount: String = r.try_get("", "amount")?;
            Ok(Due {
                contribution_id: id,
                partnership_id: r.try_get("", "partnership_id")?,
                subject_ar: r.try_get("", "subject_ar")?,
                subject_en: r.try_get("", "subject_en")?,
                party_ar: r.try_get("", "name_ar")?,
                party_en: r.try_get("", "name_en")?,
                due_on: r.try_get("", "due_on")?,
                currency: r.try_get("", "currency")?,
                amount: amount.parse().unwrap_or_default(),
                paid: paid
                    .get(&id)
                    .map(|p| p.iter().map(|(_, a)| *a).sum())
                    .unwrap_or_default(),
                payments: paid.remove(&id).unwrap_or_default(),
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(Into::into)
}
