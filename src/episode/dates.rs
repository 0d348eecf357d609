//! Dates as episodes write them (`"2026-03-02"`), with a message that says what was
//! expected instead of chrono's bare "input is out of range"; and date-times.

use chrono::NaiveDate;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Parses `"YYYY-MM-DD"`; the message names the value and what was expected.
pub(crate) fn parse(s: &str) -> Result<NaiveDate, String> {
    let parsed = if crate::time::is_date_shape(s) {
        s.parse::<NaiveDate>().ok()
    } else {
        None
    };
    parsed.ok_or_else(|| {
        format!("invalid date {s:?}: expected an existing day written \"YYYY-MM-DD\", such as \"2026-03-02\"")
    })
}

/// One date, read with [`parse`].
pub(crate) struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date \"YYYY-MM-DD\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                parse(v).map(Date).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
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
        let s = String::deserialize(d)?;
        from_text(&s)
    }

    fn from_text<E: de::Error>(s: &str) -> Result<NaiveDateTime, E> {
        parse(s).ok_or_else(|| {
            E::custom(format!(
                "invalid date-time {s:?}: expected \"YYYY-MM-DDTHH:MM:SS\", \"YYYY-MM-DDTHH:MM\" or \"YYYY-MM-DD\" (clinic wall-clock time, no zone)"
            ))
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
                Some(s) => super::from_text(&s).map(Some),
                None => Ok(None),
            }
        }
    }

    pub(crate) fn parse(s: &str) -> Option<NaiveDateTime> {
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
