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

use actix_web::dev::HttpServiceFactory;
use actix_web::middleware::DefaultHeaders;
use utoipa_actix_web::OpenApiFactory;

/// Where the routes are registered. The OpenAPI document is collected once, at start, from a
/// documented registration; each worker's router is a plain one. (A documented registration
/// builds every operation's description: about 10 MiB per worker, built and thrown away.)
pub enum Routes<'a, 'b> {
    Documented(&'a mut utoipa_actix_web::service_config::ServiceConfig<'b>),
    Plain(&'a mut actix_web::web::ServiceConfig),
}

impl Routes<'_, '_> {
    /// One documented route (a handler of `#[utoipa::path]`).
    pub fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        match self {
            Routes::Documented(cfg) => {
                cfg.service(factory);
            }
            Routes::Plain(cfg) => {
                cfg.service(factory);
            }
        }
        self
    }

    /// Routes registered by `f`, in order.
    pub fn configure(&mut self, f: impl FnOnce(&mut Self)) -> &mut Self {
        f(self);
        self
    }

    /// Routes under a path prefix, with headers added to each of their answers.
    pub fn scope(
        &mut self,
        path: &str,
        headers: Option<DefaultHeaders>,
        routes: impl FnOnce(&mut Routes),
    ) -> &mut Self {
        match self {
            Routes::Documented(cfg) => {
                let scope = utoipa_actix_web::scope::scope(path)
                    .configure(|cfg| routes(&mut Routes::Documented(cfg)));
                match headers {
                    Some(headers) => cfg.service(scope.wrap(headers)),
                    None => cfg.service(scope),
                };
            }
            Routes::Plain(cfg) => {
                let scope =
                    actix_web::web::scope(path).configure(|cfg| routes(&mut Routes::Plain(cfg)));
                match headers {
                    Some(headers) => cfg.service(scope.wrap(headers)),
                    None => cfg.service(scope),
                };
            }
        }
        self
    }
}

/// Registers every documented route.
pub fn configure(cfg: &mut Routes) {
    // The busiest lists first: the router tries resources in registration order.
    cfg.service(health::live)
        .service(health::ready)
        .scope("/api/v1", None, |cfg| {
            cfg.configure(workshops::configure)
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
                .configure(reports::configure);
        });
}
