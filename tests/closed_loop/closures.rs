//! The loop over a long closure (docs/domain.md §7, §8, §9): National Day 2026 closes the
//! clinic from Thu 1 to Wed 7 Oct (the official calendar, `cn-2026`); Wed 30 Sep and Thu
//! 8 Oct are working days. Expected days written from the built-in rules and that table.

use super::*;

fn on_china(episode: &str, history: &str) -> Plan {
    let rules = builtin();
    let ep = crate::support::read(&rules, episode);
    rules
        .plan_with(
            &ep,
            &self::history(history),
            &Calendar::china(2026).unwrap(),
        )
        .unwrap()
}

/// Plastic outpatient operated Tue 29 Sep: the day-1 call is Wed 30 Sep. No answer at
/// 17:00: the second call would be at 19:00, after the 18:00 end of the day; the next day
/// the call desk works is Thu 8 Oct, after the call stops being worth making (7 days
/// after its day: 7 Oct). No call can be tried again, so what follows the last attempt
/// follows now — the rule's message, the same day from 17:00 (messages go out every
/// day) — and the call is not done: the supervisor's check stays, 1 day after its day
/// (1 Oct, closed), on the reopening day, 8 Oct.
#[test]
fn an_unanswered_day_1_call_before_national_day_is_messaged_and_checked() {
    let p = on_china(
        r#"{"id": "n-1", "event": "procedure", "at": "2026-09-29T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"}}"#,
        r#"{"outcomes": [{"task": "plastic-aftercare/day-1-call/n-1/0", "outcome": "no_answer",
            "at": "2026-09-30T17:00:00", "by": "u-3"}]}"#,
    );
    let id = "plastic-aftercare/day-1-call/n-1/0";
    let chain = chain(&p, "day-1-call");
    assert_eq!(
        chain,
        [
            format!("{id} 2026-09-30 09:00-18:00 phone customer_service [no_answer closed]"),
            format!("{id}/message 2026-09-30 17:00-18:00 sms customer_service"),
            format!("{id}/overdue 2026-10-08 09:00-18:00 internal supervisor"),
        ]
    );
    assert!(
        // Moved for want of time that day, then held by the closure: every `expired`
        // drop says what moved it (audit 171: no detail), the closure when one held it
        // (audit 219: `after_event`).
        dropped(&p).contains(&format!("{id}/attempt-2 expired holiday 2026-09-30")),
        "{:?}",
        dropped(&p)
    );
}

const EVENING: &str = r#"{"id": "k-1", "event": "complaint", "at": "2026-09-30T20:30:00",
    "attributes": {"about": "pain", "severity": "serious"}, "patient": {"id": "p-2"}}"#;

/// A serious complaint logged at 20:30 on the eve of the closure: nothing of that day is
/// left, so the call and the supervisor's review go to the next morning, Thu 1 Oct
/// 09:00-12:00, closed or not (§7: a complaint is called at once; §9: staff on duty call
/// from home). Before, both were dropped: the next open day, 8 Oct, was past their worth.
/// The first call's check (1 day after it) is Fri 2 Oct, closed, kept: the complaint's
/// steps keep their closed days, and so do their supervisors' checks (audits 28 and 37:
/// it waited for 8 Oct, the complaint a week unchecked).
#[test]
fn a_complaint_on_the_eve_of_a_closure_is_called_the_next_morning() {
    let p = on_china(EVENING, "{}");
    let got: Vec<String> = (p.tasks.iter())
        .filter(|t| t.due < chrono::NaiveDate::from_ymd_opt(2026, 10, 9).unwrap())
        .map(|t| format!("{} {} {:?}", t.id(), line(t), t.shifted.map(|s| s.name())))
        .collect();
    assert_eq!(
        got,
        [
            "complaint/first-call/k-1/0 2026-10-01 09:00-12:00 phone customer_service Some(\"after_event\")",
            "complaint/serious-review/k-1/0 2026-10-01 09:00-12:00 internal supervisor Some(\"after_event\")",
            "complaint/first-call/k-1/0/overdue 2026-10-02 09:00-18:00 internal supervisor None",
        ]
    );
    // For whoever is on duty.
    let check = (p.tasks.iter())
        .find(|t| t.id() == "complaint/first-call/k-1/0/overdue")
        .unwrap();
    assert_eq!(check.closed.map(|r| r.name()), Some("holiday"));
    // Only the promised callback and the callbacks after it are dropped: no day was
    // promised yet.
    assert!(
        (p.dropped.iter()).all(|d| d.step().contains("promised") || d.step().contains("resolved")),
        "{:?}",
        dropped(&p)
    );
}

/// A complaint on Sat 3 Oct at 14:00, in the closure: called the same afternoon.
#[test]
fn a_complaint_in_a_closure_is_called_the_same_day() {
    let p = on_china(
        r#"{"id": "k-2", "event": "complaint", "at": "2026-10-03T14:00:00",
            "attributes": {"about": "pain"}, "patient": {"id": "p-3"}}"#,
        "{}",
    );
    let first = task(&p, "complaint/first-call/k-2/0");
    assert_eq!(line(first), "2026-10-03 14:00-18:00 phone customer_service");
    assert_eq!(first.shifted, None);
}

/// A complaint at 17:55 on 30 Sep, no answer at 17:56: the second call (19:56) finds
/// nothing of the day left and goes to the next day, 1 Oct, closed or not, for its
/// whole window; before, it was dropped (the next open day, 8 Oct, was past its worth)
/// and the complaint left every worklist.
#[test]
fn an_unanswered_complaint_call_is_tried_again_the_next_day_of_a_closure() {
    let p = on_china(
        r#"{"id": "k-3", "event": "complaint", "at": "2026-09-30T17:55:00",
            "attributes": {"about": "pain"}, "patient": {"id": "p-4"}}"#,
        r#"{"outcomes": [{"task": "complaint/first-call/k-3/0", "outcome": "no_answer",
            "at": "2026-09-30T17:56:00"}]}"#,
    );
    let second = task(&p, "complaint/first-call/k-3/0/attempt-2");
    assert_eq!(
        line(second),
        "2026-10-01 09:00-18:00 phone customer_service"
    );
    assert_eq!(second.shifted, Some(ShiftReason::AfterEvent));
}

/// The day-1 call before National Day, unanswered at 17:00 (no attempt fits before it
/// expires), then made by staff calling from home on Fri 2 Oct: the call is done, and its
/// supervisor's check (8 Oct) is not planned: it was done before.
#[test]
fn a_call_made_from_home_after_no_attempt_fitted_closes_the_task() {
    let p = on_china(
        r#"{"id": "n-2", "event": "procedure", "at": "2026-09-29T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"}}"#,
        r#"{"outcomes": [
            {"task": "plastic-aftercare/day-1-call/n-2/0", "outcome": "no_answer", "at": "2026-09-30T17:00:00"},
            {"task": "plastic-aftercare/day-1-call/n-2/0", "outcome": "done", "at": "2026-10-02T10:00:00"}
        ]}"#,
    );
    let id = "plastic-aftercare/day-1-call/n-2/0";
    assert!(task(&p, id).is_done());
    assert!(!p.tasks.iter().any(|t| t.id() == format!("{id}/overdue")));
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
}

/// A complaint at 20:30 on 30 Sep whose callback was promised for the next morning, 1
/// Oct: the first call would go to 1 Oct too; two calls do not share a day, so the
/// promised callback supersedes it — as on an ordinary day, not `expired`.
#[test]
fn a_complaint_call_the_promised_callback_takes_over_is_superseded() {
    let p = on_china(
        r#"{"id": "k-4", "event": "complaint", "at": "2026-09-30T20:30:00",
            "patient": {"id": "p-5"}, "milestones": {"promised_callback": "2026-10-01"}}"#,
        "{}",
    );
    assert!(
        dropped(&p).contains(
            &"complaint/first-call/k-4/0 superseded promised-callback 2026-09-30".to_string()
        ),
        "{:?}",
        dropped(&p)
    );
    assert_line(
        &p,
        "complaint/promised-callback/k-4/0",
        "2026-10-01 09:00-18:00 phone customer_service",
    );
}

/// A call the history records stays in the plan whatever the calendar now says (docs/
/// closed-loop.md: it happened; audit 11 of 6 December: it vanished). Calls on day 1, 3
/// and 6 after a surgery on Mon 2 Mar 2026; the day-1 call (Tue 3) was done at 11:00.
/// The clinic then records Tue 3 and Wed 4 as closed: the day-1 call could only move to
/// Thu 5, the day-3 call's day, which would supersede it — but it happened, so it stays
/// on Tue 3 with its record, and the day-3 and day-6 calls keep their days. Without the
/// record, the day-1 call is superseded by the day-3 call.
#[test]
fn a_recorded_call_is_not_superseded_by_a_closure_added_later() {
    let rules = crate::support::calls_on_days_1_3_6();
    let ep = crate::support::read(
        &rules,
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p-1"}}"#,
    );
    let cal =
        Calendar::from_json("c", r#"{"closed_dates": ["2026-03-03", "2026-03-04"]}"#).unwrap();
    let done = history(
        r#"{"outcomes": [{"task": "t/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-03T11:00", "by": "u-3"}]}"#,
    );
    let p = rules.plan_with(&ep, &done, &cal).unwrap();
    let days: Vec<String> = (p.tasks.iter())
        .map(|t| format!("{} {} {}", t.step(), t.due, t.is_done()))
        .collect();
    assert_eq!(
        days,
        [
            "day-1-call 2026-03-03 true",
            "day-3-call 2026-03-05 false",
            "day-6-call 2026-03-08 false"
        ]
    );
    assert!(p.dropped.is_empty() && p.ignored.is_empty());
    let p = rules.plan(&ep, &cal).unwrap();
    assert_eq!(
        dropped(&p),
        ["t/day-1-call/ep-1/0 superseded day-3-call 2026-03-03"]
    );
}

/// A laser treatment on Wed 30 Sep: its day-1 call, Thu 1 Oct, has no open day within
/// its `max_shift` and keeps its day (`beyond_max_shift: keep`): staff on duty call,
/// `closed: holiday`. They call at 10:00, no answer: the second try is theirs too, two
/// hours on, 12:00 the same day (the step's retry), and its `done` at 12:05 closes it
/// (audit 28: the second try went to Thu 8 Oct, the reopening day, its record dated a
/// week before it). A no-answer on a day the call desk works is retried as before.
#[test]
fn a_call_kept_on_a_holiday_is_tried_again_the_same_day_by_staff_on_duty() {
    let laser = r#"{"id": "l-1", "event": "procedure", "at": "2026-09-30T10:00:00",
        "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#;
    let id = "laser-aftercare/day-1-call/l-1/0";
    let p = on_china(
        laser,
        &format!(
            r#"{{"outcomes": [
            {{"task": "{id}", "outcome": "no_answer", "at": "2026-10-01T10:00:00", "by": "u-3"}},
            {{"task": "{id}/attempt-2", "outcome": "done", "at": "2026-10-01T12:05:00", "by": "u-3"}}]}}"#
        ),
    );
    assert_eq!(
        chain(&p, "day-1-call")[..2],
        [
            format!("{id} 2026-10-01 09:00-18:00 phone customer_service [no_answer closed]"),
            format!("{id}/attempt-2 2026-10-01 12:00-18:00 phone customer_service [done closed]"),
        ]
    );
    for t in (p.tasks.iter()).filter(|t| t.id().starts_with(id)).take(2) {
        assert_eq!(t.closed.map(|r| r.name()), Some("holiday"), "{}", t.id());
        assert_eq!(t.shifted, None, "{}", t.id());
    }
}

/// A complaint logged on Fri 2 Oct 2026 at 10:15, a public holiday: its first call is
/// made by staff on duty and goes unanswered at 10:30, 12:35 and 14:40 (three tries, two
/// hours apart: docs/closed-loop.md). The supervisor's task takes over that afternoon,
/// from 14:40, for the supervisor on duty (`closed: holiday`), as the calls did: an
/// unresolved complaint does not wait out the closure (audit 37: it waited for Thu 8 Oct).
#[test]
fn a_complaint_unanswered_on_a_holiday_goes_to_the_supervisor_on_duty() {
    let china = Calendar::china(2026).unwrap();
    let p = complaint_unanswered_three_times("2026-10-02", "normal", "no_answer", &china);
    let first_call = |t: &Task| t.step() == "first-call";
    assert_eq!(
        id_lines(&p, first_call),
        [
            "complaint/first-call/k/0 2026-10-02 10:15-18:00 phone customer_service [no_answer closed]",
            "complaint/first-call/k/0/attempt-2 2026-10-02 12:30-18:00 phone customer_service [no_answer closed]",
            "complaint/first-call/k/0/attempt-3 2026-10-02 14:35-18:00 phone customer_service [no_answer closed]",
            "complaint/first-call/k/0/unanswered 2026-10-02 14:40-18:00 internal supervisor",
        ]
    );
    assert!((p.tasks.iter())
        .filter(|t| first_call(t))
        .all(|t| t.closed.map(|r| r.name()) == Some("holiday")));
}

/// A day agreed with no time for the day recorded, after the step's window, goes to the
/// next morning as a task the event left no time for — for a step that keeps its closed
/// days, the next day whatever the calendar (docs/closed-loop.md, `rescheduled`; README
/// "Time of day"). A complaint on Labour Day, Fri 1 May 2026 at 11:00 (closed 1-5 May):
/// its same-day call, agreed at 19:00 "for today", is due Sat 2 May 09:00-12:00, kept on
/// the holiday for staff on duty (audit 147: Wed 6 May, after the promised callback).
#[test]
fn a_complaint_call_agreed_for_today_after_its_window_is_called_the_next_morning() {
    let p = on_china(
        r#"{"id": "c", "event": "complaint", "at": "2026-05-01T11:00", "patient": {"id": "p"}}"#,
        r#"{"outcomes": [{"task": "complaint/first-call/c/0", "outcome": "rescheduled",
            "at": "2026-05-01T19:00", "to": "2026-05-01"}]}"#,
    );
    let t = task(&p, "complaint/first-call/c/0");
    assert_eq!(
        (t.due.to_string(), t.window.to_string(), t.shifted, t.closed),
        (
            "2026-05-02".to_string(),
            "09:00-12:00".to_string(),
            Some(ShiftReason::Agreed),
            Some(ShiftReason::Holiday)
        )
    );
}

/// A plastic outpatient operated on Mon 27 Apr 2026; Labour Day closes the clinic from
/// Fri 1 to Tue 5 May (cn-2026). The day-3 call (Thu 30 Apr) goes unanswered: the next
/// try, on the first day the call desk works, Wed 6 May, is further than the step's
/// `max_shift` (P3D, `drop`) from the day it would have had with the clinic open — the
/// same day at 17:30 leaves no time after 19:30, so Fri 1 May; at 23:59, Fri 1 May — and
/// the day of the day-6 call (rule day Sun 3 May): not tried there (docs/domain.md §9:
/// two calls never pile up on the reopening day; audit 200). No call can be tried
/// again: the message follows at once (from the try, in the message window).
#[test]
fn an_unanswered_call_before_labour_day_is_not_tried_again_beside_the_next_call() {
    let episode = r#"{"id": "e13", "event": "procedure", "at": "2026-04-27T10:00:00",
        "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"}}"#;
    let id = "plastic-aftercare/day-3-call/e13/0";
    for (at, message, nominal) in [
        (
            "2026-04-30T17:30:00",
            "2026-04-30 17:30-18:00",
            "2026-04-30",
        ),
        (
            "2026-04-30T23:59:00",
            "2026-05-01 09:00-18:00",
            "2026-05-01",
        ),
    ] {
        let p = on_china(
            episode,
            &format!(
                r#"{{"outcomes": [{{"task": "{id}", "outcome": "no_answer", "at": "{at}"}}]}}"#
            ),
        );
        assert_eq!(
            chain(&p, "day-3-call"),
            [
                format!("{id} 2026-04-30 09:00-18:00 phone customer_service [no_answer closed]"),
                format!("{id}/message {message} sms customer_service"),
                format!("{id}/overdue 2026-05-06 09:00-18:00 internal supervisor"),
            ],
            "{at}"
        );
        let attempt = dropped(&p).into_iter().find(|d| d.contains("/attempt-2"));
        let attempt = attempt.unwrap_or_default();
        assert!(
            attempt.starts_with(&format!("{id}/attempt-2 beyond_max_shift "))
                && attempt.ends_with(nominal),
            "{at}: {attempt}"
        );
        assert_eq!(
            crate::support::step_days(&p, "day-6-call"),
            ["plastic-aftercare/day-6-call/e13/0 2026-05-06"],
            "{at}"
        );
    }
}

/// A program of calls on days 1, 3 and 6, tried again 2 hours after no answer, with no
/// `max_shift`: operated Mon 2 March 2026, the clinic closed Fri 6 to Sun 8 March. The
/// day-3 call (Thu 5) unanswered at 17:00 would be tried again on Mon 9, past the day-6
/// call's rule day (Sun 8), on the day that call moved to: superseded by it, as a call
/// the calendar moves is (docs/rule-format.md, "Calls of one program never pile up";
/// audit 200); the message follows at once. Unanswered on the day-1 call (Tue 3) at
/// 17:00, the next try is Wed 4, before the day-3 call: kept.
#[test]
fn an_attempt_moved_past_the_next_calls_day_is_superseded_by_it() {
    let rules = crate::support::one_program(
        "t",
        r#""applies": {"event": "procedure"},
        "defaults": {"channel": "phone", "role": "nurse", "time": "day",
            "no_answer": {"retry_after": "PT2H", "max_attempts": 3, "then": "sms"}},
        "steps": [
            {"id": "day-1-call", "offset": "P1D", "title": {"zh": "1", "en": "1"}},
            {"id": "day-3-call", "offset": "P3D", "title": {"zh": "3", "en": "3"}},
            {"id": "day-6-call", "offset": "P6D", "title": {"zh": "6", "en": "6"}}]"#,
    );
    let ep = crate::support::read(
        &rules,
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p"}}"#,
    );
    let cal = Calendar::from_json(
        "clinic",
        r#"{"closed_dates": ["2026-03-06", "2026-03-07", "2026-03-08"]}"#,
    )
    .unwrap();
    let h = history(
        r#"{"outcomes": [{"task": "t/day-1-call/e/0", "outcome": "no_answer", "at": "2026-03-03T17:00:00"},
        {"task": "t/day-3-call/e/0", "outcome": "no_answer", "at": "2026-03-05T17:00:00"}]}"#,
    );
    let p = rules.plan_with(&ep, &h, &cal).unwrap();
    assert_eq!(
        chain(&p, "day-1-call"),
        [
            "t/day-1-call/e/0 2026-03-03 09:00-18:00 phone nurse [no_answer closed]",
            "t/day-1-call/e/0/attempt-2 2026-03-04 09:00-18:00 phone nurse",
        ]
    );
    assert_eq!(
        chain(&p, "day-3-call"),
        [
            "t/day-3-call/e/0 2026-03-05 09:00-18:00 phone nurse [no_answer closed]",
            "t/day-3-call/e/0/message 2026-03-05 17:00-18:00 sms nurse",
        ]
    );
    assert_eq!(
        crate::support::step_days(&p, "day-6-call"),
        ["t/day-6-call/e/0 2026-03-09"]
    );
    assert_eq!(
        dropped(&p),
        ["t/day-3-call/e/0/attempt-2 superseded day-6-call 2026-03-05"]
    );
    let by = p.dropped[0].superseded_by(&p).map(|t| t.id());
    assert_eq!(by.as_deref(), Some("t/day-6-call/e/0"));
    // Explained: the call that covers it, and why the message came at once.
    let x = rules.explain(&ep, Some(&h), &cal).unwrap();
    let steps = |id: &str| x.of(id).map(|e| e.steps.clone()).unwrap_or_default();
    assert!(
        steps("t/day-3-call/e/0/attempt-2").contains(&"the first day it could take after 2026-03-05 (Thu) is on or past 2026-03-08 (Sun), the rule day of t/day-6-call/e/0, the next call of its lane: that call covers it (calls of one program never pile up)".to_string()),
        "{:#?}",
        steps("t/day-3-call/e/0/attempt-2")
    );
    assert!(
        steps("t/day-3-call/e/0/message")
            .iter()
            .any(|l| l.contains("(no day for the next attempt before the next call of its lane)")),
        "{:#?}",
        steps("t/day-3-call/e/0/message")
    );
}

/// A try made on duty on a closed day, moved to the next day for want of time and held
/// past its call's expiry by the rest of the closure, says the closure held it (docs/
/// closed-loop.md, the `no_answer` row; audit 265: `after_event`): the plastic outpatient
/// of Sat 14 Feb 2026 15:00, its day-1 call kept on Sun 15 Feb (the Spring Festival,
/// 15-23 Feb) for staff on duty, worth making until 22 Feb; unanswered at 21:10, the
/// next try would be on Tue 24 Feb, the first day the call desk works: `expired`, detail
/// `holiday`.
#[test]
fn a_try_on_duty_held_past_its_expiry_by_the_closure_says_holiday() {
    let p = on_china(
        r#"{"id": "c-1", "event": "procedure", "at": "2026-02-14T15:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"}}"#,
        r#"{"outcomes": [{"task": "plastic-aftercare/day-1-call/c-1/0", "outcome": "no_answer", "at": "2026-02-15T21:10:00"}]}"#,
    );
    let d = (p.dropped.iter())
        .find(|d| d.id() == "plastic-aftercare/day-1-call/c-1/0/attempt-2")
        .map(|d| (d.reason, d.detail.as_deref()));
    assert_eq!(
        d,
        Some((followup::plan::DropReason::Expired, Some("holiday")))
    );
}
