//! Plans: what [`RuleSet::plan`](crate::rules::RuleSet::plan) and its siblings return —
//! an episode + a calendar + the compiled programs → dated [`Task`]s, the [`Dropped`]
//! occurrences and why, the history entries that changed nothing ([`Ignored`]), and on
//! request an [`Explanation`] per task.
//!
//! For each program that applies the planner resolves milestone dates, then walks the
//! steps in dependency order — anchor dates, nominal dates (offset and repeat), the
//! calendar's closed-day policy, time windows — collecting tasks and dropped occurrences.

/// `schemars::JsonSchema` for a plan type that is written and read through `$form`, a
/// private struct of its JSON shape: the form's schema under the type's name, with
/// `$description` when given.
macro_rules! schema_of_form {
    ($ty:ident, $form:ty, $description:expr) => {
        #[cfg(any(test, feature = "schema"))]
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn schema_id() -> std::borrow::Cow<'static, str> {
                concat!("followup::plan::", stringify!($ty)).into()
            }

            fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = <$form>::json_schema(g);
                let description: Option<&str> = $description;
                if let Some(d) = description {
                    crate::schema::describe(&mut schema, d);
                }
                schema
            }
        }
    };
}

pub use crate::sms::sms_segments;
pub use crate::stamp::{Stamp, VERSION};
pub use explain::{Explained, Explanation};
pub use ledger::{Ignored, IgnoredReason, FOLLOW_UP};
pub use task::{Derived, DropReason, Dropped, Plan, Record, Status, Task};
pub use write::JsonOptions;

mod contacts;
mod derive;
pub(crate) mod derived;
mod dropped;
pub(crate) mod explain;
mod facts;
mod fill;
mod follow_up;
mod lanes;
pub(crate) mod ledger;
mod lifecycle;
mod notice;
mod occurrence;
mod order;
mod overtaken;
mod passes;
mod patient;
pub(crate) use patient::check_horizon;
mod picked;
mod record;
mod scratch;
mod shapes;
mod shift;
mod stops;
pub(crate) mod task;
mod task_serde;
mod timing;
mod unplaced;
mod visits;
mod waits;
mod walk;
mod why;
pub(crate) mod write;

use crate::calendar::{Calendar, ShiftReason};
use crate::compile::{LaneRole, Program, Step};
use crate::episode::Episode;
use crate::error::{Error, Located, Result};
use crate::history::History;
use crate::model::Channel;
use crate::ruleset::RuleSet;
use crate::time::TimeWindow;
use chrono::{NaiveDate, NaiveTime};
use std::sync::Arc;
use task::{task_id, Subject};

impl Plan {
    /// Marks each task with its [`Status`] on `day`, and gives each task of `episode` the
    /// history has not closed the owner of its role on that day — the owner then, not
    /// one a reassignment dated after it names (docs/closed-loop.md, "Owners": an open
    /// task is its role's owner's now; audit 229: a callback due that day went to the
    /// owner of a handover two weeks later). A task that expired before `day` keeps the
    /// owner of its last day. [`RuleSet::plan_as_of`] is [`RuleSet::plan`] and this.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "e1", "event": "procedure", "at": "2026-03-02",
    ///     "attributes": {"category": "laser"}, "patient": {"id": "p1"},
    ///     "owners": {"customer_service": "u-3"},
    ///     "reassignments": [{"role": "customer_service", "to": "u-5", "at": "2026-03-25T09:00"}]}"#)?;
    /// let mut plan = rules.plan(&ep, &Calendar::default())?;
    /// // The month-1 call (2 April): the last reassignment's; as of 5 March, u-3's.
    /// let month_1 = |p: &followup::plan::Plan| {
    ///     p.tasks.iter().find(|t| t.step() == "month-1-call").and_then(|t| t.owner.clone())
    /// };
    /// assert_eq!(month_1(&plan).as_deref(), Some("u-5"));
    /// plan.set_as_of(&ep, "2026-03-05".parse().unwrap());
    /// assert_eq!(month_1(&plan).as_deref(), Some("u-3"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn set_as_of(&mut self, episode: &Episode, day: NaiveDate) {
        let end_of = |d: NaiveDate| {
            d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        };
        for t in &mut self.tasks {
            t.status = Some(Status::of(t, day));
            if episode.reassignments.is_empty() || t.is_closed() || t.episode() != &*episode.id {
                continue;
            }
            let at = t.expires.map_or(day, |e| e.min(day));
            t.owner = episode.owner_at(t.role(), end_of(at)).map(|o| o.id.clone());
        }
    }
}

impl RuleSet {
    /// Plans one episode: every program whose `applies` matches, every step whose `when`
    /// matches. Pure and deterministic: the same input gives the same plan.
    ///
    /// For speed, each thread keeps a little between plans, never anything a plan depends
    /// on: the planner's scratch vectors (up to 1,024 items each) and, for the last 32
    /// shapes of episode it planned (event, attributes, the tags a condition tests, fact
    /// kinds, milestone names; not a free attribute's value no condition tests, nor a tag
    /// none names), what the rule set decided from them — the vocabulary accepted the
    /// episode, which programs and steps apply (a few KB; shapes of over 1 KB of words
    /// are not kept, so never more than some 60 KB).
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
    /// let rules = RuleSet::builtin().unwrap();
    /// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure",
    ///   "at": "2026-03-02", "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#).unwrap();
    /// let plan = rules.plan(&ep, &Calendar::default()).unwrap();
    /// let first = &plan.tasks[0];
    /// assert_eq!(first.id(), "laser-aftercare/day-1-call/ep-1/0");
    /// assert_eq!(first.due.to_string(), "2026-03-03");
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Episode`] if a date leaves the supported range, a milestone has more
    /// dates than `max_milestone_dates`, a step more occurrences than
    /// `max_occurrences_per_step`, or the plan more tasks than `max_tasks_per_plan`.
    pub fn plan(&self, episode: &Episode, calendar: &Calendar) -> Result<Plan> {
        self.run(episode, None, calendar, None)
    }

    /// Plans one episode with what happened so far: the next plan of the closed loop.
    /// Pure and deterministic; the tasks and drops are the same whatever the order of the
    /// history (the `ignored` entries name outcomes by their index in it).
    ///
    /// - **done**, **declined**, **abnormal recovery** close the task: it stays in the
    ///   plan with its [`Task::record`] and never comes back as work, whatever is recorded
    ///   later. A refusal also stops every call from then on (record it in the episode's
    ///   facts or `patient.declined` too, for the other plans of the patient); an abnormal
    ///   recovery brings a same-day call by the onsite consultant and a doctor's visit
    ///   (`…/abnormal-contact`, `…/doctor-visit`).
    /// - **no answer**, **busy**, **unreachable**: with the step's `no_answer` rule the
    ///   next attempt (`…/attempt-2`) is due `retry_after` later, in the step's window of
    ///   a day the call desk works; after `max_attempts` calls its `then` follows (a
    ///   message `…/message`, a supervisor's task `…/unanswered`, or nothing: dropped as
    ///   `unanswered`). Without a rule the task stays open.
    /// - **rescheduled** moves the task (or its current attempt) to the agreed day and
    ///   time (`shifted`: `agreed`); **picked** sets the day of a staff-picked task
    ///   (`picked`). A moved task is judged again on its new day (a refusal before it
    ///   drops it).
    /// - A call **done** ends the earlier calls of its lane (programme, role) still open:
    ///   each is worth doing until the day before it at the latest (`expires`), then
    ///   `expired`, not overdue work.
    /// - A step with `escalate_after` gets a supervisor's task (`…/overdue`) that many
    ///   days after the task's last on-time day, unless the task was closed before.
    /// - The history's `follow_ups` become tasks (`follow-up/<id>/<episode>/0`).
    /// - Outcomes that change nothing are listed in [`Plan::ignored`], with why.
    ///
    /// ```
    /// use followup::{calendar::Calendar, plan::Derived, history::History, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = rules.read_episode("ep", r#"{"id": "ep-1", "event": "procedure",
    ///   "at": "2026-03-02T10:00", "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
    /// let history = History::from_json("history", r#"{"outcomes": [
    ///   {"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T14:05"},
    ///   {"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "rescheduled", "at": "2026-03-05T15:00",
    ///    "to": "2026-03-06T10:30"}]}"#)?;
    /// let plan = rules.plan_with(&ep, &history, &Calendar::default())?;
    /// let task = |id: &str| plan.tasks.iter().find(|t| t.id() == id).unwrap();
    /// // The day-1 call is tried again two hours later the same afternoon…
    /// let second = task("laser-aftercare/day-1-call/ep-1/0/attempt-2");
    /// assert_eq!((second.due.to_string(), second.window.start.to_string()),
    ///            ("2026-03-03".into(), "16:05:00".into()));
    /// // …and the day-3 call moves to the time agreed with the patient.
    /// let agreed = task("laser-aftercare/day-3-call/ep-1/0");
    /// assert_eq!(agreed.due.to_string(), "2026-03-06");
    /// assert_eq!(agreed.window.start.to_string(), "10:30:00");
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RuleSet::plan`]; a history is checked when read ([`History::from_json`],
    /// [`History::check`]).
    pub fn plan_with(
        &self,
        episode: &Episode,
        history: &History,
        calendar: &Calendar,
    ) -> Result<Plan> {
        self.run(episode, Some(history), calendar, None)
    }

    /// Plans as [`RuleSet::plan`] does, then marks each task with its [`Status`] on
    /// `as_of`: `upcoming`, `open` (inside its window: do it now), `missed`, `expired` or
    /// `waiting` (for a fact, [`Status::Waiting`]). Dates are
    /// never moved to `as_of`: re-planning after a state change does not replay every past
    /// reminder as due today, a known failure of booking systems.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet, plan::Status};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "e1", "event": "procedure", "at": "2026-03-02",
    ///     "attributes": {"category": "laser"}, "patient": {"id": "p1"}}"#)?;
    /// let plan = rules.plan_as_of(&ep, &Calendar::default(), "2026-03-05".parse().unwrap())?;
    /// let status = |step: &str| plan.tasks.iter().find(|t| t.step() == step).and_then(|t| t.status);
    /// assert_eq!(status("day-1-call"), Some(Status::Missed));   // 3 Mar, window over
    /// assert_eq!(status("day-3-call"), Some(Status::Open));     // 5 Mar: today
    /// assert_eq!(status("day-6-call"), Some(Status::Upcoming)); // 8 Mar
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RuleSet::plan`].
    pub fn plan_as_of(
        &self,
        episode: &Episode,
        calendar: &Calendar,
        as_of: NaiveDate,
    ) -> Result<Plan> {
        let mut plan = self.plan(episode, calendar)?;
        plan.set_as_of(episode, as_of);
        Ok(plan)
    }

    /// Plans `episode` with the programs of its scope: episode programs when `horizon` is
    /// `None`, patient-level programs over `horizon` (first and last day) otherwise.
    pub(crate) fn run(
        &self,
        episode: &Episode,
        history: Option<&History>,
        calendar: &Calendar,
        horizon: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Plan> {
        self.run_inner(episode, history, calendar, horizon, false, Plan::default())
            .map(|(plan, _)| plan)
    }

    /// [`RuleSet::run`], explaining every task and dropped occurrence.
    pub(crate) fn run_traced(
        &self,
        episode: &Episode,
        history: Option<&History>,
        calendar: &Calendar,
        horizon: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<(Plan, Vec<explain::Explanation>)> {
        self.run_inner(episode, history, calendar, horizon, true, Plan::default())
    }

    /// [`RuleSet::plan`] into `plan`, reusing its vectors: a host planning one episode
    /// after another into the same `Plan` allocates no task vector once it is large
    /// enough. On success `plan` equals what [`RuleSet::plan`] returns; on an error it
    /// is left empty.
    ///
    /// ```
    /// use followup::{calendar::Calendar, plan::Plan, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let calendar = Calendar::default();
    /// let mut plan = Plan::default();
    /// for (id, day) in [("ep-1", "2026-03-02"), ("ep-2", "2026-03-09")] {
    ///     let ep = rules.read_episode("ep", &format!(r#"{{"id": "{id}", "event": "procedure",
    ///         "at": "{day}", "attributes": {{"category": "laser"}}, "patient": {{"id": "p-1"}}}}"#))?;
    ///     rules.plan_into(&ep, &calendar, &mut plan)?;
    ///     assert_eq!(plan, rules.plan(&ep, &calendar)?);
    /// }
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RuleSet::plan`].
    pub fn plan_into(&self, episode: &Episode, calendar: &Calendar, plan: &mut Plan) -> Result<()> {
        let mut recycled = std::mem::take(plan);
        recycled.programs.clear();
        recycled.no_program = None;
        recycled.tasks.clear();
        recycled.dropped.clear();
        recycled.ignored.clear();
        let (made, _) = self.run_inner(episode, None, calendar, None, false, recycled)?;
        *plan = made;
        Ok(())
    }

    fn run_inner(
        &self,
        episode: &Episode,
        history: Option<&History>,
        calendar: &Calendar,
        horizon: Option<(NaiveDate, NaiveDate)>,
        explain: bool,
        // An empty plan whose vectors are reused.
        recycled: Plan,
    ) -> Result<(Plan, Vec<explain::Explanation>)> {
        let what = || describe(episode, horizon);
        if let Some(h) = history {
            let n = h.outcomes.len().saturating_add(h.follow_ups.len());
            if n > self.limits.max_history_entries {
                return Err(Located::new(
                    "",
                    format!(
                        "the history has {n} outcomes and follow-ups, more than the limit max_history_entries ({}): expected at most {}",
                        self.limits.max_history_entries,
                        self.limits.max_history_entries
                    ),
                )
                .limit("max_history_entries")
                .into_history(&format!("history of {}", what())));
            }
            // A history built in code is checked as one read from JSON is (ids, agreed
            // times, follow-ups): a duplicate follow-up id would give two tasks one id.
            h.checked()
                .map_err(|e| e.into_history(&format!("history of {}", what())))?;
        }
        // A refusal recorded on any task of the history belongs to the patient: every
        // program honours it from then on, as a `declined` fact. An outcome that reached
        // the patient on a task of this episode is a contact, as a `contacted` fact (when
        // the rules know the kind): a lead called last month was followed up then.
        let with_refusals;
        // The episode as the caller gave it: its own facts are what `max_facts` bounds
        // (the history's are bounded by `max_history_entries`).
        let given = episode;
        let extra = history.map(|h| {
            let contacts = self.vocabulary().facts().any(|f| f == contacts::CONTACTED);
            self.history_facts(h, &episode.id, event_of(episode, horizon), contacts)
        });
        let episode = match extra.filter(|r| !r.is_empty()) {
            Some(extra) => {
                let mut ep = episode.clone();
                ep.facts.extend(extra);
                with_refusals = ep;
                &with_refusals
            }
            None => episode,
        };
        let windows = calendar.windows();
        let shard = self.shard();
        let scratch = scratch::Scratch::take();
        let rest = timing::rest_hours(&episode.patient, calendar);
        let quiet = timing::quiet_hours(calendar);
        let mut out = Planner {
            blocked: timing::blocked_hours(&quiet, &rest),
            quiet,
            rest,
            windows,
            horizon,
            ep: episode,
            cal: calendar,
            rules: self,
            subject: Arc::new(Subject {
                episode: episode.id.clone(),
                patient: episode.patient.id.clone(),
                infos: shard.map_or_else(|| self.infos.clone(), |s| s.infos.clone()),
                // Follow-ups added by hand may have placeholders too.
                fill: (self.templated || history.is_some_and(|h| !h.follow_ups.is_empty()))
                    .then(|| fill::FillValues::of(episode, calendar)),
                event: horizon.is_none().then(|| episode.date()),
                event_time: horizon.is_none().then(|| episode.at.time()),
                recovered: horizon
                    .is_none()
                    .then(|| first_since_event(episode, crate::replan::RECOVERED))
                    .flatten(),
                resolved: horizon
                    .is_none()
                    .then(|| first_moment_since_event(episode, COMPLAINT_RESOLVED))
                    .flatten(),
            }),
            plan: recycled,
            anchors: scratch.anchors,
            ghosts: Vec::new(),
            removed_due: None,
            spans: scratch.spans,
            shifted: 0,
            first_pass: scratch.first_pass,
            unplaced: scratch.unplaced,
            ledger: history
                .map(|h| ledger::Ledger::new(h, &episode.id, event_of(episode, horizon))),
            placed: scratch.placed,
            first_anchors: scratch.first_anchors,
            trace: explain.then(Box::default),
            facts: facts::Facts::of(episode, horizon.is_none().then(|| episode.date())),
            lanes: lanes::LaneIndex::default(),
            shard,
            program_index: 0,
            decided: None,
            last_offset: None,
            milestones_found: [None; 4],
            unsure_visits: false,
            swap: None,
            defer_recorded: false,
            recorded_dropped: false,
            pushed_then_stopped: false,
            new_chain: false,
            placing: 0,
            placing_step: crate::plan::task::NO_SLOT,
            placing_after_fact: None,
            placing_key: None,
            placing_group: None,
            chains: false,
            forgotten: Vec::new(),
            superseded_until: scratch.superseded_until,
            chain_moved: false,
        };
        match horizon {
            // The name is built only on an error.
            None => {
                given
                    .checked(&self.limits)
                    .map_err(|e| e.into_episode(&what()))?;
                // An episode of a shape this thread just planned was accepted then.
                let looked = shapes::look_up(self.id, episode, &self.decider);
                out.decided = Some(match looked.kept.clone() {
                    Some(kept) => kept,
                    None => {
                        let (decided, accepted) =
                            shapes::decide(self.id, &looked, episode, &self.decider);
                        if !accepted {
                            // Why not, in words.
                            (self.vocabulary().check(episode))
                                .map_err(|e| e.into_episode(&what()))?;
                        }
                        decided
                    }
                });
            }
            Some(_) => given
                .checked_patient(&self.limits)
                .map_err(|e| e.into_episode(&what()))?,
        }
        // The programs that apply: decided for the episode's shape, or tested here.
        let decided = out.decided.clone();
        if let Some(d) = decided.as_ref().filter(|_| self.visits) {
            out.visits((d.programs.iter()).filter_map(|p| self.programs.get(p.0)));
        }
        let count = decided
            .as_ref()
            .map_or(self.programs.len(), |d| d.programs.len());
        for k in 0..count {
            let i = decided
                .as_ref()
                .map_or(Some(k), |d| d.programs.get(k).map(|p| p.0));
            let Some((i, program)) = i.and_then(|i| Some((i, self.programs.get(i)?))) else {
                continue;
            };
            if decided.is_none()
                && !(program.patient_scope == horizon.is_some() && program.applies.matches(episode))
            {
                continue;
            }
            let id = shard.and_then(|s| s.program_ids.get(i));
            out.plan.programs.push(id.unwrap_or(&program.id).clone());
            out.program_index = i;
            out.plan.tasks.reserve(program.steps.len());
            out.program_twice_if_needed(program)?;
        }
        out.follow_ups()?;
        out.end_at_facts();
        out.owners();
        let made = out.plan.tasks.len() + out.plan.dropped.len();
        if made > self.limits.max_tasks_per_plan {
            return Err(out.too_many_tasks());
        }
        out.why_rest();
        scratch::Scratch {
            anchors: std::mem::take(&mut out.anchors),
            spans: std::mem::take(&mut out.spans),
            placed: std::mem::take(&mut out.placed),
            first_pass: std::mem::take(&mut out.first_pass),
            unplaced: std::mem::take(&mut out.unplaced),
            first_anchors: std::mem::take(&mut out.first_anchors),
            superseded_until: std::mem::take(&mut out.superseded_until),
        }
        .give_back();
        let explanations = out.trace.take().map(|t| t.done).unwrap_or_default();
        let mut plan = out.plan;
        if let Some(ledger) = out.ledger {
            ledger.finish(&mut plan);
            plan.overtaken_calls(|t| {
                let program = self.programs.iter().find(|p| *p.id == *t.program())?;
                let step = program.steps.iter().find(|s| *s.info.step == *t.step())?;
                Some(step.lane_of(t.occurrence))
            });
            // What the history closed happened: no calendar moves it now, whichever way
            // its record came (audit 159: a supervisor's check closed by a refusal).
            for t in plan.tasks.iter_mut().filter(|t| t.is_closed()) {
                t.beyond_calendar = false;
            }
        }
        plan.made_by = shard.map_or(&self.stamp, |s| &s.stamp).clone();
        if plan.programs.is_empty() {
            plan.no_program = Some(self.why_no_program(episode, horizon.is_some()));
        }
        // The rank orders (program, step) as their ids would, without comparing strings;
        // follow-ups added by hand share the last rank and go by their ids.
        let key = |t: &Task| (t.due, t.window.start, t.rank(), t.occurrence, t.derived);
        // Short plans are sorted in place (the standard library sorts them by insertion,
        // few moves), and so are very long ones (no allocation for their keys); the others
        // sort their keys with the tasks' places on the stack, and the tasks move once.
        let n = plan.tasks.len();
        if n <= SORT_IN_PLACE || n > ON_STACK {
            // Most tasks differ in their day: the rest of the key only for those that do not.
            plan.tasks.sort_unstable_by(|a, b| {
                (a.due.cmp(&b.due))
                    .then_with(|| key(a).cmp(&key(b)))
                    .then_with(|| a.info().step.cmp(&b.info().step))
            });
        } else {
            sort_by_keys(&mut plan.tasks, key);
        }
        mark_closed(&mut plan.tasks, calendar);
        if !far_from_the_ends(
            episode,
            history,
            horizon,
            calendar,
            self.limits.max_offset_days,
        ) {
            writable_years(&plan, &what)?;
        }
        // Ids are built only for occurrences of the same step and number.
        plan.dropped.sort_unstable_by(|a, b| {
            (a.program(), a.step(), a.occurrence)
                .cmp(&(b.program(), b.step(), b.occurrence))
                .then_with(|| a.id().cmp(&b.id()))
        });
        Ok((plan, explanations))
    }
}

const FIRST_WRITABLE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
const LAST_WRITABLE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// True when no date of the plan can come near the ends of the years 0001-9999, so
/// [`writable_years`] need not look: no history and no horizon (their days are the
/// caller's), offsets of at most a century, the episode's dates within the years 1100
/// to 8900, and the calendar's runs of closed days too (a move crosses a run in one
/// step; past the runs, a task moves by a few weekdays). A plan's days are then within
/// a few centuries of the episode's.
fn far_from_the_ends(
    ep: &Episode,
    history: Option<&History>,
    horizon: Option<(NaiveDate, NaiveDate)>,
    calendar: &Calendar,
    max_offset_days: u32,
) -> bool {
    const SAFE: (NaiveDate, NaiveDate) = match (
        NaiveDate::from_ymd_opt(1100, 1, 1),
        NaiveDate::from_ymd_opt(8900, 12, 31),
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => (NaiveDate::MAX, NaiveDate::MIN),
    };
    let safe = |d: &NaiveDate| (SAFE.0..=SAFE.1).contains(d);
    history.is_none()
        && horizon.is_none()
        && max_offset_days <= 36_600
        && safe(&ep.date())
        && ep.milestones.values().all(|d| d.0.iter().all(safe))
        && ep.facts.iter().all(|f| safe(&f.at.date()))
        && (ep.course.as_ref()).is_none_or(|c| c.done.iter().chain(&c.planned).all(safe))
        && calendar.runs_within(SAFE.0, SAFE.1)
}

/// A plan's dates must be ones every reader takes: the years 0001 to 9999 (ISO 8601
/// without expanded years; RFC 5545 and FHIR allow no others). An event in December
/// 9999 would reach the year 10000: refused, naming the first task or dropped
/// occurrence past the end.
fn writable_years(plan: &Plan, what: &dyn Fn() -> String) -> Result<()> {
    // The common case in one pass of comparisons: `due` lies between `earliest` and
    // `latest`, so these bound every day of a task but `nominal` (the same day unless
    // the task moved) and `expires`.
    let (mut lo, mut hi) = (LAST_WRITABLE, FIRST_WRITABLE);
    for t in &plan.tasks {
        if t.earliest < lo {
            lo = t.earliest;
        }
        if t.latest > hi {
            hi = t.latest;
        }
        if let Some(e) = t.expires
            && e > hi
        {
            hi = e;
        }
        if t.nominal != t.due {
            (lo, hi) = (lo.min(t.nominal), hi.max(t.nominal));
        }
    }
    for n in plan.dropped.iter().filter_map(|d| d.nominal) {
        (lo, hi) = (lo.min(n), hi.max(n));
    }
    if lo >= FIRST_WRITABLE && hi <= LAST_WRITABLE {
        return Ok(());
    }
    let outside = |d: NaiveDate| !(FIRST_WRITABLE..=LAST_WRITABLE).contains(&d);
    let task = (plan.tasks.iter()).find_map(|t| {
        let worst = [
            t.earliest,
            t.due,
            t.latest,
            t.nominal,
            t.expires.unwrap_or(t.due),
        ]
        .into_iter()
        .find(|d| outside(*d))?;
        Some((worst, t.id()))
    });
    let dropped =
        || (plan.dropped.iter()).find_map(|d| Some((d.nominal.filter(|n| outside(*n))?, d.id())));
    match task.or_else(dropped) {
        None => Ok(()),
        Some((day, id)) => Err(episode_error(
            &what(),
            "/at".into(),
            format!(
                "the plan reaches {day} ({id}), outside the years 0001 to 9999 that plans are written in: expected an event and dates that keep its tasks inside them"
            ),
            None,
        )),
    }
}

/// Plans of at most this many tasks sort their keys on the stack.
const ON_STACK: usize = 256;

/// Sorts `tasks` (at most [`ON_STACK`]) by `key`, then step id: the keys are sorted with
/// the tasks' places, and each task moves once.
fn sort_by_keys<K: Ord + Copy + Default>(tasks: &mut [Task], key: impl Fn(&Task) -> K) {
    let mut keys = [(K::default(), 0usize); ON_STACK];
    for ((slot, t), i) in keys.iter_mut().zip(tasks.iter()).zip(0..) {
        *slot = (key(t), i);
    }
    let order = keys.get_mut(..tasks.len()).unwrap_or_default();
    order.sort_unstable_by(|(a, i), (b, j)| {
        a.cmp(b).then_with(|| {
            let step = |k: usize| tasks.get(k).map(|t| &t.info().step);
            step(*i).cmp(&step(*j))
        })
    });
    // In place: the task for place `k` was at `order[k]`, or, if that place was already
    // filled, where the swaps since moved it.
    for k in 0..order.len() {
        let mut j = order.get(k).map_or(k, |(_, i)| *i);
        while j < k {
            j = order.get(j).map_or(k, |(_, i)| *i);
        }
        tasks.swap(k, j);
    }
}
/// Marks the tasks whose channel the calendar closes on their due day
/// ([`Task::closed`]): kept there on purpose, by their step's policy or the history.
pub(super) fn mark_closed(tasks: &mut [Task], calendar: &Calendar) {
    use crate::calendar::Crew;
    // The crews the calendar never closes (every crew of the default calendar, the
    // message system of most): their tasks are left unmarked with no lookup.
    let never = [Crew::Clinic, Crew::CallDesk, Crew::Messages].map(|c| calendar.never_closes(c));
    if never.iter().all(|n| *n) {
        return;
    }
    for t in tasks {
        let crew = Crew::of(t.channel());
        let index = match crew {
            Crew::Clinic => 0,
            Crew::CallDesk => 1,
            Crew::Messages => 2,
        };
        if never[index] {
            t.closed = None;
            continue;
        }
        // A task the calendar moved went to a day its channel works.
        let moved_to_work = t.shifted.is_some_and(ShiftReason::is_closed_day);
        t.closed = if moved_to_work {
            None
        } else {
            calendar.crew_closed(crew, t.due)
        };
    }
}

/// Plans of at most this many tasks are sorted in place: the standard library sorts
/// them by insertion, few moves; longer ones would be quicksorted, moving whole tasks
/// many times, so they sort their keys instead.
const SORT_IN_PLACE: usize = 20;

fn episode_error(
    what: &str,
    pointer: String,
    message: String,
    limit: Option<&'static str>,
) -> Error {
    let mut e = Located::new(pointer, message);
    e.limit = limit;
    e.into_episode(what)
}

/// How errors name what is planned: `episode "ep-1"`, or `patient "p-42"` for
/// patient-level plans. Only built when there is an error.
/// The moment before which an outcome recorded on the plan's tasks is a data slip: the
/// episode's event; none for a patient-level plan (its stand-in episode starts at the
/// horizon, and what was recorded before the horizon is history, not a slip).
fn event_of(ep: &Episode, horizon: Option<(NaiveDate, NaiveDate)>) -> chrono::NaiveDateTime {
    match horizon {
        None => ep.at,
        Some(_) => chrono::NaiveDateTime::MIN,
    }
}

fn describe(ep: &Episode, horizon: Option<(NaiveDate, NaiveDate)>) -> String {
    match horizon {
        Some(_) => format!("patient {:?}", ep.patient.id),
        None => format!("episode {:?}", ep.id),
    }
}

struct Planner<'a> {
    /// First and last day of a patient-level plan; `None` for episodes.
    horizon: Option<(NaiveDate, NaiveDate)>,
    /// The calendar's named windows, resolved once per plan.
    windows: crate::time::NamedWindows,
    /// The patient's rest hours (given, or from the `night_shift` tag), sorted and merged.
    rest: Vec<TimeWindow>,
    /// The calendar's quiet hours, sorted and merged.
    quiet: std::borrow::Cow<'a, [TimeWindow]>,
    /// Both together, sorted and merged; empty when there are no rest hours.
    blocked: Vec<TimeWindow>,
    ep: &'a Episode,
    cal: &'a Calendar,
    rules: &'a RuleSet,
    /// The episode and patient ids every task shares.
    subject: Arc<Subject>,
    plan: Plan,
    /// Due dates of every occurrence of the current program's steps (`None`: dropped),
    /// with the day its lane knows it by ([`Placement::rule_day`]).
    anchors: Vec<Option<(NaiveDate, NaiveDate)>>,
    /// Plans with a history: the day an occurrence a fact stopped (or its agreed time
    /// took past one) would have had, by its index in `anchors`. The steps counted from
    /// it keep what the history records as done from that day (audit 55 A4).
    ghosts: Vec<(usize, NaiveDate)>,
    /// The day of the task the history's facts last dropped (see `ghosts`).
    removed_due: Option<NaiveDate>,
    /// Per step of the current program: its range in `anchors`, `None` if not applicable.
    spans: Vec<Option<(usize, usize)>>,
    /// How many of the current program's tasks were shifted so far.
    shifted: usize,
    /// The current program's tasks of the first pass, when the second runs: what shifted
    /// tasks must keep clear of and in order with.
    first_pass: Vec<Neighbour>,
    /// First pass: the tasks the calendar left no day for. Their rule days bound the
    /// second pass's shifts as the placed tasks' do (a call crowded out of the first
    /// pass may find a day in the second, and no call may pass its rule day).
    unplaced: Vec<Neighbour>,
    /// What happened so far, filed by occurrence (plans made with a history).
    ledger: Option<ledger::Ledger<'a>>,
    /// The current program's tasks as the rules and the calendar placed them, before the
    /// history moved, closed or kept any: what shifted tasks keep clear of and in order
    /// with, so that an outcome never moves another step's task.
    placed: Vec<Placement>,
    /// The first pass's anchor days, when the second runs: steps counting from another
    /// step count from these.
    first_anchors: Vec<Option<(NaiveDate, NaiveDate)>>,
    /// What explaining records (`RuleSet::explain`); `None` when planning.
    trace: Option<Box<explain::Trace>>,
    /// The episode's facts, indexed by kind.
    facts: facts::Facts<'a>,
    /// The placements of a large program, indexed by lane.
    lanes: lanes::LaneIndex,
    /// This thread's copy of the ids plans take counts on ([`RuleSet::shard`]).
    shard: Option<&'a crate::ruleset::Shard>,
    /// The position in the rule set of the program being planned.
    program_index: usize,
    /// What the rule set decided for the episode's shape (episode plans only).
    decided: Option<std::rc::Rc<shapes::Decisions>>,
    /// The last offset applied, its anchor day and month-end policy, and where it landed:
    /// steps next to each other often count the same months from the same day (a call
    /// and a message a month after the surgery).
    last_offset: Option<(
        crate::offset::Offset,
        NaiveDate,
        crate::offset::MonthEnd,
        crate::offset::Landing,
    )>,
    /// The milestones whose days the texts name, as [`Planner::visits`] found them: the
    /// walk counts the steps anchored on them from the same days, without looking again.
    milestones_found: [Option<visits::Found<'a>>; 4],
    /// A visit [`Planner::visits`] found has a default day the calendar may still move
    /// (outside its coverage): the tasks whose texts name it are `beyond_calendar`.
    unsure_visits: bool,
    /// Third pass only: the days a call and the staff-picked task after it take
    /// ([`picked::Swap`]), and whether each was taken.
    swap: Option<picked::Swap>,
    /// While true (the first passes of a plan with a history), a recorded occurrence
    /// crowded out by a later call is dropped like any other, so that the third pass may
    /// still give it the day of the staff-picked task after it (picked.rs); a pass run
    /// without it keeps the occurrence on its rule's day (unplaced.rs).
    defer_recorded: bool,
    /// The pass just run dropped a recorded occurrence under `defer_recorded`.
    recorded_dropped: bool,
    /// The first pass dropped, by a fact, a task another task's day had pushed past the
    /// day the calendar alone gives it (occurrence.rs): the second pass runs, with it as
    /// a neighbour.
    pushed_then_stopped: bool,
    /// A later pass gave a step's occurrence another day than the first: the steps
    /// counted from it counted from the first's (see [`Planner::recount_chains`]).
    chain_moved: bool,
    /// The occurrence being placed: its lane ([`Step::lane_of`]).
    placing: u32,
    /// The slot of the step being placed: the steps counted from it are no neighbours
    /// of it (they follow it wherever it goes).
    placing_step: u32,
    /// The first day the occurrence being placed may take by its wait (`wait_for`): the
    /// fact's day, or the wait's end (`waits.rs`; audit 48 A3).
    placing_after_fact: Option<NaiveDate>,
    /// The day the lanes know the occurrence being placed by, when its wait places it
    /// from another day (the fact's, the wait's end): its rules' day.
    placing_key: Option<NaiveDate>,
    /// The day the lanes know the occurrence being placed by, when it is counted from
    /// another step's occurrence onto that occurrence's day: that occurrence's
    /// ([`AnchorDay::key`]).
    placing_group: Option<NaiveDate>,
    /// The program being planned has a step counted from another.
    chains: bool,
    /// The occurrences a pass did not keep and the next pass plans without as
    /// neighbours (see [`Planner::forget_unkept_superseders`]): dropped again as they
    /// were, before they can take a day from the call they no longer hold off.
    forgotten: Vec<(u32, NaiveDate, DropReason, Option<Arc<str>>)>,
    /// The occurrences (`slot`, lane day) a pass dropped `superseded` before it knew the
    /// later tasks of their lanes, with the last day their bounds allowed (the expiry, or
    /// the day before their anchor): a later task due after that day does not supersede
    /// them (see [`Planner::name_superseders`]).
    superseded_until: Vec<(u32, NaiveDate, NaiveDate)>,
    /// A later pass planned occurrences counted from one the first pass dropped: they had
    /// no neighbours of the first pass (see [`Planner::third_pass`]).
    new_chain: bool,
}

impl Planner<'_> {
    /// Notes a task placed by the rules and the calendar: later shifted tasks keep clear
    /// of it.
    pub(super) fn place_done(&mut self, p: Placement) {
        if self.lanes.active {
            self.lanes.add(&p);
            self.placed.push(p);
        } else {
            self.placed.push(p);
            if self.placed.len() + self.first_pass.len() > lanes::INDEX_FROM {
                self.lanes.reset(&self.first_pass, &self.placed);
            }
        }
    }
}

/// A task of the current program as the rules and the calendar placed it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Placement {
    pub channel: Channel,
    /// Its role, and whether its step counts from a fact: with the channel, its lane.
    pub lane: LaneRole,
    /// The day its rule gives, counted from its anchor as the calendar moved it (a visit
    /// moved past a closure): what its lane orders it by.
    pub rule_day: NaiveDate,
    pub due: NaiveDate,
    /// The calendar moved it off its rule's day.
    pub by_calendar: bool,
    /// Its step, by slot in the rule set's table ([`task::TaskInfo::slot`]): plain data,
    /// no reference count, and small enough to be passed in registers.
    pub slot: u32,
}

/// A task of the first pass of a program, as the second pass sees it.
#[derive(Debug, Clone)]
pub(super) struct Neighbour {
    pub channel: Channel,
    pub lane: LaneRole,
    /// The day its rule gives, from its anchor as moved ([`Placement::rule_day`]).
    pub rule_day: NaiveDate,
    /// Its day, when it was not shifted: shifted tasks keep off it.
    pub fixed: Option<NaiveDate>,
    /// Its step's slot in the rule set's table (the name is looked up only for a task
    /// it supersedes).
    pub slot: u32,
}

impl Neighbour {
    /// A task a pass placed, as the next pass sees it: its day fixed unless the calendar
    /// moved it.
    fn of(t: &Placement) -> Neighbour {
        Neighbour {
            channel: t.channel,
            lane: t.lane,
            rule_day: t.rule_day,
            fixed: (!t.by_calendar).then_some(t.due),
            slot: t.slot,
        }
    }
}

/// One anchor date of a step: its day, the time of the moment it stands for (the event,
/// a fact) and, when it is a visit whose default day moved, the day it moved from.
#[derive(Debug, Clone, Copy)]
pub(super) struct AnchorDay {
    pub day: NaiveDate,
    pub at: Option<NaiveTime>,
    pub moved: Option<(NaiveDate, ShiftReason)>,
    /// A visit's default day the calendar does not cover (or moved from one): the visit,
    /// and what counts from it, may still move (`beyond_calendar`).
    pub unsure: bool,
    /// The day a dropped occurrence would have had: only the occurrences the history
    /// records as having reached the patient are planned from it (see `Planner::ghosts`).
    pub ghost: bool,
    /// When it is another step's occurrence: the day its lane knows that occurrence by
    /// ([`Placement::rule_day`]). An occurrence counted from it onto its own day (an
    /// offset of zero) is known by that day too: it shares its anchor's day by the rules,
    /// and so the day of every task that shares its anchor's (audit 174 A1: two calls of
    /// one Sunday, each with a same-day task counted from it, moved to the Friday and
    /// left their tasks on the Monday).
    pub key: Option<NaiveDate>,
}

impl AnchorDay {
    fn plain(day: NaiveDate) -> AnchorDay {
        AnchorDay {
            day,
            at: None,
            moved: None,
            unsure: false,
            ghost: false,
            key: None,
        }
    }

    /// The anchor of a fact (or another moment): its day, and its time.
    fn moment(at: chrono::NaiveDateTime) -> AnchorDay {
        AnchorDay {
            at: Some(at.time()),
            ..AnchorDay::plain(at.date())
        }
    }
}

impl Planner<'_> {
    fn what(&self) -> String {
        describe(self.ep, self.horizon)
    }

    /// The position of `program` in the rule set: the one being planned, as a rule.
    fn index_of(&self, program: &Program) -> Option<usize> {
        let current = self.rules.programs.get(self.program_index);
        if current.is_some_and(|p| std::ptr::eq(p, program)) {
            return Some(self.program_index);
        }
        (self.rules.programs.iter()).position(|p| std::ptr::eq(p, program))
    }

    /// The error of a plan past `max_tasks_per_plan` (planning stops at the limit: the
    /// count past it is not known), saying what counts besides the rules' own occurrences
    /// (audit 166: a history's further attempts pushed a plan past it, and the advice was
    /// a shorter span).
    #[cold]
    #[inline(never)]
    fn too_many_tasks(&self) -> Error {
        let history = match self.ledger {
            Some(_) => "; in a plan made with a history, the supervisors' checks and the further attempts, messages and follow-ups it adds count too",
            None => "",
        };
        let max = self.rules.limits.max_tasks_per_plan;
        episode_error(
            &self.what(),
            String::new(),
            format!(
                "the plan has more tasks and dropped occurrences than the limit max_tasks_per_plan ({max}): expected at most {max} (plan a shorter span or fewer steps, or raise the limit{history})"
            ),
            Some("max_tasks_per_plan"),
        )
    }

    /// The id of the current program's step in `slot`: this thread's copy when there is
    /// one (threads sharing a rule set do not contend for one count).
    fn step_id(&self, slot: u32) -> Option<Arc<str>> {
        let program = self.rules.programs.get(self.program_index)?;
        let step = program.steps.iter().find(|s| s.info.slot == slot)?;
        let copy = self.shard.and_then(|s| s.step_ids.get(slot as usize));
        Some(
            copy.filter(|c| ***c == *step.info.step)
                .unwrap_or(&step.info.step)
                .clone(),
        )
    }

    /// This thread's copy of the name of `program`'s milestone `m` (`name`): threads
    /// sharing a rule set do not contend for one count.
    fn milestone_name(&self, program: &Program, m: usize, name: &Arc<str>) -> Arc<str> {
        let copy = self
            .shard
            .and_then(|s| s.milestone_names.get(self.index_of(program)?)?.get(m));
        copy.filter(|c| ***c == **name).unwrap_or(name).clone()
    }

    fn missing(&mut self, program: &Program, step: &Step, anchor: Arc<str>) {
        let why = (DropReason::MissingAnchor, Some(anchor));
        self.drop_occurrence((program, step, 0), None, why);
    }

    /// A step left out because it tests an attribute its program requires and the episode
    /// does not give: listed as dropped (`missing_attribute`), naming the attribute.
    /// `lacks`: whether the episode lacks one at all, asked once per program.
    #[cold]
    #[inline(never)]
    fn missing_attribute(&mut self, program: &Program, step: &Step, lacks: &mut Option<bool>) {
        if let Some(name) = self.missing_required(program, step, lacks) {
            self.drop(
                program,
                step,
                0,
                None,
                DropReason::MissingAttribute,
                Some(name),
            );
        }
    }

    /// True when `step` of `program` is listed as dropped as a whole: missing a required
    /// attribute, or counted from such a step (no occurrence of it was planned).
    #[cold]
    pub(super) fn listed_whole(&self, program: &Program, step: &Step) -> bool {
        (self.plan.dropped.iter()).any(|d| {
            matches!(
                d.reason,
                DropReason::MissingAttribute | DropReason::AnchorDropped
            ) && d.nominal.is_none()
                && *d.program() == *program.id
                && *d.step() == *step.info.step
        })
    }

    /// The attribute the program `requires` that the episode does not give and the
    /// step's `when` or `unless` tests, if any. `lacks`: whether the episode lacks one at
    /// all, asked once per program.
    pub(super) fn missing_required(
        &self,
        program: &Program,
        step: &Step,
        lacks: &mut Option<bool>,
    ) -> Option<Arc<str>> {
        let ep = self.ep;
        let lacks = *lacks.get_or_insert_with(|| {
            (program.requires.iter()).any(|name| ep.attribute(name).is_none())
        });
        if !lacks {
            return None;
        }
        let tested = |name: &str| {
            (step.when.0.iter().chain(&step.unless.0)).any(
                |(key, _)| matches!(key, crate::compile::CondKey::Attribute(a) if **a == *name),
            )
        };
        (program.requires.iter())
            .find(|name| ep.attribute(name).is_none() && tested(name))
            .cloned()
    }

    /// The time a task due on `due` must not start before: the event's time on the
    /// event's day, the anchor's time (a fact's) on the anchor's day.
    fn not_before(&self, anchor: &AnchorDay, due: NaiveDate) -> Option<NaiveTime> {
        let event = (self.horizon.is_none() && due == self.ep.date()).then(|| self.ep.at.time());
        let own = anchor.at.filter(|_| anchor.day == due);
        match (event, own) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
        .filter(|t| *t > NaiveTime::MIN)
    }

    /// Lists the occurrence `n` of `step` as dropped. `days`: the day its rule gave from
    /// its anchor's default day (`nominal`) and from its anchor as moved (the day its lane
    /// knows it by), where there was one.
    fn drop(
        &mut self,
        program: &Program,
        step: &Step,
        n: u32,
        days: Option<(NaiveDate, NaiveDate)>,
        reason: DropReason,
        detail: Option<Arc<str>>,
    ) {
        if self.tracing() {
            let detail_text = detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let id = task_id(&program.id, &step.info.step, &self.subject.episode, n);
            self.why_done(
                || id,
                &program.id,
                &step.info.step,
                || format!("dropped: {}{detail_text}", explain::reason_name(reason)),
                true,
            );
        }
        let mut d = Dropped::of_step(
            &self.subject,
            &step.info,
            None,
            n,
            days.map(|(nominal, _)| nominal),
            (reason, detail),
        );
        d.rule_day = days.map(|(_, rule_day)| self.lane_key(rule_day));
        self.plan.dropped.push(d);
    }

    /// [`Planner::drop`]s occurrence `n` of `step` (`days` and `why` as there): the steps
    /// counted from it have no anchor.
    fn drop_occurrence(
        &mut self,
        (program, step, n): (&Program, &Step, u32),
        days: Option<(NaiveDate, NaiveDate)>,
        (reason, detail): (DropReason, Option<Arc<str>>),
    ) {
        self.drop(program, step, n, days, reason, detail);
        self.anchors.push(None);
    }

    /// Where an error about the plan's dates points: the event's time, or the root of a
    /// patient planned over a horizon, who has none (audit 63).
    pub(super) fn dates_pointer(&self) -> String {
        match self.horizon {
            Some(_) => String::new(),
            None => "/at".into(),
        }
    }

    fn out_of_range(&self, step: &Step) -> Error {
        episode_error(
            &self.what(),
            self.dates_pointer(),
            format!(
                "step {}: a date falls outside the supported range (years -262143 to 262142)",
                step.info.step
            ),
            None,
        )
    }
}

/// The day of the episode's first `recovered` fact from its event's day on: where the
/// patient's recovery from it ends ([`crate::replan::MergedPlan::recovery_wait`]).
/// The fact kind that resolves a complaint (the built-in complaint programme's).
const COMPLAINT_RESOLVED: &str = "complaint_resolved";

/// The day of the episode's first fact of `kind` from its event's day on.
fn first_since_event(episode: &Episode, kind: &str) -> Option<NaiveDate> {
    first_moment_since_event(episode, kind).map(|at| at.date())
}

/// When the first fact of `kind` dated on or after the episode's day happened.
fn first_moment_since_event(episode: &Episode, kind: &str) -> Option<chrono::NaiveDateTime> {
    if episode.facts.is_empty() {
        return None;
    }
    let event = episode.date();
    (episode.facts.iter())
        .filter(|f| f.kind == kind && f.at.date() >= event)
        .map(|f| f.at)
        .min()
}

#[cfg(test)]
#[cfg(all(feature = "builtin-rules", feature = "china-calendars"))]
mod tests {
    use crate::{calendar::Calendar, episode::Episode, rules::RuleSet};
    use std::sync::Arc;

    /// The reference counts of what a rule set shares between threads: its programs'
    /// ids, milestone names, step infos and step ids.
    fn counts(rules: &RuleSet) -> Vec<usize> {
        let mut out = Vec::new();
        for p in &rules.programs {
            out.push(Arc::strong_count(&p.id));
            out.extend(p.milestones.iter().map(|m| Arc::strong_count(&m.name)));
            for s in &p.steps {
                out.push(Arc::strong_count(&s.info));
                out.push(Arc::strong_count(&s.info.step));
            }
        }
        out
    }

    /// Threads sharing a rule set contend for no count: a kept plan (tasks, a second
    /// pass, `missing_anchor` drops naming their milestone) holds none of the rule set's.
    #[test]
    fn a_kept_plan_holds_no_count_of_the_shared_rule_set() {
        let rules = RuleSet::builtin().unwrap();
        let before = counts(&rules);
        let ep = Episode::from_json(
            "ep",
            r#"{"id": "ep-1", "event": "procedure", "at": "2026-09-28T10:00",
                "attributes": {"category": "plastic", "setting": "inpatient"},
                "patient": {"id": "p-1"}}"#,
        )
        .unwrap();
        let china = Calendar::china_years(2026..=2026).unwrap();
        let plans: Vec<_> = (0..3).map(|_| rules.plan(&ep, &china).unwrap()).collect();
        assert!(plans[0].tasks.iter().any(|t| t.shifted.is_some()));
        assert!(plans[0].dropped.iter().any(|d| d.detail.is_some()));
        assert_eq!(counts(&rules), before);
        // A ward visit after the discharge, dropped naming the milestone (`until`).
        let ep = Episode::from_json(
            "ep",
            r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {"category": "plastic", "setting": "inpatient"},
                "patient": {"id": "p-1"}, "milestones": {"discharge": "2026-03-03"}}"#,
        )
        .unwrap();
        let plans: Vec<_> = (0..3)
            .map(|_| rules.plan(&ep, &Calendar::default()).unwrap())
            .collect();
        assert!(plans[0]
            .dropped
            .iter()
            .any(|d| d.detail.as_deref() == Some("discharge")));
        assert_eq!(counts(&rules), before);
    }
}
