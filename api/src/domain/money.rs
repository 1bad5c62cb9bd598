//! Exact decimal amounts (never floats) and planning quarters.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Parses a non-negative decimal with at most 4 fractional digits, as sent in JSON strings.
pub fn parse_amount(text: &str) -> Option<Decimal> {
    // Plain notation only, as `AMOUNT_PATTERN` says: 1–12 digits, then optionally a point and
    // 1–4 digits (no signs, exponents, spaces or separators).
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits =
        |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole, 12) || fraction.is_some_and(|f| !digits(f, 4)) {
        return None;
    }
    Decimal::from_str(text).ok()
}

/// The JSON Schema pattern of an amount, for the OpenAPI document.
pub const AMOUNT_PATTERN: &str = "^[0-9]{1,12}(\\.[0-9]{1,4})?$";

/// Where a contribution stands against its due date: `paid` in full, `partly_paid` or `due`
/// before the date, `late` after it while anything is unpaid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    PartlyPaid,
    Due,
    Late,
}

impl PaymentStatus {
    /// A contribution of `amount` with `paid` paid, on `today`.
    pub fn of(
        amount: Decimal,
        paid: Decimal,
        due_on: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> PaymentStatus {
        if paid >= amount {
            PaymentStatus::Paid
        } else if due_on < today {
            PaymentStatus::Late
        } else if paid > Decimal::ZERO {
            PaymentStatus::PartlyPaid
        } else {
            PaymentStatus::Due
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Paid => "paid",
            PaymentStatus::PartlyPaid => "partly_paid",
            PaymentStatus::Due => "due",
            PaymentStatus::Late => "late",
        }
    }
}

/// When a contribution was settled and how late: the day its payments (in the order they were
/// made) first reached its amount, and the days past the due date it was settled — or, while it
/// is unpaid past its due date, the days it is overdue today.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lateness {
    pub settled_on: Option<chrono::NaiveDate>,
    /// Settled after its due date.
    pub paid_late: bool,
    /// Days past the due date (settled late, or still unpaid and overdue); `None` when on time.
    pub days_late: Option<i64>,
}

impl Lateness {
    /// `payments` as (day paid, amount), in any order.
    pub fn of(
        amount: Decimal,
        due_on: chrono::NaiveDate,
        payments: &[(chrono::NaiveDate, Decimal)],
        today: chrono::NaiveDate,
    ) -> Lateness {
        let mut by_day = payments.to_vec();
        by_day.sort_by_key(|(day, _)| *day);
        let mut total = Decimal::ZERO;
        let settled_on = by_day.into_iter().find_map(|(day, paid)| {
            total += paid;
            (total >= amount).then_some(day)
        });
        let late_by = |day: chrono::NaiveDate| {
            let days = (day - due_on).num_days();
            (days > 0).then_some(days)
        };
        match settled_on {
            Some(day) => Lateness {
                settled_on,
                paid_late: day > due_on,
                days_late: late_by(day),
            },
            None => Lateness {
                settled_on: None,
                paid_late: false,
                days_late: late_by(today),
            },
        }
    }
}

/// Validates a `YYYY-Qn` quarter.
pub fn validate_quarter(q: &str) -> Result<(), validator::ValidationError> {
    let ok = q.len() == 7
        && q[..4].bytes().all(|b| b.is_ascii_digit())
        && &q[4..6] == "-Q"
        && matches!(&q[6..], "1" | "2" | "3" | "4");
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("quarter"))
    }
}

/// Whether a text names a year (`2026`) or a quarter (`2026-Q2`).
pub fn is_period(text: &str) -> bool {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())) || validate_quarter(text).is_ok()
}

/// Validates an ISO 4217-looking currency code (three capital letters).
pub fn validate_currency(c: &str) -> Result<(), validator::ValidationError> {
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("currency"))
    }
}

/// Validates an amount string.
pub fn validate_amount(a: &str) -> Result<(), validator::ValidationError> {
    parse_amount(a)
        .map(|_| ())
        .ok_or_else(|| validator::ValidationError::new("amount"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contribution_settled_after_its_due_date_keeps_how_late_it_was() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
        let n = |s: &str| s.parse::<Decimal>().expect("amount");
        let due = d("2026-03-31");
        // Half on time, the rest twelve days late: settled late by 12 days.
        let late = Lateness::of(
            n("1000"),
            due,
            &[(d("2026-04-12"), n("500")), (d("2026-03-01"), n("500"))],
            d("2026-12-01"),
        );
        assert_eq!(
            late,
            Lateness {
                settled_on: Some(d("2026-04-12")),
                paid_late: true,
                days_late: Some(12)
            }
        );
        let on_time = Lateness::of(
            n("1000"),
            due,
            &[(d("2026-03-31"), n("1000"))],
            d("2026-12-01"),
        );
        assert_eq!(on_time.days_late, None);
        assert!(!on_time.paid_late);
        // Unpaid and overdue: the days so far.
        let open = Lateness::of(
            n("1000"),
            due,
            &[(d("2026-04-01"), n("10"))],
            d("2026-04-11"),
        );
        assert_eq!(
            open,
            Lateness {
                settled_on: None,
                paid_late: false,
                days_late: Some(11)
            }
        );
    }

    #[test]
    fn amounts_are_exact() {
        let a = parse_amount("0.1").expect("a");
        let b = parse_amount("0.2").expect("b");
        assert_eq!((a + b).to_string(), "0.3");
        assert_eq!(
            (parse_amount("1250.50").expect("c") * Decimal::from(3)).to_string(),
            "3751.50"
        );
        assert!(parse_amount("-1").is_none());
        assert!(parse_amount("1.5e3").is_none());
        assert!(parse_amount("1.23456").is_none());
        assert!(parse_amount(" 1").is_none());
        assert!(parse_amount("1.").is_none());
        assert!(parse_amount(".5").is_none());
        assert!(parse_amount("999999999999.9999").is_some());
        assert!(parse_amount("1000000000000").is_none());
        assert!(validate_quarter("2026-Q3").is_ok());
        assert!(validate_quarter("2026-Q5").is_err());
    }
}
