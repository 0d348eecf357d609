//! Dates as episodes write them (`"2026-03-02"`), with a message that says what was
//! expected instead of chrono's bare "input is out of range".

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

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Date::deserialize(d).map(|Date(x)| Some(x))
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
