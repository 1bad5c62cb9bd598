//! Position papers (أوراق الموقف): a platform's contribution to policy reform. Every edit of
//! the text makes a new immutable version; the status moves only along allowed transitions,
//! each recorded with who and when; local authorities endorse, one endorsement each.
//!
//! Visibility: a published paper is public; any other paper is seen by the platform's active
//! members, its coordinators, the paper's authors and admins. To anyone else it does not
//! exist (404), for reads and writes alike.

mod create;
mod diff;
mod endorsements;
mod list;
mod model;
mod read;
mod rules;
mod transitions;
mod update;
mod versions;
mod view;

pub use model::*;
pub use rules::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_papers)
        .service(create::create_paper)
        .service(versions::compare_versions)
        .service(versions::list_versions)
        .service(versions::get_version)
        .service(transitions::list_transitions)
        .service(transitions::transition_paper)
        .service(endorsements::list_endorsements)
        .service(endorsements::endorse)
        .service(endorsements::withdraw_endorsement)
        .service(read::get_paper)
        .service(update::update_paper);
}
