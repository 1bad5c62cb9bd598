//! Accounts: administrators invite, read, change, deactivate and delete users.

mod create;
mod delete;
mod directory;
mod list;
pub mod me;
mod model;
mod people;
mod read;
mod rules;
mod update;
mod view;

pub use model::*;
pub use rules::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_users)
        .service(people::find_people)
        .service(directory::list_directory)
        .service(directory::get_directory_entry)
        .service(create::create_user)
        .service(read::get_user)
        .service(update::update_user)
        .service(delete::delete_user);
}
