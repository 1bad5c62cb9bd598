//! Topics of work plans and the working group of each topic.

mod follows;
mod read;
mod rules;
mod update;
mod working_group;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(read::get_topic)
        .service(follows::follow_topic)
        .service(follows::unfollow_topic)
        .service(follows::list_followed_topics)
        .service(update::update_topic)
        .service(update::delete_topic)
        .service(working_group::get_working_group)
        .service(working_group::put_working_group)
        .service(working_group::add_working_group_member)
        .service(working_group::remove_working_group_member);
}
