use actix_web::{HttpResponse, post, web};
use entity::partnership_contribution;

use super::{PaymentRequest, response};
use crate::access::require_agreement_manager;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::programme::records::{self, NewPayment, Recorder};
use crate::state::AppState;

/// Records a payment against a contribution of an agreement (admins and the international
/// partnerships task force): its amount in the contribution's currency (at most what is still
/// unpaid), the day it was paid and a reference. The agreement must be agreed (past the council's
/// deliberation: its contributions no longer change); 409 before. Answers the agreement, whose
/// contribution now shows what is paid and whether it is `paid`, `partly_paid`, `due` or `late`.
#[utoipa::path(
    tag = "partnerships",
    params(
        ("id" = i64, Path, description = "Agreement id", minimum = 1),
        ("contribution_id" = i64, Path, description = "Contribution id", minimum = 1),
    ),
    request_body = PaymentRequest,
    responses(
        (status = 201, body = super::PartnershipResponse),
        (status = 409, description = "The agreement is not agreed yet", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/partnerships/{id}/contributions/{contribution_id}/payments")]
pub async fn record_payment(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: ValidatedJson<PaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, contribution_id) = path.into_inner();
    let now = state.clock.now();
    let today = now.date_naive();
    let txn = crate::db::begin(&state.db).await?;
    require_agreement_manager(&txn, &auth).await?;
    let req = body.into_inner()?;
    let p = find_or_404::<entity::partnership::Entity>(&txn, id).await?;
    let c = find_or_404::<partnership_contribution::Entity>(&txn, contribution_id).await?;
    if c.partnership_id != p.id {
        return Err(ApiError::not_found());
    }
    let payment = NewPayment {
        amount: req.amount,
        paid_on: req.paid_on,
        reference: req.reference,
    };
    let by = Recorder {
        user_id: auth.id(),
        now,
    };
    let payment = records::pay(&txn, &p, &c, payment, by).await?;
    Entry::new(Action::PartnershipPayment, p.id)
        .field(
            "payment",
            serde_json::json!({"id": payment.id, "contribution_id": c.id, "amount": payment.amount,
                               "currency": c.currency, "paid_on": payment.paid_on}),
        )
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, p, today).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header(crate::etag::header(body.version))
        .json(body))
}
