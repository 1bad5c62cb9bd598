//! Checks shared by workshops and activities.

pub use super::create::check_hosts;
