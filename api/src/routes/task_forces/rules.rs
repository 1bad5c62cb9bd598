//! The rules of the task forces: checks and derived values the handlers share.

use crate::domain::{Bilingual, BilingualText};

pub fn search_text(name: &Bilingual, mandate: &BilingualText) -> String {
    crate::domain::search::fold_all([
        name.ar.as_str(),
        name.en.as_str(),
        mandate.ar.as_str(),
        mandate.en.as_str(),
    ])
}
