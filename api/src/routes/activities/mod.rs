//! Activities of topic working groups, following the transition framework (`seeds/000`):
//! rationale, expected outputs, responsible party, risks with mitigations, progress, planned
//! quarter, and budget lines whose subtotals and totals are exact decimals.

mod budget;
mod children;
mod create;
mod model;
mod read;
mod spendings;
mod update;
mod view;

pub use children::*;
pub use model::*;
pub use spendings::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(read::list_activities)
        .service(create::create_activity)
        .service(read::get_activity)
        .service(update::update_activity)
        .service(update::change_activity_status)
        .service(update::delete_activity)
        .service(budget::platform_budget)
        .service(spendings::record_spending)
        .service(spendings::list_spendings);
}
