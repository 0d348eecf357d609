//! Planning clinic notices for one patient: who the audience targets, the day the notice's
//! channel works (never past its expiry), its time of day outside rest hours, and the
//! patient's opt-outs and refusals.

use super::task::{task_id, DropReason, Dropped, Plan, Subject, Task, TaskInfo};
use super::timing;
use crate::calendar::{Calendar, Crew, ShiftReason};
use crate::compile::{Declined, TimeSpec};
use crate::episode::{Episode, Patient};
use crate::error::{Located, Result};
use crate::model::Channel;
use crate::notice::{Notice, NOTICE_PROGRAM};
use crate::offset::{Landing, MonthEnd};
use crate::ruleset::RuleSet;
use crate::time::{NamedWindows, TimeWindow};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How errors about the notices given to [`RuleSet::plan_notices`] name them.
const NOTICES: &str = "notices";

/// Why a notice does not go ahead, with the detail (channel, closed reason).
type Verdict = (DropReason, Option<Arc<str>>);

impl RuleSet {
    /// [`RuleSet::plan_notices`] with the history of the patient's tasks: a refusal
    /// recorded there (a `declined` outcome on any task, docs/closed-loop.md: "a refusal
    /// anywhere is the patient's") counts as the patient's own `declined`, the earlier of
    /// the two: notice calls stop from it, messages go on for 6 months.
    ///
    /// ```
    /// use followup::{calendar::Calendar, history::History, rules::{Notice, RuleSet}, episode::Patient};
    /// let rules = RuleSet::builtin()?;
    /// let notices = Notice::list_from_json("notices.json", r#"[
    ///   {"id": "expert-day-2026-03", "send_on": "2026-03-09", "event_day": "2026-03-14",
    ///    "channel": "phone", "audience": {},
    ///    "title": {"zh": "专家门诊日邀约", "en": "Expert clinic day invitation"}}
    /// ]"#)?;
    /// let patient = Patient { id: "p-1".into(), ..Patient::default() };
    /// let history = History::from_json("h", r#"{"outcomes": [{"task": "plastic-aftercare/day-3-call/ep-1/0",
    ///     "outcome": "declined", "at": "2026-03-05T10:00:00", "by": "u-3"}]}"#)?;
    /// let plan = rules.plan_notices_with(&patient, &[], &history, &notices, &Calendar::default())?;
    /// assert!(plan.tasks.is_empty());
    /// assert_eq!(plan.dropped[0].reason, followup::plan::DropReason::Declined);
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RuleSet::plan_notices`].
    pub fn plan_notices_with(
        &self,
        patient: &Patient,
        episodes: &[Episode],
        history: &crate::history::History,
        notices: &[Notice],
        calendar: &Calendar,
    ) -> Result<Plan> {
        // A history built in code is checked as one read from JSON is.
        history
            .checked()
            .map_err(|e| e.into_history(&format!("history of patient {:?}", patient.id)))?;
        // The history's refusals are the patient's, folded with the episodes' (a return
        // after one ends it: audit 223).
        let patient = patient.with_refusals_in(episodes, history);
        self.plan_notices(&patient, episodes, notices, calendar)
    }

    /// Plans clinic notices ([`Notice`]: an expert clinic day, a clinic event) for one
    /// patient: one task per notice whose `audience` targets the patient, id
    /// `notice/<notice id>/patient:<patient id>/0`, or a [`Dropped`] entry saying why it
    /// will not go out. Notices whose audience does not target the patient are left out
    /// (not dropped); `plan.programs` is `["notice"]` when at least one targets them. A
    /// notice with a `sample` drops the patients outside it (`not_sampled`); one with a
    /// `spread` goes out on the patient's own day of its span ([`Notice::day_for`]),
    /// which stands for `send_on` in everything below.
    ///
    /// `episodes` are the patient's episodes (any number, none included): an audience's
    /// `event` and attribute keys match when one episode matches them all; `tag` keys test
    /// `patient.tags`. Opt-outs and refusals hold wherever they are recorded — on
    /// `patient`, on an episode's patient, or as an episode's `opt_out` or `declined`
    /// fact — as in every program: an opt-out of the channel drops the notice
    /// (`opted_out`); after a clear refusal calls stop (`declined`) and messages go on for
    /// 6 months (then `past_horizon`). A notice on a day its channel does not work moves to
    /// the next day it works (`shifted`), never past the day it expires (else `expired`);
    /// calls and messages keep out of the clinic's quiet hours and the patient's rest hours
    /// (`rest_hours` when they cover the whole day).
    ///
    /// The plan joins the patient's other plans in [`crate::replan::merge_plans`]: notices are of class
    /// `sales` by default, so a notice no day of its window can take under the caps is
    /// dropped (`frequency_cap`).
    ///
    /// ```
    /// use followup::{calendar::{Calendar, ShiftReason}, rules::{Channel, Notice, RuleSet}, episode::Patient};
    /// let rules = RuleSet::builtin()?;
    /// let notices = Notice::list_from_json("notices.json", r#"[
    ///   {"id": "expert-day-2026-04", "send_on": "2026-04-06", "event_day": "2026-04-12",
    ///    "channel": "phone", "audience": {"tag": "key_customer"},
    ///    "title": {"zh": "专家门诊日邀约", "en": "Expert clinic day invitation"}}
    /// ]"#)?;
    /// let patient = Patient { id: "p-42".into(), tags: vec!["key_customer".into()], ..Patient::default() };
    /// // The call desk is closed on Mondays: the call moves to Tuesday.
    /// let cal = Calendar::from_json("clinic.json", r#"{"closed_weekdays": ["Mon"]}"#)?;
    /// let plan = rules.plan_notices(&patient, &[], &notices, &cal)?;
    /// let call = &plan.tasks[0];
    /// assert_eq!(call.id(), "notice/expert-day-2026-04/patient:p-42/0");
    /// assert_eq!((call.channel(), call.due.to_string()), (Channel::Phone, "2026-04-07".into()));
    /// assert_eq!(call.shifted, Some(ShiftReason::ClosedWeekday));
    /// assert_eq!(call.expires.map(|d| d.to_string()).as_deref(), Some("2026-04-12"));
    ///
    /// // A patient the audience does not target gets nothing.
    /// let other = Patient { id: "p-7".into(), ..Patient::default() };
    /// let plan = rules.plan_notices(&other, &[], &notices, &cal)?;
    /// assert!(plan.tasks.is_empty() && plan.dropped.is_empty() && plan.programs.is_empty());
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`crate::Error::Notice`] named `notices`, with the pointer `/INDEX/…`, for a
    ///   notice that [`Notice::check`] refuses, a duplicate id, an audience value outside
    ///   the rule set's [vocabulary](crate::rules::Vocabulary), more than `max_notices` notices;
    /// - [`crate::Error::Episode`] for a patient or an episode that planning would refuse,
    ///   or an episode of another patient;
    /// - [`crate::Error::Calendar`] when the calendar's quiet hours cover a notice's time
    ///   and the whole of the calendar's `day` and `evening` windows (a calendar read
    ///   from JSON never does: a notice whose time they cover takes the free part of the
    ///   `day` window, as a step does).
    ///
    /// With a history, use [`RuleSet::plan_notices_with`]: a refusal recorded on a call
    /// belongs to the patient and stops notice calls too.
    pub fn plan_notices(
        &self,
        patient: &Patient,
        episodes: &[Episode],
        notices: &[Notice],
        calendar: &Calendar,
    ) -> Result<Plan> {
        self.check_notice_input(patient, episodes, notices)?;
        let program: Arc<str> = Arc::from(NOTICE_PROGRAM);
        let subject = Arc::new(Subject::bare(
            format!("patient:{}", patient.id).into(),
            patient.id.clone(),
        ));
        let windows = calendar.windows();
        let folded = patient.with_refusals_of(episodes);
        let judge = Judge {
            patient,
            episodes,
            declined: Declined::default(),
            refusal: (folded.declined, folded.came_back),
        };
        let rest = timing::rest_hours(patient, calendar);
        // Sorted and merged once per patient, as for an episode's plan.
        let quiet = timing::quiet_hours(calendar);
        let hours = Hours {
            blocked: &timing::blocked_hours(&quiet, &rest),
            quiet: &quiet,
            rest: &rest,
        };
        let mut plan = Plan {
            made_by: self.stamp.clone(),
            ..Plan::default()
        };
        for (i, n) in notices.iter().enumerate() {
            if !targets(n, patient, episodes) {
                continue;
            }
            if plan.programs.is_empty() {
                plan.programs.push(program.clone());
            }
            let step: Arc<str> = Arc::from(n.id.as_str());
            // The patient's own working day of a spread notice, else send_on.
            let nominal = n.day_for_on(&patient.id, calendar);
            let drop = |why: Verdict| {
                let id = task_id(&program, &step, &subject.episode, 0);
                let ids = (program.clone(), step.clone(), id);
                Dropped::own(&subject, ids, 0, Some(nominal), why)
            };
            if !sampled(n, patient, episodes) {
                plan.dropped.push(drop((DropReason::NotSampled, None)));
                continue;
            }
            let (due, shifted) = match place(n, nominal, calendar) {
                Ok(day) => day,
                Err(v) => {
                    plan.dropped.push(drop(v));
                    continue;
                }
            };
            // Checked above; the pointer is built only on error.
            let spec = crate::compile::time(&n.time, "/time").map_err(|mut e| {
                e.pointer = format!("/{i}{}", e.pointer);
                e.into_notice(NOTICES)
            })?;
            let Some(mut window) = time_window(n, spec, &windows, &hours, calendar)? else {
                plan.dropped.push(drop((DropReason::RestHours, None)));
                continue;
            };
            let start = due.and_time(window.start);
            if let Some(v) = judge.verdict(n.channel, start) {
                plan.dropped.push(drop(v));
                continue;
            }
            // A fact inside the window ends it there, as for a rule's task (audit 223: a
            // notice call kept 14:00-18:00 after a refusal at 15:00).
            let end = due.and_time(window.end);
            if judge
                .verdict(n.channel, super::lifecycle::last_minute(end))
                .is_some()
                && let Some(m) = super::stops::first_stopped(start, end, |m| {
                    judge.verdict(n.channel, m).is_some()
                })
                && m.time() > window.start
            {
                window.end = m.time();
            }
            let expires = n.expires_after(nominal).unwrap_or(due);
            // Whoever owns the role in the patient's episodes on the notice's last day,
            // as for a rule's task (docs/closed-loop.md, owners; audit 78: a notice that
            // expired before the role changed hands went to the new owner).
            let last =
                expires.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
            // Placeholders ({patient}, {clinic}…) as in rule files; an unknown one is an
            // error at its pointer.
            let texts = crate::template::step_texts(
                &n.title,
                n.script.as_ref(),
                &format!("/{i}"),
                "event",
                &[],
            )
            .map_err(|e| e.into_notice(NOTICES))?;
            // Of several episodes, the latest one that names an owner of the role (its
            // event, then its id: never the order the host passed them in, audit 87).
            let owner = (episodes.iter())
                .filter_map(|e| Some((e, e.owner_at(n.role, last)?)))
                .max_by(|(a, _), (b, _)| (a.at, &a.id).cmp(&(b.at, &b.id)))
                .map(|(_, o)| o);
            // The procedure `{procedure}` names: the latest episode's, likewise.
            let last_episode = (episodes.iter()).max_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
            let info = Arc::new(TaskInfo {
                program: program.clone(),
                step,
                channel: n.channel,
                role: n.role,
                picked_by: None,
                wait_for: None,
                class: None,
                on_duty: false,
                title: texts.title,
                script: texts.script,
                templates: texts.templates,
                rank: 0,
                slot: crate::plan::task::NO_SLOT,
                json: Default::default(),
            });
            let filled = super::fill::fill_for_patient(
                &info,
                patient,
                last_episode,
                calendar,
                owner.and_then(|o| o.name.as_deref()),
            );
            // A fact after its start ends the days it is worth doing, as a rule's task's
            // (audit 227: a notice call on time 9-13 March stayed open work after a
            // refusal on the 11th).
            let expires =
                (judge.last_day(n.channel, start)).map_or(expires, |d| d.max(due).min(expires));
            plan.tasks.push(Task {
                info: super::task::InfoRef::Own(info),
                subject: subject.clone(),
                occurrence: 0,
                earliest: due,
                due,
                latest: latest(n, nominal).max(due).min(expires),
                window,
                nominal,
                shifted,
                closed: None,
                beyond_calendar: !calendar.covers(due) || !calendar.covers(nominal),
                expires: Some(expires),
                status: None,
                waiting: false,
                derived: None,
                record: None,
                owner: owner.map(|o| o.id.clone()),
                full_window: crate::time::PackedWindow::NONE,
                filled,
            });
        }
        super::mark_closed(&mut plan.tasks, calendar);
        plan.tasks.sort_by(|a, b| {
            (a.due, a.window.start, a.step()).cmp(&(b.due, b.window.start, b.step()))
        });
        plan.dropped.sort_by(|a, b| a.step().cmp(b.step()));
        Ok(plan)
    }

    /// The checks of [`RuleSet::plan_notices`]' input, in argument order.
    fn check_notice_input(
        &self,
        patient: &Patient,
        episodes: &[Episode],
        notices: &[Notice],
    ) -> Result<()> {
        let limits = &self.limits;
        let as_episode = Episode {
            id: format!("patient:{}", patient.id).into(),
            event: "patient".into(),
            at: NaiveDateTime::MIN,
            attributes: BTreeMap::new(),
            patient: patient.clone(),
            milestones: BTreeMap::new(),
            course: None,
            facts: Vec::new(),
            owners: BTreeMap::new(),
            reassignments: Vec::new(),
        };
        as_episode
            .checked_patient(limits)
            .map_err(|e| e.into_episode(&format!("patient {:?}", patient.id)))?;
        for ep in episodes {
            let what = format!("episode {:?}", ep.id);
            if ep.patient.id != patient.id {
                return Err(Located::new(
                    "/patient/id",
                    format!(
                        "the episode is of patient {:?}: expected an episode of patient {:?}, whose notices are planned",
                        ep.patient.id, patient.id
                    ),
                )
                .into_episode(&what));
            }
            self.check_episode(ep, &what)?;
        }
        // The notices of several texts together: no index of one text (audit 166: the
        // error pointed at `/1000`, an index of the combined list, in no file).
        let n = notices.len();
        for (limit, max) in [
            ("max_tasks_per_plan", limits.max_tasks_per_plan),
            ("max_notices", limits.max_notices),
        ] {
            if n > max {
                return Err(Located::new(
                    "",
                    format!(
                        "{n} notices given to one plan, more than the limit {limit} ({max}): expected at most {max} (give fewer, or raise the limit)"
                    ),
                )
                .limit(limit)
                .into_notice(NOTICES));
            }
        }
        crate::notice::check_list(notices, true, limits)
            .and_then(|()| crate::notice::check_vocabulary(notices, true, self.vocabulary()))
            .map_err(|e| e.into_notice(NOTICES))
    }
}

/// The last day a notice meant for `day` is on time: the day before its event (its own
/// day when the event is that day), its own day without an event day.
fn latest(n: &Notice, day: NaiveDate) -> NaiveDate {
    n.event_day
        .and_then(|d| d.pred_opt())
        .map_or(day, |d| d.max(day))
}

/// True if the notice's audience targets the patient: every `tag` key matches one of the
/// patient's tags, and one episode matches every other key (`event`, attributes).
fn targets(n: &Notice, patient: &Patient, episodes: &[Episode]) -> bool {
    matches(&n.audience, patient, episodes)
}

/// True if the patient is in the notice's sample: no sample, a draw below its fraction,
/// or its `always` conditions target the patient (as an audience does; `{}` never).
fn sampled(n: &Notice, patient: &Patient, episodes: &[Episode]) -> bool {
    let Some(sample) = &n.sample else {
        return true;
    };
    let salt = sample.salt.as_deref().unwrap_or(&n.id);
    crate::sample::sample_draw(NOTICE_PROGRAM, salt, &patient.id) < sample.fraction.0
        || (!sample.always.is_empty() && matches(&sample.always, patient, episodes))
}

/// True if `conds` target the patient: every `tag` key matches one of the patient's
/// tags, and one episode matches every other key (`event`, attributes).
fn matches(conds: &crate::model::Conditions, patient: &Patient, episodes: &[Episode]) -> bool {
    let tags = conds
        .iter()
        .filter(|(k, _)| *k == "tag")
        .all(|(_, v)| patient.tags.iter().any(|t| v.0.contains(t)));
    let mut others = conds.iter().filter(|(k, _)| *k != "tag").peekable();
    if !tags || others.peek().is_none() {
        return tags;
    }
    episodes.iter().any(|ep| {
        conds
            .iter()
            .filter(|(k, _)| *k != "tag")
            .all(|(key, values)| match key.as_str() {
                "event" => values.0.contains(&ep.event),
                name => ep
                    .attribute(name)
                    .is_some_and(|a| values.0.iter().any(|v| v == a)),
            })
    })
}

/// The notice's day for a patient whose own day is `day` (`send_on` without a spread):
/// that day if its channel works then, else the next day it works, up to the day it
/// expires (else dropped as `expired`, with the reason its day does not work).
fn place(
    n: &Notice,
    day: NaiveDate,
    cal: &Calendar,
) -> std::result::Result<(NaiveDate, Option<ShiftReason>), Verdict> {
    let Some(reason) = cal.closed_reason_for(n.channel, day) else {
        return Ok((day, None));
    };
    let detail = Some(Arc::from(reason.name()));
    let expires = n.expires_after(day).unwrap_or(day);
    // The first day the channel works after it (runs of closed days are jumped over).
    match cal.next_working(Crew::of(n.channel), day, true, false) {
        Some(day) if day <= expires => Ok((day, Some(reason))),
        Some(_) => Err((DropReason::Expired, detail)),
        None => Err((DropReason::NoOpenDay, detail)),
    }
}

/// The notice's time of day: its window, for calls and messages outside the clinic's quiet
/// hours and the patient's rest hours (else the part of the `day` window outside both,
/// else of the `evening` window, as for a program's step); `None` when the rest hours
/// leave nothing.
fn time_window(
    n: &Notice,
    spec: TimeSpec,
    windows: &NamedWindows,
    hours: &Hours,
    cal: &Calendar,
) -> Result<Option<TimeWindow>> {
    let (quiet, rest) = (hours.quiet, hours.rest);
    let window = match spec {
        TimeSpec::Named(name) => windows.get(name),
        TimeSpec::Explicit(w) => w,
    };
    let remote = matches!(n.channel, Channel::Phone | Channel::Sms | Channel::Wechat);
    if !remote || (quiet.is_empty() && rest.is_empty()) {
        return Ok(Some(window));
    }
    // As for a step: quiet hours covering the whole window leave it the part of the
    // `day` window outside them, else of the `evening` window (audit 258: a morning
    // notice under quiet hours of 09:00-12:00 failed every plan it touched); quiet hours
    // over all of them are the calendar's error.
    let fallback = || (windows.day.outside(quiet)).or_else(|| windows.evening.outside(quiet));
    let free = window.outside(quiet).or_else(fallback).ok_or_else(|| {
        let q: Vec<String> = cal.quiet_hours().iter().map(|w| w.to_string()).collect();
        Located::new(
            "/quiet_hours",
            format!(
                "the time window {window} of notice {} lies inside the quiet hours ({}): expected quiet hours that leave part of it free, or another time for the notice",
                n.id,
                q.join(", ")
            ),
        )
        .into_calendar("calendar")
    })?;
    if rest.is_empty() {
        return Ok(Some(free));
    }
    let blocked = hours.blocked;
    Ok(free
        .outside(blocked)
        .or_else(|| windows.day.outside(blocked))
        .or_else(|| windows.evening.outside(blocked)))
}

/// The hours that keep calls and messages out, sorted and merged: the clinic's quiet
/// hours, the patient's rest hours, and both together.
struct Hours<'a> {
    quiet: &'a [TimeWindow],
    rest: &'a [TimeWindow],
    blocked: &'a [TimeWindow],
}

/// The patient's opt-outs and refusals, wherever recorded.
struct Judge<'a> {
    patient: &'a Patient,
    episodes: &'a [Episode],
    declined: Declined,
    /// The refusal that holds, and when the patient came back from it
    /// ([`Patient::with_refusals_of`]).
    refusal: (Option<NaiveDateTime>, Option<NaiveDateTime>),
}

impl Judge<'_> {
    /// Why a notice on `channel` due at `due` does not go ahead: an opt-out of the
    /// channel, then a refusal (calls stop; messages go on for 6 months). Facts count
    /// when they happened by `due` (at the window's start: nothing of it is left).
    /// The last day a notice on `channel` is worth doing when a fact after `after` (the
    /// start of its window on its day) ends it: the day of an opt-out of the channel or of a
    /// refusal that stops it, or the last day of a refusal's horizon for a message.
    fn last_day(&self, channel: Channel, after: NaiveDateTime) -> Option<NaiveDate> {
        let patients =
            std::iter::once(self.patient).chain(self.episodes.iter().map(|e| &e.patient));
        let facts = || self.episodes.iter().flat_map(|e| &e.facts);
        let opt_outs = (patients.flat_map(|p| &p.opt_outs))
            .filter(|o| channel.opted_out_by(o.channel))
            .map(|o| (o.at, o.at.date()))
            .chain(
                (facts().filter(|f| f.kind == "opt_out"))
                    .filter(|f| f.channel.is_some_and(|c| channel.opted_out_by(c)))
                    .map(|f| (f.at, f.at.date())),
            );
        let refusal = self.refusal.0.into_iter().flat_map(|r| {
            let horizon = match self.declined.horizon.apply(r.date(), MonthEnd::Clamp) {
                Landing::Date(d) => d.succ_opt().map(|n| (n.and_time(NaiveTime::MIN), d)),
                _ => None,
            };
            std::iter::once((r, r.date())).chain(horizon)
        });
        (opt_outs.chain(refusal))
            .filter(|(at, _)| *at >= after && self.verdict(channel, *at).is_some())
            .min_by_key(|(at, _)| *at)
            .map(|(_, day)| day)
    }

    fn verdict(&self, channel: Channel, due: NaiveDateTime) -> Option<Verdict> {
        let patients =
            std::iter::once(self.patient).chain(self.episodes.iter().map(|e| &e.patient));
        let facts = || self.episodes.iter().flat_map(|e| &e.facts);
        let opted_out = (patients.clone().flat_map(|p| &p.opt_outs))
            .map(|o| (o.channel, o.at))
            .chain(
                facts()
                    .filter(|f| f.kind == "opt_out")
                    .filter_map(|f| Some((f.channel?, f.at))),
            )
            .filter(|(opted, at)| channel.opted_out_by(*opted) && super::lifecycle::by(*at, due))
            .min_by_key(|(_, at)| *at);
        if let Some((opted, _)) = opted_out {
            return Some((DropReason::OptedOut, Some(Arc::from(opted.name()))));
        }
        let (refusal, came_back) = self.refusal;
        let back = came_back.filter(|b| refusal.is_some_and(|r| r < *b));
        let refusal =
            refusal.filter(|at| super::lifecycle::by(*at, due) && back.is_none_or(|b| due < b))?;
        if self.declined.stop_channels.contains(&channel) {
            return Some((DropReason::Declined, None));
        }
        let message = channel.is_message();
        let horizon_end = match self.declined.horizon.apply(refusal.date(), MonthEnd::Clamp) {
            Landing::Date(d) => d,
            _ => NaiveDate::MAX,
        };
        (message && due.date() > horizon_end).then(|| {
            (
                DropReason::PastHorizon,
                Some(Arc::from(horizon_end.to_string())),
            )
        })
    }
}
