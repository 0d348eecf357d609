//! A visit or a session rebooked after its reminder was sent (audit 83): the reminder's
//! id names the session (or visit) by its number, not its date, so the reminder recorded
//! for the old date must not close the reminder of the new one. Days by hand from
//! docs/domain.md §3 and §1 ("day before each upcoming session | reminder to come";
//! the dressing change's reminder the day before it), on the default calendar.

use super::slips::ignored;
use super::*;

/// A skin course of 6 (the built-in `treatment-course`): sessions 1 and 2 done on Mon 2
/// and Mon 16 Mar 2026, session 3 now booked for Mon 6 Apr (it was Mon 30 Mar: the
/// patient missed it and rebooked), then every two weeks.
fn course_rebooked(history_json: &str) -> Plan {
    skin_course(
        r#""done": ["2026-03-02", "2026-03-16"],
            "planned": ["2026-04-06", "2026-04-20", "2026-05-04", "2026-05-18"]"#,
        history_json,
    )
}

/// The plan of the skin course `ep-D1` of 6 (from Mon 2 Mar 2026) whose sessions are
/// `sessions` (the `done` and `planned` members), with the history `history_json`.
fn skin_course(sessions: &str, history_json: &str) -> Plan {
    let ep = builtin()
        .read_episode(
            "ep",
            &format!(
                r#"{{"id": "ep-D1", "event": "course", "at": "2026-03-02T14:00:00",
                "attributes": {{"category": "skin", "procedure": "photorejuvenation"}},
                "patient": {{"id": "p-D"}}, "course": {{"package": 6, {sessions}}}}}"#
            ),
        )
        .unwrap();
    (builtin().plan_with(&ep, &history(history_json), &Calendar::default())).unwrap()
}

const REMINDER_3: &str = "treatment-course/session-reminder/ep-D1/3";

#[test]
fn a_session_rebooked_after_its_reminder_is_reminded_again_the_day_before_its_new_date() {
    // The reminder of session 3 sent on Sun 29 Mar, the day before its old date.
    let p = course_rebooked(&format!(
        r#"{{"outcomes": [{{"task": "{REMINDER_3}", "outcome": "done", "at": "2026-03-29T10:00", "by": "u-3"}}]}}"#
    ));
    let t = task(&p, REMINDER_3);
    assert_eq!(t.due.to_string(), "2026-04-05", "the day before Mon 6 Apr");
    assert!(t.record.is_none() && !t.is_closed());
    assert_eq!(
        ignored(&p),
        [format!(
            "{REMINDER_3} done 2026-03-29 10:00:00 earlier_visit #0"
        )]
    );
    // Recorded on its day, it is the new date's reminder, done.
    let p = course_rebooked(&format!(
        r#"{{"outcomes": [{{"task": "{REMINDER_3}", "outcome": "done", "at": "2026-04-05T10:00", "by": "u-3"}}]}}"#
    ));
    assert!(task(&p, REMINDER_3).is_done());
    assert!(p.ignored.is_empty());
}

#[test]
fn a_refusal_recorded_on_an_old_reminder_is_still_the_patients() {
    // The patient answered the old reminder on Sun 29 Mar: no more calls. The refusal is
    // not listed as changing nothing; the rebooked session's care call (Thu 9 Apr, D+3)
    // is not made.
    let p = course_rebooked(&format!(
        r#"{{"outcomes": [{{"task": "{REMINDER_3}", "outcome": "declined", "at": "2026-03-29T10:00", "by": "u-3"}}]}}"#
    ));
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    assert!(!(p.tasks.iter()).any(|t| t.id() == "treatment-course/session-care-call/ep-D1/3"));
    // Messages go on after a refusal (docs/domain.md §8): the new date's reminder is
    // due Sun 5 Apr, open — the refusal named the old one, and closes nothing here
    // (audit 88: it closed the new reminder as declined).
    let t = task(&p, REMINDER_3);
    assert_eq!(t.due.to_string(), "2026-04-05");
    assert!(t.record.is_none() && !t.is_closed());
}

#[test]
fn a_dressing_change_rebooked_after_its_reminder_is_reminded_again() {
    // A plastic outpatient operated on Mon 2 Mar 2026: the dressing change was D+2 (Wed
    // 4 Mar), its reminder sent on Tue 3 Mar; the clinic then moved the visit to Fri 6
    // Mar. The reminder of Fri 6 Mar is due Thu 5 Mar, open.
    let ep = builtin()
        .read_episode(
            "ep",
            r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {"category": "plastic", "setting": "outpatient"},
                "patient": {"id": "p-1"}, "milestones": {"dressing_change": "2026-03-06"}}"#,
        )
        .unwrap();
    let id = "plastic-aftercare/dressing-change-reminder/ep-1/0";
    let json = format!(
        r#"{{"outcomes": [{{"task": "{id}", "outcome": "done", "at": "2026-03-03T16:00"}}]}}"#
    );
    let p = (builtin().plan_with(&ep, &history(&json), &Calendar::default())).unwrap();
    let t = task(&p, id);
    assert_eq!(t.due.to_string(), "2026-03-05");
    assert!(!t.is_closed());
    assert_eq!(
        ignored(&p),
        [format!("{id} done 2026-03-03 16:00:00 earlier_visit #0")]
    );
}

/// The reminder of a session done since: sent on Sun 15 Mar, the day before session 2
/// (Mon 16 Mar), and session 2 now listed as done. No reminder is planned for a done
/// session, but the one the history records happened: it stays in the plan, on its day,
/// done, and nothing is listed as on no task (audit 88: `no_such_task`, and compliance
/// lost the reminder). Session 3, rebooked after its reminder (29 Mar) and done on its
/// new day, Mon 6 Apr: the record is of its old date (`earlier_visit`), and the session
/// is done, so no reminder is planned for it, as with no record (audit 274: it came back
/// expired, open work on the lists).
#[test]
fn the_reminder_of_a_session_done_since_stays_with_its_record() {
    let reminder = |n: u32| format!("treatment-course/session-reminder/ep-D1/{n}");
    let json = format!(
        r#"{{"outcomes": [
        {{"task": "{}", "outcome": "done", "at": "2026-03-15T10:00", "by": "u-3"}},
        {{"task": "{}", "outcome": "done", "at": "2026-03-29T10:00", "by": "u-3"}}]}}"#,
        reminder(2),
        reminder(3)
    );
    let p = skin_course(
        r#""done": ["2026-03-02", "2026-03-16", "2026-04-06"],
            "planned": ["2026-04-20", "2026-05-04", "2026-05-18"]"#,
        &json,
    );
    let second = task(&p, &reminder(2));
    assert_eq!(second.due.to_string(), "2026-03-15");
    assert!(second.is_done());
    assert!(!(p.tasks.iter()).any(|t| t.id() == reminder(3)));
    assert!(!(p.dropped.iter()).any(|d| d.id() == reminder(3)));
    assert_eq!(
        ignored(&p),
        [format!(
            "{} done 2026-03-29 10:00:00 earlier_visit #1",
            reminder(3)
        )]
    );
    // Without a record, the reminder of a done session is not planned: no work.
    assert!(!(p.tasks.iter()).any(|t| t.id() == reminder(1)));
}
