//! Time-of-day windows.

use chrono::NaiveTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A time-of-day window in the clinic's wall-clock time, `start` before `end`.
/// Serialised as `{"start": "14:00", "end": "18:00"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    /// Start of the window.
    #[serde(with = "hhmm")]
    pub start: NaiveTime,
    /// End of the window.
    #[serde(with = "hhmm")]
    pub end: NaiveTime,
}

impl TimeWindow {
    /// A window from `start` to `end` (hours and minutes); `None` if a time is invalid or
    /// `start` is not before `end`.
    pub fn hm(start: (u32, u32), end: (u32, u32)) -> Option<TimeWindow> {
        let start = NaiveTime::from_hms_opt(start.0, start.1, 0)?;
        let end = NaiveTime::from_hms_opt(end.0, end.1, 0)?;
        (start < end).then_some(TimeWindow { start, end })
    }

    /// Parses `"HH:MM"` strings; the message says what was expected.
    pub(crate) fn parse(start: &str, end: &str) -> Result<TimeWindow, String> {
        let s = parse_hhmm(start)?;
        let e = parse_hhmm(end)?;
        if s >= e {
            return Err(format!(
                "the window starts at {start} and ends at {end}: expected start before end"
            ));
        }
        Ok(TimeWindow { start: s, end: e })
    }
}

impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

pub(crate) fn parse_hhmm(s: &str) -> Result<NaiveTime, String> {
    let ok = s.len() == 5 && s.as_bytes().get(2) == Some(&b':');
    ok.then(|| NaiveTime::parse_from_str(s, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| format!("invalid time {s:?}: expected \"HH:MM\" on a 24-hour clock, such as \"09:00\" or \"14:30\""))
}

/// The named time-of-day windows a rule can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamedWindow {
    /// Morning (default 09:00-12:00).
    Morning,
    /// Afternoon (default 14:00-18:00), the safer time to call.
    Afternoon,
    /// Evening (default 18:00-20:30).
    Evening,
    /// Any time the clinic works (default 09:00-18:00).
    Day,
}

impl NamedWindow {
    /// Every name, in the order documented.
    pub const ALL: [NamedWindow; 4] = [
        NamedWindow::Morning,
        NamedWindow::Afternoon,
        NamedWindow::Evening,
        NamedWindow::Day,
    ];

    /// The name as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            NamedWindow::Morning => "morning",
            NamedWindow::Afternoon => "afternoon",
            NamedWindow::Evening => "evening",
            NamedWindow::Day => "day",
        }
    }

    /// Looks a name up.
    pub fn from_name(name: &str) -> Option<NamedWindow> {
        NamedWindow::ALL.into_iter().find(|w| w.name() == name)
    }
}

/// The times behind the named windows, set per clinic in its [`crate::Calendar`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NamedWindows {
    /// `morning`, default 09:00-12:00.
    pub morning: TimeWindow,
    /// `afternoon`, default 14:00-18:00.
    pub afternoon: TimeWindow,
    /// `evening`, default 18:00-20:30.
    pub evening: TimeWindow,
    /// `day`, default 09:00-18:00.
    pub day: TimeWindow,
}

const fn t(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => NaiveTime::MIN,
    }
}

impl Default for NamedWindows {
    fn default() -> Self {
        NamedWindows {
            morning: TimeWindow {
                start: t(9, 0),
                end: t(12, 0),
            },
            afternoon: TimeWindow {
                start: t(14, 0),
                end: t(18, 0),
            },
            evening: TimeWindow {
                start: t(18, 0),
                end: t(20, 30),
            },
            day: TimeWindow {
                start: t(9, 0),
                end: t(18, 0),
            },
        }
    }
}

impl NamedWindows {
    /// The window behind a name.
    pub fn get(&self, name: NamedWindow) -> TimeWindow {
        match name {
            NamedWindow::Morning => self.morning,
            NamedWindow::Afternoon => self.afternoon,
            NamedWindow::Evening => self.evening,
            NamedWindow::Day => self.day,
        }
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        for name in NamedWindow::ALL {
            let w = self.get(name);
            if w.start >= w.end {
                return Err(format!(
                    "window {:?} is {w}: expected start before end",
                    name.name()
                ));
            }
        }
        Ok(())
    }
}

mod hhmm {
    use super::*;

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        parse_hhmm(&s).map_err(serde::de::Error::custom)
    }
}
