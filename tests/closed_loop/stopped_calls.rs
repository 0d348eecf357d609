//! Calls a refusal or a fact stops, and what the history records on them (audit 54):
//! only what reached the patient (done, a refusal, an abnormal recovery) keeps such a
//! call; an unanswered try does not bring it back, whether it is recorded on the call, on
//! a further attempt or after an agreed time (docs/closed-loop.md). And an attempt that
//! no day could hold before the call expired is a dropped occurrence: what is recorded on
//! it is reported, not applied to the call. Days: the laser treatment of Mon 2 Mar 2026 at
//! 10:00 (`slips.rs`), its day-1 call on Tue 3 Mar (09:00-18:00, tried 3 times 2 hours
//! apart, then a message), its month-1 call on Thu 2 Apr.

use super::slips::{assert_dropped, ignored, laser_of_2_march, laser_rows, laser_with};
use super::*;

/// The [`ignored`] rows of `p`, in history order (the plan sorts them by task and outcome).
fn ignored_in_order(p: &Plan) -> Vec<String> {
    let mut rows = ignored(p);
    rows.sort_by_key(|r| {
        r.rsplit_once(" #")
            .map(|(_, i)| i.parse::<usize>().unwrap())
    });
    rows
}

/// The day-1 call unanswered at 10:00; the patient refuses at 11:00 (recorded on the
/// day-3 call); the second attempt (12:00, after the refusal) is dropped `declined`, and
/// a `no_answer` recorded on it at 12:05 is reported, not applied: no attempt-2 task, no
/// third attempt, no message. The first try, made before the refusal, stays.
#[test]
fn an_unanswered_try_on_an_attempt_after_a_refusal_brings_nothing_back() {
    let day1 = "laser-aftercare/day-1-call/ep-1/0";
    let attempt2 = format!("{day1}/attempt-2");
    let day3 = "laser-aftercare/day-3-call/ep-1/0";
    let p = laser_rows(&[
        (day1, "no_answer", "2026-03-03T10:00"),
        (day3, "declined", "2026-03-03T11:00"),
        (&attempt2, "no_answer", "2026-03-03T12:05"),
    ]);
    assert_eq!(
        chain(&p, "day-1-call"),
        ["laser-aftercare/day-1-call/ep-1/0 2026-03-03 09:00-18:00 phone customer_service [no_answer closed]"]
    );
    assert_dropped(
        &p,
        "laser-aftercare/day-1-call/ep-1/0/attempt-2 declined - 2026-03-03",
    );
    assert_eq!(
        ignored(&p),
        ["laser-aftercare/day-1-call/ep-1/0/attempt-2 no_answer 2026-03-03 12:05:00 dropped #2"]
    );
}

/// The patient refused on 5 March; the month-1 call (2 April), which the refusal drops,
/// is tried at 10:00 and agreed at 11:00 for 16:00 — in either order, and with the try
/// after the agreed time too: the agreed call is judged again on its day, after the
/// refusal, so it stays dropped `declined`, and both rows are reported `dropped`.
#[test]
fn an_agreed_time_and_a_try_on_a_refused_call_bring_nothing_back() {
    let refusal = r#"{"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "declined", "at": "2026-03-05T10:00"}"#;
    let try_at = |at: &str| {
        format!(
            r#"{{"task": "laser-aftercare/month-1-call/ep-1/0", "outcome": "no_answer", "at": "{at}"}}"#
        )
    };
    let agreed = r#"{"task": "laser-aftercare/month-1-call/ep-1/0", "outcome": "rescheduled", "at": "2026-04-02T11:00", "to": "2026-04-02T16:00"}"#;
    for (rows, expected) in [
        (
            format!("{refusal}, {}, {agreed}", try_at("2026-04-02T10:00")),
            [
                "laser-aftercare/month-1-call/ep-1/0 no_answer 2026-04-02 10:00:00 dropped #1",
                "laser-aftercare/month-1-call/ep-1/0 rescheduled 2026-04-02 11:00:00 dropped #2",
            ],
        ),
        (
            format!("{refusal}, {agreed}, {}", try_at("2026-04-02T16:05")),
            [
                "laser-aftercare/month-1-call/ep-1/0 rescheduled 2026-04-02 11:00:00 dropped #1",
                "laser-aftercare/month-1-call/ep-1/0 no_answer 2026-04-02 16:05:00 dropped #2",
            ],
        ),
    ] {
        let p = laser_with(&format!(r#"{{"outcomes": [{rows}]}}"#));
        assert!(
            chain(&p, "month-1-call").is_empty(),
            "{rows}: {:?}",
            ids(&p)
        );
        assert_dropped(
            &p,
            "laser-aftercare/month-1-call/ep-1/0 declined - 2026-04-02",
        );
        assert_eq!(ignored_in_order(&p), expected, "{rows}");
    }
}

/// A complaint of Mon 2 Mar 2026, its callback promised for Wed 4 Mar, resolved on Tue 3
/// Mar at 12:00: the promised callback is `stopped`. An agreed time on it (4 Mar 10:00)
/// and three unanswered tries that day bring back neither the callback, nor its
/// attempts, nor a supervisor's task for the unanswered calls: all four rows are reported
/// `dropped`.
#[test]
fn tries_on_a_resolved_complaints_callback_bring_back_no_supervisor() {
    let rules = builtin();
    let ep = crate::support::read(
        &rules,
        r#"{"id": "ep-4", "event": "complaint", "at": "2026-03-02T10:00", "patient": {"id": "p-4"},
                "milestones": {"promised_callback": "2026-03-04"},
                "facts": [{"kind": "complaint_resolved", "at": "2026-03-03T12:00"}]}"#,
    );
    let h = history(
        r#"{"outcomes": [
        {"task": "complaint/promised-callback/ep-4/0", "outcome": "rescheduled", "at": "2026-03-04T09:30", "to": "2026-03-04T10:00"},
        {"task": "complaint/promised-callback/ep-4/0", "outcome": "no_answer", "at": "2026-03-04T10:01"},
        {"task": "complaint/promised-callback/ep-4/0", "outcome": "no_answer", "at": "2026-03-04T12:01"},
        {"task": "complaint/promised-callback/ep-4/0", "outcome": "no_answer", "at": "2026-03-04T14:01"}]}"#,
    );
    let p = rules.plan_with(&ep, &h, &Calendar::default()).unwrap();
    assert!(
        !ids(&p).iter().any(|id| id.contains("promised-callback")),
        "{:?}",
        ids(&p)
    );
    assert_dropped(
        &p,
        "complaint/promised-callback/ep-4/0 stopped complaint_resolved 2026-03-04",
    );
    let task = "complaint/promised-callback/ep-4/0";
    assert_eq!(
        ignored_in_order(&p),
        [
            format!("{task} rescheduled 2026-03-04 09:30:00 dropped #0"),
            format!("{task} no_answer 2026-03-04 10:01:00 dropped #1"),
            format!("{task} no_answer 2026-03-04 12:01:00 dropped #2"),
            format!("{task} no_answer 2026-03-04 14:01:00 dropped #3"),
        ]
    );
}

/// The clinic closed 4-12 March: the day-1 call unanswered at 17:30 on 3 March has no
/// second attempt before it expires (10 March: 7 days after its day), so attempt-2 is
/// dropped `expired` and the message goes at once (17:30). An agreed time (4 March 10:00)
/// and a try recorded on that attempt are a dropped occurrence's: reported `dropped`, and
/// the call keeps its day and its 17:30 record (they moved it to 4 March and replaced
/// its record).
#[test]
fn outcomes_on_an_attempt_no_day_could_hold_are_reported_not_applied() {
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"closed_dates": ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07",
            "2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"]}"#,
    )
    .unwrap();
    let h = history(
        r#"{"outcomes": [
        {"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T17:30"},
        {"task": "laser-aftercare/day-1-call/ep-1/0/attempt-2", "outcome": "rescheduled", "at": "2026-03-03T17:40", "to": "2026-03-04T10:00"},
        {"task": "laser-aftercare/day-1-call/ep-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-04T10:05"}]}"#,
    );
    let p = builtin().plan_with(&laser_of_2_march(), &h, &cal).unwrap();
    let day1 = task(&p, "laser-aftercare/day-1-call/ep-1/0");
    assert_eq!(
        line(day1),
        "2026-03-03 09:00-18:00 phone customer_service [no_answer closed]"
    );
    assert_eq!(
        day1.record.as_ref().map(|r| r.at.to_string()),
        Some("2026-03-03 17:30:00".to_string())
    );
    assert_line(
        &p,
        "laser-aftercare/day-1-call/ep-1/0/message",
        "2026-03-03 17:30-18:00 sms customer_service",
    );
    assert_dropped(
        &p,
        "laser-aftercare/day-1-call/ep-1/0/attempt-2 expired closed_date 2026-03-03",
    );
    assert_eq!(
        ignored_in_order(&p),
        [
            "laser-aftercare/day-1-call/ep-1/0/attempt-2 rescheduled 2026-03-03 17:40:00 dropped #1",
            "laser-aftercare/day-1-call/ep-1/0/attempt-2 no_answer 2026-03-04 10:05:00 dropped #2",
        ]
    );
}

/// The clinic closed 4-12 March, as above: after the 17:30 try no attempt fits, so the
/// call's tries are over. A call staff on duty make on 4 March at 10:00 that reaches the
/// patient still closes it (`done`), whichever of the chain's ids it names (audit 55: it
/// was listed `dropped` when it named `…/attempt-2`). Another try or an agreed time after
/// the tries are over is the dropped attempt's, on the call's own id too: the call keeps
/// its 17:30 record and both rows are listed `dropped` (an agreed time moved the call to
/// 4 March and replaced its record).
#[test]
fn after_the_last_try_that_fits_only_a_call_that_reached_the_patient_counts() {
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"closed_dates": ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07",
            "2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"]}"#,
    )
    .unwrap();
    let day1 = "laser-aftercare/day-1-call/ep-1/0";
    let run = |rows: &str| {
        let h = history(&format!(
            r#"{{"outcomes": [{{"task": "{day1}", "outcome": "no_answer", "at": "2026-03-03T17:30"}}, {rows}]}}"#
        ));
        builtin().plan_with(&laser_of_2_march(), &h, &cal).unwrap()
    };
    for id in [day1.to_string(), format!("{day1}/attempt-2")] {
        let p = run(&format!(
            r#"{{"task": "{id}", "outcome": "done", "at": "2026-03-04T10:00", "by": "u-3"}}"#
        ));
        let call = task(&p, day1);
        let record = call.record.as_ref().unwrap();
        assert_eq!(
            (ser(&record.outcome), record.at.to_string(), record.closed),
            ("done".to_string(), "2026-03-04 10:00:00".to_string(), true),
            "{id}"
        );
        assert!(p.ignored.is_empty(), "{id}: {:?}", ignored(&p));
        assert!(!ids(&p).contains(&format!("{day1}/overdue")), "{id}");
    }
    let p = run(&format!(
        r#"{{"task": "{day1}", "outcome": "rescheduled", "at": "2026-03-03T17:40", "to": "2026-03-04T10:00"}},
           {{"task": "{day1}", "outcome": "no_answer", "at": "2026-03-04T10:05"}}"#
    ));
    assert_line(
        &p,
        day1,
        "2026-03-03 09:00-18:00 phone customer_service [no_answer closed]",
    );
    assert_eq!(
        task(&p, day1).record.as_ref().map(|r| r.at.to_string()),
        Some("2026-03-03 17:30:00".to_string())
    );
    assert_eq!(
        ignored_in_order(&p),
        [
            format!("{day1} rescheduled 2026-03-03 17:40:00 dropped #1"),
            format!("{day1} no_answer 2026-03-04 10:05:00 dropped #2"),
        ]
    );
}

/// A `done` that comes after the chain's last try changed nothing, and brings back no
/// attempt a refusal dropped (audit 55). The day-1 call (Tue 3 Mar) unanswered at 17:30:
/// its second attempt is the next day (Wed 4 Mar from 09:00, `after_event`), before the
/// patient's refusal (Thu 5 Mar 10:00), so a try recorded on it on Fri 6 Mar at 10:00
/// is taken; the third attempt (6 Mar 12:00) comes after the refusal: dropped `declined`,
/// and the try on it (12:05) and a `done` on 20 March are listed `dropped` (the third
/// attempt came back with its try and a "could not reach you" message).
#[test]
fn a_late_done_brings_back_no_attempt_a_refusal_dropped() {
    let day3 = "laser-aftercare/day-3-call/ep-1/0";
    let day1 = "laser-aftercare/day-1-call/ep-1/0";
    let attempt2 = format!("{day1}/attempt-2");
    let attempt3 = format!("{day1}/attempt-3");
    let p = laser_rows(&[
        (day1, "no_answer", "2026-03-03T17:30"),
        (day3, "declined", "2026-03-05T10:00"),
        (&attempt2, "no_answer", "2026-03-06T10:00"),
        (&attempt3, "unreachable", "2026-03-06T12:05"),
        (day1, "done", "2026-03-20T10:00"),
    ]);
    assert_eq!(
        chain(&p, "day-1-call"),
        [
            format!("{day1} 2026-03-03 09:00-18:00 phone customer_service [no_answer closed]"),
            format!(
                "{day1}/attempt-2 2026-03-04 09:00-18:00 phone customer_service [no_answer closed]"
            ),
        ]
    );
    assert_dropped(&p, &format!("{day1}/attempt-3 declined - 2026-03-06"));
    assert_eq!(
        ignored_in_order(&p),
        [
            format!("{day1}/attempt-3 unreachable 2026-03-06 12:05:00 dropped #3"),
            format!("{day1} done 2026-03-20 10:00:00 dropped #4"),
        ]
    );
}

/// A refusal is the patient's whatever becomes of the task it names: recorded on the
/// day-3 call after a `done` on it, it stops every later call (day 6 and on, `declined`)
/// and is not listed in `ignored` (audit 55: it was listed `after_closed`, and a host
/// that drops what changed nothing would drop the refusal).
#[test]
fn a_refusal_after_a_done_is_not_listed_as_changing_nothing() {
    let day3 = "laser-aftercare/day-3-call/ep-1/0";
    let p = laser_rows(&[
        (day3, "done", "2026-03-05T10:00"),
        (day3, "declined", "2026-03-05T11:00"),
    ]);
    assert!(p.ignored.is_empty(), "{:?}", ignored(&p));
    assert_dropped(
        &p,
        "laser-aftercare/day-6-call/ep-1/0 declined - 2026-03-08",
    );
}

/// A try made before the refusal is a real try, even on an attempt due after it: the
/// day-1 call unanswered at 10:00, its second attempt due at noon, tried early at 10:30
/// (no answer), the refusal at 11:00. The second attempt keeps its try; the third (two
/// hours after 10:30: 12:30, after the refusal) is dropped `declined` (audit 55 B1: the
/// second was dropped and its try listed).
#[test]
fn a_try_made_before_the_refusal_is_kept() {
    let day3 = "laser-aftercare/day-3-call/ep-1/0";
    let day1 = "laser-aftercare/day-1-call/ep-1/0";
    let attempt2 = format!("{day1}/attempt-2");
    let p = laser_rows(&[
        (day1, "no_answer", "2026-03-03T10:00"),
        (&attempt2, "no_answer", "2026-03-03T10:30"),
        (day3, "declined", "2026-03-03T11:00"),
    ]);
    assert_eq!(
        chain(&p, "day-1-call"),
        [
            format!("{day1} 2026-03-03 09:00-18:00 phone customer_service [no_answer closed]"),
            format!(
                "{day1}/attempt-2 2026-03-03 12:00-18:00 phone customer_service [no_answer closed]"
            ),
        ]
    );
    assert_dropped(&p, &format!("{day1}/attempt-3 declined - 2026-03-03"));
    assert!(p.ignored.is_empty(), "{:?}", ignored(&p));
}

/// A complaint logged Fri 17 Apr 2026 at 20:45 with the callback promised for that day
/// (audit 55 A4), planned on the default calendar (open every day).
fn complaint_agreed_past_its_resolution(until_resolved_0: &str) -> Plan {
    let ep = crate::support::episode(
        r#"{"id": "k", "event": "complaint", "at": "2026-04-17T20:45", "patient": {"id": "p"},
            "milestones": {"promised_callback": "2026-04-17"},
            "facts": [{"kind": "complaint_resolved", "at": "2026-04-21T15:31"}]}"#,
    );
    let history = format!(
        r#"{{"outcomes": [
        {{"task": "complaint/promised-callback/k/0", "outcome": "rescheduled", "at": "2026-04-18T10:41", "to": "2026-04-22T19:30"}}
        {until_resolved_0}]}}"#
    );
    (builtin().plan_with(&ep, &super::history(&history), &Calendar::default())).unwrap()
}

/// Audit 55 A4. The promised callback is agreed on 18 Apr for Wed 22 Apr at 19:30, so
/// the callbacks every 3 days count from 22 Apr: the first is due Sat 25 Apr. Staff make
/// that first callback early, on Tue 21 Apr at 11:57 (`done`), and the complaint is
/// resolved at 15:31 that day. The agreed promised callback, after the resolution, is
/// dropped `stopped` (docs/closed-loop.md: an agreed call is judged again on its new
/// day), but the callback done before the resolution stays, with its record: "a task
/// closed by an outcome is kept whatever facts came later (it happened)". It used to be
/// dropped `anchor_dropped` with its anchor, and its `done` reported as changing nothing.
/// The nine callbacks not made go with their anchor, as before.
#[test]
fn a_callback_done_before_the_resolution_stays_when_its_anchor_is_stopped() {
    let done = r#", {"task": "complaint/until-resolved-callback/k/0", "outcome": "done", "at": "2026-04-21T11:57"}"#;
    let p = complaint_agreed_past_its_resolution(done);
    assert_eq!(
        chain(&p, "until-resolved-callback"),
        ["complaint/until-resolved-callback/k/0 2026-04-25 09:00-18:00 phone customer_service [done closed]"]
    );
    assert_dropped(
        &p,
        "complaint/promised-callback/k/0 stopped complaint_resolved 2026-04-17",
    );
    for n in 1..10 {
        assert_dropped(
            &p,
            &format!("complaint/until-resolved-callback/k/{n} anchor_dropped promised-callback -"),
        );
    }
    assert!(
        !(dropped(&p).iter()).any(|d| d.starts_with("complaint/until-resolved-callback/k/0 ")),
        "{:?}",
        dropped(&p)
    );
    // Only the agreed time, whose call is dropped, is reported as changing nothing.
    assert_eq!(
        ignored(&p),
        ["complaint/promised-callback/k/0 rescheduled 2026-04-18 10:41:00 dropped #0"]
    );

    // Without it, or with only an unanswered try (which reached no one), all ten go with
    // their anchor, and the try is reported.
    for (history, reported) in [
        ("", vec![]),
        (
            r#", {"task": "complaint/until-resolved-callback/k/0", "outcome": "no_answer", "at": "2026-04-21T11:57"}"#,
            vec!["complaint/until-resolved-callback/k/0 no_answer 2026-04-21 11:57:00 dropped #1"],
        ),
    ] {
        let p = complaint_agreed_past_its_resolution(history);
        assert!(chain(&p, "until-resolved-callback").is_empty());
        for n in 0..10 {
            assert_dropped(
                &p,
                &format!(
                    "complaint/until-resolved-callback/k/{n} anchor_dropped promised-callback -"
                ),
            );
        }
        let mut expected =
            vec!["complaint/promised-callback/k/0 rescheduled 2026-04-18 10:41:00 dropped #0"];
        expected.extend(reported);
        assert_eq!(ignored_in_order(&p), expected);
    }
}

/// Audit 66 A3: the same two steps further down. A program of a promised call (from the
/// milestone `promised`, 17 Apr 2026, stopping at `resolved`), a check 3 days after it
/// and a last call 2 days after the check. The promised call is agreed (18 Apr) for Wed 22
/// Apr 19:30, past the resolution (Tue 21 Apr 15:31): dropped `stopped`. The check was
/// never made (dropped with its anchor); the last call was made on 21 Apr at 11:00, before
/// the resolution: counted from the check's rule day (22 + 3 = Sat 25 Apr) it is due Mon
/// 27 Apr, and kept with its record. It was dropped `anchor_dropped`, its `done` listed
/// as changing nothing.
#[test]
fn a_call_done_two_steps_below_a_dropped_call_stays() {
    let rules = crate::support::one_program(
        "chain",
        r#""applies": {"event": "complaint"}, "milestones": {"promised": null},
        "steps": [
            {"id": "promised-call", "from": "promised", "stop_when": ["resolved"], "title": {"zh": "p", "en": "p"}},
            {"id": "check", "from": "promised-call", "offset": "P3D", "title": {"zh": "c", "en": "c"}},
            {"id": "last-call", "from": "check", "offset": "P2D", "title": {"zh": "l", "en": "l"}}]"#,
    );
    let ep = crate::support::episode(
        r#"{"id": "k", "event": "complaint", "at": "2026-04-17T09:00", "patient": {"id": "p"},
            "milestones": {"promised": "2026-04-17"}, "facts": [{"kind": "resolved", "at": "2026-04-21T15:31"}]}"#,
    );
    let history = super::history(
        r#"{"outcomes": [
        {"task": "chain/promised-call/k/0", "outcome": "rescheduled", "at": "2026-04-18T10:41", "to": "2026-04-22T19:30"},
        {"task": "chain/last-call/k/0", "outcome": "done", "at": "2026-04-21T11:00"}]}"#,
    );
    let p = rules
        .plan_with(&ep, &history, &Calendar::default())
        .unwrap();
    assert_eq!(
        chain(&p, "last-call"),
        ["chain/last-call/k/0 2026-04-27 09:00-18:00 phone customer_service [done closed]"]
    );
    assert_dropped(&p, "chain/promised-call/k/0 stopped resolved 2026-04-17");
    assert_dropped(&p, "chain/check/k/0 anchor_dropped promised-call -");
    assert_eq!(
        ignored(&p),
        ["chain/promised-call/k/0 rescheduled 2026-04-18 10:41:00 dropped #0"]
    );
}

/// A call missed before the patient refused is not chased after the refusal (audit 73,
/// docs/domain.md §8: "no more calls from anyone"). The laser of Mon 2 Mar 2026: its
/// day-1 call is due Tue 3 Mar, on time that day, worth doing for 7 days (until 10 Mar),
/// and checked by a supervisor on Wed 4 Mar when not done (`escalate_after`: P1D). It
/// is not made; the patient refuses on the day-3 call on Thu 5 Mar at 10:00. The day-1
/// call is worth doing until 5 Mar at the latest, and so is the supervisor's check (on
/// time 4-6 Mar, now 4-5): from 6 Mar both have expired, not overdue work. Refused on
/// Tue 3 Mar at 16:00 instead, before the check's day: the call is worth doing that day
/// only, and no supervisor checks it.
#[test]
fn a_call_missed_before_a_refusal_is_worth_doing_until_it() {
    let day1 = "laser-aftercare/day-1-call/ep-1/0";
    let days = |p: &Plan, id: &str| {
        let t = task(p, id);
        format!(
            "{} {} {:?}",
            t.due,
            t.latest,
            t.expires.map(|e| e.to_string())
        )
    };
    let p = laser_rows(&[(
        "laser-aftercare/day-3-call/ep-1/0",
        "declined",
        "2026-03-05T10:00",
    )]);
    assert_eq!(days(&p, day1), "2026-03-03 2026-03-03 Some(\"2026-03-05\")");
    assert_eq!(
        days(&p, &format!("{day1}/overdue")),
        "2026-03-04 2026-03-05 Some(\"2026-03-05\")"
    );
    let on_6 = followup::plan::Status::of(task(&p, day1), "2026-03-06".parse().unwrap());
    assert_eq!(on_6, followup::plan::Status::Expired);
    // Without the refusal: on time 3 Mar, worth doing until 10 Mar, checked 4-6 Mar.
    let p = laser_rows(&[]);
    assert_eq!(days(&p, day1), "2026-03-03 2026-03-03 Some(\"2026-03-10\")");
    assert_eq!(
        days(&p, &format!("{day1}/overdue")),
        "2026-03-04 2026-03-06 Some(\"2026-03-13\")"
    );
    let p = laser_rows(&[(
        "laser-aftercare/day-3-call/ep-1/0",
        "declined",
        "2026-03-03T16:00",
    )]);
    assert_eq!(days(&p, day1), "2026-03-03 2026-03-03 Some(\"2026-03-03\")");
    assert!(!p.tasks.iter().any(|t| t.id().ends_with("/overdue")));
}

/// A supervisor's check the history records as done stays, on the day it was done,
/// whatever later tries do to its call (audit 82: it vanished, and its `done` was reported
/// as on no task). The laser of Mon 2 Mar 2026: its day-1 call (Tue 3 Mar) is not made,
/// and the supervisor checks it on Wed 4 Mar (done at 10:00); the call is then tried three
/// times on Thu 5 Mar without an answer — its last try's day would put a check on 6 Mar.
#[test]
fn a_supervisors_check_recorded_done_stays_on_its_day() {
    let call = "laser-aftercare/day-1-call/ep-1/0";
    let check = format!("{call}/overdue");
    let p = laser_rows(&[
        (&check, "done", "2026-03-04T10:00"),
        (call, "no_answer", "2026-03-05T11:45"),
        (call, "no_answer", "2026-03-05T13:50"),
        (call, "no_answer", "2026-03-05T15:50"),
    ]);
    let t = task(&p, &check);
    assert_eq!(t.due.to_string(), "2026-03-04");
    // Its rule's day was 4 Mar when it was done (audit 88: nominal 6 Mar, no shift).
    assert_eq!((t.nominal, t.shifted), (t.due, None));
    assert!(t.is_closed() && t.is_done());
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    // The call itself then dropped: agreed on Sat 7 Mar for Mon 9 Mar, after the patient
    // refused on Fri 6 Mar. The check stays, done on its day; the agreed time is what
    // changed nothing.
    let p = laser_with(&format!(
        r#"{{"outcomes": [
        {{"task": "{check}", "outcome": "done", "at": "2026-03-04T10:00"}},
        {{"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "declined", "at": "2026-03-06T09:00"}},
        {{"task": "{call}", "outcome": "rescheduled", "at": "2026-03-07T10:00", "to": "2026-03-09T10:00"}}]}}"#
    ));
    let t = task(&p, &check);
    assert_eq!(t.due.to_string(), "2026-03-04");
    assert!(t.is_closed() && t.is_done());
    assert!(!p.tasks.iter().any(|t| t.id() == call));
}

/// The same check when its call is dropped by a try made after the patient opted out of
/// calls (audit 82's sweep): the laser of Mon 2 Mar 2026, its day-1 call (Tue 3 Mar) not
/// made, checked by the supervisor on Wed 4 Mar at 08:00; the patient opts out of calls at
/// 09:00; the call is tried twice on Thu 5 Mar without an answer (the first on the call
/// planned before the opt-out, the second on its attempt, which the opt-out stops), and
/// then agreed for Fri 6 Mar. The tries and the agreed time reached no one: the attempt
/// is dropped, and the check stays, done on its day.
#[test]
fn a_supervisors_check_recorded_done_stays_when_its_call_is_tried_after_an_opt_out() {
    let call = "laser-aftercare/day-1-call/ep-1/0";
    let check = format!("{call}/overdue");
    let ep = builtin()
        .read_episode(
            "ep",
            r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {"category": "laser"},
                "patient": {"id": "p-1", "opt_outs": [{"channel": "phone", "at": "2026-03-04T09:00"}]}}"#,
        )
        .unwrap();
    for agreed in [false, true] {
        let mut rows = vec![
            format!(r#"{{"task": "{check}", "outcome": "done", "at": "2026-03-04T08:00"}}"#),
            format!(r#"{{"task": "{call}", "outcome": "no_answer", "at": "2026-03-05T15:15"}}"#),
            format!(r#"{{"task": "{call}", "outcome": "no_answer", "at": "2026-03-05T17:15"}}"#),
        ];
        if agreed {
            rows.push(format!(
                r#"{{"task": "{call}", "outcome": "rescheduled", "at": "2026-03-06T09:30", "to": "2026-03-06T10:30"}}"#
            ));
        }
        let json = format!(r#"{{"outcomes": [{}]}}"#, rows.join(", "));
        let p = (builtin().plan_with(&ep, &history(&json), &Calendar::default())).unwrap();
        let t = task(&p, &check);
        assert_eq!(t.due.to_string(), "2026-03-04", "agreed: {agreed}");
        assert_eq!((t.nominal, t.shifted), (t.due, None), "agreed: {agreed}");
        assert!(t.is_closed() && t.is_done(), "agreed: {agreed}");
        assert!(
            !p.tasks
                .iter()
                .any(|t| t.id().starts_with(&format!("{call}/attempt"))),
            "agreed: {agreed}"
        );
    }
}

/// The laser of Mon 2 Mar 2026: its day-3 call (Thu 5 Mar) unanswered at 14:10 and
/// 16:11; the third attempt, due Fri 6 Mar (18:11 is past the day's window), tried early
/// at 18:12, unanswered; the patient refuses at 20:12. The three tries were made before
/// the refusal, so the chain is what it was without it, wherever the refusal is recorded
/// (docs/closed-loop.md: a try counts when it was made before the fact, even on an
/// attempt due after it): the third attempt closed by its try, and the message after the
/// third unanswered call, the next morning (audits 89, 92: recorded on another task, the
/// refusal's cap dropped the third attempt `expired`, and the message followed two tries).
#[test]
fn a_refusal_after_three_tries_leaves_the_chain_whatever_task_it_names() {
    let call = "laser-aftercare/day-3-call/ep-1/0";
    let tries = format!(
        r#"{{"task": "{call}", "outcome": "no_answer", "at": "2026-03-05T14:10"}},
        {{"task": "{call}/attempt-2", "outcome": "no_answer", "at": "2026-03-05T16:11"}},
        {{"task": "{call}/attempt-3", "outcome": "no_answer", "at": "2026-03-05T18:12"}}"#
    );
    for refused_on in [call, "laser-aftercare/month-1-call/ep-1/0"] {
        let p = laser_with(&format!(
            r#"{{"outcomes": [{tries},
            {{"task": "{refused_on}", "outcome": "declined", "at": "2026-03-05T20:12"}}]}}"#
        ));
        let third = task(&p, &format!("{call}/attempt-3"));
        assert_eq!(third.due.to_string(), "2026-03-06", "{refused_on}");
        assert_eq!(
            (third.record.as_ref()).map(|r| r.at.to_string()),
            Some("2026-03-05 18:12:00".to_string()),
            "{refused_on}"
        );
        let message = task(&p, &format!("{call}/message"));
        assert_eq!(
            (message.due.to_string(), message.window.to_string()),
            ("2026-03-06".to_string(), "09:00-18:00".to_string()),
            "{refused_on}"
        );
        assert!(p.ignored.is_empty(), "{refused_on}: {:?}", p.ignored);
    }
}

/// A refusal inside a call's window ends the window there: no call after the patient
/// said stop (docs/domain.md §8, seed 004; audit 202: the laser's day-3 call stayed open
/// work, 09:00-18:00, for the rest of the day the patient refused at 10:00 on another
/// programme's call). A laser treatment of Mon 2 Mar 2026: its day-3 call, Thu 5 March
/// 09:00-18:00; the patient refuses on the call of a surgery of the same day (another
/// episode) on the 5th: at 10:00 the laser's call is 09:00-10:00, still on time before
/// the refusal; at 10:00:30, the same (windows count whole minutes: a fact counts from
/// the start of its minute); at 09:00 sharp or 09:00:30, nothing is left of it: dropped
/// `declined` (audits 211, 219, 223: it kept 09:00-09:01, a call after the refusal); at
/// 18:00 or 18:30, after its window, it keeps its whole window. Its later calls are
/// dropped `declined` in each.
#[test]
fn a_refusal_inside_a_calls_window_ends_the_window_there() {
    let day3 = "laser-aftercare/day-3-call/ep-1/0";
    for (at, window) in [
        ("2026-03-05T10:00:00", Some("09:00-10:00")),
        ("2026-03-05T10:00:30", Some("09:00-10:00")),
        ("2026-03-05T09:00:30", None),
        ("2026-03-05T09:00:00", None),
        ("2026-03-05T18:00:00", Some("09:00-18:00")),
        ("2026-03-05T18:30:00", Some("09:00-18:00")),
    ] {
        let p = laser_with(&format!(
            r#"{{"outcomes": [{{"task": "plastic-aftercare/day-3-call/ep-9/0", "outcome": "declined", "at": "{at}"}}]}}"#
        ));
        let call = p.tasks.iter().find(|t| t.id() == day3);
        assert_eq!(
            call.map(|t| t.window.to_string()).as_deref(),
            window,
            "{at}"
        );
        let declined =
            |id: &str| (dropped(&p).iter()).any(|d| d.starts_with(&format!("{id} declined ")));
        assert_eq!(declined(day3), window.is_none(), "{at}: {:?}", dropped(&p));
        assert!(declined("laser-aftercare/day-6-call/ep-1/0"), "{at}");
    }
    // Explained so (audit 211: the explanation gave the whole window).
    let h = history(
        r#"{"outcomes": [{"task": "plastic-aftercare/day-3-call/ep-9/0", "outcome": "declined", "at": "2026-03-05T10:00:00"}]}"#,
    );
    let x = (builtin().explain(&laser_of_2_march(), Some(&h), &Calendar::default())).unwrap();
    let e = x.of(day3).unwrap();
    assert_eq!(e.result, "due 2026-03-05 (Thu) 09:00-10:00");
    assert!(
        (e.steps.iter()).any(|l| l == "a fact ends its window at 10:00: no contact after it"),
        "{:#?}",
        e.steps
    );
}
