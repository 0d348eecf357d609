//! Repeat rules expanded on dates alone: the shapes the programs use (DAILY, WEEKLY,
//! MONTHLY or YEARLY with INTERVAL, COUNT, BYMONTH, BYMONTHDAY and BYDAY, every weekday
//! or the nth of the month or year) give the same dates as `rrule` without building its
//! iterator for every anchor. Anything else (BYSETPOS, BYYEARDAY, BYWEEKNO, a WKST other
//! than Monday in a weekly rule of INTERVAL past 1, an nth weekday in a daily or weekly
//! rule, a mix of both BYDAY forms) stays with `rrule`.
//!
//! The expansion follows `rrule` 0.14 (after python-dateutil): periods of the rule's
//! frequency from the start's own period on, every `INTERVAL`th; in each period the days
//! that pass every BY filter, in order, from the start on; at most 99,999 periods in a
//! row without a date, and no year after 10,000. The property test below compares both
//! over random shapes and starts.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rrule::{Frequency, NWeekday, RRule, Unvalidated};

/// `rrule`'s guard: this many periods in a row without a date end the expansion.
const MAX_EMPTY_PERIODS: u32 = 100_000;
/// `rrule`'s last year.
const LAST_YEAR: i32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A rule in a shape the date-only path expands.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    freq: Freq,
    interval: u32,
    count: Option<u32>,
    /// Bit `m` for month `m` (1–12); 0: every month.
    months: u16,
    /// BYMONTHDAY as written (none zero); empty: no filter.
    month_days: Vec<i8>,
    /// Bit `n` for weekday `n` days from Monday; 0: no filter.
    weekdays: u8,
    /// The nth weekdays of the month (or of the year, for YEARLY without BYMONTH).
    nth: Vec<(i16, Weekday)>,
    /// No BYMONTHDAY and no BYDAY: the start's own day (or weekday, or month and day)
    /// stands in, as in `rrule`.
    defaulted: bool,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        _ => 28,
    }
}

/// The first day of the month `k` months after the month that begins on `first` (by
/// year and month: cheaper than chrono's month addition, which clamps days).
fn first_of_month_after(first: NaiveDate, k: u64) -> Option<NaiveDate> {
    let index = i64::from(first.year()) * 12 + i64::from(first.month0()) + i64::try_from(k).ok()?;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month0 = u32::try_from(index.rem_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(year, month0 + 1, 1)
}

impl Shape {
    /// The shape of `rule`, if the date-only path knows it.
    pub(crate) fn of(rule: &RRule<Unvalidated>) -> Option<Shape> {
        let freq = match rule.get_freq() {
            Frequency::Daily => Freq::Daily,
            Frequency::Weekly => Freq::Weekly,
            Frequency::Monthly => Freq::Monthly,
            Frequency::Yearly => Freq::Yearly,
            _ => return None,
        };
        if !rule.get_by_set_pos().is_empty()
            || !rule.get_by_year_day().is_empty()
            || !rule.get_by_week_no().is_empty()
            || !rule.get_by_hour().is_empty()
            || !rule.get_by_minute().is_empty()
            || !rule.get_by_second().is_empty()
            || rule.get_until().is_some()
            // The week's first day counts only for weeks taken in steps of more than one
            // (BYWEEKNO goes to `rrule` above): "FREQ=DAILY;…;WKST=SU" takes this path.
            || (rule.get_week_start() != Weekday::Mon
                && matches!(freq, Freq::Weekly)
                && rule.get_interval() > 1)
            || rule.get_interval() == 0
        {
            return None;
        }
        let mut months = 0u16;
        for &m in rule.get_by_month() {
            if !(1..=12).contains(&m) {
                return None;
            }
            months |= 1 << m;
        }
        let month_days = rule.get_by_month_day().to_vec();
        if month_days
            .iter()
            .any(|d| *d == 0 || !(-31..=31).contains(d))
        {
            return None;
        }
        let (mut weekdays, mut nth) = (0u8, Vec::new());
        for w in rule.get_by_weekday() {
            match *w {
                NWeekday::Every(d) => weekdays |= 1 << d.num_days_from_monday(),
                NWeekday::Nth(n, d) => nth.push((n, d)),
            }
        }
        // Both forms at once, or an nth weekday in a daily or weekly rule: `rrule`.
        if (weekdays != 0 && !nth.is_empty())
            || (!nth.is_empty() && matches!(freq, Freq::Daily | Freq::Weekly))
            || nth.iter().any(|(n, _)| *n == 0)
        {
            return None;
        }
        Some(Shape {
            freq,
            interval: u32::from(rule.get_interval()),
            count: rule.get_count(),
            months,
            defaulted: month_days.is_empty() && weekdays == 0 && nth.is_empty(),
            month_days,
            weekdays,
            nth,
        })
    }

    /// The dates from `start` (none after `until`), at most `most`; `None` when the start
    /// is outside the years this path handles (then `rrule` answers, errors included).
    pub(crate) fn expand(
        &self,
        start: NaiveDate,
        until: Option<NaiveDate>,
        most: usize,
    ) -> Option<Vec<NaiveDate>> {
        if !(1..=9_999).contains(&start.year()) {
            return None;
        }
        // The defaults `rrule` fills in from the start.
        let (mut months, mut weekdays) = (self.months, self.weekdays);
        let start_day = [i8::try_from(start.day()).ok()?];
        let mut month_days: &[i8] = &self.month_days;
        if self.defaulted {
            match self.freq {
                Freq::Yearly => {
                    if months == 0 {
                        months = 1 << start.month();
                    }
                    month_days = &start_day;
                }
                Freq::Monthly => month_days = &start_day,
                Freq::Weekly => weekdays = 1 << start.weekday().num_days_from_monday(),
                Freq::Daily => {}
            }
        }
        let mut run = Run {
            start,
            until,
            most,
            left: self.count,
            out: Vec::new(),
            done: false,
        };
        if run.left == Some(0) || most == 0 {
            return Some(run.out);
        }
        let filter = Filter {
            months,
            month_days,
            weekdays,
        };
        let mut nth_days: Vec<NaiveDate> = Vec::new();
        let mut empty = 0u32;
        let step = self.interval;
        let mut period: u32 = 0;
        // The first day of the start's own week (weeks start on Monday).
        let monday =
            start.checked_sub_days(Days::new(u64::from(start.weekday().num_days_from_monday())))?;
        let first_month = start.with_day(1)?;
        while !run.done {
            empty += 1;
            if empty >= MAX_EMPTY_PERIODS {
                break;
            }
            let before = run.out.len();
            let k = u64::from(period) * u64::from(step);
            match self.freq {
                Freq::Daily => {
                    let Some(d) = start.checked_add_days(Days::new(k)) else {
                        break;
                    };
                    if d.year() > LAST_YEAR {
                        break;
                    }
                    if filter.keeps(d) {
                        run.push(d);
                    }
                }
                Freq::Weekly => {
                    let Some(first) = monday.checked_add_days(Days::new(k.checked_mul(7)?)) else {
                        break;
                    };
                    if first.year() > LAST_YEAR {
                        break;
                    }
                    for i in 0..7 {
                        let Some(d) = first.checked_add_days(Days::new(i)) else {
                            break;
                        };
                        if filter.keeps(d) {
                            run.push(d);
                            if run.done {
                                break;
                            }
                        }
                    }
                }
                Freq::Monthly => {
                    let Some(first) = first_of_month_after(first_month, k) else {
                        break;
                    };
                    if first.year() > LAST_YEAR {
                        break;
                    }
                    if !self.nth.is_empty() {
                        nth_days.clear();
                        let last = first.with_day(days_in_month(first.year(), first.month()))?;
                        self.nth_in(first, last, &mut nth_days);
                    }
                    filter.month(first, &nth_days, !self.nth.is_empty(), &mut run);
                }
                Freq::Yearly => {
                    let year = i64::from(start.year()) + i64::try_from(k).ok()?;
                    if year > i64::from(LAST_YEAR) {
                        break;
                    }
                    let year = i32::try_from(year).ok()?;
                    if !self.nth.is_empty() {
                        nth_days.clear();
                        if months == 0 {
                            let (a, b) = (
                                NaiveDate::from_ymd_opt(year, 1, 1)?,
                                NaiveDate::from_ymd_opt(year, 12, 31)?,
                            );
                            self.nth_in(a, b, &mut nth_days);
                        } else {
                            for m in 1..=12u32 {
                                if months & (1 << m) != 0 {
                                    let a = NaiveDate::from_ymd_opt(year, m, 1)?;
                                    let b = a.with_day(days_in_month(year, m))?;
                                    self.nth_in(a, b, &mut nth_days);
                                }
                            }
                        }
                    }
                    for m in 1..=12u32 {
                        if run.done {
                            break;
                        }
                        if months != 0 && months & (1 << m) == 0 {
                            continue;
                        }
                        let first = NaiveDate::from_ymd_opt(year, m, 1)?;
                        filter.month(first, &nth_days, !self.nth.is_empty(), &mut run);
                    }
                }
            }
            if run.out.len() > before {
                empty = 0;
            }
            period = period.checked_add(1)?;
        }
        Some(run.out)
    }

    /// The nth weekdays of the days `first..=last`, added to `out`.
    fn nth_in(&self, first: NaiveDate, last: NaiveDate, out: &mut Vec<NaiveDate>) {
        for &(n, wd) in &self.nth {
            let day = if n > 0 {
                let gap =
                    (7 + wd.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
                first.checked_add_days(Days::new(
                    u64::from(gap) + 7 * (u64::from(n.unsigned_abs()) - 1),
                ))
            } else {
                let gap =
                    (7 + last.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
                last.checked_sub_days(Days::new(
                    u64::from(gap) + 7 * (u64::from(n.unsigned_abs()) - 1),
                ))
            };
            if let Some(d) = day.filter(|d| (first..=last).contains(d)) {
                out.push(d);
            }
        }
    }
}

/// The BY filters of one expansion.
struct Filter<'a> {
    months: u16,
    month_days: &'a [i8],
    weekdays: u8,
}

impl Filter<'_> {
    /// The month-day bits of a month of `len` days: bit `d` for day `d`.
    fn month_day_bits(&self, len: u32) -> u32 {
        let mut bits = 0u32;
        for &n in self.month_days {
            let d = if n > 0 {
                u32::from(n.unsigned_abs())
            } else {
                (len + 1).saturating_sub(u32::from(n.unsigned_abs()))
            };
            if (1..=len).contains(&d) {
                bits |= 1 << d;
            }
        }
        bits
    }

    /// Whether day `d` passes the filters (daily and weekly rules: no nth weekdays).
    fn keeps(&self, d: NaiveDate) -> bool {
        (self.months == 0 || self.months & (1 << d.month()) != 0)
            && (self.weekdays == 0
                || self.weekdays & (1 << d.weekday().num_days_from_monday()) != 0)
            && (self.month_days.is_empty()
                || self.month_day_bits(days_in_month(d.year(), d.month())) & (1 << d.day()) != 0)
    }

    /// The days of the month that begins on `first` passing the filters, in order, into
    /// `run`.
    fn month(&self, first: NaiveDate, nth: &[NaiveDate], by_nth: bool, run: &mut Run) {
        if self.months != 0 && self.months & (1 << first.month()) == 0 {
            return;
        }
        let len = days_in_month(first.year(), first.month());
        let all = if len == 31 {
            u32::MAX
        } else {
            (1u32 << (len + 1)) - 1
        };
        let mut bits = all & !1;
        if !self.month_days.is_empty() {
            bits &= self.month_day_bits(len);
        }
        if self.weekdays != 0 {
            let w1 = first.weekday().num_days_from_monday();
            let mut wbits = 0u32;
            for d in 1..=len {
                if self.weekdays & (1 << ((w1 + d - 1) % 7)) != 0 {
                    wbits |= 1 << d;
                }
            }
            bits &= wbits;
        }
        if by_nth {
            let mut nbits = 0u32;
            for d in nth {
                if d.year() == first.year() && d.month() == first.month() {
                    nbits |= 1 << d.day();
                }
            }
            bits &= nbits;
        }
        while bits != 0 && !run.done {
            let d = bits.trailing_zeros();
            bits &= bits - 1;
            if let Some(day) = first.with_day(d) {
                run.push(day);
            }
        }
    }
}

/// The dates of one expansion so far.
struct Run {
    start: NaiveDate,
    until: Option<NaiveDate>,
    most: usize,
    left: Option<u32>,
    out: Vec<NaiveDate>,
    done: bool,
}

impl Run {
    fn push(&mut self, d: NaiveDate) {
        if d < self.start {
            return;
        }
        if self.until.is_some_and(|u| d > u) {
            self.done = true;
            return;
        }
        self.out.push(d);
        if let Some(left) = &mut self.left {
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.done = true;
            }
        }
        if self.out.len() >= self.most {
            self.done = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::repeat::Repeat;
    use crate::limits::Limits;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn rule() -> impl Strategy<Value = String> {
        let freq = prop::sample::select(vec!["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);
        let interval = prop::option::of(1u32..5);
        let count = prop::option::of(1u32..25);
        let months = prop::collection::btree_set(1u32..=12, 0..4);
        let month_days = prop::collection::btree_set(prop_oneof![1i32..=31, -31i32..=-1], 0..4);
        let days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
        let weekdays = prop::collection::btree_set(0usize..7, 0..3);
        let nth = prop::collection::btree_set(
            (prop_oneof![1i32..=5, -5i32..=-1, 1i32..=53], 0usize..7),
            0..3,
        );
        let kind = 0u8..3;
        let wkst = prop::option::of(0usize..7);
        (
            freq, interval, count, months, month_days, weekdays, nth, kind, wkst,
        )
            .prop_map(
                move |(freq, interval, count, months, month_days, weekdays, nth, kind, wkst)| {
                    let mut parts = vec![format!("FREQ={freq}")];
                    // WKST changes nothing but weeks counted in steps of more than one.
                    if let Some(w) =
                        wkst.filter(|_| freq != "WEEKLY" || interval.is_none_or(|i| i == 1))
                    {
                        parts.push(format!("WKST={}", days[w]));
                    }
                    if let Some(i) = interval {
                        parts.push(format!("INTERVAL={i}"));
                    }
                    if let Some(c) = count {
                        parts.push(format!("COUNT={c}"));
                    }
                    if !months.is_empty() {
                        let m: Vec<String> = months.iter().map(|m| m.to_string()).collect();
                        parts.push(format!("BYMONTH={}", m.join(",")));
                    }
                    if !month_days.is_empty() && kind != 2 {
                        let m: Vec<String> = month_days.iter().map(|m| m.to_string()).collect();
                        parts.push(format!("BYMONTHDAY={}", m.join(",")));
                    }
                    match kind {
                        1 if !weekdays.is_empty() => {
                            let w: Vec<&str> = weekdays.iter().map(|w| days[*w]).collect();
                            parts.push(format!("BYDAY={}", w.join(",")));
                        }
                        2 if !nth.is_empty() && matches!(freq, "MONTHLY" | "YEARLY") => {
                            let w: Vec<String> = nth
                                .iter()
                                .map(|(n, w)| format!("{n}{}", days[*w]))
                                .collect();
                            parts.push(format!("BYDAY={}", w.join(",")));
                        }
                        _ => {}
                    }
                    parts.join(";")
                },
            )
    }

    fn day() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2040, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
            NaiveDate::from_ymd_opt(y, m, d)
                .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
                .unwrap_or_default()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]
        /// The date-only path gives exactly `rrule`'s dates (or the same error), with and
        /// without a horizon.
        #[test]
        fn date_only_expansion_is_rrule(text in rule(), start in day(), days in 0u64..2_000) {
            let limits = Limits::default();
            // Rules `rrule` refuses never reach planning.
            let Ok(parsed) = text.parse::<rrule::RRule<rrule::Unvalidated>>() else { return Ok(()) };
            if parsed.clone().build(chrono::TimeZone::from_utc_datetime(&rrule::Tz::UTC, &start.and_hms_opt(0, 0, 0).unwrap_or_default())).is_err() {
                return Ok(());
            }
            let repeat = Repeat::for_test(&text, parsed);
            prop_assert!(repeat.has_fast(), "{text} should take the date-only path");
            let until = start + chrono::Days::new(days);
            if repeat.count.is_some() {
                prop_assert_eq!(repeat.dates(start, &limits), repeat.rrule_only_dates(start, &limits), "{} from {}", text, start);
            }
            prop_assert_eq!(repeat.dates_until(start, until, &limits), repeat.rrule_only_dates_until(start, until, &limits), "{} from {} until {}", text, start, until);
        }
    }

    /// A week that starts on another day than Monday matters only to weekly rules of an
    /// interval past one: those, and those alone, go to `rrule`.
    #[test]
    fn a_week_start_sends_only_weekly_steps_of_weeks_to_rrule() {
        for (text, fast) in [
            ("FREQ=DAILY;BYMONTHDAY=13;BYDAY=FR;WKST=SU;COUNT=3", true),
            ("FREQ=WEEKLY;BYDAY=TU,SA;WKST=SU;COUNT=4", true),
            ("FREQ=MONTHLY;BYDAY=2SU;WKST=TH;COUNT=4", true),
            ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU;COUNT=4", false),
        ] {
            let parsed: rrule::RRule<rrule::Unvalidated> = text.parse().unwrap();
            assert_eq!(Repeat::for_test(text, parsed).has_fast(), fast, "{text}");
        }
    }

    /// The shapes the built-in programs use.
    #[test]
    fn builtin_shapes_take_the_date_only_path() {
        for text in [
            "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6",
            "FREQ=YEARLY;BYMONTH=5;BYDAY=2SU",
            "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=10",
            "FREQ=DAILY;INTERVAL=3;COUNT=10",
        ] {
            let parsed = text.parse().unwrap();
            assert!(Repeat::for_test(text, parsed).has_fast(), "{text}");
        }
    }
}
