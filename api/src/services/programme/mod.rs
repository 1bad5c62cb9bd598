//! The programme's own workflows: seats and the waiting list, check-in and its tickets, what a
//! departing person releases, the platforms hosting together, work-plan rules and what is
//! recorded against the plan.

pub mod check_ins;
pub mod departures;
pub mod discussions;
pub mod documents;
pub mod exchanges;
pub mod hosts;
pub mod records;
pub mod seats;
pub mod tickets;
pub mod work_plans;
