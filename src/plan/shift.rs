//! Which day a task is done: the day its channel works (the clinic for visits, the call
//! desk for calls, the message system for messages), within the bounds the rule gives —
//! the anchor's side, `max_shift`, and the day the task expires.
//!
//! Tasks of one program in one lane (one channel and one role; a step counted from a fact
//! is in a lane of its own, [`LaneRole`]) keep the order of their rule days: a task the
//! calendar shifts never lands on another task's rule day, nor passes one (even when that
//! task moves too) (calls by different people are the contact policy's to merge). The planner first
//! places tasks in step order, a shifted one on the first day its policy finds that no
//! task placed before it holds. If that leaves a shifted task on another's day or out of
//! order, the program is planned again with the first pass's tasks as neighbours: a
//! shifted task then looks only strictly between the rule days of the tasks before and
//! after it, off the days of the unshifted ones; when the only day it could take is the
//! next task's or later, it is dropped as `superseded` by that task, whose later script
//! covers the patient's later state (two calls never pile up on a reopening day). A call
//! superseded by the staff-picked task after it is the exception (`picked.rs`).

use super::{AnchorDay, Planner};
use crate::calendar::{Crew, ShiftReason};
use crate::compile::{Expiry, LaneRole, Milestone, Step};
use crate::model::{AfterEvent, BeyondMaxShift, Channel, ClosedDay, WaitThen};
use crate::offset::Offset;
use crate::plan::task::DropReason;
use crate::time::TimeWindow;
use chrono::{NaiveDate, NaiveTime, Timelike};
use std::sync::Arc;

/// Where an occurrence goes: a day (and why it is not its rule's day), or nowhere.
pub(super) enum Placed {
    Day(NaiveDate, Option<ShiftReason>),
    Drop(DropReason, Option<Arc<str>>),
}

/// The days an occurrence may take, both ends included (`None`: no bound).
pub(super) struct Bounds {
    /// The anchor's side: after it for positive offsets, on or after it for none; never
    /// before the event for tasks counted from something else.
    pub lo: Option<NaiveDate>,
    /// Before the anchor for negative offsets; never after `expires`.
    pub hi: Option<NaiveDate>,
    /// The last day the task is worth doing.
    pub expires: Option<NaiveDate>,
}

/// `d` plus `n` days (`n` may be negative).
#[inline(always)]
pub(super) fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n == 0 {
        return Some(d);
    }
    crate::offset::plus_days(d, n)
}

/// `day` moved back by as many days as a visit moved from `from` to `to`.
pub(super) fn back_by(day: NaiveDate, to: NaiveDate, from: NaiveDate) -> Option<NaiveDate> {
    add_days(day, -(to - from).num_days())
}

/// The last day a task due on `due` is worth doing, by its step's `expires`.
#[inline]
pub(super) fn expiry_from(step: &Step, anchor: &AnchorDay, due: NaiveDate) -> Option<NaiveDate> {
    match step.expires {
        Expiry::AtAnchor => anchor.day.pred_opt(),
        Expiry::Never => None,
        Expiry::After(grace) => add_days(due, step.latest.saturating_add(grace)),
        Expiry::SameDay => {
            let grace = if due == anchor.day {
                0
            } else {
                crate::notice::MESSAGE_GRACE_DAYS as i64
            };
            add_days(due, step.latest.saturating_add(grace))
        }
    }
}

/// The part of `window` from `t` on (rounded up to the minute), or `None` if nothing of
/// it is left.
pub(super) fn after_time(window: TimeWindow, t: NaiveTime) -> Option<TimeWindow> {
    let minute = t
        .with_second(0)
        .and_then(|m| m.with_nanosecond(0))
        .unwrap_or(t);
    let start = if minute < t {
        // Rounded up; 23:59:30 has no next minute in the day.
        minute
            .overflowing_add_signed(chrono::TimeDelta::minutes(1))
            .0
    } else {
        minute
    };
    if start < minute || start >= window.end {
        return None;
    }
    Some(TimeWindow {
        start: window.start.max(start),
        end: window.end,
    })
}

/// True if the calendar (not its anchor, not a wait) moved a task off its rule's day.
pub(super) fn by_calendar(shifted: Option<ShiftReason>) -> bool {
    !matches!(
        shifted,
        None | Some(ShiftReason::AnchorMoved | ShiftReason::WaitedForFact | ShiftReason::WaitEnded)
    )
}

/// Why no day took a task: no day its channel works after it at all; or none it may use
/// within its `max_shift` (none at all `within`, or only days other tasks hold); or the
/// days come after it expires or past its anchor (none `in_time`: expired); or, with no
/// `max_shift`, other tasks of the program hold them (superseded).
fn why_not(
    at_all: bool,
    within: bool,
    in_time: bool,
    in_time_past_max: impl FnOnce() -> bool,
    max_shift: Option<i64>,
    b: &Bounds,
) -> DropReason {
    if !at_all {
        DropReason::NoOpenDay
    } else if max_shift.is_some() && within && in_time {
        // Days within max_shift before it expires, all held by other tasks.
        DropReason::BeyondMaxShift
    } else if in_time {
        DropReason::Superseded
    } else if b.expires.is_some() && !in_time_past_max() {
        // No day before it expires works at all, whatever the max_shift: expired (audit
        // 133: with P2D it said beyond_max_shift, with P3D expired).
        DropReason::Expired
    } else if max_shift.is_some() {
        // A day before it expires, but only past its max_shift (or none within it): the
        // max_shift stopped it (audit 130: a reminder four days from its open day was
        // "expired" with P3D, and planned there with P7D).
        DropReason::BeyondMaxShift
    } else if b.expires.is_some() {
        DropReason::Expired
    } else {
        DropReason::NoOpenDay
    }
}

fn max_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

fn min_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// The lane (role, counted from a fact or not) and rule day of the task a search
/// places: it keeps off the days of the program's other tasks of the same channel and
/// lane, and of other rule days.
type Lane = (LaneRole, NaiveDate);

/// Which way a search for a working day goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Way {
    Forward,
    Backward,
    /// Both ways, the nearer day first, the later on a tie.
    Nearest,
    /// Not a search: dropped as superseded by the next task, if a day on or after its day
    /// would have worked.
    Supersede,
}

/// Where a shifted task may go among its neighbours (second pass only).
struct Gap {
    pub lo: Option<NaiveDate>,
    pub hi: Option<NaiveDate>,
    /// The slot of the next task's step, which supersedes this one if it must go on or
    /// past its day, and that day (its rule day).
    next: Option<(u32, NaiveDate)>,
}

pub(super) fn within(d: NaiveDate, lo: Option<NaiveDate>, hi: Option<NaiveDate>) -> bool {
    lo.is_none_or(|l| d >= l) && hi.is_none_or(|h| d <= h)
}

impl Planner<'_> {
    /// The last day an occurrence whose rule gives `rule_day` is worth doing (`None`: it
    /// never expires): its step's `expires`, and for a task that may wait for its fact,
    /// no earlier than its wait ends.
    pub(super) fn expires(
        &self,
        step: &Step,
        anchor: &AnchorDay,
        rule_day: NaiveDate,
    ) -> Option<NaiveDate> {
        let mut expires = expiry_from(step, anchor, rule_day);
        // A task that may wait for its fact lives until its wait ends — unless the fact
        // came by its rule's day: then it waits for nothing (audit 47: moved past the
        // day it expires, on the wait's bound).
        if let Some(w) = step.wait.as_ref().filter(|w| w.then != WaitThen::Proceed)
            && (self.facts.is_empty()
                || (self.facts.first_since_event(&w.fact)).is_none_or(|at| at.date() > rule_day))
            && let (Some(e), crate::offset::Landing::Date(end)) = (
                expires,
                w.max.apply(rule_day, crate::offset::MonthEnd::Clamp),
            )
        {
            expires = Some(e.max(end));
        }
        expires
    }

    /// The bounds of an occurrence that expires on `expires` (see [`Planner::expires`]):
    /// needed only when its day moves.
    pub(super) fn bounds(
        &self,
        step: &Step,
        anchor: &AnchorDay,
        expires: Option<NaiveDate>,
    ) -> Bounds {
        let o: &Offset = &step.offset;
        let positive = !o.negative && *o != Offset::ZERO;
        // A fixed window that reaches back to the anchor's day is a promise from that day
        // ("within a week of the assignment"): the task may take it (audit 273: assigned
        // the morning before National Day, the first contact went past the week).
        let back_to_anchor =
            step.fixed_window && o.months == 0 && i64::from(o.days) + step.earliest <= 0;
        let mut lo = if o.negative {
            None
        } else if positive && !back_to_anchor {
            anchor.day.succ_opt()
        } else {
            Some(anchor.day)
        };
        // In an episode plan nothing counted from a visit or a fact comes before the event.
        let from_event = anchor.at.is_some() && anchor.day == self.ep.date();
        if self.horizon.is_none() && !from_event {
            lo = Some(lo.map_or(self.ep.date(), |l| l.max(self.ep.date())));
        }
        // Nor before the fact it waits for, when that came by its rule's day.
        if let Some(fact) = self.placing_after_fact {
            lo = Some(lo.map_or(fact, |l| l.max(fact)));
        }
        let side_hi = if o.negative {
            anchor.day.pred_opt()
        } else {
            None
        };
        let hi = min_opt(side_hi, expires);
        Bounds { lo, hi, expires }
    }

    /// The day the lanes know the occurrence being placed by: its anchor's, when it is
    /// counted from another step's occurrence onto its day ([`Planner::placing_group`]);
    /// its rules' day, when a wait places it from another ([`Planner::placing_key`]);
    /// else `rule_day`.
    pub(super) fn lane_key(&self, rule_day: NaiveDate) -> NaiveDate {
        (self.placing_group.or(self.placing_key)).unwrap_or(rule_day)
    }

    /// In the second pass, the days strictly between the rule days of the tasks before
    /// and after `rule_day` on `channel`, and between the days of the tasks already placed
    /// before and after it.
    fn gap(&self, channel: Channel, lane: LaneRole, rule_day: NaiveDate) -> Gap {
        let mut gap = Gap {
            lo: None,
            hi: None,
            next: None,
        };
        if self.first_pass.is_empty() {
            return self.gap_of_placed(channel, lane, rule_day);
        }
        if self.lanes.active {
            let a = self.lanes.around((channel, lane), rule_day);
            gap.lo = max_opt(
                a.before.and_then(|d| d.succ_opt()),
                a.placed_before.and_then(|d| d.succ_opt()),
            );
            gap.hi = min_opt(
                a.after.as_ref().and_then(|(d, _)| d.pred_opt()),
                a.placed_after.and_then(|d| d.pred_opt()),
            );
            gap.next = a.after.map(|(d, s)| (s, d));
            return gap;
        }
        let mut next: Option<(NaiveDate, u32)> = None;
        let own = |slot: u32| self.counts_from_placing(slot);
        for n in (self.first_pass.iter())
            .filter(|n| n.channel == channel && n.lane == lane && !own(n.slot))
        {
            if n.rule_day < rule_day {
                gap.lo = max_opt(gap.lo, n.rule_day.succ_opt());
            } else if n.rule_day > rule_day && next.is_none_or(|(d, _)| n.rule_day < d) {
                next = Some((n.rule_day, n.slot));
            }
        }
        if let Some((d, step)) = next {
            gap.hi = d.pred_opt();
            gap.next = Some((step, d));
        }
        for t in
            (self.placed.iter()).filter(|t| t.channel == channel && t.lane == lane && !own(t.slot))
        {
            if t.rule_day < rule_day {
                gap.lo = max_opt(gap.lo, t.due.succ_opt());
            } else if t.rule_day > rule_day {
                gap.hi = min_opt(gap.hi, t.due.pred_opt());
            }
        }
        gap
    }

    /// The first pass's gap: the tasks of the lane already placed bound it, as the first
    /// pass's tasks bound the second's — by their rule days, and the days they took — and
    /// the nearest later one supersedes a task that can only go on or past its day (audit
    /// 145: a course's day-7 call blocked ahead by the next session's day-1 call, placed
    /// before it, went back four days instead).
    #[cold]
    #[inline(never)]
    fn gap_of_placed(&self, channel: Channel, lane: LaneRole, rule_day: NaiveDate) -> Gap {
        let mut gap = Gap {
            lo: None,
            hi: None,
            next: None,
        };
        let own = |slot: u32| self.counts_from_placing(slot);
        for t in
            (self.placed.iter()).filter(|t| t.channel == channel && t.lane == lane && !own(t.slot))
        {
            if t.rule_day < rule_day {
                gap.lo = max_opt(gap.lo, t.rule_day.succ_opt());
                gap.lo = max_opt(gap.lo, t.due.succ_opt());
            } else if t.rule_day > rule_day {
                gap.hi = min_opt(gap.hi, t.rule_day.pred_opt());
                gap.hi = min_opt(gap.hi, t.due.pred_opt());
                if gap.next.is_none_or(|(_, d)| t.rule_day < d) {
                    gap.next = Some((t.slot, t.rule_day));
                }
            }
        }
        gap
    }

    /// True when the step in `slot` counts from the step being placed, directly or through
    /// others: it follows it wherever it goes, so it neither bounds nor supersedes it (a
    /// promised callback was superseded by the callbacks counted from it, and none of
    /// them was planned).
    fn counts_from_placing(&self, slot: u32) -> bool {
        let root = self.placing_step;
        if !self.chains || slot == root {
            return false;
        }
        let Some(program) = self.rules.programs.get(self.program_index) else {
            return false;
        };
        let mut step = program.steps.iter().find(|s| s.info.slot == slot);
        // A chain is at most as long as the program.
        for _ in 0..program.steps.len() {
            match step.map(|s| &s.anchor) {
                Some(crate::compile::Anchor::Step(j)) => {
                    step = program.steps.get(*j);
                    if step.is_some_and(|s| s.info.slot == root) {
                        return true;
                    }
                }
                _ => return false,
            }
        }
        false
    }

    /// The ends of [`Planner::gap`]: `(lo, hi)`.
    pub(super) fn gap_bounds(
        &self,
        channel: Channel,
        lane: LaneRole,
        rule_day: NaiveDate,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let g = self.gap(channel, lane, rule_day);
        (g.lo, g.hi)
    }

    /// True if a task of the current program on `channel` is already on `day` (or, in the
    /// second pass, an unshifted one will be).
    /// Tasks the rules put on the same day as `rule_day` may share a day: only tasks of
    /// other rule days count.
    pub(super) fn taken_on(&self, channel: Channel, day: NaiveDate, lane: Lane) -> bool {
        self.taken_but(channel, day, lane, None)
    }

    /// [`Planner::taken_on`], a task of rule day `but` (if any) aside.
    pub(super) fn taken_but(
        &self,
        channel: Channel,
        day: NaiveDate,
        (lane, rule_day): Lane,
        but: Option<NaiveDate>,
    ) -> bool {
        let other = |n: NaiveDate| n != rule_day && Some(n) != but;
        if self.lanes.active {
            return self.lanes.taken((channel, lane), day, other);
        }
        let own = |slot: u32| self.counts_from_placing(slot);
        self.placed.iter().any(|t| {
            t.channel == channel
                && t.lane == lane
                && t.due == day
                && other(t.rule_day)
                && !own(t.slot)
        }) || (self.first_pass.iter()).any(|n| {
            n.channel == channel
                && n.lane == lane
                && n.fixed == Some(day)
                && other(n.rule_day)
                && !own(n.slot)
        })
    }

    /// The first day `way` finds from `from` (`from` itself excluded) on which `channel`
    /// works, inside `lo..=hi`, at most `max` days away, and (with `avoid`, the rule day
    /// of the task placed) not already taken by a task of the program on that channel.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn search(
        &self,
        channel: Channel,
        from: NaiveDate,
        way: Way,
        lo: Option<NaiveDate>,
        hi: Option<NaiveDate>,
        max: Option<i64>,
        avoid: Option<Lane>,
    ) -> Option<NaiveDate> {
        let crew = Crew::of(channel);
        // Most searches end on the day next to `from` (the day after a closed Monday):
        // that day first, as the walk below would take it, with none of its setup.
        let next = match way {
            Way::Forward | Way::Nearest => from.succ_opt(),
            Way::Backward => from.pred_opt(),
            Way::Supersede => return None,
        };
        if let Some(d) = next.filter(|d| {
            max.is_none_or(|m| m >= 1)
                && within(*d, lo, hi)
                && self.cal.works_crew(crew, *d)
                && !avoid.is_some_and(|n| self.taken_on(channel, *d, n))
        }) {
            return Some(d);
        }
        // Without `max_shift`, how far a search may go: the runs of closed days it may
        // jump (each is one step), 6 weekly closed days between them, and a week for each
        // day another task holds. The distance itself is not bounded: the end of the last
        // run may be far away.
        let held = if avoid.is_some() {
            self.placed.len() + self.first_pass.len()
        } else {
            0
        };
        let steps = self
            .cal
            .run_count(crew)
            .saturating_add(held)
            .saturating_add(1)
            .saturating_mul(7);
        // `open`: the crew works on `d` (one look in the calendar's table).
        let ok = |d: NaiveDate, open: bool| {
            open && within(d, lo, hi) && !avoid.is_some_and(|n| self.taken_on(channel, d, n))
        };
        // `within`: the farthest a day may be, in days (a nearest search looks back no
        // further than the day it found ahead). It and `max` bound the distance from
        // `from`, counted as the search goes: no date subtraction per day looked at.
        let walk = |dir: i64, within: Option<i64>| -> Option<NaiveDate> {
            let limit = match (within, max) {
                (Some(w), Some(m)) => Some(w.min(m)),
                (w, m) => w.or(m),
            };
            let (mut d, mut distance) = (from, 0i64);
            for _ in 0..steps {
                d = if dir > 0 {
                    d.succ_opt()?
                } else {
                    d.pred_opt()?
                };
                distance += 1;
                // A run of closed days is crossed in one step (the runs are searched only
                // for a day the table does not say is in none).
                let (open, run) = self.cal.works_or_run(crew, d);
                if let Some((start, end)) = run {
                    let to = if dir > 0 { end } else { start };
                    distance += (to - d).num_days().abs();
                    d = to;
                    continue;
                }
                if (dir > 0 && hi.is_some_and(|h| d > h))
                    || (dir < 0 && lo.is_some_and(|l| d < l))
                    || limit.is_some_and(|l| distance > l)
                {
                    return None;
                }
                if ok(d, open) {
                    return Some(d);
                }
            }
            None
        };
        match way {
            Way::Supersede => None,
            Way::Forward => walk(1, None),
            Way::Backward => walk(-1, None),
            // The nearest day either way; the later wins a tie, so an earlier day must
            // be strictly nearer (none is when the day ahead is the next).
            Way::Nearest => match walk(1, None) {
                Some(a) => match (a - from).num_days() {
                    ahead @ 2.. => walk(-1, Some(ahead - 1)).or(Some(a)),
                    _ => Some(a),
                },
                None => walk(-1, None),
            },
        }
    }

    /// The day an occurrence is done: its rule's day when its channel works then, else
    /// the day its closed-day policy finds, within its bounds, its gap among its
    /// neighbours and `max_shift`:
    ///
    /// - `next_open_day`: the first day after; else superseded by the next task; else the
    ///   last day before (a reminder that cannot cross its anchor);
    /// - `previous_open_day`: the last day before; else the first day after; else
    ///   superseded;
    /// - `nearest_open_day`: the nearest day, the later on a tie; else superseded.
    pub(super) fn place(
        &self,
        step: &Step,
        anchor: &AnchorDay,
        rule_day: NaiveDate,
        expires: Option<NaiveDate>,
    ) -> Placed {
        // The third pass of a call crowded out by a staff-picked task (picked.rs).
        if self.swap.is_some()
            && let Some(p) = self.place_swapped(step, anchor, rule_day, expires)
        {
            return p;
        }
        let channel = step.info.channel;
        // In an episode plan nothing counted from a visit or a fact comes before the
        // event's day, whether or not the calendar moves it.
        if self.horizon.is_none() && rule_day < self.ep.date() {
            let b = self.bounds(step, anchor, expires);
            if let Some(lo) = b.lo.filter(|lo| rule_day < *lo) {
                return self.on_or_after_the_event(step, rule_day, lo, &b);
            }
        }
        let closed = self.cal.closed_reason_for(channel, rule_day);
        // A task its wait moved keeps its lane's order by the rules' day (audit 57: a
        // further-needs call moved onto the next one's rule day, or holding a care call
        // off its day): moved onto or past the next task's rule day, that task supersedes
        // it, whatever the calendar says of its days (audits 59, 60); on an open day it
        // takes the day only inside its gap.
        if self.placing_key.is_some() {
            let lane = (step.lane_of(self.placing), self.lane_key(rule_day));
            let gap = self.gap(channel, lane.0, lane.1);
            if let (Some((next, _)), Some(hi)) = (gap.next, gap.hi)
                && rule_day > hi
            {
                return Placed::Drop(DropReason::Superseded, self.step_id(next));
            }
            if closed.is_none()
                && within(rule_day, gap.lo, gap.hi)
                && !self.taken_on(channel, rule_day, lane)
            {
                return Placed::Day(rule_day, None);
            }
        }
        let reason = match closed {
            Some(reason) => reason,
            None if self.placing_key.is_none() => return Placed::Day(rule_day, None),
            None => ShiftReason::WaitedForFact,
        };
        let ways: &[Way] = match step.closed_day {
            ClosedDay::Keep => return Placed::Day(rule_day, None),
            ClosedDay::NextOpenDay => &[Way::Forward, Way::Supersede, Way::Backward],
            ClosedDay::PreviousOpenDay => &[Way::Backward, Way::Forward, Way::Supersede],
            ClosedDay::NearestOpenDay => &[Way::Nearest, Way::Supersede],
        };
        let b = &self.bounds(step, anchor, expires);
        let gap = self.gap(channel, step.lane_of(self.placing), self.lane_key(rule_day));
        let (mut lo, hi) = (max_opt(b.lo, gap.lo), min_opt(b.hi, gap.hi));
        // A staff-picked task's rule day opens the window the day is picked from: it may
        // move into its window, never before it (`previous_open_day` and
        // `nearest_open_day` then find the first open day of the window).
        if step.info.picked_by.is_some() {
            lo = max_opt(lo, Some(rule_day));
        }
        // A fixed window is a promise ("every callback within 3 days"): a day inside it,
        // either way, before any day outside it.
        if step.fixed_window
            && let Some(d) = self.inside_window(step, rule_day, (lo, hi))
        {
            return Placed::Day(d, Some(reason));
        }
        for &way in ways {
            if way == Way::Supersede {
                if let Some(p) = self.superseded(step, rule_day, b, lo, &gap) {
                    return p;
                }
            } else if let Some(d) = self.search(
                channel,
                rule_day,
                way,
                lo,
                hi,
                step.max_shift,
                Some((step.lane_of(self.placing), self.lane_key(rule_day))),
            ) {
                return Placed::Day(d, Some(reason));
            }
        }
        self.not_placed(step, rule_day, reason, b, ways)
    }

    /// The day a fixed window's task takes inside its window (`rule_day` plus the step's
    /// `earliest`..`latest`, within `lo..=hi`): the policy's way first, then the other.
    fn inside_window(
        &self,
        step: &Step,
        rule_day: NaiveDate,
        (lo, hi): (Option<NaiveDate>, Option<NaiveDate>),
    ) -> Option<NaiveDate> {
        let lo = max_opt(lo, add_days(rule_day, step.earliest));
        let hi = min_opt(hi, add_days(rule_day, step.latest));
        let ways: &[Way] = match step.closed_day {
            ClosedDay::Keep => &[],
            ClosedDay::NextOpenDay => &[Way::Forward, Way::Backward],
            ClosedDay::PreviousOpenDay => &[Way::Backward, Way::Forward],
            ClosedDay::NearestOpenDay => &[Way::Nearest],
        };
        let lane = Some((step.lane_of(self.placing), self.lane_key(rule_day)));
        (ways.iter()).find_map(|&way| {
            self.search(
                step.info.channel,
                rule_day,
                way,
                lo,
                hi,
                step.max_shift,
                lane,
            )
        })
    }

    /// Superseded by the next task when a day on or after its rule day would have worked.
    fn superseded(
        &self,
        step: &Step,
        from: NaiveDate,
        b: &Bounds,
        lo: Option<NaiveDate>,
        gap: &Gap,
    ) -> Option<Placed> {
        let (next, _) = gap.next?;
        let beyond = gap.hi?.succ_opt()?;
        let found = self.search(
            step.info.channel,
            from,
            Way::Forward,
            lo,
            b.hi,
            step.max_shift,
            None,
        );
        found
            .filter(|d| *d >= beyond)
            .map(|_| Placed::Drop(DropReason::Superseded, self.step_id(next)))
    }

    /// Why no day was found, and what the step says to do then.
    fn not_placed(
        &self,
        step: &Step,
        rule_day: NaiveDate,
        reason: ShiftReason,
        b: &Bounds,
        ways: &[Way],
    ) -> Placed {
        let detail = Some(Arc::from(reason.name()));
        if step.max_shift.is_some()
            && step.beyond_max_shift == BeyondMaxShift::Keep
            && reason != ShiftReason::AfterEvent
        {
            return Placed::Day(rule_day, None);
        }
        // Which bound stopped it: a day the channel works at all (else no open day),
        // within the step's max_shift (else beyond it), before the expiry and on the
        // anchor's side (else expired: a reminder whose visit comes first). Other tasks'
        // days do not count here.
        let channel = step.info.channel;
        let works = |hi: Option<NaiveDate>, max: Option<i64>| {
            (ways.iter().filter(|w| **w != Way::Supersede)).any(|&w| {
                self.search(channel, rule_day, w, b.lo, hi, max, None)
                    .is_some()
            })
        };
        let why = why_not(
            works(None, None),
            works(None, step.max_shift),
            works(b.hi, step.max_shift),
            || works(b.hi, None),
            step.max_shift,
            b,
        );
        if why != DropReason::Superseded {
            return Placed::Drop(why, detail);
        }
        // Superseded by other tasks' days: named by the lane's next task, as a drop on
        // the way to it is — unless it is past its bounds by that task's day (a call that
        // expires before it: only an earlier call's days were left, audit 142 A2).
        let gap = self.gap(channel, step.lane_of(self.placing), self.lane_key(rule_day));
        match gap.next {
            Some((_, day)) if self.placing_key.is_none() && b.hi.is_some_and(|hi| hi < day) => {
                Placed::Drop(DropReason::Expired, detail)
            }
            next => Placed::Drop(why, next.and_then(|(n, _)| self.step_id(n))),
        }
    }

    /// A task whose rule day comes before the event's day (a reminder of a visit booked
    /// on the event's day or the next, a step counted from a fact of before the event):
    /// the first day from `lo` (the event's day) its channel works, within its bounds
    /// and its gap (`shifted: after_event`); else dropped, as a closed day would leave it.
    fn on_or_after_the_event(
        &self,
        step: &Step,
        rule_day: NaiveDate,
        lo: NaiveDate,
        b: &Bounds,
    ) -> Placed {
        let channel = step.info.channel;
        let gap = self.gap(channel, step.lane_of(self.placing), self.lane_key(rule_day));
        let (lo, hi) = (max_opt(Some(lo), gap.lo), min_opt(b.hi, gap.hi));
        let day = lo.and_then(|lo| {
            let from = lo.pred_opt()?;
            let avoid = Some((step.lane_of(self.placing), self.lane_key(rule_day)));
            self.search(channel, from, Way::Forward, Some(lo), hi, None, avoid)
        });
        match day {
            Some(d) => Placed::Day(d, Some(ShiftReason::AfterEvent)),
            // Days left from the event's day, but only on or after the next call's rule
            // day: that call supersedes it (audit 34: `expired` though nothing had).
            None if let Some(p) = lo
                .and_then(|lo| Some((lo.pred_opt()?, lo)))
                .and_then(|(from, lo)| self.superseded(step, from, b, Some(lo), &gap)) =>
            {
                p
            }
            None => {
                let why = if b.expires.is_some() {
                    DropReason::Expired
                } else {
                    DropReason::NoOpenDay
                };
                Placed::Drop(why, Some(Arc::from(ShiftReason::AfterEvent.name())))
            }
        }
    }

    /// A task due on its event's day that the event left no time for: the next day its
    /// channel works (`after_event`), or dropped as the step says.
    pub(super) fn after_event(
        &self,
        step: &Step,
        rule_day: NaiveDate,
        due: NaiveDate,
        b: &Bounds,
    ) -> Placed {
        if step.after_event == AfterEvent::Drop {
            return Placed::Drop(DropReason::AfterEvent, None);
        }
        let channel = step.info.channel;
        let gap = self.gap(channel, step.lane_of(self.placing), self.lane_key(rule_day));
        let lo = max_opt(due.succ_opt(), gap.lo);
        let hi = min_opt(b.hi, gap.hi);
        // max_shift counts from the rule's day; "keep" cannot keep a day with no time
        // left, so it moves on however far.
        let max = match (step.max_shift, step.beyond_max_shift) {
            (Some(m), BeyondMaxShift::Drop) => {
                Some(m.saturating_sub((due - rule_day).num_days()).max(0))
            }
            _ => None,
        };
        if step.closed_day == ClosedDay::Keep {
            // A step done on closed days too (a complaint's call: staff on duty call from
            // home) moves to the next day, whatever the calendar says of it, within its
            // max_shift.
            if let Some(d) = lo.filter(|d| within(*d, Some(*d), hi)) {
                if max.is_some_and(|m| (d - due).num_days() > m) {
                    let detail = Some(Arc::from(ShiftReason::AfterEvent.name()));
                    return Placed::Drop(DropReason::BeyondMaxShift, detail);
                }
                return Placed::Day(d, Some(ShiftReason::AfterEvent));
            }
            // The next day is another call's (or past it): that call supersedes this one.
            if let (Some(d), Some((next, _)), Some(h)) = (lo, gap.next, gap.hi)
                && d > h
                && b.hi.is_none_or(|bh| d <= bh)
            {
                return Placed::Drop(DropReason::Superseded, self.step_id(next));
            }
        }
        let lane = (step.lane_of(self.placing), self.lane_key(rule_day));
        // A step that keeps its day past its max_shift (a request promised within a day):
        // the next day its channel works within the max_shift, else the next day itself,
        // closed or not, for staff on duty (audit 131: a key customer's request raised
        // the evening before National Day went past its expiry and was dropped).
        if let (Some(m), BeyondMaxShift::Keep) = (step.max_shift, step.beyond_max_shift) {
            let m = m.saturating_sub((due - rule_day).num_days()).max(0);
            if let Some(d) = self.search(channel, due, Way::Forward, lo, hi, Some(m), Some(lane)) {
                return Placed::Day(d, Some(ShiftReason::AfterEvent));
            }
            if let Some(d) = lo.filter(|d| within(*d, Some(*d), hi))
                && !self.taken_on(channel, d, lane)
            {
                return Placed::Day(d, Some(ShiftReason::AfterEvent));
            }
        }
        if let Some(d) = self.search(channel, due, Way::Forward, lo, hi, max, Some(lane)) {
            return Placed::Day(d, Some(ShiftReason::AfterEvent));
        }
        if let Some(p) = self.superseded(step, due, b, lo, &gap) {
            return p;
        }
        let detail = Some(Arc::from(ShiftReason::AfterEvent.name()));
        let works = |hi: Option<NaiveDate>, max: Option<i64>| {
            self.search(channel, due, Way::Forward, lo, hi, max, None)
                .is_some()
        };
        let why = why_not(
            works(None, None),
            works(None, max),
            works(b.hi, max),
            || works(b.hi, None),
            max,
            b,
        );
        match gap.next {
            // Past its bounds by the next task's day: that task does not supersede it.
            Some((_, day))
                if why == DropReason::Superseded
                    && self.placing_key.is_none()
                    && b.hi.is_some_and(|hi| hi < day) =>
            {
                Placed::Drop(DropReason::Expired, detail)
            }
            _ => Placed::Drop(why, detail.filter(|_| why != DropReason::Superseded)),
        }
    }

    /// `day` if `channel` works then, else the first day after it that it works.
    pub(super) fn on_or_after(&self, channel: Channel, day: NaiveDate) -> NaiveDate {
        if self.cal.works(channel, day) {
            return day;
        }
        self.search(channel, day, Way::Forward, None, None, None, None)
            .unwrap_or(day)
    }

    /// The day of a visit given by its default offset (`d`): moved to a day the clinic is
    /// open when it falls on a closed one, by the milestone's policy.
    pub(super) fn visit_day(&self, ms: &Milestone, default: &Offset, d: NaiveDate) -> AnchorDay {
        let plain = AnchorDay {
            day: d,
            at: None,
            moved: None,
            unsure: false,
            ghost: false,
            key: None,
        };
        if ms.closed_day == ClosedDay::Keep {
            return plain;
        }
        let Some(reason) = self.cal.closed_reason_for(Channel::InPerson, d) else {
            return plain;
        };
        let event = self.ep.date();
        let lo = if default.negative {
            None
        } else if *default == Offset::ZERO {
            Some(event)
        } else {
            event.succ_opt()
        };
        let find = |way| self.search(Channel::InPerson, d, way, lo, None, None, None);
        let found = match ms.closed_day {
            ClosedDay::NextOpenDay => find(Way::Forward).or_else(|| find(Way::Backward)),
            ClosedDay::PreviousOpenDay => find(Way::Backward).or_else(|| find(Way::Forward)),
            _ => find(Way::Nearest),
        };
        match found {
            Some(day) => AnchorDay {
                day,
                at: None,
                moved: Some((d, reason)),
                unsure: false,
                ghost: false,
                key: None,
            },
            None => plain,
        }
    }
}
