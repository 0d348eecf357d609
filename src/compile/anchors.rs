//! Resolving `from` anchors and ordering steps so that each comes after its anchor.

use super::program::{Anchor, Milestone, Step};
use crate::error::Located;
use crate::model::ProgramDef;
use std::collections::BTreeMap;

/// Anchor names no milestone or step may take.
pub(super) const RESERVED: [&str; 5] = [
    "event",
    "each_session",
    "before_each_upcoming_session",
    "course_end",
    "one_session_left",
];

/// Sets each step's anchor and returns the steps in dependency order.
///
/// Errors: duplicate step ids, a step named like a milestone, unknown anchors, cycles.
pub(super) fn resolve(
    def: &ProgramDef,
    milestones: &[Milestone],
    steps: &mut [Step],
) -> Result<Vec<Step>, Located> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in def.steps.iter().enumerate() {
        let at = format!("/steps/{i}/id");
        if let Some(first) = index.insert(s.id.as_str(), i) {
            return Err(Located::new(
                at,
                format!(
                    "duplicate step id {:?} (also /steps/{first}/id): expected unique step ids",
                    s.id
                ),
            ));
        }
        if RESERVED.contains(&s.id.as_str()) || milestones.iter().any(|m| *m.name == *s.id) {
            return Err(Located::new(
                at,
                format!("step id {:?} is also an anchor name (a milestone or one of {}): expected distinct names", s.id, RESERVED.join(", ")),
            ));
        }
    }
    // Original-order anchors: None for event/milestones, Some(step) for steps.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(steps.len());
    for (i, s) in def.steps.iter().enumerate() {
        let from = s.from.as_deref().unwrap_or("event");
        let fact = |prefix: &str| {
            from.strip_prefix(prefix)
                .filter(|k| super::is_id(k))
                .map(|k| -> std::sync::Arc<str> { k.into() })
        };
        let (anchor, p) = if from == "event" {
            (Anchor::Event, None)
        } else if from == "each_session" {
            (Anchor::EachSession, None)
        } else if from == "before_each_upcoming_session" {
            (Anchor::UpcomingSession, None)
        } else if from == "course_end" {
            (Anchor::CourseEnd, None)
        } else if from == "one_session_left" {
            (Anchor::OneSessionLeft, None)
        } else if let Some(kind) = fact("fact:") {
            (Anchor::Fact(kind), None)
        } else if let Some(kind) = fact("latest:") {
            (Anchor::Latest(kind), None)
        } else if let Some(m) = milestones.iter().position(|m| *m.name == *from) {
            (Anchor::Milestone(m), None)
        } else if let Some(&j) = index.get(from) {
            (Anchor::Step(j), Some(j))
        } else {
            let names: Vec<&str> = milestones.iter().map(|m| &*m.name).collect();
            let known = if names.is_empty() {
                String::new()
            } else {
                format!(", a milestone ({})", names.join(", "))
            };
            return Err(Located::new(
                format!("/steps/{i}/from"),
                format!("unknown anchor {from:?}: expected \"event\"{known}, a session anchor (each_session, before_each_upcoming_session, course_end, one_session_left), \"fact:KIND\", \"latest:KIND\" or the id of another step of this program"),
            ));
        };
        if let Some(step) = steps.get_mut(i) {
            step.anchor = anchor;
        }
        parent.push(p);
    }
    // Every step has at most one parent, so the graph is a forest unless there is a
    // cycle; walking up from each step finds it in at most n steps.
    for start in 0..parent.len() {
        let mut path = vec![start];
        let mut cur = start;
        while let Some(Some(p)) = parent.get(cur) {
            if *p == start {
                let names: Vec<&str> = path
                    .iter()
                    .chain(std::iter::once(&start))
                    .filter_map(|&k| def.steps.get(k).map(|s| s.id.as_str()))
                    .collect();
                return Err(Located::new(
                    format!("/steps/{start}/from"),
                    format!("the steps' anchors form a cycle ({}): expected every chain of anchors to end at \"event\" or a milestone", names.join(" → ")),
                ));
            }
            if path.len() > parent.len() {
                break; // a cycle not through `start`: reported when its own step comes up
            }
            path.push(*p);
            cur = *p;
        }
    }
    // Depth-first order: parents before children, otherwise file order.
    let mut depth = vec![0usize; parent.len()];
    for (i, d) in depth.iter_mut().enumerate() {
        let mut cur = i;
        while let Some(Some(p)) = parent.get(cur) {
            *d += 1;
            cur = *p;
        }
    }
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by_key(|&i| (depth.get(i).copied().unwrap_or(0), i));
    let mut new_pos = vec![0usize; steps.len()];
    for (pos, &i) in order.iter().enumerate() {
        if let Some(slot) = new_pos.get_mut(i) {
            *slot = pos;
        }
    }
    let mut out = Vec::with_capacity(steps.len());
    for &i in &order {
        if let Some(s) = steps.get(i) {
            let mut s = s.clone();
            if let Anchor::Step(j) = s.anchor {
                s.anchor = Anchor::Step(new_pos.get(j).copied().unwrap_or(0));
            }
            out.push(s);
        }
    }
    Ok(out)
}
