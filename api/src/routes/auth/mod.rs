//! Login, refresh, logout, password reset, email verification and invitations.

mod email_verification;
mod invitation;
mod login;
mod logout;
mod model;
mod password_reset;
mod refresh;

use crate::routes::Routes;

pub fn configure(cfg: &mut Routes) {
    cfg.service(login::login)
        .service(refresh::refresh)
        .service(logout::logout)
        .service(password_reset::request_password_reset)
        .service(password_reset::confirm_password_reset)
        .service(email_verification::request_email_verification)
        .service(email_verification::confirm_email_verification)
        .service(invitation::accept_invitation);
}
