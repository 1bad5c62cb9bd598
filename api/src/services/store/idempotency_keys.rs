//! Idempotency keys as the IETF httpapi Idempotency-Key draft describes them, held in the
//! database so that every replica sees the same ones.
//!
//! A key belongs to its caller. The first request with it claims the key (one atomic insert);
//! a retry with the same request gets the first answer back once it is done, and 409 while the
//! first still runs; the same key with another request is 422. Only successful answers are kept
//! (a refused request changed nothing, so running it again is safe); a request that fails, or
//! whose replica dies, frees the key (a dead replica's claim lapses after `hold`).
//!
//! The stored answer may hold a secret (a new API key, a session's tokens), so it is encrypted
//! (ChaCha20-Poly1305) with a key derived from the caller, the idempotency key and the request
//! itself: none of these is stored, so the table alone reveals no answer.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DbErr, Statement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a key is kept.
pub const KEEP: Duration = Duration::from_secs(24 * 3600);

/// A request that came with an idempotency key.
pub struct Request<'a> {
    /// Who is calling: the same key of two callers is two keys.
    pub caller: &'a str,
    pub key: &'a str,
    pub method: &'a str,
    /// Path and query.
    pub target: &'a str,
    pub body: &'a [u8],
}

/// What identifies a request's key and answer, derived once.
pub struct Claim {
    key_hash: String,
    fingerprint: String,
    secret: [u8; 32],
}

fn digest(label: &str, parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label.as_bytes());
    for part in parts {
        // Length-prefixed, so that no two different sets of parts hash alike.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// Lower-case hex (also a stored file's SHA-256).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Claim {
    pub fn new(r: &Request<'_>) -> Claim {
        let (caller, key) = (r.caller.as_bytes(), r.key.as_bytes());
        let (method, target) = (r.method.as_bytes(), r.target.as_bytes());
        Claim {
            key_hash: hex(&digest("idempotency-key", &[caller, key])),
            fingerprint: hex(&digest("idempotency-request", &[method, target, r.body])),
            secret: digest("idempotency-answer", &[caller, key, method, target, r.body]),
        }
    }

    fn seal(&self, answer: &Answer) -> Option<String> {
        let plain = serde_json::to_vec(answer).ok()?;
        let cipher = ChaCha20Poly1305::new(&Key::from(self.secret));
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = cipher.encrypt(&Nonce::from(nonce), plain.as_slice()).ok()?;
        Some(STANDARD.encode([nonce.as_slice(), &sealed].concat()))
    }

    fn open(&self, stored: &str) -> Option<Answer> {
        let raw = STANDARD.decode(stored).ok()?;
        if raw.len() < 12 {
            return None;
        }
        let (nonce, sealed) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let cipher = ChaCha20Poly1305::new(&Key::from(self.secret));
        let plain = cipher.decrypt(&Nonce::from(nonce), sealed).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

/// A stored answer: status, the headers worth repeating, and the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Base64.
    pub body: String,
}

/// What to do with a request that brings a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Begin {
    /// The key is this request's: run it, then `finish` or `release`.
    Run,
    /// Done before: answer this again.
    Replay(Answer),
    /// The first request with this key still runs.
    InFlight,
    /// The key was used for another request.
    Mismatch,
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Claims the key, or says why not.
pub async fn begin(
    db: &impl ConnectionTrait,
    claim: &Claim,
    now: DateTime<Utc>,
    hold: Duration,
) -> Result<Begin, DbErr> {
    let backend = db.get_database_backend();
    let hold_ms = i64::try_from(hold.as_millis()).unwrap_or(i64::MAX / 4);
    let until = millis(now) + hold_ms;
    let expires = now.timestamp() + i64::try_from(KEEP.as_secs()).unwrap_or(86_400);
    // Twice at most: a key found expired is removed, then claimed afresh.
    for _ in 0..2 {
        let inserted = db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO idempotency_keys (key_hash, fingerprint, locked_until, expires_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (key_hash) DO NOTHING",
                [
                    claim.key_hash.clone().into(),
                    claim.fingerprint.clone().into(),
                    until.into(),
                    expires.into(),
                ],
            ))
            .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Begin::Run);
        }
        let Some(row) = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT fingerprint, locked_until, response, expires_at FROM idempotency_keys \
                 WHERE key_hash = $1",
                [claim.key_hash.clone().into()],
            ))
            .await?
        else {
            // Released meanwhile: claim it again.
            continue;
        };
        let fingerprint: String = row.try_get("", "fingerprint")?;
        let locked_until: Option<i64> = row.try_get("", "locked_until")?;
        let response: Option<String> = row.try_get("", "response")?;
        let expires_at: i64 = row.try_get("", "expires_at")?;
        if expires_at <= now.timestamp() {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                "DELETE FROM idempotency_keys WHERE key_hash = $1 AND expires_at <= $2",
                [claim.key_hash.clone().into(), now.timestamp().into()],
            ))
            .await?;
            continue;
        }
        if fingerprint != claim.fingerprint {
            return Ok(Begin::Mismatch);
        }
        if let Some(stored) = response {
            return Ok(claim.open(&stored).map_or(Begin::Mismatch, Begin::Replay));
        }
        if locked_until.is_some_and(|t| t > millis(now)) {
            return Ok(Begin::InFlight);
        }
        // The first request's replica stopped holding it: take the key over, unless another
        // retry just did.
        let taken = db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "UPDATE idempotency_keys SET locked_until = $1 \
                 WHERE key_hash = $2 AND response IS NULL AND locked_until <= $3",
                [
                    until.into(),
                    claim.key_hash.clone().into(),
                    millis(now).into(),
                ],
            ))
            .await?;
        return Ok(if taken.rows_affected() == 1 {
            Begin::Run
        } else {
            Begin::InFlight
        });
    }
    Ok(Begin::InFlight)
}

/// Keeps the answer of a request that ran.
pub async fn finish(
    db: &impl ConnectionTrait,
    claim: &Claim,
    answer: &Answer,
) -> Result<(), DbErr> {
    let Some(sealed) = claim.seal(answer) else {
        return release(db, claim).await;
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE idempotency_keys SET response = $1, status = $2, locked_until = NULL \
         WHERE key_hash = $3",
        [
            sealed.into(),
            i32::from(answer.status).into(),
            claim.key_hash.clone().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Frees the key of a request that did not succeed: a retry runs it again.
pub async fn release(db: &impl ConnectionTrait, claim: &Claim) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM idempotency_keys WHERE key_hash = $1 AND response IS NULL",
        [claim.key_hash.clone().into()],
    ))
    .await?;
    Ok(())
}

/// Forgets keys past their day.
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "DELETE FROM idempotency_keys WHERE expires_at <= $1",
            [now.timestamp().into()],
        ))
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(caller: &'a str, key: &'a str, body: &'a [u8]) -> Request<'a> {
        Request {
            caller,
            key,
            method: "POST",
            target: "/api/v1/workshops",
            body,
        }
    }

    #[test]
    fn an_answer_opens_only_for_the_same_request_of_the_same_caller() {
        let answer = Answer {
            status: 201,
            headers: vec![("location".to_owned(), "/api/v1/workshops/7".to_owned())],
            body: STANDARD.encode(b"{\"id\":7}"),
        };
        let claim = Claim::new(&request("u1", "k", b"{}"));
        let sealed = claim.seal(&answer).expect("sealed");
        assert!(!sealed.contains("workshops"));
        assert_eq!(claim.open(&sealed), Some(answer));
        assert_eq!(Claim::new(&request("u2", "k", b"{}")).open(&sealed), None);
        assert_eq!(Claim::new(&request("u1", "k", b"{ }")).open(&sealed), None);
        let other = Claim::new(&request("u2", "k", b"{}"));
        assert_ne!(claim.key_hash, other.key_hash);
        assert_eq!(
            claim.fingerprint, other.fingerprint,
            "the request's fingerprint does not depend on the caller"
        );
    }
}
