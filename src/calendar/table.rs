//! Closed days as a table, built when a calendar is made: for each crew, one byte per day
//! over the span of the calendar's listed dates (the reason the crew does not work, or
//! open), found from the date's year and day of the year (366 slots a year), and one per
//! weekday for the days outside it. A lookup is an index, whatever the
//! calendar's length; a crew the calendar closes on no day at all costs one test. A day
//! also says whether it is in a run of closed days ([`super::runs`]), so a search looks
//! for a run only on the days that are in one (outside the span: only between the first
//! and the last run).
//!
//! The table is filled by asking the calendar's rules themselves
//! ([`Calendar::crew_closed_by_rules`]) for every day of the span and for a week outside
//! it, so both always agree. A calendar whose listed dates span more than
//! [`MOST_DAYS`] days keeps answering from its rules.

use super::{Calendar, Crew, ShiftReason};
use chrono::{Datelike, Days, NaiveDate};
use std::sync::Arc;

/// The longest span (about 270 years) a table covers: 3 bytes a day.
const MOST_DAYS: i64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Table(Option<Arc<[Crewed; 3]>>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Crewed {
    /// The crew works every day.
    always: bool,
    /// The first day of `days`, and its [`key`].
    start: NaiveDate,
    first: i32,
    /// By [`key`] from `first`: the closed reason's code, plus [`IN_RUN`] for a day in a
    /// run of closed days (the 366th day of a common year is a slot no date takes).
    days: Box<[u8]>,
    /// By weekday from Monday, for the days outside `days`.
    weekly: [u8; 7],
    /// The first and last day of the crew's runs of closed days (`None`: it has none):
    /// outside `days`, only a day between them may be in one. Until the runs are
    /// marked, every day.
    runs: Option<(NaiveDate, NaiveDate)>,
}

/// A date's place in the table: 366 slots a year, from the day of the year. Two fields
/// of the date, with no day count from the common era to compute.
#[inline]
fn key(d: NaiveDate) -> i32 {
    // The day of the year is below 366: the product and sum stay far inside `i32` for
    // every year chrono can represent (|year| < 2^18).
    d.year() * 366 + d.ordinal0() as i32
}

/// The bit of a day's code saying it is in a run of closed days.
const IN_RUN: u8 = 0x80;

const REASONS: [ShiftReason; 6] = [
    ShiftReason::ClosedWeekday,
    ShiftReason::ClosedDate,
    ShiftReason::Holiday,
    ShiftReason::Weekend,
    ShiftReason::CallDeskClosed,
    ShiftReason::MessagesClosed,
];

fn code(r: Option<ShiftReason>) -> u8 {
    match r {
        None => 0,
        Some(r) => REASONS
            .iter()
            .position(|x| *x == r)
            .and_then(|i| u8::try_from(i + 1).ok())
            .unwrap_or(u8::MAX),
    }
}

fn crew_index(crew: Crew) -> usize {
    match crew {
        Crew::Clinic => 0,
        Crew::CallDesk => 1,
        Crew::Messages => 2,
    }
}

impl Table {
    /// The table of `cal`, or none when its listed dates span too many days.
    pub(super) fn of(cal: &Calendar) -> Table {
        let s = &cal.0;
        let listed = s
            .open_dates
            .0
            .iter()
            .chain(&s.closed_dates.0)
            .chain(s.holidays.0.keys())
            .chain(s.workdays.0.keys())
            .chain(&s.call_desk.open_dates.0)
            .chain(&s.call_desk.closed_dates.0)
            .chain(&s.messages.open_dates.0)
            .chain(&s.messages.closed_dates.0);
        let (mut lo, mut hi) = (None::<NaiveDate>, None::<NaiveDate>);
        for d in listed {
            lo = Some(lo.map_or(*d, |l| l.min(*d)));
            hi = Some(hi.map_or(*d, |h| h.max(*d)));
        }
        let span = match (lo, hi) {
            (Some(lo), Some(hi)) => {
                if (hi - lo).num_days() >= MOST_DAYS {
                    return Table(None);
                }
                Some((lo, hi))
            }
            _ => None,
        };
        // A week no listed date is in: the week before the span, or after it.
        let week_start = match span {
            None => NaiveDate::from_ymd_opt(2001, 1, 1),
            Some((lo, hi)) => lo
                .checked_sub_days(Days::new(7))
                .or_else(|| hi.checked_add_days(Days::new(1))),
        };
        let Some(week_start) = week_start else {
            return Table(None);
        };
        let mut weekdays = Vec::with_capacity(7);
        for i in 0..7 {
            let Some(d) = week_start.checked_add_days(Days::new(i)) else {
                return Table(None);
            };
            weekdays.push(d);
        }
        let crewed = |crew: Crew| -> Crewed {
            let mut weekly = [0u8; 7];
            for d in &weekdays {
                weekly[d.weekday().num_days_from_monday() as usize] =
                    code(cal.crew_closed_by_rules(crew, *d));
            }
            let (start, first, days) = match span {
                None => (NaiveDate::MIN, 0, Box::default()),
                Some((lo, hi)) => {
                    let first = key(lo);
                    let len = usize::try_from(key(hi) - first + 1).unwrap_or(0);
                    let mut days = vec![0u8; len];
                    let mut d = Some(lo);
                    while let Some(day) = d.filter(|x| *x <= hi) {
                        let i = usize::try_from(key(day) - first).ok();
                        if let Some(slot) = i.and_then(|i| days.get_mut(i)) {
                            *slot = code(cal.crew_closed_by_rules(crew, day));
                        }
                        d = day.succ_opt();
                    }
                    (lo, first, days.into_boxed_slice())
                }
            };
            Crewed {
                always: weekly.iter().chain(days.iter()).all(|c| *c == 0),
                start,
                first,
                days,
                weekly,
                runs: Some((NaiveDate::MIN, NaiveDate::MAX)),
            }
        };
        Table(Some(Arc::new([
            crewed(Crew::Clinic),
            crewed(Crew::CallDesk),
            crewed(Crew::Messages),
        ])))
    }

    /// Marks the days of the span that are in one of `runs`: called once, when the
    /// calendar is made, after its runs.
    pub(super) fn mark_runs(&mut self, runs: &super::runs::Runs) {
        let Some(table) = self.0.as_mut().and_then(Arc::get_mut) else {
            return;
        };
        for (crew, c) in [Crew::Clinic, Crew::CallDesk, Crew::Messages]
            .into_iter()
            .zip(table.iter_mut())
        {
            c.runs = runs.extent(crew);
            let mut day = Some(c.start);
            while let Some(d) = day {
                let at = usize::try_from(key(d) - c.first).ok();
                let Some(code) = at.and_then(|k| c.days.get_mut(k)) else {
                    break;
                };
                if *code != 0 && runs.at(crew, d).is_some() {
                    *code |= IN_RUN;
                }
                day = d.succ_opt();
            }
        }
    }

    /// True when the table says `crew` works every day.
    pub(super) fn never_closes(&self, crew: Crew) -> bool {
        self.0
            .as_deref()
            .is_some_and(|c| c[crew_index(crew)].always)
    }

    /// Why `crew` does not work on `date`: `Some(None)` if it works, `None` when there is
    /// no table (then the rules answer).
    #[inline]
    pub(super) fn closed(&self, crew: Crew, date: NaiveDate) -> Option<Option<ShiftReason>> {
        self.day(crew, date).map(|(reason, _)| reason)
    }

    /// [`Table::closed`], and whether the day may be in a run of closed days: `false`
    /// for a day of the span in none (the days outside the span may be).
    #[inline]
    pub(super) fn day(&self, crew: Crew, date: NaiveDate) -> Option<(Option<ShiftReason>, bool)> {
        let c = &self.0.as_deref()?[crew_index(crew)];
        if c.always {
            return Some((None, false));
        }
        let at = usize::try_from(key(date).wrapping_sub(c.first))
            .ok()
            .and_then(|i| c.days.get(i));
        let (code, may_run) = match at {
            Some(code) => (*code & !IN_RUN, *code & IN_RUN != 0),
            None => (
                c.weekly[date.weekday().num_days_from_monday() as usize],
                c.runs.is_some_and(|(lo, hi)| lo <= date && date <= hi),
            ),
        };
        Some(match code {
            0 => (None, false),
            n => (REASONS.get(usize::from(n) - 1).copied(), may_run),
        })
    }
}

#[cfg(test)]
#[cfg(feature = "china-calendars")]
mod tests {
    use super::super::{Calendar, Crew};
    use chrono::NaiveDate;

    /// The table answers as the rules do, inside the span of listed dates and outside.
    #[test]
    fn the_table_answers_as_the_rules() {
        let clinic = Calendar::from_json(
            "clinic",
            r#"{"closed_weekdays": ["Mon"], "closed_on_weekends": true,
                "closed_dates": ["2026-03-10"], "open_dates": ["2026-03-16"],
                "call_desk": {"open_dates": ["2026-02-17"], "closed_dates": ["2026-03-11"]},
                "messages": {"closed_weekdays": ["Sun"], "open_dates": ["2026-03-15"]}}"#,
        )
        .unwrap();
        let china = Calendar::china_years(2020..=2026).unwrap();
        let merged = china.merge(&clinic).unwrap();
        for cal in [Calendar::default(), clinic, china, merged] {
            assert!(cal.2 .0.is_some());
            let mut d = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
            while d < NaiveDate::from_ymd_opt(2029, 1, 1).unwrap() {
                for crew in [Crew::Clinic, Crew::CallDesk, Crew::Messages] {
                    assert_eq!(
                        cal.crew_closed(crew, d),
                        cal.crew_closed_by_rules(crew, d),
                        "{crew:?} {d}"
                    );
                }
                d = d.succ_opt().unwrap();
            }
        }
    }

    /// A search finds the same run of closed days with the table's marks as by looking
    /// in the runs for every closed day, inside the span of listed dates and outside.
    #[test]
    fn the_table_marks_the_days_in_runs() {
        let clinic = Calendar::from_json(
            "clinic",
            r#"{"closed_weekdays": ["Mon"], "closed_dates": ["2026-03-10", "2026-03-14"],
                "call_desk": {"closed_dates": ["2026-03-11"]},
                "messages": {"closed_dates": ["2026-03-15", "2026-03-16"]}}"#,
        )
        .unwrap();
        let china = Calendar::china_years(2020..=2026).unwrap();
        let merged = china.merge(&clinic).unwrap();
        let merged_into_clinic = clinic.merge(&china).unwrap();
        // One listed date, its run reaching past it by the weekly closings on both sides:
        // days outside the table's span that are in a run (Friday 13 and Sunday 15).
        let edge = Calendar::from_json(
            "edge",
            r#"{"closed_weekdays": ["Fri", "Sun"], "closed_dates": ["2026-03-14"]}"#,
        )
        .unwrap();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let run = Some((day("2026-03-13"), day("2026-03-15")));
        for d in ["2026-03-13", "2026-03-14", "2026-03-15"] {
            assert_eq!(edge.works_or_run(Crew::Clinic, day(d)), (false, run), "{d}");
        }
        assert_eq!(
            edge.works_or_run(Crew::Clinic, day("2026-03-20")),
            (false, None)
        );
        let mut runs = 0;
        for cal in [
            Calendar::default(),
            clinic,
            china,
            merged,
            merged_into_clinic,
            edge,
        ] {
            let mut d = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
            while d < NaiveDate::from_ymd_opt(2029, 1, 1).unwrap() {
                for crew in [Crew::Clinic, Crew::CallDesk, Crew::Messages] {
                    let works = cal.works_crew(crew, d);
                    let run = (!works).then(|| cal.1.at(crew, d)).flatten();
                    assert_eq!(cal.works_or_run(crew, d), (works, run), "{crew:?} {d}");
                    runs += usize::from(run.is_some());
                }
                d = d.succ_opt().unwrap();
            }
        }
        // The calendars have runs: the marks were put to the test.
        assert!(runs > 500, "{runs}");
    }
}

/// The table against the rules on random calendars: any span (across year ends, leap
/// days, centuries), any mix of listed dates and weekly closings, every crew.
#[cfg(test)]
mod properties {
    use super::super::{Calendar, Crew};
    use chrono::{Days, NaiveDate};
    use proptest::prelude::*;

    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    fn days(start: NaiveDate, offsets: &[u64]) -> Vec<String> {
        (offsets.iter())
            .filter_map(|o| start.checked_add_days(Days::new(*o)))
            .map(|d| d.to_string())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_table_answers_as_the_rules_on_any_calendar(
            year in 1590i32..2410,
            day_of_year in 0u64..366,
            // Offsets from the start: closed dates, holidays, make-up days, open dates,
            // the call desk's and the messages' closed dates (disjoint: taken in turn).
            offsets in proptest::collection::vec(0u64..900, 0..40),
            closed_weekdays in proptest::collection::vec(0usize..7, 0..3),
            desk_weekdays in proptest::collection::vec(0usize..7, 0..2),
            message_weekdays in proptest::collection::vec(0usize..7, 0..2),
            weekends in any::<bool>(),
            holidays_closed in any::<bool>(),
        ) {
            let start = NaiveDate::from_yo_opt(year, 1).unwrap() + Days::new(day_of_year);
            let mut offsets = offsets;
            offsets.sort_unstable();
            offsets.dedup();
            let part = |k: usize| -> Vec<u64> {
                offsets.iter().copied().skip(k).step_by(6).collect()
            };
            let names = |list: &[usize]| -> Vec<&str> {
                list.iter().filter_map(|i| WEEKDAYS.get(*i).copied()).collect()
            };
            let holidays: serde_json::Map<String, serde_json::Value> = days(start, &part(1))
                .into_iter()
                .map(|d| (d, "节日".into()))
                .collect();
            let workdays: serde_json::Map<String, serde_json::Value> = days(start, &part(2))
                .into_iter()
                .map(|d| (d, "节日".into()))
                .collect();
            let json = serde_json::json!({
                "closed_weekdays": names(&closed_weekdays),
                "closed_on_weekends": weekends,
                "closed_on_holidays": holidays_closed,
                "closed_dates": days(start, &part(0)),
                "holidays": holidays,
                "workdays": workdays,
                "open_dates": days(start, &part(3)),
                "call_desk": {"closed_dates": days(start, &part(4)),
                              "closed_weekdays": names(&desk_weekdays)},
                "messages": {"closed_dates": days(start, &part(5)),
                             "closed_weekdays": names(&message_weekdays)},
            });
            // Some mixes break a rule of the format (every weekday closed): not a table.
            let Ok(cal) = Calendar::from_json("random", &json.to_string()) else {
                return Ok(());
            };
            let mut d = start - Days::new(20);
            let end = start + Days::new(930);
            while d <= end {
                for crew in [Crew::Clinic, Crew::CallDesk, Crew::Messages] {
                    prop_assert_eq!(cal.crew_closed(crew, d), cal.crew_closed_by_rules(crew, d));
                    let works = cal.crew_closed_by_rules(crew, d).is_none();
                    let run = (!works).then(|| cal.1.at(crew, d)).flatten();
                    prop_assert_eq!(cal.works_or_run(crew, d), (works, run), "{:?} {}", crew, d);
                }
                d = d.succ_opt().unwrap();
            }
        }
    }
}
