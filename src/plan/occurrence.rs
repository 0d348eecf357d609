//! One step's occurrences: from each anchor date, the day its rule gives (offset and
//! repeat), the day its channel works, its wait, its time of day and window of days,
//! then the facts that may stop it.

use super::explain::day;
use super::explain::day as day_of;
use super::explain::reason_name;
use super::task::{task_id, Derived, DropReason, InfoRef, Task, TaskInfo};
use super::{episode_error, lifecycle, patient, shift, AnchorDay, Planner};
use crate::calendar::ShiftReason;
use crate::compile::{Program, Step};
use crate::error::Result;
use crate::model::WaitThen;
use crate::offset::Landing;
use chrono::NaiveDate;
use std::sync::Arc;

impl Planner<'_> {
    /// Plans the occurrences of `step` from one anchor date (`None`: the anchor was dropped).
    pub(super) fn occurrences(
        &mut self,
        program: &Program,
        step: &Step,
        anchor: Option<AnchorDay>,
        sampled: bool,
        occ: &mut u32,
    ) -> Result<()> {
        // A whole anchor dropped drops as many occurrences as it would have given: a
        // repeat's COUNT (ids stay the same whether the anchor is kept or dropped).
        // The step it counts from, named in the drop (audit 199: `anchor_dropped` said
        // not which).
        let from_step = || anchor_step(program, step);
        let drop_all = |this: &mut Self, reason: DropReason, occ: &mut u32| {
            let n = match (&step.repeat, this.horizon) {
                (Some(r), None) => r.count.unwrap_or(1).max(1),
                _ => 1,
            };
            let detail = (reason == DropReason::AnchorDropped)
                .then(from_step)
                .flatten();
            for _ in 0..n {
                this.drop_occurrence((program, step, *occ), None, (reason, detail.clone()));
                *occ += 1;
            }
        };
        let Some(anchor) = anchor else {
            drop_all(self, DropReason::AnchorDropped, occ);
            return Ok(());
        };
        let skipped = if anchor.ghost {
            DropReason::AnchorDropped
        } else {
            DropReason::MonthEndSkipped
        };
        let rule_day = match self.apply(step, anchor.day) {
            Landing::Date(d) => d,
            Landing::Skipped => {
                self.why(|| {
                    format!(
                        "offset {}: {} has no such day in its month (month_end skip)",
                        step.offset,
                        super::explain::plus(day(anchor.day), &step.offset)
                    )
                });
                if self.horizon.is_some() {
                    self.skipped_in_horizon(program, step, anchor.day, skipped);
                } else {
                    drop_all(self, skipped, occ);
                }
                return Ok(());
            }
            Landing::OutOfRange => return Err(self.out_of_range(step)),
        };
        self.why(|| {
            format!(
                "offset {}: {} = {}",
                step.offset,
                super::explain::plus(anchor.day.to_string(), &step.offset),
                day(rule_day)
            )
        });
        self.why_keep();
        // The day the rule gives from a moved visit's default day, what `nominal` shows:
        // the offset counted again from that day (a month from 30 January is 28 February,
        // though a month from 2 February, where the visit moved, is 2 March).
        let from_default = anchor
            .moved
            .and_then(|(from, _)| match self.apply(step, from) {
                Landing::Date(d) => Some(d),
                _ => None,
            });
        let nominal = |d: NaiveDate, default: Option<NaiveDate>| match (anchor.moved, default) {
            (None, _) => d,
            (Some(_), Some(n)) => n,
            (Some((from, _)), None) => shift::back_by(d, anchor.day, from).unwrap_or(d),
        };
        match &step.repeat {
            None => {
                let days = (rule_day, nominal(rule_day, from_default));
                self.occurrence(program, step, &anchor, days, sampled, occ)?
            }
            Some(rule) => {
                let dates = match self.horizon {
                    Some((_, until)) => rule.dates_until(rule_day, until, &self.rules.limits),
                    None => rule.dates(rule_day, &self.rules.limits),
                };
                let dates = dates.map_err(|e| {
                    let (message, limit) = match e {
                        crate::compile::repeat::RepeatError::TooMany => (
                            format!(
                                "step {}/{}: the repeat rule gives more than the limit max_occurrences_per_step ({}) dates: expected at most {}",
                                program.id, step.info.step, self.rules.limits.max_occurrences_per_step, self.rules.limits.max_occurrences_per_step
                            ),
                            Some("max_occurrences_per_step"),
                        ),
                        crate::compile::repeat::RepeatError::Invalid(m) => {
                            (format!("step {}/{}: the repeat rule cannot start on {rule_day}: {m}", program.id, step.info.step), None)
                        }
                    };
                    episode_error(&self.what(), self.dates_pointer(), message, limit)
                })?;
                // The rule's span was checked from a sample start; from this start it may
                // reach further (a yearly 29 February across 2100): the dates past
                // max_offset_days are missing dates like any other. (A patient-level
                // plan's horizon bounds its rules.)
                let mut dates = dates;
                let span = u64::from(self.rules.limits.max_offset_days);
                if let (None, Some(last)) = (
                    self.horizon,
                    rule_day.checked_add_days(chrono::Days::new(span)),
                ) {
                    dates.retain(|d| *d <= last);
                }
                // From a moved visit, the same rule's dates from the default day.
                let defaults = match from_default {
                    Some(d) => rule.dates(d, &self.rules.limits).unwrap_or_default(),
                    None => Vec::new(),
                };
                let count = dates.len();
                // A patient's dated greeting counted from the horizon (Mother's Day) is its
                // own anchor, as a festival's day is: it never moves before it (audit 136:
                // with P1D it went out the day before, a birthday never does).
                let own_day =
                    self.horizon.is_some() && matches!(step.anchor, crate::compile::Anchor::AsOf);
                for (i, d) in dates.into_iter().enumerate() {
                    self.why(|| format!("repeat rule: date {} of {count}, {}", i + 1, day(d)));
                    let days = (d, nominal(d, defaults.get(i).copied()));
                    let this = if own_day { AnchorDay::plain(d) } else { anchor };
                    self.occurrence(program, step, &this, days, sampled, occ)?;
                }
                // Fewer dates than the rule's COUNT from this start (none, for a rule
                // without one): each date missing is listed, never silently absent.
                if self.horizon.is_none() {
                    let wanted = rule.count.map_or(1, |c| c as usize).max(1);
                    for _ in count..wanted {
                        self.why(|| "the repeat rule gives no further date from here".into());
                        let reason = match anchor.ghost {
                            true => DropReason::AnchorDropped,
                            false => DropReason::NoRepeatDate,
                        };
                        self.drop_occurrence((program, step, *occ), None, (reason, None));
                        *occ += 1;
                    }
                }
            }
        }
        if *occ as usize > self.rules.limits.max_occurrences_per_step {
            return self.too_many(program, step, *occ);
        }
        Ok(())
    }

    /// `Err` when the step made more occurrences than `max_occurrences_per_step`: `next`
    /// is the number the next one would have. A course's sessions are numbered from 1,
    /// one each (so a course of exactly the limit is within it), the dates of milestones
    /// (through the anchor steps, times the repeats) from 0.
    #[cold]
    #[inline(never)]
    fn too_many(&self, program: &Program, step: &Step, next: u32) -> Result<()> {
        let sessions = matches!(
            step.anchor,
            crate::compile::Anchor::EachSession | crate::compile::Anchor::UpcomingSession
        );
        let made = if sessions {
            next.saturating_sub(1)
        } else {
            next
        };
        if made as usize <= self.rules.limits.max_occurrences_per_step {
            return Ok(());
        }
        // Where they came from: the root of the step's chain (audit 166: always
        // `/milestones`, for occurrences counted from facts or the history's outcomes too).
        let mut root = &step.anchor;
        for _ in 0..program.steps.len() {
            match root {
                crate::compile::Anchor::Step(i) => match program.steps.get(*i) {
                    Some(s) => root = &s.anchor,
                    None => break,
                },
                _ => break,
            }
        }
        use crate::compile::Anchor as A;
        let (pointer, from) = match root {
            A::EachSession | A::UpcomingSession | A::CourseEnd | A::OneSessionLeft => {
                ("/course".to_string(), "the course's sessions".to_string())
            }
            A::Milestone(i) => match program.milestones.get(*i) {
                Some(m) => (
                    crate::compile::pointer(&["milestones", &m.name]),
                    format!("the dates of milestone {}", m.name),
                ),
                None => (
                    "/milestones".to_string(),
                    "the milestones' dates".to_string(),
                ),
            },
            A::Fact(kind) if **kind == *crate::episode::ASSIGNED && self.ep.facts.is_empty() => (
                "/reassignments".to_string(),
                "the episode's reassignments".to_string(),
            ),
            A::Fact(_) | A::Latest(_) => (
                "/facts".to_string(),
                match (self.ledger.is_some(), self.ep.reassignments.is_empty()) {
                    (false, true) => "the episode's facts",
                    (false, false) => "the episode's facts and reassignments",
                    (true, true) => "the episode's facts and those the history's outcomes give",
                    (true, false) => "the episode's facts and reassignments and those the history's outcomes give",
                }
                .to_string(),
            ),
            _ => (self.dates_pointer(), "its anchor's dates".to_string()),
        };
        let repeats = if step.repeat.is_some() {
            ", each repeated"
        } else {
            ""
        };
        Err(episode_error(
            &self.what(),
            pointer,
            format!(
                "step {}/{} has more than the limit max_occurrences_per_step ({}) occurrences, from {from}{repeats}: expected at most {} (give fewer, or raise the limit)",
                program.id,
                step.info.step,
                self.rules.limits.max_occurrences_per_step,
                self.rules.limits.max_occurrences_per_step
            ),
            Some("max_occurrences_per_step"),
        ))
    }

    /// Why a task of `step` due at `at` (its day and the start of its time window) does
    /// not go ahead: [`lifecycle::judge`]'s facts, then the milestone the step stops at
    /// (`until`) when its day comes before `at`'s (`stopped`, the milestone's name).
    #[inline]
    pub(super) fn verdict(
        &mut self,
        program: &Program,
        step: &Step,
        channel: crate::model::Channel,
        at: chrono::NaiveDateTime,
    ) -> lifecycle::Verdict {
        if let Some(v) = lifecycle::judge(&self.facts, program, step, channel, at) {
            return Some(v);
        }
        let m = step.until?;
        let last = self.milestone_day(program, m)?;
        self.past(program, m, last, at.date())
    }

    /// The verdict and expiry of a task of a step that stops at milestone `m` of
    /// `program` (`until`), judged on `judged` and due on `due`: `stopped` after the
    /// milestone's day, and worth doing until that day at the latest.
    #[cold]
    #[inline(never)]
    fn until(
        &mut self,
        program: &Program,
        m: usize,
        (verdict, expires): (lifecycle::Verdict, Option<NaiveDate>),
        judged: NaiveDate,
        due: NaiveDate,
    ) -> (lifecycle::Verdict, Option<NaiveDate>) {
        let Some(last) = self.milestone_day(program, m) else {
            return (verdict, expires);
        };
        let verdict = match verdict {
            Some(v) => Some(v),
            None => self.past(program, m, last, judged),
        };
        (
            verdict,
            Some(expires.map_or(last, |e| e.min(last)).max(due)),
        )
    }

    /// The expiry of a task of `step` due on `due`, not done, that a fact stops after its
    /// day (a refusal, an opt-out, a `stop_when` fact): worth doing until that day at
    /// the latest.
    #[cold]
    #[inline(never)]
    fn until_stopped(
        &mut self,
        program: &Program,
        step: &Step,
        due: NaiveDate,
        expires: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let channel = step.info.channel;
        let stop = lifecycle::last_day(
            &self.facts,
            &program.declined,
            &step.stop_when,
            channel,
            due,
        );
        let Some(last) = stop.map(|d| d.max(due)) else {
            return expires;
        };
        // Said only when the fact ends it before it would expire anyway (audit 122: a
        // greeting expiring on its day was "worth doing until" the refusal's horizon).
        if expires.is_none_or(|e| last < e) {
            self.why(|| {
                format!(
                    "a fact ends it: worth doing until {} at the latest",
                    day(last)
                )
            });
        }
        Some(expires.map_or(last, |e| e.min(last)))
    }

    /// Caps task `i` of a step that stops at milestone `m` of `program` (`until`) at the
    /// milestone's day: worth doing (`expires`) and on time (`latest`) until then at the
    /// latest, never before its own day. For the days the history gives a task.
    #[cold]
    #[inline(never)]
    pub(super) fn cap_at_until(&mut self, program: &Program, m: usize, i: usize) {
        let Some(last) = self.milestone_day(program, m) else {
            return;
        };
        if let Some(t) = self.plan.tasks.get_mut(i) {
            let expires = t.expires.map_or(last, |e| e.min(last)).max(t.due);
            t.expires = Some(expires);
            t.latest = t.latest.min(expires).max(t.due);
        }
    }

    /// `stopped` at milestone `m` of `program`, whose day is `last`, when `day` comes
    /// after it.
    #[cold]
    #[inline(never)]
    fn past(
        &mut self,
        program: &Program,
        m: usize,
        last: NaiveDate,
        day: NaiveDate,
    ) -> lifecycle::Verdict {
        if day <= last {
            return None;
        }
        let ms = program.milestones.get(m)?;
        // The thread's copy of the name: a plan holds no count of the shared rule set.
        let name = self.milestone_name(program, m, &ms.name);
        self.why(|| format!("until {name}, on {}: past it", day_of(last)));
        Some((DropReason::Stopped, Some(name)))
    }

    /// `step`'s offset from `day`: months counted once for steps next to each other with
    /// the same offset from the same day.
    fn apply(&mut self, step: &Step, day: NaiveDate) -> Landing {
        let o = step.offset;
        if o.months == 0 {
            return o.apply(day, step.month_end);
        }
        let key = (o, day, step.month_end);
        match self.last_offset {
            Some((lo, ld, lm, landed)) if (lo, ld, lm) == key => landed,
            _ => {
                let landed = o.apply(day, step.month_end);
                self.last_offset = Some((o, day, step.month_end, landed));
                landed
            }
        }
    }

    /// Plans one occurrence whose rule gives `rule_day` (from the anchor as it is, moved or
    /// not; `nominal` from a moved visit's default day): the day its channel works, its time window, its window of days and expiry,
    /// then the facts that may stop it.
    fn occurrence(
        &mut self,
        program: &Program,
        step: &Step,
        anchor: &AnchorDay,
        (rule_day, nominal): (NaiveDate, NaiveDate),
        sampled: bool,
        occ: &mut u32,
    ) -> Result<()> {
        let mut n = *occ;
        *occ += 1;
        self.placing = n;
        self.placing_step = step.info.slot;
        self.placing_after_fact = None;
        self.placing_key = None;
        self.placing_group = anchor.key.filter(|_| rule_day == anchor.day);
        if let Some((from, until)) = self.horizon {
            // Days of the horizon only, and none before the patient was born (audit 49
            // B2: a baby born in June was greeted for the Spring Festival).
            if rule_day < from
                || rule_day > until
                || self.ep.patient.birthday.is_some_and(|b| rule_day < b)
            {
                return Ok(());
            }
            // Patient-level occurrences are numbered by their day (YYYYMMDD): stable
            // whatever the horizon.
            n = patient::yyyymmdd(rule_day).ok_or_else(|| self.out_of_range(step))?;
        }
        let made = self.plan.tasks.len() + self.plan.dropped.len();
        if made >= self.rules.limits.max_tasks_per_plan {
            return Err(self.too_many_tasks());
        }
        if nominal != rule_day {
            self.why(|| {
                format!(
                    "counted from the visit's default day, the rule's day is {}; from the visit as moved, {}",
                    day(nominal),
                    day(rule_day)
                )
            });
        }
        if !sampled {
            self.why(|| "the patient is outside the step's sample".into());
        }
        // What a drop of it names: the occurrence, its nominal day and its lane's day.
        let this = (program, step, n);
        let days = Some((nominal, rule_day));
        // From a dropped anchor's day, only what the history records as having reached
        // the patient is planned; the rest go with their anchor, and the steps counted
        // from them keep what is recorded on them from their rule's day (audit 66: a call
        // done two steps below the dropped one was lost).
        if anchor.ghost && !(self.ledger.as_ref()).is_some_and(|l| l.reached(step, &program.id, n))
        {
            self.ghosts.push((self.anchors.len(), rule_day));
            let detail = anchor_step(program, step);
            self.drop_occurrence(this, None, (DropReason::AnchorDropped, detail));
            return Ok(());
        }
        if !sampled {
            self.drop_occurrence(this, days, (DropReason::NotSampled, None));
            return Ok(());
        }
        // A task that waits for a fact is placed from the day its wait gives it, and never
        // before the fact (waits.rs): the calendar then moves it as any task, within its
        // `max_shift`, its expiry and its lane (audits 48 A3, 56).
        let waited = match &step.wait {
            Some(w) => Some(self.waited(step, w, rule_day)?),
            None => None,
        };
        // Its lane knows it by the rules' day, wherever its wait places it from.
        self.placing_key = waited.filter(|w| w.from != rule_day).map(|_| rule_day);
        let rule_day = waited.map_or(rule_day, |w| w.from);
        let days = Some((nominal, rule_day));
        self.placing_after_fact = waited.and_then(|w| w.not_before);
        // Tried before its fact came: worth doing as long from the fact's day as one
        // placed from it (audit 113: it kept the wait's end, months after the fact).
        let from_fact = waited
            .and_then(|w| w.tried_before)
            .filter(|f| *f > rule_day);
        let expires_by_rule = self.expires(step, anchor, from_fact.unwrap_or(rule_day));
        if !self.forgotten.is_empty()
            && let Some((reason, detail)) =
                self.forgotten_drop(step.info.slot, self.lane_key(rule_day))
        {
            self.drop_occurrence(this, days, (reason, detail));
            return Ok(());
        }
        let placed = match self.place(step, anchor, rule_day, expires_by_rule) {
            shift::Placed::Day(d, reason) => {
                if let (None, true) = (reason, self.tracing())
                    && let Some(r) = self.cal.closed_reason_for(step.info.channel, rule_day)
                {
                    let why = if step.closed_day == crate::model::ClosedDay::Keep {
                        "closed_day keep: it keeps its day".to_string()
                    } else {
                        "no day within its max_shift: it keeps its day (beyond_max_shift keep)"
                            .to_string()
                    };
                    let cal = self.cal;
                    self.why(|| format!("{}: {why}", super::explain::closed_on(cal, r, rule_day)));
                }
                if reason == Some(ShiftReason::AfterEarlierCall) {
                    self.why(|| {
                        format!(
                            "its window opens on {}, but its day is picked from the earlier call, which the calendar moved into the window: the first day after that call, {}",
                            day(rule_day),
                            day(d)
                        )
                    });
                } else if reason == Some(ShiftReason::AfterEvent) && rule_day < self.ep.date() {
                    self.why(|| {
                        format!(
                            "{} comes before the event's day, which nothing counted from a visit or a fact may: the first day from the event's day that its channel works, {}",
                            day(rule_day),
                            day(d)
                        )
                    });
                } else if let (Some(r), true) = (reason, self.tracing()) {
                    let other = self.why_the_other_way(step, anchor, rule_day, d, expires_by_rule);
                    let cal = self.cal;
                    // The other closed days it moved past, run by run (audit 130: only its
                    // own day's closure was named).
                    let (from, to) = (rule_day.min(d), rule_day.max(d));
                    let past = super::explain::closed_between(cal, step.info.channel, from, to);
                    self.why(|| {
                        format!(
                            "{}: {} gives {}{past}{other}",
                            super::explain::closed_on(cal, r, rule_day),
                            super::explain::policy(step.closed_day),
                            day(d),
                        )
                    });
                }
                (d, reason)
            }
            shift::Placed::Drop(reason, detail) => {
                // An `expired` call too: a later call of its lane due by rule before its
                // last day supersedes it (name_superseders).
                if matches!(reason, DropReason::Superseded | DropReason::Expired) {
                    let until = self.bounds(step, anchor, expires_by_rule).hi;
                    self.superseded_until(step, rule_day, until);
                }
                let place = (rule_day, nominal, expires_by_rule);
                match self.unplaced(program, step, n, place, reason, detail) {
                    Some(kept) => kept,
                    None => return Ok(()),
                }
            }
        };
        let (mut due, mut shifted) = placed;
        // The wait moved it off its rule's day, whatever the calendar did since.
        if let Some(r) = waited.and_then(|w| w.shifted) {
            shifted = Some(r);
        }
        if shifted.is_none() && due != nominal {
            shifted = anchor.moved.map(|_| ShiftReason::AnchorMoved);
        }
        let mut expires = expires_by_rule;
        let mut waiting = false;
        let mut escalate_after = None;
        // The time of the awaited fact, when it came in time: the task, on that day,
        // comes after it (no selling before the recovery is recorded, §8).
        let waited_until = waited.and_then(|w| w.fact_at);
        // The last day of its wait, when it waits for a fact not come; or the day the
        // fact came, when staff tried it before (audit 120: made while it waited, then
        // `recovered` recorded, it was judged late).
        let mut held = waited.and_then(|w| w.tried_before);
        if let Some((end, then)) = waited.and_then(|w| w.held_until) {
            // Worth doing while the fact may still come, void after.
            waiting = true;
            let end = end.max(due);
            held = Some(end);
            expires = Some(end);
            if then == WaitThen::Escalate {
                escalate_after = Some(end);
            }
        }
        let mut window = match self.time_window(step, due)? {
            Some(w) => w,
            None => match self.rest_hours_recorded(program, step, n, due) {
                Some(w) => w,
                None => {
                    self.why(|| {
                        "the patient's rest hours leave nothing of the clinic's day".into()
                    });
                    let why = self.rest_hours_drop(program, step, due);
                    self.drop_occurrence(this, days, why);
                    return Ok(());
                }
            },
        };
        if self.tracing() {
            for line in self.why_time(step, due, window) {
                self.why(|| line);
            }
        }
        // Not before the event (or the fact) it counts from, on that day, nor before the
        // fact it waited for.
        let mut after = self.not_before(anchor, due);
        // Its window on another day, when the moment cuts it on its own.
        let mut full = None;
        if let Some(at) = waited_until
            && at.date() == due
            && at.time() > chrono::NaiveTime::MIN
        {
            after = Some(after.map_or(at.time(), |a| a.max(at.time())));
        }
        if let Some(after) = after {
            // The free part chosen lay before `after`: another part of the step's own
            // window may still be free after it, that day.
            match self.window_from(step, due, window, after) {
                Some(w) => {
                    if w != window && self.tracing() {
                        // Past its own window: the calendar's `day` or `evening` window,
                        // its own all quiet or rest hours after the event (audit 139).
                        let whose = if !self.beyond_own(step, due, w) {
                            ""
                        } else if w.start >= self.windows.evening.start {
                            ", nothing of its own window free after it: the calendar's evening"
                        } else {
                            ", nothing of its own window free after it: the calendar's day window"
                        };
                        let at = super::explain::clock(after);
                        self.why(|| format!("not before {at} that day{whose}: {w}"));
                    }
                    if w != window {
                        full = Some(window);
                    }
                    window = w
                }
                None => {
                    let bounds = self.bounds(step, anchor, expires);
                    match self.after_event(step, rule_day, due, &bounds) {
                        shift::Placed::Day(d, reason) => {
                            let past = if self.tracing() {
                                let cal = self.cal;
                                let channel = step.info.channel;
                                let mut past = super::explain::closed_between(cal, channel, due, d);
                                // Kept on a closed day for staff on duty (audit 133: not
                                // said).
                                if let Some(r) = cal.closed_reason_for(channel, d) {
                                    let why = if step.closed_day == crate::model::ClosedDay::Keep {
                                        "the step keeps its closed days (closed_day: keep)"
                                    } else {
                                        "no day its channel works is within its max_shift, and the step keeps its day beyond it"
                                    };
                                    past.push_str(&format!(
                                        ", kept though {}: {why}, for staff on duty",
                                        super::explain::closed(cal, r, d)
                                    ));
                                }
                                past
                            } else {
                                String::new()
                            };
                            self.why(|| {
                                format!(
                                    "nothing of {window} is left after {} on {}: {}{past}",
                                    super::explain::clock(after),
                                    day(due),
                                    day(d)
                                )
                            });
                            due = d;
                            shifted = reason;
                            window = match self.time_window(step, due)? {
                                Some(w) => w,
                                None => match self.rest_hours_recorded(program, step, n, due) {
                                    Some(w) => w,
                                    None => {
                                        let this = (program, step, n);
                                        let why = self.rest_hours_drop(program, step, due);
                                        self.drop_occurrence(this, days, why);
                                        return Ok(());
                                    }
                                },
                            };
                            // docs/domain.md §9: what the event left no time for that day
                            // goes to the next morning — the morning part of its window,
                            // when it has one (an afternoon call stays in the afternoon).
                            if let Some(w) = self.next_morning(step, due) {
                                if w != window {
                                    self.why(|| format!("the first thing that day: {w}"));
                                }
                                window = w;
                            }
                        }
                        shift::Placed::Drop(reason, detail) => {
                            // An `expired` one too: a later call of its lane due by rule
                            // before its last day supersedes it (audit 171: a no-show call
                            // at 19:30 before National Day was `expired`).
                            if matches!(reason, DropReason::Superseded | DropReason::Expired) {
                                self.superseded_until(step, rule_day, bounds.hi);
                            }
                            // Why it goes (audit 119: only its anchor and offset were said),
                            // with the closed days after it (audit 122: half a reason).
                            // Not for a step that drops what the event leaves no time for: it
                            // moves past nothing (audit 171).
                            let past = if self.tracing() && reason != DropReason::AfterEvent {
                                let to = shift::add_days(due, 60).unwrap_or(due);
                                super::explain::closed_between(self.cal, step.info.channel, due, to)
                            } else {
                                String::new()
                            };
                            self.why(|| {
                                let what = match (reason, expires) {
                                    (DropReason::Superseded, _) => "the next day it could take is a later task's of its lane, which supersedes it".to_string(),
                                    (DropReason::Expired, Some(e)) => format!("it expires on {} before the next day its channel works", day(e)),
                                    (DropReason::AfterEvent, _) => "its step drops what the event leaves no time for (after_event: drop)".to_string(),
                                    _ => "no day is left for it".to_string(),
                                };
                                format!(
                                    "nothing of {window} is left after {} on {}: {what}{past}",
                                    super::explain::clock(after),
                                    day(due)
                                )
                            });
                            let at = (due, window, after);
                            if !self.kept_after_event(
                                program,
                                step,
                                (n, nominal, rule_day),
                                at,
                                (reason, detail),
                            ) {
                                return Ok(());
                            }
                        }
                    }
                }
            }
        }
        // A staff-picked or fixed window keeps the bounds the rule gives (D+4..D+30 stays
        // D+30 when the first possible day moves); other windows follow their due day.
        let latest_from = if step.info.picked_by.is_some() || step.fixed_window {
            rule_day
        } else {
            due
        };
        // What happened so far: a task with outcomes recorded happened, whatever facts
        // came since.
        let mut entries = match self.ledger.as_mut() {
            Some(l) => l.take(&program.id, &step.info.step, n),
            None => None,
        };
        // docs/domain.md §4: the second follow-up is picked "from the first call". While
        // no day is picked, it does not come before an earlier call of its program that
        // the history agreed for a later day: it waits until the day after it, within
        // its window. Once picked or closed (done, declined), its days are its own.
        let settled = entries.as_ref().is_some_and(|list| {
            list.iter().any(|e| {
                use crate::history::OutcomeKind as K;
                e.derived.is_none()
                    && matches!(
                        e.outcome.outcome,
                        K::Picked | K::Done | K::Declined | K::AbnormalRecovery
                    )
            })
        });
        if step.info.picked_by.is_some() && self.ledger.is_some() && !settled {
            let last_agreed = (self.plan.tasks.iter())
                .filter(|t| {
                    t.shifted == Some(ShiftReason::Agreed)
                        && t.channel() == step.info.channel
                        && *t.program() == *program.id
                        && t.due >= due
                })
                .map(|t| t.due)
                .max();
            let bound = shift::add_days(latest_from, step.latest);
            if let Some(agreed) = last_agreed {
                let after = agreed
                    .succ_opt()
                    .map(|d| self.on_or_after(step.info.channel, d));
                if let Some(after) = after.filter(|a| bound.is_some_and(|b| *a <= b)) {
                    self.why(|| {
                        format!(
                            "after the earlier call agreed for {}: {}",
                            day(agreed),
                            day(after)
                        )
                    });
                    due = after;
                    shifted = Some(ShiftReason::AfterEarlierCall);
                    if let Some(w) = self.time_window(step, due)? {
                        window = w;
                    }
                }
            }
        }
        let (Some(earliest), Some(latest)) = (
            shift::add_days(
                if step.fixed_window { rule_day } else { due },
                step.earliest,
            ),
            shift::add_days(latest_from, step.latest).map(|l| l.max(due)),
        ) else {
            return Err(self.out_of_range(step));
        };
        // A fixed window the task could not stay in: on time on its day only
        // (docs/rule-format.md, "What a shift does to the window").
        let (earliest, latest) = if step.fixed_window
            && (due < earliest || shift::add_days(rule_day, step.latest).is_some_and(|l| due > l))
        {
            // Said (audit 245: a new assignment's first contact on the eighth day, the
            // whole week closed, and nothing said its week was broken).
            let end = shift::add_days(rule_day, step.latest).unwrap_or(latest);
            self.why(|| {
                format!(
                    "its day is outside its fixed window, {} to {}: on time on its due day only",
                    day(earliest),
                    day(end)
                )
            });
            (due, due)
        } else {
            (earliest, latest)
        };
        // Never on time before the event (a window opening before a D+1 call): from the
        // event's day, or the task's own day when it comes before the event.
        // Nor before the fact it counts from (audit 46: a window opening three days
        // before a fact was on time before anyone knew of it).
        let earliest = match self.horizon {
            None if anchor.at.is_some() => earliest.max(anchor.day.min(due)),
            None => earliest.max(self.ep.date().min(due)),
            Some(_) => earliest,
        };
        // A reminder of a visit or a session recorded before its first day was for an
        // earlier date of the visit, which the host has since rebooked (audit 83).
        if step.offset.negative
            && matches!(
                step.anchor,
                crate::compile::Anchor::Milestone(_)
                    | crate::compile::Anchor::EachSession
                    | crate::compile::Anchor::UpcomingSession
            )
            && let Some(list) = entries.take()
        {
            entries = self.drop_earlier_visits(list, earliest);
            // A done session's reminder is planned for what the history records on it
            // only: those records were of an earlier date of the session, so there is no
            // reminder, as with no history (audit 274: an expired reminder came back,
            // open work on the lists, for a reminder sent the day before the old date).
            let done = || {
                (self.ep.course.as_ref())
                    .and_then(|c| c.sessions().find(|s| s.number == n))
                    .is_some_and(|s| s.done)
            };
            if entries.is_none()
                && matches!(step.anchor, crate::compile::Anchor::UpcomingSession)
                && done()
            {
                self.why_skip();
                return Ok(());
            }
        }
        // Facts count when they happen before the task is due; a staff-picked task may be
        // done on any day of its window, so facts until its end count (its last day's
        // time window included); so may a task of a fixed window (an after-sales callback
        // on time for two weeks: a refusal in them stops it, audit 39), though its day
        // stays the rule's for a milestone it stops at.
        let (judged, judged_at) = if step.info.picked_by.is_some() {
            (latest, lifecycle::last_minute(latest.and_time(window.end)))
        } else if step.fixed_window && latest > due {
            (due, lifecycle::last_minute(latest.and_time(window.end)))
        } else {
            (due, due.and_time(window.start))
        };
        // Only what reached the patient keeps a task its facts stop: a call made (done,
        // an agreed time, a refusal, an abnormal recovery) happened, whatever came since;
        // an unanswered try (or a note) does not bring back a call a refusal, a purchase
        // or a visit dropped (audit 31: a `no_answer` after a refusal reopened the call).
        // A day picked on a call no one picks is ignored (`not_staff_picked`): it brings
        // nothing back either (audit 37).
        // An attempt the history cannot have made (`…/attempt-5` with no unanswered call
        // before it) is a typo: it brings nothing back either (audit 43).
        let recorded = entries
            .as_ref()
            .is_some_and(|list| super::record::reached(step, list));
        let mut verdict =
            lifecycle::judge(&self.facts, program, step, step.info.channel, judged_at);
        // A step that stops at a milestone: dropped after its day, and worth doing until
        // that day at the latest (after it, the task expires rather than goes overdue,
        // docs/domain.md §9).
        if let Some(m) = step.until {
            (verdict, expires) = self.until(program, m, (verdict, expires), judged, due);
        }
        // A stop that comes after its day, before it was done: worth doing until then.
        // Not for a call the history tried: each try is judged at its own time, and the
        // attempts the chain makes on the facts' word at their time (a try made before
        // the fact counts, even on an attempt due after it: audits 89, 92 — the cap
        // dropped a tried attempt `expired`, and the message followed a single try).
        let tried = entries.as_ref().is_some_and(|list| {
            list.iter().any(|e| {
                matches!(e.derived, None | Some(super::Derived::Attempt(_)))
                    && e.outcome.outcome.is_unanswered()
            })
        });
        if verdict.is_none() && !recorded && !tried && !self.facts.is_empty() {
            expires = self.until_stopped(program, step, due, expires);
        }
        let lane_day = self.lane_key(rule_day);
        let placement = super::Placement {
            channel: step.info.channel,
            lane: step.lane_of(n),
            rule_day: lane_day,
            due,
            // Moved off the day its lane knows it by: by the calendar, or by its wait.
            by_calendar: shift::by_calendar(shifted) || self.placing_key.is_some(),
            slot: step.info.slot,
        };
        match verdict {
            Some((reason, _)) if recorded => {
                self.why(|| {
                    format!(
                        "{} before it, but the history records it: kept",
                        reason_name(reason)
                    )
                });
                // Kept: its lane keeps its order around it, as around any task kept (a
                // day-1 call passed the recorded day-3 call's rule day).
                self.place_done(placement);
            }
            Some((reason, detail)) if !recorded => {
                // A staff-picked task is judged to the end of its window, wherever its
                // day: no other day would keep it.
                if self.first_pass.is_empty()
                    && shift::by_calendar(shifted)
                    && step.info.picked_by.is_none()
                {
                    self.pushed_then_stopped(program, step, (rule_day, due), window);
                }
                // The steps counted from it keep what the history records as done.
                if self.ledger.is_some() {
                    self.ghosts.push((self.anchors.len(), due));
                }
                if self.tracing() {
                    let why = self.why_fact(step, program, reason, judged_at);
                    if !why.is_empty() {
                        self.why(|| why);
                    }
                }
                self.drop_occurrence(this, days, (reason, detail));
                // What the history recorded on it is reported, not lost with it.
                if let Some(list) = entries {
                    self.ignore_dropped(step, list);
                }
                return Ok(());
            }
            Some(_) => {}
            // The rules alone keep it: shifted tasks keep clear of it.
            None => self.place_done(placement),
        }

        if self.placing_key.is_some()
            || !matches!(
                shifted,
                None | Some(
                    ShiftReason::AnchorMoved | ShiftReason::WaitedForFact | ShiftReason::WaitEnded
                )
            )
        {
            self.shifted += 1;
        }
        self.plan.tasks.push(Task {
            info: InfoRef::to(&step.info, &self.subject.infos),
            subject: self.subject.clone(),
            occurrence: n,
            earliest,
            due,
            latest: expires.map_or(latest, |e| latest.min(e.max(due))),
            window,
            nominal,
            shifted: match shifted {
                // The visit moved, then the calendar moved the task off the day before
                // (or after) the moved visit: `nominal` is the day from the default
                // visit, so the move is the visit's (audit 128: "moved from Mon 27 Jan:
                // no messages that day", a day messages went out); back on its nominal
                // day after both moves, it did not move.
                Some(r) if r.is_closed_day() && anchor.moved.is_some() => {
                    (due != nominal).then_some(ShiftReason::AnchorMoved)
                }
                r => r,
            },
            closed: None,
            // Its rule's day counts when the calendar moved it off that day (unknown there,
            // a make-up working day might have kept it); not when the event, a wait or its
            // moved visit did (audits 147, 149: flagged on covered days).
            beyond_calendar: !self.cal.covers(due)
                || (anchor.moved.is_none()
                    && shift::by_calendar(shifted)
                    && shifted != Some(ShiftReason::AfterEvent)
                    && !self.cal.covers(nominal))
                || anchor.unsure
                || self.names_unsure_visit(program, step),
            expires,
            status: None,
            waiting,
            derived: None,
            record: None,
            owner: None,
            full_window: crate::time::PackedWindow::of(full),
            filled: None,
        });
        let base = self.plan.tasks.len() - 1;
        if self.tracing() {
            let id = task_id(&program.id, &step.info.step, &self.subject.episode, n);
            self.why(|| format!("time of day: {window}"));
            self.why_done(
                || id,
                &program.id,
                &step.info.step,
                || format!("due {} {window}", day(due)),
                false,
            );
        }
        if let (Some(info), Some(end)) = (&step.derived.wait_escalation, escalate_after) {
            self.escalate(info, n, end)?;
        }
        let kept = match entries {
            Some(list) => {
                self.removed_due = None;
                let kept = self.apply_history(program, step, (base, &verdict), &list)?;
                if let Some(l) = self.ledger.as_mut() {
                    l.give_back(list);
                }
                if step.wait.is_some() {
                    self.chain_made(base, n, held);
                }
                if let Some(end) = escalate_after {
                    self.made_before_the_wait_ended(base, n, end);
                }
                kept
            }
            None => {
                // Escalations need to know what was done: plans made with a history.
                if self.ledger.is_some() {
                    self.overdue(step, base, None, None)?;
                }
                true
            }
        };
        // Steps anchored to this one count from its day as it stands (an agreed or
        // picked day included).
        let day = (self.plan.tasks.get(base).filter(|_| kept)).map(|t| (t.due, lane_day));
        // Dropped by what the history brought (an agreed time past a fact): the steps
        // counted from it keep what the history records as done, from its day as agreed.
        if let (None, Some(d)) = (day, self.removed_due.take()) {
            self.ghosts.push((self.anchors.len(), d));
        }
        self.anchors.push(day);
        Ok(())
    }

    /// A task the event left no time for on its day, and no later day: dropped — unless
    /// the history records it (a complaint called back at 20:45, after the desk's hours:
    /// audit 37), which keeps it on its day as a task the calendar leaves no day is kept.
    /// True when kept.
    #[cold]
    #[inline(never)]
    fn kept_after_event(
        &mut self,
        program: &Program,
        step: &Step,
        (n, nominal, rule_day): (u32, NaiveDate, NaiveDate),
        (due, window, after): (NaiveDate, crate::time::TimeWindow, chrono::NaiveTime),
        (reason, detail): (DropReason, Option<Arc<str>>),
    ) -> bool {
        if (self.ledger.as_ref()).is_some_and(|l| l.recorded(step, &program.id, n)) {
            self.why(|| {
                format!(
                    "nothing of {window} is left after {} on {}, but the history records it: kept",
                    super::explain::clock(after),
                    day(due)
                )
            });
            return true;
        }
        // Crowded out by its lane: a neighbour of the next pass, as a task the calendar
        // leaves no day is (audit 59: a further-needs call, its day after the event taken
        // by an earlier call that waited past its rule day, was never planned again).
        if reason == DropReason::Superseded {
            self.unplaced_neighbour(step, n, rule_day);
        }
        let (this, days) = ((program, step, n), Some((nominal, rule_day)));
        self.drop_occurrence(this, days, (reason, detail));
        false
    }

    /// A task the calendar moved, that a fact drops on its day (first pass): when
    /// another task of its lane pushed it past the first day the calendar alone gives
    /// it, and the fact would not drop it there, it stays a neighbour of the second
    /// pass, which runs and may give it that day (audit 20: a first follow-up after New
    /// Year pushed a day further by the D+1 callback, then stopped by a purchase the next
    /// morning; the callback, which it supersedes, came back in its place).
    #[cold]
    #[inline(never)]
    pub(super) fn pushed_then_stopped(
        &mut self,
        program: &Program,
        step: &Step,
        (rule_day, due): (NaiveDate, NaiveDate),
        window: crate::time::TimeWindow,
    ) {
        let channel = step.info.channel;
        let alone = self.on_or_after(channel, rule_day);
        let at = alone.and_time(window.start);
        if alone < due && lifecycle::judge(&self.facts, program, step, channel, at).is_none() {
            self.unplaced_neighbour(step, self.placing, rule_day);
            self.pushed_then_stopped = true;
        }
    }

    /// When the history records the call of occurrence `n` (whose task is
    /// `self.plan.tasks[base]`) made, on it or on an attempt: none of its tries waits for
    /// the fact any more (audit 111: the unanswered tries before the attempt made kept
    /// `waits_for`, listed as waiting beside the `done`). Made while it waited (`held`:
    /// the wait's last day), it was made on time: not yet missed then, its `latest` is
    /// the day it was made (audit 109: judged late).
    #[cold]
    fn chain_made(&mut self, base: usize, n: u32, held: Option<NaiveDate>) {
        let step = self.plan.tasks.get(base).map(|t| t.info().step.clone());
        let of_chain = |t: &Task| {
            matches!(t.derived, None | Some(Derived::Attempt(_)))
                && t.occurrence == n
                && Some(&t.info().step) == step.as_ref()
        };
        let tasks = self.plan.tasks.get_mut(base..).unwrap_or_default();
        if tasks.iter().any(|t| of_chain(t) && t.is_done()) {
            for t in tasks.iter_mut().filter(|t| of_chain(t)) {
                t.waiting = false;
                let made = (t.record.as_deref())
                    .filter(|r| r.closed && r.outcome.is_done())
                    .map(|r| r.at.date());
                if let (Some(end), Some(made)) = (held, made)
                    && made <= end
                {
                    t.latest = t.latest.max(made);
                }
            }
        }
    }

    /// Leaves out the supervisor's task of the wait of the occurrence whose task is
    /// `self.plan.tasks[base]` when the history records the task made (done, refused…) by
    /// the day its wait ends: there is nothing left to look into (audit 108: a course
    /// planning call made was still the supervisor's a month later).
    #[cold]
    fn made_before_the_wait_ended(&mut self, base: usize, n: u32, end: NaiveDate) {
        let step = self.plan.tasks.get(base).map(|t| t.info().step.clone());
        // The call or one of its attempts (audit 110: made on `attempt-2` after an
        // unanswered try, it still brought the escalation).
        let made = (base..self.plan.tasks.len())
            .filter_map(|i| self.plan.tasks.get(i))
            .filter(|t| {
                matches!(t.derived, None | Some(Derived::Attempt(_)))
                    && t.occurrence == n
                    && Some(&t.info().step) == step.as_ref()
            })
            .filter_map(|t| {
                t.record
                    .as_deref()
                    .filter(|r| r.closed && r.outcome.is_done())
            })
            .map(|r| (r.outcome, r.at))
            .min_by_key(|(_, at)| *at);
        let Some((outcome, at)) = made else {
            return;
        };
        let escalation = (base..self.plan.tasks.len()).find(|&i| {
            self.plan.tasks.get(i).is_some_and(|t| {
                t.derived == Some(Derived::Escalation)
                    && t.occurrence == n
                    && Some(&t.info().step) == step.as_ref()
            })
        });
        let Some(i) = escalation else {
            return;
        };
        if at.date() <= end {
            // Recorded done by the supervisor, it happened: it stays with its record, as a
            // check the history records does (audit 207: it vanished with its `done`).
            let happened = (self.plan.tasks.get(i))
                .and_then(|t| t.record.as_deref())
                .is_some_and(|r| r.closed && r.outcome.is_done());
            if !happened {
                let t = self.plan.tasks.remove(i);
                if t.record.is_some() {
                    self.ignore_recorded_on((t.program(), t.step(), t.occurrence, t.derived));
                }
            }
        } else if let Some(t) = self.plan.tasks.get_mut(i).filter(|t| t.record.is_none()) {
            // Made after the supervisor stepped in: closed with it, as a supervisor's
            // check is (audit 113: it stayed open, overdue, after the call was made).
            t.record = Some(Box::new(super::Record {
                outcome,
                at,
                by: None,
                closed: true,
            }));
        }
    }

    /// The supervisor's task the day after a wait ended without its fact (the first day
    /// the clinic is open from then): internal work, on time for a week. Its nominal day
    /// is the day the wait ends (docs/rule-format.md, `escalate`), not the waiting task's.
    fn escalate(&mut self, info: &Arc<TaskInfo>, n: u32, end: NaiveDate) -> Result<()> {
        let Some(day) = end.succ_opt() else {
            return Ok(());
        };
        let due = self.on_or_after(info.channel, day);
        let latest = shift::add_days(due, 7).unwrap_or(due);
        self.plan.tasks.push(Task {
            info: InfoRef::to(info, &self.subject.infos),
            subject: self.subject.clone(),
            occurrence: n,
            earliest: due,
            due,
            latest,
            window: self.windows.day,
            nominal: end,
            shifted: Some(ShiftReason::WaitEnded),
            closed: None,
            beyond_calendar: !self.cal.covers(due),
            expires: shift::add_days(latest, 7),
            status: None,
            waiting: false,
            derived: Some(Derived::Escalation),
            record: None,
            owner: None,
            full_window: crate::time::PackedWindow::NONE,
            filled: None,
        });
        Ok(())
    }
}

/// The id of the step `step` counts from, if it counts from one: what an
/// `anchor_dropped` drop names (audit 199: it said not which).
fn anchor_step(program: &Program, step: &Step) -> Option<std::sync::Arc<str>> {
    match step.anchor {
        crate::compile::Anchor::Step(j) => (program.steps.get(j)).map(|a| a.info.step.clone()),
        _ => None,
    }
}
