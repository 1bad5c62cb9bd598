//! The experience-exchange platforms API: an actix-web service over sea-orm.

pub mod auth;
pub mod config;
pub mod domain;
pub mod email;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
