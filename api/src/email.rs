//! Outgoing mail: SMTP when `SMTP_URL` is set, otherwise `.eml` files in `MAIL_DIR` (logged).
//! Every message has a plain-text part and an HTML part that renders right-to-left in Arabic.

use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::domain::Locale;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(PathBuf),
}

/// Sends mail after the database work that caused it has committed.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// One message, ready to send.
pub struct Email {
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mailer {
    pub fn new(config: &Config) -> Result<Mailer, String> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| format!("MAIL_FROM: {e}"))?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&config.mail_dir)
                    .map_err(|e| format!("MAIL_DIR {}: {e}", config.mail_dir.display()))?;
                Transport::Dir(config.mail_dir.clone())
            }
        };
        Ok(Mailer { transport, from })
    }

    fn build(&self, email: Email) -> Result<Message, String> {
        Message::builder()
            .from(self.from.clone())
            .to(email.to)
            .subject(email.subject)
            .multipart(MultiPart::alternative_plain_html(email.text, email.html))
            .map_err(|e| e.to_string())
    }

    /// Sends now; the error says why it failed.
    pub async fn send(&self, email: Email) -> Result<(), String> {
        let to = email.to.email.to_string();
        let message = self.build(email)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Dir(dir) => {
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
                    uuid::Uuid::new_v4()
                );
                let path = dir.join(name);
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::info!(to, path = %path.display(), "mail written to the mail directory");
                Ok(())
            }
        }
    }

    /// Sends in the background; a failure is logged, never shown to the caller.
    pub fn send_later(self: &Arc<Self>, email: Email) {
        let mailer = Arc::clone(self);
        tokio::spawn(async move {
            if let Err(error) = mailer.send(email).await {
                tracing::error!(error, "mail could not be sent");
            }
        });
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A message with one call to action, in the recipient's language.
pub fn action_email(
    to: Mailbox,
    locale: Locale,
    kind: ActionEmail,
    name: &str,
    link: &str,
) -> Email {
    let (subject, intro, button, outro) = kind.texts(locale);
    let (lang, dir, align) = match locale {
        Locale::Ar => ("ar", "rtl", "right"),
        Locale::En => ("en", "ltr", "left"),
    };
    let greeting = match locale {
        Locale::Ar => format!("مرحبًا {name}،"),
        Locale::En => format!("Hello {name},"),
    };
    let text = format!("{greeting}\n\n{intro}\n\n{link}\n\n{outro}\n");
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body dir=\"{dir}\" style=\"direction:{dir};text-align:{align};font-family:Tahoma,Arial,sans-serif\">\n\
         <p>{greeting_html}</p>\n<p>{intro}</p>\n\
         <p><a href=\"{link_html}\" style=\"display:inline-block;padding:10px 16px;background:#0b5d3b;color:#fff;text-decoration:none\">{button}</a></p>\n\
         <p dir=\"ltr\" style=\"font-size:12px\">{link_html}</p>\n<p>{outro}</p>\n</body>\n</html>\n",
        title = escape(subject),
        greeting_html = escape(&greeting),
        link_html = escape(link),
    );
    Email {
        to,
        subject: subject.to_owned(),
        text,
        html,
    }
}

/// The single-use links the service mails.
#[derive(Clone, Copy, Debug)]
pub enum ActionEmail {
    PasswordReset,
    EmailVerification,
    Invitation,
}

impl ActionEmail {
    fn texts(self, locale: Locale) -> (&'static str, &'static str, &'static str, &'static str) {
        match (self, locale) {
            (ActionEmail::PasswordReset, Locale::Ar) => (
                "إعادة تعيين كلمة المرور",
                "تلقينا طلبًا لإعادة تعيين كلمة المرور لحسابك. يصلح الرابط التالي لمرة واحدة خلال ساعة.",
                "تعيين كلمة مرور جديدة",
                "إن لم تطلب ذلك فتجاهل هذه الرسالة.",
            ),
            (ActionEmail::PasswordReset, Locale::En) => (
                "Reset your password",
                "We received a request to reset your password. The link below works once, within an hour.",
                "Set a new password",
                "If you did not ask for this, ignore this message.",
            ),
            (ActionEmail::EmailVerification, Locale::Ar) => (
                "تأكيد البريد الإلكتروني",
                "يرجى تأكيد عنوان بريدك الإلكتروني بفتح الرابط التالي.",
                "تأكيد البريد",
                "إن لم تنشئ حسابًا فتجاهل هذه الرسالة.",
            ),
            (ActionEmail::EmailVerification, Locale::En) => (
                "Confirm your email address",
                "Please confirm your email address by opening the link below.",
                "Confirm email",
                "If you did not create an account, ignore this message.",
            ),
            (ActionEmail::Invitation, Locale::Ar) => (
                "دعوة للانضمام إلى منصات تبادل الخبرات",
                "تمت دعوتك للانضمام إلى منصات تبادل الخبرات بين الهيئات المحلية. اختر كلمة مرور لتفعيل حسابك.",
                "تفعيل الحساب",
                "يصلح الرابط لمرة واحدة خلال سبعة أيام.",
            ),
            (ActionEmail::Invitation, Locale::En) => (
                "Your invitation to the experience-exchange platforms",
                "You have been invited to the local authorities' experience-exchange platforms. Choose a password to activate your account.",
                "Activate account",
                "The link works once, within seven days.",
            ),
        }
    }
}
