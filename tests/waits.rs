//! A task that waits for a fact (`wait_for`) on the clinic's real calendar (audit 56): the
//! wait gives the day it is placed from — its rule's day, the fact's day, or the wait's
//! end — and the calendar then moves it as any task, by its closed-day policy, within its
//! `max_shift` and its expiry counted from that day, never before the fact. Days counted
//! by hand: 2 Mar 2026 is a Monday, 15 Mar a Sunday, 21 Mar a Saturday.

use crate::support::{builtin, dropped, episode, lines};
use followup::{calendar::Calendar, history::History, rules::RuleSet};

/// A program `w` with one call after a procedure, 10 days on (Thu 12 Mar for a procedure
/// on 2 Mar), waiting for `recovered` at most 10 days (to 22 Mar), then void; `extra`:
/// more of the step's fields.
fn sell(extra: &str) -> RuleSet {
    sell_moving("next_open_day", extra)
}

/// [`sell`], moved off closed days by `closed_day`.
fn sell_moving(closed_day: &str, extra: &str) -> RuleSet {
    crate::support::one_program(
        "w",
        &format!(
            r#""steps": [{{"id": "sell", "offset": "P10D", "closed_day": "{closed_day}",
                "wait_for": {{"fact": "recovered", "max": "P10D", "then": "drop"}},
                "title": {{"zh": "需求", "en": "Further needs"}}{extra}}}]"#
        ),
    )
}

/// The procedure of Mon 2 Mar 2026 at 10:00, recovered at `recovered`.
fn recovered_at(recovered: &str) -> followup::episode::Episode {
    episode(&format!(
        r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {{"id": "p"}},
            "facts": [{{"kind": "recovered", "at": "{recovered}"}}]}}"#
    ))
}

/// A clinic closed from `first` to `last` of March 2026, both included.
fn closed_in_march(first: u32, last: u32) -> Calendar {
    let days: Vec<String> = (first..=last)
        .map(|d| format!("\"2026-03-{d:02}\""))
        .collect();
    Calendar::from_json(
        "clinic.json",
        &format!(r#"{{"closed_dates": [{}]}}"#, days.join(", ")),
    )
    .unwrap()
}

/// Recovered on Fri 13 Mar, after the call's day (12 Mar): it waited, and its expiry
/// counts from the recovery: 13 + 7 = 20 Mar. Closed 11-20 Mar, the next open day (21 Mar)
/// is past it, and every day before the recovery is out: dropped `expired` (it went to
/// 21 Mar, expiring that day). Recovered on 11 Mar (before its day), the same call is
/// `expired` too: a later recovery brings back nothing an earlier one let expire.
#[test]
fn a_call_that_waited_expires_as_any_call() {
    for recovered in ["2026-03-13T10:00", "2026-03-11T10:00"] {
        let p = sell("")
            .plan(&recovered_at(recovered), &closed_in_march(11, 20))
            .unwrap();
        assert!(p.tasks.is_empty(), "{recovered}: {:?}", lines(&p));
        assert_eq!(dropped(&p), ["w/sell/e/0 expired closed_date 2026-03-12"]);
    }
    // Open, it is on the recovery's day, from the recovery's time, and says why.
    let p = sell("")
        .plan(&recovered_at("2026-03-13T10:00"), &Calendar::default())
        .unwrap();
    assert_eq!(
        lines(&p),
        ["2026-03-13 sell phone customer_service <- 2026-03-12 (waited_for_fact)"]
    );
    assert_eq!(p.tasks[0].window.start.to_string(), "10:00:00");
}

/// `max_shift` counts from the day the wait gives: recovered on Sun 15 Mar, closed 15-20
/// Mar, the next open day (Sat 21) is 6 days on. With `max_shift` P3D and `drop`: dropped
/// `beyond_max_shift` (the days before the recovery are out); with `keep`: kept on the
/// recovery's day, 15 Mar, for staff on duty, marked closed; still `waited_for_fact`.
#[test]
fn max_shift_counts_from_the_day_the_wait_gives() {
    let ep = recovered_at("2026-03-15T09:00");
    let cal = closed_in_march(15, 20);
    let p = sell(r#", "max_shift": "P3D", "beyond_max_shift": "drop""#)
        .plan(&ep, &cal)
        .unwrap();
    assert!(p.tasks.is_empty(), "{:?}", lines(&p));
    assert_eq!(
        dropped(&p),
        ["w/sell/e/0 beyond_max_shift closed_date 2026-03-12"]
    );
    let p = sell(r#", "max_shift": "P3D", "beyond_max_shift": "keep""#)
        .plan(&ep, &cal)
        .unwrap();
    assert_eq!(
        lines(&p),
        ["2026-03-15 sell phone customer_service <- 2026-03-12 (waited_for_fact)"]
    );
    assert_eq!(p.tasks[0].closed.map(|c| c.name()), Some("closed_date"));
}

/// The laser treatment of Sat 10 Jan 2026: its month-3 further-needs call (Fri 10 Apr)
/// waits for the recovery until 10 June, then is void. Not recovered:
/// - an unanswered try at 10:00 brings the second attempt (12:00), which waits too, to
///   the same end: it is no open work before the recovery;
/// - a time agreed for Mon 20 Apr 15:00 moves the call there, but it is still void when
///   its wait ends (10 June): it was said to expire on 20 June; a time agreed after the
///   wait's end drops it `expired`.
#[test]
fn what_the_history_records_on_a_waiting_call_does_not_end_its_wait() {
    let rules = builtin();
    let ep = crate::support::read(
        &rules,
        r#"{"id": "ep-H", "event": "procedure", "at": "2026-01-10T10:00",
                "attributes": {"category": "laser"}, "patient": {"id": "p-H"}}"#,
    );
    let with = |outcome: &str| {
        let h = History::from_json(
            "history.json",
            &format!(
                r#"{{"outcomes": [{{"task": "laser-aftercare/month-3-further-needs/ep-H/0", {outcome}}}]}}"#
            ),
        )
        .unwrap();
        rules.plan_with(&ep, &h, &Calendar::default()).unwrap()
    };
    let tried = with(r#""outcome": "no_answer", "at": "2026-04-10T10:00""#);
    let attempt = (tried.tasks.iter())
        .find(|t| t.id() == "laser-aftercare/month-3-further-needs/ep-H/0/attempt-2")
        .unwrap();
    assert_eq!(
        (
            attempt.due.to_string(),
            attempt.window.start.to_string(),
            attempt.waits_for(),
            attempt.expires.map(|e| e.to_string())
        ),
        (
            "2026-04-10".to_string(),
            "12:00:00".to_string(),
            Some("recovered"),
            Some("2026-06-10".to_string())
        )
    );
    let agreed =
        with(r#""outcome": "rescheduled", "at": "2026-04-10T10:00", "to": "2026-04-20T15:00""#);
    let call = (agreed.tasks.iter())
        .find(|t| t.id() == "laser-aftercare/month-3-further-needs/ep-H/0")
        .unwrap();
    assert_eq!(
        (
            call.due.to_string(),
            call.waits_for(),
            call.expires.map(|e| e.to_string())
        ),
        (
            "2026-04-20".to_string(),
            Some("recovered"),
            Some("2026-06-10".to_string())
        )
    );
    // Agreed for Mon 15 June, after its wait ends (10 June): void by then, dropped
    // `expired`, and the agreed time is listed as changing nothing (audit 58: the call was
    // due 15 June and expired 10 June).
    let late =
        with(r#""outcome": "rescheduled", "at": "2026-04-10T10:00", "to": "2026-06-15T15:00""#);
    let id = "laser-aftercare/month-3-further-needs/ep-H/0";
    assert!(!late.tasks.iter().any(|t| t.id() == id));
    assert!(
        dropped(&late).contains(&format!("{id} expired - 2026-04-10")),
        "{:?}",
        dropped(&late)
    );
    let ignored: Vec<String> = (late.ignored.iter())
        .map(|i| format!("{} {:?}", i.task, i.reason))
        .collect();
    assert_eq!(ignored, [format!("{id} Dropped")]);
}

/// A task its wait moved keeps its lane's order by its rules' day (audit 57). An outpatient
/// plastic surgery on Mon 2 Mar 2026, the clinic closed 25 Aug - 5 Sep: the month-6 care
/// call and the further-needs call (both the onsite consultant's, both due Wed 2 Sep by
/// their rules) go to Sun 6 Sep, the nearest open day (24 Aug is nine days back), whether
/// the recovery comes on 4 Sep (the further-needs call then waits for it, and goes to the
/// first open day from it: 6 Sep too) or not at all. The care call always happens
/// (docs/domain.md §8): it was superseded by the sales call, whose lane day was the
/// recovery's.
#[test]
fn a_recovery_never_takes_the_care_calls_day() {
    let days: Vec<String> = (25..=31)
        .map(|d| format!("\"2026-08-{d}\""))
        .chain((1..=5).map(|d| format!("\"2026-09-{d:02}\"")))
        .collect();
    let cal = Calendar::from_json(
        "clinic.json",
        &format!(r#"{{"closed_dates": [{}]}}"#, days.join(", ")),
    )
    .unwrap();
    for facts in [r#"[{"kind": "recovered", "at": "2026-09-04T10:00"}]"#, "[]"] {
        let ep = episode(&format!(
            r#"{{"id": "ep-p", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {{"category": "plastic", "setting": "outpatient"}},
                "patient": {{"id": "p"}}, "facts": {facts}}}"#
        ));
        let p = builtin().plan(&ep, &cal).unwrap();
        let days: Vec<String> = (p.tasks.iter())
            .filter(|t| matches!(t.step(), "month-6-call" | "further-needs-call"))
            .map(|t| format!("{} {}", t.due, t.step()))
            .collect();
        assert_eq!(
            days,
            ["2026-09-06 further-needs-call", "2026-09-06 month-6-call"],
            "{facts}"
        );
    }
}

/// The month-3 further-needs call waiting up to four months (an override), the later
/// further-needs call covers the patient's later state (audits 57, 59, 60):
/// - a laser treatment on Sat 10 Jan 2026, recovered on Fri 10 Jul at 08:00, the clinic
///   open: the month-3 call would wait to 10 July, the month-6 further-needs call's own
///   day (the recovery came on its day: it does not wait); the month-3 one is dropped
///   `superseded` (both were kept, two sales calls that day);
/// - a laser treatment on Thu 9 Oct 2025, recovered on Thu 9 Apr 2026 at 10:00 — the
///   month-6 further-needs call's own day — the clinic closed 10-16 Apr: the month-3 call
///   would wait onto that day; superseded (both were kept on 9 April, the closure leaving
///   no later day to tell);
/// - a treatment on Fri 3 Oct 2025 at 16:00, recovered on Sat 11 Apr at 19:00: both calls
///   wait to that evening and, nothing of the day left, to the next morning, Sun 12 Apr;
///   the clinic closed 13-18 Apr. The month-6 call keeps 12 April and supersedes the
///   month-3 one (the month-3 call took 12 April, and the month-6 call, left no day
///   before it expired, was dropped).
#[test]
fn a_call_its_wait_moves_onto_the_next_calls_day_is_superseded() {
    let rules = crate::support::builtin_and(
        "m3.json",
        r#"{"format": "followup/v1", "override": "laser-aftercare", "steps":
            {"month-3-further-needs": {"wait_for": {"fact": "recovered", "max": "P4M", "then": "drop"}}}}"#,
    );
    let closed = |days: std::ops::RangeInclusive<u32>| {
        let days: Vec<String> = days.map(|d| format!("\"2026-04-{d:02}\"")).collect();
        Calendar::from_json(
            "clinic.json",
            &format!(r#"{{"closed_dates": [{}]}}"#, days.join(", ")),
        )
        .unwrap()
    };
    let laser = |at: &str, recovered: &str| {
        episode(&format!(
            r#"{{"id": "ep-l", "event": "procedure", "at": "{at}", "attributes": {{"category": "laser"}},
                "patient": {{"id": "p"}}, "facts": [{{"kind": "recovered", "at": "{recovered}"}}]}}"#
        ))
    };
    for (ep, cal, kept, month_3) in [
        (
            laser("2026-01-10T10:00", "2026-07-10T08:00"),
            Calendar::default(),
            "2026-07-10 further-needs-call",
            "laser-aftercare/month-3-further-needs/ep-l/0 superseded further-needs-call 2026-04-10",
        ),
        // Recovered on Sun 12 Apr at 08:00, past the month-6 call's day (Sat 4 Apr), the
        // clinic closed 12-19 Apr: both calls wait to 12 April, where `beyond_max_shift:
        // keep` holds the month-6 one for staff on duty (no open day within 7 days); the
        // month-3 one is superseded all the same (audit 60: both were kept that day).
        (
            laser("2025-10-04T10:00", "2026-04-12T08:00"),
            closed(12..=19),
            "2026-04-12 further-needs-call",
            "laser-aftercare/month-3-further-needs/ep-l/0 superseded further-needs-call 2026-01-04",
        ),
        (
            laser("2025-10-09T10:00", "2026-04-09T10:00"),
            closed(10..=16),
            "2026-04-09 further-needs-call",
            "laser-aftercare/month-3-further-needs/ep-l/0 superseded further-needs-call 2026-01-09",
        ),
        (
            laser("2025-10-03T16:00", "2026-04-11T19:00"),
            closed(13..=18),
            "2026-04-12 further-needs-call",
            "laser-aftercare/month-3-further-needs/ep-l/0 superseded further-needs-call 2026-01-03",
        ),
    ] {
        let p = rules.plan(&ep, &cal).unwrap();
        let sales: Vec<String> = (p.tasks.iter())
            .filter(|t| t.step().contains("further-needs"))
            .map(|t| format!("{} {}", t.due, t.step()))
            .collect();
        assert_eq!(sales, [kept]);
        assert!(
            dropped(&p).contains(&month_3.to_string()),
            "{:?}",
            dropped(&p)
        );
    }
}

/// A call that waits for `recovered`, tried or made before the fact came: staff called
/// without waiting, and the call stays where they made it (audit 112). The plastic
/// outpatient of Mon 2 Mar 2026, recovered on 20 Sep: its further-needs call (M+6, Wed
/// 2 Sep) made at 12:00 that day is due that day, on time — not moved to the 20th and
/// judged early. A skin course of 3 sessions (2 and 16 Mar done, 30 Mar planned),
/// recovered on 25 Mar: its planning call (after session 2: Tue 17 Mar) tried three
/// times that day, then the patient refuses on the 18th: the tries stay, on the 17th,
/// and the message after the last one — not dropped `declined` as if the call came on
/// the 25th.
#[test]
fn a_waiting_call_tried_before_its_fact_stays_where_it_was_tried() {
    let rules = builtin();
    let plan = |ep: &str, outcomes: &str| {
        let ep = crate::support::read(&rules, ep);
        let h = History::from_json("h", &format!(r#"{{"outcomes": [{outcomes}]}}"#)).unwrap();
        rules.plan_with(&ep, &h, &Calendar::default()).unwrap()
    };
    let p = plan(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"},
            "facts": [{"kind": "recovered", "at": "2026-09-20T10:00"}]}"#,
        r#"{"task": "plastic-aftercare/further-needs-call/ep-1/0", "outcome": "done", "at": "2026-09-02T12:00"}"#,
    );
    let t = (p.tasks.iter())
        .find(|t| t.step() == "further-needs-call")
        .unwrap();
    assert_eq!(
        (t.due.to_string(), t.shifted, t.is_done()),
        ("2026-09-02".into(), None, true)
    );
    let p = plan(
        r#"{"id": "ep-1", "event": "course", "at": "2026-03-02T10:00", "patient": {"id": "p-1"},
            "attributes": {"category": "skin", "procedure": "x"},
            "course": {"package": 3, "done": ["2026-03-02", "2026-03-16"], "planned": ["2026-03-30"]},
            "facts": [{"kind": "recovered", "at": "2026-03-25T10:00"}, {"kind": "declined", "at": "2026-03-18T09:00"}]}"#,
        r#"{"task": "treatment-course/course-planning-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-17T10:00"},
           {"task": "treatment-course/course-planning-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-17T12:00"},
           {"task": "treatment-course/course-planning-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-17T14:00"}"#,
    );
    assert_eq!(
        crate::support::step_days(&p, "course-planning-call"),
        [
            "treatment-course/course-planning-call/ep-1/0 2026-03-17",
            "treatment-course/course-planning-call/ep-1/0/attempt-2 2026-03-17",
            "treatment-course/course-planning-call/ep-1/0/attempt-3 2026-03-17",
            "treatment-course/course-planning-call/ep-1/0/message 2026-03-17"
        ]
    );
    // Tried once on its day (Wed 2 Sep, unanswered), recovered on Thu 10 Sep: its next
    // attempt stays on the 2nd, worth doing a week from the recovery (17 Sep), as the
    // call never tried, placed from the recovery, is — not to the wait's end, three
    // months on (audit 113).
    let p = plan(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"},
            "facts": [{"kind": "recovered", "at": "2026-09-10T10:00"}]}"#,
        r#"{"task": "plastic-aftercare/further-needs-call/ep-1/0", "outcome": "no_answer", "at": "2026-09-02T10:00"}"#,
    );
    let chain: Vec<String> = (p.tasks.iter())
        .filter(|t| t.step() == "further-needs-call")
        .map(|t| {
            format!(
                "{} {} {:?}",
                t.id(),
                t.due,
                t.expires.map(|e| e.to_string())
            )
        })
        .collect();
    assert_eq!(
        chain,
        [
            "plastic-aftercare/further-needs-call/ep-1/0 2026-09-02 Some(\"2026-09-17\")",
            "plastic-aftercare/further-needs-call/ep-1/0/attempt-2 2026-09-02 Some(\"2026-09-17\")"
        ]
    );
}

/// A call made while it waits for its fact, after its own day, is on time: not missed
/// then (its status was `waiting`), its `latest` is the day it was made (audit 109: judged
/// late). A skin course of 3 sessions (2 and 16 Mar done, 30 Mar planned), no recovery
/// recorded, at a clinic whose planning call waits for recovery
/// (`examples/rule-overrides/course-planning-waits.json`): the call is due Tue 17 Mar, on
/// time that day, and waits for `recovered` a month (to 17 Apr), then goes to a
/// supervisor. Made on Thu 19 Mar: on
/// time, `latest` 19 Mar. Made on Mon 20 Apr, after the wait: late, `latest` 17 Mar.
#[test]
fn a_call_made_while_it_waits_is_on_time() {
    use followup::replan::{compliance, CompliancePeriod, ComplianceStatus};
    let rules = crate::support::course_planning_waits();
    let ep = crate::support::read(
        &rules,
        r#"{"id": "ep-1", "event": "course", "at": "2026-03-02T10:00", "patient": {"id": "p-1"},
            "attributes": {"category": "skin", "procedure": "x"},
            "course": {"package": 3, "done": ["2026-03-02", "2026-03-16"], "planned": ["2026-03-30"]}}"#,
    );
    let id = "treatment-course/course-planning-call/ep-1/0";
    let period = CompliancePeriod {
        from: "2026-03-01".parse().unwrap(),
        to: "2026-03-31".parse().unwrap(),
        as_of: "2026-04-30".parse().unwrap(),
    };
    // Recovered on 25 Mar, after it was made on the 19th: still made while it waited
    // (audit 120: judged late once the fact was recorded).
    let recovered = crate::support::read(
        &rules,
        r#"{"id": "ep-1", "event": "course", "at": "2026-03-02T10:00", "patient": {"id": "p-1"},
            "attributes": {"category": "skin", "procedure": "x"},
            "course": {"package": 3, "done": ["2026-03-02", "2026-03-16"], "planned": ["2026-03-30"]},
            "facts": [{"kind": "recovered", "at": "2026-03-25T10:00"}]}"#,
    );
    for (ep, at, latest, status) in [
        (
            &ep,
            "2026-03-19T12:00",
            "2026-03-19",
            ComplianceStatus::OnTime,
        ),
        (
            &ep,
            "2026-04-20T12:00",
            "2026-03-17",
            ComplianceStatus::Late,
        ),
        (
            &recovered,
            "2026-03-19T12:00",
            "2026-03-19",
            ComplianceStatus::OnTime,
        ),
    ] {
        let h = History::from_json(
            "h",
            &format!(r#"{{"outcomes": [{{"task": "{id}", "outcome": "done", "at": "{at}"}}]}}"#),
        )
        .unwrap();
        let p = rules.plan_with(ep, &h, &Calendar::default()).unwrap();
        let t = p.tasks.iter().find(|t| t.id() == id).unwrap();
        assert_eq!(
            (t.due.to_string(), t.latest.to_string()),
            ("2026-03-17".into(), latest.into()),
            "{at}"
        );
        let report = compliance(&p.tasks, &[], &period);
        let checked = report.tasks.iter().find(|c| c.task.id() == id).unwrap();
        assert_eq!(checked.status, status, "{at}");
    }
}

/// A call made on its day before its fact came that evening stays where it was made: it
/// does not come after the fact (audit 124: made at 14:46, `recovered` at 19:46, it moved
/// to the next day, `after_event`, and was judged early). The laser of Mon 26 Jan 2026:
/// the M+3 further-needs call of Sun 26 Apr.
#[test]
fn a_call_made_before_its_fact_the_same_day_stays() {
    let rules = builtin();
    for fact in ["2026-04-26T19:46", "2026-04-27T10:00"] {
        let ep = crate::support::read(
            &rules,
            &format!(
                r#"{{"id": "ep-1", "event": "procedure", "at": "2026-01-26T14:45:00",
                    "attributes": {{"category": "laser"}}, "patient": {{"id": "p-1"}},
                    "facts": [{{"kind": "recovered", "at": "{fact}"}}]}}"#
            ),
        );
        let h = History::from_json(
            "h",
            r#"{"outcomes": [{"task": "laser-aftercare/month-3-further-needs/ep-1/0", "outcome": "done", "at": "2026-04-26T14:46"}]}"#,
        )
        .unwrap();
        let p = rules.plan_with(&ep, &h, &Calendar::default()).unwrap();
        let t = (p.tasks.iter())
            .find(|t| t.id() == "laser-aftercare/month-3-further-needs/ep-1/0")
            .unwrap();
        assert_eq!(
            (t.due.to_string(), t.shifted, t.window.to_string()),
            ("2026-04-26".into(), None, "09:00-18:00".into()),
            "{fact}"
        );
    }
}
