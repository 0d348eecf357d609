//! The clinic's calendar: which days it is open and why, who works on them (the clinic,
//! the call desk, the message system), what kind of day each date is in mainland China
//! (workday, weekend, public holiday, make-up working day), and the times behind named
//! windows ([`TimeWindow`], [`NamedWindows`]).
//!
//! A [`Calendar`] is read from JSON ([`Calendar::from_json`]), combined with another
//! ([`Calendar::merge`]: the official calendar and the clinic's own closures), or taken
//! from the official calendars of mainland China ([`Calendar::china`], feature
//! `china-calendars`). [`ShiftReason`] says why a task left the day its rule gave.

pub use crate::time::{NamedWindow, NamedWindows, TimeWindow};

mod check;
#[cfg(feature = "china-calendars")]
mod china;
mod merge;
mod runs;
#[cfg(any(test, feature = "schema"))]
mod schema;
mod spec;
mod table;

use crate::error::{Located, Result};
use crate::limits::Limits;
use crate::model::Channel;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use spec::{DateSet, Spec, WeekdaySet};
#[cfg(feature = "china-calendars")]
use std::ops::RangeInclusive;

/// A clinic's calendar: which days it is open, what kind of day each date is, and the
/// times of its named windows.
///
/// The default calendar is open every day (aesthetic clinics work weekends), knows no
/// holidays, has a Saturday-Sunday weekend and the default [`NamedWindows`].
///
/// # JSON form
///
/// Every field is optional.
///
/// | field | meaning | default |
/// |---|---|---|
/// | `closed_weekdays` | the clinic's weekly closing days, `["Mon"]` (`"Mon"` … `"Sun"`) | `[]` |
/// | `weekend` | which weekdays are the weekend | `["Sat", "Sun"]` |
/// | `holidays` | public holidays: an object of dates and names, `{"2026-02-17": "春节"}`; a name is one string for every language or a [`crate::rules::Text`], `{"2026-02-17": {"zh": "春节", "en": "Spring Festival"}}` | `{}` |
/// | `workdays` | make-up working days (调休): weekend days worked instead of a holiday, an object of dates and the holiday each makes up for, `{"2026-02-14": "春节"}` | `{}` |
/// | `closed_dates` | extra closed dates, `["2026-02-17"]` | `[]` |
/// | `open_dates` | extra open dates: open whatever else says, `["2026-02-16"]` | `[]` |
/// | `closed_on_weekends` | weekend days are closed, except make-up working days | `false` |
/// | `closed_on_holidays` | holidays are closed | `true` |
/// | `hours` | opening hours, `{"open": "09:00", "close": "21:00"}`: every time window is cut to them, never widened | none |
/// | `covers` | the dates the calendar knows completely, `{"from": "2026-01-01", "to": "2026-12-31"}` | none: no known bound |
/// | `windows` | the times behind `morning`, `afternoon`, `evening`, `day`: `{"afternoon": {"start": "13:30", "end": "17:30"}}` | see [`NamedWindows`] |
/// | `clinic` | the clinic's name, a [`crate::rules::Text`] (`{"zh": "维多利亚医美", "en": "Victoria Clinic"}`), for the `{clinic}` placeholder of scripts: at most 200 characters, on one line (no control character, separator or bidirectional control) | none: 本院 / our clinic |
/// | `call_desk` | the call desk's own days: `open_dates` (on-duty days while the clinic is closed: calls work whatever else says), `closed_dates`, `closed_weekdays` | the clinic's open days |
/// | `messages` | days the message system sends nothing: `closed_dates`, `closed_weekdays` (and `open_dates` to reopen one) | every day |
/// | `quiet_hours` | the clinic's rest hours, `[{"start": "12:00", "end": "14:00"}]`: nobody is called or messaged then | none |
///
/// Dates are written `"YYYY-MM-DD"`, times `"HH:MM"`.
///
/// **Kinds of day** ([`Calendar::day_kind`]): a listed holiday is a
/// [`DayKind::Holiday`], even on a weekend; a listed make-up working day is a
/// [`DayKind::MakeupWorkday`], even on a Sunday; other weekend days are
/// [`DayKind::Weekend`]; everything else is a [`DayKind::Workday`].
///
/// **Closed days** ([`Calendar::closed_reason`]), most specific reason first:
///
/// 1. a date of `open_dates` is open, whatever else applies;
/// 2. a date of `closed_dates` is closed ([`ShiftReason::ClosedDate`]);
/// 3. a holiday is closed when `closed_on_holidays` is true ([`ShiftReason::Holiday`]);
/// 4. a weekly closing day is closed ([`ShiftReason::ClosedWeekday`]), make-up working
///    day or not: add it to `open_dates` to open it;
/// 5. a weekend day that is not a make-up working day is closed when
///    `closed_on_weekends` is true ([`ShiftReason::Weekend`]);
/// 6. every other day is open.
///
/// `covers` and `hours` close nothing. Listed dates may lie outside `covers` (a merged
/// calendar keeps all its dates), and outside its coverage a calendar still answers
/// from what it knows, its weekly rules first; the caller decides what an uncovered date means
/// ([`Calendar::covers`]) and what to do with the hours ([`Calendar::hours`]).
///
/// The official calendars of mainland China for 2002 to 2026 are built in
/// ([`Calendar::china`]); combine one with a clinic's own calendar with
/// [`Calendar::merge`].
///
/// A calendar is refused (with the file, the JSON pointer, the line and column) when a
/// field is malformed or unknown, a date is listed both as a holiday and as a make-up
/// working day, a date is both in `closed_dates` and `open_dates`, `covers` ends before
/// it starts, the clinic closes before it opens, a window ends before it starts, or no
/// day of the week is open (counting the weekend when `closed_on_weekends` is true).
///
/// ```
/// use followup::calendar::{Calendar, DayKind, ShiftReason};
/// let cal = Calendar::from_json("clinic.json", r#"{
///     "closed_weekdays": ["Mon"],
///     "closed_dates": ["2026-03-10"],
///     "holidays": {"2026-02-16": "春节", "2026-02-17": "春节", "2026-02-18": "春节"},
///     "workdays": {"2026-02-28": "春节"},
///     "closed_on_holidays": true,
///     "closed_on_weekends": true,
///     "hours": {"open": "09:00", "close": "21:00"},
///     "covers": {"from": "2026-01-01", "to": "2026-12-31"}
/// }"#).unwrap();
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// assert_eq!(cal.day_kind(d("2026-02-17")), DayKind::Holiday);
/// assert_eq!(cal.holiday_name(d("2026-02-17")), Some("春节"));
/// assert_eq!(cal.closed_reason(d("2026-02-17")), Some(ShiftReason::Holiday));
/// assert_eq!(cal.closed_reason(d("2026-03-02")), Some(ShiftReason::ClosedWeekday));
/// assert_eq!(cal.closed_reason(d("2026-03-07")), Some(ShiftReason::Weekend));
/// assert_eq!(cal.closed_reason(d("2026-03-10")), Some(ShiftReason::ClosedDate));
/// // A make-up working Saturday is open.
/// assert_eq!(cal.day_kind(d("2026-02-28")), DayKind::MakeupWorkday);
/// assert!(cal.is_open(d("2026-02-28")));
/// // The holiday runs Mon 16 to Wed 18 February: the first open day after it is Thursday.
/// assert_eq!(cal.nearest_open(d("2026-02-16"), true), Some(d("2026-02-19")));
/// assert_eq!(cal.hours().map(|h| h.to_string()), Some("09:00-21:00".to_string()));
/// assert!(!cal.covers(d("2027-01-01")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar(Spec, runs::Runs, table::Table);

impl Default for Calendar {
    fn default() -> Calendar {
        Calendar::made(Spec::default())
    }
}

/// A calendar read from JSON and not checked yet: a text that embeds calendars (a case
/// file) reads them with its other values, then checks each with its own JSON pointer.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Unchecked(Spec);

impl crate::json::Expected for Unchecked {
    const EXPECTED: &'static str = "a calendar (a JSON object)";
}

impl Unchecked {
    /// The calendar, if it passes every check of [`Calendar::from_json`]; the error's
    /// pointer is relative to the calendar.
    pub(crate) fn check(self) -> std::result::Result<Calendar, Located> {
        Calendar::checked(self.0)
    }
}

/// Why a task's day moved: why its nominal day is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShiftReason {
    /// The nominal day is a weekly closing day of the clinic.
    ClosedWeekday,
    /// The nominal day is one of the calendar's closed dates.
    ClosedDate,
    /// The nominal day is a public holiday and the clinic closes on holidays.
    Holiday,
    /// The nominal day is a weekend day (not a make-up working day) and the clinic
    /// closes on weekends.
    Weekend,
    /// The step waits for a fact (`wait_for`) that came after the nominal day: the task
    /// moved to the day of the fact (or the first open day after it).
    WaitedForFact,
    /// The call desk does not work on the nominal day (`call_desk` in the calendar),
    /// although the clinic may be open.
    CallDeskClosed,
    /// No messages go out on the nominal day (`messages` in the calendar).
    MessagesClosed,
    /// The task is due on the day of its event (or of the fact it counts from), and
    /// nothing of its time window was left after the event's time: it moved to the next
    /// day its channel works. Or its rule day came before the event's day (a reminder of
    /// a visit the day after the event): it moved to the event's day, or the first day
    /// after it its channel works.
    AfterEvent,
    /// The step waits for a fact (`wait_for`) that had not come by the end of its wait,
    /// and goes ahead then (`"then": "proceed"`); also the reason of the supervisor's task
    /// after a wait that escalates.
    WaitEnded,
    /// The task counts from a visit (a milestone such as the suture removal) whose
    /// default day fell on a day the clinic is closed: the visit moved to an open day and
    /// the task follows it.
    AnchorMoved,
    /// The patient agreed another day and time (a `rescheduled` outcome in the history):
    /// the task is there, whatever the calendar says.
    Agreed,
    /// A consultant picked the day of a staff-picked task (a `picked` outcome).
    Picked,
    /// A staff-picked task not picked yet, whose day is picked from an earlier call of its
    /// program (the second follow-up, picked from the first call): that call was agreed
    /// for a later day, or the calendar moved it into this task's window (Labour Day), so
    /// this one waits until the day after it.
    AfterEarlierCall,
}

impl ShiftReason {
    /// True for the reasons a calendar closes a day (`closed_weekday`, `closed_date`,
    /// `holiday`, `weekend`, `call_desk_closed`, `messages_closed`): what
    /// [`Calendar::closed_reason_for`] and [`crate::plan::Task::closed`] may say; false for
    /// the moves of other causes (`after_event`, `agreed`…).
    ///
    /// ```
    /// use followup::calendar::ShiftReason;
    /// assert!(ShiftReason::Holiday.is_closed_day());
    /// assert!(!ShiftReason::Agreed.is_closed_day());
    /// ```
    pub fn is_closed_day(self) -> bool {
        matches!(
            self,
            ShiftReason::ClosedWeekday
                | ShiftReason::ClosedDate
                | ShiftReason::Holiday
                | ShiftReason::Weekend
                | ShiftReason::CallDeskClosed
                | ShiftReason::MessagesClosed
        )
    }

    /// The name as written in JSON (`closed_weekday`, `after_event`…).
    pub fn name(self) -> &'static str {
        match self {
            ShiftReason::ClosedWeekday => "closed_weekday",
            ShiftReason::ClosedDate => "closed_date",
            ShiftReason::Holiday => "holiday",
            ShiftReason::Weekend => "weekend",
            ShiftReason::WaitedForFact => "waited_for_fact",
            ShiftReason::CallDeskClosed => "call_desk_closed",
            ShiftReason::MessagesClosed => "messages_closed",
            ShiftReason::AfterEvent => "after_event",
            ShiftReason::AnchorMoved => "anchor_moved",
            ShiftReason::WaitEnded => "wait_ended",
            ShiftReason::Agreed => "agreed",
            ShiftReason::Picked => "picked",
            ShiftReason::AfterEarlierCall => "after_earlier_call",
        }
    }

    /// A short label in `lang`, for staff: why the day moved (`法定节假日` / `public
    /// holiday`).
    ///
    /// ```
    /// use followup::{rules::Lang, calendar::ShiftReason};
    /// assert_eq!(ShiftReason::Holiday.label(Lang::Zh), "法定节假日");
    /// assert_eq!(ShiftReason::CallDeskClosed.label(Lang::En), "call desk closed");
    /// ```
    pub fn label(self, lang: crate::rules::Lang) -> &'static str {
        lang.pick(match self {
            ShiftReason::ClosedWeekday => ("每周休息日", "weekly closing day"),
            ShiftReason::ClosedDate => ("休息日", "closed date"),
            ShiftReason::Holiday => ("法定节假日", "public holiday"),
            ShiftReason::Weekend => ("周末", "weekend"),
            ShiftReason::WaitedForFact => ("等待的情况发生后", "waited for a fact"),
            ShiftReason::CallDeskClosed => ("电话组休息", "call desk closed"),
            ShiftReason::MessagesClosed => ("当日不发短信", "no messages that day"),
            ShiftReason::AfterEvent => ("事件后当天已无时间", "no time left after the event"),
            ShiftReason::AnchorMoved => ("随就诊日调整", "follows its moved visit"),
            ShiftReason::WaitEnded => ("等待期满", "the wait ended"),
            ShiftReason::Agreed => ("与顾客约定", "agreed with the patient"),
            ShiftReason::Picked => ("顾问选定", "picked by the consultant"),
            ShiftReason::AfterEarlierCall => ("排在前一次回访之后", "after the earlier call"),
        })
    }
}

/// Who must be at work for a task on a channel: the clinic for visits, mail and internal
/// work, the call desk for calls, the message system for SMS and WeChat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crew {
    /// The clinic itself: `in_person`, `home_visit`, `mail`, `internal`. Works on the
    /// clinic's open days.
    Clinic,
    /// The call desk: `phone`. Works on the clinic's open days, unless the calendar's
    /// `call_desk` says otherwise (on-duty days during a closure).
    CallDesk,
    /// The message system: `sms`, `wechat`. Works every day, unless the calendar's
    /// `messages` says otherwise.
    Messages,
}

impl Crew {
    /// The crew a channel needs.
    pub fn of(channel: Channel) -> Crew {
        match channel {
            Channel::Phone => Crew::CallDesk,
            Channel::Sms | Channel::Wechat => Crew::Messages,
            _ => Crew::Clinic,
        }
    }
}

/// What kind of day a date is, whether the clinic is open or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working day.
    Workday,
    /// A weekend day that is neither a holiday nor a make-up working day.
    Weekend,
    /// A public holiday, on a weekend or not.
    Holiday,
    /// A make-up working day (调休上班): a weekend day worked instead of a holiday.
    MakeupWorkday,
}

impl DayKind {
    /// Every kind, in the order documented.
    pub const ALL: [DayKind; 4] = [
        DayKind::Workday,
        DayKind::Weekend,
        DayKind::Holiday,
        DayKind::MakeupWorkday,
    ];

    /// The name as written in JSON: `workday`, `weekend`, `holiday`, `makeup_workday`.
    pub fn name(self) -> &'static str {
        match self {
            DayKind::Workday => "workday",
            DayKind::Weekend => "weekend",
            DayKind::Holiday => "holiday",
            DayKind::MakeupWorkday => "makeup_workday",
        }
    }

    /// Looks a name up.
    pub fn from_name(name: &str) -> Option<DayKind> {
        DayKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl Calendar {
    /// The years of the built-in official calendars of mainland China.
    #[cfg(feature = "china-calendars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "china-calendars")))]
    pub const CHINA_YEARS: RangeInclusive<i32> = china::YEARS;

    /// A calendar open every day.
    pub fn open_every_day() -> Calendar {
        Calendar::default()
    }

    /// Reads a calendar from JSON (see [the JSON form](Calendar#json-form)); `name` is
    /// used in error messages.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] with the JSON pointer, the line and column and what was
    /// expected, for malformed JSON, unknown fields, bad dates or times, and the
    /// calendars refused by the format (a date both holiday and make-up working day, no
    /// open weekday, …).
    pub fn from_json(name: &str, text: &str) -> Result<Calendar> {
        // As the other readers say it (audit 163: "the text ends where a value should be").
        if let Some(e) = crate::json::empty(
            text,
            "a calendar (a JSON object such as {\"closed_weekdays\": [\"Sun\"], \"closed_dates\": [\"2026-02-17\"]}, or for an official calendar {\"holidays\": {\"2027-02-06\": \"春节\"}, \"covers\": {\"from\": \"2027-01-01\", \"to\": \"2027-12-31\"}})",
        ) {
            return Err(e.into_calendar(name));
        }
        let crate::json::Document(spec): crate::json::Document<Spec> =
            crate::json::read(text, &Limits::default()).map_err(|e| e.into_calendar(name))?;
        Calendar::checked(spec).map_err(|mut e| {
            if let Some((line, column)) = crate::json::locate(text, &e.pointer) {
                e.line = Some(line);
                e.column = Some(column);
            }
            e.into_calendar(name)
        })
    }

    /// Builds a calendar from closing weekdays and closed dates; the other fields have
    /// their defaults.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] if every day of the week is closed.
    pub fn new(
        closed_weekdays: impl IntoIterator<Item = Weekday>,
        closed_dates: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Calendar> {
        Calendar::checked(Spec {
            closed_weekdays: WeekdaySet::from_days(closed_weekdays),
            closed_dates: DateSet(closed_dates.into_iter().collect()),
            ..Spec::default()
        })
        .map_err(|e| e.into_calendar("calendar"))
    }

    /// The same calendar with other times behind the named windows.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] if a window does not start before it ends.
    pub fn with_windows(mut self, windows: NamedWindows) -> Result<Calendar> {
        self.0.windows = crate::time::WindowsDef::all(windows);
        check::check(&self.0).map_err(|e| e.into_calendar("calendar"))?;
        Ok(self)
    }

    /// The official working-day calendar of mainland China for `year`, built in from
    /// `rules/calendars/cn-YYYY.json`: its public holidays (named in Chinese and English,
    /// `{"zh": "春节", "en": "Spring Festival"}`: see [`Calendar::holiday`]) and make-up working days as the State Council announced
    /// them, a Saturday-Sunday weekend, weekends and holidays closed, covering the year.
    ///
    /// Combine it with a clinic's calendar with [`Calendar::merge`], which keeps the
    /// clinic's own policies.
    ///
    /// ```
    /// use followup::calendar::{Calendar, DayKind};
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let cn = Calendar::china(2026)?;
    /// assert_eq!(cn.day_kind(d("2026-10-01")), DayKind::Holiday);
    /// assert_eq!(cn.day_kind(d("2026-09-20")), DayKind::MakeupWorkday); // a Sunday
    /// assert!(cn.is_open(d("2026-09-20")));
    /// assert!(Calendar::china(2030).is_err());
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] for a year outside [`Calendar::CHINA_YEARS`].
    #[cfg(feature = "china-calendars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "china-calendars")))]
    pub fn china(year: i32) -> Result<Calendar> {
        china::year(year)
    }

    /// The official calendars of mainland China for consecutive `years`, joined into one
    /// that covers them all: `Calendar::china_years(Calendar::CHINA_YEARS)` knows every
    /// holiday from 2002 to 2026.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] if a year is outside [`Calendar::CHINA_YEARS`] or the
    /// range is empty.
    #[cfg(feature = "china-calendars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "china-calendars")))]
    pub fn china_years(years: RangeInclusive<i32>) -> Result<Calendar> {
        china::years(years)
    }

    /// `spec` if it passes every check.
    fn checked(spec: Spec) -> std::result::Result<Calendar, Located> {
        check::check(&spec)?;
        Ok(Calendar::made(spec))
    }

    /// `spec`, checked, with its runs of closed days and its table.
    fn made(spec: Spec) -> Calendar {
        let mut cal = Calendar(spec, runs::Runs::default(), table::Table::default());
        cal.2 = table::Table::of(&cal);
        cal.1 = runs::Runs::of(&cal);
        cal.2.mark_runs(&cal.1);
        cal
    }

    /// The times behind the named windows: those the calendar gives, the others the
    /// defaults, all cut to its opening hours ([`NamedWindows::within`]).
    pub fn windows(&self) -> NamedWindows {
        self.0.windows.resolve(self.hours())
    }

    /// The named windows the calendar gives, the others the defaults, before the opening
    /// hours cut them.
    pub(crate) fn given_windows(&self) -> NamedWindows {
        self.0.windows.uncut()
    }

    /// The clinic's rest hours, when nobody is contacted remotely (`quiet_hours`).
    pub fn quiet_hours(&self) -> &[TimeWindow] {
        &self.0.quiet_hours
    }

    /// The clinic's name, if the calendar gives it: what the `{clinic}` placeholder of
    /// titles and scripts is filled with (in the script's language, or the nearest one
    /// the name has).
    pub fn clinic(&self) -> Option<&crate::rules::Text> {
        self.0.clinic.as_ref()
    }

    /// The same calendar with the clinic's name `name`.
    ///
    /// ```
    /// use followup::{calendar::Calendar, rules::Text};
    /// let cal = Calendar::default().with_clinic(Text::new("维多利亚医美", "Victoria Clinic"))?;
    /// assert_eq!(cal.clinic().map(|n| n.en()), Some("Victoria Clinic"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] if the name is empty in one of its languages.
    pub fn with_clinic(mut self, name: crate::rules::Text) -> Result<Calendar> {
        self.0.clinic = Some(name);
        check::check(&self.0).map_err(|e| e.into_calendar("calendar"))?;
        Ok(self)
    }

    /// The opening hours, if the calendar gives them (`start` is the opening time, `end`
    /// the closing time).
    pub fn hours(&self) -> Option<TimeWindow> {
        self.0.hours.map(|h| h.window())
    }

    /// True if `date` is within the dates the calendar covers, or the calendar gives no
    /// coverage.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.0.covers.is_none_or(|c| c.contains(date))
    }

    /// The first and last dates the calendar covers, if it gives a coverage.
    pub fn coverage(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.0.covers.map(|c| (c.from.0, c.to.0))
    }

    /// What kind of day `date` is: a holiday wins over the weekend, and a make-up
    /// working day is one even on a Sunday.
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        if self.0.holidays.0.contains_key(&date) {
            DayKind::Holiday
        } else if self.0.workdays.0.contains_key(&date) {
            DayKind::MakeupWorkday
        } else if self.0.weekend.contains(date.weekday()) {
            DayKind::Weekend
        } else {
            DayKind::Workday
        }
    }

    /// The English name of the holiday on `date`, if it is one (the name, when the
    /// calendar gives one string for every language). [`Calendar::holiday`] has every
    /// language.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.0.holidays.0.get(&date).map(|n| n.en())
    }

    /// The name of the holiday on `date` in every language the calendar gives (one string
    /// is the same in all), if it is one.
    ///
    /// ```
    /// use followup::{calendar::Calendar, rules::Lang};
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let cn = Calendar::china(2026)?;
    /// let name = cn.holiday(d("2026-02-17")).unwrap();
    /// assert_eq!((name.get(Lang::Zh), name.get(Lang::En)), ("春节", "Spring Festival"));
    /// assert_eq!(cn.holiday(d("2026-03-02")), None);
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn holiday(&self, date: NaiveDate) -> Option<&crate::rules::Text> {
        self.0.holidays.0.get(&date)
    }

    /// The English name of the holiday a make-up working day on `date` makes up for, if it
    /// is one. [`Calendar::makeup_holiday`] has every language.
    pub fn makeup_for(&self, date: NaiveDate) -> Option<&str> {
        self.0.workdays.0.get(&date).map(|n| n.en())
    }

    /// The name, in every language the calendar gives, of the holiday a make-up working
    /// day on `date` makes up for, if it is one.
    ///
    /// ```
    /// use followup::{calendar::Calendar, rules::Lang};
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let cn = Calendar::china(2026)?;
    /// assert_eq!(cn.makeup_holiday(d("2026-02-14")).map(|t| t.zh()), Some("春节"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn makeup_holiday(&self, date: NaiveDate) -> Option<&crate::rules::Text> {
        self.0.workdays.0.get(&date)
    }

    /// True if the clinic is open on `date`.
    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.closed_reason(date).is_none()
    }

    /// Why `date` is closed, or `None` if it is open: the most specific reason, closed
    /// date before holiday before weekly closing day before weekend.
    pub fn closed_reason(&self, date: NaiveDate) -> Option<ShiftReason> {
        self.crew_closed(Crew::Clinic, date)
    }

    /// [`Calendar::closed_reason`] from the rules, without the table.
    fn closed_reason_by_rules(&self, date: NaiveDate) -> Option<ShiftReason> {
        let s = &self.0;
        if s.open_dates.0.contains(&date) {
            None
        } else if s.closed_dates.0.contains(&date) {
            Some(ShiftReason::ClosedDate)
        } else if s.closed_on_holidays && s.holidays.0.contains_key(&date) {
            Some(ShiftReason::Holiday)
        } else if s.closed_weekdays.contains(date.weekday()) {
            Some(ShiftReason::ClosedWeekday)
        } else if s.closed_on_weekends
            && s.weekend.contains(date.weekday())
            && !s.workdays.0.contains_key(&date)
        {
            Some(ShiftReason::Weekend)
        } else {
            None
        }
    }

    /// The first open day on or after (`forward`) or on or before `date`; `None` when
    /// there is none in the years 0001 to 9999, the years plans are written in (audit
    /// 86: a search from 9999-12-30 gave the year 10000, which no reader takes).
    ///
    /// # Properties
    ///
    /// Its cost does not grow with the calendar: runs of closed days that hold a listed
    /// date (a closed date, a closed holiday) are found when the calendar is made, and a
    /// search jumps over a run at once; the weekly rules close at most 6 days in a row
    /// (at least one weekday is open, checked when the calendar is made).
    pub fn nearest_open(&self, date: NaiveDate, forward: bool) -> Option<NaiveDate> {
        self.next_working(Crew::Clinic, date, forward, true)
            .filter(|d| (1..=9999).contains(&d.year()))
    }

    /// The first day on or after (`forward`), or on or before, `date` (`date` itself
    /// only when `inclusive`) on which `crew` works; `None` at the ends of the date range.
    pub(crate) fn next_working(
        &self,
        crew: Crew,
        date: NaiveDate,
        forward: bool,
        inclusive: bool,
    ) -> Option<NaiveDate> {
        let step = |d: NaiveDate| if forward { d.succ_opt() } else { d.pred_opt() };
        let mut d = if inclusive { date } else { step(date)? };
        // A jump lands outside a run; then at most 6 days of weekly closing, and the next
        // run is never adjacent: a handful of iterations.
        loop {
            if let Some((start, end)) = self.1.at(crew, d) {
                d = step(if forward { end } else { start })?;
                continue;
            }
            if self.works_crew(crew, d) {
                return Some(d);
            }
            d = step(d)?;
        }
    }

    /// Why a task on `channel` cannot be done on `date`, or `None` if its [`Crew`] works
    /// that day: visits, mail and internal work need the clinic open; calls need the
    /// call desk (the clinic's open days, changed by `call_desk`); messages go every day
    /// unless `messages` closes the day.
    ///
    /// ```
    /// use followup::{calendar::{Calendar, ShiftReason}, rules::Channel};
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let cal = Calendar::from_json("clinic.json", r#"{
    ///     "closed_dates": ["2026-02-17", "2026-02-20"],
    ///     "call_desk": {"open_dates": ["2026-02-20"]}
    /// }"#)?;
    /// assert_eq!(cal.closed_reason_for(Channel::InPerson, d("2026-02-20")), Some(ShiftReason::ClosedDate));
    /// assert_eq!(cal.closed_reason_for(Channel::Phone, d("2026-02-20")), None); // on duty
    /// assert_eq!(cal.closed_reason_for(Channel::Phone, d("2026-02-17")), Some(ShiftReason::ClosedDate));
    /// assert_eq!(cal.closed_reason_for(Channel::Sms, d("2026-02-17")), None);
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn closed_reason_for(&self, channel: Channel, date: NaiveDate) -> Option<ShiftReason> {
        self.crew_closed(Crew::of(channel), date)
    }

    /// True when the calendar is known to close no day to `crew` (a plan then has no
    /// task of it on a closed day to mark).
    pub(crate) fn never_closes(&self, crew: Crew) -> bool {
        self.2.never_closes(crew)
    }

    /// Why `crew` does not work on `date`, or `None` if it does.
    #[inline]
    pub(crate) fn crew_closed(&self, crew: Crew, date: NaiveDate) -> Option<ShiftReason> {
        match self.2.closed(crew, date) {
            Some(answer) => answer,
            None => self.crew_closed_by_rules(crew, date),
        }
    }

    /// [`Calendar::crew_closed`] from the rules, without the table.
    fn crew_closed_by_rules(&self, crew: Crew, date: NaiveDate) -> Option<ShiftReason> {
        match crew {
            Crew::Clinic => self.closed_reason_by_rules(date),
            Crew::CallDesk => match self.0.call_desk.says(date) {
                Some(true) => None,
                Some(false) => Some(ShiftReason::CallDeskClosed),
                None => self.closed_reason_by_rules(date),
            },
            Crew::Messages => match self.0.messages.says(date) {
                Some(false) => Some(ShiftReason::MessagesClosed),
                _ => None,
            },
        }
    }

    /// True if a task on `channel` can be done on `date` (see
    /// [`Calendar::closed_reason_for`]).
    pub fn works(&self, channel: Channel, date: NaiveDate) -> bool {
        self.closed_reason_for(channel, date).is_none()
    }

    /// True if `crew` works on `date`.
    pub(crate) fn works_crew(&self, crew: Crew, date: NaiveDate) -> bool {
        self.crew_closed(crew, date).is_none()
    }

    /// Whether `crew` works on `date`, and, if it does not, the run of closed days
    /// holding `date` (looked for only when the table does not rule it out).
    pub(crate) fn works_or_run(
        &self,
        crew: Crew,
        date: NaiveDate,
    ) -> (bool, Option<(NaiveDate, NaiveDate)>) {
        let (reason, may_run) = match self.2.day(crew, date) {
            Some(answer) => answer,
            None => (self.crew_closed_by_rules(crew, date), true),
        };
        match reason {
            None => (true, None),
            Some(_) => (false, may_run.then(|| self.1.at(crew, date)).flatten()),
        }
    }

    /// True when every run of closed days (of any crew) lies within `lo..=hi`: a move
    /// crosses a run in one step, so beyond them a task moves by a few weekdays at most.
    pub(crate) fn runs_within(&self, lo: NaiveDate, hi: NaiveDate) -> bool {
        [Crew::Clinic, Crew::CallDesk, Crew::Messages]
            .into_iter()
            .all(|c| self.1.extent(c).is_none_or(|(a, b)| lo <= a && b <= hi))
    }

    /// How many runs of closed days that hold a listed date `crew` has: a search crosses
    /// at most this many jumps, and 6 weekly closed days between two of them.
    pub(crate) fn run_count(&self, crew: Crew) -> usize {
        self.1.count(crew)
    }
}

impl Serialize for Calendar {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Reads the [JSON form](Calendar#json-form) and runs the same checks as
/// [`Calendar::from_json`]; a refused calendar's error message starts with the JSON
/// pointer of the offending value, counted from the calendar itself (a calendar nested in
/// a host's own struct: the host's path to it comes first, which `serde_path_to_error`
/// gives). The `"$schema"` key a file may start with is read past by
/// [`Calendar::from_json`] only: read calendar files with it.
impl<'de> Deserialize<'de> for Calendar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // A field's own error names its pointer too (audit 127: only the checks of the
        // whole calendar did).
        // An object only, as `Calendar::from_json` reads it (audit 136: serde's derive
        // took an array of the fields in order, `[null, ["Mon"], true]`).
        let crate::json::Object(spec): crate::json::Object<Spec> =
            serde_path_to_error::deserialize(d).map_err(|e| {
                let mut at = crate::json::pointer_of(e.path());
                let inner = e.into_inner().to_string();
                // A field given twice is the field's error, as `Calendar::from_json` says it
                // (audit 135: it was at the root, with no "expected").
                let twice = (inner.strip_prefix("duplicate field `"))
                    .and_then(|rest| rest.split_once('`'))
                    .map(|(name, _)| name.to_string());
                if let Some(name) = &twice {
                    crate::json::push_key(&mut at, name);
                }
                let at = if at.is_empty() {
                    "(root)".to_string()
                } else {
                    at
                };
                let expected = if twice.is_some() {
                    ": expected each field once"
                } else {
                    ""
                };
                serde::de::Error::custom(format!("{at}: {inner}{expected}"))
            })?;
        Calendar::checked(spec).map_err(|e| {
            let at = if e.pointer.is_empty() {
                "(root)"
            } else {
                &e.pointer
            };
            serde::de::Error::custom(format!("{at}: {}", e.message))
        })
    }
}
