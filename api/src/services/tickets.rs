//! Signed tickets for offline check-in. A ticket is what a registration's QR code holds:
//! `ept1.<payload>.<signature>`, the payload base64url JSON naming the workshop, the
//! registration, the person and the validity, the signature Ed25519 over `ept1.<payload>`. A
//! coordinator's app verifies it without a connection, with the public keys the API publishes
//! (`GET /api/v1/tickets/keys`).
//!
//! Keys rotate each calendar month (`kid` = `2026-11`): the month's key signs the tickets issued
//! in it. Private keys are derived from the server's secret and the month, so every replica signs
//! alike and no private key is stored; the published set covers the months whose tickets may
//! still be valid, and the next one, so that apps can fetch it before it is used.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The format's prefix and version.
pub const PREFIX: &str = "ept1";
/// How many past months of keys are published (a ticket is fetched up to a year ahead).
pub const PAST_MONTHS: u32 = 13;

/// What a ticket says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The key that signed it.
    pub kid: String,
    /// Workshop.
    pub w: i64,
    /// Registration.
    pub r: i64,
    /// Person.
    pub u: i64,
    /// The person's name, for the coordinator's screen.
    pub n: String,
    /// Valid from (Unix seconds).
    pub nbf: i64,
    /// Valid until (Unix seconds).
    pub exp: i64,
}

impl Claims {
    /// Whether a scan at `at` falls within the ticket's validity.
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        (self.nbf..=self.exp).contains(&at.timestamp())
    }
}

/// Why a ticket is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a ticket, a key not published, or a signature that does not verify.
    Invalid,
    /// Scanned outside its validity.
    OutsideValidity,
}

/// The ticket keys of a server secret (each month's key derived once).
pub struct Keys {
    secret: Vec<u8>,
    derived: std::sync::Mutex<std::collections::HashMap<String, SigningKey>>,
}

/// One published public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub kid: String,
    /// The raw 32-byte key, base64url.
    pub x: String,
    /// The month whose tickets it signs.
    pub signs_from: DateTime<Utc>,
    pub signs_until: DateTime<Utc>,
}

fn month_start(t: DateTime<Utc>) -> DateTime<Utc> {
    let d = NaiveDate::from_ymd_opt(t.year(), t.month(), 1).unwrap_or_default();
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn kid_of(t: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", t.year(), t.month())
}

impl Keys {
    pub fn new(server_secret: &str) -> Keys {
        Keys {
            secret: server_secret.as_bytes().to_vec(),
            derived: std::sync::Mutex::default(),
        }
    }

    fn signing(&self, kid: &str) -> SigningKey {
        let mut derived = self.derived.lock().unwrap_or_else(|e| e.into_inner());
        derived
            .entry(kid.to_owned())
            .or_insert_with(|| {
                let mut h = Sha256::new();
                h.update(b"experience-exchange ticket signing key\0");
                h.update((self.secret.len() as u64).to_be_bytes());
                h.update(&self.secret);
                h.update(kid.as_bytes());
                SigningKey::from_bytes(&h.finalize().into())
            })
            .clone()
    }

    /// The months whose keys are published at `now`: the past ones and the next.
    fn published_months(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let this = month_start(now);
        let mut m = this - Months::new(PAST_MONTHS);
        let mut out = Vec::new();
        while m <= this + Months::new(1) {
            out.push(m);
            m = m + Months::new(1);
        }
        out
    }

    /// The keys an app should hold at `now`: the past months' and the next.
    pub fn published(&self, now: DateTime<Utc>) -> Vec<PublicKey> {
        Self::published_months(now)
            .into_iter()
            .map(|m| {
                let kid = kid_of(m);
                PublicKey {
                    x: URL_SAFE_NO_PAD.encode(self.signing(&kid).verifying_key().as_bytes()),
                    kid,
                    signs_from: m,
                    signs_until: m + Months::new(1),
                }
            })
            .collect()
    }

    fn published_key(&self, kid: &str, now: DateTime<Utc>) -> Option<VerifyingKey> {
        Self::published_months(now)
            .into_iter()
            .any(|m| kid_of(m) == kid)
            .then(|| self.signing(kid).verifying_key())
    }

    /// Signs a ticket with this month's key.
    pub fn issue(&self, mut claims: Claims, now: DateTime<Utc>) -> (String, Claims) {
        claims.kid = kid_of(now);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let signed = format!("{PREFIX}.{payload}");
        let signature = self.signing(&claims.kid).sign(signed.as_bytes());
        (
            format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes())),
            claims,
        )
    }

    /// Reads a ticket scanned at `scanned_at`, as an app would offline (keys as published at
    /// `now`).
    pub fn verify(
        &self,
        ticket: &str,
        scanned_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Claims, Rejection> {
        let claims = self.read(ticket, now).ok_or(Rejection::Invalid)?;
        if claims.valid_at(scanned_at) {
            Ok(claims)
        } else {
            Err(Rejection::OutsideValidity)
        }
    }

    /// What a ticket says when its signature verifies with a published key, whatever the time.
    pub fn read(&self, ticket: &str, now: DateTime<Utc>) -> Option<Claims> {
        self.checked(ticket, now).ok()
    }

    fn checked(&self, ticket: &str, now: DateTime<Utc>) -> Result<Claims, Rejection> {
        let mut parts = ticket.trim().split('.');
        let (Some(PREFIX), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejection::Invalid);
        };
        let claims: Claims = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .ok_or(Rejection::Invalid)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|raw| <[u8; 64]>::try_from(raw.as_slice()).ok())
            .map(|raw| Signature::from_bytes(&raw))
            .ok_or(Rejection::Invalid)?;
        let key = self
            .published_key(&claims.kid, now)
            .ok_or(Rejection::Invalid)?;
        key.verify(format!("{PREFIX}.{payload}").as_bytes(), &signature)
            .map_err(|_| Rejection::Invalid)?;
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            kid: String::new(),
            w: 12,
            r: 345,
            u: 67,
            n: "سمر".to_owned(),
            nbf: 1_800_000_000,
            exp: 1_800_010_000,
        }
    }

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).single().expect("instant")
    }

    #[test]
    fn a_ticket_verifies_within_its_validity_and_not_when_touched() {
        let keys = Keys::new("a server secret of thirty-two characters");
        let issued_at = at(1_799_000_000);
        let (ticket, signed) = keys.issue(claims(), issued_at);
        assert_eq!(signed.kid, kid_of(issued_at));
        let scanned = at(1_800_000_100);
        assert_eq!(keys.verify(&ticket, scanned, scanned), Ok(signed.clone()));
        assert_eq!(
            keys.verify(&ticket, at(1_800_010_001), scanned),
            Err(Rejection::OutsideValidity)
        );
        // Another server's key, a changed payload, a truncated signature: invalid.
        let other = Keys::new("another server secret, also long enough");
        assert_eq!(
            other.verify(&ticket, scanned, scanned),
            Err(Rejection::Invalid)
        );
        let mut forged = signed.clone();
        forged.r = 346;
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).expect("json"));
        let sig = ticket.rsplit('.').next().expect("signature");
        assert_eq!(
            keys.verify(&format!("{PREFIX}.{payload}.{sig}"), scanned, scanned),
            Err(Rejection::Invalid)
        );
        assert_eq!(
            keys.verify(&ticket[..ticket.len() - 4], scanned, scanned),
            Err(Rejection::Invalid)
        );
        // Years later the month's key is no longer published.
        let much_later = at(1_800_000_100 + 2 * 365 * 86_400);
        assert_eq!(
            keys.verify(&ticket, scanned, much_later),
            Err(Rejection::Invalid)
        );
    }

    #[test]
    fn keys_rotate_monthly_and_the_next_is_published_ahead() {
        let keys = Keys::new("a server secret of thirty-two characters");
        let now = at(1_800_000_000);
        let published = keys.published(now);
        assert_eq!(published.len() as u32, PAST_MONTHS + 2);
        let kids: Vec<&str> = published.iter().map(|k| k.kid.as_str()).collect();
        assert!(kids.contains(&kid_of(now).as_str()));
        assert_eq!(
            published.last().map(|k| k.signs_from),
            Some(month_start(now) + Months::new(1))
        );
        let mut xs: Vec<&str> = published.iter().map(|k| k.x.as_str()).collect();
        xs.dedup();
        assert_eq!(xs.len(), published.len(), "a key per month");
    }
}
