//! The calendar as written in JSON, field by field, with error messages that say what
//! was expected. Nothing here is checked across fields: that is `check.rs`.

use crate::text::Text;
use crate::time::{parse_hhmm, TimeWindow, WindowsDef};
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Every field of a calendar; [`super::Calendar`] is a `Spec` that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, expecting = "a calendar (a JSON object)")]
pub(super) struct Spec {
    /// The dates the calendar knows completely, both ends included (`{"from":
    /// "2026-01-01", "to": "2026-12-31"}`); a task outside them is `beyond_calendar`.
    /// Default: no known bound.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub covers: Option<Coverage>,
    /// Which weekdays are the weekend. Default `["Sat", "Sun"]`.
    #[serde(default = "WeekdaySet::sat_sun")]
    pub weekend: WeekdaySet,
    /// Weekend days are closed, except make-up working days. Default `false` (aesthetic
    /// clinics work weekends).
    #[serde(default)]
    pub closed_on_weekends: bool,
    /// The listed holidays are closed. Default `true`.
    #[serde(default = "yes")]
    pub closed_on_holidays: bool,
    /// Public holidays: an object of dates and names, each name one string for every
    /// language (`{"2026-02-17": "春节"}`) or a text (`{"2026-02-17": {"zh": "春节", "en":
    /// "Spring Festival"}}`).
    #[serde(default, skip_serializing_if = "DateNames::is_empty")]
    pub holidays: DateNames,
    /// Make-up working days (调休): dates and the holiday each makes up for
    /// (`{"2026-02-14": "春节"}`), named as the holidays are.
    #[serde(default, skip_serializing_if = "DateNames::is_empty")]
    pub workdays: DateNames,
    /// The clinic's weekly closing days (`["Mon"]`).
    #[serde(default)]
    pub closed_weekdays: WeekdaySet,
    /// Extra closed dates.
    #[serde(default)]
    pub closed_dates: DateSet,
    /// Extra open dates: open whatever else says.
    #[serde(default, skip_serializing_if = "DateSet::is_empty")]
    pub open_dates: DateSet,
    /// Opening hours (`{"open": "09:00", "close": "21:00"}`), open before close: every
    /// time window is cut to them, never widened (a window they leave nothing of is the
    /// `day` window within them). Default: none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub hours: Option<Hours>,
    /// The times behind the named windows `morning`, `afternoon`, `evening`, `day`
    /// (`{"afternoon": {"start": "13:30", "end": "17:30"}}`); a window left out is its
    /// default; all are cut to the opening hours.
    #[serde(
        default,
        skip_serializing_if = "is_default",
        deserialize_with = "crate::json::object"
    )]
    pub windows: WindowsDef,
    /// The clinic's rest hours: nobody is called or messaged then.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::objects"
    )]
    pub quiet_hours: Vec<TimeWindow>,
    /// The call desk's own days, where they differ from the clinic's open days:
    /// `open_dates` (on-duty days while the clinic is closed), `closed_dates`,
    /// `closed_weekdays`.
    #[serde(
        default,
        skip_serializing_if = "ChannelDays::is_empty",
        deserialize_with = "crate::json::object"
    )]
    pub call_desk: ChannelDays,
    /// Days the message system sends nothing: `closed_dates`, `closed_weekdays` (and
    /// `open_dates` to reopen one). Default: it sends every day.
    #[serde(
        default,
        skip_serializing_if = "ChannelDays::is_empty",
        deserialize_with = "crate::json::object"
    )]
    pub messages: ChannelDays,
    /// The clinic's name, for the `{clinic}` placeholder of scripts: each language's on
    /// one line.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "clinic_name"
    )]
    pub clinic: Option<crate::rules::Text>,
}

impl crate::json::Expected for Spec {
    const EXPECTED: &'static str = "a calendar (a JSON object)";
}

impl crate::json::Expected for Coverage {
    const EXPECTED: &'static str =
        "a coverage (a JSON object such as {\"from\": \"2026-01-01\", \"to\": \"2026-12-31\"})";
}

impl crate::json::Expected for Hours {
    const EXPECTED: &'static str =
        "opening hours (a JSON object such as {\"open\": \"09:00\", \"close\": \"21:00\"})";
}

impl crate::json::Expected for ChannelDays {
    const EXPECTED: &'static str =
        "days (a JSON object such as {\"open_dates\": [\"2026-02-20\"]})";
}

impl crate::json::Expected for WindowsDef {
    const EXPECTED: &'static str = "named windows (a JSON object such as {\"afternoon\": {\"start\": \"13:30\", \"end\": \"17:30\"}})";
}

fn yes() -> bool {
    true
}

/// The days one kind of work differs from its base: the call desk from the clinic's open
/// days (on-duty days during a closure, a desk closed while the clinic is open), the
/// system's messages from every day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct ChannelDays {
    /// Days it works whatever its base says.
    #[serde(default, skip_serializing_if = "DateSet::is_empty")]
    pub open_dates: DateSet,
    /// Days it does not work.
    #[serde(default, skip_serializing_if = "DateSet::is_empty")]
    pub closed_dates: DateSet,
    /// Days of the week it does not work.
    #[serde(default, skip_serializing_if = "WeekdaySet::is_empty")]
    pub closed_weekdays: WeekdaySet,
}

impl ChannelDays {
    pub fn is_empty(&self) -> bool {
        self.open_dates.is_empty() && self.closed_dates.is_empty() && self.closed_weekdays.0 == 0
    }

    /// `Some(true)`: works on `date` whatever the base says; `Some(false)`: does not work;
    /// `None`: as the base.
    pub fn says(&self, date: NaiveDate) -> Option<bool> {
        if self.open_dates.0.contains(&date) {
            Some(true)
        } else if self.closed_dates.0.contains(&date)
            || self.closed_weekdays.contains(date.weekday())
        {
            Some(false)
        } else {
            None
        }
    }
}

fn is_default(w: &WindowsDef) -> bool {
    *w == WindowsDef::default()
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            covers: None,
            weekend: WeekdaySet::sat_sun(),
            closed_on_weekends: false,
            closed_on_holidays: true,
            holidays: DateNames::default(),
            workdays: DateNames::default(),
            closed_weekdays: WeekdaySet::default(),
            closed_dates: DateSet::default(),
            open_dates: DateSet::default(),
            hours: None,
            windows: WindowsDef::default(),
            quiet_hours: Vec::new(),
            call_desk: ChannelDays::default(),
            messages: ChannelDays::default(),
            clinic: None,
        }
    }
}

/// Parses a date as written in calendars, with a message that says what was expected.
pub(super) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let parsed = if crate::time::is_date_shape(s) {
        s.parse::<NaiveDate>().ok()
    } else {
        None
    };
    let date = parsed.ok_or_else(|| {
        format!("invalid date {s:?}: expected an existing day written \"YYYY-MM-DD\", such as \"2026-02-17\"")
    })?;
    // No plan has a day before 1900 (events are read in the years 1900 to 9899); a day
    // there is a placeholder for "unknown", which would claim to know every day from it
    // (audit 96: `"covers": {"from": "0000-01-01", …}` was taken).
    if date.year() < CALENDAR_YEARS.0 {
        return Err(format!(
            "the date {s} is before {}: expected a day of the years {} to {} (the years of real records: a day outside them is a placeholder or a slip)",
            CALENDAR_YEARS.0, CALENDAR_YEARS.0, CALENDAR_YEARS.1
        ));
    }
    Ok(date)
}

/// The years a calendar's days are read in: those of plans (events of 1900 to 9899 and
/// the years their tasks reach).
const CALENDAR_YEARS: (i32, i32) = (1900, 9999);

/// A set of weekdays, serialised as an array in Monday-first order (`["Sat", "Sun"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(super) struct WeekdaySet(u8);

impl WeekdaySet {
    const EVERY_DAY: u8 = 0x7f;

    pub fn from_days(days: impl IntoIterator<Item = Weekday>) -> Self {
        WeekdaySet(
            days.into_iter()
                .fold(0, |m, d| m | 1 << d.num_days_from_monday()),
        )
    }

    fn sat_sun() -> Self {
        WeekdaySet::from_days([Weekday::Sat, Weekday::Sun])
    }

    pub fn contains(self, d: Weekday) -> bool {
        self.0 & (1 << d.num_days_from_monday()) != 0
    }

    pub fn union(self, other: WeekdaySet) -> WeekdaySet {
        WeekdaySet(self.0 | other.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    pub fn is_every_day(self) -> bool {
        self.0 & Self::EVERY_DAY == Self::EVERY_DAY
    }

    /// The days in Monday-first order.
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        (0..7u8)
            .filter_map(|i| Weekday::try_from(i).ok())
            .filter(move |d| self.contains(*d))
    }

    /// `"Sat, Sun"`, or `"none"`.
    pub fn names(self) -> String {
        let names: Vec<String> = self.days().map(|d| d.to_string()).collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    }
}

impl Serialize for WeekdaySet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.days())
    }
}

/// One weekday as written: `"Mon"` … `"Sun"` (chrono also reads full English names).
struct Day(Weekday);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<Weekday>().map(Day).map_err(|_| {
            D::Error::custom(format!(
                "unknown weekday {s:?}: expected \"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\" or \"Sun\""
            ))
        })
    }
}

impl<'de> Deserialize<'de> for WeekdaySet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WeekdaySet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of weekdays (\"Mon\" … \"Sun\")")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WeekdaySet, A::Error> {
                let mut set = WeekdaySet::default();
                while let Some(w) = seq.next_element_seed(OnceDay(set))? {
                    set = set.union(WeekdaySet::from_days([w]));
                }
                Ok(set)
            }
        }
        d.deserialize_seq(V)
    }
}

/// A weekday not in the set read so far: a day listed twice is refused at itself, as a
/// date is ([`Once`]; `"Mon"` and `"monday"` are one day).
struct OnceDay(WeekdaySet);

impl<'de> DeserializeSeed<'de> for OnceDay {
    type Value = Weekday;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Weekday, D::Error> {
        let Day(w) = Day::deserialize(d)?;
        if self.0.contains(w) {
            return Err(D::Error::custom(format!(
                "{w} is listed twice: expected each weekday once"
            )));
        }
        Ok(w)
    }
}

/// A date not in the set read so far: a date listed twice is refused at itself, as a
/// date given twice in `holidays` is (audit 148: accepted in the lists).
struct Once<'a>(&'a BTreeSet<NaiveDate>);

impl<'de> DeserializeSeed<'de> for Once<'_> {
    type Value = NaiveDate;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<NaiveDate, D::Error> {
        let Date(day) = Date::deserialize(d)?;
        if self.0.contains(&day) {
            return Err(D::Error::custom(format!(
                "{day} is listed twice: expected each date once"
            )));
        }
        Ok(day)
    }
}

/// One date as written: `"2026-02-17"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Date(pub NaiveDate);

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_date(&s).map(Date).map_err(D::Error::custom)
    }
}

/// A set of dates, serialised as a sorted array (`["2026-02-17"]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct DateSet(pub BTreeSet<NaiveDate>);

impl DateSet {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for DateSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|d| Date(*d)))
    }
}

impl<'de> Deserialize<'de> for DateSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of dates \"YYYY-MM-DD\"")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DateSet, A::Error> {
                let mut out = BTreeSet::new();
                while let Some(d) = seq.next_element_seed(Once(&out))? {
                    out.insert(d);
                }
                Ok(DateSet(out))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Dates with a name each, serialised as an object (`{"2026-02-17": "春节"}`), keys in
/// date order. A name is one string (the same in every language) or a text (`{"zh":
/// "春节", "en": "Spring Festival"}`); it is written back as one string when its
/// languages all say the same. A date given twice, a key that is not a date and an empty
/// name are errors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct DateNames(pub BTreeMap<NaiveDate, Text>);

impl DateNames {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for DateNames {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(d, n)| (Date(*d), Name(n))))
    }
}

impl<'de> Deserialize<'de> for DateNames {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateNames;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of dates and names, such as {\"2026-02-17\": \"春节\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateNames, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let date = parse_date(&key);
                    // Problems with the key are reported from its value, so that the error
                    // carries the key in its JSON pointer.
                    let problem = match &date {
                        Err(message) => Some(message.clone()),
                        Ok(d) if out.contains_key(d) => {
                            Some(format!("{key} is listed twice: expected each date once"))
                        }
                        Ok(_) => None,
                    };
                    let name = map.next_value_seed(NameSeed(problem))?;
                    if let Ok(d) = date {
                        out.insert(d, name);
                    }
                }
                Ok(DateNames(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A dated entry's name as written: one string when every language says the same.
struct Name<'a>(&'a Text);

impl Serialize for Name<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        if t.iter().all(|(_, x)| x == t.zh()) {
            s.serialize_str(t.zh())
        } else {
            t.serialize(s)
        }
    }
}

/// Reads the name of a dated entry, or fails with the problem found in its key.
struct NameSeed(Option<String>);

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Text;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        if let Some(problem) = self.0 {
            return Err(D::Error::custom(problem));
        }
        let name = d.deserialize_any(NameVisitor)?;
        if name.iter().any(|(_, x)| x.trim().is_empty()) {
            return Err(D::Error::custom(
                "empty name: expected the name of the day, such as \"春节\" or {\"zh\": \"春节\", \"en\": \"Spring Festival\"}",
            ));
        }
        Ok(name)
    }
}

/// A name: one string for every language, or a text.
/// A clinic's name: a text whose languages are each on one line (audits 180, 186: a line
/// separator in it was refused with "line breaks and tabs are allowed", which they are
/// not there).
fn clinic_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    struct OneLine;
    impl<'de> Visitor<'de> for OneLine {
        type Value = Option<Text>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(
                "the clinic's name: a text such as {\"zh\": \"本院\", \"en\": \"our clinic\"}",
            )
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Text>, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Option<Text>, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<Text>, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Text>, A::Error> {
            (crate::text::TextVisitor { clinic_name: true })
                .visit_map(map)
                .map(Some)
        }
    }
    d.deserialize_option(OneLine)
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name of the day: a string such as \"春节\" or a text such as {\"zh\": \"春节\", \"en\": \"Spring Festival\"}")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
        // Checked as every printed text is, in either form (audit 78: an escape in a
        // plain string reached the terminal).
        if !v.trim().is_empty() {
            crate::text::printable(None, v).map_err(E::custom)?;
        }
        Ok(Text::new(v, v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
        crate::text::TextVisitor { clinic_name: false }.visit_map(map)
    }
}

/// The dates a calendar knows completely, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct Coverage {
    /// The first day known.
    pub from: Date,
    /// The last day known, on or after `from`.
    pub to: Date,
}

impl Coverage {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Coverage {
        Coverage {
            from: Date(from),
            to: Date(to),
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.0 <= d && d <= self.to.0
    }

    /// The dates both cover, if any.
    pub fn intersect(&self, other: &Coverage) -> Option<Coverage> {
        let from = self.from.max(other.from);
        let to = self.to.min(other.to);
        (from <= to).then_some(Coverage { from, to })
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.from.0, self.to.0)
    }
}

/// Opening hours, `{"open": "09:00", "close": "21:00"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct Hours {
    /// Opening time, `HH:MM`.
    pub open: Hhmm,
    /// Closing time, `HH:MM`, after the opening time.
    pub close: Hhmm,
}

impl Hours {
    pub fn window(&self) -> TimeWindow {
        TimeWindow {
            start: self.open.0,
            end: self.close.0,
        }
    }
}

/// A time of day as written: `"09:00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hhmm(pub NaiveTime);

impl Serialize for Hhmm {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%H:%M"))
    }
}

impl<'de> Deserialize<'de> for Hhmm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_hhmm(&s).map(Hhmm).map_err(D::Error::custom)
    }
}
