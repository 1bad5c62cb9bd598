//! The integration suite: every test drives the real server over HTTP.

mod activities;
mod audit;
mod auth;
mod background;
mod calendars;
mod elections;
mod errors;
mod health;
mod hostile_input;
mod limits;
mod local_authorities;
mod mail_delivery;
mod matrix;
mod openapi;
mod outage;
mod partnerships;
mod platforms;
mod position_papers;
mod replicas;
mod search;
mod security;
mod task_forces;
mod users;
mod work_plans;
mod workshops;
