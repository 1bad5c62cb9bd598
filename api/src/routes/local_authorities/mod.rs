//! Local authorities: public reads, admin writes.

mod create;
mod delete;
mod list;
mod model;
mod overview;
mod read;
mod rules;
mod update;

pub use model::*;
pub(crate) use rules::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_local_authorities)
        .service(create::create_local_authority)
        .service(read::get_local_authority)
        .service(overview::get_local_authority_overview)
        .service(update::update_local_authority)
        .service(delete::delete_local_authority);
}
