//! Every route, one module per resource and one file per action.

pub mod activities;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod discussions;
pub mod documents;
pub mod elections;
pub mod fallback;
pub mod files;
pub mod health;
pub mod local_authorities;
pub mod milestones;
pub mod notifications;
pub mod partnerships;
pub mod platforms;
pub mod position_papers;
pub mod practices;
pub mod reports;
pub mod search;
pub mod task_forces;
pub mod topics;
pub mod users;
pub mod views;
pub mod webhooks;
pub mod work_plans;
pub mod workshops;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live).service(health::ready).service(
        // The busiest lists first: the router tries resources in registration order.
        scope::scope("/api/v1")
            .configure(workshops::configure)
            .configure(auth::configure)
            .configure(users::me::configure)
            .configure(notifications::configure)
            .configure(users::configure)
            .configure(local_authorities::configure)
            .configure(platforms::configure)
            .configure(elections::configure)
            .configure(work_plans::configure)
            .configure(topics::configure)
            .configure(task_forces::configure)
            .configure(milestones::configure)
            .configure(search::configure)
            .configure(activities::configure)
            .configure(position_papers::configure)
            .configure(practices::configure)
            .configure(documents::configure)
            .configure(discussions::configure)
            .configure(partnerships::configure)
            .configure(audit::configure)
            .configure(api_keys::configure)
            .configure(webhooks::configure)
            .configure(changes::configure)
            .configure(files::configure)
            .configure(reports::configure),
    );
}
