//! Outgoing mail: SMTP when `SMTP_URL` is set, otherwise `.eml` files in `MAIL_DIR` (logged).
//! Every message has a plain-text part and an HTML part that renders right-to-left in Arabic.

use std::path::PathBuf;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::domain::{Locale, TokenPurpose};

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
#[derive(Debug)]
pub struct Email {
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// An iCalendar attachment; its `METHOD` line says REQUEST or CANCEL.
    pub ics: Option<String>,
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
        let body = MultiPart::alternative_plain_html(email.text, email.html);
        let body = match email.ics {
            None => body,
            Some(ics) => {
                let method = ics
                    .lines()
                    .find_map(|l| l.strip_prefix("METHOD:"))
                    .unwrap_or("PUBLISH")
                    .trim()
                    .to_owned();
                let content_type =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| e.to_string())?;
                MultiPart::mixed()
                    .multipart(body)
                    .singlepart(Attachment::new("invite.ics".to_owned()).body(ics, content_type))
            }
        };
        // Every message names itself (RFC 5322 §3.6.4), in the sender's domain, so that mail
        // clients thread and deduplicate it.
        let message_id = format!(
            "<{}@{}>",
            uuid::Uuid::new_v4().simple(),
            self.from.email.domain()
        );
        Message::builder()
            .message_id(Some(message_id))
            .from(self.from.clone())
            .to(email.to)
            .subject(email.subject)
            .multipart(body)
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
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Left-to-right isolate (U+2066 … U+2069): dates, times, numbers, addresses and codes inside
/// Arabic text keep their order. The plain-text part keeps the marks; the HTML part turns them
/// into `<bdi dir="ltr">`.
pub fn ltr(text: &str) -> String {
    format!("\u{2066}{text}\u{2069}")
}

/// First-strong isolate (U+2068 … U+2069): a name or title in either language, set apart from
/// the sentence around it. HTML: `<bdi>`.
pub fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// Escapes text for HTML and turns the isolates into `<bdi>` elements (each one closed, stray
/// marks dropped).
fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut open = 0usize;
    for c in text.chars() {
        match c {
            '\u{2066}' => {
                out.push_str("<bdi dir=\"ltr\">");
                open += 1;
            }
            '\u{2067}' => {
                out.push_str("<bdi dir=\"rtl\">");
                open += 1;
            }
            '\u{2068}' => {
                out.push_str("<bdi>");
                open += 1;
            }
            '\u{2069}' if open > 0 => {
                out.push_str("</bdi>");
                open -= 1;
            }
            '\u{2069}' => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    for _ in 0..open {
        out.push_str("</bdi>");
    }
    out
}

/// A message with one call to action, in the recipient's language.
pub fn action_email(
    to: Mailbox,
    locale: Locale,
    kind: TokenPurpose,
    name: &str,
    link: &str,
) -> Email {
    let (subject, intro, button, outro) = action_texts(kind, locale);
    layout(
        to,
        locale,
        subject,
        name,
        &[intro],
        Some((button, link)),
        outro,
    )
}

/// The one layout of every message: a greeting, paragraphs, an optional button, a closing
/// line; plain text and HTML that renders right-to-left for Arabic.
pub fn layout(
    to: Mailbox,
    locale: Locale,
    subject: &str,
    name: &str,
    paragraphs: &[&str],
    action: Option<(&str, &str)>,
    outro: &str,
) -> Email {
    let (lang, dir, align) = match locale {
        Locale::Ar => ("ar", "rtl", "right"),
        Locale::En => ("en", "ltr", "left"),
    };
    let greeting = match locale {
        Locale::Ar => format!("مرحبًا {}،", isolate(name)),
        Locale::En => format!("Hello {},", isolate(name)),
    };
    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body dir=\"{dir}\" style=\"direction:{dir};text-align:{align};font-family:Tahoma,Arial,sans-serif\">\n<p>{}</p>\n",
        escape(subject),
        html_text(&greeting),
    );
    for p in paragraphs.iter().filter(|p| !p.is_empty()) {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>\n", html_text(p)));
    }
    if let Some((button, link)) = action {
        text.push_str(link);
        text.push_str("\n\n");
        html.push_str(&format!(
            "<p><a href=\"{l}\" style=\"display:inline-block;padding:10px 16px;background:#0b5d3b;color:#fff;text-decoration:none\">{b}</a></p>\n\
             <p dir=\"ltr\" style=\"font-size:12px\">{l}</p>\n",
            l = escape(link),
            b = escape(button),
        ));
    }
    text.push_str(outro);
    text.push('\n');
    html.push_str(&format!("<p>{}</p>\n</body>\n</html>\n", escape(outro)));
    Email {
        to,
        subject: subject.to_owned(),
        text,
        html,
        ics: None,
    }
}

/// The texts of a single-use link's email: subject, introduction, button and closing line.
fn action_texts(
    kind: TokenPurpose,
    locale: Locale,
) -> (&'static str, &'static str, &'static str, &'static str) {
    {
        match (kind, locale) {
            (TokenPurpose::PasswordReset, Locale::Ar) => (
                "إعادة تعيين كلمة المرور",
                "تلقينا طلبًا لإعادة تعيين كلمة المرور لحسابك. يصلح الرابط التالي لمرة واحدة خلال ساعة.",
                "تعيين كلمة مرور جديدة",
                "إن لم تطلب ذلك فتجاهل هذه الرسالة.",
            ),
            (TokenPurpose::PasswordReset, Locale::En) => (
                "Reset your password",
                "We received a request to reset your password. The link below works once, within an hour.",
                "Set a new password",
                "If you did not ask for this, ignore this message.",
            ),
            (TokenPurpose::EmailVerification, Locale::Ar) => (
                "تأكيد البريد الإلكتروني",
                "يرجى تأكيد عنوان بريدك الإلكتروني بفتح الرابط التالي.",
                "تأكيد البريد",
                "إن لم تنشئ حسابًا فتجاهل هذه الرسالة.",
            ),
            (TokenPurpose::EmailVerification, Locale::En) => (
                "Confirm your email address",
                "Please confirm your email address by opening the link below.",
                "Confirm email",
                "If you did not create an account, ignore this message.",
            ),
            (TokenPurpose::Invitation, Locale::Ar) => (
                "دعوة للانضمام إلى منصات تبادل الخبرات",
                "تمت دعوتك للانضمام إلى منصات تبادل الخبرات بين الهيئات المحلية. اختر كلمة مرور لتفعيل حسابك.",
                "تفعيل الحساب",
                "يصلح الرابط لمرة واحدة خلال سبعة أيام.",
            ),
            (TokenPurpose::Invitation, Locale::En) => (
                "Your invitation to the experience-exchange platforms",
                "You have been invited to the local authorities' experience-exchange platforms. Choose a password to activate your account.",
                "Activate account",
                "The link works once, within seven days.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolates_become_bdi_elements_and_text_is_escaped() {
        let p = format!(
            "الموعد: {} ({})",
            ltr("2026-12-10 10:00–13:00"),
            isolate("<Gaza>")
        );
        assert_eq!(
            html_text(&p),
            "الموعد: <bdi dir=\"ltr\">2026-12-10 10:00–13:00</bdi> (<bdi>&lt;Gaza&gt;</bdi>)"
        );
        assert_eq!(html_text("\u{2066}open"), "<bdi dir=\"ltr\">open</bdi>");
        assert_eq!(html_text("stray\u{2069}"), "stray");
    }
}
