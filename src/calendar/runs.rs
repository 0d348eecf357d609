//! Runs of closed days, precomputed per crew when a calendar is made: a search for a day
//! a crew works jumps over a whole run at once, so its cost does not grow with the
//! calendar's length (80,000 closed dates in a row cost one binary search, not 80,000
//! steps).
//!
//! A run is a maximal stretch of consecutive days the crew does not work that holds at
//! least one listed date (a closed date, a closed holiday, a date the call desk or the
//! messages are closed). Stretches closed by the weekly rules alone are at most 6 days
//! long (the checks keep one weekday open) and are walked.

use super::{Calendar, Crew};
use chrono::NaiveDate;

/// The runs of each crew, sorted, disjoint and not adjacent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Runs {
    clinic: Vec<(NaiveDate, NaiveDate)>,
    call_desk: Vec<(NaiveDate, NaiveDate)>,
    messages: Vec<(NaiveDate, NaiveDate)>,
}

impl Runs {
    /// The runs of `cal`, whose checks passed (one weekday open for each crew).
    pub(super) fn of(cal: &Calendar) -> Runs {
        let s = &cal.0;
        let mut clinic: Vec<NaiveDate> = s.closed_dates.0.iter().copied().collect();
        if s.closed_on_holidays {
            clinic.extend(s.holidays.0.keys().copied());
        }
        let mut desk = clinic.clone();
        desk.extend(s.call_desk.closed_dates.0.iter().copied());
        let messages: Vec<NaiveDate> = s.messages.closed_dates.0.iter().copied().collect();
        Runs {
            clinic: build(cal, Crew::Clinic, clinic),
            call_desk: build(cal, Crew::CallDesk, desk),
            messages: build(cal, Crew::Messages, messages),
        }
    }

    fn of_crew(&self, crew: Crew) -> &[(NaiveDate, NaiveDate)] {
        match crew {
            Crew::Clinic => &self.clinic,
            Crew::CallDesk => &self.call_desk,
            Crew::Messages => &self.messages,
        }
    }

    /// The run holding `d`, if any.
    pub(super) fn at(&self, crew: Crew, d: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let runs = self.of_crew(crew);
        let i = runs.partition_point(|(start, _)| *start <= d);
        let run = *runs.get(i.checked_sub(1)?)?;
        (d <= run.1).then_some(run)
    }

    /// The first day of the crew's first run and the last of its last, if it has any.
    pub(super) fn extent(&self, crew: Crew) -> Option<(NaiveDate, NaiveDate)> {
        let runs = self.of_crew(crew);
        Some((runs.first()?.0, runs.last()?.1))
    }

    /// How many runs the crew has.
    pub(super) fn count(&self, crew: Crew) -> usize {
        self.of_crew(crew).len()
    }
}

/// The runs of `crew` through the `listed` dates (any order, repeats allowed).
fn build(cal: &Calendar, crew: Crew, mut listed: Vec<NaiveDate>) -> Vec<(NaiveDate, NaiveDate)> {
    listed.sort_unstable();
    listed.dedup();
    let closed = |d: NaiveDate| !cal.works_crew(crew, d);
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for d in listed {
        if runs.last().is_some_and(|(_, end)| d <= *end) || !closed(d) {
            continue;
        }
        let mut start = d;
        while let Some(p) = start.pred_opt().filter(|p| closed(*p)) {
            start = p;
        }
        let mut end = d;
        while let Some(n) = end.succ_opt().filter(|n| closed(*n)) {
            end = n;
        }
        // A run found backwards may reach into the previous one: they are one run.
        match runs.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => runs.push((start, end)),
        }
    }
    runs
}
