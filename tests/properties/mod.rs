//! Property tests: one per invariant of DESIGN.md ("Invariants"), each named after its
//! property. Case counts are modest so that the whole file runs in a few seconds in debug
//! mode on two cores; raise them locally with `PROPTEST_CASES=10000`.
//!
//! `strategies` generates episodes and calendars, `fuzz` texts for the loaders; the
//! properties are grouped by what they are about: `plans`, `months` and `fuzz`.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use followup::{
    Calendar, ClosedDay, DropReason, Episode, Limits, MonthEnd, Offset, Plan, RuleSet,
    BUILTIN_RULES,
};
use followup::{Dates, Landing};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod fuzz;
mod months;
mod plans;
mod strategies;

use strategies::*;

// ---------------------------------------------------------------------------------------
// Shared rule sets, compiled once per test binary.

fn builtin() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

/// A second built-in rule set, compiled separately from [`builtin`].
fn builtin_again() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builder().builtin().build().unwrap())
}

/// The built-in rule texts with every step's `closed_day` set to `policy`.
fn builtin_with_closed_day(policy: &str) -> RuleSet {
    let mut b = RuleSet::builder();
    for (name, text) in BUILTIN_RULES {
        let mut v: Value = serde_json::from_str(text).unwrap();
        // A rule text holds one program or an array of them.
        let programs = match &mut v {
            Value::Array(programs) => programs.iter_mut().collect(),
            program => vec![program],
        };
        for program in programs {
            for step in program["steps"].as_array_mut().unwrap() {
                step["closed_day"] = Value::from(policy);
            }
        }
        b = b.source(*name, serde_json::to_string_pretty(&v).unwrap());
    }
    b.build().unwrap()
}

/// The built-in rules as written, then with every step forced to each closed-day policy.
fn policy_variants() -> &'static [RuleSet; 4] {
    static RULES: OnceLock<[RuleSet; 4]> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            RuleSet::builtin().unwrap(),
            builtin_with_closed_day("keep"),
            builtin_with_closed_day("next_open_day"),
            builtin_with_closed_day("previous_open_day"),
        ]
    })
}

/// What the rule definitions say about each (program, step): its effective closed-day
/// policy, whether its offset is negative, and the milestone default its anchor falls
/// back on (`Some` only for steps counted from a milestone that has a default).
struct StepFacts {
    closed_day: ClosedDay,
    negative: bool,
    milestone_default: Option<(String, Offset)>,
}

fn step_facts(rules: &RuleSet) -> BTreeMap<(String, String), StepFacts> {
    let mut out = BTreeMap::new();
    for sp in rules.definitions() {
        let p = &sp.program;
        for s in &p.steps {
            let negative = s
                .offset
                .as_deref()
                .is_some_and(|o| Offset::parse(o).unwrap().negative);
            let milestone_default = s.from.as_deref().and_then(|from| {
                let default = p.milestones.get(from)?.as_deref()?;
                Some((from.to_string(), Offset::parse(default).unwrap()))
            });
            let closed_day = s.closed_day.or(p.defaults.closed_day).unwrap_or_default();
            out.insert(
                (p.id.clone(), s.id.clone()),
                StepFacts {
                    closed_day,
                    negative,
                    milestone_default,
                },
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Strategies.

fn date_between(from_year: i32, to_year: i32) -> impl Strategy<Value = NaiveDate> {
    // Uniform over (year, month, day) rather than over days, so month ends are frequent.
    (from_year..to_year, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// Any date the crate supports, the ends of the range more often.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        (0u64..800).prop_map(|d| NaiveDate::MIN.checked_add_days(Days::new(d)).unwrap()),
        (0u64..800).prop_map(|d| NaiveDate::MAX.checked_sub_days(Days::new(d)).unwrap()),
        (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
            .prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap()),
    ]
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs())).unwrap()
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs())).unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// Checks shared by several properties.

fn to_json(plan: &Plan) -> String {
    serde_json::to_string(plan).unwrap()
}

fn all_ids(plan: &Plan) -> Vec<String> {
    let tasks = plan.tasks.iter().map(|t| t.id());
    tasks
        .chain(plan.dropped.iter().map(|d| d.id.clone()))
        .collect()
}

fn shifted(ep: &Episode, days: i64) -> Episode {
    let mut moved = ep.clone();
    let at: NaiveDateTime = plus(ep.date(), days).and_time(ep.at.time());
    moved.at = at;
    for dates in moved.milestones.values_mut() {
        for d in &mut dates.0 {
            *d = plus(*d, days);
        }
    }
    if let Some(course) = &mut moved.course {
        for d in course.done.iter_mut().chain(course.planned.iter_mut()) {
            *d = plus(*d, days);
        }
    }
    for f in &mut moved.facts {
        f.at = plus(f.at.date(), days).and_time(f.at.time());
    }
    moved
}
fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn check_error(e: &followup::Error, name: &str) {
    let shown = e.to_string();
    assert!(!shown.is_empty());
    assert!(
        shown.starts_with(&format!("{name}: ")),
        "the error does not name its source {name:?}: {shown}"
    );
    assert!(shown.len() > name.len() + 2, "no message: {shown}");
}
fn episode_on(date: NaiveDate) -> Episode {
    let mut ep = base_episode("e", "p");
    ep.at = date.and_hms_opt(9, 0, 0).unwrap();
    ep
}

/// A bare episode, read from JSON so that fields added to `Episode` later need no change
/// here.
fn base_episode(id: &str, patient: &str) -> Episode {
    serde_json::from_value(serde_json::json!({
        "id": id, "event": "procedure", "at": "2000-01-01", "patient": {"id": patient}
    }))
    .unwrap()
}
// ---------------------------------------------------------------------------------------
// Properties.

/// `default` cases, or `PROPTEST_CASES` when set (to search harder locally).
fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(n)
}
