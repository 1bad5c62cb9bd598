//! sea-orm entities: table shapes only. Rules and behaviour live in the `api` crate.

pub mod action_token;
pub mod local_authority;
pub mod refresh_token;
pub mod user;
