//! Reports for the funder and the platforms: participation, memberships and seats
//! (`participation`), the programme plan's progress and budget (`programme`), the partnership
//! agreements (`partnerships`) and a platform's people (`platform_stats`).

pub mod authorities;
pub mod participation;
pub mod partnerships;
pub mod platform_stats;
pub mod practices;
pub mod programme;
