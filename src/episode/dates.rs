//! Dates as episodes write them (`"2026-03-02"`), with a message that says what was
//! expected instead of chrono's bare "input is out of range"; and date-times.

use chrono::NaiveDate;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// The number written by ASCII digits `b` (the caller has checked they are digits).
fn number(b: &[u8]) -> u32 {
    b.iter()
        .fold(0u32, |n, &d| n * 10 + u32::from(d.wrapping_sub(b'0')))
}

/// `YYYY-MM-DD` with a four-digit year, read by hand (the shape nearly every episode
/// uses): `Some(day)` for that shape (`Some(None)`: no such day), `None` for any other
/// shape, which the general reader takes.
fn plain_date(b: &[u8]) -> Option<Option<NaiveDate>> {
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    let (y, m, d) = (b.get(0..4)?, b.get(5..7)?, b.get(8..10)?);
    shape.then(|| {
        let year = i32::try_from(number(y)).ok()?;
        NaiveDate::from_ymd_opt(year, number(m), number(d))
    })
}

/// Parses `"YYYY-MM-DD"`; the message names the value and what was expected.
pub(crate) fn parse(s: &str) -> Result<NaiveDate, String> {
    let parsed = match plain_date(s.as_bytes()) {
        Some(day) => day,
        None => parse_general(s),
    };
    parsed.ok_or_else(|| {
        format!("invalid date {s:?}: expected an existing day written \"YYYY-MM-DD\", such as \"2026-03-02\"")
    })
}

/// Any date shape the readers take (expanded years too), through chrono.
fn parse_general(s: &str) -> Option<NaiveDate> {
    if crate::time::is_date_shape(s) {
        s.parse::<NaiveDate>().ok()
    } else {
        None
    }
}

#[cfg(test)]
fn parse_old(s: &str) -> Result<NaiveDate, String> {
    let parsed = if crate::time::is_date_shape(s) {
        s.parse::<NaiveDate>().ok()
    } else {
        None
    };
    parsed.ok_or_else(|| {
        format!("invalid date {s:?}: expected an existing day written \"YYYY-MM-DD\", such as \"2026-03-02\"")
    })
}

/// Reads one string where it lies in the text (no copy): what it expects, for serde's
/// messages, and how it reads it.
struct StrVisitor<T>(&'static str, fn(&str) -> Result<T, String>);

impl<T> de::Visitor<'_> for StrVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.1)(v).map_err(E::custom)
    }
}

/// One date, read with [`parse`].
pub(crate) struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor("a date \"YYYY-MM-DD\"", |s| parse(s).map(Date)))
    }
}

/// `NaiveDate` fields read strictly (`YYYY-MM-DD`, no sign, two-digit months and days),
/// with a message that names the value: chrono alone takes `2026-4-30` and `+2026-04-30`,
/// and says "input is out of range" of `2026-04-31` (audit 66).
pub(crate) mod one {
    use super::*;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        d.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        Date::deserialize(d).map(|Date(x)| x)
    }
}

/// `Option<NaiveDate>` fields.
pub(crate) mod option {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        d.serialize(s)
    }

    /// `null` is none, as for every optional field.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<Date>::deserialize(d).map(|o| o.map(|Date(x)| x))
    }
}

/// `Vec<NaiveDate>` fields.
pub(super) mod list {
    use super::*;

    pub fn serialize<S: Serializer>(d: &[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
        d.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
        let v: Vec<Date> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|Date(x)| x).collect())
    }
}

/// Date-times (clinic wall-clock time, no zone): written `YYYY-MM-DDTHH:MM:SS`; read from
/// that, `YYYY-MM-DDTHH:MM` or a date alone (midnight).
pub(crate) mod date_time {
    use super::*;
    use chrono::{NaiveDateTime, NaiveTime};

    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%Y-%m-%dT%H:%M:%S"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        d.deserialize_str(super::StrVisitor("a string", from_text))
    }

    fn from_text(s: &str) -> Result<NaiveDateTime, String> {
        parse(s).ok_or_else(|| match plain(s) {
            // Written as asked, but the day or the time does not exist (audit 61: the
            // message said to write it as it was written).
            Some(None) => {
                let day = s.as_bytes().get(..10).and_then(super::plain_date);
                let what = match day {
                    Some(None) => "there is no such day",
                    _ => "there is no such time of day",
                };
                format!(
                    "invalid date-time {s:?}: {what}: expected an existing day and time, such as \"2026-03-02T10:00\""
                )
            }
            _ => format!(
                "invalid date-time {s:?}: expected \"YYYY-MM-DDTHH:MM:SS\", \"YYYY-MM-DDTHH:MM\" or \"YYYY-MM-DD\" (clinic wall-clock time, no zone)"
            ),
        })
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            t: &Option<NaiveDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        /// `null` is none, as for every optional field.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<NaiveDateTime>, D::Error> {
            match Option::<String>::deserialize(d)? {
                Some(s) => super::from_text(&s).map(Some).map_err(de::Error::custom),
                None => Ok(None),
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM[:SS]` with a four-digit year, read by hand: `None` for any
    /// other shape, which [`parse_general`] takes.
    fn plain(s: &str) -> Option<Option<NaiveDateTime>> {
        let b = s.as_bytes();
        let (date, time) = (b.get(..10)?, b.get(10..)?);
        if date.len() == 10 && time.is_empty() {
            return super::plain_date(date).map(|d| d.map(|d| d.and_time(NaiveTime::MIN)));
        }
        let shape = (time.len() == 6 || time.len() == 9)
            && time.iter().enumerate().all(|(i, &c)| match i {
                0 => c == b'T',
                3 | 6 => c == b':',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return None;
        }
        let day = super::plain_date(date)?;
        let (h, m) = (time.get(1..3)?, time.get(4..6)?);
        let sec = time.get(7..9).map_or(0, super::number);
        Some(day.and_then(|d| {
            let t = NaiveTime::from_hms_opt(super::number(h), super::number(m), sec)?;
            Some(d.and_time(t))
        }))
    }

    pub(crate) fn parse(s: &str) -> Option<NaiveDateTime> {
        match plain(s) {
            Some(t) => t,
            None => parse_general(s),
        }
    }

    /// Any shape the readers take (expanded years too), through chrono.
    pub(super) fn parse_general(s: &str) -> Option<NaiveDateTime> {
        if crate::time::is_date_shape(s) {
            return s
                .parse::<NaiveDate>()
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN));
        }
        if !crate::time::is_date_time_shape(s) {
            return None;
        }
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
            .ok()
            // chrono reads "10:00:60" as a leap second; a clinic's clock has none.
            .filter(|t| chrono::Timelike::nanosecond(t) < 1_000_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Strings of the plain shapes with any digits (and a few near-misses), and the shapes
    /// only the general reader takes.
    fn texts() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "[0-9]{4}-[0-1][0-9]-[0-3][0-9]",
            "[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]",
            "[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9]",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?",
            "[+-]?[0-9]{4,6}-[0-9]{1,3}-[0-9]{1,3}(T[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?",
            "[0-9T:+ -]{0,20}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// The hand-written readers agree with chrono's on every text.
        #[test]
        fn hand_parsing_agrees_with_chrono(s in texts()) {
            prop_assert_eq!(parse(&s), parse_old(&s));
            prop_assert_eq!(date_time::parse(&s), date_time::parse_general(&s));
        }
    }

    #[test]
    fn chosen_texts() {
        for s in [
            "2026-03-02",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "0000-01-01",
            "2026-03-02T10:00",
            "2026-03-02T10:00:59",
            "2026-03-02T10:00:60",
            "2026-03-02T24:00",
            "+12026-03-02",
            "-0001-03-02",
            "2026-3-2",
        ] {
            assert_eq!(parse(s), parse_old(s), "{s}");
            assert_eq!(date_time::parse(s), date_time::parse_general(s), "{s}");
        }
    }
}
