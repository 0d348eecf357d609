//! The days of the milestones a program's texts name (`{visit:suture_removal}`): the
//! dates the episode gives, else the default day as the calendar moved it — the day the
//! patient comes in, which a call on another day tells them.

use super::{AnchorDay, Planner};
use crate::compile::Program;
use crate::episode::Dates;
use crate::offset::{Landing, MonthEnd};
use chrono::NaiveDate;
use std::sync::Arc;

/// A milestone of a program as the plan found it: (the ranks of the program's steps,
/// the milestone's index, its days). Kept for the walk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Found<'a> {
    ranks: (u32, u32),
    milestone: u8,
    pub days: Days<'a>,
}

/// A milestone's days: given by the episode, or its default day (moved or not).
#[derive(Debug, Clone, Copy)]
pub(super) enum Days<'a> {
    Given(&'a Dates),
    Default(AnchorDay),
    /// Neither given nor a default that lands.
    None,
}

impl<'a> Planner<'a> {
    /// Works out, once per plan, the days of the milestones the texts of `programs`
    /// name, for the tasks' texts to be filled with.
    pub(super) fn visits<'p>(&mut self, programs: impl Iterator<Item = &'p Program>) {
        let mut visits = super::fill::Visits::default();
        let event = self.ep.date();
        let mut kept = 0;
        for program in programs.filter(|p| p.visits != 0) {
            for (i, ms) in program.milestones.iter().enumerate() {
                let Ok(index) = u8::try_from(i) else { break };
                if program.visits & 1u64.checked_shl(u32::from(index)).unwrap_or(0) == 0 {
                    continue;
                }
                let days = match self.ep.milestone(&ms.name) {
                    Some(dates) => {
                        // In the episode's order: a step counted from the milestone
                        // numbers its occurrences so.
                        for (k, &d) in dates.0.iter().enumerate() {
                            let k = u32::try_from(k).unwrap_or(u32::MAX);
                            visits.push((program.ranks, index, d, k));
                        }
                        Days::Given(dates)
                    }
                    None => match ms.default.map(|o| (o, o.apply(event, MonthEnd::Clamp))) {
                        Some((default, Landing::Date(d))) => {
                            let a = self.visit_day(ms, &default, d);
                            visits.push((program.ranks, index, a.day, 0));
                            let known = self.cal.covers(d) && self.cal.covers(a.day);
                            self.unsure_visits |=
                                !known && ms.closed_day != crate::model::ClosedDay::Keep;
                            Days::Default(a)
                        }
                        _ => Days::None,
                    },
                };
                if let Some(slot) = self.milestones_found.get_mut(kept) {
                    *slot = Some(Found {
                        ranks: program.ranks,
                        milestone: index,
                        days,
                    });
                    kept += 1;
                }
            }
        }
        if visits.is_empty() {
            return;
        }
        // No task holds the subject yet: it is this plan's alone.
        if let Some(fill) = Arc::get_mut(&mut self.subject).and_then(|s| s.fill.as_mut()) {
            fill.visits = visits;
        }
    }

    /// The first day of `program`'s milestone `m` as the plan has it (a step's `until`):
    /// the earliest date the episode gives, else its default day as the calendar moved
    /// it; `None` when neither is there.
    pub(super) fn milestone_day(&self, program: &Program, m: usize) -> Option<NaiveDate> {
        let ms = program.milestones.get(m)?;
        match self.found(program, m) {
            Some(Days::Given(dates)) => return dates.0.iter().min().copied(),
            Some(Days::Default(a)) => return Some(a.day),
            Some(Days::None) => return None,
            None => {}
        }
        if let Some(dates) = self.ep.milestone(&ms.name) {
            return dates.0.iter().min().copied();
        }
        let default = ms.default?;
        match default.apply(self.ep.date(), MonthEnd::Clamp) {
            Landing::Date(d) => Some(self.visit_day(ms, &default, d).day),
            _ => None,
        }
    }

    /// True when a text of `step` names the day of a visit of `program` the calendar may
    /// still move — its default day, or the day it moved to, outside the calendar's
    /// coverage — so the day the text names may change (audits 143, 144: a day-6 call on
    /// 31 December telling the patient the sutures come out tomorrow, New Year's Day,
    /// past a calendar of one year, was not flagged; the reminder of that visit was).
    #[inline(always)]
    pub(super) fn names_unsure_visit(
        &self,
        program: &Program,
        step: &crate::compile::Step,
    ) -> bool {
        // Almost always none: every visit inside the coverage, or no coverage given.
        if !self.unsure_visits {
            return false;
        }
        let Some(bits) = (step.info.templates.as_ref())
            .map(|t| t.visits)
            .filter(|b| *b != 0)
        else {
            return false;
        };
        self.unsure_visit_named(program, bits)
    }

    #[cold]
    #[inline(never)]
    fn unsure_visit_named(&self, program: &Program, bits: u64) -> bool {
        (self.milestones_found.iter().flatten())
            .filter(|f| f.ranks == program.ranks)
            .filter(|f| bits & 1u64.checked_shl(u32::from(f.milestone)).unwrap_or(0) != 0)
            .any(|f| match f.days {
                // A visit the episode gives is booked: its day does not move.
                Days::Given(_) | Days::None => false,
                Days::Default(a) => {
                    let keeps = (program.milestones.get(usize::from(f.milestone)))
                        .is_none_or(|ms| ms.closed_day == crate::model::ClosedDay::Keep);
                    let from = a.moved.map_or(a.day, |(from, _)| from);
                    let known = self.cal.covers(from) && self.cal.covers(a.day);
                    !keeps && !known
                }
            })
    }

    /// What [`Planner::visits`] found of `program`'s milestone `m`, if it looked.
    pub(super) fn found(&self, program: &Program, m: usize) -> Option<Days<'a>> {
        (self.milestones_found.iter().flatten())
            .find(|f| f.ranks == program.ranks && usize::from(f.milestone) == m)
            .map(|f| f.days)
    }
}
