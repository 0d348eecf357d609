//! Re-planning: what changed between two plans of the same episode.

use super::{task_order, unique};
use crate::plan::task::{DropReason, Dropped, Plan, Task};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What to do to go from one plan of an episode to the next: the result of [`diff`].
///
/// Tasks are matched by id, which never depends on dates (docs/design.md), so a moved surgery
/// gives `moved` tasks with their ids unchanged. Every task of the two plans is in exactly
/// one list. Each list is sorted in plan order — (due, window start, program, step,
/// occurrence, derived), then patient and id — by the next plan's task, or by the previous plan's
/// for `cancel`.
///
/// A host applies it to its store: insert `create`, cancel `cancel` (a task already done
/// stays done: the diff does not know what was done), reschedule `moved`, overwrite
/// `update`, leave `keep`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDiff {
    /// Tasks only in the next plan.
    pub create: Vec<Task>,
    /// Tasks only in the previous plan, with the reason when the next plan dropped them.
    pub cancel: Vec<Cancelled>,
    /// Same id, and a different day, time window, channel or role: `due`, `earliest`,
    /// `latest`, `window`, `channel` or `role` changed. Staff should hear of these.
    pub moved: Vec<TaskChange>,
    /// Same id and the same schedule (day, window, channel, role), but something else
    /// changed: the nominal day or the closed-day shift behind an unchanged due day, a
    /// fact the task no longer waits for, a title or script edited in the rules…
    pub update: Vec<TaskChange>,
    /// Ids of the tasks that are identical in both plans.
    pub keep: Vec<String>,
}

/// A task of the previous plan that the next plan no longer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cancelled {
    /// The task as the previous plan had it.
    pub task: Task,
    /// Why, when the next plan lists the occurrence as dropped (stopped by a fact, opted
    /// out…). `None` when the step no longer applies at all: its `when` or the program's
    /// `applies` stopped matching, or the rules changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Dropped>,
}

impl Cancelled {
    /// The drop reason from the next plan, if it gives one.
    pub fn reason(&self) -> Option<DropReason> {
        self.dropped.as_ref().map(|d| d.reason)
    }
}

/// One task in both plans, as it was and as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskChange {
    /// The task in the previous plan.
    pub previous: Task,
    /// The task in the next plan (same id).
    pub next: Task,
}

impl TaskChange {
    /// How many days the due day moved: positive when later, negative when earlier.
    pub fn days(&self) -> i64 {
        (self.next.due - self.previous.due).num_days()
    }

    /// The names of the task fields that differ, as spelled in JSON, sorted
    /// (`["due", "latest", "nominal"]`). Plans made by `plan_as_of` on different days also
    /// differ in `status`; a host can ignore a change that is only that.
    pub fn changed(&self) -> Vec<String> {
        let (Ok(Value::Object(a)), Ok(Value::Object(b))) = (
            serde_json::to_value(&self.previous),
            serde_json::to_value(&self.next),
        ) else {
            return Vec::new();
        };
        let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        keys.into_iter()
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect()
    }
}

impl PlanDiff {
    /// True when the two plans have the same tasks: everything is in `keep`.
    pub fn is_unchanged(&self) -> bool {
        self.create.is_empty()
            && self.cancel.is_empty()
            && self.moved.is_empty()
            && self.update.is_empty()
    }
}

/// What changed from `previous` to `next`, two plans of the same episode (say, before and
/// after the surgery moved, a milestone was given, or a fact was recorded).
///
/// Task ids are unique in a plan (an engine invariant); should one come twice, the first
/// counts. Plans of different episodes have no id in common: everything is created and
/// cancelled.
///
/// # Properties
///
/// `diff(a, a)` puts every task in `keep`, and `apply(a, &diff(a, b)) == b.tasks`.
///
/// ```
/// use followup::{replan::{apply, diff}, calendar::Calendar, episode::Episode, rules::RuleSet};
/// let rules = RuleSet::builtin()?;
/// let laser = |at: &str| Episode::from_json("ep", &format!(r#"{{"id": "ep-1",
///     "event": "procedure", "at": "{at}", "attributes": {{"category": "laser"}},
///     "patient": {{"id": "p-1"}}}}"#));
/// let before = rules.plan(&laser("2026-03-02")?, &Calendar::default())?;
/// // The treatment moves a week later: every task moves, no id changes.
/// let after = rules.plan(&laser("2026-03-09")?, &Calendar::default())?;
/// let d = diff(&before, &after);
/// assert!(d.create.is_empty() && d.cancel.is_empty() && d.keep.is_empty());
/// assert_eq!(d.moved.len(), before.tasks.len());
/// assert_eq!(d.moved[0].next.id(), "laser-aftercare/day-1-call/ep-1/0");
/// assert_eq!((d.moved[0].previous.due.to_string(), d.moved[0].days()), ("2026-03-03".into(), 7));
/// assert_eq!(apply(&before, &d), after.tasks);
/// assert!(diff(&before, &before).is_unchanged());
/// # Ok::<(), followup::Error>(())
/// ```
pub fn diff(previous: &Plan, next: &Plan) -> PlanDiff {
    let before = by_id(&previous.tasks);
    let after = by_id(&next.tasks);
    let mut dropped: BTreeMap<String, &Dropped> = BTreeMap::new();
    for d in &next.dropped {
        dropped.entry(d.id()).or_insert(d);
    }

    let mut next_tasks = unique(&next.tasks);
    next_tasks.sort_by(|a, b| task_order(a, b));
    let mut out = PlanDiff::default();
    for t in next_tasks {
        match before.get(t.id().as_str()) {
            None => out.create.push(t.clone()),
            Some(p) if *p == t => out.keep.push(t.id()),
            Some(p) => {
                let change = TaskChange {
                    previous: (*p).clone(),
                    next: t.clone(),
                };
                if same_schedule(p, t) {
                    out.update.push(change);
                } else {
                    out.moved.push(change);
                }
            }
        }
    }

    let mut previous_tasks = unique(&previous.tasks);
    previous_tasks.sort_by(|a, b| task_order(a, b));
    out.cancel = previous_tasks
        .into_iter()
        .filter(|p| !after.contains_key(p.id().as_str()))
        .map(|p| Cancelled {
            task: p.clone(),
            dropped: dropped.get(p.id().as_str()).map(|d| (*d).clone()),
        })
        .collect();
    out
}

/// The tasks of the next plan, rebuilt from the previous plan and a diff: `create`, the
/// `next` side of `moved` and `update`, and the previous plan's task for each id in
/// `keep` (an id the previous plan does not have is skipped), in plan order.
///
/// ```
/// use followup::{replan::{apply, diff}, calendar::Calendar, episode::Episode, rules::RuleSet};
/// let rules = RuleSet::builtin()?;
/// let ep = Episode::from_json("ep", r#"{"id": "ep-2", "event": "procedure", "at": "2026-03-02",
///     "attributes": {"category": "plastic", "setting": "inpatient"}, "patient": {"id": "p-2"}}"#)?;
/// let before = rules.plan(&ep, &Calendar::default())?;
/// // The discharge date becomes known: the farewell visit is created, the ward visit
/// // (worth doing until the discharge) updated, the rest kept.
/// let mut ep2 = ep.clone();
/// ep2.milestones.insert("discharge".into(), followup::episode::Dates(vec!["2026-03-05".parse().unwrap()]));
/// let after = rules.plan(&ep2, &Calendar::default())?;
/// let d = diff(&before, &after);
/// assert_eq!(d.create.len(), 1);
/// assert_eq!(d.create[0].id(), "plastic-aftercare/discharge-farewell/ep-2/0");
/// assert_eq!(d.update.len(), 1);
/// assert_eq!(d.keep.len(), before.tasks.len() - 1);
/// assert_eq!(apply(&before, &d), after.tasks);
/// # Ok::<(), followup::Error>(())
/// ```
pub fn apply(previous: &Plan, diff: &PlanDiff) -> Vec<Task> {
    let before = by_id(&previous.tasks);
    let changed = diff.moved.iter().chain(&diff.update).map(|c| &c.next);
    let kept = diff
        .keep
        .iter()
        .filter_map(|id| before.get(id.as_str()).copied());
    let mut out: Vec<Task> = unique(diff.create.iter().chain(changed).chain(kept))
        .into_iter()
        .cloned()
        .collect();
    out.sort_by(task_order);
    out
}

/// Tasks by id, the first of each id.
fn by_id(tasks: &[Task]) -> BTreeMap<String, &Task> {
    let mut map = BTreeMap::new();
    for t in tasks {
        map.entry(t.id()).or_insert(t);
    }
    map
}

/// Same day, on-time window, time of day, channel and role.
fn same_schedule(a: &Task, b: &Task) -> bool {
    (a.due, a.earliest, a.latest, a.window, a.channel(), a.role())
        == (b.due, b.earliest, b.latest, b.window, b.channel(), b.role())
}
