//! Work plans: per platform and period, draft → approved, with axes and ranked topics. A plan
//! with fewer than 4 or more than 5 topics answers with a warning, never an error (the sources
//! show 3 and 6 too).

mod approve;
mod axes;
mod create;
mod delete;
mod list;
mod model;
mod read;
mod rules;
mod topics;
mod update;
mod view;

pub use model::*;
pub use rules::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(create::create_work_plan)
        .service(list::list_work_plans)
        .service(read::get_work_plan)
        .service(update::update_work_plan)
        .service(approve::approve_work_plan)
        .service(delete::delete_work_plan)
        .service(axes::add_axis)
        .service(topics::add_topic)
        .service(topics::reorder_topics);
}
