//! What is recorded against a plan as it happens: money spent on an activity (`000`'s budget,
//! spent against planned), payments against a partner's contribution and measurements of an
//! agreement's indicators (`002`). Each is dated (by default today, never in the future),
//! bounded in number, checked against what it is recorded on, and written in the caller's
//! transaction; the handler writes the audit entry and the answer.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    activity_spending, partnership, partnership_contribution, partnership_measurement,
    partnership_payment,
};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::limits::MAX_PAYMENTS_PER_CONTRIBUTION;
use crate::domain::money::parse_amount;
use crate::domain::{Bilingual, PartnershipStatus};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// The most spendings recorded on one activity.
pub const MAX_SPENDINGS: u64 = 1_000;

/// The most measurements recorded on one agreement.
pub const MAX_MEASUREMENTS: u64 = 5_000;

/// Who records, and when.
#[derive(Clone, Copy, Debug)]
pub struct Recorder {
    pub user_id: i64,
    pub now: DateTime<Utc>,
}

/// Money spent on an activity, as given (the amount and currency already have their form).
#[derive(Debug)]
pub struct NewSpending {
    pub amount: String,
    pub currency: String,
    pub funder: String,
    pub spent_on: Option<NaiveDate>,
    pub description: String,
}

/// A payment against a contribution, as given.
#[derive(Debug)]
pub struct NewPayment {
    pub amount: String,
    pub paid_on: Option<NaiveDate>,
    pub reference: String,
}

/// A measurement of one of an agreement's indicators (numbered from 1), as given.
#[derive(Debug)]
pub struct NewMeasurement {
    pub indicator: i32,
    pub value: String,
    pub measured_on: Option<NaiveDate>,
    pub note: String,
}

/// Records money spent on an activity: more than zero, on a day not in the future, at most
/// `MAX_SPENDINGS` per activity.
pub async fn spend(
    db: &impl ConnectionTrait,
    activity_id: i64,
    s: NewSpending,
    by: Recorder,
) -> Result<activity_spending::Model, ApiError> {
    crate::db::ensure_room(
        db,
        activity_spending::Entity::find()
            .filter(activity_spending::Column::ActivityId.eq(activity_id)),
        MAX_SPENDINGS,
        ("Spendings of an activity", "نفقات النشاط"),
    )
    .await?;
    let spent_on = recorded_day(s.spent_on, by.now, "/spent_on")?;
    let amount = positive(&s.amount)?;
    Ok(activity_spending::ActiveModel {
        activity_id: Set(activity_id),
        amount: Set(amount.to_string()),
        currency: Set(s.currency),
        funder: Set(s.funder.trim().to_owned()),
        spent_on: Set(spent_on),
        description: Set(s.description.trim().to_owned()),
        recorded_by: Set(by.user_id),
        created_at: Set(by.now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Records a payment against a contribution of an agreement: once the agreement is agreed (409
/// `not_editable` while its terms may change), more than zero and at most what is unpaid, on a
/// day not in the future, at most `MAX_PAYMENTS_PER_CONTRIBUTION`.
pub async fn pay(
    db: &impl ConnectionTrait,
    p: &partnership::Model,
    c: &partnership_contribution::Model,
    pay: NewPayment,
    by: Recorder,
) -> Result<partnership_payment::Model, ApiError> {
    if p.status.terms_editable() {
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "Payments are recorded once the agreement is approved: its contributions may still change.",
                "تسجل الدفعات بعد إقرار الاتفاقية: ما زالت مساهماتها قابلة للتغيير.",
            ),
        ));
    }
    let earlier = partnership_payment::Entity::find()
        .filter(partnership_payment::Column::ContributionId.eq(c.id));
    crate::db::ensure_room(
        db,
        earlier.clone(),
        MAX_PAYMENTS_PER_CONTRIBUTION,
        ("Payments of a contribution", "دفعات المساهمة"),
    )
    .await?;
    let paid_on = recorded_day(pay.paid_on, by.now, "/paid_on")?;
    let amount = positive(&pay.amount)?;
    let paid: Decimal = earlier
        .all(db)
        .await?
        .iter()
        .map(|x| x.amount.parse::<Decimal>().unwrap_or_default())
        .sum();
    let owed = c.amount.parse::<Decimal>().unwrap_or_default() - paid;
    if amount > owed {
        return Err(ApiError::field(
            "/amount",
            "too_much",
            Text::new(
                format!("is at most what is unpaid: {owed} {}", c.currency),
                format!("لا يتجاوز غير المدفوع: {owed} {}", c.currency),
            ),
        ));
    }
    Ok(partnership_payment::ActiveModel {
        partnership_id: Set(p.id),
        contribution_id: Set(c.id),
        amount: Set(amount.to_string()),
        paid_on: Set(paid_on),
        reference: Set(pay.reference.trim().to_owned()),
        recorded_by: Set(by.user_id),
        created_at: Set(by.now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Records a measurement of one of an agreement's indicators: while the agreement is in force
/// (409 `not_editable` otherwise), of an indicator it has, on a day not in the future, at most
/// `MAX_MEASUREMENTS`. The indicator's text is kept with the value, so a later amendment of
/// the indicators does not rename what was measured.
pub async fn measure(
    db: &impl ConnectionTrait,
    p: &partnership::Model,
    m: NewMeasurement,
    by: Recorder,
) -> Result<partnership_measurement::Model, ApiError> {
    if !PartnershipStatus::IN_FORCE.contains(&p.status) {
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "Indicators are measured while the agreement is in force.",
                "تقاس المؤشرات أثناء سريان الاتفاقية.",
            ),
        ));
    }
    crate::db::ensure_room(
        db,
        partnership_measurement::Entity::find()
            .filter(partnership_measurement::Column::PartnershipId.eq(p.id)),
        MAX_MEASUREMENTS,
        ("Measurements of an agreement", "قياسات الاتفاقية"),
    )
    .await?;
    let indicators: Vec<Bilingual> = serde_json::from_str(&p.indicators).unwrap_or_default();
    let Some(indicator) = usize::try_from(m.indicator - 1)
        .ok()
        .and_then(|i| indicators.get(i))
    else {
        return Err(ApiError::field(
            "/indicator",
            "not_found",
            Text::new(
                format!("is one of the agreement's {} indicators", indicators.len()),
                format!("أحد مؤشرات الاتفاقية وعددها {}", indicators.len()),
            ),
        ));
    };
    let measured_on = recorded_day(m.measured_on, by.now, "/measured_on")?;
    let value = parse_amount(&m.value).unwrap_or_default();
    Ok(partnership_measurement::ActiveModel {
        partnership_id: Set(p.id),
        indicator: Set(m.indicator),
        indicator_ar: Set(indicator.ar.clone()),
        indicator_en: Set(indicator.en.clone()),
        value: Set(value.to_string()),
        measured_on: Set(measured_on),
        note: Set(m.note.trim().to_owned()),
        recorded_by: Set(by.user_id),
        created_at: Set(by.now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The day something is recorded for: the one given, or today; never in the future (422
/// `future` at `pointer`).
fn recorded_day(
    day: Option<NaiveDate>,
    now: DateTime<Utc>,
    pointer: &str,
) -> Result<NaiveDate, ApiError> {
    let today = now.date_naive();
    let day = day.unwrap_or(today);
    if day > today {
        return Err(ApiError::field(
            pointer,
            "future",
            Text::new("cannot be in the future", "لا يمكن أن يكون في المستقبل"),
        ));
    }
    Ok(day)
}

/// An amount of money (already of the form `validate_amount` checks) that is more than zero
/// (422 `amount` at `/amount`).
fn positive(amount: &str) -> Result<Decimal, ApiError> {
    let amount = parse_amount(amount).unwrap_or_default();
    if amount <= Decimal::ZERO {
        return Err(ApiError::field(
            "/amount",
            "amount",
            Text::new("is more than zero", "أكبر من صفر"),
        ));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_day_is_today_by_default_and_never_later() {
        let now = "2026-11-26T23:30:00Z"
            .parse::<DateTime<Utc>>()
            .expect("now");
        let today = now.date_naive();
        assert_eq!(recorded_day(None, now, "/on").expect("today"), today);
        let yesterday = today.pred_opt().expect("yesterday");
        assert_eq!(
            recorded_day(Some(yesterday), now, "/on").expect("past"),
            yesterday
        );
        assert!(recorded_day(today.succ_opt(), now, "/on").is_err());
    }

    #[test]
    fn only_amounts_above_zero_are_recorded() {
        assert_eq!(positive("0.0001").expect("tiny"), Decimal::new(1, 4));
        assert!(positive("0").is_err());
        assert!(positive("0.0000").is_err());
        assert!(positive("-1").is_err());
    }
}
