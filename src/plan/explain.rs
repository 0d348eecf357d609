//! Explaining a plan: for each task, the program and step, what it counts from, the date
//! arithmetic and every shift; for each dropped occurrence, why. Recorded while planning,
//! only when asked ([`RuleSet::explain`]): plain planning pays one branch per note.

use super::task::Plan;
use super::Planner;
use crate::calendar::Calendar;
use crate::episode::Episode;
use crate::error::Result;
use crate::history::History;
use crate::ruleset::RuleSet;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Why one task is where it is, or why an occurrence was dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// The task's id (or the id the dropped occurrence would have had).
    pub id: String,
    /// Program id.
    pub program: Arc<str>,
    /// Step id.
    pub step: Arc<str>,
    /// What the step counts from, and its day: "the event on 2026-03-02 at 10:00",
    /// "milestone suture_removal: default P7D from the event, 2026-03-09"…
    pub anchor: String,
    /// The way from the anchor to the task's day and time, in order: the offset, the
    /// repeat rule, every shift and why, the time window, what the history did.
    pub steps: Vec<String>,
    /// How it ends: "due 2026-03-10 09:00-18:00", or "dropped: superseded
    /// (day-6-call)".
    pub result: String,
    /// True for a dropped occurrence.
    pub dropped: bool,
}

/// A plan with the explanation of each of its tasks and dropped occurrences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explained {
    /// The plan, exactly as [`RuleSet::plan`] (or [`RuleSet::plan_with`]) gives it.
    pub plan: Plan,
    /// One explanation per task and per dropped occurrence, sorted by id.
    pub explanations: Vec<Explanation>,
}

impl Explained {
    /// The plan with its explanations sorted by id, each once.
    pub(super) fn sorted(plan: Plan, mut explanations: Vec<Explanation>) -> Explained {
        explanations.sort_by(|a, b| a.id.cmp(&b.id));
        explanations.dedup_by(|a, b| a.id == b.id);
        Explained { plan, explanations }
    }

    /// The explanation of the task or dropped occurrence `id`.
    pub fn of(&self, id: &str) -> Option<&Explanation> {
        self.explanations
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.explanations.get(i))
    }
}

impl std::fmt::Display for Explanation {
    /// `id: result`, then the anchor and each step on its own indented line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}: {}", self.id, self.result)?;
        writeln!(f, "  from {}", self.anchor)?;
        for s in &self.steps {
            writeln!(f, "  {s}")?;
        }
        Ok(())
    }
}

/// What the planner records while explaining.
#[derive(Debug, Default)]
pub(super) struct Trace {
    /// The current anchor, in words.
    pub anchor: String,
    /// The notes of the current occurrence.
    pub notes: Vec<String>,
    /// How many notes every occurrence of the current anchor shares (its offset).
    pub keep: usize,
    pub done: Vec<Explanation>,
}

impl RuleSet {
    /// Plans `episode` (with `history`, as [`RuleSet::plan_with`] does, when given) and
    /// explains every task and dropped occurrence.
    ///
    /// ```
    /// use followup::{calendar::Calendar, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = rules.read_episode("ep", r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
    ///     "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
    /// let calendar = Calendar::from_json("clinic", r#"{"closed_weekdays": ["Sun"]}"#)?;
    /// let explained = rules.explain(&ep, None, &calendar)?;
    /// let why = explained.of("laser-aftercare/day-6-call/ep-1/0").unwrap();
    /// assert_eq!(why.anchor, "the event on 2026-03-02 (Mon) at 10:00");
    /// assert_eq!(why.steps[0], "offset P6D: 2026-03-02 + P6D = 2026-03-08 (Sun)");
    /// assert_eq!(why.steps[1], "2026-03-08 (Sun): the clinic closes every Sunday (closed_weekday): nearest_open_day gives 2026-03-09 (Mon)");
    /// assert_eq!(why.result, "due 2026-03-09 (Mon) 09:00-18:00");
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RuleSet::plan`].
    pub fn explain(
        &self,
        episode: &Episode,
        history: Option<&History>,
        calendar: &Calendar,
    ) -> Result<Explained> {
        let (plan, explanations) = self.run_traced(episode, history, calendar, None)?;
        Ok(Explained::sorted(plan, explanations))
    }
}

impl Planner<'_> {
    /// Why a closed-day policy took the other way (`next_open_day` back to `d`,
    /// `previous_open_day` ahead), in words after the day it gives; empty when it went
    /// its own way. Asked only while explaining.
    #[cold]
    #[inline(never)]
    pub(super) fn why_the_other_way(
        &self,
        step: &crate::compile::Step,
        anchor: &super::AnchorDay,
        rule_day: chrono::NaiveDate,
        d: chrono::NaiveDate,
        expires: Option<chrono::NaiveDate>,
    ) -> String {
        use super::shift::{add_days, Way};
        use crate::model::ClosedDay as C;
        let back = match step.closed_day {
            C::NextOpenDay if d < rule_day => true,
            C::PreviousOpenDay if d > rule_day => false,
            // Its own way (audit 57 N4: a call that waited for its fact, moved forward by
            // `next_open_day`, was said to have passed up an earlier call's day).
            _ => return String::new(),
        };
        let (way, word, first) = if back {
            (
                Way::Forward,
                "an earlier day",
                "the first later day that works",
            )
        } else {
            (
                Way::Backward,
                "a later day",
                "the last earlier day that works",
            )
        };
        let own = self.search(step.info.channel, rule_day, way, None, None, None, None);
        let window = (
            add_days(rule_day, step.earliest),
            add_days(rule_day, step.latest),
        );
        let why = match (own, window) {
            (None, _) => "no day that way works".to_string(),
            (Some(o), (Some(lo), Some(hi))) if step.fixed_window && (o < lo || o > hi) => {
                format!(
                    "{first}, {}, is outside its fixed window ({} to {})",
                    day(o),
                    day(lo),
                    day(hi)
                )
            }
            (Some(o), _) if back && expires.is_some_and(|e| o > e) => format!(
                "{first}, {}, is past the day it expires ({})",
                day(o),
                expires.map(day).unwrap_or_default()
            ),
            (Some(o), _)
                if (step.max_shift).is_some_and(|m| (o - rule_day).num_days().abs() > m) =>
            {
                format!(
                    "{first}, {}, is more than its max_shift of {} days away",
                    day(o),
                    step.max_shift.unwrap_or_default()
                )
            }
            (Some(o), _) if !back && o <= anchor.day => {
                format!(
                    "{first}, {o}, is not after what it counts from ({})",
                    anchor.day
                )
            }
            (Some(o), _) if !back && o < self.ep.date() => {
                format!("{first}, {}, comes before the event's day", day(o))
            }
            (Some(o), _) if !back && self.placing_after_fact.is_some_and(|f| o < f) => format!(
                "{first}, {}, comes before the fact it waits for ({})",
                day(o),
                self.placing_after_fact.map(day).unwrap_or_default()
            ),
            (Some(o), _) if back => {
                format!("{first}, {}, is a later call's day or past it", day(o))
            }
            (Some(o), _) => format!("{first}, {}, is an earlier call's day or before it", day(o)),
        };
        format!(", {word}: {why}")
    }

    /// True while explaining.
    pub(super) fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// Sets what the next occurrences count from.
    pub(super) fn why_anchor(&mut self, anchor: impl FnOnce() -> String) {
        if let Some(t) = self.trace.as_mut() {
            t.anchor = anchor();
            t.notes.clear();
            t.keep = 0;
        }
    }

    /// Adds a step of the current occurrence's way.
    pub(super) fn why(&mut self, note: impl FnOnce() -> String) {
        if let Some(t) = self.trace.as_mut() {
            t.notes.push(note());
        }
    }

    /// Marks the notes so far as shared by every occurrence of the current anchor (its
    /// offset, before a repeat rule's dates).
    pub(super) fn why_keep(&mut self) {
        if let Some(t) = self.trace.as_mut() {
            t.keep = t.notes.len();
        }
    }

    /// Closes the current occurrence's explanation; the next occurrence of the same anchor
    /// starts from the shared notes.
    pub(super) fn why_done(
        &mut self,
        id: impl FnOnce() -> String,
        program: &Arc<str>,
        step: &Arc<str>,
        result: impl FnOnce() -> String,
        dropped: bool,
    ) {
        if let Some(t) = self.trace.as_mut() {
            let steps = t.notes.clone();
            t.notes.truncate(t.keep);
            t.done.push(Explanation {
                id: id(),
                program: program.clone(),
                step: step.clone(),
                anchor: t.anchor.clone(),
                steps,
                result: result(),
                dropped,
            });
        }
    }

    /// Forgets the current occurrence's notes: it makes no task and no drop.
    pub(super) fn why_skip(&mut self) {
        if let Some(t) = self.trace.as_mut() {
            t.notes.truncate(t.keep);
        }
    }

    /// Removes the explanations recorded since `len` (a program planned again).
    pub(super) fn why_truncate(&mut self, len: usize) {
        if let Some(t) = self.trace.as_mut() {
            t.done.truncate(len);
        }
    }

    /// How many explanations are recorded.
    pub(super) fn why_count(&self) -> usize {
        self.trace.as_ref().map_or(0, |t| t.done.len())
    }

    /// The explanation already recorded for `id`, to add what the history did.
    pub(super) fn why_also(&mut self, id: &str, note: impl FnOnce() -> String) {
        if let Some(t) = self.trace.as_mut()
            && let Some(e) = t.done.iter_mut().rev().find(|e| e.id == id)
        {
            e.steps.push(note());
        }
    }

    /// Updates the result of the explanation of `id` (moved or dropped by the history).
    pub(super) fn why_result(&mut self, id: &str, result: impl FnOnce() -> String, dropped: bool) {
        if let Some(t) = self.trace.as_mut()
            && let Some(e) = t.done.iter_mut().rev().find(|e| e.id == id)
        {
            e.result = result();
            e.dropped = dropped;
        }
    }
}

/// `from + P1M`, or `from - P1M` for a negative offset (audit 188: "+ -P1M").
pub(super) fn plus(from: String, offset: &crate::offset::Offset) -> String {
    let o = offset.to_string();
    match o.strip_prefix('-') {
        Some(back) => format!("{from} - {back}"),
        None => format!("{from} + {o}"),
    }
}

/// A day of the year in words, `29 February`.
pub(super) fn month_day(month: u32, day: u32) -> String {
    let name = (month.checked_sub(1))
        .and_then(|i| crate::template::MONTHS.get(i as usize))
        .copied()
        .unwrap_or("?");
    format!("{day} {name}")
}

/// `2026-03-08 (Sun)`.
pub(super) fn day(d: chrono::NaiveDate) -> String {
    format!("{d} ({})", d.format("%a"))
}

/// The words of a closed-day policy.
pub(super) fn policy(p: crate::model::ClosedDay) -> &'static str {
    use crate::model::ClosedDay as C;
    match p {
        C::Keep => "keep",
        C::NextOpenDay => "next_open_day",
        C::PreviousOpenDay => "previous_open_day",
        C::NearestOpenDay => "nearest_open_day",
    }
}

/// The day and why it does not work, `2026-03-03 (Tue): a closed date of the clinic
/// (closed_date)`: how an explanation of a closed day starts.
pub(super) fn closed_on(
    cal: &Calendar,
    reason: crate::calendar::ShiftReason,
    d: chrono::NaiveDate,
) -> String {
    format!("{}: {}", day(d), closed(cal, reason, d))
}

/// Why a day does not work for a channel, in words.
pub(super) fn closed(
    cal: &Calendar,
    reason: crate::calendar::ShiftReason,
    d: chrono::NaiveDate,
) -> String {
    use crate::calendar::ShiftReason as R;
    let what = match reason {
        R::ClosedWeekday => format!("the clinic closes every {}", d.format("%A")),
        R::ClosedDate => "a closed date of the clinic".to_string(),
        R::Holiday => match cal.holiday_name(d) {
            Some(name) => format!("a public holiday ({name})"),
            None => "a public holiday".to_string(),
        },
        R::Weekend => "a weekend day, and the clinic closes on weekends".to_string(),
        R::CallDeskClosed => "the call desk does not work".to_string(),
        R::MessagesClosed => "no messages go out".to_string(),
        other => other.name().to_string(),
    };
    format!("{what} ({})", reason.name())
}

/// The closed days a task moved over on its way from `from` to `to` (both excluded), in
/// words after the day it takes: `, past 2026-03-06 (Fri): a closed date of the clinic
/// (closed_date)`, or a run per reason, `, past 2026-05-01 (Fri) to 2026-05-05 (Tue): a
/// public holiday (Labour Day) (holiday), 2026-05-06 (Wed) to 2026-05-07 (Thu): a closed
/// date of the clinic (closed_date)` (audit 126: one reason for all); empty when none was
/// closed (audit 119: a move past a closed day read as "no time left after the event").
pub(super) fn closed_between(
    cal: &Calendar,
    channel: crate::model::Channel,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> String {
    // Runs of one reason (and, for holidays, one name): first day, last day, reason.
    let mut runs: Vec<(
        chrono::NaiveDate,
        chrono::NaiveDate,
        crate::calendar::ShiftReason,
    )> = Vec::new();
    let mut d = from.succ_opt();
    // A long closure is a few dozen days at most; the bound keeps a slip from looping.
    for _ in 0..400 {
        let Some(day) = d.filter(|day| *day < to) else {
            break;
        };
        // Not a closure: another task's day (its lane); said apart, if at all.
        let Some(r) = cal.closed_reason_for(channel, day) else {
            break;
        };
        match runs.last_mut() {
            Some((first, last, reason))
                if *reason == r && cal.holiday_name(*first) == cal.holiday_name(day) =>
            {
                *last = day
            }
            _ => runs.push((day, day, r)),
        }
        d = day.succ_opt();
    }
    let words: Vec<String> = (runs.iter())
        .map(|&(f, l, r)| match l > f {
            true => format!("{} to {}: {}", day(f), day(l), closed(cal, r, f)),
            false => closed_on(cal, r, f),
        })
        .collect();
    if words.is_empty() {
        String::new()
    } else {
        format!(", past {}", words.join(", "))
    }
}

impl Planner<'_> {
    /// Which fact drops a task judged at `at`, and when it came: `the patient declined
    /// on 2026-03-10 at 15:00, before 2026-04-02 09:00` (audit 119: the drop named no fact,
    /// and a wait's "held until" line read as the reason). Asked only while explaining.
    #[cold]
    #[inline(never)]
    pub(super) fn why_fact(
        &self,
        step: &crate::compile::Step,
        program: &crate::compile::Program,
        reason: super::task::DropReason,
        at: chrono::NaiveDateTime,
    ) -> String {
        use super::task::DropReason as D;
        let when =
            |t: chrono::NaiveDateTime| format!("on {} at {}", day(t.date()), t.format("%H:%M"));
        let moment = format!("{} {}", day(at.date()), at.format("%H:%M"));
        // A fact of the task's own minute leaves nothing of it (a fact counts by the end
        // of the minute): "the same minute as", not "before" (audit 262).
        let before_of = |t: chrono::NaiveDateTime| {
            if t.format("%Y-%m-%d %H:%M").to_string() == at.format("%Y-%m-%d %H:%M").to_string() {
                format!("the same minute as {moment}")
            } else {
                format!("before {moment}")
            }
        };
        let channel = step.info.channel;
        match reason {
            D::OptedOut => {
                match (self.facts).opt_out(channel, program.declined.opt_outs_from_event) {
                    Some((c, t)) => format!(
                        "the patient opted out of {} {}, {}",
                        c.name(),
                        when(t),
                        before_of(t)
                    ),
                    None => String::new(),
                }
            }
            D::Declined => match self.facts.refusal {
                Some(t) => format!(
                    "the patient declined {}, {}: the refusal stops {} contacts for good",
                    when(t),
                    before_of(t),
                    channel.name()
                ),
                None => String::new(),
            },
            D::PastHorizon => match self.facts.refusal {
                Some(t) => {
                    let end = match program
                        .declined
                        .horizon
                        .apply(t.date(), crate::offset::MonthEnd::Clamp)
                    {
                        crate::offset::Landing::Date(d) => format!(", on {}", day(d)),
                        _ => String::new(),
                    };
                    format!(
                        "the patient declined {}: messages stop at the end of the refusal's horizon ({}{end}), before {moment}",
                        when(t),
                        program.declined.horizon
                    )
                }
                None => String::new(),
            },
            D::Stopped => (step.stop_when.iter())
                .find_map(|k| {
                    let t = self.facts.first_since_event(k).filter(|t| *t < at)?;
                    Some(format!(
                        "{k} {}, {}: a stop fact of the step",
                        when(t),
                        before_of(t)
                    ))
                })
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
}

/// A time of day as explanations say it: `HH:MM`, with the seconds when there are some
/// (audit 138: "not before 10:15: 10:16-18:00" for an event at 10:15:30).
pub(super) fn clock(t: chrono::NaiveTime) -> String {
    if chrono::Timelike::second(&t) == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

/// The JSON name of a drop reason (`superseded`, `stopped`…).
pub(super) fn reason_name(r: super::task::DropReason) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Planner<'_> {
    /// Explains what the history added, after planning: the tasks it made (attempts,
    /// messages, supervisors' tasks, the follow-ups added by hand) and the occurrences it
    /// dropped, each from its task or its drop.
    pub(super) fn why_rest(&mut self) {
        let Some(mut t) = self.trace.take() else {
            return;
        };
        let known: std::collections::BTreeSet<String> =
            t.done.iter().map(|e| e.id.clone()).collect();
        for task in &self.plan.tasks {
            let id = task.id();
            if known.contains(&id) {
                continue;
            }
            let base = id
                .rsplit_once('/')
                .map_or(id.as_str(), |(b, _)| b)
                .to_string();
            let (anchor, how) = match task.derived {
                None => (
                    "a follow-up added by hand in the history".to_string(),
                    format!("due {} as given", day(task.due)),
                ),
                Some(d) => {
                    let mut how = derived_how(d);
                    // How much later: the step's `retry_after` (audit 119: not said).
                    let step = (self.rules.programs.iter())
                        .find(|p| *p.id == *task.program())
                        .and_then(|p| p.steps.iter().find(|s| *s.info.step == *task.step()));
                    let retry = step.and_then(|s| s.retry);
                    // The check's numbers: its step's `escalate_after` and the last
                    // on-time day it counts from (audit 260: neither was said).
                    if let (super::task::Derived::Overdue, Some(n)) =
                        (d, step.and_then(|s| s.escalate_after))
                    {
                        let last = task
                            .nominal
                            .checked_sub_days(chrono::Days::new(n.unsigned_abs()));
                        let s = if n == 1 { "" } else { "s" };
                        how = match last {
                            Some(last) => format!(
                                "not recorded as done: a supervisor's check {n} day{s} after the task's last on-time day, {} (the step's escalate_after)",
                                day(last)
                            ),
                            None => how,
                        };
                    }
                    if let (super::task::Derived::Attempt(_), Some(r)) = (d, retry) {
                        let m = r.after_minutes;
                        let (n, unit) = match (m % 1440, m % 60) {
                            (0, _) => (m / 1440, "day"),
                            (_, 0) => (m / 60, "hour"),
                            _ => (m, "minute"),
                        };
                        let s = if n == 1 { "" } else { "s" };
                        how = how.replace(
                            "retry_after later (the step's no_answer)",
                            &format!("{n} {unit}{s} later (the step's no_answer retry_after)"),
                        );
                    }
                    // Which of the two it was (audit 173: both were said).
                    if let (
                        super::task::Derived::Message | super::task::Derived::Unanswered,
                        Some(r),
                    ) = (d, retry)
                    {
                        let prefix = format!("{base}/attempt-");
                        use super::task::DropReason as R;
                        let no_day = (self.plan.dropped.iter())
                            .filter(|x| x.id().starts_with(&prefix))
                            .find_map(|x| match x.reason {
                                R::Expired => Some("before the call expires"),
                                R::Superseded => Some("before the next call of its lane"),
                                R::BeyondMaxShift => Some("within its max_shift"),
                                _ => None,
                            });
                        let which = if let Some(when) = no_day {
                            format!("no day for the next attempt {when}")
                        } else {
                            format!("the step's max_attempts, {}, made", r.max_attempts)
                        };
                        how = how.replace(
                            "the step's max_attempts reached, or no day for one before the call expires",
                            &which,
                        );
                    }
                    (format!("task {base}"), how)
                }
            };
            let mut steps = vec![how];
            if let Some(r) = task.shifted {
                // The closed days it moved past, run by run, and its own day's closure in
                // words (audit 129: a retry moved past three closed days said only
                // "after_event gives 2026-03-07").
                let cal = self.cal;
                let past = closed_between(cal, task.channel(), task.nominal, task.due);
                let from = if r.is_closed_day() && task.nominal < task.due {
                    closed_on(cal, r, task.nominal)
                } else if r == crate::calendar::ShiftReason::AfterEvent {
                    format!("{}: no time left that day (after_event)", day(task.nominal))
                } else {
                    format!("{}: {}", day(task.nominal), r.name())
                };
                let gives = if r.is_closed_day() || r == crate::calendar::ShiftReason::AfterEvent {
                    "the next day it works is"
                } else {
                    "gives"
                };
                steps.push(format!("{from}: {gives} {}{past}", day(task.due)));
            }
            // Kept on a day the calendar closes (a complaint's tries on a holiday, for
            // staff on duty): said, as the rules' tasks say it (audit 171: not said).
            // (`Task::closed` is marked after this: the same rule.)
            let moved_to_work = task
                .shifted
                .is_some_and(crate::calendar::ShiftReason::is_closed_day);
            let closed = (!moved_to_work)
                .then(|| self.cal.closed_reason_for(task.channel(), task.due))
                .flatten();
            if let Some(r) = closed {
                steps.push(format!(
                    "kept though {}, for staff on duty",
                    closed_on(self.cal, r, task.due)
                ));
            }
            steps.push(format!("time of day: {}", task.window));
            if let Some(r) = &task.record {
                steps.push(record_note(r));
            }
            t.done.push(Explanation {
                id,
                program: task.info().program.clone(),
                step: task.info().step.clone(),
                anchor,
                steps,
                result: format!("due {} {}", day(task.due), task.window),
                dropped: false,
            });
        }
        for d in &self.plan.dropped {
            if known.contains(&d.id()) || t.done.iter().any(|e| e.id == d.id()) {
                continue;
            }
            let detail = d
                .detail
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            // A try with no day before its call expires says so (audit 171: no why).
            let mut steps = Vec::new();
            if let (
                super::dropped::What::Rules(_, Some(derived @ super::task::Derived::Attempt(_))),
                Some((base, _)),
            ) = (&d.what, d.id().rsplit_once('/'))
            {
                let derived = *derived;
                steps.push(derived_how(derived));
                let call = (self.plan.tasks.iter()).find(|t| t.id() == base);
                let expires = call.and_then(|t| t.expires);
                if let (super::task::DropReason::Expired, Some(e)) = (d.reason, expires) {
                    // A closure that held it is named with its first day (audit 219).
                    let after_event = crate::calendar::ShiftReason::AfterEvent.name();
                    let closed = (d.detail.as_deref())
                        .filter(|x| *x != after_event)
                        .and(d.nominal)
                        .zip(call)
                        .map(|(n, c)| (n, self.cal.closed_reason_for(c.channel(), n).is_some()));
                    let why = match (closed, d.detail.as_deref()) {
                        (Some((n, true)), Some(x)) => format!(": closed from {} ({x})", day(n)),
                        (Some((n, false)), Some(x)) => match n.succ_opt() {
                            Some(from) => format!(
                                ": no time left that day, then closed from {} ({x})",
                                day(from)
                            ),
                            None => format!(" ({x})"),
                        },
                        (_, Some(x)) => format!(" ({x})"),
                        _ => String::new(),
                    };
                    steps.push(format!(
                        "no day it could take comes before the call expires on {}{why}",
                        day(e),
                    ));
                }
                // A try the calendar moved too far (audit 200).
                let first = d
                    .nominal
                    .map_or_else(String::new, |n| format!(" after {}", day(n)));
                if let Some(by) = (d.reason == super::task::DropReason::Superseded)
                    .then(|| d.superseded_by(&self.plan))
                    .flatten()
                {
                    steps.push(format!(
                        "the first day it could take{first} is on or past {}, the rule day of {}, the next call of its lane: that call covers it (calls of one program never pile up)",
                        day(by.nominal),
                        by.id()
                    ));
                }
                let max_shift = (self.rules.programs.iter())
                    .find(|p| *p.id == *d.program())
                    .and_then(|p| p.steps.iter().find(|s| *s.info.step == *d.step()))
                    .and_then(|s| s.max_shift);
                if let (super::task::DropReason::BeyondMaxShift, Some(m)) = (d.reason, max_shift) {
                    steps.push(format!(
                        "the first day it could take{first} is more than its max_shift of {m} days from the day it would have had with the clinic open"
                    ));
                }
            }
            t.done.push(Explanation {
                id: d.id().clone(),
                program: d.program().into(),
                step: d.step().into(),
                anchor: match d.id().rsplit_once('/') {
                    Some((b, _)) if d.id().matches('/').count() > 3 => format!("task {b}"),
                    _ => "a follow-up added by hand in the history".to_string(),
                },
                steps,
                result: format!("dropped: {}{detail}", reason_name(d.reason)),
                dropped: true,
            });
        }
        self.trace = Some(t);
    }
}

/// What a task made from another is for.
fn derived_how(d: super::task::Derived) -> String {
    use super::task::Derived as D;
    match d {
        D::Attempt(n) => format!("the call before went unanswered: attempt {n}, retry_after later (the step's no_answer)"),
        D::Message => "the call went unanswered and no further attempt is made (the step's max_attempts reached, or no day for one before the call expires): a message instead (no_answer then sms or wechat)".into(),
        D::Unanswered => "the call went unanswered and no further attempt is made (the step's max_attempts reached, or no day for one before the call expires): a supervisor looks into it (no_answer then escalate)".into(),
        D::Overdue => "not recorded as done: a supervisor's check, the step's escalate_after days after the task's last on-time day".into(),
        D::Escalation => "its wait ended without the fact: a supervisor's task".into(),
        D::AbnormalContact => "an abnormal recovery was recorded: the onsite consultant calls the same day".into(),
        D::DoctorVisit => "an abnormal recovery was recorded: the doctor sees the patient".into(),
    }
}

/// `history: no_answer at 2026-03-03 10:05 by u-3 (closed)`.
pub(super) fn record_note(r: &super::task::Record) -> String {
    let by =
        r.by.as_deref()
            .map(|b| format!(" by {b}"))
            .unwrap_or_default();
    format!(
        "history: {} at {}{by}{}",
        r.outcome.name(),
        r.at.format("%Y-%m-%d %H:%M"),
        if r.closed { " (closed)" } else { "" }
    )
}
