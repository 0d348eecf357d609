//! The tasks the history makes from an occurrence: the next attempt of an unanswered
//! call, what follows the last one (a message, a supervisor's task, a drop), the onsite
//! consultant's call and the doctor's visit after an abnormal recovery, and the
//! supervisor's check of a task not done on time. Each is placed from a moment (the
//! outcome's time) on the first day its channel works.

use super::task::{Derived, DropReason, Dropped, Record, Task, TaskInfo};
use super::{shift, Planner};
use crate::calendar::ShiftReason;
use crate::compile::{Program, RetryThen, Step};
use crate::error::Result;
use crate::model::Channel;
use crate::time::TimeWindow;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use std::sync::Arc;

/// Days a supervisor's task stays on time after its day, and is worth doing after that.
const SUPERVISOR_LATEST_DAYS: i64 = 2;
const SUPERVISOR_EXPIRES_DAYS: i64 = 7;
/// Days a message after the last unanswered call is worth sending.
const MESSAGE_EXPIRES_DAYS: i64 = 3;
/// Days the doctor's visit after an abnormal recovery is on time, and worth doing.
const VISIT_LATEST_DAYS: i64 = 1;
const VISIT_EXPIRES_DAYS: i64 = 7;

impl Planner<'_> {
    /// The first moment from `t` when `channel` works, in the window `window_on` gives
    /// for the day: `t`'s day if some of its window is left after `t`, else the next day
    /// the channel works (with why the day moved). `None` when that day has no window.
    /// With `any_day`, closed days count as working days (a step that keeps its closed
    /// days: a complaint's call).
    pub(super) fn first_moment(
        &self,
        channel: Channel,
        t: NaiveDateTime,
        window_on: &dyn Fn(&Self, NaiveDate) -> Result<Option<TimeWindow>>,
        any_day: bool,
    ) -> Result<Option<(NaiveDate, TimeWindow, Option<ShiftReason>)>> {
        let day = t.date();
        if (any_day || self.cal.works(channel, day))
            && let Some(w) = window_on(self, day)?.and_then(|w| shift::after_time(w, t.time()))
        {
            return Ok(Some((day, w, None)));
        }
        let reason = (!any_day)
            .then(|| self.cal.closed_reason_for(channel, day))
            .flatten()
            .unwrap_or(ShiftReason::AfterEvent);
        let Some(next) = day.succ_opt() else {
            return Ok(None);
        };
        let next = if any_day {
            next
        } else {
            self.on_or_after(channel, next)
        };
        Ok(window_on(self, next)?.map(|w| (next, w, Some(reason))))
    }

    /// The calendar's day window, less the quiet hours and the patient's rest hours for
    /// contacts at a distance; when they leave nothing of it, the part of the `evening`
    /// window they leave, as for a step (docs/rule-format.md, "Rest hours"; audit 262: a
    /// night-shift patient resting 09:00-18:00 had the message after the last try
    /// dropped, their evening free).
    pub(super) fn day_window(&self, channel: Channel) -> Option<TimeWindow> {
        let day = self.windows.day;
        if !matches!(channel, Channel::Phone | Channel::Sms | Channel::Wechat) {
            return Some(day);
        }
        let blocked = self.blocked();
        if blocked.is_empty() {
            Some(day)
        } else {
            (day.outside(blocked)).or_else(|| self.windows.evening.outside(blocked))
        }
    }

    /// The window a contact at a distance is placed in: the calendar's `day` window, or
    /// its `evening` window when the quiet and rest hours leave nothing of the day.
    fn free_base(&self) -> TimeWindow {
        let (day, blocked) = (self.windows.day, self.blocked());
        if blocked.is_empty() || day.outside(blocked).is_some() {
            day
        } else {
            self.windows.evening
        }
    }

    /// A contact made from the moment `t` (the abnormal recovery's call, the message after
    /// the last try), placed by [`Self::first_moment`] in its channel's day window: on
    /// `t`'s day, the first part after `t` that the quiet and rest hours leave free, as
    /// soon as it may be, not the longer part (audit 76: an abnormal recovery recorded at
    /// 11:00, with a lunch break of 12:30-13:00, was called from 13:00); on a later day,
    /// with `morning`, the morning part outside them (docs/domain.md §9: the first thing
    /// that day), else the first part they leave free.
    fn first_free_moment(
        &self,
        channel: Channel,
        t: NaiveDateTime,
        morning: bool,
    ) -> Result<Option<(NaiveDate, TimeWindow, Option<ShiftReason>)>> {
        let remote = matches!(channel, Channel::Phone | Channel::Sms | Channel::Wechat);
        let (all_day, blocked) = (self.free_base(), self.blocked());
        if remote
            && self.cal.works(channel, t.date())
            && let Some(w) =
                shift::after_time(all_day, t.time()).and_then(|w| w.first_outside(blocked))
        {
            return Ok(Some((t.date(), w, None)));
        }
        let placed =
            self.first_moment(channel, t, &|p: &Self, _| Ok(p.day_window(channel)), false)?;
        let Some((day, window, reason)) = placed else {
            return Ok(None);
        };
        if !remote || day == t.date() {
            return Ok(Some((day, window, reason)));
        }
        let first = || all_day.first_outside(blocked);
        let m = self.windows.morning;
        let (start, end) = (all_day.start.max(m.start), all_day.end.min(m.end));
        let refined = if morning && start < end {
            TimeWindow { start, end }.outside(blocked).or_else(first)
        } else {
            first()
        };
        Ok(Some((day, refined.unwrap_or(window), reason)))
    }

    /// A task made from the occurrence of `self.plan.tasks[base]`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn derived_task(
        &self,
        base: usize,
        info: Arc<TaskInfo>,
        derived: Derived,
        (due, window, shifted): (NaiveDate, TimeWindow, Option<ShiftReason>),
        latest: NaiveDate,
        expires: Option<NaiveDate>,
        nominal: NaiveDate,
    ) -> Option<Task> {
        let b = self.plan.tasks.get(base)?;
        Some(Task {
            info: super::task::InfoRef::to(&info, &b.subject.infos),
            subject: b.subject.clone(),
            occurrence: b.occurrence,
            earliest: due,
            due,
            latest: latest.max(due),
            window,
            nominal,
            shifted,
            closed: None,
            beyond_calendar: !self.cal.covers(due) || !self.cal.covers(nominal),
            expires,
            status: None,
            waiting: false,
            derived: Some(derived),
            record: None,
            owner: None,
            full_window: crate::time::PackedWindow::NONE,
            filled: None,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn dropped(
        &mut self,
        step: &Step,
        base: usize,
        derived: Derived,
        reason: DropReason,
        detail: Option<Arc<str>>,
        nominal: Option<NaiveDate>,
    ) {
        let Some(b) = self.plan.tasks.get(base) else {
            return;
        };
        let why = (reason, detail);
        // Made from an occurrence of the step: its id is the occurrence's and the derived
        // part; from a task itself derived, the whole id is kept.
        let d = match b.derived {
            None => Dropped::of_step(
                &self.subject,
                &step.info,
                Some(derived),
                b.occurrence,
                nominal,
                why,
            ),
            Some(_) => {
                let id = format!("{}/{}", b.id(), derived.name());
                let ids = (step.info.program.clone(), step.info.step.clone(), id);
                Dropped::own(&self.subject, ids, b.occurrence, nominal, why)
            }
        };
        self.plan.dropped.push(d);
    }

    /// True when the history records attempt `n` of the occurrence of `step` whose task
    /// is the `base`th, or more of its chain after the try at `at` (outcomes apply to the
    /// attempt current at their time, whichever of the chain's ids they name).
    #[cold]
    #[inline(never)]
    fn chain_goes_on(&self, step: &Step, base: usize, n: u32, at: NaiveDateTime) -> bool {
        let (Some(t), Some(ledger)) = (self.plan.tasks.get(base), self.ledger.as_ref()) else {
            return false;
        };
        (ledger
            .list(t.program(), &step.info.step, t.occurrence)
            .iter())
        .any(|e| {
            e.derived == Some(Derived::Attempt(n))
                || (e.outcome.at > at && matches!(e.derived, None | Some(Derived::Attempt(_))))
        })
    }

    /// The next call after an unanswered one, `after_minutes` later (or in the step's
    /// window of the next day the call desk works). `None` when it would come after the
    /// task expires or the patient rests all day: dropped then. `(base, tail)`: the
    /// occurrence's task and its current attempt, whose `latest` and `expires` the next
    /// attempt keeps (an agreed time on an attempt moved them).
    pub(super) fn next_attempt(
        &mut self,
        step: &Step,
        (base, tail): (usize, usize),
        n: u32,
        after_minutes: i64,
        at: NaiveDateTime,
    ) -> Result<Option<usize>> {
        let Some(b) = self.plan.tasks.get(tail) else {
            return Ok(None);
        };
        let (latest, expires) = (b.latest, b.expires);
        let derived = Derived::Attempt(n);
        let t = at
            .checked_add_signed(TimeDelta::minutes(after_minutes))
            .unwrap_or(at);
        let keep = step.closed_day == crate::model::ClosedDay::Keep;
        // A call recorded on a day the calendar closes its channel was made by staff on
        // duty (a call its step keeps there): the next try is theirs too, later that day
        // (audit 28: it went a week on, past the closure, though the day-1 call stayed).
        let on_duty =
            !keep && at.date() == t.date() && !self.cal.works(step.info.channel, at.date());
        let today = if on_duty {
            (self.time_window(step, t.date())?)
                .and_then(|w| shift::after_time(w, t.time()))
                .map(|w| (t.date(), w, None))
        } else {
            None
        };
        // As soon as it may be that day: the first part of the step's window after `t`
        // that the quiet and rest hours leave free (audit 67: a retry at 11:00 before a
        // lunch break of 12:30-13:00 went to the afternoon, the longer part).
        let works = keep || on_duty || self.cal.works(step.info.channel, t.date());
        let first_free = (works.then(|| self.first_free_after(step, t.date(), t.time())))
            .flatten()
            .map(|w| (t.date(), w, None));
        let mut placed = match first_free.or(today) {
            Some(placed) => Some(placed),
            None => self.first_moment(
                step.info.channel,
                t,
                &|p: &Self, day| p.time_window(step, day),
                keep,
            )?,
        };
        // A day staff worked on duty that has no time left moves the try for want of time,
        // not for its closure (closed-loop.md: `after_event`; audit 171: `holiday`).
        if on_duty
            && let Some((day, _, reason)) = placed.as_mut()
            && *day != t.date()
        {
            *reason = Some(ShiftReason::AfterEvent);
        }
        // The patient's rest hours leave it no time, but the history records the try:
        // kept in the step's own window, for its outcomes to apply, as the call itself is
        // (audit 151: the tries on such a call were ignored as dropped).
        if placed.is_none() && self.chain_goes_on(step, base, n, at) {
            placed = self.first_moment(
                step.info.channel,
                t,
                &|p: &Self, day| Ok(Some(p.own_window(step, day))),
                keep,
            )?;
        }
        let Some(placed) = placed else {
            self.dropped(
                step,
                base,
                derived,
                DropReason::RestHours,
                None,
                Some(t.date()),
            );
            return Ok(None);
        };
        // On a later day, the first part of its window the quiet and rest hours leave
        // free, as on its own day (audit 70: 13:00-18:00, the longer part, skipped the
        // morning).
        let mut placed = placed;
        if placed.0 != t.date()
            && let Some(w) = self.first_free_after(step, placed.0, chrono::NaiveTime::MIN)
        {
            placed.1 = w;
        }
        if expires.is_some_and(|e| placed.0 > e) {
            // What moved it past the expiry, as every `expired` drop says (audit 171: none):
            // after a day with no time left, the closure of the next day, if one is what
            // held it (audit 219: `after_event` for the Spring Festival).
            let closure = || {
                let next = t.date().succ_opt().filter(|d| *d < placed.0)?;
                self.cal.closed_reason_for(step.info.channel, next)
            };
            // A try on duty, moved to the next day for want of time, is held past its
            // expiry by the closure after it too (audit 265: `after_event` for a try of
            // the Spring Festival's first day, held by the rest of it).
            let reason = match placed.2 {
                Some(ShiftReason::AfterEvent) if !keep => closure().or(placed.2),
                r => r,
            };
            let detail = reason.map(|r| Arc::from(r.name()));
            self.dropped(
                step,
                base,
                derived,
                DropReason::Expired,
                detail,
                Some(t.date()),
            );
            return Ok(None);
        }
        if let Some((reason, detail)) = self.attempt_moved_too_far(
            step,
            base,
            (n, at.date(), t),
            (placed.0, placed.2),
            keep || on_duty,
        )? {
            self.dropped(step, base, derived, reason, detail, Some(t.date()));
            return Ok(None);
        }
        let task = self.derived_task(
            base,
            step.info.clone(),
            Derived::Attempt(n),
            placed,
            latest,
            expires,
            t.date(),
        );
        // A try on a task still waiting for its fact is no reason to stop waiting: the
        // next attempt waits too, until the same end (audit 56: it came out open work,
        // before the recovery).
        let waiting = (self.plan.tasks.get(tail)).is_some_and(|b| b.waiting);
        // Later than the day the call was tried, be it for want of time that day or
        // because the retry's time came after midnight (audit 238: a complaint's call
        // unanswered at 22:05 was tried again at 00:05 beside the promised callback).
        // A retry on the day of the try stays: staff calling late, on the next call's
        // day, try again that day (audit 82).
        let later = placed.0 > at.date();
        Ok(task.map(|mut task| {
            task.waiting = waiting;
            self.plan.tasks.push(task);
            let i = self.plan.tasks.len() - 1;
            if let Some(l) = self.ledger.as_mut().filter(|_| later) {
                l.moved_attempts.push(i);
            }
            i
        }))
    }

    /// Why a try the calendar moves to `day` is not made there, as a call the calendar
    /// moves is not (rule-format.md, "Calls of one program never pile up"; audit 200: a
    /// day-3 call unanswered before Labour Day was tried again on the reopening day,
    /// beside the day-6 call): on or past the rule day of the next call of its lane it is
    /// `superseded` by that call (a try its step keeps on closed days too, moved to the
    /// next day for want of time: audit 216, a complaint's first call tried again on the
    /// promised callback's day); further than its step's `max_shift` (`drop`) from the
    /// day it would have had with the clinic open, `beyond_max_shift` (not for a try on
    /// duty, which the calendar does not move), with the closure it met as its detail.
    /// `tried`: the day of the unanswered call; `t`: the moment of the retry.
    fn attempt_moved_too_far(
        &self,
        step: &Step,
        base: usize,
        (n, tried, t): (u32, NaiveDate, NaiveDateTime),
        (day, why): (NaiveDate, Option<ShiftReason>),
        on_duty: bool,
    ) -> Result<Option<(DropReason, Option<Arc<str>>)>> {
        let Some(b) = self.plan.tasks.get(base) else {
            return Ok(None);
        };
        // The later calls are planned after it: a pass that found it on or past one of
        // them (`Planner::attempts_in_lanes`) said so for the next pass.
        let superseded = (self.ledger.as_ref()).and_then(|l| {
            (l.superseded_attempts.iter())
                .find(|(s, o, a, _)| **s == *step.info.step && *o == b.occurrence && *a == n)
                .map(|(.., by)| by.clone())
        });
        if let Some(by) = superseded {
            return Ok(Some((DropReason::Superseded, Some(by))));
        }
        if day <= tried {
            return Ok(None);
        }
        let Some(max) = step.max_shift.filter(|_| !on_duty) else {
            return Ok(None);
        };
        if step.beyond_max_shift != crate::model::BeyondMaxShift::Drop {
            return Ok(None);
        }
        // The day it would have had: the try's day while its window lasts, else the next.
        let left = shift::after_time(self.own_window(step, t.date()), t.time()).is_some();
        let open_day = if left {
            Some(t.date())
        } else {
            t.date().succ_opt()
        };
        let far = open_day.is_some_and(|d| (day - d).num_days() > max);
        // The closure it met (audit 216: `after_event` for a try moved past Labour Day).
        let closed = open_day.and_then(|d| self.cal.closed_reason_for(step.info.channel, d));
        let why = closed.or(why).map(|r| Arc::from(r.name()));
        Ok(far.then_some((DropReason::BeyondMaxShift, why)))
    }

    /// Notes the attempts this pass moved on or past the rule day of the next call of
    /// their lane (of their program and episode, channel and role), for the next pass to
    /// drop as `superseded` by it. True when it found one not noted before.
    pub(super) fn attempts_past_next_call(&mut self) -> bool {
        let Some(l) = self.ledger.as_mut() else {
            return false;
        };
        let moved = std::mem::take(&mut l.moved_attempts);
        let tasks = &self.plan.tasks;
        let mut found = Vec::new();
        for a in moved.iter().filter_map(|&i| tasks.get(i)) {
            let Some(Derived::Attempt(n)) = a.derived else {
                continue;
            };
            // A time the patient agreed is theirs, not the calendar's move: never
            // superseded (audit 265: a retry moved to the next morning, then agreed for
            // two days on, was dropped and its message went after one try).
            if matches!(a.shifted, Some(ShiftReason::Agreed | ShiftReason::Picked)) {
                continue;
            }
            let same = |x: &&Task| {
                x.program() == a.program() && x.episode() == a.episode() && x.derived.is_none()
            };
            let Some(base) = (tasks.iter().filter(same))
                .find(|x| x.step() == a.step() && x.occurrence == a.occurrence)
            else {
                continue;
            };
            let next = (tasks.iter().filter(same))
                .filter(|x| x.nominal > base.nominal)
                .filter(|x| x.channel() == a.channel() && x.role() == a.role())
                .min_by_key(|x| (x.nominal, x.occurrence));
            if let Some(next) = next.filter(|x| x.nominal <= a.due) {
                found.push((Arc::from(a.step()), a.occurrence, n, Arc::from(next.step())));
            }
        }
        let Some(l) = self.ledger.as_mut() else {
            return false;
        };
        let before = l.superseded_attempts.len();
        for f in found {
            if !l.superseded_attempts.contains(&f) {
                l.superseded_attempts.push(f);
            }
        }
        l.superseded_attempts.len() > before
    }

    /// What follows the last unanswered call: a message, a supervisor's task, or a drop.
    /// False when the message the rule sends cannot go (the patient opted out of its
    /// channel or refused messages, rest hours fill its days, it would go out too late):
    /// nothing reached the patient, so the call is not closed by it (audit 255: an
    /// unreachable day-1 patient who opted out of messages was left to nobody).
    pub(super) fn after_last_attempt(
        &mut self,
        program: &Program,
        step: &Step,
        base: usize,
        attempt: u32,
        then: RetryThen,
        at: NaiveDateTime,
    ) -> Result<bool> {
        if self.plan.tasks.get(base).is_none() {
            return Ok(true);
        }
        match then {
            RetryThen::Drop => {
                let derived = Derived::Attempt(attempt + 1);
                let detail: Arc<str> = attempt.to_string().into();
                self.dropped(
                    step,
                    base,
                    derived,
                    DropReason::Unanswered,
                    Some(detail),
                    Some(at.date()),
                );
            }
            RetryThen::Message(channel) => {
                let Some(info) = step.derived.message.clone() else {
                    return Ok(true);
                };
                let derived = Derived::Message;
                let placed = self.first_free_moment(channel, at, false)?;
                let Some(placed) = placed else {
                    self.dropped(
                        step,
                        base,
                        derived,
                        DropReason::RestHours,
                        None,
                        Some(at.date()),
                    );
                    return Ok(false);
                };
                let start = placed.0.and_time(placed.1.start);
                if let Some((reason, detail)) = self.verdict(program, step, channel, start) {
                    self.dropped(step, base, derived, reason, detail, Some(at.date()));
                    return Ok(false);
                }
                // Worth sending 3 days from the last try, and while the call was worth
                // making, at most (audit 70: the message of a reminder call outlived the
                // visit it announced; audit 72: a closure of the message system moved it
                // five days on, and its 3 days counted from there).
                let call_expires = self.plan.tasks.get(base).and_then(|t| t.expires);
                let expires = shift::add_days(at.date(), MESSAGE_EXPIRES_DAYS)
                    .map(|e| call_expires.map_or(e, |c| e.min(c)));
                if expires.is_some_and(|e| placed.0 > e) {
                    let reason = DropReason::Expired;
                    self.dropped(step, base, derived, reason, None, Some(at.date()));
                    return Ok(false);
                }
                if let Some(t) = self.derived_task(
                    base,
                    info,
                    Derived::Message,
                    placed,
                    placed.0,
                    expires,
                    at.date(),
                ) {
                    self.plan.tasks.push(t);
                    if let Some(m) = step.until {
                        let i = self.plan.tasks.len() - 1;
                        self.cap_at_until(program, m, i);
                    }
                }
            }
            RetryThen::Escalate => {
                if let Some(info) = step.derived.unanswered.clone() {
                    let on_duty = step.closed_day == crate::model::ClosedDay::Keep;
                    self.supervisor(base, info, Derived::Unanswered, at, on_duty)?;
                }
            }
        }
        Ok(true)
    }

    /// A supervisor's task from the moment `at` on (the same day if the clinic is open
    /// and some of its day is left). With `on_duty` (a step that keeps its closed days:
    /// a complaint's call), closed days count as working days: the supervisor on duty
    /// takes over, as staff on duty call (audits 28 and 37: an unresolved complaint
    /// waited out National Day).
    pub(super) fn supervisor(
        &mut self,
        base: usize,
        info: Arc<TaskInfo>,
        derived: Derived,
        at: NaiveDateTime,
        on_duty: bool,
    ) -> Result<()> {
        let day = self.windows.day;
        let placed = self.first_moment(Channel::Internal, at, &|_, _| Ok(Some(day)), on_duty)?;
        if let Some(placed) = placed {
            let latest = shift::add_days(placed.0, SUPERVISOR_LATEST_DAYS).unwrap_or(placed.0);
            let expires = shift::add_days(latest, SUPERVISOR_EXPIRES_DAYS);
            if let Some(t) =
                self.derived_task(base, info, derived, placed, latest, expires, at.date())
            {
                self.plan.tasks.push(t);
            }
        }
        Ok(())
    }

    /// The onsite consultant's call the same day (or the first moment the call desk
    /// works), and the doctor's visit on the first day the clinic is open from then. Each
    /// is judged as any contact: a patient who opted out of calls, or refused them (the
    /// program's refusal rule), before its moment is not called (audit 43); the parent
    /// step's stop facts are about its own subject, not about the recovery.
    /// `made`: whether the history records the contact and the visit made (they are
    /// kept then, whatever the patient's refusals and opt-outs say), and the first time
    /// agreed for each (they are judged at it).
    pub(super) fn abnormal(
        &mut self,
        step: &Step,
        base: usize,
        at: NaiveDateTime,
        made: Made,
    ) -> Result<()> {
        let (contact, visit) = (step.derived.abnormal)
            .get_or_init(|| {
                let program = self.rules.programs.get(self.program_index);
                let names: Vec<&str> = (program.iter())
                    .flat_map(|p| p.milestones.iter().map(|m| &*m.name))
                    .collect();
                crate::compile::derived::abnormal(&step.info, &names)
            })
            .clone();
        // With no time the patient's rest hours leave free, the call is dropped
        // `rest_hours` — or, when the history records it made, kept in the day window
        // (audit 151: it vanished, listed nowhere).
        let placed = match self.first_free_moment(Channel::Phone, at, true)? {
            Some(p) => Some(p),
            None if made.0 .0 => {
                let day = self.windows.day;
                self.first_moment(Channel::Phone, at, &|_, _| Ok(Some(day)), true)?
            }
            None => {
                let reason = DropReason::RestHours;
                self.dropped(
                    step,
                    base,
                    Derived::AbnormalContact,
                    reason,
                    None,
                    Some(at.date()),
                );
                None
            }
        };
        let placed = self.contact_allowed(
            step,
            base,
            (Derived::AbnormalContact, made.0),
            Channel::Phone,
            placed,
            at,
        );
        if let Some(placed) = placed {
            let expires = shift::add_days(placed.0, SUPERVISOR_EXPIRES_DAYS);
            if let Some(t) = self.derived_task(
                base,
                contact,
                Derived::AbnormalContact,
                placed,
                placed.0,
                expires,
                at.date(),
            ) {
                self.plan.tasks.push(t);
            }
        }
        let day = self.windows.day;
        let placed = self.first_moment(Channel::InPerson, at, &|_, _| Ok(Some(day)), false)?;
        let placed = self.contact_allowed(
            step,
            base,
            (Derived::DoctorVisit, made.1),
            Channel::InPerson,
            placed,
            at,
        );
        if let Some(placed) = placed {
            let latest = shift::add_days(placed.0, VISIT_LATEST_DAYS).unwrap_or(placed.0);
            let expires = shift::add_days(placed.0, VISIT_EXPIRES_DAYS);
            if let Some(t) = self.derived_task(
                base,
                visit,
                Derived::DoctorVisit,
                placed,
                latest,
                expires,
                at.date(),
            ) {
                self.plan.tasks.push(t);
            }
        }
        Ok(())
    }

    /// `placed`, a derived contact's moment, unless the patient opted out of its channel
    /// or refused it (the program's refusal rule) before then: then it is dropped, with
    /// the reason, and `None` — but for a contact the history records made (`made`): it
    /// happened.
    fn contact_allowed(
        &mut self,
        step: &Step,
        base: usize,
        (derived, (made, agreed)): (Derived, (bool, Option<NaiveDateTime>)),
        channel: Channel,
        placed: Option<(NaiveDate, TimeWindow, Option<ShiftReason>)>,
        at: NaiveDateTime,
    ) -> Option<(NaiveDate, TimeWindow, Option<ShiftReason>)> {
        let p = placed?;
        if made {
            return Some(p);
        }
        let program = self.rules.programs.get(self.program_index)?;
        let start = agreed.unwrap_or_else(|| p.0.and_time(p.1.start));
        match super::lifecycle::judge_contact(&self.facts, &program.declined, &[], channel, start) {
            None => Some(p),
            Some((reason, detail)) => {
                self.dropped(step, base, derived, reason, detail, Some(at.date()));
                None
            }
        }
    }

    /// The supervisor's task when the task (its last attempt) is still not done
    /// `escalate_after` days after its last on-time day. Left out when the task was
    /// closed before that day; closed with it when it was closed later.
    pub(super) fn overdue(
        &mut self,
        step: &Step,
        tail: usize,
        closed_at: Option<NaiveDateTime>,
        recorded: Option<NaiveDateTime>,
    ) -> Result<()> {
        let (Some(days), Some(info)) = (step.escalate_after, step.derived.overdue.clone()) else {
            return Ok(());
        };
        let Some(t) = self.plan.tasks.get(tail) else {
            return Ok(());
        };
        if t.waiting {
            return Ok(());
        }
        let Some(nominal) = shift::add_days(t.latest, days) else {
            return Ok(());
        };
        // A step that keeps its closed days (a complaint's call) is checked on them too,
        // by the supervisor on duty.
        let due = if step.closed_day == crate::model::ClosedDay::Keep {
            nominal
        } else {
            self.on_or_after(Channel::Internal, nominal)
        };
        // A check the history records happened, on the day it was done at the latest,
        // whatever later tries did to its call's days (audit 82: it vanished, its `done`
        // reported as on no task, or moved past the day it was done).
        // Done before the rule's day of now (later tries moved it): that day was the
        // check's day when it was done, so it is its nominal day too (audit 88: a check
        // due before its own nominal day, and no shift to say why).
        // Only a check whose first day (from the call before any try moved it) had come:
        // done before that, it was done early, and stays on its day (audit 117: a check
        // done the evening before moved to that evening).
        let first_nominal = (self.plan.tasks.iter())
            .find(|b| {
                b.derived.is_none()
                    && b.occurrence == t.occurrence
                    && b.info().step == t.info().step
            })
            .and_then(|b| shift::add_days(b.latest, days))
            .unwrap_or(nominal);
        let first_day = if step.closed_day == crate::model::ClosedDay::Keep {
            first_nominal
        } else {
            self.on_or_after(Channel::Internal, first_nominal)
        };
        // Done before its first day, and later tries moved it on: it goes back to that
        // first day, the one it had when done (audit 121: it went to the tries' day).
        let (due, nominal) = match recorded.map(|r| r.date()) {
            Some(d) if d < due && d >= first_day => (d, d.min(nominal)),
            Some(d) if d < first_day && first_day < due => (first_day, first_nominal),
            _ => (due, nominal),
        };
        if recorded.is_none() && closed_at.is_some_and(|c| c.date() < due) {
            return Ok(());
        }
        let shifted = (due != nominal)
            .then(|| self.cal.closed_reason_for(Channel::Internal, nominal))
            .flatten();
        let latest = shift::add_days(due, SUPERVISOR_LATEST_DAYS).unwrap_or(due);
        let expires = shift::add_days(latest, SUPERVISOR_EXPIRES_DAYS);
        let Some(mut task) = self.derived_task(
            tail,
            info,
            Derived::Overdue,
            (due, self.windows.day, shifted),
            latest,
            expires,
            nominal,
        ) else {
            return Ok(());
        };
        // Done after the supervisor stepped in: closed with it. Closed before the check's
        // day, the check is here only because the history records it: its own record
        // counts (audit 129: a refusal recorded on the call closed the check, on the
        // call's day, and its `done` changed nothing).
        if let (Some(c), Some(r)) = (
            closed_at.filter(|c| c.date() >= due),
            self.plan.tasks.get(tail).and_then(|t| t.record.clone()),
        ) {
            task.record = Some(Box::new(Record {
                outcome: r.outcome,
                at: c,
                by: None,
                closed: true,
            }));
        }
        self.plan.tasks.push(task);
        Ok(())
    }
}

/// What the history records on the two contacts an abnormal recovery brings (the
/// consultant's call, the doctor's visit): made, and the first time agreed.
pub(super) type Made = ((bool, Option<NaiveDateTime>), (bool, Option<NaiveDateTime>));
