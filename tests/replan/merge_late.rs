//! A call the frequency cap would drop that is still worth doing after its window goes to
//! the first day after it that keeps the caps, up to its expiry (audit 184); messages keep
//! their days.

use super::*;

/// A peel course of 4 sessions (2 and 10 March done, 12 and 20 March planned), the
/// patient recovered on 11 March. One session is left after the third (Thu 12): the
/// onsite consultant's planning call (a sales call) is due Fri 13, on time that day
/// only, worth doing 7 days more (to Fri 20). The doctor's assistant's day-3 care call
/// after session 2 (Tue 10) is on Fri 13 too: one call a day, and a sales task never
/// joins a care contact. Before, the planning call was dropped (`frequency_cap`); now it
/// goes to Sat 14, the first day after its window with no call (the default calendar
/// closes no day).
#[test]
fn a_sales_call_the_cap_would_drop_goes_to_the_next_free_day_before_it_expires() {
    let ep = episode(
        r#"{"id": "ep-F", "event": "course", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "skin", "procedure": "peel"},
            "patient": {"id": "p-F"},
            "course": {"package": 4, "done": ["2026-03-02", "2026-03-10"], "planned": ["2026-03-12", "2026-03-20"]},
            "facts": [{"kind": "recovered", "at": "2026-03-11T10:00:00"}]}"#,
    );
    let p = plan(&ep);
    let planning = (p.tasks.iter())
        .find(|t| t.step() == "course-planning-call")
        .unwrap();
    assert_eq!(
        (planning.due, planning.latest, planning.expires),
        (
            date("2026-03-13"),
            date("2026-03-13"),
            Some(date("2026-03-20"))
        )
    );
    let merged = merge_plans(&[p], &ContactPolicy::default(), &Calendar::default());
    let phone_on = |day: &str| {
        (merged.contacts.iter())
            .filter(|c| c.channel == Channel::Phone && c.date == date(day))
            .map(|c| {
                (c.reasons.iter())
                    .map(|r| (r.task.step().to_string(), r.moved.map(|m| m.from)))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        phone_on("2026-03-13"),
        [vec![("session-care-call".to_string(), None)]]
    );
    assert_eq!(
        phone_on("2026-03-14"),
        [vec![(
            "course-planning-call".to_string(),
            Some(date("2026-03-13"))
        )]]
    );
    assert!(
        merged
            .dropped
            .iter()
            .all(|d| d.step() != "course-planning-call"),
        "{:?}",
        merged.dropped
    );
}

/// A patient in recovery is one with a task waiting for `recovered` — from the first day
/// of that task's episode, not before: a care message before the procedure is no care
/// call of a patient in recovery, and a sales message of its day joins it. The patient
/// (birthday 1 April) is greeted on Wed 1 Apr 2026 (`care`: the birthday greeting); an
/// online lead of 20 March gets a 611 message that day (`sales`); a laser treatment on
/// Fri 1 May has a month-3 further-needs call waiting for `recovered`. Before, the wait
/// held from any day up to its end, and the 611 message, kept off the greeting's day,
/// was dropped.
#[test]
fn a_wait_for_recovery_holds_from_its_episodes_first_day() {
    let r = rules();
    let cal = Calendar::default();
    let patient = r#"{"id": "p-R", "birthday": "1990-04-01"}"#;
    let lead = plan(&episode(&format!(
        r#"{{"id": "lead", "event": "consultation", "at": "2026-03-20T10:00:00", "patient": {patient},
            "attributes": {{"source": "online", "outcome": "not_booked"}}}}"#
    )));
    let laser = plan(&episode(&format!(
        r#"{{"id": "laser", "event": "procedure", "at": "2026-05-01T10:00:00", "patient": {patient},
            "attributes": {{"category": "laser"}}}}"#
    )));
    assert!(
        laser
            .tasks
            .iter()
            .any(|t| t.waits_for() == Some("recovered")),
        "the laser plan waits for recovered"
    );
    let who: followup::episode::Patient = serde_json::from_str(patient).unwrap();
    let greetings = r
        .plan_patient(&who, date("2026-03-01"), date("2026-04-30"), &cal)
        .unwrap();
    let merged = merge_plans(&[lead, laser, greetings], &ContactPolicy::default(), &cal);
    let on_1_april: Vec<Vec<&str>> = (merged.contacts.iter())
        .filter(|c| c.channel == Channel::Sms && c.date == date("2026-04-01"))
        .map(|c| c.reasons.iter().map(|r| r.task.program()).collect())
        .collect();
    assert_eq!(on_1_april, [vec!["greetings", "plan-611"]]);
    assert!(
        merged.dropped.iter().all(|d| d.program() != "plan-611"),
        "{:?}",
        merged.dropped
    );
}

/// A task the contact policy moves to another day takes its whole window there: the
/// moment that cut it on its own day is past (audit 189). A key customer's repair on Mon
/// 8 June 2026; the key-customer callback, done at 15:05 on Tue 9 June, raised a request
/// at 15:10: its resolution is due that day, not before 15:10 (15:10-18:00), on time to
/// Wed 10. The callback done that day holds the one call a day: the resolution goes to
/// Wed 10, 09:00-18:00 (it kept 15:10-18:00 there).
#[test]
fn a_task_moved_to_another_day_takes_its_whole_window_there() {
    let ep = episode(
        r#"{"id": "r-13", "event": "repair", "at": "2026-06-08T10:00:00", "attributes": {"product": "phone"},
            "patient": {"id": "c-0013", "tags": ["key_customer"]},
            "facts": [{"kind": "request_raised", "at": "2026-06-09T15:10:00"}]}"#,
    );
    let history = followup::history::History::from_json(
        "h",
        r#"{"outcomes": [{"task": "repair-aftersales/key-customer-callback/r-13/0", "outcome": "done", "at": "2026-06-09T15:05:00", "by": "u-1"}]}"#,
    )
    .unwrap();
    let cal = Calendar::default();
    let p = rules().plan_with(&ep, &history, &cal).unwrap();
    let resolution = (p.tasks.iter())
        .find(|t| t.step() == "request-resolution")
        .unwrap();
    assert_eq!(
        (resolution.due, resolution.window.to_string()),
        (date("2026-06-09"), "15:10-18:00".to_string())
    );
    assert_eq!(
        resolution.window_on(date("2026-06-10")).to_string(),
        "09:00-18:00"
    );
    // The window on another day survives the plan's JSON.
    let back: Plan = serde_json::from_str(&p.to_json().unwrap()).unwrap();
    let merged = merge_plans(&[back], &ContactPolicy::default(), &cal);
    let moved = (merged.contacts.iter())
        .find(|c| {
            c.reasons
                .iter()
                .any(|r| r.task.step() == "request-resolution")
        })
        .unwrap();
    assert_eq!(
        (moved.date, moved.window.to_string()),
        (date("2026-06-10"), "09:00-18:00".to_string())
    );
    assert_eq!(moved.reasons[0].task.window.to_string(), "09:00-18:00");
}

/// A time the patient agreed is kept: on its day, at its time (audit 192). A plastic
/// outpatient of Mon 2 Mar 2026 (day-3 call Thu 5) and a laser treatment the same day,
/// one patient; and an online lead of Sun 1 Mar.
fn agreed(history: &str, second: &str) -> MergedPlan {
    let cal = Calendar::china(2026).unwrap();
    let h = followup::history::History::from_json("h", history).unwrap();
    let plastic = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p-1"},
            "attributes": {"category": "plastic", "setting": "outpatient"}}"#,
    );
    let plans = [plastic, episode(second)].map(|ep| rules().plan_with(&ep, &h, &cal).unwrap());
    merge_plans(&plans, &ContactPolicy::default(), &cal)
}

/// The phone contacts of 5 March: `window: steps (over cap)`.
fn calls_of_5_march(m: &MergedPlan) -> Vec<String> {
    (m.contacts.iter())
        .filter(|c| c.channel == Channel::Phone && c.date == date("2026-03-05"))
        .map(|c| {
            let steps: Vec<&str> = c.reasons.iter().map(|r| r.task.step()).collect();
            let over = if c.over_cap { " (over cap)" } else { "" };
            format!("{}: {}{over}", c.window, steps.join(", "))
        })
        .collect()
}

/// The lead's first follow-up (a sales call), agreed for Thu 5 March 15:00, the day of the
/// day-3 care call: it stays there, a call of its own over the cap (it was moved to Fri
/// 6, onto the second follow-up's day).
/// The agreement stands whatever was recorded after it: tried the day before with no
/// answer, the call keeps its agreed day and time too (audit 194).
#[test]
fn an_agreed_sales_call_keeps_its_day_beside_a_care_call() {
    let agreement = r#"{"task": "presales/first-follow-up/ep-3/0", "outcome": "rescheduled",
        "at": "2026-03-04T09:00:00", "to": "2026-03-05T15:00:00", "by": "u-21"}"#;
    let tried = r#"{"task": "presales/first-follow-up/ep-3/0", "outcome": "no_answer",
        "at": "2026-03-04T16:00:00", "by": "u-21"}"#;
    for outcomes in [agreement.to_string(), format!("{agreement}, {tried}")] {
        let m = agreed(
            &format!(r#"{{"outcomes": [{outcomes}]}}"#),
            r#"{"id": "ep-3", "event": "consultation", "at": "2026-03-01T11:00:00", "patient": {"id": "p-1"},
                "attributes": {"source": "online", "outcome": "not_booked"}}"#,
        );
        assert_eq!(
            calls_of_5_march(&m),
            [
                "09:00-18:00: day-3-call",
                "15:00-16:00: first-follow-up (over cap)"
            ],
            "{outcomes}"
        );
    }
}

/// The plastic day-3 call agreed for 20:30 that day, the laser day-3 call beside it: one
/// call, at the agreed time (it took the laser call's 09:00-18:00).
#[test]
fn a_merged_call_takes_the_time_the_patient_agreed() {
    let m = agreed(
        r#"{"outcomes": [{"task": "plastic-aftercare/day-3-call/ep-1/0", "outcome": "rescheduled",
            "at": "2026-03-05T09:30:00", "to": "2026-03-05T20:30:00", "by": "u-3"}]}"#,
        r#"{"id": "ep-5", "event": "procedure", "at": "2026-03-02T11:00:00", "patient": {"id": "p-1"},
            "attributes": {"category": "laser"}}"#,
    );
    assert_eq!(
        calls_of_5_march(&m),
        ["20:30-21:30: day-3-call, day-3-call"]
    );
}

/// The 611 messages of an online lead of Fri 20 March 2026 (the 1st and the 15th) and
/// the birthday greetings (`care`) of a patient born on `birthday`, with a laser treatment
/// `laser` (its episode JSON's members after the id): the patient's SMS contacts of
/// `day`, as the programs of their reasons.
fn messages_of(birthday: &str, laser: &str, day: &str) -> Vec<Vec<String>> {
    let r = rules();
    let cal = Calendar::default();
    let patient = format!(r#"{{"id": "p-R", "birthday": "{birthday}"}}"#);
    let lead = plan(&episode(&format!(
        r#"{{"id": "lead", "event": "consultation", "at": "2026-03-20T10:00:00", "patient": {patient},
            "attributes": {{"source": "online", "outcome": "not_booked"}}}}"#
    )));
    let laser = plan(&episode(&format!(
        r#"{{"id": "laser", "patient": {patient}, "event": "procedure", "attributes": {{"category": "laser"}}, {laser}}}"#
    )));
    let who: followup::episode::Patient = serde_json::from_str(&patient).unwrap();
    let greetings = (r.plan_patient(&who, date("2026-03-01"), date("2026-08-31"), &cal)).unwrap();
    let merged = merge_plans(&[lead, laser, greetings], &ContactPolicy::default(), &cal);
    (merged.contacts.iter())
        .filter(|c| c.channel == Channel::Sms && c.date == date(day))
        .map(|c| {
            (c.reasons.iter())
                .map(|r| r.task.program().to_string())
                .collect()
        })
        .collect()
}

/// Recovery starts on the day of the procedure, not on its first task's (audit 191): a
/// laser treatment on Fri 15 May at 10:00 (its first call the next day), a birthday and a
/// 611 message that day. The patient is in recovery: the 611 message joins no care
/// message, and no message is left for it that day (it joined the greeting).
#[test]
fn recovery_starts_on_the_day_of_the_procedure() {
    assert_eq!(
        messages_of("1990-05-15", r#""at": "2026-05-15T10:00:00""#, "2026-05-15"),
        [vec!["greetings".to_string()]]
    );
}

/// Recovered on 1 July, after the month-3 further-needs call waited from 10 June: the
/// days it waited are recovery days still (audit 191: once the fact was recorded, the 611
/// message of 1 June joined the birthday greeting). A treatment of Tue 10 March.
#[test]
fn the_days_a_call_waited_for_recovery_stay_recovery_days_once_it_came() {
    let laser = r#""at": "2026-03-10T10:00:00", "facts": [{"kind": "recovered", "at": "2026-07-01T10:00:00"}]"#;
    assert_eq!(
        messages_of("1990-06-01", laser, "2026-06-01"),
        [vec!["greetings".to_string()]]
    );
    // Recovered on 20 May, before the call's day: 1 June is no recovery day.
    let early = r#""at": "2026-03-10T10:00:00", "facts": [{"kind": "recovered", "at": "2026-05-20T10:00:00"}]"#;
    assert_eq!(
        messages_of("1990-06-01", early, "2026-06-01"),
        [vec!["greetings".to_string(), "plan-611".to_string()]]
    );
}

/// A laser treatment and an online lead's consultation on Mon 2 March 2026, one patient:
/// the first follow-up (Thu 5) cannot share the day-3 care call's day, and moves to Fri
/// 6, the first day of the second follow-up's window; the second follow-up, whose day is
/// picked in the first, is not folded into it: it takes Sat 7 (audit 193).
#[test]
fn a_moved_call_never_becomes_the_staff_picked_call_after_it() {
    let cal = Calendar::default();
    let laser = plan(&episode(
        r#"{"id": "las", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p-9"},
            "attributes": {"category": "laser"}}"#,
    ));
    let lead = plan(&episode(
        r#"{"id": "con", "event": "consultation", "at": "2026-03-02T11:00:00", "patient": {"id": "p-9"},
            "attributes": {"source": "online", "outcome": "not_booked"}}"#,
    ));
    let merged = merge_plans(&[laser, lead], &ContactPolicy::default(), &cal);
    let calls: Vec<(String, Vec<&str>)> = (merged.contacts.iter())
        .filter(|c| c.channel == Channel::Phone && c.date < date("2026-03-08"))
        .map(|c| {
            (
                c.date.to_string(),
                c.reasons.iter().map(|r| r.task.step()).collect(),
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("2026-03-03".to_string(), vec!["day-1-call"]),
            ("2026-03-05".to_string(), vec!["day-3-call"]),
            ("2026-03-06".to_string(), vec!["first-follow-up"]),
            ("2026-03-07".to_string(), vec!["second-follow-up"]),
        ]
    );
}

/// Under a policy that keeps sales over the cap (`drop_over_cap: ["greeting"]`, as the
/// README shows), two leads' first follow-ups on the day of a care call are one call
/// beside it, not two (audit 193: three calls that day). A laser treatment and two
/// online leads on Sat 28 February 2026: all three call on Tue 3 March.
#[test]
fn sales_calls_kept_over_the_cap_on_one_day_are_one_call() {
    let cal = Calendar::default();
    let ep = |json: &str| plan(&episode(json));
    let plans = [
        ep(
            r#"{"id": "las", "event": "procedure", "at": "2026-02-28T10:00:00", "patient": {"id": "p-9"},
               "attributes": {"category": "laser"}}"#,
        ),
        ep(
            r#"{"id": "c-1", "event": "consultation", "at": "2026-02-28T11:00:00", "patient": {"id": "p-9"},
               "attributes": {"source": "online", "outcome": "not_booked"}}"#,
        ),
        ep(
            r#"{"id": "c-2", "event": "consultation", "at": "2026-02-28T15:00:00", "patient": {"id": "p-9"},
               "attributes": {"source": "phone", "outcome": "not_booked"}}"#,
        ),
    ];
    let policy: ContactPolicy = serde_json::from_str(r#"{"drop_over_cap": ["greeting"]}"#).unwrap();
    let merged = merge_plans(&plans, &policy, &cal);
    let on_3_march: Vec<(Vec<String>, bool)> = (merged.contacts.iter())
        .filter(|c| c.channel == Channel::Phone && c.date == date("2026-03-03"))
        .map(|c| {
            let ids = (c.reasons.iter()).map(|r| format!("{}@{}", r.task.step(), r.task.episode()));
            (ids.collect(), c.over_cap)
        })
        .collect();
    assert_eq!(
        on_3_march,
        [
            (vec!["day-3-call@las".to_string()], false),
            (
                vec![
                    "first-follow-up@c-1".to_string(),
                    "first-follow-up@c-2".to_string()
                ],
                true
            ),
        ]
    );
}

/// A day agreed with no time is the whole day: joined with a lead's afternoon call, the
/// call is in the afternoon they share (audit 194: 09:00-18:00). A new specialist's
/// first contact, assigned Thu 5 March, agreed for Mon 9 March; a phone lead of Fri 6
/// March, whose first follow-up (afternoon) is that Monday too.
#[test]
fn a_day_agreed_with_no_time_shares_the_other_calls_time() {
    let cal = Calendar::default();
    let h = followup::history::History::from_json(
        "h",
        r#"{"outcomes": [{"task": "new-assignment/first-contact/asg/0", "outcome": "rescheduled",
            "at": "2026-03-06T09:30:00", "to": "2026-03-09"}]}"#,
    )
    .unwrap();
    let plans = [
        r#"{"id": "asg", "event": "assignment", "at": "2026-03-05T10:00:00", "patient": {"id": "p-h"}}"#,
        r#"{"id": "lead", "event": "consultation", "at": "2026-03-06T10:00:00", "patient": {"id": "p-h"},
            "attributes": {"source": "phone", "outcome": "not_booked"}}"#,
    ]
    .map(|json| rules().plan_with(&episode(json), &h, &cal).unwrap());
    let merged = merge_plans(&plans, &ContactPolicy::default(), &cal);
    let call = (merged.contacts.iter())
        .find(|c| c.channel == Channel::Phone && c.date == date("2026-03-09"))
        .unwrap();
    let steps: Vec<&str> = call.reasons.iter().map(|r| r.task.step()).collect();
    assert_eq!(steps, ["first-contact", "first-follow-up"]);
    assert_eq!(call.window.to_string(), "14:00-18:00");
}
