//! Coordinator elections. A nomination window (members nominate themselves or each other; a
//! nomination stands once the candidate accepts), then a voting window (one secret ballot per
//! active member per seat), then results and an admin's certification, which starts the
//! winners' terms and ends the previous ones. Windows follow the server clock.
//!
//! Tie rule: among candidates with equal votes, the one whose nomination was accepted first
//! wins (then the lower candidate id). One person cannot hold both seats: when the
//! coordinator's winner also tops the deputy count, the deputy seat goes to the next candidate.

mod ballots;
mod candidates;
mod create;
mod model;
mod read;
mod results;
mod rules;
mod view;

pub use model::*;
pub use rules::*;
pub use view::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(create::create_election)
        .service(create::list_elections)
        .service(read::get_election)
        .service(candidates::nominate)
        .service(candidates::accept_nomination)
        .service(ballots::cast_ballot)
        .service(results::get_results)
        .service(results::certify);
}
