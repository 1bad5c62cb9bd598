//! Practices (ممارسات): what a local authority did that others can learn from, shared on a
//! platform — drafted by its people, published by the platform's coordinators, versioned, with
//! files attached (`/practices/{id}/files`); other authorities ask to learn them
//! (`/exchange-requests`) and record that they adopted them (`/replications`).

mod create;
mod exchanges;
mod model;
mod read;
mod replications;
mod rules;
mod transitions;
mod update;
mod versions;
mod view;

pub use model::*;
pub use rules::{PracticeStanding, visible_practice};
pub use view::response;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(read::list_practices)
        .service(create::create_practice)
        .service(versions::list_practice_versions)
        .service(versions::get_practice_version)
        .service(transitions::transition_practice)
        .service(read::get_practice)
        .service(update::update_practice)
        .service(exchanges::create_exchange_request)
        .service(exchanges::list_exchange_requests)
        .service(exchanges::decide_exchange_request)
        .service(exchanges::plan_exchange)
        .service(replications::record_replication)
        .service(replications::list_replications);
}
