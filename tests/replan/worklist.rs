//! `worklist` and `week`, and the statuses of `plan_as_of`: what is due now.

use super::*;

#[test]
fn the_worklist_lists_overdue_tasks_first_oldest_first_then_the_days_tasks() {
    let plans = [
        plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02")),
        plan(&procedure("ep-b", "laser", "outpatient", "2026-03-02")),
    ];
    let tasks = || plans.iter().flat_map(|p| &p.tasks);
    let done = BTreeSet::from(["laser-aftercare/day-1-call/ep-b/0".to_string()]);
    let day = date("2026-03-05");
    // Customer service on 5 March: the 3 March call of ep-a was not done (the laser day-1
    // call was): overdue. Then the two day-3 calls of the day. The dressing-change
    // reminder of 3 March was not sent either, but the dressing change was on 4 March:
    // the reminder expired then, and is listed apart, after the rest, never as overdue.
    let items = worklist(tasks(), day, Some(Role::CustomerService), &done);
    let item_ids: Vec<String> = items.iter().map(|i| i.task.id()).collect();
    let got: Vec<(&str, WorkState, u32, bool)> = (items.iter().zip(&item_ids))
        .map(|(i, id)| (id.as_str(), i.state, i.days_overdue, i.late))
        .collect();
    assert_eq!(
        got,
        [
            (
                "plastic-aftercare/day-1-call/ep-a/0",
                WorkState::Overdue,
                2,
                true
            ),
            (
                "laser-aftercare/day-3-call/ep-b/0",
                WorkState::Today,
                0,
                false
            ),
            (
                "plastic-aftercare/day-3-call/ep-a/0",
                WorkState::Today,
                0,
                false
            ),
            (
                "plastic-aftercare/dressing-change-reminder/ep-a/0",
                WorkState::Expired,
                2,
                true
            ),
        ]
    );
    // Every role: the onsite consultant's dressing-change reception of 4 March too,
    // expired: a reception is worth doing on its visit's day only (audit 101: it was
    // overdue work for a week after the patient had left).
    let all = worklist(tasks(), day, None, &done);
    assert_eq!(all.len(), 5);
    let reception = (all.iter())
        .find(|i| i.task.id() == "plastic-aftercare/dressing-change-reception/ep-a/0")
        .unwrap();
    assert_eq!(
        (
            reception.state,
            reception.days_overdue,
            reception.task.expires
        ),
        (WorkState::Expired, 1, Some(date("2026-03-04")))
    );
    // A week after it expired the reminder is still listed; the day after, no more.
    let listed = |d: &str| {
        worklist(tasks(), date(d), Some(Role::CustomerService), &done)
            .iter()
            .any(|i| i.task.step() == "dressing-change-reminder")
    };
    assert!(listed("2026-03-10"));
    assert!(!listed("2026-03-11"));
    // The onsite consultant alone.
    let onsite = worklist(tasks(), day, Some(Role::OnsiteConsultant), &done);
    assert_eq!(
        ids(onsite.iter().map(|i| &i.task)),
        ["plastic-aftercare/dressing-change-reception/ep-a/0"]
    );
}

#[test]
fn the_week_view_has_seven_days_and_overdue_tasks_on_the_first() {
    let p = plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02"));
    let days = week(
        &p.tasks,
        date("2026-03-04"),
        Some(Role::CustomerService),
        &BTreeSet::new(),
    );
    let got: Vec<(String, Vec<&str>)> = days
        .iter()
        .map(|d| {
            (
                d.date.to_string(),
                d.items.iter().map(|i| i.task.step()).collect(),
            )
        })
        .collect();
    let day = |d: &str, steps: &[&'static str]| (d.to_string(), steps.to_vec());
    assert_eq!(
        got,
        [
            day("2026-03-04", &["day-1-call", "dressing-change-reminder"]), // both overdue
            day("2026-03-05", &["day-3-call"]),
            day("2026-03-06", &[]),
            day("2026-03-07", &[]),
            day("2026-03-08", &["day-6-call", "suture-removal-reminder"]),
            day("2026-03-09", &[]),
            day("2026-03-10", &["suture-removal-followup"]),
        ]
    );
}

#[test]
fn a_task_waiting_for_a_fact_is_not_on_the_worklist() {
    let rules = RuleSet::builder()
        .source(
            "wait.json",
            r#"{"format": "followup/v1", "id": "w", "name": {"zh": "w", "en": "w"},
                "steps": [{"id": "upsell", "offset": "P1D",
                           "wait_for": {"fact": "recovered", "then": "drop"},
                           "title": {"zh": "w", "en": "w"}}]}"#,
        )
        .build()
        .unwrap();
    let ep = episode(r#"{"id": "e", "event": "x", "at": "2026-03-02", "patient": {"id": "p"}}"#);
    let p = rules.plan(&ep, &Calendar::default()).unwrap();
    assert!(p.tasks[0].waits_for().is_some());
    assert!(worklist(&p.tasks, date("2026-03-03"), None, &BTreeSet::new()).is_empty());
}

/// As of Wed 11 Mar 2026, in the middle of a laser plan (procedure Mon 2 Mar): D+1 (3 Mar),
/// D+3 (5 Mar) and D+6 (8 Mar) are past their windows (P0D), each still on its own day —
/// none is moved to 11 Mar. A call is worth making until 7 days after its window: the
/// D+1 call expired on 10 Mar, the D+3 and D+6 calls are missed (worth a late call until
/// 12 and 15 Mar). M+1 (2 Apr) onwards are upcoming. Nothing is open.
/// A key customer's repair callback (due D+1, on time until D+3) is upcoming on the repair
/// day, open on D+2 and missed on D+4.
#[test]
fn as_of_in_the_middle_of_a_plan_marks_missed_tasks_without_moving_them() {
    use followup::plan::Status;
    let ep = procedure("ep-as-of", "laser", "outpatient", "2026-03-02");
    let p = rules()
        .plan_as_of(&ep, &Calendar::default(), date("2026-03-11"))
        .unwrap();
    let got: Vec<(String, &str, Option<Status>)> = p
        .tasks
        .iter()
        .map(|t| (t.due.to_string(), t.step(), t.status))
        .collect();
    assert_eq!(
        got,
        [
            (
                "2026-03-03".to_string(),
                "day-1-call",
                Some(Status::Expired)
            ),
            ("2026-03-05".to_string(), "day-3-call", Some(Status::Missed)),
            ("2026-03-08".to_string(), "day-6-call", Some(Status::Missed)),
            (
                "2026-04-02".to_string(),
                "month-1-call",
                Some(Status::Upcoming)
            ),
            (
                "2026-06-02".to_string(),
                "month-3-call",
                Some(Status::Upcoming)
            ),
            (
                "2026-06-02".to_string(),
                "month-3-further-needs",
                Some(Status::Upcoming)
            ),
            (
                "2026-09-02".to_string(),
                "further-needs-call",
                Some(Status::Upcoming)
            ),
            (
                "2026-09-02".to_string(),
                "month-6-call",
                Some(Status::Upcoming)
            ),
        ]
    );
    // Same tasks, same days as the plan without an as-of day.
    let plain = plan(&ep);
    assert!(p
        .tasks
        .iter()
        .zip(&plain.tasks)
        .all(|(a, b)| a.id() == b.id() && a.due == b.due));

    let repair = episode(
        r#"{"id": "r-1", "event": "repair", "at": "2026-03-02", "patient": {"id": "c-1", "tags": ["key_customer"]}}"#,
    );
    let status_on = |day: &str| {
        let p = rules()
            .plan_as_of(&repair, &Calendar::default(), date(day))
            .unwrap();
        p.tasks
            .iter()
            .find(|t| t.step() == "key-customer-callback")
            .and_then(|t| t.status)
    };
    // Key customer callback: due 3 Mar, on time until 5 Mar.
    assert_eq!(status_on("2026-03-02"), Some(Status::Upcoming));
    assert_eq!(status_on("2026-03-04"), Some(Status::Open));
    assert_eq!(status_on("2026-03-06"), Some(Status::Missed));
}

/// A task that waits for a fact is neither open nor overdue while it waits (audit 9 of
/// 6 December: `missed`, "do it now", while the worklist left it out): the laser
/// session of Mon 2 Mar 2026, its further-needs call at M+6 (Wed 2 Sep) waits for
/// `recovered`. As of 1 Aug it is upcoming; as of Sat 5 Sep, its day past and no
/// recovery recorded, it is waiting (the worklist of that day leaves it out). Recovered
/// on 1 May, it no longer waits: as of 5 Sep it is missed like any call past its day and
/// still worth making (until 9 Sep, 7 days after its day).
#[test]
fn a_task_waiting_for_a_fact_is_waiting_not_missed() {
    use followup::plan::Status;
    let status = |ep: &Episode, as_of: &str| {
        let p = rules()
            .plan_as_of(ep, &Calendar::default(), date(as_of))
            .unwrap();
        let t = p
            .tasks
            .iter()
            .find(|t| t.step() == "further-needs-call")
            .unwrap();
        (t.due.to_string(), t.status)
    };
    let ep = procedure("ep-w", "laser", "outpatient", "2026-03-02");
    assert_eq!(
        status(&ep, "2026-08-01"),
        ("2026-09-02".into(), Some(Status::Upcoming))
    );
    assert_eq!(
        status(&ep, "2026-09-05"),
        ("2026-09-02".into(), Some(Status::Waiting))
    );
    // Its wait (P3M, then drop) ends on 2 Dec, the day it expires: waiting that day,
    // expired the next (audit 43: it stayed waiting, pending for ever).
    assert_eq!(
        status(&ep, "2026-12-02"),
        ("2026-09-02".into(), Some(Status::Waiting))
    );
    assert_eq!(
        status(&ep, "2026-12-03"),
        ("2026-09-02".into(), Some(Status::Expired))
    );
    let p = rules().plan(&ep, &Calendar::default()).unwrap();
    assert!(
        !worklist(&p.tasks, date("2026-09-05"), None, &BTreeSet::new())
            .iter()
            .any(|i| i.task.step() == "further-needs-call")
    );
    let mut recovered = ep.clone();
    recovered.facts.push(followup::episode::Fact {
        kind: "recovered".into(),
        at: "2026-05-01T10:00:00".parse().unwrap(),
        channel: None,
    });
    assert_eq!(
        status(&recovered, "2026-09-05"),
        ("2026-09-02".into(), Some(Status::Missed))
    );
}

/// Staff on duty on a holiday (audit 28: the worklist of a closed day listed a reception
/// at the closed clinic and calls no one makes that day). The official 2026 calendar,
/// National Day closed 1-7 October (30 Sep 2026 is a Wednesday). A plastic outpatient
/// operated on Mon 28 Sep: the day-1 call (Tue 29) not done; the dressing change, D+2,
/// Wed 30 Sep, its reception not done. A complaint logged on Fri 2 Oct at 10:00: its
/// same-day call is kept on the holiday. On 2 Oct, on duty: the complaint's call alone
/// (the overdue call and reception wait for Thu 8 Oct, when they are listed again; the
/// dressing-change reminder, expired on 30 Sep, is for the clinic to close when open).
/// On an open day the worklist is unchanged.
#[test]
fn on_a_closed_day_the_duty_list_holds_what_was_kept_there() {
    let cal = Calendar::china(2026).unwrap();
    let plastic = procedure("ep-p", "plastic", "outpatient", "2026-09-28T10:00:00");
    let complaint = episode(
        r#"{"id": "ep-c", "event": "complaint", "at": "2026-10-02T10:00:00", "patient": {"id": "p-9"}}"#,
    );
    let plans = [
        rules().plan(&plastic, &cal).unwrap(),
        rules().plan(&complaint, &cal).unwrap(),
    ];
    let tasks = || plans.iter().flat_map(|p| &p.tasks);
    let none = BTreeSet::new();
    let ids = |items: &[followup::replan::WorkItem]| -> Vec<String> {
        items.iter().map(|i| i.task.id()).collect()
    };
    // The day's worklist, and what of it staff on duty can do.
    let lists = |day: &str| {
        let all = worklist(tasks(), date(day), None, &none);
        let duty = followup::replan::on_duty(all.clone(), date(day), &cal);
        (ids(&all), ids(&duty))
    };
    let (all, duty) = lists("2026-10-02");
    assert!(all.contains(&"plastic-aftercare/day-1-call/ep-p/0".to_string()));
    assert_eq!(duty, ["complaint/first-call/ep-c/0"]);
    // Not done on the 2nd, the complaint's call is still the duty's work on the closed
    // days after it, overdue, as it was kept on a closed day on purpose (audit 101: it
    // dropped out until the reopening day, where it had expired); the plastic calls wait.
    let (_, duty) = lists("2026-10-03");
    assert_eq!(duty, ["complaint/first-call/ep-c/0"]);
    // On the 7th too, beside that day's message: the reminder of the suture removal,
    // D+7 (Mon 5 Oct) moved by the closure to Thu 8 Oct, sent the day before.
    let (_, duty) = lists("2026-10-07");
    assert_eq!(
        duty,
        [
            "complaint/first-call/ep-c/0",
            "plastic-aftercare/suture-removal-reminder/ep-p/0"
        ]
    );
    let (all, duty) = lists("2026-10-08");
    assert!(all.contains(&"plastic-aftercare/day-1-call/ep-p/0".to_string()));
    assert_eq!(duty, all);
}

/// A complaint's calls are the duty's work on a day the calendar closes even when their
/// own day was open (audit 203: a promised callback missed on an open Saturday dropped
/// off the list of the closed Monday after, with its supervisor's check, which was on
/// time that Monday). A clinic closed on Mondays; a complaint logged on Wed 15 April 2026
/// at 20:30, the callback promised for Sat 18, nothing recorded: on Mon 20 the duty
/// holds the first call (Thu 16) and the promised callback, overdue, and their
/// supervisor's checks; the day-1 call of a laser treatment of Fri 17 (Sat 18), a step
/// that moves off closed days, waits for Tue 21. Read back from JSON, the tasks say so.
#[test]
fn a_complaints_overdue_calls_are_the_dutys_on_a_closed_day() {
    let cal = Calendar::from_json("clinic", r#"{"closed_weekdays": ["Mon"]}"#).unwrap();
    let complaint = episode(
        r#"{"id": "ep-c", "event": "complaint", "at": "2026-04-15T20:30:00", "patient": {"id": "p-9"},
            "milestones": {"promised_callback": "2026-04-18"}}"#,
    );
    let laser = procedure("ep-l", "laser", "outpatient", "2026-04-17T10:00:00");
    let h = followup::history::History::default();
    let plans = [
        rules().plan_with(&complaint, &h, &cal).unwrap(),
        rules().plan_with(&laser, &h, &cal).unwrap(),
    ];
    let none = BTreeSet::new();
    let day = date("2026-04-20");
    let all = worklist(plans.iter().flat_map(|p| &p.tasks), day, None, &none);
    let ids = |items: &[followup::replan::WorkItem]| -> Vec<String> {
        items.iter().map(|i| i.task.id()).collect()
    };
    assert!(ids(&all).contains(&"laser-aftercare/day-1-call/ep-l/0".to_string()));
    let duty = followup::replan::on_duty(all.clone(), day, &cal);
    assert_eq!(
        ids(&duty),
        [
            "complaint/first-call/ep-c/0",
            "complaint/first-call/ep-c/0/overdue",
            "complaint/promised-callback/ep-c/0",
            "complaint/promised-callback/ep-c/0/overdue"
        ]
    );
    let read: Plan = serde_json::from_str(&plans[0].to_json().unwrap()).unwrap();
    let again = worklist(&read.tasks, day, None, &none);
    assert_eq!(
        ids(&followup::replan::on_duty(again, day, &cal)),
        ids(&duty)
    );
}
