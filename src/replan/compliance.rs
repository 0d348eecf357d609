//! Supervision: were the tasks done on the day the rules set? By role and by person
//! (docs/domain.md §8: supervisors check daily and judge staff monthly).

use super::{task_order, unique};
use crate::history::OutcomeKind;
use crate::model::Role;
use crate::plan::task::Task;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A record that a task was done: who, when and what came of it (seed 003: "each callback
/// is recorded with who, when and what").
///
/// JSON: `{"task_id": "…", "done_at": "2026-03-03T10:15:00", "by": "xiaoli", "outcome":
/// "reached"}`; `done_at` is clinic wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// The id of the task done.
    pub task_id: String,
    /// When it was done.
    pub done_at: NaiveDateTime,
    /// Who did it (a staff id or name).
    pub by: String,
    /// What came of it, in the host's words (`reached`, `no_answer`, `booked`…); not
    /// interpreted here.
    pub outcome: String,
}

/// The tasks to judge and the day to judge them on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompliancePeriod {
    /// First day: tasks due on or after it are judged.
    pub from: NaiveDate,
    /// Last day: tasks due on or before it are judged.
    pub to: NaiveDate,
    /// The day of the report: a task not done whose `latest` is before this day is
    /// missed; one whose `latest` is this day or later is still pending.
    pub as_of: NaiveDate,
}

/// How one task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceStatus {
    /// Done on a day from `earliest` to `latest`.
    OnTime,
    /// Done before `earliest`: not on the day the rules set.
    Early,
    /// Done after `latest`.
    Late,
    /// Not done, `latest` is before the report's `as_of` day, and the task is still worth
    /// doing (a late care call).
    Missed,
    /// Not done, and the task expired before the report's `as_of` day (a reminder after
    /// its visit, a greeting after its day): not done, and no longer doable.
    Expired,
    /// Not done, and still on time on `as_of` — or waiting for a fact (`waits_for`), so
    /// that it cannot be done yet, while the wait lasts (after it, `Expired`).
    Pending,
}

/// One judged task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckedTask {
    /// The task.
    pub task: Task,
    /// How it stands.
    pub status: ComplianceStatus,
    /// The completion that counts: the earliest one for the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<Completion>,
}

/// Counts of tasks by status, with their rates.
///
/// Rates are **per mille**: integers from 0 to 1000, rounded half up (`953` is 95.3 %),
/// over the judged tasks (every status but pending). Integers keep reports exact,
/// comparable and identical on every machine; `None` when no task is judged yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceCounts {
    /// Done on time.
    pub on_time: u32,
    /// Done early.
    pub early: u32,
    /// Done late.
    pub late: u32,
    /// Not done, late now, still worth doing.
    pub missed: u32,
    /// Not done, and expired.
    #[serde(default)]
    pub expired: u32,
    /// Not done, still on time.
    pub pending: u32,
}

impl ComplianceCounts {
    /// Every task counted.
    pub fn total(&self) -> u32 {
        self.judged().saturating_add(self.pending)
    }

    /// Tasks done: on time, early or late.
    pub fn done(&self) -> u32 {
        self.on_time
            .saturating_add(self.early)
            .saturating_add(self.late)
    }

    /// Tasks not done past their window: missed or expired.
    pub fn not_done(&self) -> u32 {
        self.missed.saturating_add(self.expired)
    }

    /// Tasks judged: done, missed or expired (not pending).
    pub fn judged(&self) -> u32 {
        self.done().saturating_add(self.not_done())
    }

    /// On time over judged, per mille.
    pub fn on_time_per_mille(&self) -> Option<u32> {
        per_mille(self.on_time, self.judged())
    }

    /// Done (on time, early or late) over judged, per mille.
    pub fn done_per_mille(&self) -> Option<u32> {
        per_mille(self.done(), self.judged())
    }

    /// Missed over judged, per mille.
    pub fn missed_per_mille(&self) -> Option<u32> {
        per_mille(self.missed, self.judged())
    }

    /// Expired over judged, per mille.
    pub fn expired_per_mille(&self) -> Option<u32> {
        per_mille(self.expired, self.judged())
    }

    fn add(&mut self, status: ComplianceStatus) {
        let n = match status {
            ComplianceStatus::OnTime => &mut self.on_time,
            ComplianceStatus::Early => &mut self.early,
            ComplianceStatus::Late => &mut self.late,
            ComplianceStatus::Missed => &mut self.missed,
            ComplianceStatus::Expired => &mut self.expired,
            ComplianceStatus::Pending => &mut self.pending,
        };
        *n = n.saturating_add(1);
    }
}

fn per_mille(part: u32, whole: u32) -> Option<u32> {
    let (part, whole) = (u64::from(part), u64::from(whole));
    (whole > 0).then(|| u32::try_from((part * 1000 + whole / 2) / whole).unwrap_or(u32::MAX))
}

/// A compliance report: the result of [`compliance`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceReport {
    /// The period judged.
    pub period: CompliancePeriod,
    /// Every task due in the period, in plan order (due, window start, program, step,
    /// occurrence, patient, id).
    pub tasks: Vec<CheckedTask>,
    /// Counts over all tasks.
    pub total: ComplianceCounts,
    /// Counts by the task's role.
    pub by_role: BTreeMap<Role, ComplianceCounts>,
    /// Counts by the person who did the task (`Completion::by`): done tasks only, as a
    /// missed, expired or pending task has nobody to count it against.
    pub by_person: BTreeMap<String, ComplianceCounts>,
    /// Counts by the task's owner ([`Task::owner`], from the episode's `owners` and
    /// `reassignments`): every status, so a missed task counts against the person who
    /// owned it. Tasks with no owner are not counted here.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_owner: BTreeMap<String, ComplianceCounts>,
    /// Completions whose task id is none of the tasks given (a typo, a task of a plan not
    /// passed in, or an occurrence the plan dropped), sorted: reported, never ignored.
    pub unknown: Vec<Completion>,
}

/// Judges the tasks due from `period.from` to `period.to` (inclusive) against the
/// completion records, as they stand on `period.as_of`.
///
/// - **on time**: done on a day from the task's `earliest` to its `latest`;
/// - **early**: done before `earliest`; **late**: done after `latest`;
/// - **missed**: not done, `latest` is before `as_of`, and the task has not expired;
/// - **expired**: not done, and its `expires` day is before `as_of` — counted as not done,
///   apart from missed (a reminder after its visit can no longer be done late);
/// - **pending**: not done, and `latest` is `as_of` or later (or the task waits for a
///   fact).
///
/// Completions (and records of the history) made after `as_of` are not counted: the
/// report is the one that day would have given, whenever it is made again. A completion
/// with an empty `by` counts in the totals and by role, under nobody in `by_person`.
///
/// When a task has several completions (a call not answered, then one that was), the
/// earliest counts; the others change nothing. A task the history closed as done
/// ([`Task::record`], plans made with [`crate::rules::RuleSet::plan_with`]) counts as completed
/// then, by whoever recorded it (else its owner), unless an earlier completion is given;
/// an unanswered call closed by the attempt after it (or by the message, the supervisor's
/// task or the drop after the last attempt) is not judged, as what took over is; nor is a
/// task a refusal recorded on its id closed before its first day (no call of its was made). Completions for known tasks due outside the
/// period are left to that period's report. A task id given twice is judged once. The
/// tasks can come from any number of plans: `compliance(plans.iter().flat_map(|p|
/// &p.tasks), …)`.
///
/// ```
/// use followup::{replan::{compliance, Completion, CompliancePeriod}, calendar::Calendar, episode::Episode, rules::{Role, RuleSet}};
/// let rules = RuleSet::builtin()?;
/// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02",
///     "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let done = |task: &str, at: &str| Completion {
///     task_id: format!("laser-aftercare/{task}/ep-1/0"), done_at: at.parse().unwrap(),
///     by: "xiaoli".into(), outcome: "reached".into(),
/// };
/// let completions = [
///     done("day-1-call", "2026-03-03T10:00:00"), // due 3 March: on time
///     done("day-3-call", "2026-03-06T16:00:00"), // due 5 March: late
///     done("day-9-call", "2026-03-11T09:00:00"), // no such task
/// ];
/// let period = CompliancePeriod { from: "2026-03-01".parse().unwrap(),
///     to: "2026-03-31".parse().unwrap(), as_of: "2026-03-31".parse().unwrap() };
/// let report = compliance(&plan.tasks, &completions, &period);
/// // The day-6 call (8 March) was never done, and a call is worth making until 7 days
/// // after its window (15 March): expired. M+1 (2 April) is outside March.
/// let t = report.total;
/// assert_eq!((t.on_time, t.late, t.missed, t.expired, t.pending), (1, 1, 0, 1, 0));
/// assert_eq!(t.on_time_per_mille(), Some(333));
/// assert_eq!(report.by_person["xiaoli"].done(), 2);
/// assert_eq!(report.by_role[&Role::CustomerService].total(), 3);
/// assert_eq!(report.unknown.len(), 1);
/// # Ok::<(), followup::Error>(())
/// ```
pub fn compliance<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    completions: &[Completion],
    period: &CompliancePeriod,
) -> ComplianceReport {
    let mut tasks = unique(tasks);
    tasks.sort_by(|a, b| task_order(a, b));

    // The earliest completion of each task id, among those made by `as_of`: a report as
    // of a day stays the same when it is made again later, with more records.
    let known_then = |at: chrono::NaiveDateTime| at.date() <= period.as_of;
    let mut sorted: Vec<&Completion> = (completions.iter())
        .filter(|c| known_then(c.done_at))
        .collect();
    sorted.sort_by(|a, b| (a.done_at, a).cmp(&(b.done_at, b)));
    let mut first: BTreeMap<&str, &Completion> = BTreeMap::new();
    for c in sorted {
        first.entry(c.task_id.as_str()).or_insert(c);
    }

    let mut report = ComplianceReport {
        period: *period,
        tasks: Vec::new(),
        total: ComplianceCounts::default(),
        by_role: BTreeMap::new(),
        by_person: BTreeMap::new(),
        by_owner: BTreeMap::new(),
        unknown: Vec::new(),
    };
    for task in &tasks {
        // An unanswered call that the next attempt (or what follows the last one) took
        // over is not judged: what took over is.
        if task.due < period.from || task.due > period.to || (task.is_closed() && !task.is_done()) {
            continue;
        }
        // Closed by a refusal recorded before its first day (on its id, the patient
        // refusing in another call): no call of its was made, early or not (audit 102:
        // counted as done early by its owner). Its later tasks are dropped, as it is.
        let refused_before = (task.record.as_ref()).is_some_and(|r| {
            r.closed && r.outcome == OutcomeKind::Declined && r.at.date() < task.earliest
        });
        if refused_before {
            continue;
        }
        let given = first.get(task.id().as_str()).copied();
        let recorded = task
            .record
            .as_ref()
            .filter(|r| task.is_done() && known_then(r.at))
            .map(|r| Completion {
                task_id: task.id(),
                done_at: r.at,
                by: r
                    .by
                    .as_deref()
                    .or(task.owner.as_deref())
                    .unwrap_or_default()
                    .to_string(),
                outcome: r.outcome.name().to_string(),
            });
        let completion = match (given, recorded) {
            (Some(g), Some(r)) if r.done_at < g.done_at => Some(r),
            (Some(g), _) => Some(g.clone()),
            (None, r) => r,
        };
        let status = match &completion {
            Some(c) if c.done_at.date() < task.earliest => ComplianceStatus::Early,
            Some(c) if c.done_at.date() <= task.latest => ComplianceStatus::OnTime,
            Some(_) => ComplianceStatus::Late,
            // A wait that ended with no fact: the task expired with it, as its status
            // says (audit 73: it stayed pending for ever).
            None if task.expires.is_some_and(|e| e < period.as_of) => ComplianceStatus::Expired,
            None if task.waits_for().is_some() => ComplianceStatus::Pending,
            None if task.latest < period.as_of => ComplianceStatus::Missed,
            None => ComplianceStatus::Pending,
        };
        report.total.add(status);
        report.by_role.entry(task.role()).or_default().add(status);
        if let Some(c) = completion.as_ref().filter(|c| !c.by.is_empty()) {
            report
                .by_person
                .entry(c.by.clone())
                .or_default()
                .add(status);
        }
        if let Some(owner) = &task.owner {
            report
                .by_owner
                .entry(owner.to_string())
                .or_default()
                .add(status);
        }
        report.tasks.push(CheckedTask {
            task: (*task).clone(),
            status,
            completion,
        });
    }

    let known: std::collections::BTreeSet<String> = tasks.iter().map(|t| t.id()).collect();
    report.unknown = completions
        .iter()
        .filter(|c| !known.contains(c.task_id.as_str()))
        .cloned()
        .collect();
    report.unknown.sort();
    report
}
