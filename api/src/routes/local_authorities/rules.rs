//! The rules of the local authorities: checks and derived values the handlers share.

use crate::domain::{Bilingual, search};

/// The folded search text of an authority.
pub(crate) fn search_text(name: &Bilingual, governorate: &str) -> String {
    search::fold_all([name.ar.as_str(), name.en.as_str(), governorate])
}
