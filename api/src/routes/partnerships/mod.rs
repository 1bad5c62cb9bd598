//! Partnership and twinning agreements (اتفاقيات الشراكة والتوأمة), following the
//! decentralized-cooperation office's procedure: consultation → drafting → council
//! deliberation → approved → signing → the governor's visa when the agreement has a financial
//! impact → in force → monitoring and evaluation → renewed, amended, completed or terminated.
//! Each step keeps its date, minutes and documents; an amendment or renewal keeps the terms it
//! replaces; indicators are measured over time and contributions paid against their due dates.
//!
//! Managed by admins and members of the international-partnerships task force; read by any
//! signed-in user; hidden from anonymous callers.

mod children;
mod create;
mod list;
mod model;
mod monitoring;
mod payments;
mod read;
mod rules;
mod steps;
mod update;
mod view;

pub use children::*;
pub use model::*;
pub use monitoring::*;
pub use rules::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_partnerships)
        .service(list::expiring_partnerships)
        .service(create::create_partnership)
        .service(steps::list_steps)
        .service(steps::record_step)
        .service(payments::record_payment)
        .service(monitoring::list_terms)
        .service(monitoring::record_measurement)
        .service(monitoring::list_measurements)
        .service(read::get_partnership)
        .service(update::update_partnership);
}
