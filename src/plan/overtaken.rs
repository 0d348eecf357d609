//! A call made ends the earlier calls of its lane still open (audit 232: the next-morning
//! call of a lead stayed overdue work for days after the consultant had made the day-3
//! follow-up and agreed the next date with the lead).
//!
//! Calls of one program, episode and role keep the order of their rule days (the lanes of
//! docs/rule-format.md, "Calls of one program never pile up"). When the history records a
//! later call of the lane done, an earlier one still open is worth doing until the day
//! before it at the latest: the later call's script covers the patient's later state. It
//! stays in the plan, not done: past that day it is `expired` (compliance counts it not
//! done, as it was), not overdue work to make with yesterday's script.

use super::{Derived, Plan};
use crate::history::OutcomeKind;
use crate::rules::Channel;
use chrono::NaiveDate;

impl Plan {
    /// Cuts the days of the calls a later call of their lane overtook.
    pub(super) fn overtaken_calls(&mut self) {
        // The calls made: their lane, their rule day and the day they were made.
        // A refusal is not one: it ends the calls at its moment (a call missed before it
        // is worth doing until it), as a `declined` fact.
        let made: Vec<(usize, NaiveDate, NaiveDate)> = (self.tasks.iter().enumerate())
            .filter(|(_, t)| t.channel() == Channel::Phone)
            .filter_map(|(i, t)| {
                let r = t.record.as_ref().filter(|r| r.closed)?;
                let call = matches!(r.outcome, OutcomeKind::Done | OutcomeKind::AbnormalRecovery);
                call.then(|| (i, t.nominal, r.at.date()))
            })
            .collect();
        if made.is_empty() {
            return;
        }
        let mut cuts: Vec<(usize, NaiveDate)> = Vec::new();
        for (i, t) in self.tasks.iter().enumerate() {
            let own = matches!(t.derived, None | Some(Derived::Attempt(_)));
            if !own || t.channel() != Channel::Phone || t.is_closed() {
                continue;
            }
            let last = (made.iter())
                .filter(|(j, nominal, _)| {
                    self.tasks.get(*j).is_some_and(|m| {
                        *nominal > t.nominal
                            && m.episode() == t.episode()
                            && m.program() == t.program()
                            && m.role() == t.role()
                    })
                })
                .filter_map(|(_, _, day)| day.pred_opt())
                .min();
            // Never before its own day: a task is due on a day it is worth doing.
            if let Some(last) = last.map(|d| d.max(t.due))
                && t.expires.is_none_or(|e| last < e)
            {
                cuts.push((i, last));
            }
        }
        for (i, last) in cuts {
            if let Some(t) = self.tasks.get_mut(i) {
                t.expires = Some(last);
                t.latest = t.latest.min(last);
            }
        }
    }
}
