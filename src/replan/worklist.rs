//! Worklists: what one role has to do on a day, or in a week.

use super::{task_order, unique};
use crate::model::Role;
use crate::plan::task::Task;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How many days after it expired a task not done stays on the worklist, listed apart
/// as expired, so that staff can close it.
pub const EXPIRED_LISTED_DAYS: u32 = 7;

/// One task on a worklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkItem {
    /// The task.
    pub task: Task,
    /// Where it stands on the worklist's day.
    pub state: WorkState,
    /// Days since the task was due: 0 for the day's own tasks, 1 or more for overdue and
    /// expired ones.
    pub days_overdue: u32,
    /// The day is after the task's `latest` day: doing it now counts as late. An overdue
    /// task with a window (a callback "within 2 weeks") can still be on time.
    pub late: bool,
}

/// Where a task on a worklist stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkState {
    /// Due before the day, not done, still worth doing: do it now.
    Overdue,
    /// Due on the day.
    Today,
    /// Not done and expired (a reminder after its visit, a same-day message after its
    /// day): do not do it; close it. Listed for [`EXPIRED_LISTED_DAYS`] days after it
    /// expired, never as overdue.
    Expired,
}

/// The worklist of one day of a [`week`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkDay {
    /// The day.
    pub date: NaiveDate,
    /// Its tasks; on the first day of the week, the overdue ones first.
    pub items: Vec<WorkItem>,
}

/// What `role` (every role when `None`) has to do on `day`: the tasks due that day, the
/// overdue ones (due before `day`, still worth doing) and, apart, the ones that expired in
/// the last [`EXPIRED_LISTED_DAYS`] days, leaving out those in `done` (task ids) and those
/// the history closed ([`Task::is_closed`]: done, or an unanswered call a later attempt
/// took over).
///
/// Overdue tasks come first, oldest first, then the day's tasks by time window, then the
/// expired ones; ties by program, step, occurrence, patient and id. An expired task is
/// never listed as overdue (a reminder after its visit is not late, it is void). A task
/// that waits for a fact
/// (`waits_for`, a sales call waiting for `recovered`) is not listed: it cannot be done
/// yet, and re-planning lists it once the fact is recorded. A task id given twice is
/// listed once. A task whose window opens before its due day (the 611 plan's call
/// "around D+45", on time from D+42) is listed from its due day: the days before are
/// its on-time days for staff who reach the patient early (its as-of status there is
/// already `open`), not days it is asked for.
///
/// The tasks can come from any number of plans:
/// `worklist(plans.iter().flat_map(|p| &p.tasks), …)`.
///
/// ```
/// use followup::{replan::{worklist, WorkState}, calendar::Calendar, episode::Episode, rules::{Role, RuleSet}};
/// use std::collections::BTreeSet;
/// let rules = RuleSet::builtin()?;
/// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02",
///     "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let day = "2026-03-05".parse().unwrap();
/// let items = worklist(&plan.tasks, day, Some(Role::CustomerService), &BTreeSet::new());
/// // The day-1 call was not done: it comes first, two days overdue and late.
/// assert_eq!(items[0].task.step(), "day-1-call");
/// assert_eq!((items[0].state, items[0].days_overdue, items[0].late), (WorkState::Overdue, 2, true));
/// assert_eq!(items[1].task.step(), "day-3-call");
/// // Once it is recorded as done, only the day's call is left.
/// let done = BTreeSet::from([items[0].task.id()]);
/// assert_eq!(worklist(&plan.tasks, day, None, &done).len(), 1);
/// # Ok::<(), followup::Error>(())
/// ```
pub fn worklist<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    day: NaiveDate,
    role: Option<Role>,
    done: &BTreeSet<String>,
) -> Vec<WorkItem> {
    let open = open_tasks(tasks, role, done);
    items(&open, day, true)
}

/// The items of a worklist for `day` that staff on duty can do on a day the calendar
/// closes: the day's own tasks (on a closed day, those kept there, [`Task::closed`]: a
/// complaint's call, a promise within three days, an agreed time; an SMS on a day the
/// message system works), the overdue ones kept on a closed day (still the duty's work:
/// a complaint's call not made on the first day of a closure), the overdue ones of a step
/// that keeps its closed days ([`Task::on_duty`]: a complaint's promised callback missed
/// on an open Saturday is the duty's on the closed Monday after, and so is its
/// supervisor's check; audit 203), and the overdue ones whose
/// channel works that day (a call on a day the call desk is on duty); the others — a reception at a closed
/// clinic, yesterday's call on a day no one calls — wait for the next day their channel
/// works, where they are still listed. Expired items (to close, not to do) stay for the
/// days the clinic itself is open. On a day every channel works, `items` unchanged.
///
/// ```
/// use followup::{replan::{on_duty, worklist}, calendar::Calendar, rules::RuleSet};
/// use std::collections::BTreeSet;
/// let rules = RuleSet::builtin()?;
/// // A complaint logged on Labour Day, 1 May 2026, and a laser treatment of 28 April whose
/// // day-3 call (1 May) moved to 6 May, its day-1 call (29 April) not done.
/// let cal = Calendar::china(2026)?;
/// let complaint = rules.read_episode("c", r#"{"id": "c-1", "event": "complaint",
///     "at": "2026-05-01T11:00:00", "patient": {"id": "p-1"}}"#)?;
/// let laser = rules.read_episode("l", r#"{"id": "l-1", "event": "procedure",
///     "at": "2026-04-28T10:00:00", "attributes": {"category": "laser"}, "patient": {"id": "p-2"}}"#)?;
/// let plans = [rules.plan(&complaint, &cal)?, rules.plan(&laser, &cal)?];
/// let day = "2026-05-01".parse().unwrap();
/// let all = worklist(plans.iter().flat_map(|p| &p.tasks), day, None, &BTreeSet::new());
/// assert!(all.iter().any(|i| i.task.id() == "laser-aftercare/day-1-call/l-1/0"));
/// let duty = on_duty(all, day, &cal);
/// let ids: Vec<String> = duty.iter().map(|i| i.task.id()).collect();
/// assert_eq!(ids, ["complaint/first-call/c-1/0"]);
/// # Ok::<(), followup::Error>(())
/// ```
pub fn on_duty(
    items: Vec<WorkItem>,
    day: NaiveDate,
    calendar: &crate::calendar::Calendar,
) -> Vec<WorkItem> {
    use crate::model::Channel;
    let clinic_open = calendar.works(Channel::Internal, day);
    (items.into_iter())
        .filter(|i| match i.state {
            WorkState::Expired => clinic_open,
            // A task kept on a closed day on purpose (a complaint's call) is the duty's
            // work until it is done, on the closed days after it too (audit 101: it
            // dropped out until the reopening day, where it had expired).
            _ => {
                i.task.due == day
                    || i.task.closed.is_some()
                    || i.task.on_duty()
                    || calendar.works(i.task.channel(), day)
            }
        })
        .collect()
}

/// Seven worklists from `from`: the first is [`worklist`] for `from` (overdue tasks
/// included), the others list the tasks due on their day. Days without tasks are listed
/// with no items, so there are always seven — but for a week that would pass the last
/// date chrono writes (`NaiveDate::MAX`), which ends there.
///
/// ```
/// use followup::{replan::week, calendar::Calendar, episode::Episode, rules::RuleSet};
/// use std::collections::BTreeSet;
/// let rules = RuleSet::builtin()?;
/// let ep = Episode::from_json("ep", r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02",
///     "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let days = week(&plan.tasks, "2026-03-03".parse().unwrap(), None, &BTreeSet::new());
/// let counts: Vec<usize> = days.iter().map(|d| d.items.len()).collect();
/// assert_eq!(counts, [1, 0, 1, 0, 0, 1, 0]); // D+1, D+3 and D+6 calls
/// assert_eq!(days[6].date.to_string(), "2026-03-09");
/// # Ok::<(), followup::Error>(())
/// ```
pub fn week<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    from: NaiveDate,
    role: Option<Role>,
    done: &BTreeSet<String>,
) -> Vec<WorkDay> {
    let open = open_tasks(tasks, role, done);
    (0..7u64)
        .map_while(|n| from.checked_add_days(Days::new(n)))
        .map(|date| WorkDay {
            date,
            items: items(&open, date, date == from),
        })
        .collect()
}

/// What each person has to do on `day`: [`worklist`] for every role, grouped by the
/// tasks' [`Task::owner`] (from the episodes' `owners` and `reassignments`), owners in
/// order of their ids and the tasks nobody owns last (`owner: None`).
///
/// ```
/// use followup::{replan::worklists_by_owner, calendar::Calendar, rules::RuleSet};
/// use std::collections::BTreeSet;
/// let rules = RuleSet::builtin()?;
/// let ep = rules.read_episode("ep", r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02",
///     "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"},
///     "owners": {"customer_service": "u-3", "onsite_consultant": "u-17"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let lists = worklists_by_owner(&plan.tasks, "2026-03-04".parse().unwrap(), &BTreeSet::new());
/// let owners: Vec<_> = lists.iter().map(|l| l.owner.as_deref()).collect();
/// // The consultant receives the patient at the dressing change; customer service has
/// // the overdue day-1 call and the day-3 call.
/// assert_eq!(owners, [Some("u-17"), Some("u-3")]);
/// assert_eq!(lists[1].items.len(), 2);
/// # Ok::<(), followup::Error>(())
/// ```
pub fn worklists_by_owner<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    day: NaiveDate,
    done: &BTreeSet<String>,
) -> Vec<OwnerWorklist> {
    let mut lists: Vec<OwnerWorklist> = Vec::new();
    for item in worklist(tasks, day, None, done) {
        let owner = item.task.owner.clone();
        match lists.iter_mut().find(|l| l.owner == owner) {
            Some(l) => l.items.push(item),
            None => lists.push(OwnerWorklist {
                owner,
                items: vec![item],
            }),
        }
    }
    // Owners by id, nobody's last; each list keeps the worklist's order.
    lists.sort_by(|a, b| (a.owner.is_none(), &a.owner).cmp(&(b.owner.is_none(), &b.owner)));
    lists
}

/// One person's part of a day's work (see [`worklists_by_owner`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerWorklist {
    /// The owner's id; `None` for the tasks nobody owns.
    pub owner: Option<std::sync::Arc<str>>,
    /// Their tasks, in worklist order.
    pub items: Vec<WorkItem>,
}

/// The tasks of `role` that are neither done (in `done`, or closed by the history) nor
/// waiting for a fact, in plan order.
fn open_tasks<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    role: Option<Role>,
    done: &BTreeSet<String>,
) -> Vec<&'a Task> {
    let mut open: Vec<&Task> = unique(tasks)
        .into_iter()
        .filter(|t| role.is_none_or(|r| t.role() == r))
        .filter(|t| t.waits_for().is_none() && !t.is_closed() && !done.contains(&t.id()))
        .collect();
    // Plan order puts earlier due days first: overdue tasks, oldest first, then the day's.
    open.sort_by(|a, b| task_order(a, b));
    open
}

/// The items of `day`: the day's tasks, and with `past` the overdue and recently expired
/// ones; overdue first, then the day's, then the expired.
fn items(open: &[&Task], day: NaiveDate, past: bool) -> Vec<WorkItem> {
    let mut out: Vec<WorkItem> = open
        .iter()
        .filter_map(|t| {
            let state = if t.due == day {
                WorkState::Today
            } else if !past || t.due > day {
                return None;
            } else {
                match t.expires {
                    Some(e) if e < day => {
                        let since = (day - e).num_days();
                        if since > i64::from(EXPIRED_LISTED_DAYS) {
                            return None;
                        }
                        WorkState::Expired
                    }
                    _ => WorkState::Overdue,
                }
            };
            Some(WorkItem {
                task: (*t).clone(),
                state,
                days_overdue: u32::try_from((day - t.due).num_days()).unwrap_or(u32::MAX),
                late: day > t.latest,
            })
        })
        .collect();
    // Stable: plan order within each state.
    out.sort_by_key(|i| i.state);
    out
}
