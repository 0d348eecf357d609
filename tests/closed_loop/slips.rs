//! Histories as hosts send them: an upload sent twice, a mistyped attempt, a time before
//! the event, an outcome on a task a fact then stops. Each is reported in `plan.ignored`
//! and changes no task it does not concern. Rules and days: `mod.rs` (the day-1 call of
//! Tue 3 Mar: 3 tries 2 hours apart, then a message; its check two days after, 5 Mar).

use super::*;

/// A lead of Tue 10 Mar 2026, 11:00 (online, not booked; consultant u-21) who came in on
/// 20 March.
fn visited_lead(id: &str, patient: &str) -> followup::episode::Episode {
    builtin()
        .read_episode(
            "ep",
            &format!(
                r#"{{"id": "{id}", "event": "consultation", "at": "2026-03-10T11:00:00",
                "attributes": {{"source": "online", "outcome": "not_booked"}},
                "patient": {{"id": "{patient}"}}, "owners": {{"consultant": "u-21"}},
                "facts": [{{"kind": "visited", "at": "2026-03-20T10:00:00"}}]}}"#
            ),
        )
        .unwrap()
}

/// A laser treatment on Mon 2 Mar 2026 at 10:00 (episode `ep-1`, patient `p-1`).
pub(super) fn laser_of_2_march() -> followup::episode::Episode {
    builtin()
        .read_episode(
            "ep",
            r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#,
        )
        .unwrap()
}

/// The plan of `ep` by the built-in rules, on the default calendar, with a history of
/// one outcome.
fn with_one_outcome(ep: &followup::episode::Episode, task: &str, outcome: &str, at: &str) -> Plan {
    builtin()
        .plan_with(
            ep,
            &history(&one_outcome(task, outcome, at)),
            &Calendar::default(),
        )
        .unwrap()
}

/// The plan of [`laser_of_2_march`] by the built-in rules, on the default calendar,
/// with the history `json`.
pub(super) fn laser_with(json: &str) -> Plan {
    (builtin().plan_with(&laser_of_2_march(), &history(json), &Calendar::default())).unwrap()
}

/// [`laser_with`] a history of `(task, outcome, at)` rows, in that order.
pub(super) fn laser_rows(rows: &[(&str, &str, &str)]) -> Plan {
    let rows: Vec<String> = (rows.iter())
        .map(|(task, outcome, at)| {
            format!(r#"{{"task": "{task}", "outcome": "{outcome}", "at": "{at}"}}"#)
        })
        .collect();
    laser_with(&format!(r#"{{"outcomes": [{}]}}"#, rows.join(", ")))
}

/// `p` lists `line` (`id reason detail nominal`) among its dropped occurrences.
#[track_caller]
pub(super) fn assert_dropped(p: &Plan, line: &str) {
    assert!(
        dropped(p).iter().any(|d| d == line),
        "{line} not in {:?}",
        dropped(p)
    );
}

pub(super) fn ignored(p: &Plan) -> Vec<String> {
    (p.ignored.iter())
        .map(|i| {
            let (task, at, index) = (&i.task, i.at, i.index);
            format!(
                "{task} {} {at} {} #{index}",
                ser(&i.outcome),
                ser(&i.reason)
            )
        })
        .collect()
}

/// The same row three times (a host retrying its upload) is one unanswered call: one
/// second attempt, 2 hours later, not a third attempt and a message after a single call.
/// Both copies are listed, each with its place in the history, so a host can match its
/// upload count (docs/closed-loop.md: `ignored` says what changed nothing).
#[test]
fn an_outcome_sent_three_times_counts_once() {
    let row = r#"{"task": "care/day-1-call/ep-1/0", "outcome": "no_answer",
                  "at": "2026-03-03T10:05:00", "by": "u-3"}"#;
    let p = plan_with(&format!(r#"{{"outcomes": [{row}, {row}, {row}]}}"#));
    let chain = chain(&p, "day-1-call");
    assert_eq!(
        chain,
        [
            format!("{DAY1} 2026-03-03 09:00-18:00 phone customer_service [no_answer closed]"),
            format!("{DAY1}/attempt-2 2026-03-03 12:05-18:00 phone customer_service"),
            format!("{DAY1}/overdue 2026-03-05 09:00-18:00 internal supervisor"),
        ]
    );
    assert_eq!(
        ignored(&p),
        [
            "care/day-1-call/ep-1/0 no_answer 2026-03-03 10:05:00 duplicate #1",
            "care/day-1-call/ep-1/0 no_answer 2026-03-03 10:05:00 duplicate #2",
        ]
    );
}

/// An outcome on an attempt the plan has not made — the step allows 3, and no call was
/// recorded unanswered — is a typo: reported, and the day-1 call stays open, with its
/// supervisor's check.
#[test]
fn an_outcome_on_an_attempt_not_made_is_reported_not_applied() {
    for attempt in ["attempt-7", "attempt-2"] {
        let p = plan_with(&format!(
            r#"{{"outcomes": [{{"task": "care/day-1-call/ep-1/0/{attempt}", "outcome": "done",
                 "at": "2026-03-03T11:00:00"}}]}}"#
        ));
        assert_line(&p, DAY1, "2026-03-03 09:00-18:00 phone customer_service");
        assert!(p.tasks.iter().any(|t| t.id() == format!("{DAY1}/overdue")));
        assert_eq!(
            ignored(&p),
            [format!(
                "care/day-1-call/ep-1/0/{attempt} done 2026-03-03 11:00:00 no_such_task #0"
            )]
        );
    }
}

/// Audit 43: one unanswered call recorded at 10:05 on the day-1 call's id and again on
/// its second attempt's is one try: the second attempt is due 2 hours later (12:05), not
/// a third attempt, and the copy is listed as a `duplicate` — whatever word the copy
/// gives the unanswered call (audit 46: `busy` beside `no_answer` counted two tries).
#[test]
fn one_call_recorded_on_two_ids_of_its_chain_is_one_try() {
    for copy in ["no_answer", "busy"] {
        one_call_on_two_ids(copy);
    }
}

fn one_call_on_two_ids(copy: &str) {
    let p = plan_with(&format!(
        r#"{{"outcomes": [
            {{"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:05:00"}},
            {{"task": "care/day-1-call/ep-1/0/attempt-2", "outcome": "{copy}", "at": "2026-03-03T10:05:00"}}]}}"#
    ));
    assert_eq!(
        chain(&p, "day-1-call"),
        [
            format!("{DAY1} 2026-03-03 09:00-18:00 phone customer_service [no_answer closed]"),
            format!("{DAY1}/attempt-2 2026-03-03 12:05-18:00 phone customer_service"),
            format!("{DAY1}/overdue 2026-03-05 09:00-18:00 internal supervisor"),
        ]
    );
    assert_eq!(
        ignored(&p),
        [format!(
            "care/day-1-call/ep-1/0/attempt-2 {copy} 2026-03-03 10:05:00 duplicate #1"
        )]
    );
}

/// Audit 43: an outcome on an attempt not made does not bring back a call a refusal or
/// a purchase dropped. A laser treatment on Mon 2 Mar 2026: the patient refuses on the
/// day-3 call (Thu 5 Mar, 10:00), and a `done` typed on the month-1 call's fifth attempt
/// (none was unanswered: no attempt 2 was ever made) comes on 2 Apr. The month-1 call
/// stays `declined` (it came back open, as if the typo were a call made), and the typo is
/// `no_such_task`. A lead who bought (`converted`) before the 611 plan's day-45 call: the same.
#[test]
fn an_outcome_on_an_attempt_not_made_brings_back_no_dropped_call() {
    let rules = builtin();
    let p = laser_with(
        r#"{"outcomes": [
            {"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "declined", "at": "2026-03-05T10:00"},
            {"task": "laser-aftercare/month-1-call/ep-1/0/attempt-5", "outcome": "done", "at": "2026-04-02T11:00"}]}"#,
    );
    assert_dropped(
        &p,
        "laser-aftercare/month-1-call/ep-1/0 declined - 2026-04-02",
    );
    assert!(!p.tasks.iter().any(|t| t.step() == "month-1-call"));
    assert_eq!(
        ignored(&p),
        ["laser-aftercare/month-1-call/ep-1/0/attempt-5 done 2026-04-02 11:00:00 no_such_task #1"]
    );
    let lead = crate::support::read(
        &rules,
        r#"{"id": "ep-2", "event": "consultation", "at": "2026-03-02T10:00",
                "attributes": {"source": "online", "outcome": "not_booked"},
                "patient": {"id": "p-2"}, "facts": [{"kind": "converted", "at": "2026-03-20T10:00"}]}"#,
    );
    let h = history(
        r#"{"outcomes": [{"task": "plan-611/day-45-call/ep-2/0/attempt-4", "outcome": "done",
            "at": "2026-04-16T15:00"}]}"#,
    );
    let p = rules.plan_with(&lead, &h, &Calendar::default()).unwrap();
    assert!(
        !p.tasks.iter().any(|t| t.step() == "day-45-call"),
        "{:?}",
        p.tasks
    );
    assert_eq!(
        ignored(&p),
        ["plan-611/day-45-call/ep-2/0/attempt-4 done 2026-04-16 15:00:00 no_such_task #0"]
    );
}

/// Audit 43: the call an abnormal recovery brings is a call like any other. A plastic
/// outpatient of Mon 2 Mar 2026 who opted out of calls on 1 Mar: the abnormal recovery
/// recorded at the dressing-change reception (Wed 4 Mar, 10:30) brings the doctor's visit
/// from 10:30 that day, and no onsite consultant's call (`opted_out`, phone; it was
/// planned). A laser patient who refused calls on the day-3 call (Thu 5 Mar, 10:00) and
/// whose abnormal recovery is recorded on Fri 6 Mar: the visit, and no call (`declined`).
#[test]
fn an_abnormal_recovery_calls_no_one_who_opted_out_or_refused() {
    let rules = builtin();
    let derived = |p: &Plan| -> Vec<String> {
        let tasks = (p.tasks.iter())
            .filter(|t| {
                matches!(
                    t.derived,
                    Some(Derived::AbnormalContact | Derived::DoctorVisit)
                )
            })
            .map(|t| format!("{} {} {}", t.id(), t.due, t.window));
        let drops = dropped(p)
            .into_iter()
            .filter(|d| d.contains("abnormal-contact") || d.contains("doctor-visit"));
        tasks.chain(drops).collect()
    };
    let plastic = crate::support::read(
        &rules,
        r#"{"id": "ep-3", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {"category": "plastic", "setting": "outpatient"},
                "patient": {"id": "p-3", "opt_outs": [{"channel": "phone", "at": "2026-03-01T09:00"}]}}"#,
    );
    let p = with_one_outcome(
        &plastic,
        "plastic-aftercare/dressing-change-reception/ep-3/0",
        "abnormal_recovery",
        "2026-03-04T10:30",
    );
    assert_eq!(
        derived(&p),
        [
            "plastic-aftercare/dressing-change-reception/ep-3/0/doctor-visit 2026-03-04 10:30-18:00",
            "plastic-aftercare/dressing-change-reception/ep-3/0/abnormal-contact opted_out phone 2026-03-04",
        ]
    );
    let p = laser_with(
        r#"{"outcomes": [
            {"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "declined", "at": "2026-03-05T10:00"},
            {"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "abnormal_recovery", "at": "2026-03-06T10:00"}]}"#,
    );
    assert_eq!(
        derived(&p),
        [
            "laser-aftercare/day-1-call/ep-1/0/doctor-visit 2026-03-06 10:00-18:00",
            "laser-aftercare/day-1-call/ep-1/0/abnormal-contact declined - 2026-03-06",
        ]
    );
}

/// Audit 43: an outcome recorded on the call an abnormal recovery brings, before the
/// recovery was recorded, is on a task that did not exist yet. A laser patient of Mon
/// 2 Mar 2026, her abnormal recovery recorded on the day-1 call on Tue 3 Mar at 15:00; a
/// `rescheduled` to 11:00 on the consultant's call, recorded at 10:00: ignored
/// (`no_such_task`), and the call stays due from 15:00 (it was due 11:00-12:00, four
/// hours before its cause).
#[test]
fn an_outcome_before_the_recovery_that_brings_the_call_is_ignored() {
    let p = laser_with(
        r#"{"outcomes": [
            {"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "abnormal_recovery", "at": "2026-03-03T15:00"},
            {"task": "laser-aftercare/day-1-call/ep-1/0/abnormal-contact", "outcome": "rescheduled",
             "at": "2026-03-03T10:00", "to": "2026-03-03T11:00"}]}"#,
    );
    let call = p
        .tasks
        .iter()
        .find(|t| t.derived == Some(Derived::AbnormalContact))
        .map(|t| format!("{} {}", t.due, t.window));
    assert_eq!(call.as_deref(), Some("2026-03-03 15:00-18:00"));
    assert_eq!(
        ignored(&p),
        ["laser-aftercare/day-1-call/ep-1/0/abnormal-contact rescheduled 2026-03-03 10:00:00 no_such_task #1"]
    );
}

/// Recorded on 1 Mar, before the surgery of 2 Mar 10:00: a data slip. The call is not
/// done and a refusal dated then is no refusal of this episode's patient: the calls go on.
#[test]
fn an_outcome_before_the_event_is_a_slip() {
    let p = plan_with(
        r#"{"outcomes": [
            {"task": "care/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-01T10:00:00"},
            {"task": "care/day-3-call/ep-1/0", "outcome": "declined", "at": "2026-03-02T09:59:00"}
        ]}"#,
    );
    assert_line(&p, DAY1, "2026-03-03 09:00-18:00 phone customer_service");
    assert_line(&p, DAY3, "2026-03-05 09:00-18:00 phone customer_service");
    assert!(p.dropped.is_empty(), "{:?}", dropped(&p));
    assert_eq!(
        ignored(&p),
        [
            "care/day-1-call/ep-1/0 done 2026-03-01 10:00:00 before_event #0",
            "care/day-3-call/ep-1/0 declined 2026-03-02 09:59:00 before_event #1",
        ]
    );
}

/// docs/domain.md §4: an online lead (consultation Tue 10 Mar) whose second follow-up the
/// consultant picked for 27 Mar, and who came in on 20 Mar: the follow-up is dropped
/// (`visited` before it is due), and the pick that had moved it is reported, not lost.
#[test]
fn the_pick_of_a_follow_up_a_visit_then_stops_is_reported() {
    let (rules, ep) = (builtin(), visited_lead("ep-p1", "p-2"));
    let h = history(
        r#"{"outcomes": [
            {"task": "presales/first-follow-up/ep-p1/0", "outcome": "done", "at": "2026-03-13T15:00", "by": "u-21"},
            {"task": "presales/second-follow-up/ep-p1/0", "outcome": "picked", "at": "2026-03-13T15:30",
             "day": "2026-03-27", "by": "u-21"}]}"#,
    );
    let p = rules.plan_with(&ep, &h, &Calendar::default()).unwrap();
    assert_dropped(
        &p,
        "presales/second-follow-up/ep-p1/0 stopped visited 2026-03-14",
    );
    assert_eq!(
        ignored(&p),
        ["presales/second-follow-up/ep-p1/0 picked 2026-03-13 15:30:00 dropped #1"]
    );
}

/// Copies that differ only in who recorded them or in the note (never read) are copies
/// too: a host that fills a note when it sends again does not use up the attempts.
#[test]
fn copies_that_differ_only_in_recorder_or_note_count_once() {
    let p = plan_with(
        r#"{"outcomes": [
            {"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:05:00", "by": "u-3"},
            {"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:05:00", "by": "u-3", "note": "voicemail"},
            {"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:05:00", "by": "u-4", "note": "try later"}
        ]}"#,
    );
    assert_line(
        &p,
        &format!("{DAY1}/attempt-2"),
        "2026-03-03 12:05-18:00 phone customer_service",
    );
    assert!(!p.tasks.iter().any(|t| t.id().ends_with("/attempt-3")));
    // The one without a note by u-3 counts; the two others are the copies.
    assert_eq!(
        ignored(&p),
        [
            "care/day-1-call/ep-1/0 no_answer 2026-03-03 10:05:00 duplicate #1",
            "care/day-1-call/ep-1/0 no_answer 2026-03-03 10:05:00 duplicate #2",
        ]
    );
}

/// A host that stamps an upload after the call: `done` on the second attempt at 12:20, the
/// unanswered first call stamped 12:30. The unanswered call made the second attempt, so
/// the `done` is taken: the call is done, nobody is called again.
#[test]
fn a_done_attempt_recorded_before_the_unanswered_call_that_led_to_it_is_taken() {
    let p = plan_with(
        r#"{"outcomes": [
            {"task": "care/day-1-call/ep-1/0/attempt-2", "outcome": "done", "at": "2026-03-03T12:20:00"},
            {"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T12:30:00"}
        ]}"#,
    );
    assert!(task(&p, DAY1).is_done());
    assert!(!(p.tasks.iter()).any(|t| t.id().contains("/attempt-")
        || t.id().ends_with("/overdue") && t.id().starts_with(DAY1)));
    assert_eq!(
        ignored(&p),
        ["care/day-1-call/ep-1/0 no_answer 2026-03-03 12:30:00 after_closed #1"]
    );
}

/// Three calls unanswered, then `done` on a fourth attempt the step never allows
/// (`max_attempts` 3): a typo (`no_such_task`), not "after closed".
#[test]
fn an_attempt_past_max_attempts_is_no_such_task() {
    let p = day1_rows(&[
        ["", "no_answer", "2026-03-03T09:30:00", ""],
        ["/attempt-2", "no_answer", "2026-03-03T11:40:00", ""],
        ["/attempt-3", "no_answer", "2026-03-03T13:45:00", ""],
        ["/attempt-4", "done", "2026-03-03T16:00:00", ""],
    ]);
    assert_eq!(
        ignored(&p),
        ["care/day-1-call/ep-1/0/attempt-4 done 2026-03-03 16:00:00 no_such_task #3"]
    );
}

/// A `done` on `…/attempt-3` at 09:45, before any try, and the call then tried at 10:00
/// (unanswered) and done on its second attempt at 12:10: the `…/attempt-3` row is a
/// typo. A try recorded the next day (Wed 4 Mar) changes nothing: it comes after the
/// call was done, and makes no attempt of the day before (audit 89: with it, the typo
/// became the call's record, and the real `done` was listed `after_closed`).
#[test]
fn a_try_recorded_the_next_day_makes_no_attempt_of_the_day_before() {
    let day_before = [
        ["/attempt-3", "done", "2026-03-03T09:45:00", ""],
        ["", "no_answer", "2026-03-03T10:00:00", ""],
        ["/attempt-2", "done", "2026-03-03T12:10:00", ""],
    ];
    let next_day = ["", "no_answer", "2026-03-04T10:00:00", ""];
    let typo = "care/day-1-call/ep-1/0/attempt-3 done 2026-03-03 09:45:00 no_such_task #0";
    for (rows, expected) in [
        (day_before.to_vec(), vec![typo]),
        (
            [day_before.as_slice(), &[next_day]].concat(),
            vec![
                "care/day-1-call/ep-1/0 no_answer 2026-03-04 10:00:00 after_closed #3",
                typo,
            ],
        ),
    ] {
        let p = day1_rows(&rows);
        let day1 = task(&p, DAY1);
        assert_eq!(
            (day1.record.as_ref()).map(|r| (ser(&r.outcome), r.at.to_string())),
            Some(("no_answer".to_string(), "2026-03-03 10:00:00".to_string())),
        );
        assert!(task(&p, &format!("{DAY1}/attempt-2")).is_done());
        assert_eq!(sorted(ignored(&p)), expected);
    }
}

/// `v`, sorted.
fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Two unanswered tries recorded on `…/attempt-3` and none on the call or its second
/// attempt: what is recorded on the third attempt cannot be what made it, so both are
/// typos, and the call's `done` at 11:00 stays the call's (audit 85: together they made
/// the third attempt, closed the call `busy` and moved its `done` onto a second attempt).
#[test]
fn tries_recorded_on_an_attempt_do_not_make_it() {
    let p = day1_rows(&[
        ["", "done", "2026-03-03T11:00:00", ""],
        ["/attempt-3", "busy", "2026-03-03T09:45:00", ""],
        ["/attempt-3", "no_answer", "2026-03-03T13:10:00", ""],
    ]);
    let day1 = task(&p, DAY1);
    assert!(day1.is_done());
    assert_eq!(
        day1.record.as_ref().map(|r| r.at.to_string()),
        Some("2026-03-03 11:00:00".to_string())
    );
    assert!(!(p.tasks.iter()).any(|t| t.id().contains("/attempt-")));
    assert_eq!(
        sorted(ignored(&p)),
        [
            "care/day-1-call/ep-1/0/attempt-3 busy 2026-03-03 09:45:00 no_such_task #1",
            "care/day-1-call/ep-1/0/attempt-3 no_answer 2026-03-03 13:10:00 no_such_task #2",
        ]
    );
}

/// A patient-level plan has no event: a refusal recorded on a greeting in February still
/// holds for greetings planned from September (its messages stop 6 months after it, 14
/// Aug), and it is no `before_event` slip.
#[test]
fn a_refusal_before_the_horizon_of_greetings_still_holds() {
    let rules = builtin();
    let patient = followup::episode::Patient {
        id: "p-42".into(),
        birthday: Some("1990-11-03".parse().unwrap()),
        ..Default::default()
    };
    let h = history(
        r#"{"outcomes": [{"task": "greetings/valentines-day/patient:p-42/20260214",
            "outcome": "declined", "at": "2026-02-14T10:00"}]}"#,
    );
    let p = rules
        .plan_patient_with(
            &patient,
            &h,
            "2026-09-01".parse().unwrap(),
            "2026-12-31".parse().unwrap(),
            &Calendar::default(),
        )
        .unwrap();
    assert!(
        p.tasks.is_empty(),
        "{:?}",
        p.tasks.iter().map(|t| t.id()).collect::<Vec<_>>()
    );
    assert!(!p.dropped.is_empty());
    // The greeting it was recorded on is outside this horizon: no task of the plan, but
    // the refusal holds, so it is not listed among what changed nothing (audit 43).
    assert_eq!(ignored(&p), Vec::<String>::new());
}

/// Audit 43: a refusal recorded on a mistyped task id is the patient's refusal (every
/// later call of the laser treatment of Mon 2 Mar is `declined` from Thu 5 Mar, 10:00):
/// it changed something, and is not listed in `ignored` as `no_such_task`.
#[test]
fn a_refusal_on_a_mistyped_task_is_a_refusal_not_ignored() {
    let p = with_one_outcome(
        &laser_of_2_march(),
        "laser-aftercare/day-3-callx/ep-1/0",
        "declined",
        "2026-03-05T10:00",
    );
    assert_dropped(
        &p,
        "laser-aftercare/day-6-call/ep-1/0 declined - 2026-03-08",
    );
    assert_eq!(ignored(&p), Vec::<String>::new());
}

/// docs/closed-loop.md: an agreed time starts the unanswered count again. Day-1 call of
/// Tue 3 Mar: unanswered at 09:10 and 11:15, the third try agreed for 14:00 (at 13:20)
/// and unanswered at 14:05; the count starts again, so a fourth try comes at 16:05
/// (2 hours later), and staff record it done at 16:10. The plan made `…/attempt-4`, so
/// the history takes it: the call is done, nothing is ignored, no message goes out
/// (audit of 6 December: it was `no_such_task`, and the call never closed). Without the
/// agreed time, a fourth try is a typo: `an_attempt_past_max_attempts_is_no_such_task`.
#[test]
fn an_attempt_after_an_agreed_time_past_max_attempts_is_taken() {
    let p = plan_with(
        r#"{"outcomes": [
            {"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T09:10:00"},
            {"task": "care/day-1-call/ep-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-03T11:15:00"},
            {"task": "care/day-1-call/ep-1/0/attempt-3", "outcome": "rescheduled", "at": "2026-03-03T13:20:00", "to": "2026-03-03T14:00:00"},
            {"task": "care/day-1-call/ep-1/0/attempt-3", "outcome": "no_answer", "at": "2026-03-03T14:05:00"},
            {"task": "care/day-1-call/ep-1/0/attempt-4", "outcome": "done", "at": "2026-03-03T16:10:00"}
        ]}"#,
    );
    assert!(p.ignored.is_empty(), "{:?}", ignored(&p));
    let four = task(&p, &format!("{DAY1}/attempt-4"));
    assert_eq!(
        (four.due.to_string(), four.window.to_string()),
        ("2026-03-03".into(), "16:05-18:00".into())
    );
    assert!(four.is_done());
    assert!(!(p.tasks.iter()).any(|t| t.id().starts_with(DAY1)
        && (t.id().ends_with("/message") || t.id().ends_with("/attempt-5"))));
}

/// docs/closed-loop.md, `rescheduled`: the task (or its current attempt) is "worth doing
/// as long after it as before", and the unanswered count starts again. The day-1 call
/// of Tue 3 Mar goes unanswered at 09:00; on its second try the patient agrees to a call
/// on Fri 20 Mar at 10:00 — past the day the call would have expired (7 days after 3
/// Mar) — and does not answer then. The count started again at the agreed time: a third
/// try follows 2 hours later, 12:00, not the message (audit of 6 December: the attempt
/// kept the call's old expiry and was dropped as expired).
#[test]
fn an_agreed_time_on_an_attempt_keeps_the_tries_after_it() {
    let p = plan_with(
        r#"{"outcomes": [
            {"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T09:00:00"},
            {"task": "care/day-1-call/ep-1/0/attempt-2", "outcome": "rescheduled", "at": "2026-03-03T11:05:00", "to": "2026-03-20T10:00:00"},
            {"task": "care/day-1-call/ep-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-20T10:00:00"}
        ]}"#,
    );
    let three = task(&p, &format!("{DAY1}/attempt-3"));
    assert_eq!(
        (three.due.to_string(), three.window.to_string()),
        ("2026-03-20".to_string(), "12:00-18:00".to_string())
    );
    assert!(!p.tasks.iter().any(|t| t.id() == format!("{DAY1}/message")));
    assert!(
        !dropped(&p).iter().any(|d| d.contains("attempt-3")),
        "{:?}",
        dropped(&p)
    );
}

/// Of two copies of a `done`, the one naming who made the call counts, wherever it is in
/// the upload: the record keeps `by` (compliance credits u-7, not the task's owner), and
/// the copy without a name is the duplicate (docs/closed-loop.md; audit of 6 December:
/// the copy without a name counted).
#[test]
fn of_two_copies_the_one_naming_the_caller_counts() {
    for (first, second, duplicate) in [
        (r#""by": "u-7""#, r#""note": "again""#, 1),
        (r#""note": "again""#, r#""by": "u-7""#, 0),
    ] {
        let p = plan_with(&format!(
            r#"{{"outcomes": [
                {{"task": "care/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-03T10:00:00", {first}}},
                {{"task": "care/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-03T10:00:00", {second}}}
            ]}}"#
        ));
        let record = task(&p, DAY1).record.as_deref().unwrap();
        assert_eq!(record.by.as_deref(), Some("u-7"));
        assert_eq!(
            ignored(&p),
            [format!(
                "care/day-1-call/ep-1/0 done 2026-03-03 10:00:00 duplicate #{duplicate}"
            )]
        );
    }
}

/// An unanswered try recorded on a call a fact stops does not bring the call back (audit
/// 31: it came back as open work, on the worklist and counted missed): the lead of 10 March
/// 2026 came in on 20 March, so the second follow-up (its window from 14 March) stays
/// stopped, and a `busy` recorded on it on 24 March is reported, `dropped`. The lead then
/// refuses on the first follow-up (13 March): the 611 day-45 call (10 March + 45 days =
/// 24 April) is dropped `declined`, and a `no_answer` on it on 24 April too.
#[test]
fn an_unanswered_try_on_a_stopped_call_is_reported_not_reopened() {
    let (rules, ep) = (builtin(), visited_lead("ep-p2", "p-3"));
    let busy = r#"{"task": "presales/second-follow-up/ep-p2/0", "outcome": "busy", "at": "2026-03-24T15:00", "by": "u-21"}"#;
    let p = rules
        .plan_with(
            &ep,
            &history(&format!(r#"{{"outcomes": [{busy}]}}"#)),
            &Calendar::default(),
        )
        .unwrap();
    assert!(!ids(&p).contains(&"presales/second-follow-up/ep-p2/0".to_string()));
    assert_dropped(
        &p,
        "presales/second-follow-up/ep-p2/0 stopped visited 2026-03-14",
    );
    assert_eq!(
        ignored(&p),
        ["presales/second-follow-up/ep-p2/0 busy 2026-03-24 15:00:00 dropped #0"]
    );
    let refused = r#"{"outcomes": [
        {"task": "presales/first-follow-up/ep-p2/0", "outcome": "declined", "at": "2026-03-13T15:00", "by": "u-21"},
        {"task": "plan-611/day-45-call/ep-p2/0", "outcome": "no_answer", "at": "2026-04-24T10:00", "by": "u-21"}]}"#;
    let p = rules
        .plan_with(&ep, &history(refused), &Calendar::default())
        .unwrap();
    assert!(!ids(&p).contains(&"plan-611/day-45-call/ep-p2/0".to_string()));
    crate::support::assert_drop_starts(&p, "plan-611/day-45-call/ep-p2/0 declined");
    assert_eq!(
        ignored(&p),
        ["plan-611/day-45-call/ep-p2/0 no_answer 2026-04-24 10:00:00 dropped #1"]
    );
}

/// Found by the property "one outcome changes only its tasks": a call the history records
/// after a refusal is kept, and its lane keeps its order around it. A plastic inpatient
/// on Mon 21 Oct 2013 at a clinic open on Fridays and Saturdays only; a refusal recorded
/// on the ward visit on Sat 26 Oct at 05:10; an abnormal recovery recorded on the day-3
/// call on Mon 28 Oct. The day-3 call (Thu 24, closed) takes Fri 25, its nearest open
/// day; the day-1 call (Tue 22) could only go to Fri 25 too, past the day-3 call's rule
/// day: superseded, as without the record (it took Fri 25, and the day-3 call Sat 26,
/// out of order: the recorded call, kept by its record past the refusal, was left out of
/// the lane's order).
#[test]
fn a_call_recorded_after_a_refusal_keeps_its_lane_in_order() {
    let rules = builtin();
    let ep = crate::support::read(
        &rules,
        r#"{"id": "t", "event": "procedure", "at": "2013-10-21T00:00",
                "attributes": {"category": "plastic", "setting": "inpatient"}, "patient": {"id": "x"}}"#,
    );
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"closed_weekdays": ["Mon", "Tue", "Wed", "Thu", "Sun"]}"#,
    )
    .unwrap();
    let refusal = r#"{"task": "plastic-aftercare/ward-visit/t/0", "outcome": "declined", "at": "2013-10-26T05:10"}"#;
    let recorded = r#"{"task": "plastic-aftercare/day-3-call/t/0", "outcome": "abnormal_recovery", "at": "2013-10-28T10:16"}"#;
    for outcomes in [refusal.to_string(), format!("{refusal}, {recorded}")] {
        let h = history(&format!(r#"{{"outcomes": [{outcomes}]}}"#));
        let p = rules.plan_with(&ep, &h, &cal).unwrap();
        let day3: Vec<String> = (p.tasks.iter())
            .filter(|t| t.id() == "plastic-aftercare/day-3-call/t/0")
            .map(|t| t.due.to_string())
            .collect();
        assert_eq!(day3, ["2013-10-25"], "{outcomes}");
        assert_dropped(
            &p,
            "plastic-aftercare/day-1-call/t/0 superseded day-3-call 2013-10-22",
        );
    }
}

/// What the history records on a supervisor's task the plan leaves out is reported, not
/// lost, and a time agreed for a check is no check made (audit 207):
/// - a plastic outpatient of Mon 2 March, its day-1 call done on time (3 March): the
///   call has no check; a `rescheduled` recorded on the check does not bring it back;
/// - a complaint of Mon 22 June, its first call agreed for the 23rd and not made: its
///   check (the 24th), agreed for 2 July, is past the patient's refusal of the 25th —
///   left out, as every check the refusal ends — and what was agreed is reported;
/// - a course planning call made on 3 March, before its wait ended (a clinic whose
///   planning call waits for recovery: `examples/rule-overrides/course-planning-waits.json`):
///   no supervisor's task — unless the supervisor recorded one done, which happened, and
///   stays.
#[test]
fn records_on_a_supervisors_task_left_out_are_reported() {
    let plan = |ep: &str, rows: &str| builtin_plan(ep, &format!(r#"{{"outcomes": [{rows}]}}"#));
    let ids = |p: &Plan, part: &str| -> Vec<String> {
        (p.tasks.iter().map(|t| t.id()))
            .filter(|id| id.contains(part))
            .collect()
    };
    let p = plan(
        r#"{"id": "ep-2", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-2"}}"#,
        r#"{"task": "plastic-aftercare/day-1-call/ep-2/0", "outcome": "done", "at": "2026-03-03T11:00:00"},
           {"task": "plastic-aftercare/day-1-call/ep-2/0/overdue", "outcome": "rescheduled",
            "at": "2026-03-04T09:00:00", "to": "2026-03-05T10:00:00"}"#,
    );
    assert_eq!(
        ids(&p, "day-1-call"),
        ["plastic-aftercare/day-1-call/ep-2/0"]
    );
    assert_eq!(
        ignored(&p),
        ["plastic-aftercare/day-1-call/ep-2/0/overdue rescheduled 2026-03-04 09:00:00 no_such_task #1"]
    );
    let p = plan(
        r#"{"id": "ep-3", "event": "complaint", "at": "2026-06-22T15:00:00", "patient": {"id": "p-3"},
            "milestones": {"promised_callback": "2026-06-25"}}"#,
        r#"{"task": "complaint/first-call/ep-3/0", "outcome": "rescheduled", "at": "2026-06-22T15:20:00", "to": "2026-06-23"},
           {"task": "complaint/first-call/ep-3/0/overdue", "outcome": "rescheduled", "at": "2026-06-23T16:40:00", "to": "2026-07-02"},
           {"task": "complaint/promised-callback/ep-3/0", "outcome": "declined", "at": "2026-06-25T10:00:00"}"#,
    );
    assert_eq!(ids(&p, "first-call"), ["complaint/first-call/ep-3/0"]);
    assert_eq!(
        ignored(&p),
        ["complaint/first-call/ep-3/0/overdue rescheduled 2026-06-23 16:40:00 no_such_task #1"]
    );
    let course = r#"{"id": "ep-1", "event": "course", "at": "2026-03-02T10:00:00",
        "attributes": {"category": "skin"}, "patient": {"id": "p-1"},
        "course": {"package": 2, "done": ["2026-03-02"], "planned": ["2026-04-06"]}}"#;
    let made = r#"{"task": "treatment-course/course-planning-call/ep-1/0", "outcome": "done", "at": "2026-03-03T11:00:00"}"#;
    let waits = crate::support::course_planning_waits();
    let plan = |ep: &str, rows: &str| {
        let ep = crate::support::read(&waits, ep);
        let h = history(&format!(r#"{{"outcomes": [{rows}]}}"#));
        waits.plan_with(&ep, &h, &Calendar::default()).unwrap()
    };
    let p = plan(course, made);
    assert_eq!(
        ids(&p, "planning"),
        ["treatment-course/course-planning-call/ep-1/0"]
    );
    let p = plan(
        course,
        &format!(
            r#"{made}, {{"task": "treatment-course/course-planning-call/ep-1/0/escalation", "outcome": "done",
                "at": "2026-04-07T10:00:00", "by": "u-7"}}"#
        ),
    );
    assert_eq!(
        ids(&p, "planning"),
        [
            "treatment-course/course-planning-call/ep-1/0",
            "treatment-course/course-planning-call/ep-1/0/escalation"
        ]
    );
    assert!(p.ignored.is_empty(), "{:?}", ignored(&p));
    let check = p
        .tasks
        .iter()
        .find(|t| t.id().ends_with("/escalation"))
        .unwrap();
    assert!(check.is_closed());
}

/// The first session of a course is its event: it has no reminder the day before, and
/// a `done` recorded on one is a slip, reported (audit 205: it made a reminder the day
/// before the event, counted late). A skin course of 4 from Tue 10 March 2026 14:00,
/// sessions done on the 10th and 24th: the reminders are those of sessions 3 and 4.
#[test]
fn an_outcome_on_the_reminder_of_the_event_session_is_a_slip() {
    let p = builtin_plan(
        r#"{"id": "ep-p3", "event": "course", "at": "2026-03-10T14:00", "attributes": {"category": "skin"},
            "patient": {"id": "p-3"}, "course": {"package": 4, "done": ["2026-03-10", "2026-03-24"],
            "planned": ["2026-04-07", "2026-04-21"]}}"#,
        r#"{"outcomes": [{"task": "treatment-course/session-reminder/ep-p3/1", "outcome": "done", "at": "2026-03-23T10:00"}]}"#,
    );
    let reminders: Vec<String> = (p.tasks.iter())
        .filter(|t| t.step() == "session-reminder")
        .map(|t| format!("{} {}", t.id(), t.due))
        .collect();
    assert_eq!(
        reminders,
        [
            "treatment-course/session-reminder/ep-p3/3 2026-04-06",
            "treatment-course/session-reminder/ep-p3/4 2026-04-20"
        ]
    );
    assert_eq!(
        ignored(&p),
        ["treatment-course/session-reminder/ep-p3/1 done 2026-03-23 10:00:00 no_such_task #0"]
    );
    // Bought at 14:00 with the first session booked that afternoon: its reminder would be
    // the day before, and is dropped (`expired`, `after_event`) with or without a record
    // on it, which is reported as on a dropped task.
    let p = builtin_plan(
        r#"{"id": "c-1", "event": "course", "at": "2026-03-02T14:00:00", "attributes": {"category": "skin"},
            "patient": {"id": "p-1"}, "course": {"package": 2, "done": [], "planned": ["2026-03-02", "2026-03-09"]}}"#,
        r#"{"outcomes": [{"task": "treatment-course/session-reminder/c-1/1", "outcome": "done", "at": "2026-03-02T15:00"}]}"#,
    );
    assert!(
        dropped(&p).contains(
            &"treatment-course/session-reminder/c-1/1 expired after_event 2026-03-01".to_string()
        ),
        "{:?}",
        dropped(&p)
    );
    assert_eq!(
        ignored(&p),
        ["treatment-course/session-reminder/c-1/1 done 2026-03-02 15:00:00 dropped #0"]
    );
}

/// A time the supervisor agrees for their own check moves it, and keeps the days it is
/// on time (audit 208: agreed for the 5th, done on the 6th — the last of its three days
/// — it was judged late). A plastic outpatient of Mon 2 March 2026 whose day-1 call
/// (3 March) was not made: the check is due Wed 4, on time until Fri 6.
#[test]
fn a_check_agreed_for_another_time_keeps_its_days_on_time() {
    let p = builtin_plan(
        r#"{"id": "ep-o", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-o"}}"#,
        r#"{"outcomes": [
        {"task": "plastic-aftercare/day-1-call/ep-o/0/overdue", "outcome": "rescheduled", "at": "2026-03-04T09:00", "to": "2026-03-05T10:00", "by": "sup-1"},
        {"task": "plastic-aftercare/day-1-call/ep-o/0/overdue", "outcome": "done", "at": "2026-03-06T09:00", "by": "sup-1"}]}"#,
    );
    let check = task(&p, "plastic-aftercare/day-1-call/ep-o/0/overdue");
    // Due, window, last day on time.
    let days = format!("{} {} {}", check.due, check.window, check.latest);
    assert_eq!(days, "2026-03-05 10:00-11:00 2026-03-06");
    let period = followup::replan::CompliancePeriod {
        from: "2026-03-01".parse().unwrap(),
        to: "2026-03-31".parse().unwrap(),
        as_of: "2026-04-01".parse().unwrap(),
    };
    let checks: Vec<_> = (p.tasks.iter())
        .filter(|t| t.id().ends_with("day-1-call/ep-o/0/overdue"))
        .collect();
    let report = followup::replan::compliance(checks, &[], &period);
    let t = report.total;
    assert_eq!((t.on_time, t.late), (1, 0), "{report:?}");
}
