//! The closed loop: planning with a history is a function of the history as a set (its
//! order does not count), and one more outcome changes only the tasks it concerns.

use super::*;
use followup::{
    history::{History, Outcome, OutcomeKind},
    plan::Task,
};

/// One generated outcome: which task (an index into the plan), what, when (days and
/// minutes after the task's due day starts), whether it names the task's second attempt,
/// and the day or time an agreed or picked outcome gives.
type RawOutcome = (Index, u8, u8, u16, bool, u8, u16);

fn arb_raw() -> impl Strategy<Value = RawOutcome> {
    (
        any::<Index>(),
        0u8..9,
        0u8..4,
        0u16..24 * 60,
        any::<bool>(),
        0u8..12,
        0u16..24 * 60,
    )
}

const KINDS: [OutcomeKind; 9] = [
    OutcomeKind::Done,
    OutcomeKind::NoAnswer,
    OutcomeKind::Busy,
    OutcomeKind::Unreachable,
    OutcomeKind::Rescheduled,
    OutcomeKind::Picked,
    OutcomeKind::Declined,
    OutcomeKind::AbnormalRecovery,
    OutcomeKind::Note,
];

fn moment(day: NaiveDate, days: u8, minutes: u16) -> NaiveDateTime {
    day.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(day)
        .and_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)
        .unwrap()
}

/// The outcome `raw` says, about a task of `tasks` (`None` when the plan has none).
fn outcome(tasks: &[Task], raw: &RawOutcome) -> Option<Outcome> {
    let (index, kind, days, minutes, attempt, to_days, to_minutes) = *raw;
    if tasks.is_empty() {
        return None;
    }
    let t = index.get(tasks);
    let kind = KINDS[usize::from(kind) % KINDS.len()];
    let at = moment(t.due, days, minutes);
    let mut id = t.id();
    if attempt && t.derived.is_none() {
        id.push_str("/attempt-2");
    }
    Some(Outcome {
        task: id,
        outcome: kind,
        at,
        by: Some("u-1".into()),
        // Agreed and picked days are never before the outcome (History::check).
        to: (kind == OutcomeKind::Rescheduled).then(|| moment(t.due, to_days, to_minutes).max(at)),
        day: (kind == OutcomeKind::Picked).then(|| {
            t.due
                .checked_add_days(Days::new(u64::from(to_days)))
                .unwrap_or(t.due)
                .max(at.date())
        }),
        note: None,
    })
}

fn history(tasks: &[Task], raws: &[RawOutcome]) -> History {
    History {
        outcomes: raws.iter().filter_map(|r| outcome(tasks, r)).collect(),
        follow_ups: Vec::new(),
    }
}

/// The steps of `program` that count, directly or through others, from `step`.
fn dependents(program: &str, step: &str) -> BTreeSet<String> {
    let defs: Vec<_> = builtin()
        .definitions()
        .iter()
        .filter(|d| d.program.id == program)
        .flat_map(|d| d.program.steps.iter())
        .map(|s| (s.id.clone(), s.from.clone()))
        .collect();
    let mut out = BTreeSet::from([step.to_string()]);
    loop {
        let before = out.len();
        for (id, from) in &defs {
            if from.as_ref().is_some_and(|f| out.contains(f)) {
                out.insert(id.clone());
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// The steps that count from the last contact (`latest:contacted…`): an outcome that
/// reached the patient is a `contacted` fact of its episode (lead ownership).
fn counting_from_contacts() -> BTreeSet<(String, String)> {
    builtin()
        .definitions()
        .iter()
        .flat_map(|d| d.program.steps.iter().map(move |s| (d, s)))
        .filter(|(_, s)| {
            s.from.as_deref().is_some_and(|f| {
                f.strip_prefix("latest:")
                    .is_some_and(|kinds| kinds.split(',').any(|k| k == "contacted"))
            })
        })
        .map(|(d, s)| (d.program.id.clone(), s.id.clone()))
        .collect()
}

/// The staff-picked steps (`picked_by`) of the built-in programs: while not picked, one
/// waits until the day after an earlier call of its program agreed for a later day.
fn staff_picked() -> BTreeSet<(String, String)> {
    builtin()
        .definitions()
        .iter()
        .flat_map(|d| d.program.steps.iter().map(move |s| (d, s)))
        .filter(|(_, s)| s.picked_by.is_some())
        .map(|(d, s)| (d.program.id.clone(), s.id.clone()))
        .collect()
}

/// The plan with its `ignored` entries' places in the history checked (each names an
/// outcome of its task, kind and time) and then cleared.
fn placeless(mut p: Plan, h: &History) -> Plan {
    for i in &mut p.ignored {
        let o = &h.outcomes[i.index];
        assert_eq!((&o.task, o.outcome, o.at), (&i.task, i.outcome, i.at));
        i.index = 0;
    }
    p
}

proptest! {
    #![proptest_config(cases(48))]

    /// The same outcomes in any order give the same plan.
    #[test]
    fn prop_history_order_does_not_count(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        raws in prop::collection::vec(arb_raw(), 0..10),
        swaps in prop::collection::vec((any::<Index>(), any::<Index>()), 0..12),
    ) {
        let cal = spec.build(ep.date());
        let base = builtin().plan(&ep, &cal).unwrap();
        let h = history(&base.tasks, &raws);
        let first = builtin().plan_with(&ep, &h, &cal).unwrap();
        // Agreed, picked and recorded days too: `closed` is the calendar's word on them.
        for t in &first.tasks {
            prop_assert_eq!(t.closed, cal.closed_reason_for(t.channel(), t.due), "{}", t.id());
        }
        let mut shuffled = h.clone();
        for (a, b) in &swaps {
            if !shuffled.outcomes.is_empty() {
                let (i, j) = (a.index(shuffled.outcomes.len()), b.index(shuffled.outcomes.len()));
                shuffled.outcomes.swap(i, j);
            }
        }
        let second = builtin().plan_with(&ep, &shuffled, &cal).unwrap();
        // `ignored` names each outcome by its place in the history given: it points at the
        // outcome it reports, and of identical copies which one counts depends on the order.
        prop_assert_eq!(placeless(second, &shuffled), placeless(first, &h));
    }

    /// Recording one more outcome (other than a refusal, which belongs to the patient and
    /// reaches every later call) changes only the tasks of its occurrence — the task,
    /// its attempts, escalations and the tasks an abnormal recovery brings —, the
    /// tasks of steps that count from its step, those of the episode's steps that count
    /// from the last contact (the outcome may have reached the patient), and the program's
    /// staff-picked steps not picked yet (they wait for an earlier call agreed later);
    /// and a call made, the earlier calls of its lane (they expire before it).
    #[test]
    fn prop_one_outcome_changes_only_its_tasks(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        raws in prop::collection::vec(arb_raw(), 0..6),
        one in arb_raw(),
    ) {
        let cal = spec.build(ep.date());
        let base = builtin().plan(&ep, &cal).unwrap();
        let h = history(&base.tasks, &raws);
        let before = builtin().plan_with(&ep, &h, &cal).unwrap();
        let Some(mut extra) = outcome(&before.tasks, &one) else { return Ok(()) };
        // A refusal reaches every later call: recorded here as done instead.
        if extra.outcome == OutcomeKind::Declined {
            extra.outcome = OutcomeKind::Done;
        }
        let mut h2 = h.clone();
        h2.outcomes.push(extra.clone());
        let after = builtin().plan_with(&ep, &h2, &cal).unwrap();
        let parts: Vec<&str> = extra.task.split('/').collect();
        let occurrence = parts[..4].join("/");
        let steps = dependents(parts[0], parts[1]);
        let from_contacts = counting_from_contacts();
        let picked = staff_picked();
        // A call made ends the earlier calls of its lane (docs/closed-loop.md).
        let made = (before.tasks.iter())
            .find(|t| t.id() == extra.task)
            .filter(|t| t.channel() == followup::rules::Channel::Phone)
            .filter(|_| matches!(extra.outcome, OutcomeKind::Done | OutcomeKind::AbnormalRecovery));
        let overtaken = |id: &str| {
            let Some(m) = made else { return false };
            // A supervisor's check ends with its call.
            let call = (id.strip_suffix("/overdue").or_else(|| id.strip_suffix("/escalation")))
                .unwrap_or(id);
            (before.tasks.iter()).find(|t| t.id() == call).is_some_and(|t| {
                t.program() == m.program()
                    && t.episode() == m.episode()
                    && t.role() == m.role()
                    && t.channel() == m.channel()
                    && t.nominal < m.nominal
            })
        };
        let concerned = |id: &str| {
            let p: Vec<&str> = id.split('/').collect();
            let step = (p[0].to_string(), p[1].to_string());
            overtaken(id)
                || id == occurrence
                || id.starts_with(&format!("{occurrence}/"))
                || (p[0] == parts[0] && p[2] == parts[2] && steps.contains(p[1]))
                || (p[2] == parts[2] && from_contacts.contains(&step))
                || (p[0] == parts[0] && p[2] == parts[2] && picked.contains(&step))
        };
        let d = followup::replan::diff(&before, &after);
        let changed: Vec<String> = d.create.iter().map(|t| t.id())
            .chain(d.cancel.iter().map(|c| c.task.id()))
            .chain(d.moved.iter().chain(&d.update).map(|c| c.next.id()))
            .collect();
        for id in &changed {
            prop_assert!(concerned(id), "{} changed after {:?}", id, extra);
        }
    }
}
