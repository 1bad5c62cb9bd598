//! Platforms: public reads, admin writes (with `If-Match`), memberships and coordinators.

mod coordinators;
mod create;
mod delete;
mod list;
mod members;
mod model;
mod read;
mod update;
mod view;

pub use model::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_platforms)
        .service(create::create_platform)
        .service(read::get_platform)
        .service(update::update_platform)
        .service(delete::delete_platform)
        .service(members::list_members)
        .service(members::request_membership)
        .service(members::approve_membership)
        .service(members::reject_membership)
        .service(members::remove_membership)
        .service(coordinators::list_coordinators);
}
