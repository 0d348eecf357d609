//! Closed days as a table, built when a calendar is made: for each crew, one byte per day
//! over the span of the calendar's listed dates (the reason the crew does not work, or
//! open) and one per weekday for the days outside it. A lookup is an index, whatever the
//! calendar's length; a crew the calendar closes on no day at all costs one test. A day
//! also says whether it is in a run of closed days ([`super::runs`]), so a search looks
//! for a run only on the days that are in one.
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
    /// Day number (from the common era) of `days[0]`.
    first: i32,
    /// The closed reason's code, plus [`IN_RUN`] for a day in a run of closed days.
    days: Box<[u8]>,
    /// By weekday from Monday, for the days outside `days`.
    weekly: [u8; 7],
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
            let (first, days) = match span {
                None => (0, Box::default()),
                Some((lo, hi)) => {
                    let mut days = Vec::new();
                    let mut d = Some(lo);
                    while let Some(day) = d.filter(|x| *x <= hi) {
                        days.push(code(cal.crew_closed_by_rules(crew, day)));
                        d = day.succ_opt();
                    }
                    (lo.num_days_from_ce(), days.into_boxed_slice())
                }
            };
            Crewed {
                always: weekly.iter().chain(days.iter()).all(|c| *c == 0),
                first,
                days,
                weekly,
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
            let mut day = NaiveDate::from_num_days_from_ce_opt(c.first);
            for code in c.days.iter_mut() {
                let Some(d) = day else { break };
                if *code != 0 && runs.at(crew, d).is_some() {
                    *code |= IN_RUN;
                }
                day = d.succ_opt();
            }
        }
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
        let at = date
            .num_days_from_ce()
            .checked_sub(c.first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| c.days.get(i));
        let (code, may_run) = match at {
            Some(code) => (*code & !IN_RUN, *code & IN_RUN != 0),
            None => (
                c.weekly[date.weekday().num_days_from_monday() as usize],
                true,
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
        let mut runs = 0;
        for cal in [Calendar::default(), clinic, china, merged] {
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
