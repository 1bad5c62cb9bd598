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
