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
    let stops = crate::support::dropped_with(&p, "daily-check");
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

/// The built-in plastic inpatient of Mon 2 Mar 2026 10:00, discharged on `discharge`.
fn inpatient(discharge: &str) -> followup::episode::Episode {
    episode(&format!(
        r#"{{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {{"category": "plastic", "setting": "inpatient"}},
            "patient": {{"id": "p-1"}}, "milestones": {{"discharge": "{discharge}"}}}}"#
    ))
}

#[test]
fn a_ward_visit_is_worth_doing_until_the_discharge_then_expires_rather_than_goes_overdue() {
    // Discharged Sat 7 Mar: the ward visit of Wed 4 Mar is on time that day (a visit has no
    // window of days) and worth doing until the 7th; not done by then, it has expired
    // (docs/domain.md §9), not "missed".
    let rules = crate::support::builtin();
    let ep = inpatient("2026-03-07");
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    for (as_of, status) in [
        ("2026-03-04", followup::plan::Status::Open),
        ("2026-03-06", followup::plan::Status::Missed),
        ("2026-03-08", followup::plan::Status::Expired),
    ] {
        let p = rules
            .plan_as_of(&ep, &Calendar::default(), day(as_of))
            .unwrap();
        let visit = p.tasks.iter().find(|t| t.step() == "ward-visit").unwrap();
        assert_eq!(
            (visit.due, visit.expires),
            (day("2026-03-04"), Some(day("2026-03-07")))
        );
        assert_eq!(visit.status, Some(status), "{as_of}");
    }
}

#[test]
fn a_ward_visit_the_history_moves_past_the_discharge_is_dropped_and_the_move_reported() {
    // Discharged Wed 4 Mar; the consultant agreed on the 3rd to visit on the 6th: the
    // patient has left by then.
    let rules = crate::support::builtin();
    let p = ward_visit_moved(&rules, "2026-03-04", "2026-03-03T10:00", "2026-03-06T10:00");
    assert!(p.tasks.iter().all(|t| t.step() != "ward-visit"));
    let d = p.dropped.iter().find(|d| d.step() == "ward-visit").unwrap();
    assert_eq!(
        (d.reason, d.detail.as_deref()),
        (followup::plan::DropReason::Stopped, Some("discharge"))
    );
    assert_eq!(p.ignored.len(), 1);
    // Agreed for the discharge day itself: kept, moved there.
    let p = ward_visit_moved(&rules, "2026-03-04", "2026-03-03T10:00", "2026-03-04T15:00");
    let visit = p.tasks.iter().find(|t| t.step() == "ward-visit").unwrap();
    assert_eq!(visit.due.to_string(), "2026-03-04");
}

#[test]
fn the_retries_of_a_call_that_stops_at_a_milestone_stop_there_too() {
    // A ward call with retries the next day; discharged Wed 4 Mar. Unanswered on the 3rd
    // and the 4th: the third attempt would be on the 5th, after the discharge.
    let rules = ward_rules(r#"{"retry_after": "P1D", "max_attempts": 3, "then": "drop"}"#);
    let p = ward_plan(
        &rules,
        r#"{"task": "ward/ward-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:00"},
           {"task": "ward/ward-call/ep-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-04T10:00"}"#,
    );
    assert!(
        p.tasks.iter().all(|t| t.due.to_string() != "2026-03-05"),
        "{:?}",
        p.tasks.iter().map(|t| (t.id(), t.due)).collect::<Vec<_>>()
    );
}

#[test]
fn a_day_the_history_gives_is_worth_doing_until_the_milestone_at_most() {
    let rules = crate::support::builtin();
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    // Discharged Thu 5 Mar; the ward visit agreed for the morning of the 5th: worth doing
    // that day, not a week after it.
    let p = ward_visit_moved(&rules, "2026-03-05", "2026-03-04T10:00", "2026-03-05T10:00");
    let visit = p.tasks.iter().find(|t| t.step() == "ward-visit").unwrap();
    assert_eq!(
        (visit.due, visit.latest, visit.expires),
        (
            day("2026-03-05"),
            day("2026-03-05"),
            Some(day("2026-03-05"))
        )
    );

    // A ward call unanswered three times on the 3rd: the message the rule sends then is
    // worth sending until the discharge on the 4th, not for three days.
    let rules = ward_rules(r#"{"retry_after": "PT2H", "max_attempts": 3, "then": "sms"}"#);
    let p = ward_plan(
        &rules,
        r#"{"task": "ward/ward-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:00"},
           {"task": "ward/ward-call/ep-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-03T12:00"},
           {"task": "ward/ward-call/ep-1/0/attempt-3", "outcome": "no_answer", "at": "2026-03-03T14:00"}"#,
    );
    let message = (p.tasks.iter())
        .find(|t| t.derived == Some(followup::plan::Derived::Message))
        .unwrap_or_else(|| panic!("{:?}", p.tasks.iter().map(|t| t.id()).collect::<Vec<_>>()));
    assert_eq!(message.expires, Some(day("2026-03-04")));
    assert!(message.latest <= day("2026-03-04"));
}

/// A ward call from the day after the event, stopping at the discharge, on time for 3
/// days, with `no_answer` (a JSON object).
fn ward_rules(no_answer: &str) -> RuleSet {
    crate::support::one_program(
        "ward",
        &format!(
            r#""milestones": {{"discharge": null}},
      "steps": [{{"id": "ward-call", "offset": "P1D", "until": "discharge", "window": "P3D",
                 "no_answer": {no_answer}, "title": {{"zh": "病房电话", "en": "Ward call"}}}}]"#
        ),
    )
}

/// The ward call's patient: an event on Mon 2 Mar 2026, discharged Wed 4 Mar; `outcomes`
/// of its history (JSON objects).
fn ward_plan(rules: &RuleSet, outcomes: &str) -> Plan {
    let history = followup::history::History::from_json(
        "history.json",
        &format!(r#"{{"outcomes": [{outcomes}]}}"#),
    )
    .unwrap();
    let ep = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "patient": {"id": "p-1"}, "milestones": {"discharge": "2026-03-04"}}"#,
    );
    rules
        .plan_with(&ep, &history, &Calendar::default())
        .unwrap()
}

/// The built-in plan of the inpatient discharged on `discharge`, whose ward visit was
/// rescheduled at `at` to `to`.
fn ward_visit_moved(rules: &RuleSet, discharge: &str, at: &str, to: &str) -> Plan {
    let history = followup::history::History::from_json(
        "history.json",
        &format!(
            r#"{{"outcomes": [{{"task": "plastic-aftercare/ward-visit/ep-1/0", "outcome": "rescheduled",
                "at": "{at}", "to": "{to}"}}]}}"#
        ),
    )
    .unwrap();
    rules
        .plan_with(&inpatient(discharge), &history, &Calendar::default())
        .unwrap()
}
