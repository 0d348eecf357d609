//! A task whose day staff pick (`picked_by`: the pre-sales second follow-up, picked "from
//! the first call", docs/domain.md §4) never supersedes the call before it over a
//! closure: the call takes its day, the picked task follows it — but neither passes, nor
//! shares a day with, a later call of the lane, and `max_shift` holds. Days by hand: the
//! consultation is Mon 2 Mar 2026 at 10:00 (19:30 for the evening one).

use crate::support::{dropped, episode, lines};
use followup::{calendar::Calendar, rules::RuleSet};

/// A call on D+3, the picked follow-up from D+4 (window to D+30), a call on `c` days;
/// `extra` is added to the first call.
fn rules(c: &str, extra: &str) -> RuleSet {
    let text = format!(
        r#"{{"format": "followup/v1", "id": "ps", "name": {{"zh": "x", "en": "x"}},
        "applies": {{"event": "consultation"}},
        "defaults": {{"channel": "phone", "role": "consultant", "time": "afternoon", "closed_day": "next_open_day"}},
        "steps": [
          {{"id": "a-call", "offset": "P3D"{extra}, "title": {{"zh": "a", "en": "a"}}}},
          {{"id": "b-picked", "offset": "P4D", "window": {{"latest": "P26D"}}, "picked_by": "consultant", "title": {{"zh": "b", "en": "b"}}}},
          {{"id": "c-call", "offset": "{c}", "title": {{"zh": "c", "en": "c"}}}}
        ]}}"#
    );
    RuleSet::builder().source("ps.json", text).build().unwrap()
}

fn closed(dates: &[&str]) -> Calendar {
    let list: Vec<String> = dates.iter().map(|d| format!("\"{d}\"")).collect();
    Calendar::from_json(
        "clinic.json",
        &format!(r#"{{"closed_dates": [{}]}}"#, list.join(", ")),
    )
    .unwrap()
}

const LEAD: &str = r#"{"id": "ep-1", "event": "consultation", "at": "2026-03-02T10:00", "patient": {"id": "p-1"}}"#;

#[test]
fn the_call_takes_the_day_after_the_closure_and_the_picked_task_the_day_after_it() {
    // Closed Thu 5 and Fri 6 Mar: the D+3 call (the 5th) goes to Sat 7 Mar, past the
    // picked task's first day (the 6th); the picked task from Sun 8 Mar; the D+12 call on
    // the 14th, untouched.
    let p = rules("P12D", "")
        .plan(&episode(LEAD), &closed(&["2026-03-05", "2026-03-06"]))
        .unwrap();
    assert_eq!(
        lines(&p),
        [
            "2026-03-07 a-call phone consultant <- 2026-03-05 (closed_date)",
            "2026-03-08 b-picked phone consultant <- 2026-03-06 (closed_date)",
            "2026-03-14 c-call phone consultant",
        ]
    );
    assert!(p.dropped.is_empty());
}

#[test]
fn a_closure_up_to_a_later_call_leaves_the_call_superseded_as_before() {
    // Closed 5 to 13 Mar, the D+3 call worth doing for a month: no day before the D+12
    // call's (the 14th) for it, even allowing 9 days (max_shift): it is superseded, and so
    // is the picked task.
    let cal = closed(&[
        "2026-03-05",
        "2026-03-06",
        "2026-03-07",
        "2026-03-08",
        "2026-03-09",
        "2026-03-10",
        "2026-03-11",
        "2026-03-12",
        "2026-03-13",
    ]);
    for extra in [
        r#", "expires": "P30D""#,
        r#", "expires": "P30D", "max_shift": "P9D", "beyond_max_shift": "drop""#,
    ] {
        let p = rules("P12D", extra).plan(&episode(LEAD), &cal).unwrap();
        assert_eq!(lines(&p), ["2026-03-14 c-call phone consultant"], "{extra}");
        assert_eq!(
            dropped(&p),
            [
                "ps/a-call/ep-1/0 superseded b-picked 2026-03-05",
                "ps/b-picked/ep-1/0 superseded c-call 2026-03-06",
            ]
        );
    }
    // With max_shift P1D the call may not reach the 7th: the closure (5 and 6 Mar) drops
    // it beyond its max_shift instead of letting it pass.
    let p = rules(
        "P12D",
        r#", "max_shift": "P1D", "beyond_max_shift": "drop""#,
    )
    .plan(&episode(LEAD), &closed(&["2026-03-05", "2026-03-06"]))
    .unwrap();
    assert!(p
        .tasks
        .iter()
        .all(|t| t.step() != "a-call" || (t.due - t.nominal).num_days() <= 1));
}

#[test]
fn the_picked_task_never_shares_a_day_with_a_later_call() {
    // Closed Thu 5 Mar: the D+3 call goes to the 6th (the picked task's first day), the
    // D+5 call keeps the 7th: no day is left between them for the picked task, which the
    // D+5 call supersedes.
    let p = rules("P5D", "")
        .plan(&episode(LEAD), &closed(&["2026-03-05"]))
        .unwrap();
    assert_eq!(
        lines(&p),
        [
            "2026-03-06 a-call phone consultant <- 2026-03-05 (closed_date)",
            "2026-03-07 c-call phone consultant",
        ]
    );
    assert_eq!(
        dropped(&p),
        ["ps/b-picked/ep-1/0 superseded c-call 2026-03-06"]
    );
}

#[test]
fn an_evening_call_kept_on_closed_days_goes_to_the_next_day_before_the_picked_task() {
    // A call on the event's day, kept on closed days; the consultation at 19:30 leaves no
    // afternoon: the call goes to Tue 3 Mar, the picked task (first day the 3rd) to the 4th.
    let text = r#"{"format": "followup/v1", "id": "ps", "name": {"zh": "x", "en": "x"},
      "applies": {"event": "consultation"},
      "defaults": {"channel": "phone", "role": "consultant", "time": "afternoon", "closed_day": "next_open_day"},
      "steps": [
        {"id": "a-call", "offset": "P0D", "closed_day": "keep", "title": {"zh": "a", "en": "a"}},
        {"id": "b-picked", "offset": "P1D", "window": {"latest": "P26D"}, "picked_by": "consultant", "title": {"zh": "b", "en": "b"}}
      ]}"#;
    let rules = RuleSet::builder().source("ps.json", text).build().unwrap();
    let ep = episode(
        r#"{"id": "ep-5", "event": "consultation", "at": "2026-03-02T19:30", "patient": {"id": "p-5"}}"#,
    );
    let p = rules.plan(&ep, &Calendar::default()).unwrap();
    assert_eq!(
        lines(&p),
        [
            "2026-03-03 a-call phone consultant <- 2026-03-02 (after_event)",
            "2026-03-04 b-picked phone consultant <- 2026-03-03 (after_earlier_call)",
        ]
    );
}
