//! The programme's workflows, apart from HTTP: what happens when a person registers, a seat
//! frees up, a token is spent, a status moves or a message falls due. Handlers in `routes/`
//! read the request, ask `access` who the caller is, call these, and shape the answer; nothing
//! here knows a request, a response or a header, and nothing here imports `routes/`.
//!
//! Errors are `ApiError` problems (a stable code and a bilingual text), which the HTTP layer
//! renders; the workflows never choose a status line themselves.

pub mod accounts;
pub mod events;
pub mod files;
pub mod jobs;
pub mod messages;
pub mod programme;
pub mod reports;
pub mod search;
pub mod store;
