//! The experience-exchange platforms API: an actix-web service over sea-orm.

pub mod access;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod etag;
pub mod extract;
pub mod i18n;
pub mod ics;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod routes;
pub mod seed;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
