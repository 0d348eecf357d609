//! The history as planning reads it: each outcome filed under the occurrence it concerns,
//! in time order, and at the end the outcomes that changed nothing, with why.

use super::task::{Derived, Plan};
use crate::history::{FollowUp, History, Outcome, OutcomeKind};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The program of the follow-ups staff add by hand: their ids are
/// `follow-up/<id>/<episode>/0`.
pub const FOLLOW_UP: &str = "follow-up";

/// An outcome of the history that changed nothing in the plan, and why: reported, never
/// silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ignored {
    /// The task id the outcome names.
    pub task: String,
    /// What it says happened.
    pub outcome: OutcomeKind,
    /// When.
    #[serde(with = "crate::episode::date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: NaiveDateTime,
    /// Why it changed nothing.
    pub reason: IgnoredReason,
}

/// Why an outcome changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IgnoredReason {
    /// No task of the plan has this id (a typo, or rules or episode data changed).
    NoSuchTask,
    /// The occurrence was dropped (see the plan's `dropped`).
    Dropped,
    /// The task was already closed when this was recorded.
    AfterClosed,
    /// A `picked` day for a task whose day no role picks: record `rescheduled` instead.
    NotStaffPicked,
}

/// One outcome, with the derived task it names (`…/attempt-2`, `…/overdue`), if any.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<'h> {
    pub outcome: &'h Outcome,
    pub derived: Option<Derived>,
}

/// An occurrence: program, step, occurrence number.
type Key<'h> = (&'h str, &'h str, u32);

/// The history of one plan's episode, filed by occurrence.
#[derive(Debug, Default)]
pub(super) struct Ledger<'h> {
    /// Sorted by key.
    entries: Vec<(Key<'h>, Vec<Entry<'h>>)>,
    /// Per entry: the plan made a task for the occurrence.
    used: Vec<bool>,
    pub ignored: Vec<Ignored>,
    pub follow_ups: &'h [FollowUp],
}

/// The parts of a task id: program, step, episode, occurrence and derived task. `None`
/// when it is not one.
pub(crate) fn parse_id(id: &str) -> Option<(&str, &str, &str, u32, Option<Derived>)> {
    let mut parts = id.split('/');
    let (program, step, episode, n) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let derived = match parts.next() {
        Some(d) => Some(Derived::from_name(d)?),
        None => None,
    };
    let digits_ok =
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'));
    if parts.next().is_some()
        || program.is_empty()
        || step.is_empty()
        || episode.is_empty()
        || !digits_ok
    {
        return None;
    }
    Some((program, step, episode, n.parse().ok()?, derived))
}

impl<'h> Ledger<'h> {
    /// Files the outcomes about `episode`'s tasks; those of other episodes are left out
    /// (a host may pass a patient's whole history with each episode).
    pub(super) fn new(history: &'h History, episode: &str) -> Ledger<'h> {
        let mut entries: BTreeMap<Key<'h>, Vec<Entry<'h>>> = BTreeMap::new();
        for o in &history.outcomes {
            if let Some((program, step, ep, n, derived)) = parse_id(&o.task) {
                if ep == episode {
                    entries.entry((program, step, n)).or_default().push(Entry {
                        outcome: o,
                        derived,
                    });
                }
            }
        }
        // Time order, then the outcome's own order: the same history in any order files
        // the same.
        for list in entries.values_mut() {
            list.sort_by(|a, b| (a.outcome.at, a.outcome).cmp(&(b.outcome.at, b.outcome)));
        }
        let entries: Vec<(Key<'h>, Vec<Entry<'h>>)> = entries.into_iter().collect();
        Ledger {
            used: vec![false; entries.len()],
            entries,
            ignored: Vec::new(),
            follow_ups: &history.follow_ups,
        }
    }

    /// The outcomes of an occurrence the plan makes a task for, in time order.
    pub(super) fn take(&mut self, program: &str, step: &str, n: u32) -> Option<Vec<Entry<'h>>> {
        let i = self
            .entries
            .binary_search_by(|(k, _)| (k.0, k.1, k.2).cmp(&(program, step, n)))
            .ok()?;
        if let Some(u) = self.used.get_mut(i) {
            *u = true;
        }
        self.entries.get(i).map(|(_, list)| list.clone())
    }

    /// Notes an outcome that changed nothing.
    pub(super) fn ignore(&mut self, e: &Entry<'_>, reason: IgnoredReason) {
        if e.outcome.outcome != OutcomeKind::Note {
            self.ignored.push(Ignored {
                task: e.outcome.task.clone(),
                outcome: e.outcome.outcome,
                at: e.outcome.at,
                reason,
            });
        }
    }

    /// Moves the outcomes of occurrences the plan made no task for into `plan.ignored`,
    /// with those that changed nothing, sorted.
    pub(super) fn finish(mut self, plan: &mut Plan) {
        let dropped: BTreeSet<String> = plan.dropped.iter().map(|d| d.id()).collect();
        for (i, (_, list)) in self.entries.iter().enumerate() {
            if self.used.get(i).copied().unwrap_or(false) {
                continue;
            }
            for e in list {
                let base = e.outcome.task.rsplit_once('/').map(|(b, _)| b);
                let reason = if dropped.contains(e.outcome.task.as_str())
                    || (e.derived.is_some() && base.is_some_and(|b| dropped.contains(b)))
                {
                    IgnoredReason::Dropped
                } else {
                    IgnoredReason::NoSuchTask
                };
                if e.outcome.outcome != OutcomeKind::Note {
                    self.ignored.push(Ignored {
                        task: e.outcome.task.clone(),
                        outcome: e.outcome.outcome,
                        at: e.outcome.at,
                        reason,
                    });
                }
            }
        }
        self.ignored.sort();
        self.ignored.dedup();
        plan.ignored = self.ignored;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ids_split_into_their_parts() {
        assert_eq!(
            parse_id("plastic-aftercare/day-1-call/ep-1/0"),
            Some(("plastic-aftercare", "day-1-call", "ep-1", 0, None))
        );
        assert_eq!(
            parse_id("p/s/e/12/attempt-3"),
            Some(("p", "s", "e", 12, Some(Derived::Attempt(3))))
        );
        assert_eq!(
            parse_id("greetings/birthday-greeting/patient:p-1/20261103"),
            Some((
                "greetings",
                "birthday-greeting",
                "patient:p-1",
                20261103,
                None
            ))
        );
        for bad in [
            "",
            "p/s/e",
            "p/s/e/",
            "p/s/e/x",
            "p/s/e/01",
            "p/s/e/0/",
            "p/s/e/0/attempt-1",
            "p/s/e/0/attempt-02",
            "p/s/e/0/what",
            "p/s/e/0/overdue/1",
            "p//e/0",
            "p/s/e/-1",
            "p/s/e/99999999999",
        ] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}
