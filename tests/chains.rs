//! Steps counted from another step's task onto its own day (`"from": STEP`, offset zero):
//! they share their anchor's day by the rules, so they share it with every task that
//! shares their anchor's rule day, and follow their anchor wherever the calendar moves
//! it (docs/rule-format.md, closed days: "tasks the rules put on one day may share it";
//! "a step counted from another step follows it wherever it goes"). Days counted by
//! hand: 2 Mar 2026 is a Monday, so D+6 is Sun 8 and D+7 Mon 9.

use crate::support::{dropped, episode, lines};
use followup::calendar::Calendar;

/// Two nurse calls on day 6 (`a1`, `a2`), `nearest_open_day`, each with a call counted
/// from it onto its day (`b1`, `b2`), and the `extra` steps.
fn program(extra: &str) -> followup::rules::RuleSet {
    crate::support::one_program(
        "t",
        &format!(
            r#""applies": {{"event": "procedure"}},
               "defaults": {{"channel": "phone", "role": "nurse", "closed_day": "nearest_open_day"}},
               "steps": [
                 {{"id": "a1", "offset": "P6D", "title": {{"zh": "a1", "en": "a1"}}}},
                 {{"id": "a2", "offset": "P6D", "title": {{"zh": "a2", "en": "a2"}}}},
                 {{"id": "b1", "from": "a1", "title": {{"zh": "b1", "en": "b1"}}}},
                 {{"id": "b2", "from": "a2", "title": {{"zh": "b2", "en": "b2"}}}}{extra}]"#
        ),
    )
}

/// The plan of a procedure on Mon 2 Mar 2026 by `program(extra)`, the clinic closed on
/// `closed` weekdays.
fn plan(extra: &str, closed: &str) -> followup::plan::Plan {
    let cal = Calendar::from_json(
        "clinic.json",
        &format!(r#"{{"closed_weekdays": {closed}}}"#),
    )
    .unwrap();
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {"id": "p"}}"#,
    );
    program(extra).plan(&ep, &cal).unwrap()
}

/// Closed on weekends: from Sun 8 the nearest open day is Mon 9 (one day ahead; Fri 6 is
/// two back). Both calls take it, and the calls counted from them stay with them (audit
/// 174 A1: each call's same-day task held Mon 9 from the other call, both calls went
/// back to Fri 6, and their tasks stayed on the Monday).
#[test]
fn two_calls_of_one_day_and_the_tasks_on_their_day_move_together() {
    let p = plan("", r#"["Sat", "Sun"]"#);
    assert_eq!(
        lines(&p),
        [
            "2026-03-09 a1 phone nurse <- 2026-03-08 (closed_weekday)",
            "2026-03-09 a2 phone nurse <- 2026-03-08 (closed_weekday)",
            "2026-03-09 b1 phone nurse",
            "2026-03-09 b2 phone nurse",
        ]
    );
    assert!(p.dropped.is_empty(), "{:?}", dropped(&p));
}

/// Closed Saturday to Monday: Fri 6 and Tue 10 are both two days from Sun 8, and the tie
/// goes to the later day.
#[test]
fn on_a_tie_they_all_take_the_later_day() {
    let p = plan("", r#"["Sat", "Sun", "Mon"]"#);
    assert_eq!(
        lines(&p),
        [
            "2026-03-10 a1 phone nurse <- 2026-03-08 (closed_weekday)",
            "2026-03-10 a2 phone nurse <- 2026-03-08 (closed_weekday)",
            "2026-03-10 b1 phone nurse",
            "2026-03-10 b2 phone nurse",
        ]
    );
}

/// With a day-7 call `c` (Mon 9) in the lane, Mon 9 is another call's rule day: the
/// day-6 calls go back to the nearest day left, Fri 6, and their tasks with them (before,
/// both were dropped as superseded by `c`).
#[test]
fn the_next_calls_rule_day_sends_them_back_together() {
    let p = plan(
        r#", {"id": "c", "offset": "P7D", "title": {"zh": "c", "en": "c"}}"#,
        r#"["Sat", "Sun"]"#,
    );
    assert_eq!(
        lines(&p),
        [
            "2026-03-06 a1 phone nurse <- 2026-03-08 (closed_weekday)",
            "2026-03-06 a2 phone nurse <- 2026-03-08 (closed_weekday)",
            "2026-03-06 b1 phone nurse",
            "2026-03-06 b2 phone nurse",
            "2026-03-09 c phone nurse",
        ]
    );
    assert!(p.dropped.is_empty(), "{:?}", dropped(&p));
}
