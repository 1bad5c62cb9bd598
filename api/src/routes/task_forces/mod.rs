//! Task forces: public reads, admin writes, members with the authority they represent, an
//! optional maximum of members per authority, and targets against actual counts.

mod create;
mod list;
mod members;
mod model;
mod read;
mod rules;
mod update;
mod view;

pub use model::*;
pub use rules::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_task_forces)
        .service(create::create_task_force)
        .service(read::get_task_force)
        .service(update::update_task_force)
        .service(update::delete_task_force)
        .service(members::list_task_force_members)
        .service(members::add_task_force_member)
        .service(members::remove_task_force_member);
}
