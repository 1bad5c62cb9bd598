//! The audit trail, read back: admins see every entry, a coordinator the entries of the
//! platforms they coordinate. Newest first, keyset-paged.

mod list;
mod model;

pub use model::*;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_audit);
}
