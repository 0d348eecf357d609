//! A call the calendar crowded out by a staff-picked task after it (docs/domain.md §4: the
//! second follow-up, "on a date the consultant picks from the first call").
//!
//! A staff-picked task's rule day is the first day of a window, not a day of its own.
//! When a closure leaves the call before it no day short of that rule day, the lane
//! rule (a shifted call never reaches a later task's rule day) drops the call as
//! `superseded` by the picked task. That is right for two calls — the later script covers
//! the patient's later state — but not for a call and the window picked from it: after
//! Labour Day the lead would get the *second* follow-up and never the first. So, after
//! the second pass, the planner looks for such a call and plans the program a third time
//! with the two swapped: the call takes the day the picked task had, and the picked task
//! the next day its channel works after it (`after_earlier_call`), within its window and
//! before the next task of the lane. When either day breaks a bound of its step
//! (`expires`, `max_shift`, the anchor's side, a day another task holds), the second
//! pass's plan stands.

use super::shift::{add_days, within, Placed, Way};
use super::{AnchorDay, Planner};
use crate::calendar::ShiftReason;
use crate::compile::{Program, Step};
use crate::model::ClosedDay;
use crate::plan::dropped::What;
use crate::plan::task::DropReason;
use chrono::NaiveDate;
use std::cell::Cell;

/// The call and the staff-picked task swapped in the third pass.
#[derive(Debug)]
pub(super) struct Swap {
    /// The call: its step's slot, its rule day, and the day it takes.
    call: (u32, NaiveDate, NaiveDate),
    /// The picked task: its step's slot and rule day.
    picked: (u32, NaiveDate),
    /// The first day of the lane's next task after the picked one, which it stays before.
    before: Option<NaiveDate>,
    /// How many of the two took their day.
    taken: Cell<u8>,
    /// One of them could not.
    refused: Cell<bool>,
}

impl Swap {
    /// True if both took their day in the pass just run.
    pub(super) fn held(&self) -> bool {
        !self.refused.get() && self.taken.get() == 2
    }
}

impl Planner<'_> {
    /// After the second pass of `program` (its dropped occurrences from `dropped_from`):
    /// the first call superseded by the staff-picked task right after it in its lane.
    #[cold]
    pub(super) fn find_swap(&self, program: &Program, dropped_from: usize) -> Option<Swap> {
        let step_of = |slot: u32| program.steps.iter().find(|s| s.info.slot == slot);
        for d in self.plan.dropped.get(dropped_from..)? {
            let (DropReason::Superseded, What::Rules(slot, None), Some(rule_day), Some(by)) =
                (d.reason, &d.what, d.rule_day, d.detail.as_deref())
            else {
                continue;
            };
            let Some(call) = step_of(*slot).filter(|s| s.info.picked_by.is_none()) else {
                continue;
            };
            let (channel, lane) = (call.info.channel, call.lane_of(d.occurrence));
            let same_lane = |c, r| c == channel && r == lane;
            let picked = self.placed.iter().find(|t| {
                same_lane(t.channel, t.lane)
                    && t.rule_day > rule_day
                    && step_of(t.slot)
                        .is_some_and(|s| s.info.picked_by.is_some() && *s.info.step == *by)
            });
            let Some(picked) = picked else {
                continue;
            };
            // Nothing else of the lane has a rule day between them.
            let between = self.first_pass.iter().any(|n| {
                same_lane(n.channel, n.lane)
                    && n.rule_day > rule_day
                    && n.rule_day <= picked.rule_day
                    && n.slot != picked.slot
            });
            if between {
                continue;
            }
            let before = (self.placed.iter())
                .filter(|t| same_lane(t.channel, t.lane) && t.rule_day > picked.rule_day)
                .map(|t| t.due)
                .min();
            return Some(Swap {
                call: (*slot, rule_day, picked.due),
                picked: (picked.slot, picked.rule_day),
                before,
                taken: Cell::new(0),
                refused: Cell::new(false),
            });
        }
        None
    }

    /// In the third pass, the day of the swapped call or picked task (`None` for any other
    /// occurrence, and for one that cannot take its day: the swap is then refused).
    #[cold]
    #[inline(never)]
    pub(super) fn place_swapped(
        &self,
        step: &Step,
        anchor: &AnchorDay,
        rule_day: NaiveDate,
        expires: Option<NaiveDate>,
    ) -> Option<Placed> {
        let swap = self.swap.as_ref()?;
        let slot = step.info.slot;
        let is_call = (slot, rule_day) == (swap.call.0, swap.call.1);
        if !is_call && (slot, rule_day) != swap.picked {
            return None;
        }
        let placed = if is_call {
            let day = (swap.call.2, swap.picked.1);
            self.call_day(step, anchor, rule_day, expires, day)
        } else {
            self.picked_day(step, anchor, rule_day, expires, swap)
        };
        match placed {
            Some(_) => swap.taken.set(swap.taken.get() + 1),
            None => swap.refused.set(true),
        }
        placed
    }

    /// The call on `day`, the picked task's day in the second pass (`picked` its rule
    /// day), if every bound of its step allows it.
    fn call_day(
        &self,
        step: &Step,
        anchor: &AnchorDay,
        rule_day: NaiveDate,
        expires: Option<NaiveDate>,
        (day, picked): (NaiveDate, NaiveDate),
    ) -> Option<Placed> {
        let channel = step.info.channel;
        let reason = self.cal.closed_reason_for(channel, rule_day)?;
        let b = self.bounds(step, anchor, expires);
        let (lo, _) = self.gap_bounds(channel, step.lane_of(self.placing), self.lane_key(rule_day));
        let ok = step.closed_day != ClosedDay::Keep
            && day > rule_day
            && within(day, b.lo, b.hi)
            && lo.is_none_or(|l| day >= l)
            && step
                .max_shift
                .is_none_or(|m| (day - rule_day).num_days() <= m)
            && self.cal.works(channel, day)
            // The picked task's own day is the call's to take: the picked task moves on.
            && !self.taken_but(channel, day, (step.lane_of(self.placing), self.lane_key(rule_day)), Some(picked));
        ok.then_some(Placed::Day(day, Some(reason)))
    }

    /// The picked task on the first day its channel works after the call's, within its
    /// window, its bounds and its gap, and before the lane's next task.
    fn picked_day(
        &self,
        step: &Step,
        anchor: &AnchorDay,
        rule_day: NaiveDate,
        expires: Option<NaiveDate>,
        swap: &Swap,
    ) -> Option<Placed> {
        let channel = step.info.channel;
        let call_day = swap.call.2;
        let b = self.bounds(step, anchor, expires);
        let (gap_lo, gap_hi) =
            self.gap_bounds(channel, step.lane_of(self.placing), self.lane_key(rule_day));
        let his = [
            b.hi,
            gap_hi,
            add_days(rule_day, step.latest),
            swap.before.and_then(|d| d.pred_opt()),
            step.max_shift.and_then(|m| add_days(rule_day, m)),
        ];
        let hi = his.into_iter().flatten().min();
        let los = [b.lo, gap_lo, call_day.succ_opt(), Some(rule_day)];
        let lo = los.into_iter().flatten().max();
        let day = self.search(
            channel,
            call_day,
            Way::Forward,
            lo,
            hi,
            None,
            Some((step.lane_of(self.placing), self.lane_key(rule_day))),
        )?;
        Some(Placed::Day(day, Some(ShiftReason::AfterEarlierCall)))
    }
}
