//! Property tests: one per invariant of docs/design.md ("Invariants"), each named after its
//! property. Case counts are modest so that the whole file runs in a few seconds in debug
//! mode on two cores; raise them locally with `PROPTEST_CASES=10000`.
//!
//! `strategies` generates episodes and calendars, `fuzz` texts for the loaders; the
//! properties are grouped by what they are about: `plans`, `months` and `fuzz`.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use followup::{
    calendar::{Calendar, ShiftReason},
    episode::Episode,
    plan::{DropReason, Plan},
    rules::{Channel, ClosedDay, Limits, MonthEnd, Offset, RuleSet, WindowDef, BUILTIN_RULES},
};
use followup::{episode::Dates, rules::Landing};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod fuzz;
mod history;
mod months;
mod plans;
mod strategies;
mod windows;

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

/// The built-in rule texts with every step's `closed_day` set to `policy`, and no
/// `max_shift`.
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
            if let Some(d) = program.get_mut("defaults").and_then(Value::as_object_mut) {
                d.remove("max_shift");
                d.remove("beyond_max_shift");
            }
            for step in program["steps"].as_array_mut().unwrap() {
                step["closed_day"] = Value::from(policy);
                let step = step.as_object_mut().unwrap();
                step.remove("max_shift");
                step.remove("beyond_max_shift");
            }
        }
        b = b.source(*name, serde_json::to_string_pretty(&v).unwrap());
    }
    b.build().unwrap()
}

/// The built-in rules as written, then with every step forced to each closed-day policy
/// (without `max_shift`).
fn policy_variants() -> &'static [RuleSet; 5] {
    static RULES: OnceLock<[RuleSet; 5]> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            RuleSet::builtin().unwrap(),
            builtin_with_closed_day("keep"),
            builtin_with_closed_day("next_open_day"),
            builtin_with_closed_day("previous_open_day"),
            builtin_with_closed_day("nearest_open_day"),
        ]
    })
}

/// What the rule definitions say about each (program, step): its effective closed-day
/// policy, whether its offset is negative, the milestone its anchor is (with the
/// milestone's default offset and closed-day policy when it has a default), its channel,
/// its `max_shift` in days and whether it keeps its day beyond it.
struct StepFacts {
    closed_day: ClosedDay,
    negative: bool,
    milestone: Option<String>,
    milestone_default: Option<(String, Offset, ClosedDay)>,
    /// Its own offset (from its anchor).
    offset: Offset,
    channel: Channel,
    max_shift: Option<i64>,
    keep_beyond: bool,
    /// Its window is `fixed`: a closed day moves it inside the window, either way.
    fixed_window: bool,
    /// It counts from a fact (`fact:KIND`, `latest:KIND`): a lane of its own, one per
    /// fact (docs/rule-format.md, "Calls of one program never pile up").
    from_fact: bool,
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
            let milestone = s
                .from
                .as_deref()
                .filter(|from| p.milestones.contains_key(*from))
                .map(String::from);
            let milestone_default = s.from.as_deref().and_then(|from| {
                let m = p.milestones.get(from)?;
                let default = m.default.as_deref()?;
                let policy = m.closed_day.unwrap_or_default();
                Some((from.to_string(), Offset::parse(default).unwrap(), policy))
            });
            let closed_day = s.closed_day.or(p.defaults.closed_day).unwrap_or_default();
            let max_shift = s
                .max_shift
                .as_deref()
                .or(p.defaults.max_shift.as_deref())
                .map(|m| Offset::parse(m).unwrap().signed_days().unwrap());
            let keep_beyond = s.beyond_max_shift.or(p.defaults.beyond_max_shift)
                == Some(followup::rules::BeyondMaxShift::Keep);
            let fixed_window = matches!(
                s.window.as_ref().or(p.defaults.window.as_ref()),
                Some(WindowDef::Range { fixed: true, .. } | WindowDef::Around { fixed: true, .. })
            );
            out.insert(
                (p.id.clone(), s.id.clone()),
                StepFacts {
                    closed_day,
                    negative,
                    milestone,
                    milestone_default,
                    offset: Offset::parse(s.offset.as_deref().unwrap_or("P0D")).unwrap(),
                    channel: s.channel.or(p.defaults.channel).unwrap_or(Channel::Phone),
                    max_shift,
                    keep_beyond,
                    fixed_window,
                    from_fact: s
                        .from
                        .as_deref()
                        .is_some_and(|f| f.starts_with("fact:") || f.starts_with("latest:")),
                },
            );
        }
    }
    out
}

/// The day a visit given by its default offset takes, found independently of the
/// library: its default day when the clinic is open then (or the milestone keeps closed
/// days), else the open day its policy finds, never before the event (after it for a
/// positive offset).
fn visit_day(cal: &Calendar, event: NaiveDate, default: &Offset, policy: ClosedDay) -> NaiveDate {
    let Landing::Date(d0) = default.apply(event, MonthEnd::Clamp) else {
        unreachable!()
    };
    if policy == ClosedDay::Keep || cal.is_open(d0) {
        return d0;
    }
    let lo = if *default == Offset::ZERO {
        event
    } else {
        plus(event, 1)
    };
    let open = |d: NaiveDate| d >= lo && cal.is_open(d);
    let forward = (1..800).map(|k| plus(d0, k)).find(|&d| open(d));
    let backward = (1..800)
        .map(|k| plus(d0, -k))
        .take_while(|&d| d >= lo)
        .find(|&d| open(d));
    let found = match policy {
        ClosedDay::NextOpenDay => forward.or(backward),
        ClosedDay::PreviousOpenDay => backward.or(forward),
        _ => match (forward, backward) {
            (Some(f), Some(b)) if (d0 - b) < (f - d0) => Some(b),
            (f, b) => f.or(b),
        },
    };
    found.unwrap_or(d0)
}

/// The time of day rounded up to the minute.
fn ceil_minute(t: chrono::NaiveTime) -> chrono::NaiveTime {
    use chrono::Timelike;
    let m = t.with_second(0).unwrap().with_nanosecond(0).unwrap();
    if m < t {
        m + chrono::TimeDelta::minutes(1)
    } else {
        m
    }
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
        .chain(plan.dropped.iter().map(|d| d.id().clone()))
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
