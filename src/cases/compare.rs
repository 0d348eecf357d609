//! Comparing a plan with what a case expects: each expected line is paired with one plan
//! entry it describes (a maximum matching, so the order of the lines never decides), then
//! what is left over is explained — an expected task the plan has with other fields, one
//! it does not have, one it has and no line names.

use super::expect::{Expect, ExpectedDrop, ExpectedTask, Match};
use super::report::Difference;
use crate::plan::derived::Derived;
use crate::plan::task::{Dropped, Plan, Task};
use std::collections::{BTreeMap, VecDeque};

/// Every difference between `plan` and `expect`; none when the case passes.
pub(super) fn compare(expect: &Expect, plan: &Plan) -> Vec<Difference> {
    let compared =
        |program: &str| (expect.only.as_ref()).is_none_or(|only| only.iter().any(|p| p == program));
    let tasks_compared: Vec<Task> = (plan.tasks.iter())
        .filter(|t| compared(t.program()))
        .cloned()
        .collect();
    let drops_compared: Vec<Dropped> = (plan.dropped.iter())
        .filter(|d| compared(d.program()))
        .cloned()
        .collect();
    let mut out = tasks(expect, &tasks_compared);
    out.extend(drops(expect, &drops_compared));
    if let Some(expected) = &expect.programs {
        let mut expected = expected.clone();
        expected.sort();
        expected.dedup();
        let mut actual: Vec<String> = plan.programs.iter().map(|p| p.to_string()).collect();
        actual.sort();
        // `at_least`: these apply, others may too; `[]` is still "no program applies".
        let fits = match expect.matching {
            super::expect::Match::AtLeast if !expected.is_empty() => {
                expected.iter().all(|p| actual.contains(p))
            }
            _ => expected == actual,
        };
        if !fits {
            out.push(Difference::Programs { expected, actual });
        }
    }
    out
}

fn task_fits(e: &ExpectedTask, t: &Task) -> bool {
    e.task.names(t.program(), t.step(), t.occurrence, t.derived) && task_fields(e, t).is_empty()
}

/// The fields of `t` that differ from what `e` expects.
fn task_fields(e: &ExpectedTask, t: &Task) -> Vec<&'static str> {
    let mut out = Vec::new();
    if e.due != t.due {
        out.push("due");
    }
    if e.channel != t.channel() {
        out.push("channel");
    }
    if e.role != t.role() {
        out.push("role");
    }
    if e.window.is_some_and(|w| w != t.window) {
        out.push("window");
    }
    if e.owner
        .as_deref()
        .is_some_and(|o| t.owner.as_deref() != Some(o))
    {
        out.push("owner");
    }
    out
}

fn tasks(expect: &Expect, actual: &[Task]) -> Vec<Difference> {
    let mut by_step: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in actual.iter().enumerate() {
        by_step.entry(t.step()).or_default().push(i);
    }
    let same_step = |e: &ExpectedTask| by_step.get(e.task.step.as_str()).map_or(&[][..], |v| v);
    let candidates: Vec<Vec<usize>> = (expect.tasks.iter())
        .map(|e| {
            (same_step(e).iter().copied())
                .filter(|&i| actual.get(i).is_some_and(|t| task_fits(e, t)))
                .collect()
        })
        .collect();
    let assigned = assign(&candidates, actual.len());
    let mut used: Vec<bool> = vec![false; actual.len()];
    for i in assigned.iter().flatten() {
        if let Some(u) = used.get_mut(*i) {
            *u = true;
        }
    }
    // (day, rank, difference): listed by day, a task the plan has with other fields
    // before one it does not have, before one no line names.
    let mut out: Vec<(chrono::NaiveDate, u8, Difference)> = Vec::new();
    for (e, _) in expect
        .tasks
        .iter()
        .zip(&assigned)
        .filter(|(_, a)| a.is_none())
    {
        // The same task in the plan with other fields: the nearest day, then plan order.
        let near = (same_step(e).iter().copied())
            .filter(|&i| !used.get(i).copied().unwrap_or(true))
            .filter_map(|i| actual.get(i).map(|t| (i, t)))
            .filter(|(_, t)| e.task.names(t.program(), t.step(), t.occurrence, t.derived))
            .min_by_key(|(i, t)| ((t.due - e.due).num_days().unsigned_abs(), *i));
        match near {
            Some((i, t)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                let fields = task_fields(e, t);
                out.push((
                    e.due,
                    0,
                    Difference::TaskDiffers {
                        expected: e.clone(),
                        actual: Box::new(t.clone()),
                        fields,
                    },
                ));
            }
            None => out.push((e.due, 1, Difference::MissingTask(e.clone()))),
        }
    }
    if expect.matching == Match::Exact {
        for (t, _) in actual.iter().zip(&used).filter(|(_, u)| !**u) {
            out.push((t.due, 2, Difference::UnexpectedTask(Box::new(t.clone()))));
        }
    }
    out.sort_by_key(|(day, rank, _)| (*day, *rank));
    out.into_iter().map(|(_, _, d)| d).collect()
}

/// The derived part of a dropped occurrence's id (`…/0/attempt-2`).
fn derived_of(d: &Dropped) -> Option<Derived> {
    crate::plan::ledger::parse_id(&d.id()).and_then(|(.., derived)| derived)
}

fn drop_names(e: &ExpectedDrop, d: &Dropped) -> bool {
    e.task
        .names(d.program(), d.step(), d.occurrence, derived_of(d))
}

fn drop_fields(e: &ExpectedDrop, d: &Dropped) -> Vec<&'static str> {
    let mut out = Vec::new();
    if e.reason != d.reason {
        out.push("reason");
    }
    if e.detail
        .as_deref()
        .is_some_and(|x| d.detail.as_deref() != Some(x))
    {
        out.push("detail");
    }
    out
}

fn drops(expect: &Expect, actual: &[Dropped]) -> Vec<Difference> {
    let mut by_step: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in actual.iter().enumerate() {
        by_step.entry(d.step()).or_default().push(i);
    }
    let same_step = |e: &ExpectedDrop| by_step.get(e.task.step.as_str()).map_or(&[][..], |v| v);
    let candidates: Vec<Vec<usize>> = (expect.dropped.iter())
        .map(|e| {
            (same_step(e).iter().copied())
                .filter(|&i| {
                    actual
                        .get(i)
                        .is_some_and(|d| drop_names(e, d) && drop_fields(e, d).is_empty())
                })
                .collect()
        })
        .collect();
    let assigned = assign(&candidates, actual.len());
    let mut used: Vec<bool> = vec![false; actual.len()];
    for i in assigned.iter().flatten() {
        if let Some(u) = used.get_mut(*i) {
            *u = true;
        }
    }
    let mut out = Vec::new();
    for (e, _) in expect
        .dropped
        .iter()
        .zip(&assigned)
        .filter(|(_, a)| a.is_none())
    {
        let near = (same_step(e).iter().copied())
            .filter_map(|i| actual.get(i).map(|d| (i, d)))
            .find(|(i, d)| !used.get(*i).copied().unwrap_or(true) && drop_names(e, d));
        match near {
            Some((i, d)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                out.push(Difference::DropDiffers {
                    expected: e.clone(),
                    actual: d.clone(),
                    fields: drop_fields(e, d),
                });
            }
            None => out.push(Difference::MissingDrop(e.clone())),
        }
    }
    if expect.matching == Match::Exact {
        for (d, _) in actual.iter().zip(&used).filter(|(_, u)| !**u) {
            out.push(Difference::UnexpectedDrop(d.clone()));
        }
    }
    out
}

/// A maximum matching of expected lines to plan entries: `candidates[e]` lists the
/// entries line `e` describes; the answer gives each line its entry, `None` when no
/// matching can give it one. Each line first takes a free entry; when all its entries are
/// taken, a breadth-first search looks for a chain of lines that can move over
/// (Kuhn's augmenting paths), so the order of the lines never decides.
pub(super) fn assign(candidates: &[Vec<usize>], entries: usize) -> Vec<Option<usize>> {
    let mut line_of: Vec<Option<usize>> = vec![None; entries];
    let mut entry_of: Vec<Option<usize>> = vec![None; candidates.len()];
    for (start, list) in candidates.iter().enumerate() {
        if let Some(&free) = list
            .iter()
            .find(|&&a| line_of.get(a).is_some_and(Option::is_none))
        {
            set(&mut line_of, free, start);
            set(&mut entry_of, start, free);
            continue;
        }
        // Breadth-first over lines; `reached_from[a]` is the line that reached entry a.
        let mut reached_from: Vec<Option<usize>> = vec![None; entries];
        let mut queue = VecDeque::from([start]);
        let mut free = None;
        'search: while let Some(line) = queue.pop_front() {
            for &a in candidates.get(line).map_or(&[][..], |v| v) {
                if reached_from.get(a).is_none_or(Option::is_some) {
                    continue;
                }
                set(&mut reached_from, a, line);
                match line_of.get(a).copied().flatten() {
                    None => {
                        free = Some(a);
                        break 'search;
                    }
                    Some(other) => queue.push_back(other),
                }
            }
        }
        // Move each line of the chain to the entry that reached it, back to the start.
        let mut entry = free;
        while let Some(a) = entry {
            let Some(line) = reached_from.get(a).copied().flatten() else {
                break;
            };
            let previous = entry_of.get(line).copied().flatten();
            set(&mut line_of, a, line);
            set(&mut entry_of, line, a);
            entry = if line == start { None } else { previous };
        }
    }
    entry_of
}

fn set(v: &mut [Option<usize>], i: usize, x: usize) {
    if let Some(slot) = v.get_mut(i) {
        *slot = Some(x);
    }
}

#[cfg(test)]
mod tests {
    use super::assign;

    #[test]
    fn a_line_moves_over_when_a_later_line_needs_its_entry() {
        // Line 0 fits entries 0 and 1, line 1 only entry 0: taken greedily, line 1 would
        // be left without one.
        assert_eq!(assign(&[vec![0, 1], vec![0]], 2), [Some(1), Some(0)]);
        // A longer chain.
        assert_eq!(
            assign(&[vec![0, 1], vec![1, 2], vec![0]], 3),
            [Some(1), Some(2), Some(0)]
        );
        // Two lines, one entry: one line is left over.
        assert_eq!(assign(&[vec![0], vec![0]], 1), [Some(0), None]);
        assert_eq!(assign(&[vec![], vec![1]], 2), [None, Some(1)]);
    }

    proptest::proptest! {
        /// The matching is as large as a brute-force search finds, and each entry serves
        /// at most one line it fits.
        #[test]
        fn matching_is_maximum(edges in proptest::collection::vec(proptest::collection::vec(0usize..5, 0..4), 0..6)) {
            let got = assign(&edges, 5);
            let mut seen = std::collections::BTreeSet::new();
            for (line, entry) in got.iter().enumerate() {
                if let Some(a) = entry {
                    proptest::prop_assert!(edges[line].contains(a));
                    proptest::prop_assert!(seen.insert(*a));
                }
            }
            fn best(edges: &[Vec<usize>], taken: &mut Vec<bool>) -> usize {
                let Some((first, rest)) = edges.split_first() else { return 0 };
                let mut m = best(rest, taken);
                for &a in first {
                    if !taken[a] {
                        taken[a] = true;
                        m = m.max(1 + best(rest, taken));
                        taken[a] = false;
                    }
                }
                m
            }
            proptest::prop_assert_eq!(seen.len(), best(&edges, &mut vec![false; 5]));
        }
    }
}
