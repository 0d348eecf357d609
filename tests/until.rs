//! A step that stops at a milestone (`until`): a ward visit after the discharge is no
//! visit (docs/domain.md §1: the ward visit is for inpatients, in the ward). Days are
//! written by hand: the event is Mon 2 Mar 2026.

use crate::support::{dropped, episode};
use followup::{calendar::Calendar, plan::Plan, rules::RuleSet};

/// A daily in-person check from the day after the event, 10 days, until the suture
/// removal (default D+7, moved to the next open day when the clinic is closed).
const RULES: &str = r#"{
  "format": "followup/v1", "id": "stay",
  "name": {"zh": "住院", "en": "Stay"},
  "milestones": {"discharge": null, "suture_removal": {"default": "P7D", "closed_day": "next_open_day"}},
  "steps": [
    {"id": "daily-check", "offset": "P1D", "repeat": "FREQ=DAILY;COUNT=10", "until": "suture_removal",
     "channel": "in_person", "closed_day": "keep", "title": {"zh": "查房", "en": "Ward round"}},
    {"id": "call", "offset": "P1D", "repeat": "FREQ=DAILY;COUNT=3", "until": "discharge",
     "title": {"zh": "电话", "en": "Call"}}
  ]
}"#;

fn plan(milestones: &str, calendar: &Calendar) -> Plan {
    let rules = RuleSet::builder()
        .source("stay.json", RULES)
        .build()
        .unwrap();
    let ep = episode(&format!(
        r#"{{"id": "e-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "patient": {{"id": "p-1"}}, "milestones": {{{milestones}}}}}"#
    ));
    rules.plan(&ep, calendar).unwrap()
}

fn days(p: &Plan, step: &str) -> Vec<String> {
    (p.tasks.iter())
        .filter(|t| t.step() == step)
        .map(|t| t.due.format("%d").to_string())
        .collect()
}

#[test]
fn a_step_stops_after_its_milestones_default_day_as_the_calendar_moved_it() {
    // The suture removal's default, Mon 9 Mar, is closed: it moves to Tue 10 Mar. The
    // checks of 3 to 10 Mar are kept (the 9th too: closed_day keep), those of 11 and 12
    // are dropped, stopped by the suture removal.
    let cal = Calendar::from_json("clinic.json", r#"{"closed_dates": ["2026-03-09"]}"#).unwrap();
    let p = plan("", &cal);
    assert_eq!(
        days(&p, "daily-check"),
        ["03", "04", "05", "06", "07", "08", "09", "10"]
    );
    let stops: Vec<String> = dropped(&p)
        .into_iter()
        .filter(|d| d.contains("daily-check"))
        .collect();
    assert_eq!(
        stops,
        [
            "stay/daily-check/e-1/8 stopped suture_removal 2026-03-11",
            "stay/daily-check/e-1/9 stopped suture_removal 2026-03-12",
        ]
    );
    // No discharge given, and it has no default: the calls are not stopped.
    assert_eq!(days(&p, "call"), ["03", "04", "05"]);
}

#[test]
fn a_milestone_given_twice_stops_at_its_first_day_and_its_own_day_is_kept() {
    let p = plan(
        r#""suture_removal": ["2026-03-20", "2026-03-07"], "discharge": "2026-03-04""#,
        &Calendar::default(),
    );
    assert_eq!(days(&p, "daily-check"), ["03", "04", "05", "06", "07"]);
    // Discharged on the 4th: the calls of the 3rd and the 4th, not the 5th.
    assert_eq!(days(&p, "call"), ["03", "04"]);
    assert!(dropped(&p).contains(&"stay/call/e-1/2 stopped discharge 2026-03-05".to_string()));
    assert_eq!(
        (p.dropped.iter())
            .filter(|d| d.step() == "daily-check")
            .count(),
        5
    );
}
