//! People's accounts: sessions (access and refresh tokens), the single-use emailed action tokens
//! (reset, verification, invitation) and the security limits every replica shares.

pub mod action_tokens;
pub mod directory;
pub mod security_limits;
pub mod sessions;
