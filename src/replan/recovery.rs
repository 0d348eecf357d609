//! When a patient is in recovery, as the contact policy sees it: the days a sales task
//! never joins nor shares with the patient's care contacts (docs/domain.md §8: no selling
//! while the patient has not recovered).

use super::merge::MergedPlan;
use crate::plan::task::Task;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The fact a sales-flavoured step waits for (docs/domain.md §8): a patient with such a
/// task waiting has not recovered yet.
pub(super) const RECOVERED: &str = "recovered";

impl MergedPlan {
    /// The task that makes `patient` a patient in recovery on `day`, if one does: from the
    /// day of its episode's event ([`Task::event_day`]; its first task's day for tasks
    /// read from JSON), a task waiting for `recovered` until its wait ends (its
    /// `expires`), or one that waited and whose fact came (`shifted: waited_for_fact`)
    /// until the day before its day — the fact came then. On such a day a `sales` task
    /// never joins nor shares a day with the patient's `care` contacts (as with
    /// `reminder` and `aftercare` ones on any day): what `merge_plans` holds a sales task
    /// off, which an explanation can name.
    pub fn recovery_wait(&self, patient: &str, day: NaiveDate) -> Option<&Task> {
        let tasks = (self.contacts.iter())
            .flat_map(|c| c.reasons.iter().map(|r| &r.task))
            .chain(&self.waiting)
            .filter(|t| t.patient() == patient);
        let spans = recovery_spans(tasks);
        (spans.get(patient)?.iter())
            .find(|(from, until, _)| *from <= day && day <= *until)
            .map(|(_, _, t)| *t)
    }
}

/// The days each patient is in recovery, with the task that says so: from the first day
/// of the episode of a task that waits for `recovered` (its event's day, else its first
/// task's) to the end of the wait (its `expires`); and for a task that waited and whose
/// fact came (`shifted: waited_for_fact`), to the day before it was placed — the patient
/// recovered then, not before (audit 191: once the fact was recorded, the days the call
/// had waited were no recovery days any more).
pub(super) fn recovery_spans<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
) -> BTreeMap<&'a str, Vec<(NaiveDate, NaiveDate, &'a Task)>> {
    let tasks: Vec<&Task> = tasks.into_iter().collect();
    let mut first_day: BTreeMap<(&str, &str), NaiveDate> = BTreeMap::new();
    for t in &tasks {
        let own = t.event_day().map_or(t.earliest, |e| e.min(t.earliest));
        let day = first_day.entry((t.patient(), t.episode())).or_insert(own);
        *day = (*day).min(own);
    }
    let mut spans: BTreeMap<&str, Vec<(NaiveDate, NaiveDate, &Task)>> = BTreeMap::new();
    for t in tasks {
        let until = if t.waits_for() == Some(RECOVERED) {
            t.expires.unwrap_or(NaiveDate::MAX)
        } else if t.info().wait_for.as_deref() == Some(RECOVERED)
            && t.shifted == Some(crate::calendar::ShiftReason::WaitedForFact)
        {
            match t.due.pred_opt() {
                Some(d) => d,
                None => continue,
            }
        } else {
            continue;
        };
        let from = (first_day.get(&(t.patient(), t.episode()))).map_or(t.earliest, |d| *d);
        if from <= until {
            spans.entry(t.patient()).or_default().push((from, until, t));
        }
    }
    spans
}
