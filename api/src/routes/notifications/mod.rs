//! The caller's in-app inbox (`/api/v1/me/notifications`): what happened that concerns them,
//! in both languages, newest first, with the unread count and marking as read. The notices are
//! written by `services::events::notifications` in the transaction of the change they tell of.

mod inbox;
mod model;

pub use model::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(inbox::list_notifications)
        .service(inbox::unread_notifications)
        .service(inbox::read_all_notifications)
        .service(inbox::read_notification);
}
