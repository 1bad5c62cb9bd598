//! Workshop emails in the recipient's language: confirmation and update (with an invitation,
//! METHOD:REQUEST), cancellation (METHOD:CANCEL), reminder, waitlist notice and promotion.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{user, workshop};
use sea_orm::ConnectionTrait;

use crate::domain::{Locale, MailKind, RegistrationStatus, WorkshopStatus};
use crate::email::{Email, isolate, layout, ltr};
use crate::error::ApiError;
use crate::ics;
use crate::services::messages::links::mailbox;
use crate::services::programme::seats::registrants_in;
use crate::state::AppState;

/// Why a workshop email is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Confirmation,
    Waitlisted,
    Promotion,
    Update,
    Cancellation,
    /// The workshop moved, told to someone on its waiting list (no invitation: no seat).
    WaitlistUpdate,
    /// The workshop was cancelled, told to someone on its waiting list.
    WaitlistCancellation,
    Reminder,
}

impl Kind {
    fn code(self) -> MailKind {
        match self {
            Kind::Confirmation => MailKind::WorkshopConfirmation,
            Kind::Waitlisted => MailKind::WorkshopWaitlisted,
            Kind::Promotion => MailKind::WorkshopPromotion,
            Kind::Update | Kind::WaitlistUpdate => MailKind::WorkshopUpdate,
            Kind::Cancellation | Kind::WaitlistCancellation => MailKind::WorkshopCancellation,
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
            (Kind::WaitlistUpdate, Locale::Ar) => (
                "تعديل على موعد الورشة أو مكانها",
                "تغير موعد الورشة أو مكانها، وما زلت على قائمة الانتظار. التفاصيل المحدثة أدناه؛ سنراسلك إذا توفر مقعد.",
            ),
            (Kind::WaitlistUpdate, Locale::En) => (
                "Workshop changed",
                "The time or place of the workshop changed; you are still on its waiting list. The new details are below; we will write when a seat frees up.",
            ),
            (Kind::WaitlistCancellation, Locale::Ar) => (
                "إلغاء الورشة",
                "نأسف لإبلاغك بإلغاء الورشة التالية التي كنت على قائمة انتظارها.",
            ),
            (Kind::WaitlistCancellation, Locale::En) => (
                "Workshop cancelled",
                "We are sorry: this workshop, whose waiting list you were on, is cancelled.",
            ),
            (Kind::Reminder, Locale::Ar) => ("تذكير بموعد الورشة", "نذكّرك بالورشة التالية."),
            (Kind::Reminder, Locale::En) => {
                ("Workshop reminder", "A reminder of your upcoming workshop.")
            }
        }
    }
}

/// The venue in a reader's language ("address، city"), the English falling back to the Arabic.
fn venue(w: &workshop::Model, locale: Locale) -> Option<String> {
    let city = w.venue_city.as_deref()?;
    let address = w.venue_address.as_deref().unwrap_or_default();
    let (city, address, comma) = match locale {
        Locale::Ar => (city, address, "، "),
        Locale::En => (
            Some(w.venue_city_en.as_str())
                .filter(|c| !c.is_empty())
                .unwrap_or(city),
            Some(w.venue_address_en.as_str())
                .filter(|a| !a.is_empty())
                .unwrap_or(address),
            ", ",
        ),
    };
    Some(if address.is_empty() {
        city.to_owned()
    } else {
        format!("{address}{comma}{city}")
    })
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
    // Both languages, as the summary: "قاعة البلدية، رام الله | Municipal hall, Ramallah".
    let location = match (venue(w, Locale::Ar), venue(w, Locale::En)) {
        (Some(ar), Some(en)) if en != ar => Some(format!("{ar} | {en}")),
        (Some(ar), _) => Some(ar),
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

/// "When: 2026-12-10 10:00–13:00 (Gaza time, UTC+02:00)" in the reader's language, the date,
/// times and offset isolated left to right so that Arabic text keeps them in order. A workshop
/// across a daylight-saving change gives each end its own offset:
/// "2026-10-24 22:00 UTC+03:00 – 2026-10-25 01:00 UTC+02:00 (Gaza time)".
fn when_line(
    (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
    tz: Tz,
    locale: Locale,
    label: &str,
) -> String {
    let starts = starts_at.with_timezone(&tz);
    let ends = ends_at.with_timezone(&tz);
    let arabic = locale == Locale::Ar;
    let (zone, start_offset) = crate::domain::zone::label(tz, arabic, starts_at);
    let (_, end_offset) = crate::domain::zone::label(tz, arabic, ends_at);
    if start_offset != end_offset {
        return format!(
            "{label}: {} – {} ({})",
            ltr(&format!(
                "{} {start_offset}",
                starts.format("%Y-%m-%d %H:%M")
            )),
            ltr(&format!("{} {end_offset}", ends.format("%Y-%m-%d %H:%M"))),
            isolate(&zone)
        );
    }
    let span = if starts.date_naive() == ends.date_naive() {
        format!(
            "{}–{}",
            starts.format("%Y-%m-%d %H:%M"),
            ends.format("%H:%M")
        )
    } else {
        format!(
            "{} – {}",
            starts.format("%Y-%m-%d %H:%M"),
            ends.format("%Y-%m-%d %H:%M")
        )
    };
    let comma = if arabic { "، " } else { ", " };
    format!(
        "{label}: {} ({}{comma}{})",
        ltr(&span),
        isolate(&zone),
        ltr(&start_offset)
    )
}

/// Writes one workshop email per recipient to the outbox (inside the caller's transaction).
pub async fn notify(
    db: &impl ConnectionTrait,
    state: &AppState,
    kind: Kind,
    w: &workshop::Model,
    recipients: &[user::Model],
) -> Result<(), ApiError> {
    let now = state.clock.now();
    for (code, email) in mail(state, kind, w, recipients) {
        crate::services::jobs::outbox::enqueue(db, code, email, now).await?;
    }
    Ok(())
}

/// One workshop email per recipient with a mailbox, in their language, to be queued by the
/// caller (with an audit entry: [`crate::audit::Entry::mail`]).
pub fn mail(
    state: &AppState,
    kind: Kind,
    w: &workshop::Model,
    recipients: &[user::Model],
) -> Vec<(MailKind, Email)> {
    let tz: Tz = w.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
    let now = state.clock.now();
    let mut out = Vec::with_capacity(recipients.len());
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
        let when = when_line((w.starts_at, w.ends_at), tz, locale, when_label);
        let place = match (venue(w, locale), &w.online_url) {
            (Some(v), _) => format!("{where_label}: {}", isolate(&v)),
            (None, Some(u)) => format!("{where_label}: {}", ltr(u)),
            _ => String::new(),
        };
        let title = isolate(title);
        let outro = match locale {
            Locale::Ar => "مع التحية، اتحاد الهيئات المحلية",
            Locale::En => "Kind regards, the union of local authorities",
        };
        let mut email = layout(
            to,
            locale,
            subject,
            name,
            &[intro, &title, &when, &place],
            None,
            outro,
        );
        // Only a seat puts the workshop in a calendar: nobody waiting gets an invitation.
        let method = match kind {
            Kind::Confirmation | Kind::Promotion | Kind::Update => Some(ics::Method::Request),
            Kind::Cancellation => Some(ics::Method::Cancel),
            Kind::Waitlisted
            | Kind::WaitlistUpdate
            | Kind::WaitlistCancellation
            | Kind::Reminder => None,
        };
        if let Some(method) = method {
            let ev = event(state, w, Some(&u.email));
            email.ics = Some(ics::calendar(&w.title_ar, method, &[ev], now));
        }
        out.push((kind.code(), email));
    }
    out
}

/// Tells the people of a workshop that it moved (`Kind::Update`) or was cancelled
/// (`Kind::Cancellation`): those with a seat get the calendar update, those waiting the news
/// without an invitation.
pub async fn notify_registrants(
    db: &impl ConnectionTrait,
    state: &AppState,
    kind: Kind,
    w: &workshop::Model,
) -> Result<(), ApiError> {
    let waiting_kind = match kind {
        Kind::Cancellation => Kind::WaitlistCancellation,
        _ => Kind::WaitlistUpdate,
    };
    let seated = registrants_in(db, w.id, &[RegistrationStatus::Registered]).await?;
    notify(db, state, kind, w, &seated).await?;
    let waiting = registrants_in(db, w.id, &[RegistrationStatus::Waitlisted]).await?;
    notify(db, state, waiting_kind, w, &waiting).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Offset, TimeZone};

    /// The first hour of October 2026 at which Gaza's clocks go back (found, not assumed).
    fn gaza_autumn_change() -> DateTime<Utc> {
        let gaza = chrono_tz::Asia::Gaza;
        let offset = |t: DateTime<Utc>| gaza.offset_from_utc_datetime(&t.naive_utc()).fix();
        let mut t = Utc
            .with_ymd_and_hms(2026, 10, 1, 0, 0, 0)
            .single()
            .expect("t");
        while offset(t) == offset(t + chrono::Duration::hours(1)) {
            t += chrono::Duration::hours(1);
        }
        t + chrono::Duration::hours(1)
    }

    #[test]
    fn a_workshop_across_a_clock_change_shows_each_end_with_its_own_offset() {
        let change = gaza_autumn_change();
        let span = (
            change - chrono::Duration::hours(2),
            change + chrono::Duration::hours(1),
        );
        let line = when_line(span, chrono_tz::Asia::Gaza, Locale::En, "When");
        assert!(line.contains("UTC+03:00"), "{line}");
        assert!(line.contains("UTC+02:00"), "{line}");
        assert!(
            line.find("UTC+03:00") < line.find("UTC+02:00"),
            "the start's offset first: {line}"
        );
        // Either end reads right on its own: the start in summer time, the end in winter time.
        let start = span
            .0
            .with_timezone(&chrono_tz::Asia::Gaza)
            .format("%Y-%m-%d %H:%M");
        let end = span
            .1
            .with_timezone(&chrono_tz::Asia::Gaza)
            .format("%Y-%m-%d %H:%M");
        assert!(line.contains(&format!("{start} UTC+03:00")), "{line}");
        assert!(line.contains(&format!("{end} UTC+02:00")), "{line}");
        // In Arabic too, each kept left to right.
        let ar = when_line(span, chrono_tz::Asia::Gaza, Locale::Ar, "الموعد");
        assert!(
            ar.contains(&format!("\u{2066}{start} UTC+03:00\u{2069}")),
            "{ar}"
        );
        // A workshop on one side of the change keeps the short form with one offset.
        let winter = (
            change + chrono::Duration::days(30),
            change + chrono::Duration::days(30) + chrono::Duration::hours(3),
        );
        let line = when_line(winter, chrono_tz::Asia::Gaza, Locale::En, "When");
        assert_eq!(line.matches("UTC+").count(), 1, "{line}");
    }
}
