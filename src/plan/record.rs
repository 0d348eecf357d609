//! What the history does to a planned occurrence: done tasks are closed and never come
//! back; an unanswered call is tried again (`no_answer`) and, after the last attempt, a
//! message, a supervisor or nothing follows; an agreed time or a picked day moves the task
//! (`shifted`: `agreed`, `picked`); an abnormal recovery brings the onsite consultant's
//! call and the doctor's visit; a task still not done `escalate_after` its window goes to
//! a supervisor (the tasks it makes: `derive.rs`). Follow-ups staff added by hand become
//! tasks too (`follow_up.rs`).

use super::ledger::{Entry, IgnoredReason};
use super::task::{Derived, Dropped, Record};
use super::{shift, Planner};
use crate::calendar::ShiftReason;
use crate::compile::{Program, RetryThen, Step};
use crate::error::Result;
use crate::history::OutcomeKind;
use crate::model::Channel;
use crate::time::TimeWindow;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use std::sync::Arc;

/// How long an agreed time is: the call is due from the agreed minute for this long.
const AGREED_MINUTES: i64 = 60;

/// The agreed window: from the agreed minute, for [`AGREED_MINUTES`] or to the end of
/// the day.
fn agreed_window(to: NaiveDateTime) -> TimeWindow {
    let start = NaiveTime::from_hms_opt(
        chrono::Timelike::hour(&to.time()),
        chrono::Timelike::minute(&to.time()),
        0,
    )
    .unwrap_or(NaiveTime::MIN);
    // Windows are whole minutes within the day (`HH:MM`, as plans are written): a time
    // agreed late in the evening has until 23:59, and one at 23:59 the minute before it.
    let last = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN);
    let (end, wrapped) = start.overflowing_add_signed(TimeDelta::minutes(AGREED_MINUTES));
    let end = if wrapped != 0 || end > last {
        last
    } else {
        end
    };
    let start = if start >= end {
        end.overflowing_sub_signed(TimeDelta::minutes(1)).0
    } else {
        start
    };
    TimeWindow { start, end }
}

/// Per entry of `entries` (an occurrence's outcomes), false when it names an attempt the
/// history cannot have made: a typo, not the task. Attempt `k` is made by `k - 1`
/// unanswered calls recorded on the task or on the attempts before it (what is recorded
/// on `…/attempt-3` itself does not make it: audit 85), in any order within a day (a host
/// may stamp an upload later than the call, the same day; a try recorded the day after
/// makes no attempt before it: audit 89, a try after the call was done turned a typo into
/// the call's record), and within the step's `max_attempts` — counted again after each
/// agreed time (`rescheduled` starts the unanswered count again: `…/attempt-4` after a
/// reschedule is real). Outcomes on the task itself, and on other derived tasks, are
/// true. O(n log n) in the entries.
pub(super) fn attempts_real(step: &Step, entries: &[Entry<'_>]) -> Vec<bool> {
    let mut real = vec![true; entries.len()];
    let attempt = |e: &Entry<'_>| match e.derived {
        Some(Derived::Attempt(k)) => Some(k),
        _ => None,
    };
    let Some(r) = step.retry.filter(|_| step.info.channel == Channel::Phone) else {
        // No retry rule: no attempt is ever made.
        for (flag, e) in real.iter_mut().zip(entries) {
            *flag = attempt(e).is_none();
        }
        return real;
    };
    let chain = |e: &&Entry<'_>| matches!(e.derived, None | Some(Derived::Attempt(_)));
    let agreed = (entries.iter().filter(chain))
        .filter(|e| e.outcome.outcome == OutcomeKind::Rescheduled)
        .count();
    let cap = r
        .max_attempts
        .saturating_mul(u32::try_from(agreed).unwrap_or(u32::MAX).saturating_add(1));
    // The unanswered calls on the task and on the attempts judged real so far.
    let mut tries: Vec<chrono::NaiveDateTime> = (entries.iter())
        .filter(|e| e.derived.is_none() && e.outcome.outcome.is_unanswered())
        .map(|e| e.outcome.at)
        .collect();
    tries.sort_unstable();
    let mut levels: Vec<u32> = entries.iter().filter_map(attempt).collect();
    levels.sort_unstable();
    levels.dedup();
    for k in levels {
        let mut more = Vec::new();
        for (flag, e) in real.iter_mut().zip(entries) {
            if attempt(e) != Some(k) {
                continue;
            }
            // Tries recorded before the end of the outcome's day.
            let bound =
                (e.outcome.at.date().succ_opt()).map(|d| d.and_time(chrono::NaiveTime::MIN));
            let before = bound.map_or(tries.len(), |b| tries.partition_point(|t| *t < b));
            let needed = usize::try_from(k.saturating_sub(1)).unwrap_or(usize::MAX);
            *flag = k <= cap && before >= needed;
            if *flag && e.outcome.outcome.is_unanswered() {
                more.push(e.outcome.at);
            }
        }
        tries.extend(more);
        tries.sort_unstable();
    }
    real
}

/// True when `entries` (an occurrence's, in time order) record that it happened: an
/// outcome other than a note or an unanswered try, on the task or an attempt the history
/// can have made (an attempt past them is a typo: audit 43), a day picked only on a
/// staff-picked task (elsewhere it is ignored: audit 37).
pub(super) fn reached(step: &Step, entries: &[Entry<'_>]) -> bool {
    let real = attempts_real(step, entries);
    entries.iter().zip(real).any(|(e, real)| {
        let call = match e.derived {
            None => true,
            Some(Derived::Attempt(_)) => real,
            Some(_) => false,
        };
        call && reaches_patient(e.outcome.outcome)
            && (step.info.picked_by.is_some() || e.outcome.outcome != OutcomeKind::Picked)
    })
}

/// True for an outcome that reached the patient or was agreed with them (done, a
/// refusal, an abnormal recovery, an agreed time, a picked day): not a note, nor an
/// unanswered try.
pub(super) fn reaches_patient(kind: OutcomeKind) -> bool {
    !matches!(
        kind,
        OutcomeKind::Note | OutcomeKind::NoAnswer | OutcomeKind::Busy | OutcomeKind::Unreachable
    )
}

/// True when an outcome that reached the patient (done, a refusal, an abnormal recovery)
/// is recorded on the chain of calls in `entries` before the chain closes: before the
/// `max_attempts`-th unanswered try in a row (`max`: the retry rule's; an agreed time
/// starts the count again). Attempts not `real` are typos and count for nothing.
fn reached_in_time(max: Option<u32>, real: &[bool], entries: &[Entry<'_>]) -> bool {
    let mut unanswered = 0u32;
    for (e, real) in entries.iter().zip(real) {
        match e.derived {
            None => {}
            Some(Derived::Attempt(_)) if *real => {}
            Some(_) => continue,
        }
        match e.outcome.outcome {
            k if k.is_done() => return true,
            k if k.is_unanswered() => {
                unanswered += 1;
                if max.is_some_and(|m| unanswered >= m) {
                    return false;
                }
            }
            OutcomeKind::Rescheduled => unanswered = 0,
            _ => {}
        }
    }
    false
}

impl Planner<'_> {
    /// Applies the outcomes recorded for the occurrence whose task is
    /// `self.plan.tasks[base]`, the last task planned, which the facts stop
    /// (`stopped`, kept for what the history records on it) or not. Returns false when
    /// the task itself was dropped (an agreed day after a refusal, say).
    pub(super) fn apply_history(
        &mut self,
        program: &Program,
        step: &Step,
        (base, stopped): (usize, &super::lifecycle::Verdict),
        entries: &[Entry<'_>],
    ) -> Result<bool> {
        let retry = step.retry.filter(|_| step.info.channel == Channel::Phone);
        let mut tail = base;
        let mut attempt = 1u32;
        let mut unanswered = 0u32;
        let mut closed_at: Option<NaiveDateTime> = None;
        // When the tasks that follow the call (the message after the last unanswered
        // try, an abnormal recovery's call and visit) came to be: nothing is recorded on
        // them before (audit 43).
        let mut caused_at: Option<NaiveDateTime> = None;
        let mut moved = false;
        let mut finished = false;
        // No attempt fits before the task expires: the calls so far stay, the task open.
        let mut exhausted = false;
        let calls = |e: &&Entry<'_>| matches!(e.derived, None | Some(Derived::Attempt(_)));
        let real = attempts_real(step, entries);
        // Only what reached the patient (done, a refusal, an abnormal recovery) keeps a
        // call its facts stop; without it, an unanswered try on such a call (the task,
        // an agreed time, a further attempt) does not bring it back (audit 54: a try
        // after a refusal brought back its attempt, and a resolved complaint's callback
        // and supervisor's task).
        // Such an outcome counts when it is taken: before the chain's last unanswered try
        // closed it (audit 55: a `done` listed `after_closed` brought back an attempt).
        let reaches = reached_in_time(retry.map(|r| r.max_attempts), &real, entries);
        // The facts' word on the current tail at its time: the base's as planned, until
        // an outcome moves it or makes another attempt.
        let mut tail_stopped = stopped.clone();
        let mut chain_dropped = false;
        // The outcomes recorded on the current tail, reported if a fact drops it.
        let mut on_tail: Vec<&Entry<'_>> = Vec::new();
        // A supervisor's check the history records: it happened (the first record's time).
        // A note or an unanswered try says nothing happened (audit 167: a note brought
        // back the check of a call done on time, a `busy` pinned it to its first day).
        // A time agreed or a day picked for the check is no check made (audit 207: a
        // `rescheduled` on the check of a call done on time brought the check back).
        let happened = |k: OutcomeKind| {
            reaches_patient(k) && !matches!(k, OutcomeKind::Rescheduled | OutcomeKind::Picked)
        };
        let check = (entries.iter())
            .filter(|e| e.derived == Some(Derived::Overdue) && happened(e.outcome.outcome))
            .map(|e| e.outcome.at)
            .min();
        for (e, real) in entries.iter().zip(&real).filter(|(e, _)| calls(e)) {
            let o = e.outcome;
            // An attempt the history cannot have made (no unanswered call before it, or
            // past the step's `max_attempts`): a typo, not the task.
            if !real {
                self.ignore(e, IgnoredReason::NoSuchTask);
                continue;
            }
            if chain_dropped {
                self.ignore(e, IgnoredReason::Dropped);
                continue;
            }
            // No attempt fitted before the task expired: its tries are over. A call made
            // later that reached the patient still closes it; another try or an agreed
            // time is the dropped attempt's, whichever of the chain's ids it names
            // (audits 54, 55: an agreed time moved the task and replaced its record).
            if exhausted && !o.outcome.is_done() && o.outcome != OutcomeKind::Note {
                self.ignore(e, IgnoredReason::Dropped);
                continue;
            }
            if closed_at.is_some() || finished {
                self.ignore(e, IgnoredReason::AfterClosed);
                continue;
            }
            if !reaches
                && o.outcome.is_unanswered()
                && let Some(why) = tail_stopped.clone()
                && self.stopped_when_tried(program, step, tail, o.at)
            {
                // The supervisor's check the history records stays, made from the call
                // before it goes (an unanswered try after an opt-out, then an agreed time).
                if check.is_some() {
                    self.overdue(step, tail, closed_at, check)?;
                }
                self.drop_tail(tail, why, &on_tail);
                self.ignore(e, IgnoredReason::Dropped);
                chain_dropped = true;
                continue;
            }
            match o.outcome {
                OutcomeKind::Note => {}
                OutcomeKind::Done | OutcomeKind::Declined | OutcomeKind::AbnormalRecovery => {
                    self.record_on(tail, e, true);
                    on_tail.push(e);
                    closed_at = Some(o.at);
                    if o.outcome == OutcomeKind::AbnormalRecovery {
                        // What the history records done on the contacts it makes keeps
                        // them, a refusal or an opt-out before them notwithstanding (audit
                        // 99: a consultant's call made was lost, its `done` "no such task").
                        // An agreed time is no call made (audit 102).
                        let made = |d: Derived| {
                            entries.iter().any(|x| {
                                x.derived == Some(d)
                                    && x.outcome.at >= o.at
                                    && x.outcome.outcome.is_done()
                            })
                        };
                        // An agreed time is no call made, but the contact is judged at
                        // it, not at the moment it would have had (audit 110: agreed
                        // before a refusal, it was dropped as if it came after).
                        let agreed = |d: Derived| {
                            (entries.iter())
                                .filter(|x| x.derived == Some(d) && x.outcome.at >= o.at)
                                .find_map(|x| {
                                    (x.outcome.outcome == OutcomeKind::Rescheduled)
                                        .then_some(x.outcome.to)
                                        .flatten()
                                })
                        };
                        let made = (
                            (
                                made(Derived::AbnormalContact),
                                agreed(Derived::AbnormalContact),
                            ),
                            (made(Derived::DoctorVisit), agreed(Derived::DoctorVisit)),
                        );
                        self.abnormal(step, base, o.at, made)?;
                        caused_at = Some(o.at);
                    }
                }
                OutcomeKind::NoAnswer | OutcomeKind::Busy | OutcomeKind::Unreachable => {
                    unanswered += 1;
                    let Some(r) = retry else {
                        // No retry rule: the task stays open, staff call again.
                        self.record_on(tail, e, false);
                        on_tail.push(e);
                        continue;
                    };
                    self.record_on(tail, e, true);
                    on_tail.push(e);
                    if exhausted {
                        continue;
                    }
                    if unanswered >= r.max_attempts {
                        let followed =
                            self.after_last_attempt(program, step, base, attempt, r.then, o.at)?;
                        caused_at = Some(o.at);
                        if followed {
                            finished = true;
                            closed_at = Some(o.at);
                        } else {
                            // Its message cannot go: the tries are over, the call is not
                            // closed (its supervisor's check stays), and a call made
                            // later that reached the patient still closes it.
                            exhausted = true;
                        }
                        continue;
                    }
                    match self.next_attempt(
                        step,
                        (base, tail),
                        attempt + 1,
                        r.after_minutes,
                        o.at,
                    )? {
                        Some(t) => {
                            attempt += 1;
                            tail = t;
                            moved = true;
                            on_tail.clear();
                            tail_stopped = self.tail_verdict(program, step, tail);
                        }
                        None => {
                            // No attempt fits before the task expires (a long closure) or
                            // outside the patient's rest hours: what follows the last
                            // attempt follows now. The task is not done: its
                            // supervisor's check stays, and a call made later (staff
                            // calling from home) still closes it.
                            if r.then != RetryThen::Drop {
                                let _ = self.after_last_attempt(
                                    program, step, base, attempt, r.then, o.at,
                                )?;
                                caused_at = Some(o.at);
                            }
                            exhausted = true;
                        }
                    }
                }
                OutcomeKind::Rescheduled => {
                    let Some(to) = o.to else { continue };
                    self.record_on(tail, e, false);
                    on_tail.push(e);
                    let (to, day_window) = if to.time() == NaiveTime::MIN {
                        self.agreed_day(Some(step), tail, to.date(), o.at)
                    } else {
                        (to, None)
                    };
                    self.agree(tail, to, day_window);
                    self.why_moved(tail);
                    unanswered = 0;
                    moved = true;
                    tail_stopped = self.tail_verdict(program, step, tail);
                }
                OutcomeKind::Picked => {
                    let Some(day) = o.day.filter(|_| step.info.picked_by.is_some()) else {
                        self.ignore(e, IgnoredReason::NotStaffPicked);
                        continue;
                    };
                    self.record_on(tail, e, false);
                    on_tail.push(e);
                    self.pick(tail, day);
                    self.why_moved(tail);
                    moved = true;
                    tail_stopped = self.tail_verdict(program, step, tail);
                }
            }
        }
        let mut kept = !(chain_dropped && tail == base);
        let mut tail_dropped = chain_dropped;
        if closed_at.is_none() && moved && !chain_dropped {
            // A task moved (or a new attempt) is judged again on its new day.
            let moved =
                (self.plan.tasks.get(tail)).map(|t| (t.due.and_time(t.window.start), t.channel()));
            // A task still waiting for its fact, moved past the end of its wait (an agreed
            // time after it), is void by then: expired (audit 58: due after it expired).
            let past_wait = (self.plan.tasks.get(tail))
                .filter(|t| t.waiting && t.expires.is_some_and(|e| e < t.due))
                .map(|_| (super::task::DropReason::Expired, None));
            let verdict = moved.and_then(|(at, channel)| {
                let v = match past_wait {
                    Some(v) => v,
                    None => self.verdict(program, step, channel, at)?,
                };
                Some((v, self.plan.tasks.get(tail)?.id()))
            });
            if let Some(((reason, detail), id)) = verdict {
                let text = super::explain::reason_name(reason);
                self.why_result(&id, || format!("dropped: {text} before its new day"), true);
                // The supervisor's check the history records stays, made from the call
                // before it goes (audit 82).
                if check.is_some() {
                    self.overdue(step, tail, closed_at, check)?;
                }
                let t = self.plan.tasks.remove(tail);
                self.removed_due = Some(t.due);
                kept = tail != base;
                tail_dropped = true;
                (self.plan.dropped).push(Dropped::of_task(&t, reason, detail));
                // What moved it is reported, not lost with it.
                for e in on_tail {
                    self.ignore(e, IgnoredReason::Dropped);
                }
            }
        }
        if !tail_dropped {
            // On a day the history gave it, still worth doing until its milestone at most.
            if let (true, Some(m)) = (moved, step.until) {
                self.cap_at_until(program, m, tail);
            }
            self.overdue(step, tail, closed_at, check)?;
        }
        // Outcomes of the other tasks the occurrence made. A supervisor's check closed
        // with the task (closed after the check's day) is the supervisor's to record
        // first: what the history records on the check before the task was closed
        // counts, and the check is closed with the task only if nothing closed it.
        let mut with_task: Option<(usize, Box<Record>)> = None;
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
            // Recorded before what made the task: the history cannot have made it then.
            let before_cause = matches!(
                e.derived,
                Some(
                    Derived::AbnormalContact
                        | Derived::DoctorVisit
                        | Derived::Message
                        | Derived::Unanswered
                )
            ) && caused_at.is_some_and(|c| e.outcome.at < c);
            let Some(i) = found.filter(|_| !before_cause) else {
                // Made from a call the facts dropped since: it went with it (audit 82: a
                // supervisor's done check was reported as on no task).
                // Or itself dropped: the consultant's call after an abnormal recovery, by a
                // refusal before it (audit 109: its agreed time was "no such task").
                let dropped = || (self.plan.dropped.iter()).any(|d| d.id() == e.outcome.task);
                let reason = if !before_cause && (tail_dropped || dropped()) {
                    IgnoredReason::Dropped
                } else {
                    IgnoredReason::NoSuchTask
                };
                self.ignore(e, reason);
                continue;
            };
            if e.derived == Some(Derived::Overdue)
                && with_task.is_none()
                && closed_at.is_some_and(|c| e.outcome.at < c)
                && let Some(r) = self.plan.tasks.get_mut(i).and_then(|t| t.record.take())
            {
                with_task = Some((i, r));
            }
            // Recorded after the task closed the check (its own outcomes before that did
            // not): the check closed with the task then, and this comes after it (audit 85:
            // a `done` a week later replaced the record, after an agreed time on the check).
            if e.derived == Some(Derived::Overdue)
                && closed_at.is_some_and(|c| e.outcome.at >= c)
                && let Some((j, r)) = with_task.take_if(|(j, _)| *j == i)
                && let Some(t) = self.plan.tasks.get_mut(j).filter(|t| !t.is_closed())
            {
                t.record = Some(r);
            }
            self.apply_simple(i, e);
        }
        if let Some((i, r)) = with_task
            && let Some(t) = self.plan.tasks.get_mut(i)
            && !t.is_closed()
        {
            t.record = Some(r);
        }
        Ok(kept)
    }

    /// The facts' word on task `i` of `step` at its time (its day and the start of its
    /// window).
    fn tail_verdict(
        &mut self,
        program: &Program,
        step: &Step,
        i: usize,
    ) -> super::lifecycle::Verdict {
        let (at, channel) =
            (self.plan.tasks.get(i)).map(|t| (t.due.and_time(t.window.start), t.channel()))?;
        self.verdict(program, step, channel, at)
    }

    /// True when task `i`, which the facts stop at its time, was stopped when it was tried
    /// `at`: a try made before its time, and before the fact, was a real try (audit 55:
    /// a try at 10:30 on an attempt due at noon, the refusal at 11:00).
    fn stopped_when_tried(
        &mut self,
        program: &Program,
        step: &Step,
        i: usize,
        at: NaiveDateTime,
    ) -> bool {
        match (self.plan.tasks.get(i)).map(|t| (t.due.and_time(t.window.start), t.channel())) {
            Some((due, channel)) if at < due => self.verdict(program, step, channel, at).is_some(),
            _ => true,
        }
    }

    /// Drops task `i`, the current call of an occurrence the facts stop, for `why`, and
    /// reports what was recorded on it (`on_it`) as changing nothing.
    fn drop_tail(
        &mut self,
        i: usize,
        (reason, detail): (super::task::DropReason, Option<Arc<str>>),
        on_it: &[&Entry<'_>],
    ) {
        if i >= self.plan.tasks.len() {
            return;
        }
        let t = self.plan.tasks.remove(i);
        self.removed_due = Some(t.due);
        if self.tracing() {
            let text = super::explain::reason_name(reason);
            self.why_result(&t.id(), || format!("dropped: {text}"), true);
        }
        (self.plan.dropped).push(Dropped::of_task(&t, reason, detail));
        for e in on_it {
            self.ignore(e, IgnoredReason::Dropped);
        }
    }

    /// Reports what the history recorded on a supervisor's task the plan leaves out
    /// after recording it (its call was made, or a fact ended it): no task of the plan
    /// has its id now (audit 207: the records vanished with the task).
    pub(super) fn ignore_recorded_on(
        &mut self,
        (program, step, n, derived): (&str, &str, u32, Option<Derived>),
    ) {
        let Some(l) = self.ledger.as_mut() else {
            return;
        };
        if let Some(list) = l.take(program, step, n) {
            for e in list.iter().filter(|e| e.derived == derived) {
                if e.outcome.outcome != OutcomeKind::Declined {
                    l.ignore(e, IgnoredReason::NoSuchTask);
                }
            }
            l.give_back(list);
        }
    }

    /// Reports `e` as having changed nothing — unless it is a refusal, which is the
    /// patient's whatever becomes of its task (audit 55: listed `after_closed`).
    pub(super) fn ignore(&mut self, e: &Entry<'_>, reason: IgnoredReason) {
        if e.outcome.outcome == OutcomeKind::Declined {
            return;
        }
        if let Some(l) = self.ledger.as_mut() {
            l.ignore(e, reason);
        }
    }

    /// Gives task `i` what `e` records, closing it or not.
    fn record_on(&mut self, i: usize, e: &Entry<'_>, closed: bool) {
        let r = self.record(e, closed);
        self.set_record(i, r);
    }

    /// What `e` records, closing its task or not; the recorder's id shared with the
    /// plan's other records of the same recorder.
    fn record(&mut self, e: &Entry<'_>, closed: bool) -> Record {
        let by = e.outcome.by.as_deref().map(|b| match self.ledger.as_mut() {
            Some(l) => l.recorder(b),
            None => Arc::from(b),
        });
        Record {
            outcome: e.outcome.outcome,
            at: e.outcome.at,
            by,
            closed,
        }
    }

    pub(super) fn set_record(&mut self, i: usize, r: Record) {
        if self.tracing()
            && let Some(id) = self.plan.tasks.get(i).map(|t| t.id())
        {
            let note = super::explain::record_note(&r);
            self.why_also(&id, || note);
        }
        if let Some(t) = self.plan.tasks.get_mut(i) {
            // Made (done, refused…): it no longer waits for its fact, it happened (audit
            // 109: a further-needs call made before `recovered` stayed "waiting", no
            // contact, counted against no cap).
            if r.closed && r.outcome.is_done() {
                t.waiting = false;
            }
            // Closed, it happened: no calendar moves it now (audit 155: a call done
            // past the calendar still said its day may move).
            if r.closed {
                t.beyond_calendar = false;
            }
            t.record = Some(Box::new(r));
        }
    }

    /// After the history moved task `i`: its explanation's result.
    fn why_moved(&mut self, i: usize) {
        if self.tracing()
            && let Some((id, due, window, shifted)) = self
                .plan
                .tasks
                .get(i)
                .map(|t| (t.id(), t.due, t.window, t.shifted))
        {
            let how = shifted.map_or("moved", |s| s.name());
            // On a day the calendar closes to its channel: kept there, for whoever is on
            // duty (audit 260: the calendar line said so, the explanation did not).
            let channel = self.plan.tasks.get(i).map(|t| t.channel());
            let closed = (channel.and_then(|c| self.cal.closed_reason_for(c, due)))
                .map(|r| {
                    format!(
                        ", on a closed day ({}): kept, the patient or staff chose it; for staff on duty",
                        super::explain::closed_on(self.cal, r, due)
                    )
                })
                .unwrap_or_default();
            // With the time: an agreed time on the task's own day moves only its hour
            // (audit 119: "agreed: 2026-03-05", and 16:30 said nowhere).
            self.why_also(&id, || {
                format!("{how}: {} {window}{closed}", super::explain::day(due))
            });
            self.why_result(
                &id,
                || format!("due {} {window}", super::explain::day(due)),
                false,
            );
        }
    }

    /// One outcome on a task with no retry rule (a derived task, a follow-up).
    pub(super) fn apply_simple(&mut self, i: usize, e: &Entry<'_>) {
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
                    self.record_on(i, e, false);
                    let (to, window) = if to.time() == NaiveTime::MIN {
                        self.agreed_day(None, i, to.date(), e.outcome.at)
                    } else {
                        (to, None)
                    };
                    self.agree(i, to, window);
                    self.why_moved(i);
                }
            }
            k if k.is_unanswered() => self.record_on(i, e, false),
            _ => self.record_on(i, e, true),
        }
    }

    /// A day agreed with no time (`day`, recorded `at`) for the `i`th task, of `step`
    /// (`None`: a derived task or a follow-up, its own window): the day and the step's
    /// time that day. On the day recorded, what the window leaves after the outcome;
    /// when nothing is left, the next day its channel works, from the morning, as a
    /// task the event left no time for (audit 146: agreed at 19:00 for that day, the call
    /// was due 09:00-18:00 and late the moment it was agreed).
    pub(super) fn agreed_day(
        &mut self,
        step: Option<&Step>,
        i: usize,
        day: NaiveDate,
        at: NaiveDateTime,
    ) -> (NaiveDateTime, Option<TimeWindow>) {
        let Some((own, channel)) = self.plan.tasks.get(i).map(|t| (t.window, t.channel())) else {
            return (day.and_time(NaiveTime::MIN), None);
        };
        let window = |p: &Self, d: NaiveDate| match step {
            Some(s) => p.time_window(s, d).ok().flatten(),
            None => Some(own),
        };
        let on_day = window(self, day);
        // Recorded before the window opens, it cuts nothing: the day's window, as agreed
        // the evening before (audit 150: the first free part after the outcome, 09:00-12:00
        // before a lunch break, where the day gives 14:00-18:00).
        let before = on_day.is_none_or(|w| at.time() <= w.start);
        if day != at.date() || at.time() == NaiveTime::MIN || before {
            return (day.and_time(NaiveTime::MIN), on_day);
        }
        let left = on_day.and_then(|w| match step {
            Some(s) => self.window_from(s, day, w, at.time()),
            None => shift::after_time(w, at.time()),
        });
        if let Some(w) = left {
            return (day.and_time(NaiveTime::MIN), Some(w));
        }
        // A step that keeps its closed days (a complaint's call) goes to the next day
        // whatever the calendar says of it, as after a late event (audit 147: five days
        // later, past a holiday); the others to the next day their channel works.
        let keeps = step.is_some_and(|s| s.closed_day == crate::model::ClosedDay::Keep);
        let next = day.succ_opt().map(|d| {
            if keeps {
                d
            } else {
                self.on_or_after(channel, d)
            }
        });
        let Some(next) = next else {
            return (day.and_time(NaiveTime::MIN), on_day);
        };
        let morning = step.and_then(|s| self.next_morning(s, next));
        if let Some(id) = self
            .plan
            .tasks
            .get(i)
            .filter(|_| self.tracing())
            .map(|t| t.id())
        {
            let at = super::explain::clock(at.time());
            self.why_also(&id, || {
                format!(
                    "agreed for {} with no time, recorded at {at}, when nothing of its window was left that day: the next day its channel works",
                    super::explain::day(day)
                )
            });
        }
        (
            next.and_time(NaiveTime::MIN),
            morning.or_else(|| window(self, next)),
        )
    }

    /// Moves a task to the day and time agreed with the patient: on time that day, worth
    /// doing as long after it as before.
    ///
    /// A `to` at midnight is a day agreed with no time (a host that keeps the day only:
    /// `"to": "2026-03-05"`): the task keeps `day_window`, its step's time that day, or
    /// its own (audit 138: it was called at 00:00-01:00).
    pub(super) fn agree(&mut self, i: usize, to: NaiveDateTime, day_window: Option<TimeWindow>) {
        let covers = |d: NaiveDate| self.cal.covers(d);
        let Some(t) = self.plan.tasks.get(i) else {
            return;
        };
        let day = to.date();
        // How long past its day it is worth doing: its step's, as the call's own (an
        // attempt moved by a closure is worth less than that by then: audit 265, a retry
        // agreed for the day after Labour Day expired two days after it, not seven).
        let grace_of = |x: &super::task::Task| x.expires.map(|e| (e - x.latest).num_days().max(0));
        let call = matches!(t.derived, Some(Derived::Attempt(_)))
            .then(|| {
                (self.plan.tasks.iter()).find(|b| {
                    b.derived.is_none()
                        && b.occurrence == t.occurrence
                        && b.step() == t.step()
                        && b.program() == t.program()
                        && b.episode() == t.episode()
                })
            })
            .flatten();
        let grace = call.map_or_else(|| grace_of(t), grace_of);
        // A supervisor's own task moved to a time of their choosing keeps the days it was
        // on time and worth doing (audit 208: a check agreed for the 5th, done on the 6th
        // of its three days, was judged late).
        let own = matches!(
            t.derived,
            Some(Derived::Overdue | Derived::Unanswered | Derived::Escalation)
        )
        .then_some((t.latest, t.expires));
        // The patient agreed the day: only its own coverage counts, not the rule's day
        // (audit 151: flagged for a nominal day past the calendar).
        let beyond = !covers(day);
        let Some(t) = self.plan.tasks.get_mut(i) else {
            return;
        };
        t.earliest = day;
        t.due = day;
        t.latest = day;
        t.window = if to.time() == NaiveTime::MIN {
            day_window.unwrap_or(t.window)
        } else {
            agreed_window(to)
        };
        t.shifted = Some(ShiftReason::Agreed);
        let mut expires = grace.map(|g| shift::add_days(day, g).unwrap_or(day));
        if let Some((latest, until)) = own {
            t.latest = t.latest.max(latest);
            expires = expires.max(until);
        }
        // A task still waiting for its fact is void when its wait ends, whatever time was
        // agreed (audit 56: an agreed time stretched the wait past its end).
        t.expires = if t.waiting {
            t.expires.zip(expires).map(|(end, e)| end.min(e))
        } else {
            expires
        };
        t.beyond_calendar = beyond;
    }

    /// Sets the day a consultant picked for a staff-picked task: on time from that day to
    /// its window's end, which widens to hold the day if needed.
    pub(super) fn pick(&mut self, i: usize, day: NaiveDate) {
        let beyond = !self.cal.covers(day);
        let Some(t) = self.plan.tasks.get_mut(i) else {
            return;
        };
        let grace = t.expires.map(|e| (e - t.latest).num_days().max(0));
        t.due = day;
        // Not before the day picked with the patient (audits 243, 244: "open now" nine
        // days before it); on time to the window's end, which widens to hold the day.
        t.earliest = day;
        t.latest = t.latest.max(day);
        if let (Some(e), Some(g)) = (t.expires, grace) {
            t.expires = Some(e.max(shift::add_days(t.latest, g).unwrap_or(t.latest)));
        }
        t.shifted = Some(ShiftReason::Picked);
        t.beyond_calendar = t.beyond_calendar || beyond;
    }
}

impl<'a> Planner<'a> {
    /// The outcomes recorded on an occurrence of `step` the plan dropped, listed as
    /// ignored (`dropped`; an attempt the history cannot have made, `no_such_task`), the
    /// list handed back for the next occurrence.
    #[cold]
    /// The outcomes of `list` recorded before `first`, the first day of a reminder of a
    /// visit or a session: they were about the visit's earlier date (a session rebooked
    /// after its reminder was sent), and are listed as such — but for a refusal, which
    /// is the patient's whatever it names, and is not listed (audit 88: it closed the new
    /// date's reminder). `None` when nothing is left.
    pub(super) fn drop_earlier_visits(
        &mut self,
        mut list: Vec<Entry<'a>>,
        first: NaiveDate,
    ) -> Option<Vec<Entry<'a>>> {
        let earlier = |e: &Entry<'_>| e.outcome.at.date() < first;
        if let Some(l) = self.ledger.as_mut() {
            for e in
                (list.iter()).filter(|e| earlier(e) && e.outcome.outcome != OutcomeKind::Declined)
            {
                l.ignore(e, IgnoredReason::EarlierVisit);
            }
        }
        list.retain(|e| !earlier(e));
        if !list.is_empty() {
            return Some(list);
        }
        if let Some(l) = self.ledger.as_mut() {
            l.give_back(list);
        }
        None
    }

    #[inline(never)]
    pub(super) fn ignore_dropped(&mut self, step: &Step, list: Vec<Entry<'a>>) {
        let real = attempts_real(step, &list);
        if let Some(l) = self.ledger.as_mut() {
            for (e, real) in list.iter().zip(real) {
                let reason = match e.derived {
                    Some(Derived::Attempt(_)) if !real => IgnoredReason::NoSuchTask,
                    _ => IgnoredReason::Dropped,
                };
                // A refusal is the patient's, whatever became of its task.
                if e.outcome.outcome != OutcomeKind::Declined {
                    l.ignore(e, reason);
                }
            }
            l.give_back(list);
        }
    }
}
