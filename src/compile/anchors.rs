//! Resolving `from` anchors and ordering steps so that each comes after its anchor.

use super::program::{Anchor, Milestone, Step};
use crate::error::Located;
use crate::lunar::LunarFestival;
use crate::model::{ProgramDef, Scope};
use std::collections::BTreeMap;

/// Anchor names no milestone or step may take.
pub(super) const RESERVED: [&str; 7] = [
    "event",
    "each_session",
    "before_each_upcoming_session",
    "course_end",
    "one_session_left",
    "birthday",
    "as_of",
];

/// The anchors with fixed names (`None`: a milestone or step id, resolved by the caller).
fn named_anchor(from: &str) -> Result<Option<Anchor>, String> {
    let kind = |rest: &str| -> Result<std::sync::Arc<str>, String> {
        if super::is_id(rest) {
            Ok(rest.into())
        } else {
            Err(format!("invalid fact kind {rest:?} in anchor {from:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"))
        }
    };
    Ok(Some(match from {
        "event" => Anchor::Event,
        "each_session" => Anchor::EachSession,
        "before_each_upcoming_session" => Anchor::UpcomingSession,
        "course_end" => Anchor::CourseEnd,
        "one_session_left" => Anchor::OneSessionLeft,
        "birthday" => Anchor::Birthday,
        "as_of" => Anchor::AsOf,
        _ => {
            if let Some(rest) = from.strip_prefix("fact:") {
                Anchor::Fact(kind(rest)?)
            } else if let Some(rest) = from.strip_prefix("latest:") {
                let mut kinds = Vec::new();
                for k in rest.split(',') {
                    let k = kind(k)?;
                    if kinds.contains(&k) {
                        return Err(format!("fact kind {k:?} is named twice in anchor {from:?}: expected each kind once"));
                    }
                    kinds.push(k);
                }
                Anchor::Latest(kinds.into())
            } else if let Some(rest) = from.strip_prefix("festival:") {
                let names: Vec<&str> = LunarFestival::ALL.iter().map(|f| f.id()).collect();
                if !cfg!(feature = "lunar") && LunarFestival::from_id(rest).is_some() {
                    return Err(format!("festival {rest:?} needs the `lunar` feature of followup, which this build leaves out"));
                }
                Anchor::Festival(LunarFestival::from_id(rest).ok_or_else(|| {
                    let near = crate::vocabulary::nearest(rest, &names)
                        .map(|n| format!("; did you mean \"festival:{n}\"?"))
                        .unwrap_or_default();
                    format!("unknown festival {rest:?}: expected one of {} (lunar festivals; Gregorian ones are \"date:MM-DD\"){near}", names.join(", "))
                })?)
            } else if let Some(rest) = from.strip_prefix("date:") {
                let parsed = rest
                    .split_once('-')
                    .filter(|(m, d)| m.len() == 2 && d.len() == 2)
                    .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
                    .filter(|&(m, d)| chrono::NaiveDate::from_ymd_opt(2024, m, d).is_some());
                let (m, d) = parsed.ok_or_else(|| {
                    format!("invalid date anchor {from:?}: expected \"date:MM-DD\", a day that exists in a leap year, such as \"date:02-14\"")
                })?;
                Anchor::Date(m, d)
            } else {
                return Ok(None);
            }
        }
    }))
}

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
        let patient_scope = def.scope == Scope::Patient;
        let from = match s.from.as_deref() {
            Some(f) => f,
            None if patient_scope => {
                return Err(Located::new(
                    format!("/steps/{i}/id"),
                    format!("step {:?} of a patient-level program has no \"from\": expected \"birthday\", \"festival:NAME\", \"date:MM-DD\" or \"as_of\"", s.id),
                ))
            }
            None => "event",
        };
        let named = named_anchor(from).map_err(|m| Located::new(format!("/steps/{i}/from"), m))?;
        if let Some(a) = &named {
            let for_patient = matches!(
                a,
                Anchor::Birthday | Anchor::Festival(_) | Anchor::Date(..) | Anchor::AsOf
            );
            if for_patient != patient_scope {
                let (what, expected) = if patient_scope {
                    ("a patient-level program", "\"birthday\", \"festival:NAME\", \"date:MM-DD\", \"as_of\" or another step")
                } else {
                    ("an episode program", "\"event\", a milestone, a session anchor, \"fact:KIND\", \"latest:KIND\" or another step (set \"scope\": \"patient\" for greetings)")
                };
                return Err(Located::new(
                    format!("/steps/{i}/from"),
                    format!("anchor {from:?} cannot be used in {what}: expected {expected}"),
                ));
            }
        }
        let (anchor, p) = if let Some(a) = named {
            (a, None)
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
            let others: Vec<&str> = (def.steps.iter())
                .map(|s| s.id.as_str())
                .filter(|id| *id != s.id)
                .collect();
            let steps = if others.is_empty() {
                String::new()
            } else {
                format!(" ({})", others.join(", "))
            };
            let mut message = if patient_scope {
                format!("unknown anchor {from:?}: expected \"birthday\", \"festival:NAME\", \"date:MM-DD\", \"as_of\" or the id of another step of this program{steps}")
            } else {
                format!("unknown anchor {from:?}: expected \"event\"{known}, a session anchor (each_session, before_each_upcoming_session, course_end, one_session_left), \"fact:KIND\", \"latest:KIND\" or the id of another step of this program{steps}")
            };
            let candidates: Vec<&str> = (names.iter().chain(&others).copied())
                .chain(RESERVED)
                .collect();
            if let Some(near) = crate::vocabulary::nearest(from, &candidates) {
                message.push_str(&format!("; did you mean {near:?}?"));
            }
            return Err(Located::new(format!("/steps/{i}/from"), message));
        };
        if let Some(step) = steps.get_mut(i) {
            // A fact is known when it is recorded: nothing is planned before it.
            if matches!(anchor, Anchor::Fact(_) | Anchor::Latest(_))
                && step.offset.negative
                && (step.offset.months, step.offset.days) != (0, 0)
            {
                return Err(Located::new(
                    format!("/steps/{i}/offset"),
                    format!("step {:?} is counted from a fact ({from:?}) and its offset is negative: expected an offset of zero or more (a fact is known only once it is recorded: nothing can be planned before it)", s.id),
                ));
            }
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
                    format!("the steps' anchors form a cycle ({}): expected every chain of anchors to end at an anchor that is no step (\"event\", a milestone, a session anchor, a fact)", names.join(" → ")),
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
    // Parents first; then the steps counted from the event or a visit with a default
    // day, by their day from the event; then the others (counted from a session, a fact,
    // a visit with no default day), by the offset from their own anchor; and by id —
    // whatever order the file lists them in (audits 150, 151, 152: two calls of one lane
    // competing for the only open day between them got it by which was listed first).
    let day = |i: usize| -> (bool, i64) {
        let Some(s) = steps.get(i) else {
            return (true, 0);
        };
        let offset = s.offset.approx_signed_days();
        let from_event = match s.anchor {
            Anchor::Event => Some(0),
            Anchor::Milestone(m) => (milestones.get(m))
                .and_then(|m| m.default)
                .map(|d| d.approx_signed_days()),
            _ => None,
        };
        match from_event {
            Some(d) => (false, d.saturating_add(offset)),
            None => (true, offset),
        }
    };
    let id = |i: usize| def.steps.get(i).map_or("", |s| s.id.as_str());
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| (depth.get(i).copied().unwrap_or(0), day(i));
        key(a).cmp(&key(b)).then_with(|| id(a).cmp(id(b)))
    });
    let mut new_pos = vec![0usize; steps.len()];
    for (pos, &i) in order.iter().enumerate() {
        if let Some(slot) = new_pos.get_mut(i) {
            *slot = pos;
        }
    }
    let mut out = Vec::with_capacity(steps.len());
    // Days after its fact of each step out that counts from one (its chain's offsets).
    let mut after_fact: Vec<i64> = Vec::with_capacity(steps.len());
    for &i in &order {
        if let Some(s) = steps.get(i) {
            let mut s = s.clone();
            if let Anchor::Step(j) = s.anchor {
                s.anchor = Anchor::Step(new_pos.get(j).copied().unwrap_or(0));
            }
            // Its parent is already out: parents come first.
            s.lane.from_fact = match &s.anchor {
                Anchor::Fact(_) | Anchor::Latest(_) => {
                    u32::try_from(out.len()).map_or(u32::MAX, |n| n.saturating_add(1))
                }
                Anchor::Step(j) => out.get(*j).map_or(0, |p: &Step| p.lane.from_fact),
                _ => 0,
            };
            let days = s.offset.approx_signed_days();
            let after = match &s.anchor {
                Anchor::Step(j) if s.lane.from_fact != 0 => after_fact
                    .get(*j)
                    .copied()
                    .unwrap_or(0)
                    .saturating_add(days),
                _ => days,
            };
            // Nothing is planned before a fact is recorded, through a chain of steps
            // either (audit 46): the direct case is refused above.
            if s.lane.from_fact != 0 && after < 0 {
                let id = def.steps.get(i).map_or("", |d| d.id.as_str());
                let n = -after;
                let unit = if n == 1 { "day" } else { "days" };
                return Err(Located::new(
                    format!("/steps/{i}/offset"),
                    format!("step {id:?} counts from a step counted from a fact, and with their offsets it comes before the fact (by about {n} {unit}): expected offsets that keep it on or after the fact's day (a fact is known only once it is recorded)"),
                ));
            }
            after_fact.push(after);
            out.push(s);
        }
    }
    Ok(out)
}
