//! Offline check-in: the public keys, a registrant's signed ticket, and the batch upload of the
//! scans a coordinator's app made at the door.

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use entity::registration;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::access::Standing;
use crate::auth::AuthUser;
use crate::db::lock;
use crate::domain::{RegistrationStatus, WorkshopStatus};
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::programme::check_ins::{self, Scan, Scanned};
use crate::services::programme::tickets::{Claims, Keys};
use crate::state::AppState;

fn keys(state: &AppState) -> Keys {
    Keys::new(&state.config.jwt_secret)
}

/// A public key that verifies tickets, as a JSON Web Key (RFC 8037).
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketKey {
    /// The month whose tickets it signs (`2026-11`); a ticket names its key.
    #[schema(max_length = 7, example = "2026-11")]
    pub kid: String,
    #[schema(example = "OKP", max_length = 3)]
    pub kty: &'static str,
    #[schema(example = "Ed25519", max_length = 7)]
    pub crv: &'static str,
    #[schema(example = "EdDSA", max_length = 5)]
    pub alg: &'static str,
    #[serde(rename = "use")]
    #[schema(example = "sig", max_length = 3)]
    pub key_use: &'static str,
    /// The 32-byte public key, base64url without padding.
    #[schema(
        max_length = 43,
        example = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    )]
    pub x: String,
    pub signs_from: DateTime<Utc>,
    pub signs_until: DateTime<Utc>,
}

/// The ticket keys an app should hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketKeys {
    #[schema(max_items = 24)]
    pub keys: Vec<TicketKey>,
}

/// The public keys that verify check-in tickets, a JWK Set (RFC 7517, keys of RFC 8037): the
/// months whose tickets may still be valid and the next one (keys rotate monthly). An app fetches
/// them while online and verifies tickets offline with any JOSE library: a ticket is a compact
/// JWS signed with EdDSA by the key its header names (`kid`), valid when the scan falls between
/// its `nbf` and `exp`. Tickets of the first format (`ept1.<payload>.<signature>`, the Ed25519
/// signature over `ept1.<payload>` by the key the payload names) verify with the same keys.
#[utoipa::path(tag = "workshops", security(()), responses((status = 200, body = TicketKeys)))]
#[get("/tickets/keys")]
pub async fn ticket_keys(state: web::Data<AppState>) -> web::Json<TicketKeys> {
    let keys = keys(&state)
        .published(state.clock.now())
        .into_iter()
        .map(|k| TicketKey {
            kid: k.kid,
            kty: "OKP",
            crv: "Ed25519",
            alg: "EdDSA",
            key_use: "sig",
            x: k.x,
            signs_from: k.signs_from,
            signs_until: k.signs_until,
        })
        .collect();
    web::Json(TicketKeys { keys })
}

/// A registrant's ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketResponse {
    /// What the QR code holds: a compact JWS (`<header>.<payload>.<signature>`, base64url),
    /// EdDSA over Ed25519, the key's `kid` in the header, the claims `w` (workshop), `r`
    /// (registration), `u` (person), `n` (their name), `nbf` and `exp`.
    #[schema(
        max_length = 2048,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub ticket: String,
    /// The key that signed it (the JWS header's `kid`).
    #[schema(max_length = 7)]
    pub kid: String,
    pub workshop_id: i64,
    pub registration_id: i64,
    pub user_id: i64,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
}

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The caller's signed ticket for a workshop they hold a seat at, for a QR code that a
/// coordinator's app checks offline. Valid from an hour before the start to the end. 409
/// `not_registered` without a seat (waiting, cancelled).
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    responses((status = 200, body = TicketResponse))
)]
#[get("/workshops/{id}/ticket")]
pub async fn get_ticket(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<TicketResponse>, ApiError> {
    let (w, _) = super::visible_workshop(&state.db, Some(&auth), id.into_inner()).await?;
    let seat = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.eq(auth.id()))
        .one(&state.db)
        .await?
        .filter(|r| {
            matches!(
                r.status,
                RegistrationStatus::Registered | RegistrationStatus::Attended
            )
        });
    let (Some(seat), WorkshopStatus::Scheduled) = (seat, w.status) else {
        return Err(ApiError::Problem(
            ProblemCode::NotRegistered,
            Text::new(
                "A ticket is for someone with a seat at a scheduled workshop.",
                "التذكرة لمن له مقعد في ورشة مجدولة.",
            ),
        ));
    };
    let (opens, closes) = check_ins::window(&w);
    let (ticket, claims) = keys(&state).issue(
        Claims {
            kid: String::new(),
            w: w.id,
            r: seat.id,
            u: auth.id(),
            n: auth.user.name_ar.clone(),
            nbf: opens.timestamp(),
            exp: closes.timestamp(),
        },
        state.clock.now(),
    );
    Ok(web::Json(TicketResponse {
        ticket,
        kid: claims.kid,
        workshop_id: w.id,
        registration_id: seat.id,
        user_id: auth.id(),
        valid_from: instant(claims.nbf),
        valid_until: instant(claims.exp),
    }))
}

/// A nonce is letters, digits and `_.:-` (a UUID is).
fn nonce_characters(nonce: &str) -> Result<(), validator::ValidationError> {
    if nonce
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b))
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("pattern"))
    }
}

/// One scan made at the door.
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The app's own id of this scan (a UUID, say): sent again, the scan counts once.
    #[validate(length(min = 8, max = 64), custom(function = "nonce_characters"))]
    #[schema(min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_.:-]+$")]
    pub nonce: String,
    /// The ticket scanned (a compact JWS, or a ticket of the first format `ept1.…`); or give
    /// `walk_in_user_id`.
    #[validate(length(max = 2048))]
    #[schema(max_length = 2048)]
    pub ticket: Option<String>,
    /// A person who came without a ticket (or without a seat): registered and marked present.
    #[validate(range(min = 1))]
    pub walk_in_user_id: Option<i64>,
    /// When it was scanned (the app's clock).
    pub scanned_at: DateTime<Utc>,
}

/// Scans uploaded together.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CheckInsRequest {
    #[validate(nested, length(min = 1, max = 500))]
    #[schema(min_items = 1, max_items = 500)]
    pub scans: Vec<ScanRequest>,
}

/// What became of one scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanResponse {
    #[schema(max_length = 64)]
    pub nonce: String,
    /// `checked_in`, `already_present` (counted once), `walked_in` (registered and present), or
    /// why nothing happened: `invalid_ticket`, `wrong_workshop`, `outside_validity`,
    /// `not_registered`, `unknown_person`.
    #[schema(max_length = 24, example = "checked_in")]
    pub outcome: String,
    pub user_id: Option<i64>,
    pub registration_id: Option<i64>,
    /// This nonce was uploaded before: the first answer, and nothing done again.
    pub repeated: bool,
}

/// The answer to a batch: one result per scan, in order, and who is present now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInsResponse {
    #[schema(max_items = 500)]
    pub results: Vec<ScanResponse>,
    /// People marked present at the workshop, all scans counted once.
    #[schema(minimum = 0)]
    pub present: u64,
}

/// Applies scans made offline at the door (the platform's coordinators and admins): tickets are
/// verified, walk-ins registered and marked present in the same call, and each scan answered on
/// its own. A scan sent again under the same nonce answers as the first time and counts once.
/// From an hour before the start; a cancelled or draft workshop is 409 `check_in_closed`.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    request_body = CheckInsRequest,
    responses((status = 200, body = CheckInsResponse))
)]
#[post("/workshops/{id}/check-ins")]
pub async fn record_check_ins(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<CheckInsRequest>,
) -> Result<web::Json<CheckInsResponse>, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let id = id.into_inner();
    // Held from the start: the batch's seats and outcomes depend on the row as it stands.
    let mut w = lock::<entity::workshop::Entity>(&txn, id).await?;
    Standing::of_manager(&txn, &auth, w.platform_id).await?;
    let req = body.into_inner()?;
    let mut scans = Vec::with_capacity(req.scans.len());
    for (i, s) in req.scans.into_iter().enumerate() {
        let scanned = match (s.ticket, s.walk_in_user_id) {
            (Some(t), None) => Scanned::Ticket(t),
            (None, Some(u)) => Scanned::WalkIn(u),
            _ => {
                return Err(ApiError::field(
                    &format!("/scans/{i}/ticket"),
                    "required",
                    Text::new(
                        "give a ticket or a walk_in_user_id, one of the two",
                        "أرسل التذكرة أو walk_in_user_id، أحدهما",
                    ),
                ));
            }
        };
        scans.push(Scan {
            nonce: s.nonce,
            scanned,
            scanned_at: crate::clock::whole_seconds(s.scanned_at),
        });
    }
    let open = matches!(
        w.status,
        WorkshopStatus::Scheduled | WorkshopStatus::Completed
    );
    if !open || now < check_ins::window(&w).0 {
        return Err(ApiError::Problem(
            ProblemCode::CheckInClosed,
            Text::new(
                "Scans are taken for a scheduled workshop from an hour before it starts.",
                "تُقبل عمليات المسح لورشة مجدولة ابتداءً من ساعة قبل بدئها.",
            ),
        ));
    }
    let results = check_ins::apply(&txn, &keys(&state), &mut w, &scans, auth.actor(), now).await?;
    let present = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Attended))
        .count(&txn)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(CheckInsResponse {
        results: results
            .into_iter()
            .map(|r| ScanResponse {
                nonce: r.nonce,
                outcome: r.outcome.as_str().to_owned(),
                user_id: r.user_id,
                registration_id: r.registration_id,
                repeated: r.repeated,
            })
            .collect(),
        present,
    }))
}
