//! Patient-level programs (`"scope": "patient"`): birthday and festival greetings and the
//! quarterly light touch of docs/domain.md section 5, planned with `RuleSet::plan_patient` over
//! a horizon.
//!
//! Every expected date was worked out by hand (the reasoning is in the comments), never
//! copied from the program's output. Lunar festival dates come from
//! `tests/data/lunar_festivals_2020_2035.csv`, a table independent of the engine.
//!
//! Weekdays used below, counted from Thursday 1 January 2026 (2026-03-02 is a Monday, as
//! tests/golden.rs says: 1 Jan is 31 + 28 + 1 = 60 days before, 60 = 8 × 7 + 4, and four
//! days before a Monday is a Thursday). 1 May is day 121 of a common year and day 122 of a
//! leap year, so it is 120 (common) or 121 (leap) days after 1 January.
//!
//! `dates` holds the greeting calendars, `tags_and_scope` who gets what and which planner
//! plans it, `errors` the horizons and rules that are refused.

use crate::support::{builtin, ser};
use chrono::{Datelike, NaiveDate};
use followup::{
    calendar::Calendar,
    episode::Patient,
    plan::{DropReason, Plan},
    rules::RuleSet,
    Error,
};

mod dates;
mod errors;
mod tags_and_scope;

const LUNAR_CSV: &str = include_str!("../data/lunar_festivals_2020_2035.csv");

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn patient(id: &str, birthday: Option<&str>, tags: &[&str]) -> Patient {
    Patient {
        id: id.into(),
        birthday: birthday.map(d),
        tags: tags.iter().map(|t| (*t).to_string()).collect(),
        ..Patient::default()
    }
}

fn plan_with(rules: &RuleSet, p: &Patient, from: &str, until: &str) -> Plan {
    rules
        .plan_patient(p, d(from), d(until), &Calendar::default())
        .expect("patient plan")
}

fn plan_builtin(p: &Patient, from: &str, until: &str) -> Plan {
    plan_with(&builtin(), p, from, until)
}

fn rules(name: &str, text: &str) -> RuleSet {
    RuleSet::builder()
        .source(name, text)
        .build()
        .unwrap_or_else(|e| panic!("{name} compiles: {e}"))
}

fn build_err(name: &str, text: &str) -> Error {
    match RuleSet::builder().source(name, text).build() {
        Ok(_) => panic!("{name}: accepted, expected an error"),
        Err(e) => e,
    }
}

fn plan_err(rules: &RuleSet, p: &Patient, from: &str, until: &str) -> Error {
    match rules.plan_patient(p, d(from), d(until), &Calendar::default()) {
        Ok(plan) => panic!("planned {} tasks, expected an error", plan.tasks.len()),
        Err(e) => e,
    }
}

/// One line per task: `due program/step channel role window`, plus ` <- nominal` when
/// the task was moved.
fn lines(plan: &Plan) -> Vec<String> {
    plan.tasks
        .iter()
        .map(|t| {
            let mut s = format!(
                "{} {}/{} {} {} {}",
                t.due,
                t.program(),
                t.step(),
                ser(&t.channel()),
                ser(&t.role()),
                t.window
            );
            if t.nominal != t.due {
                s.push_str(&format!(" <- {}", t.nominal));
            }
            s
        })
        .collect()
}

/// `(due, step)` of the tasks of one step, in plan order.
fn dates_of(plan: &Plan, step: &str) -> Vec<String> {
    plan.tasks
        .iter()
        .filter(|t| t.step() == step)
        .map(|t| t.due.to_string())
        .collect()
}

#[track_caller]
fn assert_lines(plan: &Plan, expected: &[&str]) {
    let got = lines(plan);
    if got != expected {
        panic!(
            "plan differs\n--- expected\n{}\n--- got\n{}\n",
            expected.join("\n"),
            got.join("\n")
        );
    }
}

/// The rows of the lunar table for `years`: `(year, festival id, date)`.
fn lunar_rows(years: std::ops::RangeInclusive<i32>) -> Vec<(i32, String, NaiveDate)> {
    let rows: Vec<(i32, String, NaiveDate)> = LUNAR_CSV
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            assert_eq!(cols.len(), 3, "row {l:?}");
            (
                cols[0].parse().expect("year"),
                cols[1].to_string(),
                d(cols[2]),
            )
        })
        .collect();
    assert_eq!(
        rows.len(),
        16 * 6,
        "the table covers 2020-2035, six festivals"
    );
    rows.into_iter()
        .filter(|(y, _, _)| years.contains(y))
        .collect()
}

/// The date of `festival` in `year` from the independent table.
fn lunar(year: i32, festival: &str) -> String {
    lunar_rows(year..=year)
        .into_iter()
        .find(|(_, f, _)| f == festival)
        .map(|(_, _, date)| date.to_string())
        .unwrap_or_else(|| panic!("{festival} {year} not in the table"))
}
