//! Partnership and twinning agreements (اتفاقيات الشراكة والتوأمة), following the
//! decentralized-cooperation office's procedure: consultation → drafting → council
//! deliberation → approved → signing → the governor's visa when the agreement has a financial
//! impact → in force → renewed, amended, completed or terminated. Each step keeps its date,
//! minutes and documents.
//!
//! Managed by admins and members of the international-partnerships task force; read by any
//! signed-in user; hidden from anonymous callers.

mod children;
mod create;
mod list;
mod model;
mod payments;
mod read;
mod rules;
mod steps;
mod update;
mod view;

pub use children::*;
pub use model::*;
pub use rules::*;
pub use view::*;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_partnerships)
        .service(list::expiring_partnerships)
        .service(create::create_partnership)
        .service(steps::list_steps)
        .service(steps::record_step)
        .service(payments::record_payment)
        .service(read::get_partnership)
        .service(update::update_partnership);
}
