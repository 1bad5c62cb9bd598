//! Recording who took part in a workshop that has ended: the programme's past workshops (the
//! launches of 2019–2020 and later ones) and any whose attendance was kept on paper.

use actix_web::{post, web};
use entity::user;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::attendance::{AttendanceResponse, attendance_of};
use crate::access::Standing;
use crate::auth::AuthUser;
use crate::domain::AttendanceMark;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// One person who took part (or was expected and did not come): named by id or by the email
/// of their account, exactly one of the two.
#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub user_id: Option<i64>,
    #[validate(email, length(max = 254))]
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    pub status: AttendanceMark,
}

/// Who took part.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RecordParticipantsRequest {
    #[validate(nested, length(min = 1, max = 1000))]
    #[schema(min_items = 1, max_items = 1000)]
    pub participants: Vec<Participant>,
}

/// Records the participants of a workshop that has ended (its platform's managers): each person
/// named, by id or by the email of their account, is marked attended or no-show, with a
/// registration made for them when they had none. Audited per person and counted in the
/// participation reports exactly like live registrations. A person named twice keeps the last
/// mark. A workshop that has not ended, or is cancelled or a draft → 409 `too_early`.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    request_body = RecordParticipantsRequest,
    responses(
        (status = 200, body = AttendanceResponse),
        (status = 409, description = "The workshop has not ended, or is cancelled or a draft", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/workshops/{id}/participants")]
pub async fn record_participants(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<RecordParticipantsRequest>,
) -> Result<web::Json<AttendanceResponse>, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let w = crate::db::lock::<entity::workshop::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, w.platform_id).await?;
    let req = body.into_inner()?;
    let people = resolve(&txn, &req.participants).await?;
    crate::services::programme::seats::record_participation(&txn, &w, people, auth.actor(), now)
        .await?;
    let body = attendance_of(&txn, &w).await?;
    state.commit(txn).await?;
    Ok(web::Json(body))
}

/// The person each entry names, with its mark: a user id of an active account, or the email
/// of one (found however it is cased); 422 on the entry otherwise.
async fn resolve(
    db: &impl sea_orm::ConnectionTrait,
    entries: &[Participant],
) -> Result<Vec<(i64, AttendanceMark)>, ApiError> {
    let emails: Vec<String> = entries
        .iter()
        .filter_map(|e| e.email.as_deref())
        .map(|e| e.trim().to_lowercase())
        .collect();
    let ids: Vec<i64> = entries.iter().filter_map(|e| e.user_id).collect();
    let accounts = user::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::Id.is_in(ids))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(user::Column::Email),
                    ))
                    .is_in(emails),
                ),
        )
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let found = match (e.user_id, e.email.as_deref()) {
            (Some(id), None) => accounts.iter().find(|u| u.id == id),
            (None, Some(email)) => {
                let email = email.trim().to_lowercase();
                accounts.iter().find(|u| u.email.to_lowercase() == email)
            }
            _ => {
                return Err(ApiError::field(
                    &format!("/participants/{i}"),
                    "required",
                    Text::new(
                        "give exactly one of `user_id` and `email`",
                        "اذكر واحدًا فقط من `user_id` و`email`",
                    ),
                ));
            }
        };
        let pointer = if e.user_id.is_some() {
            format!("/participants/{i}/user_id")
        } else {
            format!("/participants/{i}/email")
        };
        let Some(person) = found else {
            return Err(ApiError::field(
                &pointer,
                "not_found",
                Text::new(
                    "no account has this id or email",
                    "لا يوجد حساب بهذا الرقم أو البريد",
                ),
            ));
        };
        if !person.is_active {
            return Err(crate::db::deactivated(&pointer));
        }
        out.push((person.id, e.status));
    }
    Ok(out)
}
