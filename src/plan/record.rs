//! What the history does to a planned occurrence: done tasks are closed and never come
//! back; an unanswered call is tried again (`no_answer`) and, after the last attempt, a
//! message, a supervisor or nothing follows; an agreed time or a picked day moves the task
//! (`shifted`: `agreed`, `picked`); an abnormal recovery brings the onsite consultant's
//! call and the doctor's visit; a task still not done `escalate_after` its window goes to
//! a supervisor. Follow-ups staff added by hand become tasks too.

use super::ledger::{Entry, IgnoredReason, FOLLOW_UP};
use super::task::{task_id, Derived, DropReason, Dropped, Record, Task, TaskInfo};
use super::{lifecycle, shift, Planner};
use crate::calendar::ShiftReason;
use crate::compile::{Program, RetryThen, Step};
use crate::error::Result;
use crate::history::OutcomeKind;
use crate::model::{Channel, Role};
use crate::time::TimeWindow;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use std::sync::Arc;

/// Days a supervisor's task stays on time after its day, and is worth doing after that.
const SUPERVISOR_LATEST_DAYS: i64 = 2;
const SUPERVISOR_EXPIRES_DAYS: i64 = 7;
/// Days a message after the last unanswered call is worth sending.
const MESSAGE_EXPIRES_DAYS: i64 = 3;
/// Days the doctor's visit after an abnormal recovery is on time, and worth doing.
const VISIT_LATEST_DAYS: i64 = 1;
const VISIT_EXPIRES_DAYS: i64 = 7;
/// How long an agreed time is: the call is due from the agreed minute for this long.
const AGREED_MINUTES: i64 = 60;

fn record(e: &Entry<'_>, closed: bool) -> Record {
    Record {
        outcome: e.outcome.outcome,
        at: e.outcome.at,
        by: e.outcome.by.as_deref().map(Arc::from),
        closed,
    }
}

/// The agreed window: from the agreed minute, for [`AGREED_MINUTES`] or to the end of
/// the day.
fn agreed_window(to: NaiveDateTime) -> TimeWindow {
    let start = NaiveTime::from_hms_opt(
        chrono::Timelike::hour(&to.time()),
        chrono::Timelike::minute(&to.time()),
        0,
    )
    .unwrap_or(NaiveTime::MIN);
    let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    let (end, wrapped) = start.overflowing_add_signed(TimeDelta::minutes(AGREED_MINUTES));
    let end = if wrapped != 0 || end <= start {
        last
    } else {
        end
    };
    TimeWindow { start, end }
}

impl Planner<'_> {
    /// Applies the outcomes recorded for the occurrence whose task is
    /// `self.plan.tasks[base]`, the last task planned. Returns false when the task itself
    /// was dropped (an agreed day after a refusal, say).
    pub(super) fn apply_history(
        &mut self,
        program: &Program,
        step: &Step,
        base: usize,
        entries: &[Entry<'_>],
    ) -> Result<bool> {
        let retry = step.retry.filter(|_| step.info.channel == Channel::Phone);
        let mut tail = base;
        let mut attempt = 1u32;
        let mut unanswered = 0u32;
        let mut closed_at: Option<NaiveDateTime> = None;
        let mut moved = false;
        let mut finished = false;
        for e in entries
            .iter()
            .filter(|e| matches!(e.derived, None | Some(Derived::Attempt(_))))
        {
            let o = e.outcome;
            if closed_at.is_some() || finished {
                self.ignore(e, IgnoredReason::AfterClosed);
                continue;
            }
            match o.outcome {
                OutcomeKind::Note => {}
                OutcomeKind::Done | OutcomeKind::Declined | OutcomeKind::AbnormalRecovery => {
                    self.set_record(tail, record(e, true));
                    closed_at = Some(o.at);
                    if o.outcome == OutcomeKind::AbnormalRecovery {
                        self.abnormal(step, base, o.at)?;
                    }
                }
                OutcomeKind::NoAnswer | OutcomeKind::Busy | OutcomeKind::Unreachable => {
                    unanswered += 1;
                    let Some(r) = retry else {
                        // No retry rule: the task stays open, staff call again.
                        self.set_record(tail, record(e, false));
                        continue;
                    };
                    self.set_record(tail, record(e, true));
                    if unanswered >= r.max_attempts {
                        self.after_last_attempt(program, step, base, attempt, r.then, o.at)?;
                        finished = true;
                        closed_at = Some(o.at);
                        continue;
                    }
                    attempt += 1;
                    match self.next_attempt(program, step, base, attempt, r.after_minutes, o.at)? {
                        Some(t) => {
                            tail = t;
                            moved = true;
                        }
                        None => {
                            finished = true;
                            closed_at = Some(o.at);
                        }
                    }
                }
                OutcomeKind::Rescheduled => {
                    let Some(to) = o.to else { continue };
                    self.set_record(tail, record(e, false));
                    self.agree(tail, to);
                    unanswered = 0;
                    moved = true;
                }
                OutcomeKind::Picked => {
                    let Some(day) = o.day.filter(|_| step.info.picked_by.is_some()) else {
                        self.ignore(e, IgnoredReason::NotStaffPicked);
                        continue;
                    };
                    self.set_record(tail, record(e, false));
                    self.pick(tail, day);
                    moved = true;
                }
            }
        }
        let mut kept = true;
        let mut tail_dropped = false;
        if closed_at.is_none() && moved {
            // A task moved (or a new attempt) is judged again on its new day.
            let verdict = self.plan.tasks.get(tail).and_then(|t| {
                let at = t.due.and_time(t.window.start);
                lifecycle::judge(self.ep, program, step, t.channel(), at)
                    .map(|v| (v, t.id(), t.nominal, t.occurrence))
            });
            if let Some(((reason, detail), id, nominal, occurrence)) = verdict {
                self.plan.tasks.remove(tail);
                kept = tail != base;
                tail_dropped = true;
                self.plan.dropped.push(Dropped {
                    id,
                    program: program.id.clone(),
                    step: step.info.step.clone(),
                    occurrence,
                    nominal: Some(nominal),
                    reason,
                    detail,
                });
            }
        }
        if !tail_dropped {
            self.overdue(step, tail, closed_at)?;
        }
        // Outcomes of the other tasks the occurrence made.
        for e in entries
            .iter()
            .filter(|e| !matches!(e.derived, None | Some(Derived::Attempt(_))))
        {
            let found = (base..self.plan.tasks.len()).find(|&i| {
                self.plan
                    .tasks
                    .get(i)
                    .is_some_and(|t| t.derived == e.derived)
            });
            match found {
                Some(i) => self.apply_simple(i, e),
                None => self.ignore(e, IgnoredReason::NoSuchTask),
            }
        }
        Ok(kept)
    }

    fn ignore(&mut self, e: &Entry<'_>, reason: IgnoredReason) {
        if let Some(l) = self.ledger.as_mut() {
            l.ignore(e, reason);
        }
    }

    fn set_record(&mut self, i: usize, r: Record) {
        if let Some(t) = self.plan.tasks.get_mut(i) {
            t.record = Some(r);
        }
    }

    /// One outcome on a task with no retry rule (a derived task, a follow-up).
    fn apply_simple(&mut self, i: usize, e: &Entry<'_>) {
        let Some(t) = self.plan.tasks.get(i) else {
            return;
        };
        if t.is_closed() {
            self.ignore(e, IgnoredReason::AfterClosed);
            return;
        }
        match e.outcome.outcome {
            OutcomeKind::Note => {}
            OutcomeKind::Picked => self.ignore(e, IgnoredReason::NotStaffPicked),
            OutcomeKind::Rescheduled => {
                if let Some(to) = e.outcome.to {
                    self.set_record(i, record(e, false));
                    self.agree(i, to);
                }
            }
            k if k.is_unanswered() => self.set_record(i, record(e, false)),
            _ => self.set_record(i, record(e, true)),
        }
    }

    /// Moves a task to the day and time agreed with the patient: on time that day, worth
    /// doing as long after it as before.
    fn agree(&mut self, i: usize, to: NaiveDateTime) {
        let covers = |d: NaiveDate| self.cal.covers(d);
        let Some(t) = self.plan.tasks.get(i) else {
            return;
        };
        let day = to.date();
        let grace = t.expires.map(|e| (e - t.latest).num_days().max(0));
        let beyond = !covers(day) || !covers(t.nominal);
        let Some(t) = self.plan.tasks.get_mut(i) else {
            return;
        };
        t.earliest = day;
        t.due = day;
        t.latest = day;
        t.window = agreed_window(to);
        t.shifted = Some(ShiftReason::Agreed);
        t.expires = grace.map(|g| shift::add_days(day, g).unwrap_or(day));
        t.beyond_calendar = beyond;
    }

    /// Sets the day a consultant picked for a staff-picked task; its window widens to
    /// hold the day if needed.
    fn pick(&mut self, i: usize, day: NaiveDate) {
        let beyond = !self.cal.covers(day);
        let Some(t) = self.plan.tasks.get_mut(i) else {
            return;
        };
        let grace = t.expires.map(|e| (e - t.latest).num_days().max(0));
        t.due = day;
        t.earliest = t.earliest.min(day);
        t.latest = t.latest.max(day);
        if let (Some(e), Some(g)) = (t.expires, grace) {
            t.expires = Some(e.max(shift::add_days(t.latest, g).unwrap_or(t.latest)));
        }
        t.shifted = Some(ShiftReason::Picked);
        t.beyond_calendar = t.beyond_calendar || beyond;
    }

    /// The first moment from `t` when `channel` works, in the window `window_on` gives
    /// for the day: `t`'s day if some of its window is left after `t`, else the next day
    /// the channel works (with why the day moved). `None` when that day has no window.
    fn first_moment(
        &self,
        channel: Channel,
        t: NaiveDateTime,
        window_on: &dyn Fn(&Self, NaiveDate) -> Result<Option<TimeWindow>>,
    ) -> Result<Option<(NaiveDate, TimeWindow, Option<ShiftReason>)>> {
        let day = t.date();
        if self.cal.works(channel, day) {
            if let Some(w) = window_on(self, day)?.and_then(|w| shift::after_time(w, t.time())) {
                return Ok(Some((day, w, None)));
            }
        }
        let reason = self
            .cal
            .closed_reason_for(channel, day)
            .unwrap_or(ShiftReason::AfterEvent);
        let Some(next) = day.succ_opt() else {
            return Ok(None);
        };
        let next = self.on_or_after(channel, next);
        Ok(window_on(self, next)?.map(|w| (next, w, Some(reason))))
    }

    /// The calendar's day window, less the quiet hours and the patient's rest hours for
    /// contacts at a distance.
    fn day_window(&self, channel: Channel) -> Option<TimeWindow> {
        let day = self.windows.day;
        if !matches!(channel, Channel::Phone | Channel::Sms | Channel::Wechat) {
            return Some(day);
        }
        let blocked: Vec<TimeWindow> = self
            .cal
            .quiet_hours()
            .iter()
            .chain(&self.rest)
            .copied()
            .collect();
        if blocked.is_empty() {
            Some(day)
        } else {
            day.outside(&blocked)
        }
    }

    /// A task made from the occurrence of `self.plan.tasks[base]`.
    #[allow(clippy::too_many_arguments)]
    fn derived_task(
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
            info,
            subject: b.subject.clone(),
            occurrence: b.occurrence,
            earliest: due,
            due,
            latest: latest.max(due),
            window,
            nominal,
            shifted,
            beyond_calendar: !self.cal.covers(due) || !self.cal.covers(nominal),
            expires,
            status: None,
            waiting: false,
            derived: Some(derived),
            record: None,
            owner: None,
            filled: None,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn dropped(
        &mut self,
        program: &Program,
        step: &Step,
        base: usize,
        id: String,
        reason: DropReason,
        detail: Option<Arc<str>>,
        nominal: Option<NaiveDate>,
    ) {
        let occurrence = self.plan.tasks.get(base).map_or(0, |b| b.occurrence);
        self.plan.dropped.push(Dropped {
            id,
            program: program.id.clone(),
            step: step.info.step.clone(),
            occurrence,
            nominal,
            reason,
            detail,
        });
    }

    /// The next call after an unanswered one, `after_minutes` later (or in the step's
    /// window of the next day the call desk works). `None` when it would come after the
    /// task expires or the patient rests all day: dropped then.
    fn next_attempt(
        &mut self,
        program: &Program,
        step: &Step,
        base: usize,
        n: u32,
        after_minutes: i64,
        at: NaiveDateTime,
    ) -> Result<Option<usize>> {
        let Some(b) = self.plan.tasks.get(base) else {
            return Ok(None);
        };
        let (latest, expires, base_id) = (b.latest, b.expires, b.id());
        let id = format!("{base_id}/{}", Derived::Attempt(n).name());
        let t = at
            .checked_add_signed(TimeDelta::minutes(after_minutes))
            .unwrap_or(at);
        let placed = self.first_moment(step.info.channel, t, &|p: &Self, day| {
            p.time_window(step, day)
        })?;
        let Some(placed) = placed else {
            self.dropped(
                program,
                step,
                base,
                id,
                DropReason::RestHours,
                None,
                Some(t.date()),
            );
            return Ok(None);
        };
        if expires.is_some_and(|e| placed.0 > e) {
            self.dropped(
                program,
                step,
                base,
                id,
                DropReason::Expired,
                None,
                Some(t.date()),
            );
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
        Ok(task.map(|task| {
            self.plan.tasks.push(task);
            self.plan.tasks.len() - 1
        }))
    }

    /// What follows the last unanswered call: a message, a supervisor's task, or a drop.
    fn after_last_attempt(
        &mut self,
        program: &Program,
        step: &Step,
        base: usize,
        attempt: u32,
        then: RetryThen,
        at: NaiveDateTime,
    ) -> Result<()> {
        let base_id = match self.plan.tasks.get(base) {
            Some(b) => b.id(),
            None => return Ok(()),
        };
        match then {
            RetryThen::Drop => {
                let id = format!("{base_id}/{}", Derived::Attempt(attempt + 1).name());
                let detail: Arc<str> = attempt.to_string().into();
                self.dropped(
                    program,
                    step,
                    base,
                    id,
                    DropReason::Unanswered,
                    Some(detail),
                    Some(at.date()),
                );
            }
            RetryThen::Message(channel) => {
                let Some(info) = step.derived.message.clone() else {
                    return Ok(());
                };
                let id = format!("{base_id}/{}", Derived::Message.name());
                let placed =
                    self.first_moment(channel, at, &|p: &Self, _| Ok(p.day_window(channel)))?;
                let Some(placed) = placed else {
                    self.dropped(
                        program,
                        step,
                        base,
                        id,
                        DropReason::RestHours,
                        None,
                        Some(at.date()),
                    );
                    return Ok(());
                };
                let start = placed.0.and_time(placed.1.start);
                if let Some((reason, detail)) =
                    lifecycle::judge(self.ep, program, step, channel, start)
                {
                    self.dropped(program, step, base, id, reason, detail, Some(at.date()));
                    return Ok(());
                }
                let expires = shift::add_days(placed.0, MESSAGE_EXPIRES_DAYS);
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
                }
            }
            RetryThen::Escalate => {
                if let Some(info) = step.derived.unanswered.clone() {
                    self.supervisor(base, info, Derived::Unanswered, at)?;
                }
            }
        }
        Ok(())
    }

    /// A supervisor's task from the moment `at` on (the same day if the clinic is open
    /// and some of its day is left).
    fn supervisor(
        &mut self,
        base: usize,
        info: Arc<TaskInfo>,
        derived: Derived,
        at: NaiveDateTime,
    ) -> Result<()> {
        let day = self.windows.day;
        let placed = self.first_moment(Channel::Internal, at, &|_, _| Ok(Some(day)))?;
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
    /// works), and the doctor's visit on the first day the clinic is open from then.
    fn abnormal(&mut self, step: &Step, base: usize, at: NaiveDateTime) -> Result<()> {
        let (contact, visit) = crate::compile::derived::abnormal(&step.info);
        let placed = self.first_moment(Channel::Phone, at, &|p: &Self, _| {
            Ok(p.day_window(Channel::Phone))
        })?;
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
        let placed = self.first_moment(Channel::InPerson, at, &|_, _| Ok(Some(day)))?;
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

    /// The supervisor's task when the task (its last attempt) is still not done
    /// `escalate_after` days after its last on-time day. Left out when the task was
    /// closed before that day; closed with it when it was closed later.
    pub(super) fn overdue(
        &mut self,
        step: &Step,
        tail: usize,
        closed_at: Option<NaiveDateTime>,
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
        let due = self.on_or_after(Channel::Internal, nominal);
        if closed_at.is_some_and(|c| c.date() < due) {
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
        if let (Some(c), Some(r)) = (
            closed_at,
            self.plan.tasks.get(tail).and_then(|t| t.record.clone()),
        ) {
            // Done after the supervisor stepped in: closed with it.
            task.record = Some(Record {
                outcome: r.outcome,
                at: c,
                by: None,
                closed: true,
            });
        }
        self.plan.tasks.push(task);
        Ok(())
    }

    /// The follow-ups staff added by hand: tasks of the program `follow-up`, judged by
    /// the patient's refusals and opt-outs like any contact, with their own outcomes.
    pub(super) fn follow_ups(&mut self) -> Result<()> {
        let Some(list) = self.ledger.as_ref().map(|l| l.follow_ups) else {
            return Ok(());
        };
        let declined = crate::compile::Declined::default();
        for f in list {
            // Placeholders as in rule files; texts that do not read as templates (a
            // stray brace in a note) are taken as written.
            let texts = crate::template::step_texts(&f.title, f.script.as_ref(), "", "event").ok();
            let info = Arc::new(TaskInfo {
                program: FOLLOW_UP.into(),
                step: f.id.as_str().into(),
                channel: f.channel,
                role: f.role,
                picked_by: None,
                wait_for: None,
                title: texts
                    .as_ref()
                    .map_or_else(|| f.title.clone(), |t| t.title.clone()),
                script: match &texts {
                    Some(t) => t.script.clone(),
                    None => f.script.clone(),
                },
                templates: texts.and_then(|t| t.templates),
                rank: u32::MAX,
            });
            let window = match f.time {
                Some(w) => Some(w),
                None => self.day_window(f.channel),
            };
            let id = task_id(FOLLOW_UP, &f.id, &self.subject.episode, 0);
            let drop = |this: &mut Self, reason, detail| {
                this.plan.dropped.push(Dropped {
                    id: id.clone(),
                    program: FOLLOW_UP.into(),
                    step: f.id.as_str().into(),
                    occurrence: 0,
                    nominal: Some(f.due),
                    reason,
                    detail,
                })
            };
            let Some(window) = window else {
                drop(self, DropReason::RestHours, None);
                continue;
            };
            if let Some((reason, detail)) = lifecycle::judge_contact(
                self.ep,
                &declined,
                &[],
                f.channel,
                f.due.and_time(window.start),
            ) {
                drop(self, reason, detail);
                continue;
            }
            let latest = f.latest.unwrap_or(f.due).max(f.due);
            self.plan.tasks.push(Task {
                info,
                subject: self.subject.clone(),
                occurrence: 0,
                earliest: f.due,
                due: f.due,
                latest,
                window,
                nominal: f.due,
                shifted: None,
                beyond_calendar: !self.cal.covers(f.due),
                expires: shift::add_days(latest, 7),
                status: None,
                waiting: false,
                derived: None,
                record: None,
                owner: None,
                filled: None,
            });
            let i = self.plan.tasks.len() - 1;
            let entries = self
                .ledger
                .as_mut()
                .and_then(|l| l.take(FOLLOW_UP, &f.id, 0))
                .unwrap_or_default();
            for e in &entries {
                if e.derived.is_some() {
                    self.ignore(e, IgnoredReason::NoSuchTask);
                } else {
                    self.apply_simple(i, e);
                }
            }
        }
        Ok(())
    }

    /// Gives every task its owner — for a closed task whoever owned its role when it was
    /// closed; for an open one whoever owns it now, or, when it expired before the role
    /// changed hands, whoever owned it on its last day — then fills its title and script
    /// (`{owner}` is the owner's name).
    pub(super) fn owners_and_texts(&mut self) {
        let ep = self.ep;
        let owned = !ep.owners.is_empty() || !ep.reassignments.is_empty();
        let end_of = |d: NaiveDate| {
            d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        };
        let mut tasks = std::mem::take(&mut self.plan.tasks);
        for t in &mut tasks {
            let owner = if owned {
                let role: Role = t.role();
                match (&t.record, t.expires) {
                    (Some(r), _) if r.closed => ep.owner_at(role, r.at),
                    (_, Some(e)) => ep.owner_at(role, end_of(e)),
                    _ => ep.owner(role),
                }
            } else {
                None
            };
            t.owner = owner.map(|o| o.id.clone());
            t.filled = self.fill(&t.info, t.occurrence, owner.map(|o| o.display()));
        }
        self.plan.tasks = tasks;
    }
}
