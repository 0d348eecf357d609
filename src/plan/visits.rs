//! The days of the milestones a program's texts name (`{visit:suture_removal}`): the
//! dates the episode gives, else the default day as the calendar moved it — the day the
//! patient comes in, which a call on another day tells them.

use super::Planner;
use crate::compile::Program;
use crate::offset::{Landing, MonthEnd};
use std::sync::Arc;

impl Planner<'_> {
    /// Works out, once per plan, the days of the milestones the texts of `programs`
    /// name, for the tasks' texts to be filled with.
    pub(super) fn visits<'p>(&mut self, programs: impl Iterator<Item = &'p Program>) {
        let mut visits = super::fill::Visits::default();
        let event = self.ep.date();
        for program in programs.filter(|p| p.visits != 0) {
            for (i, ms) in program.milestones.iter().enumerate() {
                let Ok(index) = u8::try_from(i) else { break };
                if program.visits & 1u64.checked_shl(u32::from(index)).unwrap_or(0) == 0 {
                    continue;
                }
                match self.ep.milestone(&ms.name) {
                    Some(dates) => {
                        let mut days = std::borrow::Cow::Borrowed(&dates.0);
                        if !days.is_sorted() {
                            days.to_mut().sort_unstable();
                        }
                        for &d in days.iter() {
                            visits.push((program.ranks, index, d));
                        }
                    }
                    None => {
                        if let Some((default, Landing::Date(d))) =
                            ms.default.map(|o| (o, o.apply(event, MonthEnd::Clamp)))
                        {
                            let day = self.visit_day(ms, &default, d).day;
                            visits.push((program.ranks, index, day));
                        }
                    }
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
}
