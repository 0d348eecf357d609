//! When a patient is in recovery, as the contact policy sees it: the days a sales task
//! never joins nor shares with the patient's care contacts (docs/domain.md §8: no selling
//! while the patient has not recovered).

use super::merge::MergedPlan;
use crate::plan::task::Task;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The fact a sales-flavoured step waits for (docs/domain.md §8): a patient with such a
/// task waiting has not recovered yet.
pub(crate) const RECOVERED: &str = "recovered";

impl MergedPlan {
    /// The task that makes `patient` a patient in recovery on `day`, if one does: from the
    /// day of its episode's event ([`Task::event_day`]; its first task's day for tasks
    /// read from JSON), a task waiting for `recovered` until its wait ends (its
    /// `expires`), or one of a step that waits for it whose fact came — before the
    /// task's day or while it waited — until the day before the fact
    /// ([`Task::recovered_day`]; for tasks read from JSON, the day before a waited task's
    /// day, `shifted: waited_for_fact`). On such a day a `sales` task
    /// never joins nor shares a day with the patient's `care` contacts (as with
    /// `reminder` and `aftercare` ones on any day): what `merge_plans` holds a sales task
    /// off, which an explanation can name. The days before the rule's day of such a task
    /// a refusal, an opt-out or a stop fact dropped are recovery days too, which no task
    /// names: `None` there.
    pub fn recovery_wait(&self, patient: &str, day: NaiveDate) -> Option<&Task> {
        self.recovery_span(patient, day).flatten()
    }

    /// True when `patient` is in recovery on `day`, as `merge_plans` judges it: a day
    /// [`MergedPlan::recovery_wait`] names a task for, or one a waiting call a refusal
    /// dropped keeps (which no task names).
    ///
    /// ```
    /// use followup::{calendar::Calendar, replan::{merge_plans, ContactPolicy}, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = rules.read_episode("ep", r#"{"id": "l", "event": "procedure", "at": "2026-03-02T10:00:00",
    ///     "attributes": {"category": "laser"}, "patient": {"id": "p"},
    ///     "facts": [{"kind": "recovered", "at": "2026-04-10T09:00:00"}]}"#)?;
    /// let merged = merge_plans(&[rules.plan(&ep, &Calendar::default())?], &ContactPolicy::default(), &Calendar::default());
    /// let day = |s: &str| s.parse().unwrap();
    /// assert!(merged.in_recovery("p", day("2026-04-09")));
    /// assert!(!merged.in_recovery("p", day("2026-04-10")));
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn in_recovery(&self, patient: &str, day: NaiveDate) -> bool {
        self.recovery_span(patient, day).is_some()
    }

    /// The span of `patient`'s recovery that holds `day`: its task, if one names it.
    fn recovery_span(&self, patient: &str, day: NaiveDate) -> Option<Option<&Task>> {
        let tasks = (self.contacts.iter())
            .flat_map(|c| c.reasons.iter().map(|r| &r.task))
            .chain(&self.waiting)
            .filter(|t| t.patient() == patient);
        let spans = recovery_spans(tasks, &self.dropped);
        let holding =
            (spans.get(patient)?.iter()).filter(|(from, until, _)| *from <= day && day <= *until);
        // A task that names it, else a span none names.
        let mut none = false;
        for (_, _, t) in holding {
            if t.is_some() {
                return Some(*t);
            }
            none = true;
        }
        none.then_some(None)
    }
}

/// Days of recovery, first and last, and the task that says so (none for one a fact
/// dropped).
pub(super) type Span<'a> = (NaiveDate, NaiveDate, Option<&'a Task>);

/// The days each patient is in recovery, with the task that says so: from the first day
/// of the episode of a task that waits for `recovered` (its event's day, else its first
/// task's) to the end of the wait (its `expires`); and for a task that waited and whose
/// fact came (`shifted: waited_for_fact`), to the day before it was placed — the patient
/// recovered then, not before (audit 191: once the fact was recorded, the days the call
/// had waited were no recovery days any more). A task a fact dropped before its day (a
/// refusal, an opt-out, a stop fact) would have waited from its rule's day on: the
/// patient is in recovery to that day, with no task to name (audit 209: a refusal in
/// June dropped the month-6 further-needs call, and a sales call of May joined the care
/// call of a patient still recovering).
pub(super) fn recovery_spans<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    dropped: &'a [crate::plan::task::Dropped],
) -> BTreeMap<&'a str, Vec<Span<'a>>> {
    let tasks: Vec<&Task> = tasks.into_iter().collect();
    let mut first_day: BTreeMap<(&str, &str), NaiveDate> = BTreeMap::new();
    for t in &tasks {
        let own = t.event_day().map_or(t.earliest, |e| e.min(t.earliest));
        let day = first_day.entry((t.patient(), t.episode())).or_insert(own);
        *day = (*day).min(own);
    }
    let mut spans: BTreeMap<&str, Vec<Span<'_>>> = BTreeMap::new();
    for t in tasks {
        let until = if t.waits_for() == Some(RECOVERED) {
            t.expires.unwrap_or(NaiveDate::MAX)
        } else if t.info().wait_for.as_deref() != Some(RECOVERED) {
            continue;
        } else if let Some(day) = t.recovered_day() {
            // The fact came: the patient recovered that day, whether before the task's
            // own day or while it waited (audit 214: a fact before the task's day erased
            // every recovery day back to the event).
            match day.pred_opt() {
                Some(d) => d,
                None => continue,
            }
        } else if t.shifted == Some(crate::calendar::ShiftReason::WaitedForFact) {
            match t.due.pred_opt() {
                Some(d) => d,
                None => continue,
            }
        } else {
            continue;
        };
        let from = (first_day.get(&(t.patient(), t.episode()))).map_or(t.earliest, |d| *d);
        if from <= until {
            spans
                .entry(t.patient())
                .or_default()
                .push((from, until, Some(t)));
        }
    }
    use crate::plan::DropReason as R;
    for d in dropped
        .iter()
        .filter(|d| matches!(d.reason, R::Declined | R::OptedOut | R::Stopped))
    {
        let waited = (d.in_table()).is_some_and(|(info, derived)| {
            derived.is_none() && info.wait_for.as_deref() == Some(RECOVERED)
        });
        let (Some(until), Some(from)) = (
            d.nominal.filter(|_| waited),
            first_day.get(&(d.patient(), d.episode())),
        ) else {
            continue;
        };
        // Recovered before that day: to the day before the fact (audit 215: a refusal
        // dropped the call of a patient recovered months before, and made a recovery of
        // it).
        let recovered = (d.subject.recovered).and_then(|r| r.pred_opt());
        let until = recovered.map_or(until, |r| r.min(until));
        if *from <= until {
            spans
                .entry(d.patient())
                .or_default()
                .push((*from, until, None));
        }
    }
    spans
}
