//! Background work: the supervisor that runs every job loop, the mail outbox it delivers and
//! the reminders it sends (webhook deliveries are `events::webhooks::delivery`).

pub mod outbox;
pub mod reminders;
pub mod supervisor;
