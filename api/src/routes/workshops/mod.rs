//! Workshops: scheduling across time zones, registrations with a fair waitlist, attendance,
//! minutes, calendar feeds and the emails that go with them.

mod attendance;
pub mod calendar;
mod children;
mod clashes;
mod create;
mod list;
mod model;
mod participants;
mod read;
mod registrations;
mod rules;
mod tickets;
mod transitions;
mod update;
mod view;

pub use children::*;
pub use model::*;
pub use rules::*;
pub use view::*;

use crate::routes::Routes;

pub use clashes::Warning;
pub(crate) use registrations::to_response as registration_response;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_workshops)
        .service(create::create_workshop)
        .service(read::get_workshop)
        .service(update::update_workshop)
        .service(transitions::transition_workshop)
        .service(transitions::put_minutes)
        .service(registrations::register)
        .service(registrations::list_registrations)
        .service(registrations::cancel_registration)
        .service(attendance::get_attendance)
        .service(attendance::record_attendance)
        .service(attendance::check_in)
        .service(participants::record_participants)
        .service(tickets::ticket_keys)
        .service(tickets::get_ticket)
        .service(tickets::record_check_ins)
        .service(calendar::workshop_calendar)
        .service(calendar::platform_calendar)
        .service(calendar::personal_calendar)
        .service(calendar::create_calendar_token)
        .service(calendar::revoke_calendar_token);
}

/// The default zone of the programme's workshops.
pub use crate::domain::zone::DEFAULT_TIME_ZONE;
