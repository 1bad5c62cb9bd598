//! The audit trail, read back: admins see every entry, a coordinator the entries of the
//! platforms they coordinate. Newest first, keyset-paged.

mod list;
mod model;

pub use model::*;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list::list_audit);
}
