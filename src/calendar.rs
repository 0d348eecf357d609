//! The clinic's calendar: which days it is open, and the times behind named windows.

use crate::error::{Located, Result};
use crate::limits::Limits;
use crate::time::NamedWindows;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which days the clinic is open, and the times of its named windows.
///
/// The default calendar is open every day (aesthetic clinics work weekends) with the
/// default [`NamedWindows`]. JSON form:
///
/// ```
/// use followup::Calendar;
/// let cal = Calendar::from_json("clinic.json", r#"{
///     "closed_weekdays": ["Mon"],
///     "closed_dates": ["2026-02-17", "2026-02-18"]
/// }"#).unwrap();
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// assert!(!cal.is_open(d("2026-02-16")));  // a Monday
/// assert!(!cal.is_open(d("2026-02-17")));  // a closed date
/// assert!(cal.is_open(d("2026-02-19")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Days of the week the clinic is closed (`"Mon"` … `"Sun"`).
    #[serde(default)]
    closed_weekdays: WeekdaySet,
    /// Extra closed dates.
    #[serde(default)]
    closed_dates: BTreeSet<NaiveDate>,
    /// The times behind `morning`, `afternoon`, `evening` and `day`.
    #[serde(default)]
    windows: NamedWindows,
}

/// Why a task's day moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShiftReason {
    /// The nominal day is a weekly closing day.
    ClosedWeekday,
    /// The nominal day is one of the calendar's closed dates.
    ClosedDate,
}

impl Calendar {
    /// A calendar open every day.
    pub fn open_every_day() -> Calendar {
        Calendar::default()
    }

    /// Reads a calendar from JSON; `name` is used in error messages.
    ///
    /// # Errors
    ///
    /// [`Error::Calendar`] with the JSON pointer and line/column for malformed JSON,
    /// unknown fields, bad dates or times, or a calendar closed every day of the week.
    pub fn from_json(name: &str, text: &str) -> Result<Calendar> {
        let cal: Calendar =
            crate::json::read(text, &Limits::default()).map_err(|e| e.into_calendar(name))?;
        cal.check().map_err(|e| e.into_calendar(name))?;
        Ok(cal)
    }

    /// Builds a calendar from closing weekdays and closed dates.
    ///
    /// # Errors
    ///
    /// [`Error::Calendar`] if every day of the week is closed.
    pub fn new(
        closed_weekdays: impl IntoIterator<Item = Weekday>,
        closed_dates: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Calendar> {
        let cal = Calendar {
            closed_weekdays: WeekdaySet::from_days(closed_weekdays),
            closed_dates: closed_dates.into_iter().collect(),
            windows: NamedWindows::default(),
        };
        cal.check().map_err(|e| e.into_calendar("calendar"))?;
        Ok(cal)
    }

    /// The same calendar with other times behind the named windows.
    ///
    /// # Errors
    ///
    /// [`Error::Calendar`] if a window does not start before it ends.
    pub fn with_windows(mut self, windows: NamedWindows) -> Result<Calendar> {
        self.windows = windows;
        self.check().map_err(|e| e.into_calendar("calendar"))?;
        Ok(self)
    }

    fn check(&self) -> std::result::Result<(), Located> {
        if self.closed_weekdays.0 & 0x7f == 0x7f {
            return Err(Located::new(
                "/closed_weekdays",
                "every day of the week is closed: expected at least one open weekday",
            ));
        }
        self.windows
            .check()
            .map_err(|m| Located::new("/windows", m))
    }

    /// The times behind the named windows.
    pub fn windows(&self) -> &NamedWindows {
        &self.windows
    }

    /// True if the clinic is open on `date`.
    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.closed_reason(date).is_none()
    }

    /// Why `date` is closed, or `None` if it is open.
    pub fn closed_reason(&self, date: NaiveDate) -> Option<ShiftReason> {
        if self.closed_dates.contains(&date) {
            Some(ShiftReason::ClosedDate)
        } else if self.closed_weekdays.contains(date.weekday()) {
            Some(ShiftReason::ClosedWeekday)
        } else {
            None
        }
    }

    /// The first open day on or after (`forward`) or on or before `date`, if one is
    /// within reach of the calendar's dates.
    ///
    /// The search is bounded: at least one weekday is open, so every run of closed days
    /// is at most 7 + the number of closed dates long.
    pub fn nearest_open(&self, date: NaiveDate, forward: bool) -> Option<NaiveDate> {
        let mut d = date;
        for _ in 0..=(self.closed_dates.len() + 7) {
            if self.is_open(d) {
                return Some(d);
            }
            d = if forward {
                d.succ_opt()?
            } else {
                d.pred_opt()?
            };
        }
        None
    }
}

/// A set of weekdays, serialised as an array in Monday-first order (`["Sat", "Sun"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct WeekdaySet(u8);

impl WeekdaySet {
    fn from_days(days: impl IntoIterator<Item = Weekday>) -> Self {
        WeekdaySet(
            days.into_iter()
                .fold(0, |m, d| m | 1 << d.num_days_from_monday()),
        )
    }

    fn contains(self, d: Weekday) -> bool {
        self.0 & (1 << d.num_days_from_monday()) != 0
    }
}

impl Serialize for WeekdaySet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut day = Weekday::Mon;
        let mut out = Vec::new();
        for _ in 0..7 {
            if self.contains(day) {
                out.push(day);
            }
            day = day.succ();
        }
        out.serialize(s)
    }
}

impl<'de> Deserialize<'de> for WeekdaySet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(WeekdaySet::from_days(Vec::<Weekday>::deserialize(d)?))
    }
}
