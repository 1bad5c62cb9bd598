//! Programme reports for the union and its funders (`/api/v1/reports/…`): what the database
//! counts, shown to administrators in full and to coordinators and partner keys with small cells
//! hidden (`services::reports`).

mod participation;

pub use participation::*;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(participation::participation_report);
}
