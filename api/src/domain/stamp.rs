//! Instants as RFC 3339 text to the second, written on the stack: a list page writes four of
//! them per row.

use chrono::{DateTime, Datelike, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

/// `2026-03-01T10:00:00+02:00` (a zone's local time with its offset) or `2026-03-01T08:00:00Z`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    buf: [u8; 25],
    len: u8,
}

impl Stamp {
    /// In UTC, with `Z`. Sub-second digits are dropped; years are clamped to 0–9999.
    pub fn utc(t: DateTime<Utc>) -> Stamp {
        Self::write(t.naive_utc(), None)
    }

    /// In `tz`, with the offset in force at that instant.
    pub fn local(t: DateTime<Utc>, tz: Tz) -> Stamp {
        let offset = tz
            .offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc();
        let local = t.naive_utc() + chrono::Duration::seconds(i64::from(offset));
        Self::write(local, Some(offset))
    }

    fn write(t: NaiveDateTime, offset: Option<i32>) -> Stamp {
        let mut s = Stamp {
            buf: [0; 25],
            len: 0,
        };
        let year = t.year().clamp(0, 9999) as u32;
        s.two(year / 100);
        s.two(year % 100);
        s.push(b'-');
        s.two(t.month());
        s.push(b'-');
        s.two(t.day());
        s.push(b'T');
        s.two(t.hour());
        s.push(b':');
        s.two(t.minute());
        s.push(b':');
        s.two(t.second());
        match offset {
            None => s.push(b'Z'),
            Some(offset) => {
                s.push(if offset < 0 { b'-' } else { b'+' });
                let off = offset.unsigned_abs();
                s.two(off / 3600);
                s.push(b':');
                s.two(off % 3600 / 60);
            }
        }
        s
    }

    fn push(&mut self, b: u8) {
        self.buf[usize::from(self.len)] = b;
        self.len += 1;
    }

    fn two(&mut self, n: u32) {
        self.push(b'0' + (n / 10 % 10) as u8);
        self.push(b'0' + (n % 10) as u8);
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_chrono() {
        for secs in [
            0i64,
            1_568_617_200,
            1_780_000_000,
            1_795_523_022,
            4_102_444_799,
        ] {
            let t = DateTime::from_timestamp(secs, 0).expect("t");
            assert_eq!(
                Stamp::utc(t).as_str(),
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            for tz in [
                chrono_tz::Asia::Hebron,
                chrono_tz::Asia::Gaza,
                chrono_tz::America::St_Johns,
                chrono_tz::Asia::Kathmandu,
                chrono_tz::UTC,
            ] {
                assert_eq!(
                    Stamp::local(t, tz).as_str(),
                    t.with_timezone(&tz)
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                    "{secs} in {tz}"
                );
            }
        }
    }

    #[test]
    fn serializes_as_a_string() {
        let t = DateTime::from_timestamp(1_795_523_022, 0).expect("t");
        assert_eq!(
            serde_json::to_string(&Stamp::local(t, chrono_tz::Asia::Gaza)).expect("json"),
            "\"2026-11-24T14:23:42+02:00\""
        );
    }
}
