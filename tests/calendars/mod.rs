//! Clinic calendars: day kinds, closing reasons, long holidays, make-up working days,
//! composition, coverage, the JSON form, and the official calendars of mainland China
//! (`rules/calendars/`) checked against `tests/data/cn_public_holidays.csv`.
//!
//! Weekdays in the hand-written tables were counted by hand (1 Jan 2026 is a Thursday)
//! and are checked by the tests.
//!
//! `china` checks the shipped official calendars, `days` day kinds and open-day searches,
//! `merge_and_json` composition, coverage and the JSON form.

use chrono::{Datelike, NaiveDate, Weekday};
use followup::{
    calendar::{Calendar, DayKind, ShiftReason},
    rules::RuleSet,
};
use std::collections::BTreeMap;
use std::path::Path;

mod china;
mod days;
mod merge_and_json;

/// The State Council table: `date,kind,name`, kind `holiday` or `workday`, CRLF endings.
const TABLE: &str = include_str!("../data/cn_public_holidays.csv");

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|_| panic!("bad test date {s}"))
}

fn cal(json: &str) -> Calendar {
    Calendar::from_json("test calendar", json).unwrap_or_else(|e| panic!("{e}"))
}

fn china(year: i32) -> Calendar {
    Calendar::china(year).unwrap_or_else(|e| panic!("{e}"))
}

/// A clinic that closes on holidays, works weekends, and takes its dates from the
/// official 2026 calendar.
fn clinic_2026() -> Calendar {
    cal(r#"{"closed_on_holidays": true}"#)
        .merge(&china(2026))
        .unwrap()
}

struct Row {
    date: NaiveDate,
    kind: DayKind,
    name: String,
}

fn table() -> Vec<Row> {
    let mut lines = TABLE.lines().map(|l| l.trim_end_matches('\r'));
    assert_eq!(lines.next(), Some("date,kind,name"));
    lines
        .map(|line| {
            let parts: Vec<&str> = line.split(',').collect();
            let [date, kind, name] = parts[..] else {
                panic!("not three columns: {line:?}");
            };
            let kind = match kind {
                "holiday" => DayKind::Holiday,
                "workday" => DayKind::MakeupWorkday,
                other => panic!("unknown kind {other:?} in {line:?}"),
            };
            Row {
                date: d(date),
                kind,
                name: name.to_string(),
            }
        })
        .collect()
}

/// The rows of each shipped year: the year of the date, except December 2001 (make-up
/// days for New Year 2002), which `cn-2002.json` holds outside its coverage.
fn rows_by_year() -> BTreeMap<i32, Vec<Row>> {
    let mut years: BTreeMap<i32, Vec<Row>> = BTreeMap::new();
    for row in table() {
        let year = row.date.year().max(*Calendar::CHINA_YEARS.start());
        years.entry(year).or_default().push(row);
    }
    years
}
