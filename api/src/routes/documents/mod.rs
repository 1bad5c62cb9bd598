//! Documents (وثائق): the platforms' publications — guides, manuals, templates, studies,
//! position papers' final texts. A document is planned (an activity's or a milestone's promised
//! output), becomes a draft with its first version (a file: `/documents/{id}/versions`), is
//! published by its platform's coordinators and archived; each read of a version is counted.

mod create;
mod model;
mod read;
mod rules;
mod transitions;
mod update;
mod view;

pub use model::*;
pub use view::response;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(read::list_documents)
        .service(create::create_document)
        .service(transitions::transition_document)
        .service(read::get_document)
        .service(update::update_document);
}
