//! The output of planning: tasks, and what was dropped and why.

use crate::calendar::ShiftReason;
use crate::model::{Channel, Role};
use crate::text::{Lang, Text};
use crate::time::{PackedWindow, TimeWindow};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

pub use super::derived::{Derived, Record};
pub use super::dropped::Dropped;

/// A dated list of tasks for one episode, plus the occurrences that were dropped.
///
/// Tasks are sorted by (due, window start, program, step, occurrence), the occurrence's
/// own task before those derived from it (its attempts, its check); a follow-up added by
/// hand sorts among them by its id (`follow-up/…`). Dropped entries by (program, step,
/// occurrence).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The ids of the programs that applied to the episode (their `applies` matched), in
    /// the rule set's order, whether or not any of their tasks were kept.
    #[serde(default)]
    pub programs: Vec<Arc<str>>,
    /// When no program applied: why, in words — the episode's event and the attributes
    /// the programs test, and every program loaded with what it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_program: Option<String>,
    /// The tasks to do.
    #[serde(deserialize_with = "unique_tasks")]
    pub tasks: Vec<Task>,
    /// Occurrences that will not be done, each with its reason.
    #[serde(deserialize_with = "unique_dropped")]
    pub dropped: Vec<Dropped>,
    /// Outcomes of the history ([`crate::rules::RuleSet::plan_with`]) that changed nothing, each
    /// with why (no such task, dropped, recorded after the task was closed…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<super::ledger::Ignored>,
    /// Which rules and which version of this library made the plan.
    #[serde(default)]
    pub made_by: crate::stamp::Stamp,
}

/// A plan as read: [`Plan`]'s fields, checked as a whole before they become one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanRead {
    #[serde(default)]
    programs: Vec<Arc<str>>,
    #[serde(default)]
    no_program: Option<String>,
    #[serde(deserialize_with = "unique_tasks")]
    tasks: Vec<Task>,
    #[serde(deserialize_with = "unique_dropped")]
    dropped: Vec<Dropped>,
    #[serde(default)]
    ignored: Vec<super::ledger::Ignored>,
    #[serde(default)]
    made_by: crate::stamp::Stamp,
}

/// A plan read back holds each occurrence once: planned or dropped, not both (audit 81:
/// one listed both ways was read).
impl<'de> Deserialize<'de> for Plan {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Plan, D::Error> {
        let r = PlanRead::deserialize(d)?;
        let planned: std::collections::BTreeSet<String> =
            r.tasks.iter().map(|t| t.id().to_string()).collect();
        if let Some((i, id)) =
            (r.dropped.iter().map(Dropped::id).enumerate()).find(|(_, id)| planned.contains(id))
        {
            return Err(serde::de::Error::custom(format!(
                "the occurrence {id:?} is both a task and dropped (dropped/{i}): expected it once, planned or dropped"
            )));
        }
        Ok(Plan {
            programs: r.programs,
            no_program: r.no_program,
            tasks: r.tasks,
            dropped: r.dropped,
            ignored: r.ignored,
            made_by: r.made_by,
        })
    }
}

/// A plan's tasks read back: one task per id, as a plan holds them (audit 63: a plan with
/// a task twice was read, and `apply(a, diff(a, b))` then missed `b`).
fn unique_tasks<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Task>, D::Error> {
    let tasks = Vec::<Task>::deserialize(d)?;
    once_each(tasks.iter().map(|t| t.id().to_string()), "task", "tasks")?;
    Ok(tasks)
}

/// A plan's dropped occurrences read back: one per id, as a plan holds them (audit 70 B6).
fn unique_dropped<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Dropped>, D::Error> {
    let dropped = Vec::<Dropped>::deserialize(d)?;
    once_each(
        dropped.iter().map(Dropped::id),
        "dropped occurrence",
        "dropped",
    )?;
    Ok(dropped)
}

/// The error naming the first id given twice, with both places (`tasks/3 and tasks/7`).
fn once_each<E: serde::de::Error>(
    ids: impl Iterator<Item = String>,
    what: &str,
    list: &str,
) -> Result<(), E> {
    let mut ids: Vec<(String, usize)> = ids.enumerate().map(|(i, id)| (id, i)).collect();
    ids.sort_unstable();
    for w in ids.windows(2) {
        if let [(id, first), (next, second)] = w
            && id == next
        {
            return Err(E::custom(format!(
                "the {what} {id:?} is given twice ({list}/{first} and {list}/{second}): expected each {what} once"
            )));
        }
    }
    Ok(())
}

/// One contact: who contacts the patient, how, on which day and in which time window.
///
/// What the task *is* — its program and step, the episode and patient, channel, role,
/// title and script — is shared with the rule set and the plan, and read through methods
/// ([`Task::program`], [`Task::title`]…): a task copies no text and holds one reference
/// count, on what its plan shares. A step whose title or script has placeholders
/// (`{patient}`…) has them filled when [`Task::title`] or [`Task::script`] is called. The
/// days, the time window and the status are plain fields.
///
/// The [`Task::id`] is `program/step/episode/occurrence`: it depends on the rules, the
/// episode and the occurrence number, never on dates, so a host can upsert tasks after
/// re-planning. It is derived when asked for (and when the task is serialised), not
/// stored.
///
/// Serialised as one flat JSON object (the `Task` of docs/design.md):
///
/// ```json
/// {"id": "laser-aftercare/day-1-call/ep-1/0", "program": "laser-aftercare",
///  "step": "day-1-call", "occurrence": 0, "episode": "ep-1", "patient": "p-1",
///  "channel": "phone", "role": "customer_service", "earliest": "2026-03-03",
///  "due": "2026-03-03", "latest": "2026-03-04",
///  "window": {"start": "14:00", "end": "18:00"}, "nominal": "2026-03-03",
///  "shifted": null, "title": {"zh": "…", "en": "…"}, "script": {"zh": "…", "en": "…"}}
/// ```
///
/// `closed`, `beyond_calendar`, `picked_by`, `waits_for`, `status` and `script` are left out when
/// absent; `"long_message": ["en"]` lists the languages in which an SMS's script takes
/// more than one segment ([`Task::long_message_tags`]). Reading one back checks that its
/// `id` is the one its fields give; its title and script are read as they are (already
/// filled), and `long_message` is worked out again from them.
#[derive(Clone)]
pub struct Task {
    /// Who the plan is for and the rule set's step table: one reference count per task.
    pub(crate) subject: Arc<Subject>,
    /// What the task is: a step of the rule set (an index into the subject's table), or
    /// its own (a follow-up added by hand, a notice, a task read from JSON).
    pub(crate) info: InfoRef,
    /// Occurrence number within the step for this episode, from 0: one per anchor date
    /// (milestone dates, occurrences of the anchor step) and per repeat date, in order.
    /// Session steps use the session number; patient-level steps the day (`YYYYMMDD`).
    pub occurrence: u32,
    /// First day the task may be done (on time from here).
    pub earliest: NaiveDate,
    /// The day the task is planned for.
    pub due: NaiveDate,
    /// Last day the task is still on time; later is late.
    pub latest: NaiveDate,
    /// Time of day.
    pub window: TimeWindow,
    /// Its time of day on another day, when the moment it counts from (the event, a
    /// fact, the end of its wait) cut `window` on its due day: a task moved to another
    /// day (the contact policy moves some) takes this one, the moment being past there
    /// (audit 189: a request resolution moved to the next day kept "not before 15:10").
    /// `None`: `window` is its window on any day. Kept in four bytes: read it with
    /// [`Task::window_on`].
    pub(crate) full_window: PackedWindow,
    /// The day the rule gives before the clinic calendar is applied.
    pub nominal: NaiveDate,
    /// Why `due` differs from `nominal`, if it does. A task that follows a moved visit
    /// says `anchor_moved`, also when its day from the moved visit was closed too.
    pub shifted: Option<ShiftReason>,
    /// Why the calendar closes the task's channel on its due day (`holiday`,
    /// `closed_date`, `call_desk_closed`…), when it does; `None` on a day it works. Such a
    /// task was kept there on purpose — its step's `closed_day: keep` or `beyond_max_shift:
    /// keep` (a complaint's same-day call, a promise within three days), a day the patient
    /// agreed or staff picked, a call the history records — and goes to whoever is on duty
    /// (audits 12, 14, 20, 26: nothing said so).
    pub closed: Option<ShiftReason>,
    /// True when the due day, or the nominal day the calendar moved the task off, is
    /// outside the dates the calendar covers: its holidays, closures and make-up
    /// working days there are unknown, so the day may still move (or, for a
    /// task that never moves, such as a greeting, it may be dropped when the calendar
    /// closes its channel that day). Also for a task counted from a visit, or whose
    /// title or script names a visit's day (the day-6 call's "the sutures come out
    /// tomorrow"), when the visit has no day given and its default day, or the day it
    /// moved to, is outside the coverage: the visit may still move, and the task or
    /// its words with it. False once the history closes the task: it happened.
    pub beyond_calendar: bool,
    /// The last day the task is worth doing, `None` if it never expires: a reminder
    /// expires before its visit, a greeting after its day, a call some days after its
    /// window (the step's `expires`). Nothing moves a task past it.
    pub expires: Option<NaiveDate>,
    /// Where the task stands on the as-of day of [`crate::rules::RuleSet::plan_as_of`]; `None`
    /// in plans made without one.
    pub status: Option<Status>,
    /// True while the step's `wait_for` fact has not happened (see [`Task::waits_for`]).
    pub(crate) waiting: bool,
    /// Set for a task made from another occurrence (an escalation, a further attempt):
    /// its id is that occurrence's id plus `/` and [`Derived::name`].
    pub derived: Option<Derived>,
    /// What the history passed to [`crate::rules::RuleSet::plan_with`] says happened to it.
    /// Boxed: most tasks have none, and a task small enough (≤ 128 bytes) is copied
    /// inline rather than by a call to `memcpy` each time it is pushed or sorted.
    pub record: Option<Box<Record>>,
    /// The person who owns the task's role (the episode's `owners` and `reassignments`):
    /// for an open task, whoever owns the role now; for a closed one, whoever owned it
    /// when it was closed.
    pub owner: Option<Arc<str>>,
    /// The title and script already filled (clinic notices, tasks read from JSON);
    /// `None`: the step's, shared, or filled from the subject when asked for.
    pub(crate) filled: Option<Arc<super::fill::Filled>>,
}

/// Slot of a [`TaskInfo`] that is not in a rule set's table.
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// Where a task's [`TaskInfo`] is.
#[derive(Debug, Clone)]
pub(crate) enum InfoRef {
    /// In the rule set's table ([`Subject::infos`]), at this slot; with its rank
    /// ([`TaskInfo::rank`]), which sorting reads without going to the table.
    Rules(u32, u32),
    /// Its own.
    Own(Arc<TaskInfo>),
}

impl InfoRef {
    /// The reference to `info`: its slot when it is in the rule set's table `infos`.
    pub(crate) fn to(info: &Arc<TaskInfo>, infos: &[Arc<TaskInfo>]) -> InfoRef {
        match infos.get(info.slot as usize) {
            Some(i) if Arc::ptr_eq(i, info) => InfoRef::Rules(info.slot, info.rank),
            _ => InfoRef::Own(info.clone()),
        }
    }
}

/// What every occurrence of one step shares: built once when the rules are compiled.
#[derive(Debug, Clone)]
pub(crate) struct TaskInfo {
    pub program: Arc<str>,
    pub step: Arc<str>,
    pub channel: Channel,
    pub role: Role,
    pub picked_by: Option<Role>,
    pub wait_for: Option<Arc<str>>,
    /// The class its rule gives (`class`), if any.
    pub class: Option<crate::replan::PriorityClass>,
    /// Its step keeps its closed days (`closed_day: keep`): staff on duty do it on a day
    /// the calendar closes ([`Task::on_duty`]).
    pub on_duty: bool,
    pub title: Text,
    pub script: Option<Text>,
    /// The templates of the title and script when they have placeholders: each task
    /// holds its own filled copy ([`Task::title`]).
    pub templates: Option<Arc<crate::template::StepTemplates>>,
    /// Position of (program id, step id) in the rule set's sorted list of steps: sorting
    /// tasks by it is sorting them by program and step, without comparing strings. Zero
    /// for tasks read from JSON.
    pub rank: u32,
    /// Position in the rule set's table of step infos ([`NO_SLOT`] when not in one):
    /// tasks hold this index, not a reference count.
    pub slot: u32,
    /// The JSON of what the step's tasks share (ids, channel and role, texts without
    /// placeholders), escaped once when first written ([`super::Plan::to_json`]).
    pub json: std::sync::OnceLock<super::write::StaticJson>,
}

/// Equal when everything the task shows is equal: the shared parts are compared by
/// value (a task read from JSON equals the planned one), `waits_for` as shown.
impl PartialEq for Task {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.info(), other.info());
        let same_info = std::ptr::eq(a, b)
            || (
                &a.program,
                &a.step,
                a.channel,
                a.role,
                a.picked_by,
                a.on_duty,
            ) == (
                &b.program,
                &b.step,
                b.channel,
                b.role,
                b.picked_by,
                b.on_duty,
            );
        same_info
            && self.title() == other.title()
            && self.script() == other.script()
            && self.waits_for() == other.waits_for()
            && (Arc::ptr_eq(&self.subject, &other.subject) || self.subject == other.subject)
            && (
                self.occurrence,
                self.earliest,
                self.due,
                self.latest,
                self.window,
                self.nominal,
                self.shifted,
                self.closed,
                self.beyond_calendar,
                self.expires,
                self.status,
            ) == (
                other.occurrence,
                other.earliest,
                other.due,
                other.latest,
                other.window,
                other.nominal,
                other.shifted,
                other.closed,
                other.beyond_calendar,
                other.expires,
                other.status,
            )
            && (self.derived, &self.record, &self.owner)
                == (other.derived, &other.record, &other.owner)
    }
}

impl Eq for Task {}

/// Who a plan is for, and what its tasks share: built once per plan.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    pub episode: Arc<str>,
    pub patient: Arc<str>,
    /// The rule set's step infos by slot: one reference count per plan.
    pub infos: Arc<[Arc<TaskInfo>]>,
    /// What placeholders are filled with, when a task's texts are asked for (in the
    /// subject itself: one allocation fewer per plan).
    pub fill: Option<super::fill::FillValues>,
    /// The day of the episode's event (`None` for a patient's plan over a horizon, and
    /// for tasks read from JSON): where a patient's recovery from it starts
    /// ([`crate::replan::MergedPlan::recovery_wait`]).
    pub event: Option<NaiveDate>,
    /// The time of day of the episode's event (with `event`): where a complaint's open
    /// time starts ([`crate::replan::merge_plans`]).
    pub event_time: Option<chrono::NaiveTime>,
    /// The day of the episode's first `recovered` fact from its event on (episode plans
    /// only): where the patient's recovery from the event ends, whichever task waited.
    pub recovered: Option<NaiveDate>,
    /// The moment of the episode's first `complaint_resolved` fact from its event on
    /// (episode plans only): where a complaint's open time ends
    /// ([`crate::replan::merge_plans`]: no selling while it is open).
    pub resolved: Option<chrono::NaiveDateTime>,
}

impl Subject {
    /// A subject with no rule set's table and no values to fill: tasks read from JSON,
    /// notices.
    pub(crate) fn bare(episode: Arc<str>, patient: Arc<str>) -> Subject {
        Subject {
            episode,
            patient,
            infos: Arc::new([]),
            fill: None,
            event: None,
            event_time: None,
            recovered: None,
            resolved: None,
        }
    }
}

/// Equal when they name the same episode and patient.
impl PartialEq for Subject {
    fn eq(&self, other: &Self) -> bool {
        (&self.episode, &self.patient) == (&other.episode, &other.patient)
    }
}

impl Eq for Subject {}

/// Filled in place of a step info that cannot be found (never, by construction).
static MISSING: std::sync::LazyLock<TaskInfo> = std::sync::LazyLock::new(|| TaskInfo {
    program: "".into(),
    step: "".into(),
    channel: Channel::Internal,
    role: Role::Supervisor,
    picked_by: None,
    wait_for: None,
    class: None,
    on_duty: false,
    title: Text::new("", ""),
    script: None,
    templates: None,
    rank: u32::MAX,
    slot: NO_SLOT,
    json: Default::default(),
});

impl Task {
    /// Stable id: `program/step/episode/occurrence`, such as
    /// `plastic-aftercare/day-1-call/ep-1001/0`, and for a derived task `/` and what it is
    /// (`…/0/escalation`). Built on each call.
    pub fn id(&self) -> String {
        let info = self.info();
        let mut id = task_id(
            &info.program,
            &info.step,
            &self.subject.episode,
            self.occurrence,
        );
        if let Some(d) = self.derived {
            id.push('/');
            id.push_str(&d.name());
        }
        id
    }

    /// True when the history closed the task: done, declined, an abnormal recovery
    /// reported, or an unanswered call that a later attempt took over.
    pub fn is_closed(&self) -> bool {
        self.record.as_ref().is_some_and(|r| r.closed)
    }

    /// Its time of day on `day`: `window` on its due day; on another day (a host, or the
    /// contact policy, moving the task), its whole window, when the moment it counts
    /// from (the event, a fact) cut `window` on its due day. That is its due day's
    /// window: a day of another kind may have another by the step's `time_overrides` (a
    /// weekday call moved onto a Saturday keeps its weekday time; audit 191).
    ///
    /// ```
    /// use followup::{calendar::Calendar, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// // A complaint logged at 15:10: its call the same day is not before 15:10.
    /// let ep = rules.read_episode("ep", r#"{"id": "c-1", "event": "complaint",
    ///     "at": "2026-06-09T15:10:00", "patient": {"id": "p-1"}}"#)?;
    /// let plan = rules.plan(&ep, &Calendar::default())?;
    /// let call = &plan.tasks[0];
    /// assert_eq!(call.window.to_string(), "15:10-18:00");
    /// assert_eq!(call.window_on(call.due), call.window);
    /// let next_day = call.due.succ_opt().unwrap();
    /// assert_eq!(call.window_on(next_day).to_string(), "09:00-18:00");
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn window_on(&self, day: NaiveDate) -> TimeWindow {
        match self.full_window.get() {
            Some(w) if day != self.due => w,
            _ => self.window,
        }
    }

    /// The day of its episode's event, when the plan knows it (a plan of an episode;
    /// `None` for a patient's plan over a horizon, and for tasks read from JSON).
    pub fn event_day(&self) -> Option<NaiveDate> {
        self.subject.event
    }

    /// The day of its episode's first `recovered` fact from the event on, when the plan
    /// knows it (a plan of an episode; `None` for tasks read from JSON): the patient's
    /// recovery from the event ends then.
    pub fn recovered_day(&self) -> Option<NaiveDate> {
        self.subject.recovered
    }

    /// True when the history says the task was done (done, declined or an abnormal
    /// recovery reported: the patient was reached).
    pub fn is_done(&self) -> bool {
        self.record
            .as_ref()
            .is_some_and(|r| r.closed && r.outcome.is_done())
    }

    /// The parts of the id, for maps keyed by task without building the id.
    pub(crate) fn key(&self) -> (&str, &str, &str, u32, Option<Derived>) {
        let info = self.info();
        (
            &info.program,
            &info.step,
            &self.subject.episode,
            self.occurrence,
            self.derived,
        )
    }

    /// What the task shares with the other occurrences of its step.
    /// The rank of the task's step ([`TaskInfo::rank`]).
    pub(crate) fn rank(&self) -> u32 {
        match &self.info {
            InfoRef::Rules(_, rank) => *rank,
            InfoRef::Own(info) => info.rank,
        }
    }

    pub(crate) fn info(&self) -> &TaskInfo {
        match &self.info {
            InfoRef::Rules(slot, _) => self
                .subject
                .infos
                .get(*slot as usize)
                .map_or(&*MISSING, |i| &**i),
            InfoRef::Own(info) => info,
        }
    }

    /// Program id.
    pub fn program(&self) -> &str {
        &self.info().program
    }

    /// Step id.
    pub fn step(&self) -> &str {
        &self.info().step
    }

    /// Episode id (`patient:<patient id>` for patient-level programs).
    pub fn episode(&self) -> &str {
        &self.subject.episode
    }

    /// Patient id.
    pub fn patient(&self) -> &str {
        &self.subject.patient
    }

    /// How.
    pub fn channel(&self) -> Channel {
        self.info().channel
    }

    /// Who.
    pub fn role(&self) -> Role {
        self.info().role
    }

    /// True when its step keeps its closed days (`closed_day: keep`: a complaint's
    /// calls, and the tasks their outcomes make): staff on duty do it on a day the
    /// calendar closes, overdue too ([`crate::replan::on_duty`]). In JSON, `"on_duty":
    /// true`, left out when false.
    pub fn on_duty(&self) -> bool {
        self.info().on_duty
    }

    /// Set when staff pick the day: this role chooses a day between `earliest` and
    /// `latest` (`due` is the first possible day).
    pub fn picked_by(&self) -> Option<Role> {
        self.info().picked_by
    }

    /// Set when the task waits for a fact that has not happened yet (a sales-flavoured
    /// call waits for `recovered`): do not do it before the fact is recorded; re-plan then.
    pub fn waits_for(&self) -> Option<&str> {
        self.info().wait_for.as_deref().filter(|_| self.waiting)
    }

    /// Title: shared with the rule set, or filled for this task when the step's title
    /// has placeholders (`{patient}`, `{session}`…). Filled when asked for, not when the
    /// plan is made: a host that does not show texts pays nothing for them.
    pub fn title(&self) -> Cow<'_, Text> {
        if let Some(f) = &self.filled {
            return Cow::Borrowed(&f.title);
        }
        let info = self.info();
        match info.templates.as_deref() {
            Some(t) if t.title.is_some() => Cow::Owned(self.context(t).title(t, info)),
            _ => Cow::Borrowed(&info.title),
        }
    }

    /// The values this task's placeholders take.
    pub(crate) fn context(
        &self,
        templates: &crate::template::StepTemplates,
    ) -> super::fill::FillContext<'_> {
        match self.subject.fill.as_ref() {
            Some(values) => values.context(
                self.owner.as_deref(),
                Some(templates),
                self.occurrence,
                (self.info().rank, self.due),
            ),
            None => super::fill::FillContext::default(),
        }
    }

    /// Script: what to say or write. Shared with the rule set, or filled for this task
    /// when the step's texts have placeholders.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::{RuleSet, Text}};
    /// let rules = RuleSet::builder().source("dental.json", r#"{
    ///     "format": "followup/v1", "id": "dental",
    ///     "name": {"zh": "口腔回访", "en": "Dental follow-up"},
    ///     "steps": [{"id": "day-1-sms", "offset": "P1D", "channel": "sms",
    ///         "title": {"zh": "术后短信", "en": "Day-1 message"},
    ///         "script": {"zh": "{patient}您好，{clinic}提醒您：今天请轻柔刷牙。",
    ///                    "en": "Dear {patient}, a reminder from {clinic}: brush gently today."}}]
    /// }"#).build()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "e1", "event": "procedure",
    ///     "at": "2026-03-02", "patient": {"id": "p1", "name": "王女士"}}"#)?;
    /// let plain = rules.plan(&ep, &Calendar::default())?;
    /// let script = plain.tasks[0].script().unwrap();
    /// assert_eq!(script.zh(), "王女士您好，本院提醒您：今天请轻柔刷牙。");
    /// assert_eq!(script.en(), "Dear 王女士, a reminder from our clinic: brush gently today.");
    ///
    /// let named = Calendar::default().with_clinic(Text::new("维多利亚医美", "Victoria Clinic"))?;
    /// let plan = rules.plan(&ep, &named)?;
    /// assert_eq!(plan.tasks[0].script().unwrap().en(),
    ///     "Dear 王女士, a reminder from Victoria Clinic: brush gently today.");
    /// assert_eq!(plan.tasks[0].sms_segments("zh"), Some(1));
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn script(&self) -> Option<Cow<'_, Text>> {
        if let Some(f) = &self.filled {
            return f.script.as_ref().map(Cow::Borrowed);
        }
        let info = self.info();
        match info.templates.as_deref() {
            Some(t) if t.script.is_some() => self.context(t).script(t, info).map(Cow::Owned),
            _ => info.script.as_ref().map(Cow::Borrowed),
        }
    }

    /// The script as said on `day` rather than on the task's `due` day: a day a text
    /// names in words (`{when:NAME}`: 明天, 昨天… / tomorrow, yesterday…) is counted from
    /// `day`. For a contact that a frequency cap moved ([`crate::replan::ContactReason`]),
    /// whose task keeps the day the rules gave: `reason.task.script_on(contact.date)`
    /// (audit 71: a confirmation moved a day later still said 昨天).
    pub fn script_on(&self, day: NaiveDate) -> Option<Cow<'_, Text>> {
        if let Some(f) = &self.filled {
            return f.script.as_ref().map(Cow::Borrowed);
        }
        let info = self.info();
        match info.templates.as_deref() {
            Some(t) if t.script.is_some() => {
                let mut context = self.context(t);
                context.due = day;
                context.script(t, info).map(Cow::Owned)
            }
            _ => info.script.as_ref().map(Cow::Borrowed),
        }
    }

    /// For an SMS with a script: how many segments the script takes in the language
    /// `tag` (with the fallback of [`Text::get_tag`]), counted by
    /// [`crate::plan::sms_segments`]. `None` for other channels and SMS without a script.
    pub fn sms_segments(&self, tag: &str) -> Option<usize> {
        self.sms_script()
            .map(|s| crate::sms::sms_segments(s.get_tag(tag)))
    }

    /// True for an SMS whose script takes more than one segment in one of its languages:
    /// it costs more and some phones show it split.
    pub fn long_message(&self) -> bool {
        !self.long_message_tags().is_empty()
    }

    /// The languages in which an SMS's script takes more than one segment, in the order
    /// of [`Text::tags`]; none for other channels. Written `"long_message": ["en"]` (left
    /// out when empty): an English message to a patient with a Chinese name is sent in
    /// UCS-2, 70 characters a segment.
    pub fn long_message_tags(&self) -> Vec<String> {
        let tags = |s: &Text| long_tags(s).into_iter().map(String::from).collect();
        self.sms_script().map(|s| tags(&s)).unwrap_or_default()
    }

    fn sms_script(&self) -> Option<Cow<'_, Text>> {
        self.script()
            .filter(|_| self.info().channel == Channel::Sms)
    }
}

/// The languages of `script` in which it takes more than one SMS segment.
pub(crate) fn long_tags(script: &Text) -> Vec<&str> {
    (script.iter())
        .filter(|(_, text)| crate::sms::SmsSize::of(text).long())
        .map(|(tag, _)| tag)
        .collect()
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("program", &self.program())
            .field("step", &self.step())
            .field("occurrence", &self.occurrence)
            .field("episode", &self.episode())
            .field("patient", &self.patient())
            .field("channel", &self.channel())
            .field("role", &self.role())
            .field("earliest", &self.earliest)
            .field("due", &self.due)
            .field("latest", &self.latest)
            .field("window", &self.window)
            .field("nominal", &self.nominal)
            .field("shifted", &self.shifted)
            .field("closed", &self.closed)
            .field("beyond_calendar", &self.beyond_calendar)
            .field("expires", &self.expires)
            .field("picked_by", &self.picked_by())
            .field("waits_for", &self.waits_for())
            .field("status", &self.status)
            .field("derived", &self.derived)
            .field("record", &self.record)
            .field("owner", &self.owner)
            .field("title", &self.title())
            .field("script", &self.script())
            .field("long_message", &self.long_message())
            .finish()
    }
}

/// `n` in decimal, written into `digits` without `fmt` (task ids and the plan's JSON).
pub(crate) fn decimal(n: u32, digits: &mut [u8; 10]) -> &str {
    // Most numbers (occurrences, sessions) are below 100: from a table.
    match n {
        0..=9 => return "0123456789".get(n as usize..n as usize + 1).unwrap_or("0"),
        10..=99 => return crate::json::out::two_digits(n),
        _ => {}
    }
    let mut k = digits.len();
    let mut v = n;
    loop {
        k -= 1;
        if let Some(d) = digits.get_mut(k) {
            *d = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || k == 0 {
            break;
        }
    }
    std::str::from_utf8(digits.get(k..).unwrap_or_default()).unwrap_or("0")
}

/// `program/step/episode/occurrence`, built by hand with its exact length.
pub(crate) fn task_id(program: &str, step: &str, episode: &str, n: u32) -> String {
    let mut digits = [0u8; 10];
    let number = decimal(n, &mut digits);
    let mut id =
        String::with_capacity(program.len() + step.len() + episode.len() + number.len() + 3);
    for part in [program, "/", step, "/", episode, "/", number] {
        id.push_str(part);
    }
    id
}

/// Where a task stands on an as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Its window starts after the as-of day.
    Upcoming,
    /// The as-of day is inside its window (`earliest..=latest`): do it now. It keeps its
    /// own due day, so a late plan never turns into a burst of tasks all due today.
    Open,
    /// Its window ended before the as-of day, but it is still worth doing (a late care
    /// call): it is overdue (in a plan made without a history, the plan cannot know that
    /// it was done). It is never moved to the as-of day.
    Missed,
    /// Its `expires` day is before the as-of day: it is no longer worth doing (a reminder
    /// after its visit, a greeting after its day).
    Expired,
    /// The history closed it ([`Task::is_closed`]: done, declined, an abnormal recovery
    /// reported, or an unanswered call a further attempt took over): nothing is left to
    /// do, whatever the day.
    Closed,
    /// Its window has started (or ended), but it waits for a fact that has not happened
    /// ([`Task::waits_for`]: a sales-flavoured call waits for `recovered`): not to be
    /// done yet, and not overdue; re-plan when the fact is recorded. Worklists leave it
    /// out and [`crate::replan::compliance`] counts it pending. Before its window, it is
    /// upcoming; after its wait (its `expires`), expired.
    Waiting,
}

impl Status {
    /// The status of `task` on `as_of`: [`Status::Closed`] for a task the history
    /// closed, [`Status::Expired`] past its `expires` (a task that waits for a fact too:
    /// it expires when its wait ends), [`Status::Waiting`] for one whose window has
    /// started and that waits for a fact, else by its days.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, history::History, rules::RuleSet, plan::Status};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "e1", "event": "procedure", "at": "2026-03-02",
    ///     "attributes": {"category": "laser"}, "patient": {"id": "p1"}}"#)?;
    /// let history = History::from_json("h", r#"{"outcomes": [{"task": "laser-aftercare/day-1-call/e1/0",
    ///     "outcome": "done", "at": "2026-03-03T15:00:00", "by": "u-3"}]}"#)?;
    /// let plan = rules.plan_with(&ep, &history, &Calendar::default())?;
    /// let day_1 = plan.tasks.iter().find(|t| t.step() == "day-1-call").unwrap();
    /// assert_eq!(Status::of(day_1, "2026-03-06".parse().unwrap()), Status::Closed);
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn of(task: &Task, as_of: NaiveDate) -> Status {
        if task.is_closed() {
            Status::Closed
        } else if task.expires.is_some_and(|e| e < as_of) {
            // A wait that ended with no fact: the task expired with it (audit 43).
            Status::Expired
        } else if task.waits_for().is_some() {
            if task.earliest <= as_of {
                Status::Waiting
            } else {
                Status::Upcoming
            }
        } else if task.expires.is_some_and(|e| e < as_of) {
            Status::Expired
        } else if task.latest < as_of {
            Status::Missed
        } else if task.earliest <= as_of {
            Status::Open
        } else {
            Status::Upcoming
        }
    }
}

/// Why an occurrence was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DropReason {
    /// The step counts from something the episode does not give: a milestone with no
    /// default (a discharge date, a review visit), the course end… `detail` names it.
    MissingAnchor,
    /// The step tests an attribute its program `requires` and the episode does not give
    /// it (a plastic surgery without `setting`: neither the outpatient nor the inpatient
    /// steps can be chosen); `detail` names the attribute.
    MissingAttribute,
    /// The step counts from another step's occurrence, and that one was dropped.
    AnchorDropped,
    /// The month-end policy is `skip` and the day does not exist in the target month.
    MonthEndSkipped,
    /// The step's repeat rule gives fewer dates than its `COUNT` from this start (or none
    /// at all): `BYMONTHDAY=31` in months without a 31st, say. One entry per date missing.
    NoRepeatDate,
    /// No open day could be found near the nominal day.
    NoOpenDay,
    /// A fact listed in the step's `stop_when` happened before the task was due;
    /// `detail` is the fact kind. Or the task's day comes after the milestone its step
    /// stops at (`until`: a ward visit after the discharge); `detail` is the milestone.
    Stopped,
    /// The patient opted out of the task's channel before it was due; `detail` is the
    /// channel.
    OptedOut,
    /// The patient clearly declined before the task was due, and the program stops this
    /// channel on a refusal.
    Declined,
    /// The patient declined and the task falls after the program's horizon for messages;
    /// `detail`: the horizon's last day (`YYYY-MM-DD`), the last messages went on.
    PastHorizon,
    /// The patient is outside the step's sample.
    NotSampled,
    /// No day within the step's `max_shift` works and its `beyond_max_shift` is `drop`;
    /// `detail` is why the nominal day does not work (`holiday`, `call_desk_closed`…).
    BeyondMaxShift,
    /// The task was due on its event's day, the event left nothing of its time window and
    /// the step's `after_event` is `drop`.
    AfterEvent,
    /// Every day its channel works falls after the day the task expires (a reminder
    /// whose visit comes first); `detail` is why its own day does not work.
    Expired,
    /// The patient's rest hours cover every time the clinic works.
    RestHours,
    /// A shifted task would have shared its day with another task of the same program,
    /// episode and channel; `detail` names that task's step when one is the cause.
    Superseded,
    /// A call went unanswered as many times as its step's `no_answer` allows and its
    /// `then` is `drop`; `detail` is the number of calls made.
    Unanswered,
    /// [`crate::replan::merge_plans`] found no day within the task's window under the frequency caps,
    /// and the policy drops such tasks of its class (greetings, sales) rather than break a
    /// cap; `detail` is the channel.
    FrequencyCap,
    /// [`crate::replan::merge_plans`] found the patient unhappy on the task's day — a
    /// complaint of theirs open, from its event until it is resolved — and the task is a
    /// sales task (docs/domain.md §8: no selling while the customer is unhappy); `detail`
    /// is the complaint's episode.
    ComplaintOpen,
}

/// `(DropReason, JSON name, 中文, English)`: one row per reason.
const DROP_REASONS: [(DropReason, &str, &str, &str); 19] = [
    (
        DropReason::MissingAnchor,
        "missing_anchor",
        "未提供所依据的日期",
        "date not given",
    ),
    (
        DropReason::MissingAttribute,
        "missing_attribute",
        "未提供所需信息",
        "information not given",
    ),
    (
        DropReason::AnchorDropped,
        "anchor_dropped",
        "所依据的任务已取消",
        "the task it counts from was dropped",
    ),
    (
        DropReason::MonthEndSkipped,
        "month_end_skipped",
        "当月无此日",
        "no such day in the month",
    ),
    (
        DropReason::NoRepeatDate,
        "no_repeat_date",
        "重复规则无此日期",
        "the repeat rule gives no such date",
    ),
    (
        DropReason::NoOpenDay,
        "no_open_day",
        "附近无营业日",
        "no open day nearby",
    ),
    (DropReason::Stopped, "stopped", "已终止", "stopped"),
    (
        DropReason::OptedOut,
        "opted_out",
        "顾客拒绝此方式联系",
        "opted out of the channel",
    ),
    (DropReason::Declined, "declined", "顾客明确拒绝", "declined"),
    (
        DropReason::PastHorizon,
        "past_horizon",
        "超出拒绝后的短信期限",
        "past the horizon after a refusal",
    ),
    (
        DropReason::NotSampled,
        "not_sampled",
        "未被抽中",
        "not in the sample",
    ),
    (
        DropReason::BeyondMaxShift,
        "beyond_max_shift",
        "顺延超出上限",
        "no day it may take within its max shift",
    ),
    (
        DropReason::AfterEvent,
        "after_event",
        "事件后当天已无时间",
        "no time left after the event",
    ),
    (
        DropReason::Expired,
        "expired",
        "失效前无可用日",
        "no day left before it expires",
    ),
    (
        DropReason::RestHours,
        "rest_hours",
        "顾客休息时间",
        "the patient's rest hours",
    ),
    (
        DropReason::Superseded,
        "superseded",
        "由后续回访取代",
        "superseded",
    ),
    (
        DropReason::Unanswered,
        "unanswered",
        "多次未接通",
        "unanswered too many times",
    ),
    (
        DropReason::FrequencyCap,
        "frequency_cap",
        "超出联系频次上限",
        "frequency cap",
    ),
    (
        DropReason::ComplaintOpen,
        "complaint_open",
        "顾客投诉未解决，不做销售",
        "a complaint of the patient is open: no selling",
    ),
];

impl DropReason {
    /// Every reason, in documentation order.
    pub const ALL: [DropReason; 19] = [
        DropReason::MissingAnchor,
        DropReason::MissingAttribute,
        DropReason::AnchorDropped,
        DropReason::MonthEndSkipped,
        DropReason::NoRepeatDate,
        DropReason::NoOpenDay,
        DropReason::Stopped,
        DropReason::OptedOut,
        DropReason::Declined,
        DropReason::PastHorizon,
        DropReason::NotSampled,
        DropReason::BeyondMaxShift,
        DropReason::AfterEvent,
        DropReason::Expired,
        DropReason::RestHours,
        DropReason::Superseded,
        DropReason::Unanswered,
        DropReason::FrequencyCap,
        DropReason::ComplaintOpen,
    ];

    fn row(self) -> (&'static str, &'static str, &'static str) {
        DROP_REASONS
            .iter()
            .find(|r| r.0 == self)
            .map_or(("dropped", "已取消", "dropped"), |r| (r.1, r.2, r.3))
    }

    /// The name as written in JSON (`missing_anchor`, `frequency_cap`…).
    ///
    /// ```
    /// use followup::plan::DropReason;
    /// assert_eq!(DropReason::NotSampled.name(), "not_sampled");
    /// ```
    pub fn name(self) -> &'static str {
        self.row().0
    }

    /// A short label in `lang`, for staff. The [`Dropped::detail`] (a fact kind, a
    /// channel…) is not in it: see [`crate::labels`].
    ///
    /// ```
    /// use followup::{plan::DropReason, rules::Lang};
    /// assert_eq!(DropReason::NotSampled.label(Lang::Zh), "未被抽中");
    /// assert_eq!(DropReason::MissingAnchor.label(Lang::En), "date not given");
    /// ```
    pub fn label(self, lang: Lang) -> &'static str {
        let (_, zh, en) = self.row();
        lang.pick((zh, en))
    }
}

impl Status {
    /// A short label in `lang`, for staff (`今日可做` / `open now`).
    ///
    /// ```
    /// use followup::{rules::Lang, plan::Status};
    /// assert_eq!(Status::Missed.label(Lang::Zh), "未做");
    /// assert_eq!(Status::Open.label(Lang::En), "open now");
    /// ```
    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(match self {
            Status::Upcoming => ("待办", "upcoming"),
            Status::Open => ("今日可做", "open now"),
            Status::Missed => ("未做", "missed"),
            Status::Expired => ("已失效", "expired"),
            Status::Closed => ("已关闭", "closed"),
            Status::Waiting => ("待条件", "waiting"),
        })
    }
}

// A task of at most 128 bytes is moved with inline vector stores, not a call to
// `memcpy`, each time it is pushed or sorted: 8 % of planning when it was 136.
const _: () = assert!(std::mem::size_of::<Task>() <= 128);
