//! iCalendar (RFC 5545) output: CRLF line ends, lines folded at 75 octets without splitting a
//! UTF-8 character, escaped text, and a VTIMEZONE built from the IANA database for the span of
//! the events (explicit transitions, since Palestine's daylight-saving dates change by decree).

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// One event of a calendar.
pub struct Event {
    pub uid: String,
    pub sequence: i32,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub cancelled: bool,
    pub last_modified: DateTime<Utc>,
    pub organizer: Option<String>,
    pub attendee: Option<String>,
}

/// `REQUEST` (an invitation or update), `CANCEL`, or `PUBLISH` (a feed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Publish,
    Request,
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// Escapes TEXT values (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character, and ends it with CRLF.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}{:02}", secs / 3600, (secs % 3600) / 60)
}

fn offset_at(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The UTC instants where the zone's offset changes between `from` and `to`, to the second (the
/// tz database's own precision): the first second of each new offset.
fn transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut t = from;
    let mut offset = offset_at(tz, t);
    while t < to {
        let next = t + Duration::hours(6);
        let next_offset = offset_at(tz, next);
        if offset != next_offset {
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid) == offset_at(tz, lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(hi);
        }
        t = next;
        offset = next_offset;
    }
    out
}

/// A VTIMEZONE for `tz` covering the years of the given instants. The same zone and years give
/// the same text, which finding the zone's changes to the second makes costly (a confirmation
/// mail's calendar needs one): it is made once per zone and span of years and kept.
pub fn vtimezone(tz: Tz, instants: &[DateTime<Utc>], out: &mut String) {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    /// Made blocks, by zone and years; a few zones and spans in practice, bounded regardless.
    type Blocks = HashMap<(Tz, i32, i32), String>;
    static MADE: LazyLock<Mutex<Blocks>> = LazyLock::new(|| Mutex::new(HashMap::new()));
    const KEPT: usize = 256;
    let min_year = instants.iter().map(|t| t.year()).min().unwrap_or(2020) - 1;
    let max_year = instants.iter().map(|t| t.year()).max().unwrap_or(2020) + 1;
    let key = (tz, min_year, max_year);
    if let Some(block) = MADE.lock().ok().and_then(|m| m.get(&key).cloned()) {
        out.push_str(&block);
        return;
    }
    let mut block = String::new();
    make_vtimezone(tz, min_year, max_year, &mut block);
    out.push_str(&block);
    if let Ok(mut made) = MADE.lock() {
        if made.len() >= KEPT {
            made.clear();
        }
        made.insert(key, block);
    }
}

/// The VTIMEZONE of `tz` from the start of `min_year` to the end of `max_year`.
fn make_vtimezone(tz: Tz, min_year: i32, max_year: i32, out: &mut String) {
    let from = Utc
        .with_ymd_and_hms(min_year, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let to = Utc
        .with_ymd_and_hms(max_year, 12, 31, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    fold("BEGIN:VTIMEZONE", out);
    fold(&format!("TZID:{}", tz.name()), out);
    let changes = transitions(tz, from, to);
    let mut emit = |at: DateTime<Utc>, before: i32, after: i32| {
        let kind = if after > before {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        let local = at.naive_utc() + Duration::seconds(i64::from(before));
        let name = tz.offset_from_utc_datetime(&at.naive_utc()).to_string();
        fold(&format!("BEGIN:{kind}"), out);
        fold(&format!("DTSTART:{}", local_stamp(local)), out);
        fold(&format!("TZOFFSETFROM:{}", offset_text(before)), out);
        fold(&format!("TZOFFSETTO:{}", offset_text(after)), out);
        fold(&format!("TZNAME:{name}"), out);
        fold(&format!("END:{kind}"), out);
    };
    if changes.is_empty() {
        // A zone without changes in the span: one STANDARD observance from its start.
        let off = offset_at(tz, from);
        emit(from, off, off);
    } else {
        for at in changes {
            let before = offset_at(tz, at - Duration::seconds(1));
            let after = offset_at(tz, at);
            emit(at, before, after);
        }
    }
    fold("END:VTIMEZONE", out);
}

/// A whole calendar with one VTIMEZONE per zone used.
pub fn calendar(name: &str, method: Method, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    fold("BEGIN:VCALENDAR", &mut out);
    fold("VERSION:2.0", &mut out);
    fold(
        "PRODID:-//Union of Local Authorities//Experience Exchange Platforms//AR",
        &mut out,
    );
    fold("CALSCALE:GREGORIAN", &mut out);
    fold(&format!("METHOD:{}", method.as_str()), &mut out);
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    let mut zones: Vec<Tz> = events.iter().map(|e| e.time_zone).collect();
    zones.sort_by_key(|z| z.name());
    zones.dedup();
    for tz in zones {
        let instants: Vec<DateTime<Utc>> = events
            .iter()
            .filter(|e| e.time_zone == tz)
            .flat_map(|e| [e.starts_at, e.ends_at])
            .collect();
        vtimezone(tz, &instants, &mut out);
    }
    for e in events {
        let tzid = e.time_zone.name();
        let local = |t: DateTime<Utc>| local_stamp(t.with_timezone(&e.time_zone).naive_local());
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}", e.uid), &mut out);
        fold(&format!("SEQUENCE:{}", e.sequence), &mut out);
        // A published feed stamps each event with when it was last revised (RFC 5545 §3.8.7.2),
        // so the feed's bytes, and its strong tag, change only when an event does and caches
        // revalidate it; a message (request, cancellation) is stamped when it is sent.
        let stamp = if method == Method::Publish {
            e.last_modified
        } else {
            now
        };
        fold(&format!("DTSTAMP:{}", utc_stamp(stamp)), &mut out);
        fold(
            &format!("LAST-MODIFIED:{}", utc_stamp(e.last_modified)),
            &mut out,
        );
        fold(
            &format!("DTSTART;TZID={tzid}:{}", local(e.starts_at)),
            &mut out,
        );
        fold(&format!("DTEND;TZID={tzid}:{}", local(e.ends_at)), &mut out);
        fold(&format!("SUMMARY:{}", escape(&e.summary)), &mut out);
        if !e.description.is_empty() {
            fold(&format!("DESCRIPTION:{}", escape(&e.description)), &mut out);
        }
        if let Some(l) = &e.location {
            fold(&format!("LOCATION:{}", escape(l)), &mut out);
        }
        if let Some(u) = &e.url {
            fold(&format!("URL:{u}"), &mut out);
        }
        if let Some(o) = &e.organizer {
            fold(&format!("ORGANIZER:mailto:{o}"), &mut out);
        }
        if let Some(a) = &e.attendee {
            fold(
                &format!("ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{a}"),
                &mut out,
            );
        }
        fold(
            if e.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
            &mut out,
        );
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    let _ = write!(out, "");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "ورشة ".repeat(40)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "ورشة ".repeat(40)));
    }

    /// Every observance of the VTIMEZONE, read back as (UTC instant, offset before, after).
    fn observances(text: &str) -> Vec<(DateTime<Utc>, i32, i32)> {
        let secs = |v: &str| {
            let sign = if v.starts_with('-') { -1 } else { 1 };
            let h: i32 = v[1..3].parse().expect("hours");
            let m: i32 = v[3..5].parse().expect("minutes");
            sign * (h * 3600 + m * 60)
        };
        let mut out = Vec::new();
        let (mut start, mut from) = (None, 0);
        for line in text.split("\r\n") {
            if let Some(v) = line.strip_prefix("DTSTART:") {
                start = Some(NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").expect("stamp"));
            } else if let Some(v) = line.strip_prefix("TZOFFSETFROM:") {
                from = secs(v);
            } else if let Some(v) = line.strip_prefix("TZOFFSETTO:") {
                let local = start.take().expect("DTSTART first");
                let utc = (local - Duration::seconds(i64::from(from))).and_utc();
                out.push((utc, from, secs(v)));
            }
        }
        out
    }

    #[test]
    fn a_kept_vtimezone_is_the_one_made_afresh() {
        let instants = [Utc
            .with_ymd_and_hms(2026, 12, 10, 8, 0, 0)
            .single()
            .expect("t")];
        for tz in [
            chrono_tz::Asia::Hebron,
            chrono_tz::Asia::Gaza,
            chrono_tz::UTC,
        ] {
            let (mut first, mut again, mut fresh) = (String::new(), String::new(), String::new());
            vtimezone(tz, &instants, &mut first);
            vtimezone(tz, &instants, &mut again);
            make_vtimezone(tz, 2025, 2027, &mut fresh);
            assert_eq!(first, fresh);
            assert_eq!(again, fresh);
            assert!(fresh.contains(&format!("TZID:{}", tz.name())));
        }
    }

    #[test]
    fn vtimezone_transitions_are_the_tz_databases_to_the_second() {
        for tz in [chrono_tz::Asia::Hebron, chrono_tz::Asia::Gaza] {
            let instants = [
                Utc.with_ymd_and_hms(2023, 6, 1, 0, 0, 0)
                    .single()
                    .expect("t"),
                Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0)
                    .single()
                    .expect("t"),
            ];
            let mut out = String::new();
            vtimezone(tz, &instants, &mut out);
            let found = observances(&out);
            // Every change chrono-tz knows in 2022–2028: each hour stepped, and the hour of a
            // change walked second by second.
            let mut expected = Vec::new();
            let mut t = Utc
                .with_ymd_and_hms(2022, 1, 1, 0, 0, 0)
                .single()
                .expect("t");
            let end = Utc
                .with_ymd_and_hms(2028, 12, 31, 0, 0, 0)
                .single()
                .expect("t");
            while t < end {
                let next = t + Duration::hours(1);
                if offset_at(tz, t) != offset_at(tz, next) {
                    let mut s = t;
                    while offset_at(tz, s) == offset_at(tz, t) {
                        s += Duration::seconds(1);
                    }
                    expected.push((s, offset_at(tz, t), offset_at(tz, s)));
                }
                t = next;
            }
            assert!(
                expected.len() >= 12,
                "{}: {} changes",
                tz.name(),
                expected.len()
            );
            assert_eq!(found, expected, "{}", tz.name());
            for (at, before, after) in &found {
                assert_eq!(offset_at(tz, *at - Duration::seconds(1)), *before);
                assert_eq!(offset_at(tz, *at), *after);
            }
        }
        // The autumn change of 2025: 02:00 local, not a second off.
        let mut out = String::new();
        let t = Utc
            .with_ymd_and_hms(2025, 6, 1, 0, 0, 0)
            .single()
            .expect("t");
        vtimezone(chrono_tz::Asia::Hebron, &[t], &mut out);
        assert!(out.contains("DTSTART:20251025T020000"), "{out}");
    }

    #[test]
    fn hebron_has_daylight_saving_transitions() {
        let t = Utc
            .with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
            .single()
            .expect("t");
        let mut out = String::new();
        vtimezone(chrono_tz::Asia::Hebron, &[t], &mut out);
        assert!(out.contains("BEGIN:DAYLIGHT") && out.contains("TZOFFSETTO:+0300"));
        assert!(out.contains("BEGIN:STANDARD") && out.contains("TZOFFSETTO:+0200"));
    }
}
