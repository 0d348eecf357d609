//! Golden calendars for treatment courses (docs/domain.md §3), written by hand from the table,
//! not copied from the program's output. Each line: `due step channel role`; tasks on one
//! day are in step-id order (every course step uses the `day` window, 09:00).
//!
//! The readings docs/domain.md leaves open, as rules/treatment-course.json decides them:
//! sessions are numbered 1.. in date order, done first then planned; the reminder is the
//! day before each planned (not done) session; the reassurance message D+2 and the
//! doctor's-assistant call D+3 after sessions 1-6 (done or planned); the planning call the
//! day after session number `package - 1`; the course end is the day after session number
//! `package` (docs/domain.md's reading), with the thank-you message on it and the care calls at
//! course end + 1, 2, 3 months.
//!
//! Dates counted by hand: 2 Mar 2026 is a Monday, so 16 Mar, 30 Mar, 13 Apr and 27 Apr
//! are Mondays too (14 days apart; March has 31 days, 30 Mar + 14 = 13 Apr), and every
//! "day before" is a Sunday. 5 Jan 2026 is a Monday (2 Mar - 56 days: 2 + 28 + 26).

use crate::support::{assert_calendar, builtin, episode, lines, plan};
use followup::{calendar::Calendar, plan::Plan};

/// The occurrence numbers of the tasks of `step`, in calendar order.
fn occurrences(p: &Plan, step: &str) -> Vec<u32> {
    p.tasks
        .iter()
        .filter(|t| t.step() == step)
        .map(|t| t.occurrence)
        .collect()
}

/// `id reason detail` per dropped entry.
fn dropped(p: &Plan) -> Vec<String> {
    p.dropped
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.id(),
                serde_json::to_value(d.reason).unwrap().as_str().unwrap(),
                d.detail.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

const PACKAGE_5: &str = r#"{"id": "c-5", "event": "course", "at": "2026-03-02T10:00:00",
    "attributes": {"category": "skin"}, "patient": {"id": "p-5"},
    "course": {"package": 5, "done": ["2026-03-02", "2026-03-16"],
               "planned": ["2026-03-30", "2026-04-13", "2026-04-27"]}}"#;

/// The dropped entries of a course given no review visit: its reminder and thanks.
fn review_visit_not_given(ep: &str) -> Vec<String> {
    vec![
        format!("treatment-course/review-reminder/{ep}/0 missing_anchor review_visit"),
        format!("treatment-course/review-thanks-sms/{ep}/0 missing_anchor review_visit"),
    ]
}

/// Package of 5: sessions 1, 2 done (Mon 2 and 16 Mar), 3, 4, 5 planned (Mon 30 Mar,
/// 13 Apr, 27 Apr).
#[test]
fn skin_course_package_of_5_two_done_three_planned() {
    let p = plan(PACKAGE_5);
    assert_calendar(
        &p,
        &[
            "2026-03-04 session-reassurance-sms sms customer_service", // s1 (2 Mar) + 2
            "2026-03-05 session-care-call phone doctor_assistant",     // s1 + 3
            "2026-03-18 session-reassurance-sms sms customer_service", // s2 (16 Mar) + 2
            "2026-03-19 session-care-call phone doctor_assistant",     // s2 + 3
            "2026-03-29 session-reminder sms customer_service",        // Sun before s3 (30 Mar)
            "2026-04-01 session-reassurance-sms sms customer_service", // s3 + 2 (31 Mar, 1 Apr)
            "2026-04-02 session-care-call phone doctor_assistant",     // s3 + 3
            "2026-04-12 session-reminder sms customer_service",        // Sun before s4 (13 Apr)
            "2026-04-14 course-planning-call phone onsite_consultant", // day after s4 = package-1
            "2026-04-15 session-reassurance-sms sms customer_service", // s4 + 2
            "2026-04-16 session-care-call phone doctor_assistant",     // s4 + 3
            "2026-04-26 session-reminder sms customer_service",        // Sun before s5 (27 Apr)
            "2026-04-28 course-end-thanks-sms sms customer_service",   // day after s5 (course end)
            "2026-04-29 session-reassurance-sms sms customer_service", // s5 + 2
            "2026-04-30 session-care-call phone doctor_assistant",     // s5 + 3
            "2026-05-28 course-end-month-1-call phone customer_service", // course end 28 Apr + 1 month
            "2026-06-28 course-end-month-2-call phone customer_service", // + 2 months
            "2026-07-28 course-end-month-3-call phone customer_service", // + 3 months
        ],
    );
    assert_eq!(dropped(&p), review_visit_not_given("c-5"));
    // Per-session steps are numbered by the session; reminders only for planned ones.
    assert_eq!(occurrences(&p, "session-reminder"), [3, 4, 5]);
    assert_eq!(occurrences(&p, "session-reassurance-sms"), [1, 2, 3, 4, 5]);
    assert_eq!(occurrences(&p, "session-care-call"), [1, 2, 3, 4, 5]);
    let reminder_ids: Vec<String> = p
        .tasks
        .iter()
        .filter(|t| t.step() == "session-reminder")
        .map(|t| t.id())
        .collect();
    assert_eq!(
        reminder_ids,
        [
            "treatment-course/session-reminder/c-5/3",
            "treatment-course/session-reminder/c-5/4",
            "treatment-course/session-reminder/c-5/5",
        ]
    );
    assert!(p.tasks.iter().all(|t| t.program() == "treatment-course"));
}

/// The same course in a clinic closed on Sundays. Messages go every day, so each reminder
/// (the Sunday before a Monday session) keeps its day; of the calls only the month-2 care
/// call falls on a Sunday (course end Tue 28 Apr: 28 May is a Thursday, 28 Jun a Sunday,
/// 28 Jul a Tuesday): the nearest open days are Sat 27 and Mon 29 Jun, and the later one
/// wins a tie. When the clinic sends no messages on Sundays either, each reminder
/// (`previous_open_day`) moves back to the Saturday.
#[test]
fn skin_course_reminders_move_back_to_saturday_when_closed_on_sunday() {
    let reminders = |cal: &str| -> Vec<String> {
        let cal = Calendar::from_json("cal", cal).unwrap();
        let p = builtin().plan(&episode(PACKAGE_5), &cal).unwrap();
        let got = lines(&p);
        assert!(got.contains(
            &"2026-06-29 course-end-month-2-call phone customer_service <- 2026-06-28 (closed_weekday)"
                .to_string()
        ));
        got.into_iter()
            .filter(|l| {
                l.contains(" session-reminder ")
                    || (l.contains(" <- ") && !l.contains("month-2") && !l.contains("/escalation"))
            })
            .collect()
    };
    assert_eq!(
        reminders(r#"{"closed_weekdays": ["Sun"]}"#),
        [
            "2026-03-29 session-reminder sms customer_service",
            "2026-04-12 session-reminder sms customer_service",
            "2026-04-26 session-reminder sms customer_service",
        ]
    );
    assert_eq!(
        reminders(r#"{"closed_weekdays": ["Sun"], "messages": {"closed_weekdays": ["Sun"]}}"#),
        [
            "2026-03-28 session-reminder sms customer_service <- 2026-03-29 (messages_closed)",
            "2026-04-11 session-reminder sms customer_service <- 2026-04-12 (messages_closed)",
            "2026-04-25 session-reminder sms customer_service <- 2026-04-26 (messages_closed)",
        ]
    );
}

/// Package of 8, done sessions listed out of order (numbered by date all the same):
/// sessions 1-4 done (Mon 5, 19 Jan, 2, 16 Feb), 5-8 planned (Mon 2, 16, 30 Mar, 13 Apr).
/// The doctor's-assistant D+3 call covers sessions 1 to 6 only: none after 30 Mar or
/// 13 Apr. The planning call follows session 7 (one left), the course ends with session 8.
#[test]
fn course_package_of_8_has_no_care_call_after_sessions_7_and_8() {
    let p = plan(
        r#"{"id": "c-8", "event": "course", "at": "2026-01-05",
            "attributes": {"category": "skin"}, "patient": {"id": "p-8"},
            "course": {"package": 8,
                       "done": ["2026-02-02", "2026-01-05", "2026-02-16", "2026-01-19"],
                       "planned": ["2026-03-30", "2026-03-02", "2026-04-13", "2026-03-16"]}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-01-07 session-reassurance-sms sms customer_service", // s1 5 Jan + 2
            "2026-01-08 session-care-call phone doctor_assistant",     // s1 + 3
            "2026-01-21 session-reassurance-sms sms customer_service", // s2 19 Jan
            "2026-01-22 session-care-call phone doctor_assistant",
            "2026-02-04 session-reassurance-sms sms customer_service", // s3 2 Feb
            "2026-02-05 session-care-call phone doctor_assistant",
            "2026-02-18 session-reassurance-sms sms customer_service", // s4 16 Feb
            "2026-02-19 session-care-call phone doctor_assistant",
            "2026-03-01 session-reminder sms customer_service", // s5 2 Mar - 1 (28 Feb + 1)
            "2026-03-04 session-reassurance-sms sms customer_service",
            "2026-03-05 session-care-call phone doctor_assistant", // s5 + 3
            "2026-03-15 session-reminder sms customer_service",    // s6 16 Mar - 1
            "2026-03-18 session-reassurance-sms sms customer_service",
            "2026-03-19 session-care-call phone doctor_assistant", // s6 + 3: the last one
            "2026-03-29 session-reminder sms customer_service",    // s7 30 Mar - 1
            "2026-03-31 course-planning-call phone onsite_consultant", // s7 + 1 (one left)
            "2026-04-01 session-reassurance-sms sms customer_service", // s7 + 2, no call on 2 Apr
            "2026-04-12 session-reminder sms customer_service",    // s8 13 Apr - 1
            "2026-04-14 course-end-thanks-sms sms customer_service", // s8 + 1
            "2026-04-15 session-reassurance-sms sms customer_service", // s8 + 2, no call on 16 Apr
            "2026-05-14 course-end-month-1-call phone customer_service",
            "2026-06-14 course-end-month-2-call phone customer_service",
            "2026-07-14 course-end-month-3-call phone customer_service",
        ],
    );
    assert_eq!(dropped(&p), review_visit_not_given("c-8"));
    assert_eq!(occurrences(&p, "session-care-call"), [1, 2, 3, 4, 5, 6]);
    assert_eq!(occurrences(&p, "session-reminder"), [5, 6, 7, 8]);
    assert_eq!(
        occurrences(&p, "session-reassurance-sms"),
        [1, 2, 3, 4, 5, 6, 7, 8]
    );
}

/// Package of 5 with only 3 sessions known (1 done, 2 planned): session 4 (one left) and
/// session 5 (the end) are not booked yet, so the planning call, the thank-you message and
/// the three care calls are listed as dropped (`missing_anchor`, naming the anchor)
/// rather than guessed.
#[test]
fn course_with_sessions_not_yet_booked_lists_the_course_anchors_as_missing() {
    let p = plan(
        r#"{"id": "c-3", "event": "course", "at": "2026-03-02",
            "patient": {"id": "p-3"},
            "course": {"package": 5, "done": ["2026-03-02"], "planned": ["2026-03-16", "2026-03-30"]}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-04 session-reassurance-sms sms customer_service",
            "2026-03-05 session-care-call phone doctor_assistant",
            "2026-03-15 session-reminder sms customer_service",
            "2026-03-18 session-reassurance-sms sms customer_service",
            "2026-03-19 session-care-call phone doctor_assistant",
            "2026-03-29 session-reminder sms customer_service",
            "2026-04-01 session-reassurance-sms sms customer_service",
            "2026-04-02 session-care-call phone doctor_assistant",
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "treatment-course/course-end-month-1-call/c-3/0 missing_anchor course_end",
            "treatment-course/course-end-month-2-call/c-3/0 missing_anchor course_end",
            "treatment-course/course-end-month-3-call/c-3/0 missing_anchor course_end",
            "treatment-course/course-end-thanks-sms/c-3/0 missing_anchor course_end",
            "treatment-course/course-planning-call/c-3/0 missing_anchor one_session_left",
            "treatment-course/review-reminder/c-3/0 missing_anchor review_visit",
            "treatment-course/review-thanks-sms/c-3/0 missing_anchor review_visit",
        ]
    );
    assert!(p.dropped.iter().all(|d| d.nominal.is_none()));
}

/// A course episode that gives no `course` at all (a CRM that forgot the sessions): no
/// session is known, so nothing is planned, and every step of the course programme is
/// listed as dropped, naming the anchor it lacks — the per-session steps
/// (`each_session`, `before_each_upcoming_session`) as well as the course anchors — not
/// a silently empty plan (README, "No silent empty plan").
#[test]
fn course_episode_without_its_sessions_lists_every_step_as_missing() {
    let p = plan(
        r#"{"id": "c-0", "event": "course", "at": "2026-03-10T10:00",
            "attributes": {"category": "skin"}, "patient": {"id": "p-0"}}"#,
    );
    assert!(p.tasks.is_empty());
    assert_eq!(
        dropped(&p),
        [
            "treatment-course/course-end-month-1-call/c-0/0 missing_anchor course_end",
            "treatment-course/course-end-month-2-call/c-0/0 missing_anchor course_end",
            "treatment-course/course-end-month-3-call/c-0/0 missing_anchor course_end",
            "treatment-course/course-end-thanks-sms/c-0/0 missing_anchor course_end",
            "treatment-course/course-planning-call/c-0/0 missing_anchor one_session_left",
            "treatment-course/review-reminder/c-0/0 missing_anchor review_visit",
            "treatment-course/review-thanks-sms/c-0/0 missing_anchor review_visit",
            "treatment-course/session-care-call/c-0/0 missing_anchor each_session",
            "treatment-course/session-reassurance-sms/c-0/0 missing_anchor each_session",
            "treatment-course/session-reminder/c-0/0 missing_anchor before_each_upcoming_session",
        ]
    );
}

/// No package size, and the course not `ended`: its end is not known (the clinic may
/// book one session at a time), so the course-end steps are dropped `missing_anchor`
/// (audit 226: the patient was thanked for the end of the course after every session),
/// and "one session left" cannot be known either. Marked `ended`, the course ends with
/// the last session listed (Mon 16 Mar): thanks on the 17th, calls a month, two and
/// three after.
#[test]
fn course_without_package_ends_only_when_it_ended() {
    let json = |ended: &str| {
        format!(
            r#"{{"id": "c-x", "event": "course", "at": "2026-03-02", "patient": {{"id": "p-x"}},
                "course": {{"done": ["2026-03-02", "2026-03-16"]{ended}}}}}"#
        )
    };
    let sessions = [
        "2026-03-04 session-reassurance-sms sms customer_service",
        "2026-03-05 session-care-call phone doctor_assistant",
        "2026-03-18 session-reassurance-sms sms customer_service",
        "2026-03-19 session-care-call phone doctor_assistant",
    ];
    let p = plan(&json(""));
    assert_calendar(&p, &sessions);
    assert_eq!(
        dropped(&p),
        [
            "treatment-course/course-end-month-1-call/c-x/0 missing_anchor course_end",
            "treatment-course/course-end-month-2-call/c-x/0 missing_anchor course_end",
            "treatment-course/course-end-month-3-call/c-x/0 missing_anchor course_end",
            "treatment-course/course-end-thanks-sms/c-x/0 missing_anchor course_end",
            "treatment-course/course-planning-call/c-x/0 missing_anchor one_session_left",
            "treatment-course/review-reminder/c-x/0 missing_anchor review_visit",
            "treatment-course/review-thanks-sms/c-x/0 missing_anchor review_visit",
        ]
    );
    let p = plan(&json(r#", "ended": true"#));
    assert_calendar(
        &p,
        &[
            sessions[0],
            sessions[1],
            "2026-03-17 course-end-thanks-sms sms customer_service", // 16 Mar + 1
            sessions[2],
            sessions[3],
            "2026-04-17 course-end-month-1-call phone customer_service",
            "2026-05-17 course-end-month-2-call phone customer_service",
            "2026-06-17 course-end-month-3-call phone customer_service",
        ],
    );
}

/// A package of 6 ended after four sessions (Mon 2, 16, 30 Mar and 13 Apr 2026; the
/// patient finished early): the course ends with its last session (docs/domain.md §3),
/// so the thank-you message is the day after session 4 (Tue 14 Apr) and the care calls
/// a month, two and three after it (14 May, 14 Jun, 14 Jul). Session 5, after which one
/// would be left, never comes: no planning call (audit 83: with the package, every
/// course-end contact was dropped `missing_anchor`).
#[test]
fn a_course_ended_before_its_package_ends_with_its_last_session() {
    let p = plan(
        r#"{"id": "c-e", "event": "course", "at": "2026-03-02", "patient": {"id": "p-e"},
            "course": {"package": 6, "done": ["2026-03-02", "2026-03-16", "2026-03-30", "2026-04-13"],
                       "ended": true}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-04 session-reassurance-sms sms customer_service",
            "2026-03-05 session-care-call phone doctor_assistant",
            "2026-03-18 session-reassurance-sms sms customer_service",
            "2026-03-19 session-care-call phone doctor_assistant",
            "2026-04-01 session-reassurance-sms sms customer_service",
            "2026-04-02 session-care-call phone doctor_assistant",
            "2026-04-14 course-end-thanks-sms sms customer_service", // 13 Apr + 1
            "2026-04-15 session-reassurance-sms sms customer_service",
            "2026-04-16 session-care-call phone doctor_assistant",
            "2026-05-14 course-end-month-1-call phone customer_service",
            "2026-06-14 course-end-month-2-call phone customer_service",
            "2026-07-14 course-end-month-3-call phone customer_service",
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "treatment-course/course-planning-call/c-e/0 missing_anchor one_session_left",
            "treatment-course/review-reminder/c-e/0 missing_anchor review_visit",
            "treatment-course/review-thanks-sms/c-e/0 missing_anchor review_visit",
        ]
    );
    // Without `ended` the same course waits for sessions 5 and 6: no course end yet.
    let open = plan(
        r#"{"id": "c-e", "event": "course", "at": "2026-03-02", "patient": {"id": "p-e"},
            "course": {"package": 6, "done": ["2026-03-02", "2026-03-16", "2026-03-30", "2026-04-13"]}}"#,
    );
    assert!(!(open.tasks.iter()).any(|t| t.step().starts_with("course-end")));
    // Ended after session 5 of 6: the course ends there, with one session unused. No
    // planning call "one session left" beside the thank-you for a finished course
    // (audit 88); ended after all 6, the planning call after session 5 stays.
    let course = |done: &str| {
        let p = plan(&format!(
            r#"{{"id": "c-f", "event": "course", "at": "2026-03-02", "patient": {{"id": "p-f"}},
                "course": {{"package": 6, "done": [{done}], "ended": true}}}}"#
        ));
        (p.tasks.iter())
            .filter(|t| t.derived.is_none())
            .filter(|t| t.step() == "course-planning-call" || t.step() == "course-end-thanks-sms")
            .map(|t| format!("{} {}", t.due, t.step()))
            .collect::<Vec<String>>()
    };
    let five = r#""2026-03-02", "2026-03-16", "2026-03-30", "2026-04-13", "2026-04-27""#;
    assert_eq!(course(five), ["2026-04-28 course-end-thanks-sms"]);
    assert_eq!(
        course(&format!(r#"{five}, "2026-05-11""#)),
        [
            "2026-04-28 course-planning-call",  // the day after session 5
            "2026-05-12 course-end-thanks-sms"  // the day after session 6
        ]
    );
}

/// A course that ended has no session planned, and one done at least.
#[test]
fn a_course_that_ended_with_sessions_planned_or_none_done_is_refused() {
    for (course, expected) in [
        (
            r#"{"package": 6, "done": ["2026-03-02"], "planned": ["2026-03-16"], "ended": true}"#,
            "/course/planned (line 1, column 140): 1 session planned in a course that ended: expected none",
        ),
        (
            r#"{"package": 6, "ended": true}"#,
            "/course/ended (line 1, column 114): a course that ended with no session done",
        ),
    ] {
        let text = format!(
            r#"{{"id": "c-g", "event": "course", "at": "2026-03-02", "patient": {{"id": "p-g"}}, "course": {course}}}"#
        );
        let e = builtin().read_episode("ep.json", &text).unwrap_err().to_string();
        assert!(e.contains(expected), "{e}");
    }
}

/// Every session done: no reminder at all (nothing is upcoming), nothing dropped for it.
#[test]
fn course_all_done_has_no_reminders() {
    let p = plan(
        r#"{"id": "c-d", "event": "course", "at": "2026-03-02", "patient": {"id": "p-d"},
            "course": {"package": 2, "done": ["2026-03-02", "2026-03-16"]}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-03 course-planning-call phone onsite_consultant", // s1 = package-1, + 1
            "2026-03-04 session-reassurance-sms sms customer_service",
            "2026-03-05 session-care-call phone doctor_assistant",
            "2026-03-17 course-end-thanks-sms sms customer_service",
            "2026-03-18 session-reassurance-sms sms customer_service",
            "2026-03-19 session-care-call phone doctor_assistant",
            "2026-04-17 course-end-month-1-call phone customer_service",
            "2026-05-17 course-end-month-2-call phone customer_service",
            "2026-06-17 course-end-month-3-call phone customer_service",
        ],
    );
    assert_eq!(dropped(&p), review_visit_not_given("c-d"));
}

/// The skin centre's review visits (seed 004: 给前日的复诊顾客发送感谢短信; 预约提醒 by the
/// centre's medical staff): a course with a review visit on Wed 20 May 2026 gets the
/// nurse's reminder on Tue 19 May and the thank-you message on Thu 21 May.
#[test]
fn a_course_review_visit_gets_a_reminder_the_day_before_and_thanks_the_day_after() {
    let p = plan(
        r#"{"id": "c-r", "event": "course", "at": "2026-03-02", "patient": {"id": "p-r"},
            "course": {"package": 2, "done": ["2026-03-02", "2026-03-16"]},
            "milestones": {"review_visit": "2026-05-20"}}"#,
    );
    let review = crate::support::lines_with(&p, " review-");
    assert_eq!(
        review,
        [
            "2026-05-19 review-reminder sms nurse",
            "2026-05-21 review-thanks-sms sms customer_service",
        ]
    );
    assert!(p.dropped.is_empty(), "{:?}", p.dropped);
}

/// Sessions a day apart, Wed 4 to Sat 7 March 2026 (4 Mar is a Wednesday: 2 Mar is a
/// Monday), and the clinic closed on Monday 9 March. Session 3's day-3 call (Fri 6 + 3 =
/// Mon 9) finds only Tue 10, the rule day of session 4's call (Sat 7 + 3): session 4's call
/// supersedes it (docs/rule-format.md, "Calls of one program never pile up"), and
/// `superseded_by` names that call, its title filled with its own session (audit 26: the
/// calendar printed the step's title with `{session}` unfilled).
#[test]
fn a_superseded_session_call_names_the_next_sessions_call() {
    let ep = episode(
        r#"{"id": "c-1", "event": "course", "at": "2026-03-04T10:00:00",
        "attributes": {"category": "skin"}, "patient": {"id": "p-1"},
        "course": {"package": 6, "done": ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"]}}"#,
    );
    let cal = Calendar::from_json("cal", r#"{"closed_dates": ["2026-03-09"]}"#).unwrap();
    let p = builtin().plan(&ep, &cal).unwrap();
    let calls: Vec<String> = lines(&p)
        .into_iter()
        .filter(|l| l.contains(" session-care-call "))
        .collect();
    assert_eq!(
        calls,
        [
            "2026-03-07 session-care-call phone doctor_assistant",
            "2026-03-08 session-care-call phone doctor_assistant",
            "2026-03-10 session-care-call phone doctor_assistant",
        ]
    );
    let superseded: Vec<_> = (p.dropped.iter())
        .filter(|d| d.step() == "session-care-call")
        .collect();
    assert_eq!(superseded.len(), 1);
    let d = superseded[0];
    assert_eq!(
        (d.id(), d.detail.as_deref()),
        (
            "treatment-course/session-care-call/c-1/3".to_string(),
            Some("session-care-call")
        )
    );
    let by = d.superseded_by(&p).unwrap();
    assert_eq!(by.id(), "treatment-course/session-care-call/c-1/4");
    assert_eq!(by.title().en(), "Day-3 warm care call after session 4");
    assert_eq!(by.title().zh(), "治疗结束后第三天温馨关怀电话（第4次）");
    // Any other drop supersedes nothing, nor does a plan of another episode hold the task.
    let other = (p.dropped.iter())
        .find(|d| d.step() != "session-care-call")
        .unwrap();
    assert!(other.superseded_by(&p).is_none());
    let elsewhere = builtin()
        .plan(&episode(PACKAGE_5), &Calendar::default())
        .unwrap();
    assert!(d.superseded_by(&elsewhere).is_none());
    // Read back from its JSON, the plan still names it (audit 30: `None`); the plan of
    // another patient with the same episode id does not (audit 30: it gave that task).
    let back: Plan = serde_json::from_str(&p.to_json().unwrap()).unwrap();
    let again = (back.dropped.iter()).find(|x| x.id() == d.id()).unwrap();
    let by = again.superseded_by(&back).unwrap();
    assert_eq!(by.id(), "treatment-course/session-care-call/c-1/4");
    let other_patient = episode(
        r#"{"id": "c-1", "event": "course", "at": "2026-03-04T10:00:00",
        "attributes": {"category": "skin"}, "patient": {"id": "p-9"},
        "course": {"package": 6, "done": ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"]}}"#,
    );
    let theirs = builtin().plan(&other_patient, &cal).unwrap();
    assert!(d.superseded_by(&theirs).is_none());
}

/// A skin course of 6 sessions, Mondays from 2 Mar 2026. Session 5 (Mon 30 Mar) left one
/// session, and the onsite consultant made the planning call on Tue 31 Mar at 10:00.
/// Then the patient stopped: the course `ended` with session 5. The call happened, and
/// stays, closed by its `done`, on its day (audit 108: it was dropped `missing_anchor`,
/// its `done` ignored). At a clinic whose planning call waits for recovery
/// (`examples/rule-overrides/course-planning-waits.json`), made before its wait for
/// `recovered` ended, it leaves the supervisor nothing to look into: no escalation (it was planned on 1 May). With the
/// course going on (sessions 3 to 6 planned), the same call made leaves no escalation
/// either.
#[test]
fn a_planning_call_made_stays_when_the_course_ends_and_brings_no_escalation() {
    let rules = crate::support::course_planning_waits();
    let course = |course: &str| {
        episode(&format!(
            r#"{{"id": "e56", "event": "course", "at": "2026-03-02T10:00",
            "attributes": {{"category": "skin", "procedure": "hydrafacial"}},
            "patient": {{"id": "p-1"}}, "course": {course}}}"#
        ))
    };
    let history = followup::history::History::from_json(
        "h",
        r#"{"outcomes": [{"task": "treatment-course/course-planning-call/e56/0",
            "outcome": "done", "at": "2026-03-31T10:00"}]}"#,
    )
    .unwrap();
    for c in [
        r#"{"package": 6, "done": ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"], "ended": true}"#,
        r#"{"package": 6, "done": ["2026-03-02", "2026-03-09"], "planned": ["2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06"]}"#,
    ] {
        let p = rules
            .plan_with(&course(c), &history, &Calendar::default())
            .unwrap();
        let calls: Vec<String> = (p.tasks.iter())
            .filter(|t| t.step() == "course-planning-call")
            .map(|t| format!("{} {} {}", t.id(), t.due, t.is_done()))
            .collect();
        assert_eq!(
            calls,
            ["treatment-course/course-planning-call/e56/0 2026-03-31 true"],
            "{c}"
        );
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        assert!(
            !p.dropped.iter().any(|d| d.step() == "course-planning-call"),
            "{c}"
        );
    }
    // Made on its second attempt after an unanswered try: no escalation either (audit
    // 110: it still came).
    let history = followup::history::History::from_json(
        "h",
        r#"{"outcomes": [
            {"task": "treatment-course/course-planning-call/e56/0", "outcome": "no_answer", "at": "2026-03-31T10:00"},
            {"task": "treatment-course/course-planning-call/e56/0/attempt-2", "outcome": "done", "at": "2026-03-31T12:05"}]}"#,
    )
    .unwrap();
    let c = r#"{"package": 6, "done": ["2026-03-02", "2026-03-09"], "planned": ["2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06"]}"#;
    let p = rules
        .plan_with(&course(c), &history, &Calendar::default())
        .unwrap();
    // Made on Wed 20 May, after its wait ended (30 Apr): the supervisor's escalation of
    // 1 May is closed with it, as a supervisor's check is (audit 113: it stayed open,
    // overdue, after the call was made).
    let late = followup::history::History::from_json(
        "h",
        r#"{"outcomes": [{"task": "treatment-course/course-planning-call/e56/0",
            "outcome": "done", "at": "2026-05-20T10:00"}]}"#,
    )
    .unwrap();
    let made_late = rules
        .plan_with(&course(c), &late, &Calendar::default())
        .unwrap();
    let escalation = (made_late.tasks.iter())
        .find(|t| t.id() == "treatment-course/course-planning-call/e56/0/escalation")
        .unwrap();
    assert!(escalation.is_closed() && escalation.is_done());
    // Nor does any of its tries wait for `recovered` any more (audit 111: the unanswered
    // try kept `waits_for`, listed as waiting beside the `done`).
    let calls: Vec<String> = (p.tasks.iter())
        .filter(|t| t.step() == "course-planning-call")
        .map(|t| format!("{} {:?}", t.id(), t.waits_for()))
        .collect();
    assert_eq!(
        calls,
        [
            "treatment-course/course-planning-call/e56/0 None",
            "treatment-course/course-planning-call/e56/0/attempt-2 None"
        ]
    );
}

/// README "No silent empty plan": a course that lists no session yet (sold, not booked:
/// `"done": [], "planned": []`) has its session steps listed as `missing_anchor`, as an
/// episode with no course has them (audit 153: they were listed nowhere).
#[test]
fn a_course_with_no_session_listed_names_its_session_steps_as_missing() {
    let missing = |course: &str| -> Vec<String> {
        let p = crate::support::plan(&format!(
            r#"{{"id": "v", "event": "course", "at": "2026-12-01T10:00", "attributes": {{"category": "skin"}},
                "patient": {{"id": "p"}}{course}}}"#
        ));
        assert!(p.tasks.is_empty());
        (p.dropped.iter())
            .filter(|d| d.step().starts_with("session-"))
            .map(|d| {
                // Titled as when no course is given: no "session 0" (audit 158).
                let title = d
                    .title()
                    .map(|t| t.get(followup::rules::Lang::En).to_string());
                format!(
                    "{} {:?} {} | {}",
                    d.step(),
                    d.reason,
                    d.detail.as_deref().unwrap_or("-"),
                    title.unwrap_or_default()
                )
            })
            .collect()
    };
    let expected = [
        "session-care-call MissingAnchor each_session | Day-3 warm care call after session this",
        "session-reassurance-sms MissingAnchor each_session | Reassurance message two days after session this",
        "session-reminder MissingAnchor before_each_upcoming_session | Reminder the day before session this",
    ];
    assert_eq!(
        missing(r#", "course": {"package": 4, "done": [], "planned": []}"#),
        expected
    );
    assert_eq!(missing(""), expected);
}
