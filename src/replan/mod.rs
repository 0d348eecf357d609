//! After planning: re-planning, one patient in many programmes, daily work and supervision.
//!
//! Everything here works on the [`Plan`](crate::plan::Plan)s and [`Task`]s the engine has
//! already produced; it is pure (no IO, no clock: the caller passes the day) and
//! deterministic (outputs are sorted, never in hash-map order).
//!
//! - [`diff()`] / [`apply`]: what changed between two plans of the same episode — tasks to
//!   create, cancel, move, update or keep — so a host can upsert after re-planning.
//! - [`merge_plans()`]: the tasks of all a patient's plans as contacts: one call or message per
//!   patient, day and channel listing every reason, with per-channel frequency caps
//!   ([`ContactPolicy`]); [`MergedPlan::apply_to`] writes what the policy did back into
//!   the plans, for worklists, compliance and exports.
//! - [`worklist()`] / [`week`]: what one role has to do on a day (overdue first) or a week;
//!   [`worklists_by_owner`]: a day's work per person; [`on_duty`]: what of it staff on
//!   duty can do on a day the calendar closes.
//! - [`compliance()`]: on time, early, late, missed and pending, by role and by person,
//!   from the plans and the completion records.

mod compliance;
mod diff;
mod merge;
mod policy;
mod recovery;
pub(crate) use recovery::RECOVERED;
mod settle;
mod worklist;

pub use compliance::{
    compliance, CheckedTask, Completion, ComplianceCounts, CompliancePeriod, ComplianceReport,
    ComplianceStatus,
};
pub use diff::{apply, diff, Cancelled, PlanDiff, TaskChange};
pub use merge::{merge_plans, CapMove, Contact, ContactReason, MergedPlan, MoveReason};
pub use policy::{Cap, ContactPolicy, PriorityClass, PriorityPolicy, MAX_CAP_DAYS};
pub use worklist::{
    on_duty, week, worklist, worklists_by_owner, OwnerWorklist, WorkDay, WorkItem, WorkState,
    EXPIRED_LISTED_DAYS,
};

use crate::plan::task::Task;
use std::collections::BTreeSet;

/// The order tasks are listed in everywhere here: the plan's order (due, window start,
/// program, step, occurrence, what a derived task is), then patient and episode so that tasks of several plans
/// (several episodes, several patients) have one total order.
fn task_order(a: &Task, b: &Task) -> std::cmp::Ordering {
    (
        a.due,
        a.window.start,
        a.program(),
        a.step(),
        a.occurrence,
        a.derived,
        a.patient(),
        a.episode(),
    )
        .cmp(&(
            b.due,
            b.window.start,
            b.program(),
            b.step(),
            b.occurrence,
            b.derived,
            b.patient(),
            b.episode(),
        ))
}

/// The tasks of `tasks`, each id once (the first one given wins: the same plan passed
/// twice is counted once).
fn unique<'a>(tasks: impl IntoIterator<Item = &'a Task>) -> Vec<&'a Task> {
    // The patient too: two patients' episodes may share an id in a careless host, and
    // one patient's tasks are never another's duplicates.
    let mut seen = BTreeSet::new();
    tasks
        .into_iter()
        .filter(|t| seen.insert((t.patient(), t.key())))
        .collect()
}
