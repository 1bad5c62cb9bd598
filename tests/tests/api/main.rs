//! The integration suite: every test drives the real server over HTTP.

mod auth;
mod errors;
mod health;
mod local_authorities;
mod openapi;
mod users;
