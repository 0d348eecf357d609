//! The passes over one program: a second pass when the calendar moved a task onto or
//! past another of its lane, the superseders named and forgotten, and the attempts that
//! passed the next call of their lane.

use super::*;

impl Planner<'_> {
    /// Plans a program. When a task shifted by the calendar shares its day with another
    /// task of the program on the same channel, or passes one, plans it again with the
    /// first pass's tasks as neighbours: each shifted task then stays strictly between the
    /// rule days of its neighbours and off their days, or is superseded by the next one
    /// (see [`shift`]).
    pub(super) fn program_twice_if_needed(&mut self, program: &Program) -> Result<()> {
        let (tasks, dropped) = (self.plan.tasks.len(), self.plan.dropped.len());
        let ignored = self.ledger.as_ref().map_or(0, |l| l.ignored.len());
        let explained = self.why_count();
        self.shifted = 0;
        self.first_pass.clear();
        self.unplaced.clear();
        self.placed.clear();
        self.lanes.reset(&[], &[]);
        self.defer_recorded = self.ledger.is_some();
        self.recorded_dropped = false;
        self.pushed_then_stopped = false;
        self.new_chain = false;
        self.chain_moved = false;
        self.chains = program.chained;
        self.forgotten.clear();
        self.superseded_until.clear();
        if let Some(l) = self.ledger.as_mut() {
            l.moved_attempts.clear();
            l.superseded_attempts.clear();
        }
        let marks = (tasks, dropped, ignored, explained);
        self.program(program)?;
        if self.shifted == 0
            || (order::in_order(&self.placed)
                && !self.pushed_then_stopped
                && !self.passes_unplaced())
        {
            if self.recorded_dropped {
                self.defer_recorded = false;
                self.pass_again(program, marks)?;
            }
            self.attempts_in_lanes(program, marks)?;
            self.name_superseders(program, dropped);
            return Ok(());
        }
        self.first_pass = self.placed.iter().map(Neighbour::of).collect();
        self.first_pass.append(&mut self.unplaced);
        self.first_anchors = std::mem::take(&mut self.anchors);
        let mut planned = self.pass_again(program, marks);
        // A call crowded out by the staff-picked task after it: a third pass swaps them,
        // kept if both take their days, else the second pass again (picked.rs). A
        // recorded occurrence still crowded out then keeps its rule's day.
        let swap = planned.is_ok().then(|| self.find_swap(program, dropped));
        self.defer_recorded = false;
        if let Some(swap) = swap.flatten() {
            self.swap = Some(swap);
            planned = self.pass_again(program, marks);
            if !self.swap.as_ref().is_some_and(picked::Swap::held) {
                self.swap = None;
                planned = self.pass_again(program, marks);
            }
            self.swap = None;
        } else if planned.is_ok() && self.recorded_dropped {
            planned = self.pass_again(program, marks);
        }
        if planned.is_ok() && self.shifted != 0 && self.new_in_second_pass() {
            planned = self.third_pass(program, marks);
        }
        // Each recount moves the next link of a chain: as many as the chain is long (audit
        // 156: a step two links down counted from its parent's day before the recount).
        for _ in 0..program.steps.len() {
            if !(planned.is_ok() && self.chain_moved) {
                break;
            }
            planned = self.recount_chains(program, marks);
        }
        // A call superseded by a neighbour this pass did not keep (a fact stopped it, or
        // it had no day within its `max_shift`): nothing supersedes it
        // (docs/rule-format.md, audit 47) — planned again without that neighbour.
        for _ in 0..2 {
            if planned.is_err() || !self.forget_unkept_superseders(program, dropped) {
                break;
            }
            planned = self.pass_again(program, marks);
            // A call kept once its unkept superseder is forgotten moves what counts from
            // it (audit 170: a step counted from the first pass's day of its parent).
            for _ in 0..program.steps.len() {
                if !(planned.is_ok() && self.chain_moved) {
                    break;
                }
                planned = self.recount_chains(program, marks);
            }
        }
        if planned.is_ok() {
            planned = self.attempts_in_lanes(program, marks);
        }
        self.name_superseders(program, dropped);
        self.first_pass.clear();
        self.first_anchors.clear();
        planned
    }

    /// A task the first pass did not plan at all (a callback counted from a promised
    /// callback the first pass dropped, which the second pass kept) had no neighbours in
    /// the second pass, and may have passed another's rule day there (audit of 6 December:
    /// two calls of one lane on one Sunday): the program is planned once more with the
    /// second pass's tasks as neighbours too.
    #[cold]
    #[inline(never)]
    fn third_pass(&mut self, program: &Program, marks: (usize, usize, usize, usize)) -> Result<()> {
        let known = |first: &[Neighbour], slot: u32, rule_day: NaiveDate| {
            first
                .iter()
                .any(|n| n.slot == slot && n.rule_day == rule_day)
        };
        let placed = (self.placed.iter())
            .filter(|t| !known(&self.first_pass, t.slot, t.rule_day))
            .map(Neighbour::of);
        let unplaced = (self.unplaced.iter())
            .filter(|u| !known(&self.first_pass, u.slot, u.rule_day))
            .cloned();
        let new: Vec<Neighbour> = placed.chain(unplaced).collect();
        self.first_pass.extend(new);
        self.unplaced.clear();
        self.pass_again(program, marks)
    }

    /// A step counted from another counts from its day "after any calendar shift"
    /// (docs/rule-format.md); a later pass counts from the first pass's day, so that the
    /// rule days stay those the first pass ordered. When a later pass gave an anchor
    /// another day (a call superseded in the second pass let the next one take an
    /// earlier day), the program is planned once more with that pass's days: its tasks as
    /// neighbours, its anchors as the days chains count from (audit 46: a follow-up two
    /// days after a call came three days after it).
    #[cold]
    #[inline(never)]
    fn recount_chains(
        &mut self,
        program: &Program,
        marks: (usize, usize, usize, usize),
    ) -> Result<()> {
        // The steps counted from another change their rule days: planned first with the
        // other tasks as neighbours only, then once more with all of them if they broke
        // the order.
        let chained: Vec<u32> = (program.steps.iter())
            .filter(|s| matches!(s.anchor, crate::compile::Anchor::Step(_)))
            .map(|s| s.info.slot)
            .collect();
        self.first_pass = self.neighbours_of_this_pass();
        self.first_pass.retain(|n| !chained.contains(&n.slot));
        self.first_anchors = std::mem::take(&mut self.anchors);
        self.chain_moved = false;
        self.unplaced.clear();
        self.pass_again(program, marks)?;
        if order::in_order(&self.placed) && !self.passes_unplaced() {
            return Ok(());
        }
        self.first_pass = self.neighbours_of_this_pass();
        self.unplaced.clear();
        self.pass_again(program, marks)
    }

    /// The tasks this pass placed and the occurrences it could not, as neighbours.
    fn neighbours_of_this_pass(&self) -> Vec<Neighbour> {
        let placed = self.placed.iter().map(Neighbour::of);
        placed.chain(self.unplaced.iter().cloned()).collect()
    }

    /// Drops from the neighbours those that superseded a call of this pass (the dropped
    /// occurrences from `dropped_from`) and were not kept themselves: the lane's
    /// neighbours after the call and before its next kept task. True if any was dropped.
    #[cold]
    #[inline(never)]
    fn forget_unkept_superseders(&mut self, program: &Program, dropped_from: usize) -> bool {
        if self.first_pass.is_empty() {
            return false;
        }
        // Sorted keys, searched by halves: a lane of many calls crowded onto one open day
        // drops hundreds `superseded`, and comparing each with each neighbour and each
        // other drop cost the cube of their number (audit 166: 1,830 calls, a second a plan).
        let mut kept: Vec<(u32, NaiveDate)> =
            self.placed.iter().map(|t| (t.slot, t.rule_day)).collect();
        kept.sort_unstable();
        let drops = self.plan.dropped.get(dropped_from..).unwrap_or_default();
        let superseded_drops = || {
            drops
                .iter()
                .filter_map(|d| match (d.reason, &d.what, d.rule_day) {
                    (DropReason::Superseded, dropped::What::Rules(slot, None), Some(rule_day)) => {
                        Some((*slot, rule_day, d.occurrence))
                    }
                    _ => None,
                })
        };
        let mut superseded: Vec<(u32, NaiveDate)> =
            superseded_drops().map(|(s, day, _)| (s, day)).collect();
        if superseded.is_empty() {
            return false;
        }
        superseded.sort_unstable();
        // A neighbour superseded in its turn may come back once what superseded it is
        // forgotten: it stays (audit 50: a first follow-up superseded by a second one
        // dropped for its `max_shift` was forgotten with it). Only neighbours neither kept
        // nor superseded can be forgotten.
        let candidates: Vec<usize> = (self.first_pass.iter().enumerate())
            .filter(|(_, n)| {
                let key = (n.slot, n.rule_day);
                kept.binary_search(&key).is_err() && superseded.binary_search(&key).is_err()
            })
            .map(|(i, _)| i)
            .collect();
        let mut marked = vec![false; self.first_pass.len()];
        for (slot, rule_day, occurrence) in superseded_drops() {
            let Some(step) = program.steps.iter().find(|s| s.info.slot == slot) else {
                continue;
            };
            let (channel, lane) = (step.info.channel, step.lane_of(occurrence));
            let later =
                |c: Channel, l: LaneRole, n: NaiveDate| c == channel && l == lane && n > rule_day;
            // The next kept task of the lane: the neighbours before it were not kept.
            let next_kept = (self.placed.iter())
                .filter(|t| later(t.channel, t.lane, t.rule_day))
                .map(|t| t.rule_day)
                .min();
            for &i in &candidates {
                if let Some(n) = self.first_pass.get(i)
                    && later(n.channel, n.lane, n.rule_day)
                    && next_kept.is_none_or(|k| n.rule_day < k)
                {
                    marked[i] = true;
                }
            }
        }
        let mut forget: Vec<(u32, NaiveDate)> = (self.first_pass.iter().zip(&marked))
            .filter(|(_, m)| **m)
            .map(|(n, _)| (n.slot, n.rule_day))
            .collect();
        if forget.is_empty() {
            return false;
        }
        forget.sort_unstable();
        forget.dedup();
        // As they were dropped: the next pass drops them again, before they can take a
        // day from the call they no longer hold off (audit 50: a promised callback a
        // resolution stopped on the reopening day came back on its closed rule day).
        for d in drops {
            if let (dropped::What::Rules(slot, None), Some(rule_day)) = (&d.what, d.rule_day)
                && forget.binary_search(&(*slot, rule_day)).is_ok()
            {
                (self.forgotten).push((*slot, rule_day, d.reason, d.detail.clone()));
            }
        }
        self.first_pass
            .retain(|n| forget.binary_search(&(n.slot, n.rule_day)).is_err());
        true
    }

    /// How a forgotten occurrence (`slot`, `rule_day`) was dropped, if it was.
    #[cold]
    #[inline(never)]
    pub(super) fn forgotten_drop(
        &self,
        slot: u32,
        rule_day: NaiveDate,
    ) -> Option<(DropReason, Option<Arc<str>>)> {
        (self.forgotten.iter())
            .find(|(s, n, ..)| *s == slot && *n == rule_day)
            .map(|(_, _, reason, detail)| (*reason, detail.clone()))
    }

    /// True when the second pass planned occurrences counted from one the first pass
    /// dropped, and the program's tasks are out of order, or one passes an unplaced one's
    /// rule day.
    fn new_in_second_pass(&self) -> bool {
        self.new_chain
            && !self.first_pass.is_empty()
            && (!order::in_order(&self.placed) || self.passes_unplaced())
    }

    /// True when a task the first pass placed landed on or past the rule day of a task
    /// of its lane that it then left no day (two reminders before the event: the first
    /// took the event's day, past the second's rule day, and the second had none left;
    /// audit 38): the second pass plans both with that rule day in view.
    fn passes_unplaced(&self) -> bool {
        !self.unplaced.is_empty()
            && self.unplaced.iter().any(|u| {
                (self.placed.iter()).any(|p| {
                    p.channel == u.channel
                        && p.lane == u.lane
                        && ((p.rule_day < u.rule_day && p.due >= u.rule_day)
                            || (p.rule_day > u.rule_day && p.due <= u.rule_day))
                })
            })
    }

    /// The first pass decides a call crowded out before the later calls of its lane are
    /// planned: its `superseded` drop is named after the lane's next task here, as the
    /// second pass names it. When no later task of its lane is kept (a purchase stopped
    /// the only one), nothing supersedes it: the days an earlier call holds were its only
    /// days before it expires, and it is dropped as `expired` (audit 31).
    fn name_superseders(&mut self, program: &Program, dropped_from: usize) {
        let step_of = |slot: u32| program.steps.iter().find(|s| s.info.slot == slot);
        for i in dropped_from..self.plan.dropped.len() {
            let Some(d) = self.plan.dropped.get(i) else {
                break;
            };
            // Every `superseded` drop, named or not: the call named in a pass may have
            // been dropped in its turn (audit 51: a day-1 call named the day-3 call the
            // day-6 call superseded); the next kept call of its lane is what supersedes it.
            let (reason, dropped::What::Rules(slot, None), Some(rule_day)) =
                (d.reason, &d.what, d.rule_day)
            else {
                continue;
            };
            let Some(step) = step_of(*slot) else {
                continue;
            };
            let (channel, lane) = (step.info.channel, step.lane_of(d.occurrence));
            if reason == DropReason::Expired {
                self.superseded_if_before(i, (*slot, rule_day), (channel, lane));
                continue;
            }
            if reason != DropReason::Superseded {
                continue;
            }
            let next = (self.placed.iter())
                .filter(|t| t.channel == channel && t.lane == lane && t.rule_day > rule_day)
                .min_by_key(|t| t.rule_day)
                .map(|t| (t.slot, t.rule_day));
            let Some((name, next_day)) = next.and_then(|(n, day)| Some((self.step_id(n)?, day)))
            else {
                self.nothing_supersedes(i, channel, None);
                continue;
            };
            // The later task's day comes after the last day it could take (audit 142 A2:
            // a call expiring before it was "superseded" by it when the program had one,
            // `expired` when not).
            let until = (self.superseded_until.iter())
                .find(|(s, day, _)| s == slot && *day == rule_day)
                .map(|(.., until)| *until);
            if let Some(until) = until.filter(|u| *u < next_day) {
                self.nothing_supersedes(i, channel, Some((until, next_day)));
                continue;
            }
            let tracing = self.tracing();
            if let Some(d) = self.plan.dropped.get_mut(i) {
                // The explanation's header names it too (audit 178: the call named in a
                // pass, which the plan did not keep).
                let id = tracing.then(|| d.id());
                d.detail = Some(name.clone());
                if let Some(id) = id {
                    self.why_result(&id, || format!("dropped: superseded ({name})"), true);
                }
            }
        }
    }

    /// An `expired` drop (the `i`th, occurrence `slot` on `rule_day`) whose every day to
    /// its last was closed: a later call of its lane kept, due by its rule on or before
    /// that last day, supersedes it — the next call's rule day counts, not whether it is
    /// open (docs/rule-format.md; audit 164: `expired` unless an earlier call held a day
    /// behind it).
    #[cold]
    #[inline(never)]
    fn superseded_if_before(
        &mut self,
        i: usize,
        (slot, rule_day): (u32, NaiveDate),
        (channel, lane): (crate::model::Channel, LaneRole),
    ) {
        let Some(until) = (self.superseded_until.iter())
            .find(|(s, day, _)| *s == slot && *day == rule_day)
            .map(|(.., until)| *until)
        else {
            return;
        };
        let next = (self.placed.iter())
            .filter(|t| t.channel == channel && t.lane == lane && t.rule_day > rule_day)
            .min_by_key(|t| t.rule_day)
            .filter(|t| t.rule_day <= until)
            .map(|t| (t.slot, t.rule_day));
        let Some((name, next_day)) = next.and_then(|(n, day)| Some((self.step_id(n)?, day))) else {
            return;
        };
        let tracing = self.tracing();
        let Some(d) = self.plan.dropped.get_mut(i) else {
            return;
        };
        d.reason = DropReason::Superseded;
        d.detail = Some(name.clone());
        if tracing {
            let id = d.id();
            self.why_also(&id, || {
                format!(
                    "the next call of its lane, {name}, is due by its rule on {}, on or before the last day it could take, {}: it supersedes it",
                    explain::day(next_day),
                    explain::day(until)
                )
            });
            self.why_result(&id, || format!("dropped: superseded ({name})"), true);
        }
    }

    /// A `superseded` drop (the `i`th) with no later task of its lane kept, or none due
    /// before the last day it could take (`until`, the next task's day): `expired`.
    #[cold]
    #[inline(never)]
    fn nothing_supersedes(
        &mut self,
        i: usize,
        channel: crate::model::Channel,
        past: Option<(NaiveDate, NaiveDate)>,
    ) {
        let tracing = self.tracing();
        let cal = self.cal;
        let Some(d) = self.plan.dropped.get_mut(i) else {
            return;
        };
        d.reason = DropReason::Expired;
        // The closure that moved it, as every `expired` drop says (audit 137: none).
        d.detail = (d.rule_day)
            .and_then(|day| cal.closed_reason_for(channel, day))
            .map(|r| std::sync::Arc::from(r.name()));
        if tracing {
            let id = d.id();
            // The header names the closure, as every `expired` drop's (audit 147).
            let result = match &d.detail {
                Some(detail) => format!("dropped: expired ({detail})"),
                None => "dropped: expired".to_string(),
            };
            self.why_also(&id, || match past {
                None => "no later call of its lane is kept to cover it: it expires with no \
                         day of its own"
                    .to_string(),
                Some((until, next)) => format!(
                    "the next call of its lane is due on {}, after the last day it could take, \
                     {}: it expires with no day of its own",
                    explain::day(next),
                    explain::day(until)
                ),
            });
            self.why_result(&id, || result, true);
        }
    }

    /// Plans `program` again with the first pass's neighbours, from where the plan stood
    /// before it (its tasks, dropped occurrences, ignored records and notes).
    fn pass_again(
        &mut self,
        program: &Program,
        (tasks, dropped, ignored, explained): (usize, usize, usize, usize),
    ) -> Result<()> {
        self.placed.clear();
        self.anchors.clear();
        self.ghosts.clear();
        self.lanes.reset(&self.first_pass, &[]);
        self.plan.tasks.truncate(tasks);
        self.plan.dropped.truncate(dropped);
        if let Some(l) = self.ledger.as_mut() {
            l.ignored.truncate(ignored);
            l.moved_attempts.clear();
        }
        self.why_truncate(explained);
        self.shifted = 0;
        self.recorded_dropped = false;
        self.program(program)
    }

    /// Plans the program again while an attempt the calendar moved to a later day than
    /// its try's lands on or past the rule day of the next call of its lane: that call
    /// supersedes it, as it does a call the calendar moves (rule-format.md, "Calls of one
    /// program never pile up"; audit 200). Each pass can only find more (a few at most).
    fn attempts_in_lanes(
        &mut self,
        program: &Program,
        marks: (usize, usize, usize, usize),
    ) -> Result<()> {
        for _ in 0..program.steps.len() {
            if !self.attempts_past_next_call() {
                break;
            }
            self.pass_again(program, marks)?;
        }
        Ok(())
    }
}
