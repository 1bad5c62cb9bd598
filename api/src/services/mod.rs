//! The programme's workflows, apart from HTTP: what happens when a person registers, a seat
//! frees up, a token is spent, a status moves or a message falls due. Handlers in `routes/`
//! read the request, ask `access` who the caller is, call these, and shape the answer; nothing
//! here knows a request, a response or a header, and nothing here imports `routes/`.
//!
//! Errors are `ApiError` problems (a stable code and a bilingual text), which the HTTP layer
//! renders; the workflows never choose a status line themselves.

pub mod changes;
pub mod check_ins;
pub mod departures;
pub mod events;
pub mod hosts;
pub mod idempotency;
pub mod limits;
pub mod mail;
pub mod notifications;
pub mod outbox;
pub mod partnership_reports;
pub mod platform_stats;
pub mod programme_reports;
pub mod records;
pub mod reminders;
pub mod reports;
pub mod seats;
pub mod sessions;
pub mod supervisor;
pub mod tickets;
pub mod tokens;
pub mod versioned;
pub mod webhooks;
pub mod work_plans;
pub mod workshop_mail;
