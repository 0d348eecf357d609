//! A call made ends the earlier calls of its lane still open (audit 232: the next-morning
//! call of a lead stayed overdue work for days after the consultant had made the day-3
//! follow-up and agreed the next date with the lead).
//!
//! Calls of one program, episode and role keep the order of their rule days (the lanes of
//! docs/rule-format.md, "Calls of one program never pile up"). When the history records a
//! later call of the lane done, an earlier one still open is worth doing until the day
//! before it at the latest: the later call's script covers the patient's later state. It
//! stays in the plan, not done: past that day it is `expired` (compliance counts it not
//! done, as it was), not overdue work to make with yesterday's script. Its supervisor's
//! check ends with it, as when a fact ends the call.

use super::{Derived, Plan};
use crate::history::OutcomeKind;
use crate::rules::Channel;
use chrono::NaiveDate;

impl Plan {
    /// Cuts the days of the calls a later call of their lane overtook. `lane_of`: a
    /// task's lane (its step's role, and the fact it counts from: a step counted from a
    /// fact is a lane of its own, audit 243 — a key customer's callback was ended by the
    /// request's resolution call).
    pub(super) fn overtaken_calls(
        &mut self,
        lane_of: impl Fn(&super::Task) -> Option<crate::compile::LaneRole>,
    ) {
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
                            && lane_of(m).is_some_and(|l| Some(l) == lane_of(t))
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
        if cuts.is_empty() {
            return;
        }
        // The occurrences overtaken, by (program, step, episode, occurrence).
        let mut ended: Vec<(String, String, String, u32, NaiveDate)> = Vec::new();
        for (i, last) in cuts {
            if let Some(t) = self.tasks.get_mut(i) {
                t.expires = Some(last);
                t.latest = t.latest.min(last);
                let key = (t.program().to_string(), t.step().to_string());
                ended.push((key.0, key.1, t.episode().to_string(), t.occurrence, last));
            }
        }
        // Its supervisor's check ends with it, as with a fact that ends the call (audit
        // 236: the check of an overtaken call stayed open work for a week, then missed):
        // one due after the call's last day is left out, unless the history recorded it
        // (the supervisor did it); one due by then is worth doing until that day.
        let last_of = |t: &super::Task| {
            let supervisor = matches!(t.derived, Some(Derived::Overdue | Derived::Escalation));
            (ended.iter())
                .filter(|(program, step, episode, occurrence, _)| {
                    supervisor
                        && *program == *t.program()
                        && *step == *t.step()
                        && *episode == *t.episode()
                        && *occurrence == t.occurrence
                })
                .map(|e| e.4)
                .min()
        };
        self.tasks.retain_mut(|t| {
            let Some(last) = last_of(t) else {
                return true;
            };
            if t.is_closed() {
                return true;
            }
            if t.due > last && t.record.is_none() {
                return false;
            }
            let last = last.max(t.due);
            t.expires = Some(t.expires.map_or(last, |e| e.min(last)));
            t.latest = t.latest.min(last);
            true
        });
    }
}
