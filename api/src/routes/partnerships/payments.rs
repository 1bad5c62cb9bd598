use actix_web::{HttpResponse, post, web};
use entity::{partnership_contribution, partnership_payment};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{PaymentRequest, editable, response};
use crate::access::require_agreement_manager;
use crate::audit::Entry;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::money::parse_amount;
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
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
    if editable(p.status) {
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "Payments are recorded once the agreement is approved: its contributions may still change.",
                "تسجل الدفعات بعد إقرار الاتفاقية: ما زالت مساهماتها قابلة للتغيير.",
            ),
        ));
    }
    crate::db::ensure_room(
        &txn,
        partnership_payment::Entity::find()
            .filter(partnership_payment::Column::ContributionId.eq(c.id)),
        crate::domain::limits::MAX_PAYMENTS_PER_CONTRIBUTION,
        ("Payments of a contribution", "دفعات المساهمة"),
    )
    .await?;
    let paid_on = req.paid_on.unwrap_or(today);
    if paid_on > today {
        return Err(ApiError::field(
            "/paid_on",
            "future",
            Text::new("cannot be in the future", "لا يمكن أن يكون في المستقبل"),
        ));
    }
    let amount = parse_amount(&req.amount).unwrap_or_default();
    if amount <= Decimal::ZERO {
        return Err(ApiError::field(
            "/amount",
            "amount",
            Text::new("is more than zero", "أكبر من صفر"),
        ));
    }
    let paid: Decimal = partnership_payment::Entity::find()
        .filter(partnership_payment::Column::ContributionId.eq(c.id))
        .all(&txn)
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
    let payment = partnership_payment::ActiveModel {
        partnership_id: Set(p.id),
        contribution_id: Set(c.id),
        amount: Set(amount.to_string()),
        paid_on: Set(paid_on),
        reference: Set(req.reference.trim().to_owned()),
        recorded_by: Set(auth.id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new("partnership.payment", "partnership", p.id)
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
