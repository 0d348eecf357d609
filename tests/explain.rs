//! Explaining a plan (issue 12): every task and dropped occurrence has one explanation;
//! explaining plans exactly as planning does; the explanations of a few real days,
//! written by hand from the rules and the calendar.

use crate::closed_loop::{episode as loop_episode, history, rules as loop_rules};
use crate::support::builtin;
use followup::{calendar::Calendar, plan::Explained, rules::RuleSet};

/// `id` ends as `result`, and one line of its explanation is `line`.
fn assert_explained(x: &Explained, id: &str, result: &str, line: &str) {
    let e = x.of(id).unwrap_or_else(|| panic!("no explanation of {id}"));
    assert_eq!(e.result, result, "{id}");
    assert!(
        lines(x, id).iter().any(|l| l == line),
        "{:#?}",
        lines(x, id)
    );
}

/// The built-in rules' explained plan of the episode `json` on `cal`.
fn explained(json: &str, cal: &Calendar) -> Explained {
    let rules = builtin();
    let ep = crate::support::read(&rules, json);
    rules.explain(&ep, None, cal).unwrap()
}

/// The built-in rules' explained plan of the patient `json` over the horizon `from`,
/// `until` (`YYYY-MM-DD`), with `history`, on the default calendar.
fn patient_explained(
    json: &str,
    history: Option<&followup::history::History>,
    (from, until): (&str, &str),
) -> Explained {
    let patient: followup::episode::Patient = serde_json::from_str(json).unwrap();
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    (builtin().explain_patient(
        &patient,
        history,
        day(from),
        day(until),
        &Calendar::default(),
    ))
    .unwrap()
}

/// An online lead who missed a consultation logged at `at` (`YYYY-MM-DDTHH:MM:SS`).
fn no_show(id: &str, at: &str) -> String {
    format!(
        r#"{{"id": "{id}", "event": "consultation", "at": "{at}",
            "attributes": {{"outcome": "no_show", "source": "online"}}, "patient": {{"id": "p-{id}"}}}}"#
    )
}

/// A clinic calendar from its JSON.
fn clinic(json: &str) -> Calendar {
    Calendar::from_json("clinic", json).unwrap()
}

/// The explained plan of a laser treatment `id` at `at` on `cal`.
fn laser(id: &str, at: &str, cal: &Calendar) -> Explained {
    explained(
        &format!(
            r#"{{"id": "{id}", "event": "procedure", "at": "{at}",
            "attributes": {{"category": "laser"}}, "patient": {{"id": "p-{id}"}}}}"#
        ),
        cal,
    )
}

fn lines(x: &Explained, id: &str) -> Vec<String> {
    let e = x.of(id).unwrap_or_else(|| panic!("no explanation of {id}"));
    let mut out = vec![
        format!("{}: {}", e.id, e.result),
        format!("from {}", e.anchor),
    ];
    out.extend(e.steps.iter().cloned());
    out
}

#[test]
fn explaining_plans_as_planning_does_and_explains_everything_once() {
    let rules = builtin();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/episodes");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for cal in [Calendar::default(), Calendar::china(2026).unwrap()] {
        for f in &files {
            let ep = crate::support::read(&rules, &std::fs::read_to_string(f).unwrap());
            let x = rules.explain(&ep, None, &cal).unwrap();
            assert_eq!(x.plan, rules.plan(&ep, &cal).unwrap(), "{}", f.display());
            let mut ids: Vec<String> = (x.plan.tasks.iter().map(|t| t.id()))
                .chain(x.plan.dropped.iter().map(|d| d.id().clone()))
                .collect();
            ids.sort();
            let explained: Vec<String> = x.explanations.iter().map(|e| e.id.clone()).collect();
            assert_eq!(explained, ids, "{}", f.display());
            for e in &x.explanations {
                let dropped = x.plan.dropped.iter().any(|d| d.id() == e.id);
                assert_eq!(e.dropped, dropped, "{}", e.id);
                assert!(!e.anchor.is_empty(), "{}", e.id);
            }
        }
    }
}

/// Thu 12 Feb 2026, before the Spring Festival (official calendar 2026: holidays 15-23
/// Feb, 14 and 28 Feb make-up working days). D+3 is Sun 15 Feb, a holiday: the nearest
/// open day is Sat 14 (a make-up working day). D+6 is Wed 18, inside the holiday: no open
/// day within 3 days, dropped. The suture removal's default day, Thu 19, is a holiday:
/// the visit moves to the first open day, Tue 24, and the reminder the day before with it.
#[test]
fn the_spring_festival_explained() {
    let rules = builtin();
    let ep = crate::support::read(
        &rules,
        include_str!("../examples/episodes/before-spring-festival.json"),
    );
    let x = rules
        .explain(&ep, None, &Calendar::china(2026).unwrap())
        .unwrap();
    assert_eq!(
        lines(&x, "plastic-aftercare/day-3-call/ep-1201/0"),
        [
            "plastic-aftercare/day-3-call/ep-1201/0: due 2026-02-14 (Sat) 09:00-18:00",
            "from the event on 2026-02-12 (Thu) at 10:00",
            "offset P3D: 2026-02-12 + P3D = 2026-02-15 (Sun)",
            "2026-02-15 (Sun): a public holiday (Spring Festival) (holiday): nearest_open_day gives 2026-02-14 (Sat)",
            "time of day: 09:00-18:00",
        ]
    );
    assert_eq!(
        lines(&x, "plastic-aftercare/day-6-call/ep-1201/0"),
        [
            "plastic-aftercare/day-6-call/ep-1201/0: dropped: beyond_max_shift (holiday)",
            "from the event on 2026-02-12 (Thu) at 10:00",
            "offset P6D: 2026-02-12 + P6D = 2026-02-18 (Wed)",
            "2026-02-18 (Wed): a public holiday (Spring Festival) (holiday): nearest_open_day finds no day it may take within its max_shift of 3 days",
        ]
    );
    assert_eq!(
        lines(&x, "plastic-aftercare/suture-removal-reminder/ep-1201/0"),
        [
            "plastic-aftercare/suture-removal-reminder/ep-1201/0: due 2026-02-23 (Mon) 09:00-18:00",
            "from milestone suture_removal: not given, its default P7D from the event: 2026-02-19 (Thu), a visit on a day the clinic is closed (holiday): moved to 2026-02-24 (Tue) (next_open_day)",
            "offset -P1D: 2026-02-24 - P1D = 2026-02-23 (Mon)",
            "counted from the visit's default day, the rule's day is 2026-02-18 (Wed); from the visit as moved, 2026-02-23 (Mon)",
            "time of day: 09:00-18:00",
        ]
    );
}

/// The closed loop's rules (tests/closed_loop): the day-6 call agreed for 10 Mar at
/// 19:30; the day-1 call unanswered at 10:05, tried again at 12:05.
#[test]
fn what_the_history_did_is_explained() {
    let h = history(
        r#"{"outcomes": [
            {"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:05:00", "by": "u-3"},
            {"task": "care/day-6-call/ep-1/0", "outcome": "rescheduled", "at": "2026-03-08T10:00:00", "to": "2026-03-10T19:30:00"}
        ]}"#,
    );
    let rules: RuleSet = loop_rules();
    let x = rules
        .explain(&loop_episode(), Some(&h), &Calendar::default())
        .unwrap();
    assert_eq!(
        lines(&x, "care/day-6-call/ep-1/0"),
        [
            "care/day-6-call/ep-1/0: due 2026-03-10 (Tue) 19:30-20:30",
            "from the event on 2026-03-02 (Mon) at 10:00",
            "offset P6D: 2026-03-02 + P6D = 2026-03-08 (Sun)",
            "time of day: 09:00-18:00",
            "history: rescheduled at 2026-03-08 10:00",
            "agreed: 2026-03-10 (Tue) 19:30-20:30",
        ]
    );
    assert_eq!(
        lines(&x, "care/day-1-call/ep-1/0/attempt-2"),
        [
            "care/day-1-call/ep-1/0/attempt-2: due 2026-03-03 (Tue) 12:05-18:00",
            "from task care/day-1-call/ep-1/0",
            "the call before went unanswered: attempt 2, 2 hours later (the step's no_answer retry_after)",
            "time of day: 12:05-18:00",
        ]
    );
    assert_eq!(
        lines(&x, "care/day-1-call/ep-1/0")[4],
        "history: no_answer at 2026-03-03 10:05 by u-3 (closed)"
    );
}

/// Why a task went where the closed-day policy does not say at first sight, written by
/// hand from the rules and the calendar. An online lead not booked on Thu 12 Feb 2026:
/// the day-3 first follow-up (Sun 15 Feb) falls in the Spring Festival break (15-23 Feb);
/// `next_open_day` would take Tue 24 Feb, past its expiry (7 days after its day: Sun 22
/// Feb), so it goes back to the make-up Saturday, 14 Feb. A surgery on Mon 2 Mar 2026 at
/// 10:00 with a review visit on Tue 3 Mar: the reminder the day before is the surgery's
/// day, from 10:00; with the visit on 2 Mar itself, it would be 1 Mar, before the
/// surgery, and has no day left.
#[test]
fn a_move_back_and_the_event_bound_are_explained() {
    let rules = builtin();
    let lead = crate::support::read(
        &rules,
        r#"{"id": "ep-1", "event": "consultation", "at": "2026-02-12T10:00:00",
                "patient": {"id": "p-1"}, "attributes": {"source": "online", "outcome": "not_booked"}}"#,
    );
    let cal = Calendar::china(2026).unwrap();
    let x = rules.explain(&lead, None, &cal).unwrap();
    assert_eq!(
        lines(&x, "presales/first-follow-up/ep-1/0")[3],
        "2026-02-15 (Sun): a public holiday (Spring Festival) (holiday): next_open_day gives 2026-02-14 (Sat), an earlier day: the first later day that works, 2026-02-24 (Tue), is past the day it expires (2026-02-22 (Sun))"
    );
    let surgery = |review: &str| {
        let ep = crate::support::read(
            &rules,
            &format!(
                r#"{{"id": "ep-2", "event": "procedure", "at": "2026-03-02T10:00:00",
                        "patient": {{"id": "p-2"}}, "milestones": {{"review_visit": "{review}"}},
                        "attributes": {{"category": "plastic", "setting": "outpatient"}}}}"#
            ),
        );
        rules.explain(&ep, None, &Calendar::default()).unwrap()
    };
    let id = "plastic-aftercare/review-reminder/ep-2/0";
    assert_eq!(
        lines(&surgery("2026-03-03"), id),
        [
            "plastic-aftercare/review-reminder/ep-2/0: due 2026-03-02 (Mon) 10:00-18:00",
            "from milestone review_visit, given by the episode: 2026-03-03 (Tue)",
            "offset -P1D: 2026-03-03 - P1D = 2026-03-02 (Mon)",
            "not before 10:00 that day: 10:00-18:00",
            "time of day: 10:00-18:00",
        ]
    );
    let same_day = surgery("2026-03-02");
    assert_eq!(
        lines(&same_day, id)[..3],
        [
            "plastic-aftercare/review-reminder/ep-2/0: dropped: expired (after_event)",
            "from milestone review_visit, given by the episode: 2026-03-02 (Mon)",
            "offset -P1D: 2026-03-02 - P1D = 2026-03-01 (Sun)",
        ]
    );
}

/// The reason given is the one that decided (audit 11 of 6 December: a move back blamed
/// the expiry when `max_shift` decided, and a call superseded by the next one was said
/// to find no day within its `max_shift`). After a surgery on Mon 2 Mar 2026: a D+3 call
/// (Thu 5) with `max_shift` P2D, closed Thu 5 to Sat 7: the first later open day, Sun 8,
/// is three days away, so it goes back to Wed 4. Calls on day 1 and day 3, closed Tue 3
/// and Wed 4: the day-1 call could only take Thu 5, the day-3 call's day.
#[test]
fn the_reason_given_for_a_move_or_a_drop_is_the_one_that_decided() {
    let ep = |rules: &followup::rules::RuleSet| {
        crate::support::read(
            rules,
            r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p"}}"#,
        )
    };
    let rules = crate::support::one_program(
        "t",
        r#""steps": [{"id": "call", "offset": "P3D", "max_shift": "P2D", "beyond_max_shift": "drop",
            "title": {"zh": "t", "en": "t"}}]"#,
    );
    let cal = Calendar::from_json(
        "c",
        r#"{"closed_dates": ["2026-03-05", "2026-03-06", "2026-03-07"]}"#,
    )
    .unwrap();
    let x = rules.explain(&ep(&rules), None, &cal).unwrap();
    assert!(
        lines(&x, "t/call/e/0").contains(&"2026-03-05 (Thu): a closed date of the clinic (closed_date): next_open_day gives 2026-03-04 (Wed), an earlier day: the first later day that works, 2026-03-08 (Sun), is more than its max_shift of 2 days away".to_string()),
        "{:#?}",
        lines(&x, "t/call/e/0")
    );
    let rules = crate::support::one_program(
        "t",
        r#""steps": [{"id": "day-1", "offset": "P1D", "title": {"zh": "1", "en": "1"}},
                     {"id": "day-3", "offset": "P3D", "title": {"zh": "3", "en": "3"}}]"#,
    );
    let cal =
        Calendar::from_json("c", r#"{"closed_dates": ["2026-03-03", "2026-03-04"]}"#).unwrap();
    let x = rules.explain(&ep(&rules), None, &cal).unwrap();
    assert!(
        lines(&x, "t/day-1/e/0").contains(&"2026-03-03 (Tue): a closed date of the clinic (closed_date): next_open_day finds no day it may take: every day it could take is the day of the later task day-3 or after it, and the tasks of a lane keep their order".to_string()),
        "{:#?}",
        lines(&x, "t/day-1/e/0")
    );
}

/// A move past a closed day says so, beside the reason it moved (audit 119: "nothing is
/// left after 19:00" alone, as if the next day had been free). An online lead who missed
/// the consultation, logged Thu 5 Mar 2026 at 19:00: the same-day call (14:00-18:00) has
/// nothing left that day; the clinic is closed Fri 6 Mar, so the call goes to Sat 7 Mar.
#[test]
fn a_move_after_the_event_names_the_closed_days_it_passed() {
    let cal = Calendar::from_json("clinic", r#"{"closed_dates": ["2026-03-06"]}"#).unwrap();
    let x = explained(&no_show("ep-8", "2026-03-05T19:00:00"), &cal);
    let call = (x.plan.tasks.iter())
        .find(|t| {
            t.channel() == followup::rules::Channel::Phone && t.due.to_string() == "2026-03-07"
        })
        .map(|t| t.id())
        .expect("the no-show call on 7 March");
    assert!(
        lines(&x, &call).contains(
            &"nothing of 14:00-18:00 is left after 19:00 on 2026-03-05 (Thu): 2026-03-07 (Sat), past 2026-03-06 (Fri): a closed date of the clinic (closed_date)"
                .to_string()
        ),
        "{:#?}",
        lines(&x, &call)
    );
}

/// A drop by a fact names the fact and when it came (audit 119: `dropped: declined` and a
/// wait's "held until" line, no word of the refusal). The laser of Mon 2 Mar 2026, the
/// patient declining on Wed 4 Mar at 15:00: the day-6 call (Sun 8 Mar, from 09:00) is
/// dropped.
#[test]
fn a_drop_by_a_fact_names_the_fact() {
    let x = explained(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-1"},
            "facts": [{"kind": "declined", "at": "2026-03-04T15:00:00"}]}"#,
        &Calendar::default(),
    );
    let id = "laser-aftercare/day-6-call/ep-1/0";
    assert_explained(&x, id, "dropped: declined", "the patient declined on 2026-03-04 (Wed) at 15:00, before 2026-03-08 (Sun) 09:00: the refusal stops phone contacts for good");
}

/// A drop after the event says why (audit 119: only the anchor and offset were said). A
/// complaint logged Wed 6 May 2026 at 20:30, the callback promised for Thu 7 May: the
/// same-day call has nothing left that day, and the next day is the promised callback's,
/// which supersedes it. A plastic outpatient of Mon 2 Mar 2026 whose dressing change is
/// booked that same day: its reminder (the day before, 1 Mar) comes before the event's
/// day and expires on it.
#[test]
fn drops_after_the_event_say_why() {
    let x = explained(
        r#"{"id": "ep-7", "event": "complaint", "at": "2026-05-06T20:30:00", "attributes": {"about": "pain"},
            "patient": {"id": "p-7"}, "milestones": {"promised_callback": "2026-05-07"}}"#,
        &Calendar::default(),
    );
    let id = "complaint/first-call/ep-7/0";
    assert_explained(&x, id, "dropped: superseded (promised-callback)", "nothing of 09:00-18:00 is left after 20:30 on 2026-05-06 (Wed): the next day it could take is a later task's of its lane, which supersedes it");
    let x = explained(
        r#"{"id": "ep-15", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-15"},
            "milestones": {"dressing_change": "2026-03-02"}}"#,
        &Calendar::default(),
    );
    let id = "plastic-aftercare/dressing-change-reminder/ep-15/0";
    assert_explained(&x, id, "dropped: expired (after_event)", "2026-03-01 (Sun) comes before the event's day, which nothing counted from a visit or a fact may: no day from 2026-03-02 (Mon) on is left before it expires on 2026-03-01 (Sun)");
}

/// A patient's plan explained: a festival by its name, and no "a fact ends it" line for a
/// greeting that expires on its day anyway, long before the refusal's horizon ends (audit
/// 122: "worth doing until" six months on). The patient declines on the Lantern
/// Festival's greeting (3 Mar 2026, 10:00); the birthday greeting of 12 Mar is still sent
/// (messages go on for the refusal's horizon) and expires that day.
#[test]
fn a_patients_plan_explained() {
    let h = history(
        r#"{"outcomes": [{"task": "greetings/lantern/patient:p-1/20260303", "outcome": "declined", "at": "2026-03-03T10:00:00"}]}"#,
    );
    let x = patient_explained(
        r#"{"id": "p-1", "birthday": "1990-03-12"}"#,
        Some(&h),
        ("2026-01-01", "2026-03-31"),
    );
    let birthday = "greetings/birthday-greeting/patient:p-1/20260312";
    assert_eq!(
        x.of(birthday).unwrap().result,
        "due 2026-03-12 (Thu) 09:00-12:00"
    );
    assert!(
        lines(&x, birthday)
            .iter()
            .all(|l| !l.starts_with("a fact ends it")),
        "{:#?}",
        lines(&x, birthday)
    );
    assert_eq!(
        x.of("greetings/spring-festival/patient:p-1/20260217")
            .unwrap()
            .anchor,
        "the Spring Festival (spring_festival) in 2026: 2026-02-17 (Tue)"
    );
}

/// A drop after the event names the closed days that follow and the day it expires
/// (audit 122: half a reason). An online lead who missed a consultation on Sat 14 Feb
/// 2026 at 19:00: the same-day call (14:00-18:00) has nothing left, the Spring Festival
/// closes 15-23 Feb (the official calendar), and the call expires a week after its day,
/// on the 21st — after the first follow-up's rule day (Tue 17 Feb), which supersedes it
/// (docs/rule-format.md, "Closed days"; audit 171: `expired`).
#[test]
fn a_drop_after_the_event_names_the_closure_and_the_expiry() {
    let x = explained(
        &no_show("ep-n2", "2026-02-14T19:00:00"),
        &Calendar::china(2026).unwrap(),
    );
    let id = "presales/no-show-call/ep-n2/0";
    assert_explained(&x, id, "dropped: superseded (first-follow-up)", "the next call of its lane, first-follow-up, is due by its rule on 2026-02-17 (Tue), on or before the last day it could take, 2026-02-21 (Sat): it supersedes it");
    assert_explained(&x, id, "dropped: superseded (first-follow-up)", "nothing of 14:00-18:00 is left after 19:00 on 2026-02-14 (Sat): it expires on 2026-02-21 (Sat) before the next day its channel works, past 2026-02-15 (Sun) to 2026-02-23 (Mon): a public holiday (Spring Festival) (holiday)");
}

/// The closed days after an event are said run by run, each with its own reason (audit
/// 126: the clinic's own closed dates were called a public holiday). An online lead who
/// missed a consultation on Thu 30 Apr 2026 at 19:00: Labour Day closes 1-5 May (the
/// official calendar), the clinic itself 6-7 May, and the call expires on the 7th (the
/// first follow-up's rule day, Sun 3 May, comes before: it supersedes the call).
#[test]
fn closed_days_after_the_event_are_said_by_reason() {
    let cal = Calendar::from_json(
        "clinic",
        r#"{"closed_dates": ["2026-05-06", "2026-05-07"]}"#,
    )
    .unwrap()
    .merge(&Calendar::china(2026).unwrap())
    .unwrap();
    let x = explained(&no_show("ep-n3", "2026-04-30T19:00:00"), &cal);
    let id = "presales/no-show-call/ep-n3/0";
    assert_explained(&x, id, "dropped: superseded (first-follow-up)", "nothing of 14:00-18:00 is left after 19:00 on 2026-04-30 (Thu): it expires on 2026-05-07 (Thu) before the next day its channel works, past 2026-05-01 (Fri) to 2026-05-05 (Tue): a public holiday (Labour Day) (holiday), 2026-05-06 (Wed) to 2026-05-07 (Thu): a closed date of the clinic (closed_date)");
}

/// A drop `beyond_max_shift` names the days within its max_shift that work but another
/// task of its lane holds (audit 128: it said only "finds no day", beside an on-duty
/// day). A laser treatment on Sun 28 Sep 2025 (a make-up working day) at 21:40, the
/// official 2025 calendar (National Day and Mid-Autumn, 1-8 Oct) and a clinic closed on
/// Mondays and on Tue 30 Sep, its call desk on duty on Fri 3 Oct. Worked by hand
/// (`nearest_open_day`, `max_shift` P3D): the day-3 call (Wed 1 Oct) takes Fri 3 Oct, two
/// days on (30 Sep, 2 Oct and Mon 29 Sep are closed); the day-6 call (Sat 4 Oct) finds
/// only Fri 3 Oct within three days (5-7 Oct and 1-2 Oct are holidays), the day-3 call's.
#[test]
fn a_drop_beyond_max_shift_names_the_days_other_tasks_hold() {
    let cal = clinic(
        r#"{"closed_weekdays": ["Mon"], "closed_dates": ["2025-09-30"],
            "call_desk": {"open_dates": ["2025-10-03"]}}"#,
    )
    .merge(&Calendar::china(2025).unwrap())
    .unwrap();
    let x = laser("c07", "2025-09-28T21:40", &cal);
    let day3 = "laser-aftercare/day-3-call/c07/0";
    assert_eq!(
        x.of(day3).unwrap().result,
        "due 2025-10-03 (Fri) 09:00-18:00"
    );
    let id = "laser-aftercare/day-6-call/c07/0";
    assert_explained(&x, id, "dropped: beyond_max_shift (holiday)", "2025-10-04 (Sat): a public holiday (National Day) (holiday): nearest_open_day finds no day it may take within its max_shift of 3 days: 2025-10-03 (Fri) works, but another task of its lane is due then");
    // Only days other tasks are due on (audit 130: the event's day, which no task
    // counted from it after it may take, was named as held). A laser on Mon 9 Mar 2026,
    // the call desk closed 11-17 March: the day-3 call (Thu 12) finds Tue 10, the day-1
    // call's, and Mon 9, the event's own day.
    let cal = clinic(
        r#"{"call_desk": {"closed_dates": ["2026-03-11", "2026-03-12", "2026-03-13",
            "2026-03-14", "2026-03-15", "2026-03-16", "2026-03-17"]}}"#,
    );
    let x = laser("l9", "2026-03-09T10:00", &cal);
    let id = "laser-aftercare/day-3-call/l9/0";
    assert_explained(&x, id, "dropped: beyond_max_shift (call_desk_closed)", "2026-03-12 (Thu): the call desk does not work (call_desk_closed): nearest_open_day finds no day it may take within its max_shift of 3 days: 2026-03-10 (Tue) works, but another task of its lane is due then");
}

/// What the history made says the closed days it moved past, run by run (audit 129: "a
/// `2026-03-03 (Tue): after_event gives 2026-03-07 (Sat)`" named none of them). A laser
/// on Mon 2 Mar 2026, the clinic closed 3-5 April: the month-1 call (Thu 2 April)
/// unanswered at 17:30 is tried again two hours later, 19:30, past its 09:00-18:00
/// window: the next day it works is Mon the 6th (no other call of its lane before June:
/// a try moved onto or past the next call's day is superseded by it, audit 200). The
/// clinic closed 4-6 March, an abnormal recovery recorded on the closed 4th (a plastic
/// outpatient): the consultant's call goes to Sat the 7th.
#[test]
fn what_the_history_made_names_the_closed_days_it_moved_past() {
    let rules = builtin();
    let cal = Calendar::from_json(
        "clinic",
        r#"{"closed_dates": ["2026-03-04", "2026-03-05", "2026-03-06"]}"#,
    )
    .unwrap();
    let april = Calendar::from_json(
        "clinic",
        r#"{"closed_dates": ["2026-04-03", "2026-04-04", "2026-04-05"]}"#,
    )
    .unwrap();
    let explain = |ep: &str, h: &str, cal: &Calendar| {
        let ep = crate::support::read(&rules, ep);
        let h = followup::history::History::from_json("h.json", h).unwrap();
        rules.explain(&ep, Some(&h), cal).unwrap()
    };
    let x = explain(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#,
        r#"{"outcomes": [{"task": "laser-aftercare/month-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-04-02T17:30"}]}"#,
        &april,
    );
    assert_explained(&x, "laser-aftercare/month-1-call/ep-1/0/attempt-2", "due 2026-04-06 (Mon) 09:00-18:00", "2026-04-02 (Thu): no time left that day (after_event): the next day it works is 2026-04-06 (Mon), past 2026-04-03 (Fri) to 2026-04-05 (Sun): a closed date of the clinic (closed_date)");
    let x = explain(
        r#"{"id": "ep-3", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-3"}}"#,
        r#"{"outcomes": [{"task": "plastic-aftercare/day-1-call/ep-3/0", "outcome": "abnormal_recovery", "at": "2026-03-04T10:00"}]}"#,
        &cal,
    );
    assert_explained(&x, "plastic-aftercare/day-1-call/ep-3/0/abnormal-contact", "due 2026-03-07 (Sat) 09:00-12:00", "2026-03-04 (Wed): a closed date of the clinic (closed_date): the next day it works is 2026-03-07 (Sat), past 2026-03-05 (Thu) to 2026-03-06 (Fri): a closed date of the clinic (closed_date)");
}

/// A move by the rules names the other closed days it moved past too, with their own
/// reasons (audit 130: only the rule day's closure). A laser on Mon 9 Mar 2026, the clinic
/// closed on Thursdays and its call desk on Wed 11 and Fri 13 March: the day-3 call (Thu
/// 12) finds no day one away (11, 13), Tue 10 is the day-1 call's, so Sat 14, past Fri 13.
#[test]
fn a_move_by_the_rules_names_every_closed_day_it_passed() {
    let cal = clinic(
        r#"{"closed_weekdays": ["Thu"],
            "call_desk": {"closed_dates": ["2026-03-11", "2026-03-13"]}}"#,
    );
    let x = laser("l9", "2026-03-09T10:00", &cal);
    assert_explained(&x, "laser-aftercare/day-3-call/l9/0", "due 2026-03-14 (Sat) 09:00-18:00", "2026-03-12 (Thu): the clinic closes every Thursday (closed_weekday): nearest_open_day gives 2026-03-14 (Sat), past 2026-03-13 (Fri): the call desk does not work (call_desk_closed)");
}

/// A time of day not the step's own says why (audit 131: a "next-morning" call shown at
/// 14:00-18:00 said nothing). docs/domain.md §4: "call … anyone on weekends and holidays,
/// in the afternoon"; "never call during rest hours". An online lead who visited without
/// buying on Fri 24 Jan 2025 at 15:00: the next-morning callback (09:00-12:00) falls on
/// Sat 25 Jan, a weekend day of the official 2025 calendar (joined to a clinic open on
/// weekends, as `--calendar cn-2025` does), and takes the afternoon. A
/// phone lead of Sat 1 Mar 2025 who rests 13:00-18:00: the first follow-up (Tue 4 Mar,
/// afternoon, all rest hours) is in the free part of the calendar's `day` window,
/// 09:00-13:00, said so (audit 138: as if its own window had been cut). A complaint
/// logged at 10:15 in a clinic with a lunch break (12:00-14:00): its same-day call takes
/// the first free part after 10:15, 10:15-12:00, and the quiet hours are named without
/// the longer part, 14:00-18:00, that another day would take (audit 138).
#[test]
fn a_time_of_day_not_the_steps_own_says_why() {
    let cal = Calendar::default()
        .merge(&Calendar::china(2025).unwrap())
        .unwrap();
    let x = explained(
        r#"{"id": "c01", "event": "consultation", "at": "2025-01-24T15:00:00",
            "attributes": {"source": "online", "outcome": "visited_no_purchase", "visit": "first"},
            "patient": {"id": "p-c01"}}"#,
        &cal,
    );
    assert_explained(
        &x,
        "presales/visited-callback/c01/0",
        "due 2025-01-25 (Sat) 14:00-18:00",
        "its time override on a weekend (2025-01-25 (Sat)): 14:00-18:00, not 09:00-12:00",
    );
    let x = explained(
        r#"{"id": "c08", "event": "consultation", "at": "2025-03-01T09:30:00",
            "attributes": {"source": "phone", "outcome": "not_booked"},
            "patient": {"id": "p-c08", "rest_hours": [{"start": "13:00", "end": "18:00"}]}}"#,
        &cal,
    );
    assert_explained(
        &x,
        "presales/first-follow-up/c08/0",
        "due 2025-03-04 (Tue) 09:00-13:00",
        "outside the patient's rest hours (13:00-18:00): nothing of 14:00-18:00 is free, so the free part of the calendar's day window",
    );
    let x = explained(
        r#"{"id": "k-2", "event": "complaint", "at": "2026-03-10T10:15:00", "patient": {"id": "p"}}"#,
        &clinic(r#"{"quiet_hours": [{"start": "12:00", "end": "14:00"}]}"#),
    );
    assert_eq!(
        lines(&x, "complaint/first-call/k-2/0")[3..],
        [
            "outside the clinic's quiet hours (12:00-14:00)",
            "not before 10:15 that day: 10:15-12:00",
            "time of day: 10:15-12:00"
        ]
    );
    // Rest hours that take the rest of the day: the evening, said so (audit 139).
    let x = explained(
        r#"{"id": "c9", "event": "complaint", "at": "2026-05-06T14:00:00",
            "patient": {"id": "p", "rest_hours": [{"start": "13:00", "end": "18:00"}]}}"#,
        &Calendar::default(),
    );
    assert_explained(&x, "complaint/first-call/c9/0", "due 2026-05-06 (Wed) 18:00-20:30", "not before 14:00 that day, nothing of its own window free after it: the calendar's evening: 18:00-20:30");
    // Logged at 10:15:30: the seconds said, the window from the next whole minute.
    let x = explained(
        r#"{"id": "k-3", "event": "complaint", "at": "2026-03-10T10:15:30", "patient": {"id": "p"}}"#,
        &Calendar::default(),
    );
    assert_eq!(
        lines(&x, "complaint/first-call/k-3/0")[1],
        "from the event on 2026-03-10 (Tue) at 10:15:30"
    );
    assert!(
        lines(&x, "complaint/first-call/k-3/0")
            .contains(&"not before 10:15:30 that day: 10:16-18:00".to_string()),
        "{:#?}",
        lines(&x, "complaint/first-call/k-3/0")
    );
}

/// A lunar festival of a year the lunar table does not give is explained as that (audit
/// 132: the 2100 Spring Festival was explained by the 2099 one). A patient's plan from 1
/// Jun 2099 to 31 May 2100: the Spring Festival of 2099 (21 Jan) is before it, the one of
/// 2100 is past the table (1901-2099), and is dropped `missing_anchor`.
#[test]
fn a_festival_past_the_lunar_table_is_explained_as_such() {
    let x = patient_explained(
        r#"{"id": "p-x", "birthday": "2000-02-29"}"#,
        None,
        ("2099-06-01", "2100-05-31"),
    );
    let id = "greetings/spring-festival/patient:p-x/21000000";
    assert_eq!(
        lines(&x, id)[..2],
        [
            format!("{id}: dropped: missing_anchor (spring_festival 2100)"),
            "from the Spring Festival (spring_festival) in 2100, which the lunar table does not give (it covers 1901-2099)".to_string()
        ]
    );
}

/// A task the event left no time for, kept on a closed next day for staff on duty, says
/// that day is closed and why it is kept (audit 133: not said). A key customer's request
/// raised at 20:00 on Wed 30 Sep 2026, the eve of National Day (1-7 Oct): no day within
/// its max_shift (P3D) works, and the step keeps its day beyond it.
#[test]
fn a_task_kept_on_a_closed_day_after_the_event_says_so() {
    let x = explained(
        &crate::support::key_request_episode("r-8", "2026-09-28T10:00:00", "2026-09-30T20:00:00"),
        &Calendar::china(2026).unwrap(),
    );
    assert_explained(&x, "repair-aftersales/request-resolution/r-8/0", "due 2026-10-01 (Thu) 09:00-12:00", "nothing of 09:00-18:00 is left after 20:00 on 2026-09-30 (Wed): 2026-10-01 (Thu), kept though a public holiday (National Day) (holiday): no day its channel works is within its max_shift, and the step keeps its day beyond it, for staff on duty");
}

/// That a line of the explanation of `id` holds `part`.
#[track_caller]
fn assert_says(x: &Explained, id: &str, part: &str) {
    let lines = lines(x, id);
    assert!(
        lines.iter().any(|l| l.contains(part)),
        "{part:?} in {lines:#?}"
    );
}

/// The builtin rules' explained plan of `json` with the history `h`, on the official 2026
/// calendar.
fn explained_with(json: &str, h: &str) -> Explained {
    let rules = builtin();
    let ep = crate::support::read(&rules, json);
    let h = followup::history::History::from_json("h.json", h).unwrap();
    rules
        .explain(&ep, Some(&h), &Calendar::china(2026).unwrap())
        .unwrap()
}

/// What the history makes is explained as truly as what the rules make (audit 171):
/// - a complaint logged Wed 30 Sep 2026 at 20:30 has its first call on Thu 1 Oct,
///   National Day, kept for staff on duty; tried at 09:30, 11:35 and 13:40 without an
///   answer, its tries and the supervisor's task after them are on that holiday too, and
///   say so; the supervisor's task comes because the step's three attempts were made;
/// - a plastic outpatient of Wed 30 Sep, whose day-1 call stays on Thu 1 Oct (National
///   Day: no working day within its `max_shift`, kept), unanswered at 17:00: the try two
///   hours later has no time left that day (`after_event`, not the holiday: at 10:00 the
///   try stayed that day) and its first day, Thu 8 Oct, the first day the call desk
///   works, is past the day-6 call's rule day (Tue 6 Oct): superseded by it (audit 216:
///   tried there beside the day-6 call), and the message follows at once;
/// - the day-1 call (Tue 29 Sep, worth making until Tue 6 Oct, 7 days after) of a surgery
///   on Mon 28 Sep, tried without an answer on Wed 30 Sep at 17:00: the try at 19:00 has
///   no time left, and no day before the call expires (National Day closes 1-7 Oct):
///   dropped `expired (holiday)`, saying so (audit 219: `after_event`, the closure
///   unnamed).
#[test]
fn what_the_history_makes_is_explained_truly() {
    let x = explained_with(
        r#"{"id": "a13", "event": "complaint", "at": "2026-09-30T20:30:00",
            "attributes": {"about": "swelling"}, "patient": {"id": "p13"}}"#,
        r#"{"outcomes": [
            {"task": "complaint/first-call/a13/0", "outcome": "no_answer", "at": "2026-10-01T09:30:00"},
            {"task": "complaint/first-call/a13/0", "outcome": "no_answer", "at": "2026-10-01T11:35:00"},
            {"task": "complaint/first-call/a13/0", "outcome": "unreachable", "at": "2026-10-01T13:40:00"}]}"#,
    );
    let holiday = "kept though 2026-10-01 (Thu): a public holiday (National Day) (holiday), for staff on duty";
    for id in ["attempt-2", "attempt-3", "unanswered"] {
        assert_says(&x, &format!("complaint/first-call/a13/0/{id}"), holiday);
    }
    assert_explained(
        &x,
        "complaint/first-call/a13/0/unanswered",
        "due 2026-10-01 (Thu) 13:40-18:00",
        "the call went unanswered and no further attempt is made (the step's max_attempts, 3, made): a supervisor looks into it (no_answer then escalate)",
    );

    let outpatient = |id: &str, at: &str| {
        format!(
            r#"{{"id": "{id}", "event": "procedure", "at": "{at}",
                "attributes": {{"category": "plastic", "setting": "outpatient"}}, "patient": {{"id": "p5"}}}}"#
        )
    };
    let x = explained_with(
        &outpatient("a5", "2026-09-30T10:00:00"),
        r#"{"outcomes": [{"task": "plastic-aftercare/day-1-call/a5/0", "outcome": "no_answer", "at": "2026-10-01T17:00:00"}]}"#,
    );
    let id = "plastic-aftercare/day-1-call/a5/0/attempt-2";
    assert_eq!(
        x.of(id).expect("explained").result,
        "dropped: superseded (day-6-call)"
    );
    assert_says(&x, id, "the first day it could take after 2026-10-01 (Thu) is on or past 2026-10-06 (Tue), the rule day of plastic-aftercare/day-6-call/a5/0, the next call of its lane");
    assert_says(
        &x,
        "plastic-aftercare/day-1-call/a5/0/message",
        "(no day for the next attempt before the next call of its lane)",
    );

    let x = explained_with(
        &outpatient("n1", "2026-09-28T10:00:00"),
        r#"{"outcomes": [{"task": "plastic-aftercare/day-1-call/n1/0", "outcome": "no_answer", "at": "2026-09-30T17:00:00"}]}"#,
    );
    assert_explained(
        &x,
        "plastic-aftercare/day-1-call/n1/0/attempt-2",
        "dropped: expired (holiday)",
        "no day it could take comes before the call expires on 2026-10-06 (Tue): no time left that day, then closed from 2026-10-01 (Thu) (holiday)",
    );
    // The message then follows for that reason, not for the step's max_attempts (audit
    // 173: both were said).
    assert_says(
        &x,
        "plastic-aftercare/day-1-call/n1/0/message",
        "no further attempt is made (no day for the next attempt before the call expires)",
    );

    // A step that drops what the event leaves no time for moves past nothing: an
    // inpatient's surgery on Mon 4 May 2026 (Labour Day) at 19:00, discharged that day
    // (audit 171: "…, past 2026-05-05 (Tue): a public holiday").
    let x = explained_with(
        r#"{"id": "a15", "event": "procedure", "at": "2026-05-04T19:00:00",
            "attributes": {"category": "plastic", "setting": "inpatient"}, "patient": {"id": "p15"},
            "milestones": {"discharge": "2026-05-04"}}"#,
        r#"{"outcomes": []}"#,
    );
    assert_explained(
        &x,
        "plastic-aftercare/discharge-farewell/a15/0",
        "dropped: after_event",
        "nothing of 09:00-18:00 is left after 19:00 on 2026-05-04 (Mon): its step drops what the event leaves no time for (after_event: drop)",
    );
}

/// A call superseded by the next call of its lane the plan keeps is explained so, as the
/// plan says (audit 178: the explanation named the call of a pass, which the plan did not
/// keep). Calls on days 1, 3 and 6 after a surgery on Mon 2 Mar 2026 at 10:00, the clinic
/// closed Tue 3 to Sat 7: the day-6 call keeps Sun 8; the day-1 and day-3 calls could only
/// take it or later, and both are superseded by it.
#[test]
fn a_superseded_call_is_explained_with_the_call_the_plan_keeps() {
    let rules = crate::support::one_program(
        "g",
        r#""applies": {"event": "procedure"}, "defaults": {"channel": "phone", "role": "customer_service", "time": "day"},
           "steps": [
            {"id": "a", "offset": "P1D", "title": {"zh": "a", "en": "a"}},
            {"id": "b", "offset": "P3D", "title": {"zh": "b", "en": "b"}},
            {"id": "c", "offset": "P6D", "title": {"zh": "c", "en": "c"}}]"#,
    );
    let cal = clinic(
        r#"{"closed_dates": ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"]}"#,
    );
    let ep = crate::support::read(
        &rules,
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p-1"}}"#,
    );
    let p = rules.plan(&ep, &cal).unwrap();
    let due: Vec<String> = p
        .tasks
        .iter()
        .map(|t| format!("{} {}", t.step(), t.due))
        .collect();
    assert_eq!(due, ["c 2026-03-08"]);
    let x = rules.explain(&ep, None, &cal).unwrap();
    for id in ["g/a/ep-1/0", "g/b/ep-1/0"] {
        let d = p.dropped.iter().find(|d| *d.id() == *id).expect("dropped");
        assert_eq!(d.detail.as_deref(), Some("c"), "{id}");
        assert_eq!(
            x.of(id).expect("explained").result,
            "dropped: superseded (c)",
            "{id}"
        );
    }
}

/// A supervisor's check is explained with its numbers (audit 260: "the step's
/// escalate_after days after the task's last on-time day", neither given): the plastic
/// outpatient of Mon 2 Mar 2026, its day-3 call on Thu 5 Mar (on time that day only, its
/// `escalate_after` P1D), not recorded: the check is due Fri 6 Mar.
#[test]
fn a_supervisors_check_names_its_days() {
    let x = explained_with(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"}}"#,
        r#"{"outcomes": [{"task": "plastic-aftercare/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-03T10:00:00"}]}"#,
    );
    let l = lines(&x, "plastic-aftercare/day-3-call/ep-1/0/overdue");
    assert_eq!(
        l[..3],
        [
            "plastic-aftercare/day-3-call/ep-1/0/overdue: due 2026-03-06 (Fri) 09:00-18:00",
            "from task plastic-aftercare/day-3-call/ep-1/0",
            "not recorded as done: a supervisor's check 1 day after the task's last on-time day, 2026-03-05 (Thu) (the step's escalate_after)",
        ]
    );
}

/// A task that leaves its fixed window says so (audit 245: nothing said the week was
/// broken): a customer assigned on Wed 30 Sep 2026 at 18:30, the first contact due on 1
/// Oct and on time within the week (fixed, 30 Sep to 7 Oct); nothing of 30 Sep is left
/// and National Day closes 1-7 Oct, so it is on 8 Oct, the first thing that morning, on
/// time that day only.
#[test]
fn a_task_outside_its_fixed_window_says_so() {
    let x = explained_with(
        r#"{"id": "as-3", "event": "assignment", "at": "2026-09-30T18:30:00", "patient": {"id": "p-1"}}"#,
        r#"{"outcomes": []}"#,
    );
    let l = lines(&x, "new-assignment/first-contact/as-3/0");
    assert_eq!(
        l[0],
        "new-assignment/first-contact/as-3/0: due 2026-10-08 (Thu) 09:00-12:00"
    );
    assert!(l.contains(&"its day is outside its fixed window, 2026-09-30 (Wed) to 2026-10-07 (Wed): on time on its due day only".to_string()), "{l:#?}");
}

/// A fact of the task's own minute is said as such (a fact counts by the end of its
/// minute; audit 262: "at 09:00, before … 09:00"): the plastic outpatient of Mon 2 Mar
/// 2026, its day-3 call due Thu 5 Mar from 09:00, the patient declining at 09:00 that day.
#[test]
fn a_fact_of_the_tasks_own_minute_is_said_so() {
    let x = explained_with(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"},
            "facts": [{"kind": "declined", "at": "2026-03-05T09:00:00"}]}"#,
        r#"{"outcomes": []}"#,
    );
    assert_explained(
        &x,
        "plastic-aftercare/day-3-call/ep-1/0",
        "dropped: declined",
        "the patient declined on 2026-03-05 (Thu) at 09:00, the same minute as 2026-03-05 (Thu) 09:00: the refusal stops phone contacts for good",
    );
}

/// A day agreed on a closed day says it is kept for staff on duty (audit 260: only the
/// calendar line said so): the laser of Mon 28 Sep 2026, its day-3 call agreed on the
/// 29th for Sat 3 Oct at 10:00, a day of the National Day break.
#[test]
fn an_agreed_day_the_calendar_closes_is_said_kept_for_staff_on_duty() {
    let x = explained_with(
        r#"{"id": "l-1", "event": "procedure", "at": "2026-09-28T10:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#,
        r#"{"outcomes": [{"task": "laser-aftercare/day-3-call/l-1/0", "outcome": "rescheduled",
            "at": "2026-09-29T10:00:00", "to": "2026-10-03T10:00:00"}]}"#,
    );
    let l = lines(&x, "laser-aftercare/day-3-call/l-1/0");
    assert_eq!(
        l[0],
        "laser-aftercare/day-3-call/l-1/0: due 2026-10-03 (Sat) 10:00-11:00"
    );
    assert_eq!(
        l.last().map(String::as_str),
        Some("agreed: 2026-10-03 (Sat) 10:00-11:00, on a closed day (2026-10-03 (Sat): a public holiday (National Day) (holiday)): kept, the patient or staff chose it; for staff on duty")
    );
}

/// A call the calendar leaves no day for names the last day it was worth doing (audit
/// 260: "past its bounds", none named): an on-site lead of Fri 13 Feb 2026 who bought
/// nothing; its first follow-up on Mon 16 Feb, in the Spring Festival break (15-23 Feb),
/// is worth doing until Mon 23 Feb.
#[test]
fn a_call_left_no_day_names_its_last_day() {
    let x = explained_with(
        r#"{"id": "ep-8", "event": "consultation", "at": "2026-02-13T16:00:00",
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"},
            "patient": {"id": "p-8"}}"#,
        r#"{"outcomes": []}"#,
    );
    let l = lines(&x, "presales/first-follow-up-onsite/ep-8/0");
    assert!(
        l.iter().any(|s| s.ends_with("next_open_day finds no day it may take: every day it could take until it expires on 2026-02-23 (Mon) is another call's of its lane, or outside its bounds")),
        "{l:#?}"
    );
}
