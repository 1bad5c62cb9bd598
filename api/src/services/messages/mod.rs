//! What the programme writes to people, in their language: the single-use link emails
//! (`links`) and the workshop emails (`workshops`). The outbox (`jobs::outbox`) sends them.

pub mod links;
pub mod workshops;
