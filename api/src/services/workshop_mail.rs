//! Workshop emails in the recipient's language: confirmation and update (with an invitation,
//! METHOD:REQUEST), cancellation (METHOD:CANCEL), reminder, waitlist notice and promotion.

use chrono_tz::Tz;
use entity::{user, workshop};
use sea_orm::ConnectionTrait;

use crate::domain::{Locale, MailKind, WorkshopStatus};
use crate::email::layout;
use crate::error::ApiError;
use crate::ics;
use crate::services::mail::mailbox;
use crate::state::AppState;

/// Why a workshop email is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Confirmation,
    Waitlisted,
    Promotion,
    Update,
    Cancellation,
    Reminder,
}

impl Kind {
    fn code(self) -> MailKind {
        match self {
            Kind::Confirmation => MailKind::WorkshopConfirmation,
            Kind::Waitlisted => MailKind::WorkshopWaitlisted,
            Kind::Promotion => MailKind::WorkshopPromotion,
            Kind::Update => MailKind::WorkshopUpdate,
            Kind::Cancellation => MailKind::WorkshopCancellation,
            Kind::Reminder => MailKind::WorkshopReminder,
        }
    }

    fn texts(self, locale: Locale) -> (&'static str, &'static str) {
        match (self, locale) {
            (Kind::Confirmation, Locale::Ar) => (
                "تأكيد التسجيل في الورشة",
                "تم تسجيلك في الورشة التالية. تجد الدعوة مرفقة لإضافتها إلى تقويمك.",
            ),
            (Kind::Confirmation, Locale::En) => (
                "Your workshop registration",
                "You are registered for this workshop. The invitation is attached for your calendar.",
            ),
            (Kind::Waitlisted, Locale::Ar) => (
                "أنت على قائمة الانتظار",
                "الورشة مكتملة حاليًا، وقد أُضفت إلى قائمة الانتظار. سنراسلك إذا توفر مقعد.",
            ),
            (Kind::Waitlisted, Locale::En) => (
                "You are on the waiting list",
                "The workshop is full; you are on its waiting list. We will write when a seat frees up.",
            ),
            (Kind::Promotion, Locale::Ar) => (
                "توفر لك مقعد في الورشة",
                "توفر مقعد وتم تسجيلك في الورشة. تجد الدعوة مرفقة.",
            ),
            (Kind::Promotion, Locale::En) => (
                "A seat is yours",
                "A seat became free and you are now registered. The invitation is attached.",
            ),
            (Kind::Update, Locale::Ar) => (
                "تعديل على موعد الورشة أو مكانها",
                "تغير موعد الورشة أو مكانها. التفاصيل المحدثة أدناه وفي الدعوة المرفقة.",
            ),
            (Kind::Update, Locale::En) => (
                "Workshop changed",
                "The time or place of the workshop changed. The new details are below and in the attached invitation.",
            ),
            (Kind::Cancellation, Locale::Ar) => {
                ("إلغاء الورشة", "نأسف لإبلاغك بإلغاء الورشة التالية.")
            }
            (Kind::Cancellation, Locale::En) => (
                "Workshop cancelled",
                "We are sorry: this workshop is cancelled.",
            ),
            (Kind::Reminder, Locale::Ar) => ("تذكير بموعد الورشة", "نذكّرك بالورشة التالية."),
            (Kind::Reminder, Locale::En) => {
                ("Workshop reminder", "A reminder of your upcoming workshop.")
            }
        }
    }
}

/// The workshop's calendar event, for one attendee.
pub fn event(state: &AppState, w: &workshop::Model, attendee: Option<&str>) -> ics::Event {
    let tz: Tz = w.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
    let host = state
        .config
        .public_base_url
        .split("://")
        .nth(1)
        .unwrap_or("localhost")
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
        .to_owned();
    let location = match (&w.venue_city, &w.venue_address) {
        (Some(c), Some(a)) if !a.is_empty() => Some(format!("{a}، {c}")),
        (Some(c), _) => Some(c.clone()),
        _ => w.online_url.clone(),
    };
    ics::Event {
        uid: format!("workshop-{}@{host}", w.id),
        sequence: w.sequence,
        summary: if w.title_en.is_empty() {
            w.title_ar.clone()
        } else {
            format!("{} | {}", w.title_ar, w.title_en)
        },
        description: [w.description_ar.as_str(), w.description_en.as_str()]
            .iter()
            .filter(|d| !d.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n\n"),
        location,
        url: w.online_url.clone(),
        starts_at: w.starts_at,
        ends_at: w.ends_at,
        time_zone: tz,
        cancelled: w.status == WorkshopStatus::Cancelled,
        last_modified: w.updated_at,
        organizer: state
            .config
            .mail_from
            .parse::<lettre::message::Mailbox>()
            .ok()
            .map(|m| m.email.to_string()),
        attendee: attendee.map(str::to_owned),
    }
}

/// Writes one workshop email per recipient to the outbox (inside the caller's transaction).
pub async fn notify(
    db: &impl ConnectionTrait,
    state: &AppState,
    kind: Kind,
    w: &workshop::Model,
    recipients: &[user::Model],
) -> Result<(), ApiError> {
    let tz: Tz = w.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
    let now = state.clock.now();
    for u in recipients {
        let Some(to) = mailbox(u) else { continue };
        let locale = u.locale;
        let (subject, intro) = kind.texts(locale);
        let (title, when_label, where_label, name) = match locale {
            Locale::Ar => (&w.title_ar, "الموعد", "المكان", &u.name_ar),
            Locale::En => (
                if w.title_en.is_empty() {
                    &w.title_ar
                } else {
                    &w.title_en
                },
                "When",
                "Where",
                if u.name_en.is_empty() {
                    &u.name_ar
                } else {
                    &u.name_en
                },
            ),
        };
        let when = format!(
            "{when_label}: {} – {} ({})",
            w.starts_at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
            w.ends_at.with_timezone(&tz).format("%H:%M"),
            tz.name()
        );
        let place = match (&w.venue_city, &w.venue_address, &w.online_url) {
            (Some(c), a, _) => format!(
                "{where_label}: {}{c}",
                a.as_deref()
                    .filter(|a| !a.is_empty())
                    .map(|a| format!("{a}، "))
                    .unwrap_or_default()
            ),
            (None, _, Some(u)) => format!("{where_label}: {u}"),
            _ => String::new(),
        };
        let outro = match locale {
            Locale::Ar => "مع التحية، اتحاد الهيئات المحلية",
            Locale::En => "Kind regards, the union of local authorities",
        };
        let mut email = layout(
            to,
            locale,
            subject,
            name,
            &[intro, title, &when, &place],
            None,
            outro,
        );
        let method = match kind {
            Kind::Confirmation | Kind::Promotion | Kind::Update => Some(ics::Method::Request),
            Kind::Cancellation => Some(ics::Method::Cancel),
            Kind::Waitlisted | Kind::Reminder => None,
        };
        if let Some(method) = method {
            let ev = event(state, w, Some(&u.email));
            email.ics = Some(ics::calendar(&w.title_ar, method, &[ev], now));
        }
        crate::services::outbox::enqueue(db, kind.code(), email, now).await?;
    }
    Ok(())
}
