//! Signed tickets for offline check-in. A ticket is what a registration's QR code holds: a
//! compact JWS (RFC 7515) whose protected header is `{"alg":"EdDSA","kid":"2026-11","typ":"JWT"}`
//! and whose payload is a JWT claims set naming the workshop (`w`), the registration (`r`), the
//! person (`u`, with their name `n`) and the validity (`nbf`, `exp`), signed with Ed25519 (RFC
//! 8037). A coordinator's app verifies it without a connection with any JOSE library and the
//! public keys the API publishes as a JWK Set (`GET /api/v1/tickets/keys`).
//!
//! Tickets of the first format, `ept1.<payload>.<signature>` (the `kid` in the payload, the
//! signature over `ept1.<payload>`), were printed before; they verify with the same keys until
//! they expire.
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

/// The first format's prefix (tickets printed before JWS, verified until they expire).
pub const LEGACY_PREFIX: &str = "ept1";
/// The signing algorithm, as JOSE names it (RFC 8037).
pub const ALG: &str = "EdDSA";
/// How many past months of keys are published (a ticket is fetched up to a year ahead).
pub const PAST_MONTHS: u32 = 13;

/// What a ticket says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The key that signed it: the JWS header's `kid` (the payload's, in the first format).
    #[serde(default, skip_serializing)]
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

/// A JWS protected header, as tickets are signed.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    alg: String,
    kid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
    /// Extensions a verifier must understand (RFC 7515 §4.1.11): tickets use none, so a header
    /// that names any is refused.
    #[serde(default, skip_serializing)]
    crit: Option<serde_json::Value>,
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

    /// Signs a ticket with this month's key: a compact JWS.
    pub fn issue(&self, mut claims: Claims, now: DateTime<Utc>) -> (String, Claims) {
        claims.kid = kid_of(now);
        let header = Header {
            alg: ALG.to_owned(),
            kid: claims.kid.clone(),
            typ: Some("JWT".to_owned()),
            crit: None,
        };
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap_or_default()),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default())
        );
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
        let (Some(first), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejection::Invalid);
        };
        // The first format's payload names its key; a JWS's header does.
        let claims: Claims = if first == LEGACY_PREFIX {
            json_part(payload)?
        } else {
            let header: Header = json_part(first)?;
            if header.alg != ALG || header.crit.is_some() {
                return Err(Rejection::Invalid);
            }
            Claims {
                kid: header.kid,
                ..json_part(payload)?
            }
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|raw| <[u8; 64]>::try_from(raw.as_slice()).ok())
            .map(|raw| Signature::from_bytes(&raw))
            .ok_or(Rejection::Invalid)?;
        let key = self
            .published_key(&claims.kid, now)
            .ok_or(Rejection::Invalid)?;
        key.verify(format!("{first}.{payload}").as_bytes(), &signature)
            .map_err(|_| Rejection::Invalid)?;
        Ok(claims)
    }
}

/// A base64url JSON part of a ticket.
fn json_part<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, Rejection> {
    URL_SAFE_NO_PAD
        .decode(part)
        .ok()
        .and_then(|raw| serde_json::from_slice(&raw).ok())
        .ok_or(Rejection::Invalid)
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
        let mut parts = ticket.split('.');
        let (header, _, sig) = (parts.next(), parts.next(), parts.next());
        let (header, sig) = (header.expect("header"), sig.expect("signature"));
        assert_eq!(
            keys.verify(&format!("{header}.{payload}.{sig}"), scanned, scanned),
            Err(Rejection::Invalid)
        );
        // The same signature under another header: another algorithm, or an extension the
        // verifier would have to understand.
        for other_header in [
            r#"{"alg":"none","kid":"KID"}"#,
            r#"{"alg":"HS256","kid":"KID"}"#,
            r#"{"alg":"EdDSA","kid":"KID","crit":["exp"]}"#,
        ] {
            let h = URL_SAFE_NO_PAD.encode(other_header.replace("KID", &signed.kid));
            let payload = ticket.split('.').nth(1).expect("payload");
            assert_eq!(
                keys.verify(&format!("{h}.{payload}.{sig}"), scanned, scanned),
                Err(Rejection::Invalid),
                "{other_header}"
            );
        }
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
    fn a_ticket_is_a_compact_jws_with_the_key_in_its_header() {
        let keys = Keys::new("a server secret of thirty-two characters");
        let (ticket, signed) = keys.issue(claims(), at(1_799_000_000));
        let parts: Vec<&str> = ticket.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
        assert_eq!(
            header,
            serde_json::json!({"alg": "EdDSA", "kid": signed.kid, "typ": "JWT"})
        );
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
        assert_eq!(
            payload,
            serde_json::json!({"w": 12, "r": 345, "u": 67, "n": "سمر",
                "nbf": 1_800_000_000, "exp": 1_800_010_000})
        );
    }

    /// A ticket of the first format, as the API printed them before JWS.
    fn legacy(keys: &Keys, claims: &Claims) -> String {
        let mut payload = serde_json::to_value(claims).expect("json");
        payload["kid"] = claims.kid.clone().into();
        let signed = format!(
            "{LEGACY_PREFIX}.{}",
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature = keys.signing(&claims.kid).sign(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    #[test]
    fn tickets_printed_in_the_first_format_verify_until_they_expire() {
        let keys = Keys::new("a server secret of thirty-two characters");
        let issued_at = at(1_799_000_000);
        let old = Claims {
            kid: kid_of(issued_at),
            ..claims()
        };
        let ticket = legacy(&keys, &old);
        let scanned = at(1_800_000_100);
        assert_eq!(keys.verify(&ticket, scanned, scanned), Ok(old.clone()));
        assert_eq!(
            keys.verify(&ticket, at(1_800_010_001), scanned),
            Err(Rejection::OutsideValidity)
        );
        // Naming another month's key in the payload breaks the signature.
        let other = Claims {
            kid: kid_of(at(1_799_000_000 - 40 * 86_400)),
            ..old.clone()
        };
        let sig = ticket.rsplit('.').next().expect("signature");
        let mut payload = serde_json::to_value(&other).expect("json");
        payload["kid"] = other.kid.clone().into();
        let swapped = format!(
            "{LEGACY_PREFIX}.{}.{sig}",
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        assert_eq!(
            keys.verify(&swapped, scanned, scanned),
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
