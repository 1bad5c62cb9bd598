//! Programme reports for the union and its funders (`/api/v1/reports/…`): what the database
//! counts, shown to administrators in full and to coordinators and partner keys with small cells
//! hidden (`services::reports::participation`), as JSON, CSV or XLSX (`export`).

mod attendances;
mod common;
mod grouped;
mod partnerships;
mod practices;
mod programme;

pub use attendances::*;
pub use common::{Count, DimensionName, ReportScope};
pub use grouped::*;
pub use partnerships::*;
pub use programme::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(grouped::participation_report)
        .service(grouped::membership_report)
        .service(grouped::seat_report)
        .service(grouped::discussant_report)
        .service(attendances::export_attendances)
        .service(partnerships::partnership_report)
        .service(partnerships::contribution_report)
        .service(programme::progress_report)
        .service(programme::budget_report)
        .service(practices::practice_report);
}
