//! Time-of-day windows.

use chrono::NaiveTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A time-of-day window in the clinic's wall-clock time, `start` before `end`.
/// Serialised as `{"start": "14:00", "end": "18:00"}`.
///
/// [`TimeWindow::hm`] refuses an end at or before its start. The fields are public and
/// serde reads any two times: a window is checked where an input holding it is (a
/// calendar's [`crate::calendar::Calendar::with_windows`] and its JSON, an episode's rest
/// hours, a rule's time); the methods here take a window as it is (an inverted one cuts
/// and merges as written, without panicking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    /// Start of the window, `HH:MM`.
    #[serde(with = "hhmm")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Hhmm")
    )]
    pub start: NaiveTime,
    /// End of the window, `HH:MM`, after the start.
    #[serde(with = "hhmm")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Hhmm")
    )]
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

impl crate::json::Expected for TimeWindow {
    const EXPECTED: &'static str =
        "a time window (a JSON object such as {\"start\": \"14:00\", \"end\": \"18:00\"})";
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

/// The years a date a host records (a notice's day, an outcome, a follow-up) may fall in:
/// a year of 0000 or 9999 is a slip ("unknown"), and what is planned from the date (a
/// spread, a grace, a follow-up's days) stays within the years plans are written in.
pub(crate) const RECORDED_YEARS: std::ops::RangeInclusive<i32> = 1900..=9899;

/// True if `s` is written `YYYY-MM-DD`, four digits, two and two, nothing before or
/// after. chrono alone also takes `2026-3-2` and ISO 8601's expanded years
/// (`+002026-03-02`, `+12026-03-02`): none is what a clinic's system writes, and a year
/// past 9999 could only fail later, far from the text that gave it.
pub(crate) fn is_date_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// True if `s` is `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, each part two digits.
pub(crate) fn is_date_time_shape(s: &str) -> bool {
    let Some((date, time)) = s.split_once('T') else {
        return false;
    };
    let two = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = time.split(':').collect();
    is_date_shape(date) && (parts.len() == 2 || parts.len() == 3) && parts.iter().all(|p| two(p))
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

/// The times behind the named windows, set per clinic in its [`crate::calendar::Calendar`].
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

    /// The first window that does not start before it ends, with a message saying so.
    pub(crate) fn check(&self) -> Result<(), (NamedWindow, String)> {
        for name in NamedWindow::ALL {
            let w = self.get(name);
            if w.start >= w.end {
                return Err((
                    name,
                    format!("window {:?} is {w}: expected start before end", name.name()),
                ));
            }
        }
        Ok(())
    }
}

/// The named windows as a calendar writes them: each optional, a name left out its
/// default; the clinic's opening hours cut them all ([`NamedWindows::within`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct WindowsDef {
    /// `morning`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub morning: Option<TimeWindow>,
    /// `afternoon`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub afternoon: Option<TimeWindow>,
    /// `evening`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub evening: Option<TimeWindow>,
    /// `day`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub day: Option<TimeWindow>,
}

impl WindowsDef {
    /// Every window given.
    pub fn all(w: NamedWindows) -> WindowsDef {
        WindowsDef {
            morning: Some(w.morning),
            afternoon: Some(w.afternoon),
            evening: Some(w.evening),
            day: Some(w.day),
        }
    }

    /// The windows in force: those given, the others the defaults, all cut to the
    /// opening `hours` when the calendar gives them ([`NamedWindows::within`]).
    pub fn resolve(&self, hours: Option<TimeWindow>) -> NamedWindows {
        let base = self.uncut();
        match hours {
            Some(h) => base.within(h),
            None => base,
        }
    }

    /// True when the calendar gives the window `name` (not its default).
    pub(crate) fn given(&self, name: NamedWindow) -> bool {
        match name {
            NamedWindow::Morning => self.morning.is_some(),
            NamedWindow::Afternoon => self.afternoon.is_some(),
            NamedWindow::Evening => self.evening.is_some(),
            NamedWindow::Day => self.day.is_some(),
        }
    }

    /// The windows given, the others the defaults, whatever the opening hours.
    pub fn uncut(&self) -> NamedWindows {
        let base = NamedWindows::default();
        NamedWindows {
            morning: self.morning.unwrap_or(base.morning),
            afternoon: self.afternoon.unwrap_or(base.afternoon),
            evening: self.evening.unwrap_or(base.evening),
            day: self.day.unwrap_or(base.day),
        }
    }
}

impl NamedWindows {
    /// The default windows cut to the opening hours `hours` ([`NamedWindows::within`]).
    ///
    /// ```
    /// use followup::calendar::{NamedWindows, TimeWindow};
    /// let w = NamedWindows::from_hours(TimeWindow::hm((10, 0), (19, 0)).unwrap());
    /// assert_eq!(w.morning.to_string(), "10:00-12:00");
    /// assert_eq!(w.afternoon.to_string(), "14:00-18:00");
    /// assert_eq!(w.evening.to_string(), "18:00-19:00");
    /// assert_eq!(w.day.to_string(), "10:00-18:00");
    /// ```
    pub fn from_hours(hours: TimeWindow) -> NamedWindows {
        NamedWindows::default().within(hours)
    }

    /// These windows cut to the clinic's opening hours: the hours bound every window and
    /// never widen one (a clinic open around the clock still calls 09:00-18:00, not at
    /// midnight). A window the hours leave nothing of (no evening in a clinic closing at
    /// 18:00, no afternoon in one closing at noon) is the part of the `day` window within
    /// them; a `day` window they leave nothing of is the opening hours.
    ///
    /// ```
    /// use followup::calendar::{NamedWindows, TimeWindow};
    /// let all_day = NamedWindows::default().within(TimeWindow::hm((0, 0), (23, 59)).unwrap());
    /// assert_eq!(all_day, NamedWindows::default());
    /// let noon = NamedWindows::default().within(TimeWindow::hm((9, 0), (12, 0)).unwrap());
    /// assert_eq!(noon.afternoon.to_string(), "09:00-12:00");
    /// assert_eq!(noon.day.to_string(), "09:00-12:00");
    /// ```
    pub fn within(self, hours: TimeWindow) -> NamedWindows {
        let day = self.day.cut(hours).unwrap_or(hours);
        let cut = |w: TimeWindow| w.cut(hours).unwrap_or(day);
        NamedWindows {
            morning: cut(self.morning),
            afternoon: cut(self.afternoon),
            evening: cut(self.evening),
            day,
        }
    }
}

impl TimeWindow {
    /// The part of this window within `bounds`, or `None` if they do not overlap.
    ///
    /// ```
    /// use followup::calendar::TimeWindow;
    /// let w = TimeWindow::hm((9, 0), (18, 0)).unwrap();
    /// let open = TimeWindow::hm((13, 0), (21, 0)).unwrap();
    /// assert_eq!(w.cut(open).map(|w| w.to_string()).as_deref(), Some("13:00-18:00"));
    /// assert_eq!(w.cut(TimeWindow::hm((19, 0), (21, 0)).unwrap()), None);
    /// ```
    pub fn cut(self, bounds: TimeWindow) -> Option<TimeWindow> {
        let (start, end) = (self.start.max(bounds.start), self.end.min(bounds.end));
        (start < end).then_some(TimeWindow { start, end })
    }

    /// The longest part of this window outside every window of `quiet` (the earliest on
    /// a tie), or `None` if they cover it all. `quiet` may come in any order and overlap;
    /// sorted by start (as [`TimeWindow::merged`] leaves them), it is read once, with no
    /// allocation.
    ///
    /// ```
    /// use followup::calendar::TimeWindow;
    /// let hm = |a, b| TimeWindow::hm(a, b).unwrap();
    /// let day = hm((9, 0), (18, 0));
    /// let quiet = [hm((12, 0), (14, 0)), hm((8, 0), (10, 0))];
    /// assert_eq!(day.outside(&quiet).map(|w| w.to_string()).as_deref(), Some("14:00-18:00"));
    /// assert_eq!(day.outside(&[hm((8, 0), (20, 0))]), None);
    /// ```
    pub fn outside(&self, quiet: &[TimeWindow]) -> Option<TimeWindow> {
        if quiet.windows(2).all(|w| w[0].start <= w[1].start) {
            self.outside_sorted(quiet)
        } else {
            let mut sorted = quiet.to_vec();
            sorted.sort_unstable_by_key(|q| q.start);
            self.outside_sorted(&sorted)
        }
    }

    /// The first part of this window that `sorted` (windows sorted by start, as
    /// [`TimeWindow::merged`] leaves them) leave free, or `None` if they cover it all.
    pub(crate) fn first_outside(&self, sorted: &[TimeWindow]) -> Option<TimeWindow> {
        let mut from = self.start;
        for q in sorted {
            if q.start >= self.end || from >= self.end {
                break;
            }
            if q.start > from {
                return Some(TimeWindow {
                    start: from,
                    end: q.start,
                });
            }
            from = from.max(q.end);
        }
        (from < self.end).then_some(TimeWindow {
            start: from,
            end: self.end,
        })
    }

    /// [`TimeWindow::outside`] of windows sorted by start: the gaps between them, swept
    /// once from this window's start.
    fn outside_sorted(&self, quiet: &[TimeWindow]) -> Option<TimeWindow> {
        let mut best: Option<TimeWindow> = None;
        let mut consider = |start: NaiveTime, end: NaiveTime| {
            let longer = best.is_none_or(|b| (end - start) > (b.end - b.start));
            if start < end && longer {
                best = Some(TimeWindow { start, end });
            }
        };
        let mut from = self.start;
        for q in quiet {
            if q.start >= self.end || from >= self.end {
                break;
            }
            if q.start > from {
                consider(from, q.start);
            }
            from = from.max(q.end);
        }
        consider(from, self.end);
        best
    }

    /// `windows` sorted by start, those that overlap or touch made one: the same hours,
    /// each minute in one window at most. What [`TimeWindow::outside`] reads fastest, and
    /// what a plan reads the quiet and rest hours as, however many a host gives.
    ///
    /// ```
    /// use followup::calendar::TimeWindow;
    /// let hm = |a, b| TimeWindow::hm(a, b).unwrap();
    /// let merged = TimeWindow::merged([hm((13, 0), (14, 0)), hm((12, 0), (13, 0)), hm((8, 0), (9, 0))]);
    /// let text: Vec<String> = merged.iter().map(|w| w.to_string()).collect();
    /// assert_eq!(text, ["08:00-09:00", "12:00-14:00"]);
    /// ```
    pub fn merged(windows: impl IntoIterator<Item = TimeWindow>) -> Vec<TimeWindow> {
        let mut all: Vec<TimeWindow> = windows.into_iter().collect();
        all.sort_unstable_by_key(|w| (w.start, w.end));
        let mut out: Vec<TimeWindow> = Vec::with_capacity(all.len());
        for w in all {
            match out.last_mut() {
                Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
                _ => out.push(w),
            }
        }
        out
    }

    /// True when `windows` are as [`TimeWindow::merged`] leaves them.
    pub(crate) fn are_merged(windows: &[TimeWindow]) -> bool {
        windows.windows(2).all(|w| w[0].end < w[1].start) && windows.iter().all(|w| w.start < w.end)
    }
}

mod hhmm {
    use super::*;

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        crate::json::out::write_hhmm(*t, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        parse_hhmm(&s).map_err(serde::de::Error::custom)
    }
}

/// An optional [`TimeWindow`] of whole minutes in four bytes (a task's window on another
/// day, [`crate::plan::Task::window_on`]): a task stays within the size that keeps it
/// cheap to move. A window with seconds is not kept (none is made: windows are `HH:MM`,
/// and a moment cutting one is rounded up to the minute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct PackedWindow(u32);

impl PackedWindow {
    /// No window.
    pub(crate) const NONE: PackedWindow = PackedWindow(0);

    pub(crate) fn of(w: Option<TimeWindow>) -> PackedWindow {
        use chrono::Timelike;
        let minutes = |t: NaiveTime| {
            (t.second() == 0 && t.nanosecond() == 0).then(|| t.hour() * 60 + t.minute())
        };
        match w.and_then(|w| Some((minutes(w.start)?, minutes(w.end)?))) {
            Some((s, e)) => PackedWindow(1 << 31 | s << 11 | e),
            None => PackedWindow::NONE,
        }
    }

    pub(crate) fn get(self) -> Option<TimeWindow> {
        if self.0 & 1 << 31 == 0 {
            return None;
        }
        let at = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0);
        Some(TimeWindow {
            start: at(self.0 >> 11 & 0x7ff)?,
            end: at(self.0 & 0x7ff)?,
        })
    }
}
